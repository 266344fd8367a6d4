<#
.SYNOPSIS
Where each microsecond per object goes in a per-page pipeline: samples a warm pwsh with perf while it runs the
pipeline over and over, and splits the samples by what the code belongs to.

.DESCRIPTION
Starts a forked bench fixture of -SizeMiB (the child writes every 4th page), then a second pwsh that imports the
module, runs -Pipeline once to warm up, and then in a loop for -Seconds while `perf record -e cpu-clock` samples it
(perf from Debian's linux-perf; hardware counters are not needed). .NET code is named through the runtime's perf map
(DOTNET_PerfMapEnabled=1; ReadyToRun off, so that every method is in the map). Prints the microseconds per object
spent in each part: the kernel, CowPages, parameter binding, PSObject and ETS, the pipeline, Export-Csv, the GC and
the rest of the runtime, and the hottest symbols. Times are the profiled pwsh's CPU time (user and system), which
holds still on a shared machine where wall time does not. As root. Not part of the test suite.

.EXAMPLE
dotnet pwsh tools/bench/ProfilePipeline.ps1 -ModulePath out/CowPages/0.1.0 -Pipeline 'Get-PageMap -Id $child -Present | Get-PageFlags | Measure-Object'
#>
param(
    [Parameter(Mandatory)][string]$ModulePath,
    # Script text; $parent and $child are the fixture's PIDs, $csv a scratch file.
    [Parameter(Mandatory)][string]$Pipeline,
    [int]$SizeMiB = 1024,
    [int]$Seconds = 8,
    [int]$Top = 25
)
$ErrorActionPreference = 'Stop'
$repo = Split-Path -Parent (Split-Path -Parent $PSScriptRoot)
. (Join-Path $PSScriptRoot 'BenchTiming.ps1')
. (Join-Path $PSScriptRoot 'BenchNative.ps1')
. (Join-Path $PSScriptRoot 'BenchFixture.ps1')
if (-not (Get-Command perf -ErrorAction SilentlyContinue)) { throw 'perf is not installed (apt-get install linux-perf).' }
$ModulePath = (Resolve-Path $ModulePath).Path
$work = Join-Path ([IO.Path]::GetTempPath()) "cowpages-profile-$([guid]::NewGuid().ToString('n'))"
$null = New-Item -ItemType Directory $work
Build-BenchNative -SourceDir (Join-Path $repo 'tests/bench') -OutputDir $work

# The part of the program each symbol belongs to, first match wins.
$parts = [ordered]@{
    'kernel'                   = '\[k\]'
    'runtime (libcoreclr, no symbols)' = 'libcoreclr'
    'Export-Csv'               = 'Csv|ExportCsv'
    'CowPages'                 = 'CowPages\.'
    'parameter binding'        = 'ParameterBinder|ParameterBinding|CmdletParameterBinderController|MergedCommandParameterMetadata|BindParameter|CompiledCommandParameter|ParameterSetSpecification|CoerceTypes|LanguagePrimitives|ArgumentTypeConverter'
    'PSObject and ETS'         = 'PSObject|PSMemberInfo|PSMemberSet|PSProperty|Adapter|TypeTable|ConsolidatedString|PSNoteProperty|MemberInfoCollection|PSGetMemberBinder|DotNetAdapter|CacheTable'
    'pipeline and cmdlet calls' = 'Pipe|CommandProcessor|MshCommandRuntime|Cmdlet\.|WriteObject|PipelineProcessor|ObjectStream|CommandRuntime'
    'script and Measure-Object' = 'Measure|Compiler|Interpreter|ScriptBlock|PSScriptCmdlet|Language\.'
    'GC and allocation'        = 'WKS::|gc_heap|GCHeap|Alloc|memset|memmove|JIT_New|RhpNew|GCToEE'
    'strings and formatting'   = 'String|Number\.|Format|UInt64|Int32\.ToString|Text\.'
}

$fixture = Start-BenchFixture (Join-Path $work 'benchfixture') @('fork', "$SizeMiB")
$inner = Join-Path $work 'inner.ps1'
@'
param($ModulePath, $parent, $child, $csv, $Seconds, $Pipeline)
Import-Module (Join-Path $ModulePath 'CowPages.psd1')
$script = [scriptblock]::Create($Pipeline)
$clock = [Diagnostics.Stopwatch]::StartNew()
$out = & $script
$objects = if ($out -is [Microsoft.PowerShell.Commands.GenericMeasureInfo]) { $out.Count } elseif (Test-Path $csv) { (Get-Content $csv | Measure-Object -Line).Lines - 1 } else { @($out).Count }
[Console]::Out.WriteLine("warm $objects $($clock.Elapsed.TotalMilliseconds)")
[Console]::Out.Flush()
$null = [Console]::In.ReadLine()
$runs = 0
$self = [Diagnostics.Process]::GetCurrentProcess()
$cpu = $self.TotalProcessorTime
$clock.Restart()
while ($clock.Elapsed.TotalSeconds -lt $Seconds) { $null = & $script; $runs++ }
$self.Refresh()
[Console]::Out.WriteLine("done $runs $($clock.Elapsed.TotalMilliseconds) $(($self.TotalProcessorTime - $cpu).TotalMilliseconds)")
'@ | Set-Content $inner
try {
    $info = [Diagnostics.ProcessStartInfo]::new('dotnet')
    foreach ($a in (Join-Path $PSHOME 'pwsh.dll'), '-NoProfile', '-NonInteractive', '-File', $inner, $ModulePath, $fixture.parent, $fixture.child,
        (Join-Path $work 'out.csv'), $Seconds, $Pipeline) { $info.ArgumentList.Add("$a") }
    $info.Environment['DOTNET_PerfMapEnabled'] = '1'
    $info.Environment['DOTNET_ReadyToRun'] = '0'
    # JIT code in plain anonymous memory, where perf finds it through the map (not behind the W^X double mapping).
    $info.Environment['DOTNET_EnableWriteXorExecute'] = '0'
    $info.RedirectStandardInput = $true
    $info.RedirectStandardOutput = $true
    $info.UseShellExecute = $false
    $shell = [Diagnostics.Process]::Start($info)
    $warm = -split $shell.StandardOutput.ReadLine()
    if ($warm[0] -ne 'warm') { throw "The profiled pwsh failed: $warm" }
    $objects = [double]$warm[1]
    $data = Join-Path $work 'perf.data'
    $perf = Start-Process perf -ArgumentList 'record', '-e', 'cpu-clock', '-F', '1999', '-g', '-p', $shell.Id, '-o', $data -PassThru -RedirectStandardError (Join-Path $work 'perf.err')
    Start-Sleep -Milliseconds 500
    $shell.StandardInput.WriteLine('go')
    $shell.StandardInput.Flush()
    $done = -split $shell.StandardOutput.ReadLine()
    & kill -INT $perf.Id
    $perf.WaitForExit()
    $shell.WaitForExit()
    $runs = [double]$done[1]
    # CPU time, not wall time: on a shared machine the wall clock also counts the time other processes ran.
    $usPerObject = [double]$done[3] * 1000 / ($runs * $objects)

    # One line per sample's leaf symbol: "percent command dso symbol".
    $report = & perf report -i $data --stdio --no-children --sort dso,sym -g none --percent-limit 0 2>$null |
        Where-Object { $_ -match '^\s+([\d.]+)%\s+(\S+)\s+(.*)$' } |
        ForEach-Object { [pscustomobject]@{ Percent = [double]$Matches[1]; Dso = $Matches[2]; Symbol = $Matches[3].Trim() } }
    $byPart = [ordered]@{}
    foreach ($name in @($parts.Keys) + 'other runtime and libraries') { $byPart[$name] = 0.0 }
    foreach ($r in $report) {
        $text = "$($r.Dso) $($r.Symbol)"
        $name = @($parts.Keys | Where-Object { $text -match $parts[$_] } | Select-Object -First 1)
        $byPart[$(if ($name) { $name[0] } else { 'other runtime and libraries' })] += $r.Percent
    }
    Write-Host ("{0}`n{1:N0} objects a run, {2} runs in {3:N1} s ({4:N1} s of CPU): {5:N2} us of CPU per object" -f $Pipeline, $objects, $runs,
        ([double]$done[2] / 1000), ([double]$done[3] / 1000), $usPerObject)
    $byPart.GetEnumerator() | Where-Object Value -gt 0 | Sort-Object Value -Descending |
        Select-Object @{ n = 'Part'; e = { $_.Key } }, @{ n = 'Share'; e = { '{0:N1} %' -f $_.Value } }, @{ n = 'us/object'; e = { '{0:N2}' -f ($_.Value / 100 * $usPerObject) } } |
        Format-Table -AutoSize | Out-String | Write-Host
    $report | Sort-Object Percent -Descending | Select-Object -First $Top Percent, Dso, @{ n = 'Symbol'; e = { if ($_.Symbol.Length -gt 150) { $_.Symbol.Substring(0, 150) } else { $_.Symbol } } } |
        Format-Table -AutoSize | Out-String -Width 250 | Write-Host
}
finally {
    Stop-BenchFixture $fixture
    if ($shell -and -not $shell.HasExited) { $shell.Kill() }
    Get-ChildItem /tmp -Filter "perf-$($shell.Id).map" -ErrorAction SilentlyContinue | Remove-Item
    Remove-Item -Recurse -Force $work -ErrorAction SilentlyContinue
}
