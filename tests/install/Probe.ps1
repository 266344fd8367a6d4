# Run by Install.Tests.ps1 in a child pwsh whose HOME is a temporary folder and whose PSModulePath is pwsh's default.
# Each step does what build.ps1 -Task Install or Uninstall does, or uses the module by name, and reports as JSON.
param(
    [Parameter(Mandatory)][ValidateSet('Install', 'Run', 'Uninstall')][string]$Step,
    [string]$ModulePath
)
$ErrorActionPreference = 'Stop'
. (Join-Path (Split-Path -Parent (Split-Path -Parent $PSScriptRoot)) 'tools/ModuleInstall.ps1')
$version = (Import-PowerShellDataFile (Join-Path $ModulePath 'CowPages.psd1')).ModuleVersion

switch ($Step) {
    'Install' {
        $destination = Get-UserModulePath
        $installed = Install-BuiltModule -ModulePath $ModulePath -Destination $destination
        [pscustomobject]@{
            Destination = $destination
            Installed   = $installed
            Files       = @(Get-ChildItem $installed -Recurse -File | ForEach-Object { $_.FullName.Substring($installed.Length) } | Sort-Object)
        } | ConvertTo-Json -Compress
    }
    'Run' {
        # No Import-Module: the first use of a cmdlet must load the module from the user path.
        $loadedBefore = [bool](Get-Module CowPages)
        $summary = Get-CowSummary -Id $PID -WarningAction SilentlyContinue
        [pscustomobject]@{
            LoadedBefore = $loadedBefore
            ModuleBase   = (Get-Module CowPages).ModuleBase
            TypeName     = $summary.GetType().FullName
            ProcessId    = $summary.ProcessId
            Rss          = $summary.Rss
            Listed       = @((Get-Module -ListAvailable CowPages).ModuleBase)
        } | ConvertTo-Json -Compress
    }
    'Uninstall' {
        $removed = Uninstall-BuiltModule -Name CowPages -Version $version -Destination (Get-UserModulePath)
        [pscustomobject]@{
            Removed = $removed
            Listed  = @((Get-Module -ListAvailable CowPages).ModuleBase)
            Command = [bool](Get-Command Get-CowSummary -ErrorAction SilentlyContinue)
        } | ConvertTo-Json -Compress
    }
}
