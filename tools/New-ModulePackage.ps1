<#
.SYNOPSIS
Packs a built module folder into <Name>.<Version>.nupkg in -OutputPath and returns the package's path.

.DESCRIPTION
PSResourceGet's Publish-PSResource writes the nupkg (its nuspec comes from the manifest), but only into a registered
repository. So that the caller's repository list and NuGet settings stay untouched, even when the build is killed,
the publishing runs in a child pwsh whose HOME is a temporary folder: the registration lands there and goes with it.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)][string]$ModulePath,
    [Parameter(Mandatory)][string]$OutputPath,
    # Internal: set when this script runs itself in the isolated child.
    [switch]$Isolated
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

if ($Isolated) {
    Register-PSResourceRepository -Name CowPagesBuild -Uri $OutputPath -Trusted
    Publish-PSResource -Path $ModulePath -Repository CowPagesBuild
    return
}

. "$PSScriptRoot/ChildPwsh.ps1"
$manifest = Get-ChildItem $ModulePath -Filter '*.psd1' | Select-Object -First 1
if (-not $manifest) { throw "No module manifest in $ModulePath." }
$data = Import-PowerShellDataFile $manifest.FullName
$name = "$($manifest.BaseName).$($data.ModuleVersion).nupkg"

$temp = Join-Path ([IO.Path]::GetTempPath()) "cowpages-pack-$([guid]::NewGuid().ToString('n'))"
# .NET reports no LocalApplicationData unless the folder exists, and NuGet then writes into the working directory.
$null = New-Item -ItemType Directory "$temp/home/.local/share", "$temp/home/.config", "$temp/repository"
try {
    $null = Invoke-ChildPwsh -File $PSCommandPath -ArgumentList '-ModulePath', (Resolve-Path $ModulePath).Path, '-OutputPath', "$temp/repository", '-Isolated' `
        -Environment @{ HOME = "$temp/home"; XDG_DATA_HOME = $null; XDG_CONFIG_HOME = $null; XDG_CACHE_HOME = $null }
    $package = Join-Path "$temp/repository" $name
    if (-not (Test-Path $package)) { throw "Publish-PSResource did not write $name (found: $((Get-ChildItem "$temp/repository").Name -join ', '))." }
    $null = New-Item -ItemType Directory -Force $OutputPath
    $target = Join-Path $OutputPath $name
    Move-Item $package $target -Force
    (Resolve-Path $target).Path
}
finally {
    Remove-Item -Recurse -Force $temp -ErrorAction SilentlyContinue
}
