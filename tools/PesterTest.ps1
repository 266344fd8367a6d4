# Runs the Pester suite against the built module. Started by build.ps1 in a child pwsh, and by the kernel matrix's
# guests (tools/KernelMatrix.ps1) with -Tag Kernel: then only the files that tag tests run, and without progress
# bars, which would crawl through the guest's 115200-baud console.
param(
    [Parameter(Mandatory)][string]$PesterPath,
    [Parameter(Mandatory)][string]$ModulePath,
    [Parameter(Mandatory)][string]$SummaryPath,
    [string]$Tag
)
$ErrorActionPreference = 'Stop'
Import-Module $PesterPath

$env:COWPAGES_MODULE_PATH = $ModulePath
$repo = Split-Path -Parent $PSScriptRoot
$config = New-PesterConfiguration
$config.Run.Path = Join-Path $repo 'tests'
$config.TestResult.Enabled = $true
if ($Tag) {
    # A log file, not a terminal; and the NUnit report costs half a minute under emulation, for nobody to read.
    $global:ProgressPreference = 'SilentlyContinue'
    $PSStyle.OutputRendering = 'PlainText'
    $config.TestResult.Enabled = $false
    $config.Filter.Tag = $Tag
    $config.Run.Path = @(Get-ChildItem (Join-Path $repo 'tests') -Filter '*.Tests.ps1' |
        Select-String -Pattern "-Tag\s+'?$Tag\b" -List | ForEach-Object Path)
}
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Detailed'
$config.TestResult.OutputFormat = 'NUnitXml'
$config.TestResult.OutputPath = Join-Path (Split-Path $SummaryPath) 'Pester.xml'

$result = Invoke-Pester -Configuration $config
[pscustomobject]@{
    Passed  = $result.PassedCount
    Failed  = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
    Skipped = $result.SkippedCount
    Release = (Get-Content /proc/sys/kernel/osrelease)
    FailedTests  = @($result.Failed | ForEach-Object { $_.ExpandedPath })
    SkippedTests = @($result.Skipped | ForEach-Object { "$($_.ExpandedPath): $($_.ErrorRecord | Select-Object -First 1)" })
} | ConvertTo-Json | Set-Content $SummaryPath
