# Debian's stock kernels for the kernel matrix, and the initramfs that boots them into the host's root. Dot-sourced by
# tools/KernelMatrix.ps1. Nothing is installed into /boot: each image package is unpacked under out/kernels/ and
# kept there, so that a second run downloads nothing.

# The kernels the matrix boots: Debian 12's default (6.1) and its 6.12 line (what RHEL 10 and Debian's backports run).
$script:KernelPackages = [ordered]@{
    '6.1'  = 'linux-image-amd64'
    '6.12' = 'linux-image-6.12-amd64'
}

# Modules the guest needs to mount the host over 9p; their dependencies are found from each module's modinfo.
# virtio_pci is built in on 6.12 and a module on 6.1: a root that is not a module file is taken to be built in.
$script:GuestModuleRoots = 'virtio_pci', '9pnet_virtio', '9p'

function Install-KernelMatrixTools {
    # qemu and a static busybox from apt when missing, as a clean CI machine needs them.
    $missing = @()
    if (-not (Get-Command qemu-system-x86_64 -ErrorAction SilentlyContinue)) { $missing += 'qemu-system-x86' }
    if ((& dpkg-query -W -f '${Status}' busybox-static 2>$null) -notmatch 'install ok installed') { $missing += 'busybox-static' }
    if (-not (Get-Command xz -ErrorAction SilentlyContinue)) { $missing += 'xz-utils' }
    if (-not $missing) { return }
    Write-Host "Installing $($missing -join ', ') with apt" -ForegroundColor Cyan
    Invoke-Native apt-get @('update', '-qq')
    $env:DEBIAN_FRONTEND = 'noninteractive'
    Invoke-Native apt-get @(@('install', '-y', '-qq', '--no-install-recommends') + $missing)
}

function Resolve-KernelPackage {
    # The image package a meta-package depends on, e.g. linux-image-amd64 -> linux-image-6.1.0-57-amd64.
    param([Parameter(Mandatory)][string]$MetaPackage)
    foreach ($attempt in 1, 2) {
        $depends = & apt-cache depends $MetaPackage 2>$null | Select-String '^\s*Depends:\s*(linux-image-\S+)'
        if ($depends) { return $depends[0].Matches[0].Groups[1].Value }
        if ($attempt -eq 1) { Invoke-Native apt-get @('update', '-qq') }
    }
    throw "apt-cache knows no image package behind $MetaPackage."
}

function Get-KernelImage {
    <#
    Downloads and unpacks one kernel of the matrix (cached under out/kernels/<package>/) and returns its name,
    package, release (uname -r), vmlinuz path and the root of its unpacked files.
    #>
    param([Parameter(Mandatory)][string]$Name)

    $package = Resolve-KernelPackage $script:KernelPackages[$Name]
    $root = Join-Path $script:OutDir "kernels/$package"
    $done = Join-Path $root '.unpacked'
    if (-not (Test-Path $done)) {
        Remove-Item -Recurse -Force $root -ErrorAction SilentlyContinue
        $downloads = Join-Path $script:OutDir 'kernels/downloads'
        $null = New-Item -ItemType Directory -Force $downloads
        Write-Host "Downloading $package" -ForegroundColor Cyan
        Push-Location $downloads
        try {
            # As root apt warns that its _apt sandbox user cannot write here; the download itself works.
            & apt-get download $package 2>&1 | Where-Object { "$_" -notmatch 'unsandboxed' } | Out-Host
            if ($LASTEXITCODE -ne 0) { throw "apt-get download $package failed with exit code $LASTEXITCODE." }
        }
        finally {
            Pop-Location
        }
        $deb = Get-ChildItem $downloads -Filter "${package}_*.deb" | Select-Object -First 1
        Invoke-Native dpkg-deb @('-x', $deb.FullName, $root)
        Remove-Item $deb.FullName
        $null = New-Item -ItemType File $done
    }
    $vmlinuz = Get-ChildItem (Join-Path $root 'boot') -Filter 'vmlinuz-*' | Select-Object -First 1
    [pscustomobject]@{
        Name    = $Name
        Package = $package
        Release = $vmlinuz.Name.Substring('vmlinuz-'.Length)
        Vmlinuz = $vmlinuz.FullName
        Root    = $root
    }
}

function Read-ModuleDependencies {
    # The depends= field of a module's .modinfo section: the package ships no modules.dep, and busybox has no modinfo.
    param([Parameter(Mandatory)][byte[]]$Bytes)
    $text = [Text.Encoding]::Latin1.GetString($Bytes)
    $match = [regex]::Match($text, "depends=([^\x00]*)\x00")
    if (-not $match.Success) { return @() }
    @($match.Groups[1].Value -split ',' | Where-Object { $_ })
}

function Read-ModuleBytes {
    # A module's ELF bytes; 6.12's modules are xz-compressed, which busybox insmod cannot load.
    param([Parameter(Mandatory)][string]$Path)
    if ($Path -notlike '*.xz' -and $Path -notlike '*.zst') { return [IO.File]::ReadAllBytes($Path) }
    $tool = if ($Path -like '*.xz') { 'xz' } else { 'zstd' }
    $temp = [IO.Path]::GetTempFileName()
    try {
        & sh -c "$tool -dc '$Path' > '$temp'"
        if ($LASTEXITCODE -ne 0) { throw "$tool -dc $Path failed." }
        [IO.File]::ReadAllBytes($temp)
    }
    finally {
        Remove-Item $temp
    }
}

function Get-GuestModules {
    # The guest's modules in load order (dependencies first), each with its uncompressed bytes.
    param([Parameter(Mandatory)]$Kernel)
    $files = @{}
    foreach ($file in Get-ChildItem (Join-Path $Kernel.Root "lib/modules/$($Kernel.Release)/kernel") -Recurse -File) {
        if ($file.Name -match '^(.+)\.ko(\.xz|\.zst)?$') { $files[$Matches[1] -replace '-', '_'] = $file.FullName }
    }
    $ordered = [Collections.Generic.List[object]]::new()
    $seen = @{}
    $visit = {
        param([string]$name)
        if ($seen.ContainsKey($name)) { return }
        $seen[$name] = $true
        if (-not $files.ContainsKey($name)) { return }
        $bytes = Read-ModuleBytes $files[$name]
        foreach ($dependency in Read-ModuleDependencies $bytes) { & $visit $dependency }
        $ordered.Add([pscustomobject]@{ Name = $name; Bytes = $bytes })
    }
    foreach ($root in $script:GuestModuleRoots) { & $visit $root }
    if (-not ($ordered | Where-Object Name -eq '9p')) { throw "$($Kernel.Package) has no 9p module." }
    $ordered
}

function New-KernelInitramfs {
    # Packs busybox, tools/kernel/init and the 9p modules into out/kernels/<package>/initrd.gz; returns its path.
    param([Parameter(Mandatory)]$Kernel)
    $initrd = Join-Path $Kernel.Root 'initrd.gz'
    $init = Join-Path $PSScriptRoot 'kernel/init'
    if ((Test-Path $initrd) -and (Get-Item $initrd).LastWriteTimeUtc -gt (Get-Item $init).LastWriteTimeUtc) { return $initrd }

    $staging = Join-Path $Kernel.Root 'initramfs'
    Remove-Item -Recurse -Force $staging -ErrorAction SilentlyContinue
    foreach ($dir in 'bin', 'dev', 'proc', 'sys', 'mnt', 'modules') { $null = New-Item -ItemType Directory -Force (Join-Path $staging $dir) }
    Copy-Item /bin/busybox (Join-Path $staging 'bin/busybox')
    Copy-Item $init (Join-Path $staging 'init')
    $modules = Get-GuestModules $Kernel
    foreach ($module in $modules) {
        [IO.File]::WriteAllBytes((Join-Path $staging "modules/$($module.Name).ko"), $module.Bytes)
    }
    Set-Content (Join-Path $staging 'modules/order') ($modules.Name -join "`n")
    Invoke-Native chmod @('755', (Join-Path $staging 'init'), (Join-Path $staging 'bin/busybox'))
    Invoke-Native sh @('-c', "cd '$staging' && find . | busybox cpio -o -H newc 2>/dev/null | gzip -1 > '$initrd.part' && mv '$initrd.part' '$initrd'")
    Remove-Item -Recurse -Force $staging
    $initrd
}
