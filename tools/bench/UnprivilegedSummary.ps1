# Runs inside a pwsh started as uid 65534 by tools/Bench.ps1: times Get-CowSummary without root (the
# exclusive-bit method) in this one warm pwsh and reports the timing and working set as JSON.
param(
    [Parameter(Mandatory)][string]$ModuleManifest,
    [Parameter(Mandatory)][int]$ProcessId,
    [int]$Runs = 5
)
$ErrorActionPreference = 'Stop'
. (Join-Path $PSScriptRoot 'BenchTiming.ps1')
Import-Module $ModuleManifest
$m = Measure-Cmdlet -Runs $Runs { Get-CowSummary -Id $ProcessId -WarningAction SilentlyContinue }
[pscustomobject]@{
    Uid        = [int](& id -u)
    MedianMs   = $m.MedianMs
    TimesMs    = $m.TimesMs
    PeakKiB    = $m.PeakKiB
    ExtraKiB   = $m.ExtraKiB
    Method     = "$($m.Output.Method)"
    Rss        = $m.Output.Rss
    CowPrivate = $m.Output.CowPrivate
} | ConvertTo-Json -Compress
