<#
.SYNOPSIS
Measures what gc.freeze() in a gunicorn master saves: the same load on the same app, with and without it.

.DESCRIPTION
Runs tools/Gunicorn.ps1's Measure-GunicornCopy twice (Debian's gunicorn, --preload, three workers, a 200,000-entry
dict, 600 requests to 127.0.0.1) and prints, as markdown, each worker's copied MiB tick by tick and at the end. The
numbers in README.md and about_CowPages come from this script. Needs root (frame numbers) and gunicorn installed.
#>
param(
    [Parameter(Mandatory)][string]$ModulePath,
    [double]$Interval = 0.5
)
$ErrorActionPreference = 'Stop'
# A relative path would be taken for a module name by Import-Module.
Import-Module (Join-Path (Resolve-Path $ModulePath).Path 'CowPages.psd1') -Force
. (Join-Path $PSScriptRoot 'Gunicorn.ps1')
if (-not (Test-Gunicorn)) { throw 'gunicorn is not installed: apt-get install gunicorn' }

$runs = [ordered]@{ 'without gc.freeze()' = Measure-GunicornCopy -Interval $Interval; 'with gc.freeze()' = Measure-GunicornCopy -Freeze -Interval $Interval }

foreach ($name in $runs.Keys) {
    $run = $runs[$name]
    "### $name"
    ''
    "Master $($run.Master): {0:N1} MiB anonymous. Workers' copied MiB at each tick (Watch-ForkPages -Interval $Interval):" -f $run.AnonymousMiB
    ''
    '| Seconds | ' + (($run.Workers | ForEach-Object { "Worker $_" }) -join ' | ') + ' |'
    '| ---: | ' + (($run.Workers | ForEach-Object { '---:' }) -join ' | ') + ' |'
    foreach ($tick in $run.Samples | Group-Object { [math]::Floor($_.Elapsed.TotalSeconds / $Interval) }) {
        $cells = foreach ($worker in $run.Workers) {
            $sample = $tick.Group | Where-Object DifferenceId -eq $worker
            if ($sample) { '{0:N1}' -f ($sample.CopiedBytes / 1MB) } else { '' }
        }
        "| {0:N1} | {1} |" -f ([int]$tick.Name * $Interval), ($cells -join ' | ')
    }
    ''
    foreach ($worker in $run.Workers) {
        $last = ($run.Samples | Where-Object DifferenceId -eq $worker)[-1]
        $seen = $run.Requests["$worker"]
        "- worker ${worker}: $($seen.requests) requests, $($seen.full_collections) full collection(s), {0:N1} MiB copied, {1:N1} MiB still shared" -f ($last.CopiedBytes / 1MB), ($last.SharedBytes / 1MB)
    }
    ''
}
