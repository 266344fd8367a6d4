# Times script blocks inside this (warm) pwsh and reads its working set from /proc/self/status.

function Get-Median {
    param([double[]]$Values)
    $sorted = [double[]]($Values | Sort-Object)
    $n = $sorted.Count
    if ($n % 2) { $sorted[($n - 1) / 2] } else { ($sorted[$n / 2 - 1] + $sorted[$n / 2]) / 2 }
}

function Get-StatusKiB {
    # One "Vm...: N kB" line of /proc/self/status, in KiB. /proc/self is this pwsh.
    param([string]$Field)
    foreach ($line in [IO.File]::ReadAllLines('/proc/self/status')) {
        if ($line.StartsWith("${Field}:")) { return [uint64](($line -split '\s+')[1]) }
    }
    throw "/proc/self/status has no $Field."
}

function Reset-PeakWorkingSet {
    # Writing 5 to clear_refs sets VmHWM back to the current Rss (Linux 4.0+), so each row gets its own peak.
    # Returns the Rss it started from, in KiB.
    [GC]::Collect()
    [GC]::WaitForPendingFinalizers()
    [IO.File]::WriteAllText('/proc/self/clear_refs', '5')
    Get-StatusKiB 'VmRSS'
}

function Measure-Cmdlet {
    <#
    Runs $Action once to warm it up (JIT, first-call caches), then -Runs times under a Stopwatch.
    Returns the median and every time in ms, the peak working set of this pwsh over the timed runs and its
    rise above the working set the row started with (both KiB), and the last run's output.
    #>
    param([scriptblock]$Action, [int]$Runs = 5)

    $base = Reset-PeakWorkingSet
    $output = & $Action
    $times = [System.Collections.Generic.List[double]]::new()
    foreach ($run in 1..$Runs) {
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $output = & $Action
        $clock.Stop()
        $times.Add($clock.Elapsed.TotalMilliseconds)
    }
    $peak = Get-StatusKiB 'VmHWM'
    [pscustomobject]@{
        MedianMs  = Get-Median $times
        TimesMs   = $times.ToArray()
        PeakKiB   = $peak
        ExtraKiB  = [Math]::Max(0, [double]$peak - $base)
        Output    = $output
    }
}

function Measure-CmdletPair {
    <#
    Times two script blocks alternately, after a warm-up of each: on a shared machine the load drifts, and a ratio of
    two medians taken minutes apart measures the drift as much as the code. Returns one Measure-Cmdlet-like result
    for each (the peak working set is the pair's).
    #>
    param([scriptblock]$First, [scriptblock]$Second, [int]$Runs = 5)

    $base = Reset-PeakWorkingSet
    $outputs = @((& $First), (& $Second))
    $times = @([System.Collections.Generic.List[double]]::new(), [System.Collections.Generic.List[double]]::new())
    foreach ($run in 1..$Runs) {
        foreach ($i in 0, 1) {
            $clock = [Diagnostics.Stopwatch]::StartNew()
            $outputs[$i] = & @($First, $Second)[$i]
            $clock.Stop()
            $times[$i].Add($clock.Elapsed.TotalMilliseconds)
        }
    }
    $peak = Get-StatusKiB 'VmHWM'
    foreach ($i in 0, 1) {
        [pscustomobject]@{
            MedianMs = Get-Median $times[$i]
            TimesMs  = $times[$i].ToArray()
            PeakKiB  = $peak
            ExtraKiB = [Math]::Max(0, [double]$peak - $base)
            Output   = $outputs[$i]
        }
    }
}
