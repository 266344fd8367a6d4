<#
.SYNOPSIS
Captures what the running kernel reports for the fixture family, as small text files for the core's quirk layer and
its unit tests: tests/data/kernels/<release>/ (see the README there).

.DESCRIPTION
Runs as root on the kernel to capture: on the host directly, or inside a kernel-matrix guest through
build.ps1 -Task KernelFacts. It starts tests/fixtures/pagefamily.c and reads the kernel's files itself, without the
module, so that the words are the kernel's and not CowPages' reading of them:
  probe.txt         kernelprobe's facts, THP mode, and kpageflags of a memory hole
  regions.txt       the family's PIDs and region addresses
  pagemap.txt       every pagemap word of every region of each process of the family
  kpage.txt         kpageflags and kpagecount of every frame those words name (the zero page included)
  smaps_rollup-<role>.txt, ksm.txt   the kernel's own totals, and /sys/kernel/mm/ksm/*
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)][string]$OutputPath,
    [string]$FixtureDir = (Join-Path (Split-Path -Parent $PSScriptRoot) 'out/fixtures')
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
. (Join-Path $PSScriptRoot 'PageFamily.ps1')

function Read-Words {
    # COUNT 64-bit words of a /proc file from word INDEX on, in one read, as the kernel gives them (native order).
    param([string]$Path, [uint64]$Index, [int]$Count)
    $stream = [IO.FileStream]::new($Path, [IO.FileMode]::Open, [IO.FileAccess]::Read, [IO.FileShare]::ReadWrite, 1)
    try {
        $buffer = [byte[]]::new($Count * 8)
        $stream.Position = [long]($Index * 8)
        $read = 0
        while ($read -lt $buffer.Length) {
            $n = $stream.Read($buffer, $read, $buffer.Length - $read)
            if ($n -le 0) { break }
            $read += $n
        }
        for ($i = 0; $i -lt $read / 8; $i++) { [BitConverter]::ToUInt64($buffer, $i * 8) }
    }
    finally {
        $stream.Dispose()
    }
}

function Format-Word([uint64]$Word) { '0x{0:x16}' -f $Word }

function Find-HolePfn {
    # The first PFN past the first "System RAM" range of /proc/iomem that is not RAM either: a hole in physical memory,
    # where kpageflags says KPF_NOPAGE on older kernels and 0 on newer ones.
    $ram = Get-Content /proc/iomem | Where-Object { $_ -match '^([0-9a-f]+)-([0-9a-f]+) : System RAM$' } |
        ForEach-Object { [pscustomobject]@{ Start = [Convert]::ToUInt64($Matches[1], 16); End = [Convert]::ToUInt64($Matches[2], 16) } } |
        Sort-Object Start
    for ($i = 0; $i -lt @($ram).Count - 1; $i++) {
        $holeStart = ($ram[$i].End + 1) / 4096
        # A whole 128 MiB memory section, so that not even a struct page exists for it.
        $section = [math]::Ceiling($holeStart / 32768) * 32768
        if (($section + 32768) * 4096 -le $ram[$i + 1].Start) { return [uint64]$section }
    }
    $null
}

$null = New-Item -ItemType Directory -Force $OutputPath
$release = Get-Content /proc/sys/kernel/osrelease

$probe = @("release $release") + @(& (Join-Path $FixtureDir 'kernelprobe'))
foreach ($file in 'enabled', 'defrag') {
    $probe += "thp_$file $(Get-Content /sys/kernel/mm/transparent_hugepage/$file -ErrorAction SilentlyContinue)"
}
$probe += "pvm_no_zero_page $([int]((Get-Content /proc/cmdline) -match 'pvm_no_zero_page=1'))"
$hole = Find-HolePfn
if ($null -ne $hole) {
    $probe += "hole_pfn 0x{0:x} kpageflags {1} kpagecount {2}" -f $hole, (Format-Word (Read-Words /proc/kpageflags $hole 1)), (Read-Words /proc/kpagecount $hole 1)
}
$probe | Set-Content (Join-Path $OutputPath 'probe.txt')

Get-ChildItem /sys/kernel/mm/ksm -File | Sort-Object Name | ForEach-Object { "$($_.Name) $(Get-Content $_.FullName -ErrorAction SilentlyContinue)" } |
    Set-Content (Join-Path $OutputPath 'ksm.txt')

$family = Start-PageFamily
try {
    $roles = 'Parent', 'Child', 'Grandchild'
    $regions = $family.Regions.Values | Sort-Object Address
    @(
        '# role pid'
        $roles | ForEach-Object { "$($_.ToLower()) $($family.$_)" }
        '# region address pages'
        $regions | ForEach-Object { '{0} 0x{1:x} {2}' -f $_.Name, $_.Address, $_.Pages }
    ) | Set-Content (Join-Path $OutputPath 'regions.txt')

    $pfns = [Collections.Generic.SortedSet[uint64]]::new()
    $pagemap = [Collections.Generic.List[string]]::new()
    $pagemap.Add('# role region page word: /proc/PID/pagemap, one word per page of each region')
    foreach ($role in $roles) {
        $id = $family.$role
        foreach ($r in $regions) {
            $words = @(Read-Words "/proc/$id/pagemap" ($r.Address / 4096) $r.Pages)
            for ($i = 0; $i -lt $words.Count; $i++) {
                $pagemap.Add("$($role.ToLower()) $($r.Name) $i $(Format-Word $words[$i])")
                # A present page (bit 63) names its frame in bits 0-54.
                if ($words[$i] -band ([uint64]1 -shl 63)) { $null = $pfns.Add($words[$i] -band (([uint64]1 -shl 55) - 1)) }
            }
        }
        Get-Content "/proc/$id/smaps_rollup" | Set-Content (Join-Path $OutputPath "smaps_rollup-$($role.ToLower()).txt")
    }
    $pagemap | Set-Content (Join-Path $OutputPath 'pagemap.txt')

    $kpage = [Collections.Generic.List[string]]::new()
    $kpage.Add('# pfn kpageflags kpagecount, for every frame pagemap.txt names')
    foreach ($pfn in $pfns) {
        $kpage.Add(('0x{0:x} {1} {2}' -f $pfn, (Format-Word (Read-Words /proc/kpageflags $pfn 1)), (Read-Words /proc/kpagecount $pfn 1)))
    }
    $kpage | Set-Content (Join-Path $OutputPath 'kpage.txt')
}
finally {
    Stop-PageFamily $family
}
Write-Host "Saved the facts of $release in $OutputPath"
