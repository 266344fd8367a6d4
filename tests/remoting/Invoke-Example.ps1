# Run by Remoting.Tests.ps1 in a child pwsh, because Pester cannot run inside a running Pester: runs one of the
# shipped example checks (docs/examples/*.Tests.ps1) with its -Data, and reports each test's name, result and
# message as JSON.
param(
    [Parameter(Mandatory)][string]$PesterPath,
    [Parameter(Mandatory)][string]$Path,
    [Parameter(Mandatory)][string]$DataJson
)
$ErrorActionPreference = 'Stop'
Import-Module $PesterPath
$config = New-PesterConfiguration
$config.Run.Container = New-PesterContainer -Path $Path -Data ($DataJson | ConvertFrom-Json -AsHashtable)
$config.Run.PassThru = $true
$config.Output.Verbosity = 'None'
$result = Invoke-Pester -Configuration $config
ConvertTo-Json -Compress -AsArray -InputObject @($result.Tests | ForEach-Object {
        [pscustomobject]@{ Name = $_.ExpandedName; Result = "$($_.Result)"; Message = "$($_.ErrorRecord)" }
    })
