# Shared by every Pester file: imports the BUILT module from out/ and manages fixture processes.
$script:RepoRoot = Split-Path -Parent $PSScriptRoot
$script:ModulePath = if ($env:COWPAGES_MODULE_PATH) { $env:COWPAGES_MODULE_PATH } else {
    $version = (Import-PowerShellDataFile (Join-Path $script:RepoRoot 'CowPages.psd1')).ModuleVersion
    Join-Path $script:RepoRoot "out/CowPages/$version"
}
$script:FixtureDir = Join-Path $script:RepoRoot 'out/fixtures'
$script:PageSize = 4096

Import-Module (Join-Path $script:ModulePath 'CowPages.psd1') -Force

. (Join-Path $script:RepoRoot 'tools/PageFamily.ps1')

function Get-RegionPages {
    # Get-PageMap over exactly one fixture region of one process.
    param($Family, [int]$ProcessId, [string]$Region)
    $r = $Family.Regions[$Region]
    Get-PageMap -Id $ProcessId -Address $r.Address -Count $r.Pages
}

function Read-SmapsRollup {
    # The kernel's own totals for a process, in bytes, keyed by field; $null if the process is gone or has no memory.
    param([int]$ProcessId)
    $lines = Get-Content "/proc/$ProcessId/smaps_rollup" -ErrorAction SilentlyContinue
    if (-not $lines) { return $null }
    $fields = @{}
    foreach ($line in $lines) {
        if ($line -match '^(\w+):\s+(\d+) kB$') { $fields[$Matches[1]] = [uint64]$Matches[2] * 1024 }
    }
    $fields
}
