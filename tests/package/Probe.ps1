# Run by Package.Tests.ps1 in a child pwsh whose HOME is a temporary folder. -Step Install installs CowPages from a
# local repository with Install-PSResource; -Step Run imports it by name and reports, as JSON, what it found.
param(
    [Parameter(Mandatory)][ValidateSet('Install', 'Run')][string]$Step,
    [string]$Repository
)
$ErrorActionPreference = 'Stop'

if ($Step -eq 'Install') {
    Register-PSResourceRepository -Name CowPagesTest -Uri $Repository -Trusted
    try {
        Install-PSResource -Name CowPages -Repository CowPagesTest -Scope CurrentUser -TrustRepository
    }
    finally {
        Unregister-PSResourceRepository -Name CowPagesTest
    }
    [pscustomobject]@{ Repositories = @((Get-PSResourceRepository).Name) } | ConvertTo-Json -Compress
    return
}

Import-Module CowPages
$pages = @(Get-PageMap -Id $PID -Mapping '[stack]' -WarningAction SilentlyContinue)
[pscustomobject]@{
    ModuleBase = (Get-Module CowPages).ModuleBase
    Pages      = $pages.Count
    Present    = @($pages | Where-Object Present).Count
    TypeName   = $pages[0].GetType().FullName
    Mapping    = @($pages.Mapping | Select-Object -Unique)
    HelpFile   = (Get-Command Get-PageMap).HelpFile
    Synopsis   = (Get-Help Get-PageMap).Synopsis
} | ConvertTo-Json -Compress
