# What the running kernel does, found by trying it (out/fixtures/kernelprobe, from tests/fixtures/kernelprobe.c) rather
# than from its version string, so that the tests' expectations follow the kernel they run on: the host, or a guest
# of the kernel matrix (build.ps1 -Task KernelTest). Dot-sourced; safe in BeforeDiscovery, which has no common.ps1.

function Get-KernelFacts {
    if ($script:KernelFactsCache) { return $script:KernelFactsCache }
    $probe = Join-Path (Split-Path -Parent $PSScriptRoot) 'out/fixtures/kernelprobe'
    if (-not (Test-Path $probe)) { throw "$probe is missing: build first (build.ps1 -Task Build)." }
    $values = @{}
    foreach ($line in & $probe) {
        $name, $value = $line -split ' ', 2
        $values[$name] = [long]$value
    }
    if ($LASTEXITCODE -ne 0) { throw "$probe failed with exit code $LASTEXITCODE." }
    $thp = Get-Content /sys/kernel/mm/transparent_hugepage/enabled -ErrorAction SilentlyContinue
    $script:KernelFactsCache = [pscustomobject]@{
        Release          = (Get-Content /proc/sys/kernel/osrelease)
        # Anonymous pages that were only read map the shared zero page (absent with pvm_no_zero_page=1).
        ZeroPage         = $values['zero_page'] -eq 1
        # The zero page's PFN as root sees it; 0 without a zero page or without CAP_SYS_ADMIN.
        ZeroPfn          = [uint64]$values['zero_pfn']
        PagemapScan      = $values['pagemap_scan'] -eq 1
        GuardInstall     = $values['guard_install'] -eq 1
        GuardBit         = $values['guard_bit'] -eq 1
        # $null when the probe could not read /proc/kpageflags (not root).
        KsmFlagBogus     = if ($values['ksm_flag_bogus'] -ge 0) { $values['ksm_flag_bogus'] -eq 1 } else { $null }
        AnonExclusiveBit = if ($values['anon_exclusive_bit'] -ge 0) { $values['anon_exclusive_bit'] -eq 1 } else { $null }
        ThpMode          = if ("$thp" -match '\[(\w+)\]') { $Matches[1] } else { 'unsupported' }
    }
    $script:KernelFactsCache
}

