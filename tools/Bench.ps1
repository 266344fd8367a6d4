<#
.SYNOPSIS
The benchmark of issue 4: CowPages' cmdlets against C reference readers, in one run, in one warm pwsh.

.DESCRIPTION
Compiles tests/bench/*.c into out/bench/, starts the fixtures, and times each row of the issue's targets table:
the cmdlets inside this pwsh (a warm-up run, then the median of -Runs runs, Stopwatch, pwsh start-up excluded) and
the C readers as processes (median of -Runs). Prints the table and writes out/bench/results.md and results.json.
Run it through `build.ps1 -Task Bench [-SizeGiB N]`, as root. Fixture processes are always ended.

-Quick is for the test suite: it skips the unprivileged row (a second pwsh run as nobody), and shrinks the sparse
reservation and the many-mapping process, only to prove that the harness works.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)][string]$ModulePath,
    [double]$SizeGiB = 4,
    [int]$Runs = 5,
    [switch]$Quick,
    [string]$OutputDir
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$repo = Split-Path -Parent $PSScriptRoot
foreach ($part in 'BenchTiming', 'BenchNative', 'BenchFixture', 'BenchReport', 'BenchPageFlags') {
    . (Join-Path $PSScriptRoot "bench/$part.ps1")
}
. (Join-Path $PSScriptRoot 'PageTypes.ps1')
if (-not $OutputDir) { $OutputDir = Join-Path $repo 'out/bench' }
# A relative path would be taken for a module name by Import-Module.
$ModulePath = (Resolve-Path $ModulePath).Path
if ((& id -u) -ne '0') { throw 'The benchmark reads /proc/kpageflags and starts fixtures as another user: run it as root.' }

$sizeMiB = [int][Math]::Round($SizeGiB * 1024)
if ($sizeMiB -lt 1) { throw '-SizeGiB must be at least 1 MiB (0.001).' }
$sparseGiB = if ($Quick) { 1 } else { 64 }
$mapsCount = if ($Quick) { 2000 } else { 65000 }
$nobody = '65534'

Write-Host "Compiling the C fixtures and readers into $OutputDir" -ForegroundColor Cyan
Build-BenchNative -SourceDir (Join-Path $repo 'tests/bench') -OutputDir $OutputDir
$bin = @{}
foreach ($name in 'benchfixture', 'cowsum', 'forkcmp', 'pmread', 'rollups') { $bin[$name] = Join-Path $OutputDir $name }
$bin.pagetypes = Install-PageTypes
Import-Module (Join-Path $ModulePath 'CowPages.psd1') -Force
# Each row runs its cmdlet once before timing it: that warms the JIT and finds the zero page (cached per session).

$rows = [System.Collections.Generic.List[object]]::new()
$fixtures = [System.Collections.Generic.List[object]]::new()
$sandbox = $null
$clock = [Diagnostics.Stopwatch]::StartNew()
function Write-BenchStep([string]$Text) { Write-Host ("[{0,5:N1} s] {1}" -f $clock.Elapsed.TotalSeconds, $Text) -ForegroundColor Cyan }
try {
    # The family is nobody's, so that the unprivileged row can read it; root reads it all the same.
    Write-BenchStep "Starting the fork fixture: $SizeGiB GiB, the child writes every 4th page"
    $family = Start-BenchFixture $bin.benchfixture @('fork', "$sizeMiB") -User $nobody
    $fixtures.Add($family)
    $parent, $child = $family.parent, $family.child
    $residentPages = (Get-Content "/proc/$child/smaps_rollup" | Where-Object { $_ -match '^Rss:' }) -replace '\D', ''
    $residentPages = [uint64]$residentPages / 4
    Write-Host ("  parent {0}, child {1}: {2:N0} resident pages in the child ({3:N1} s)" -f $parent, $child, $residentPages, $clock.Elapsed.TotalSeconds)

    Write-BenchStep 'Get-CowSummary -Id child (root)'
    $c = Invoke-BenchReader $bin.cowsum @("$child") -Runs $Runs
    $m = Measure-Cmdlet -Runs $Runs { Get-CowSummary -Id $child }
    $s = $m.Output
    # Uss and Pss are left out: library pages' map counts move whenever another process starts or exits.
    $agree = $s.Rss -eq $c.Fields.rss * 4096 -and $s.CowShared -eq $c.Fields.cow_shared * 4096 -and $s.CowPrivate -eq $c.Fields.cow_private * 4096
    $rows.Add((New-BenchRow -Work 'Get-CowSummary -Id child (root)' -Target '<= 1.25 x C' -Limit 1.25 -Ms $m.MedianMs -Pages $c.Fields.pages `
        -Reference $c -ReferenceName 'cowsum (C)' -Peak $m -Agrees $agree -Note $(if ($agree) { 'Rss, CowShared, CowPrivate equal the C reader''s' } else { 'DISAGREES with the C reader' })))
    $extra = New-BenchRow -Work 'peak extra working set, summarising the child' -Target '<= 64 MiB' -Ms $m.MedianMs -Peak $m
    $extra.Met = if ($extra.ExtraMiB -le 64) { 'yes' } else { 'NO' }
    $rows.Add($extra)

    # A snapshot reads every pagemap word and all three kpage* words of every frame, where the summary skips empty
    # ranges and most map counts; it is measured against the summary of the same child, in the same run.
    Write-BenchStep 'Save-CowSnapshot -Id child, alternating with Get-CowSummary -Id child'
    $snapshotPath = Join-Path $OutputDir 'child.cowsnap'
    $summaryRun, $save = Measure-CmdletPair -Runs $Runs { Get-CowSummary -Id $child } { Save-CowSnapshot -Id $child -Path $snapshotPath }
    $summary = [pscustomobject]@{ WorkMs = $summaryRun.MedianMs; WallMs = $summaryRun.MedianMs }
    $info = $save.Output
    $rows.Add((New-BenchRow -Work 'Save-CowSnapshot -Id child (root)' -Target '<= 2 x Get-CowSummary' -Limit 2 -Ms $save.MedianMs -Pages $info.ResidentPages `
        -Reference $summary -ReferenceName 'Get-CowSummary -Id child' -Peak $save `
        -Note ("{0:N0} pages, {1:N0} resident, {2:N0} frames with their kpage* words; timed alternately with the summary" -f $info.Pages, $info.ResidentPages, $info.Frames)))
    $perPage = New-BenchRow -Work '  snapshot size: bytes per resident page' -Target '<= 9 B + text' -Ms $save.MedianMs `
        -Note ("{0:N0} bytes for {1:N0} resident pages: {2:N2} B a page, text included ({3:N0} bytes of maps, smaps and status before compression); ms is the capture's" -f `
            $info.Length, $info.ResidentPages, $info.BytesPerResidentPage, $info.TextBytes)
    $perPage.Met = if ($info.Length -le 9 * $info.ResidentPages + $info.TextBytes) { 'yes' } else { 'NO' }
    $rows.Add($perPage)
    $read = Measure-Cmdlet -Runs $Runs { Get-CowSummary -SnapshotPath $snapshotPath -Id $child }
    $same = $read.Output.CowShared -eq $s.CowShared -and $read.Output.CowPrivate -eq $s.CowPrivate -and $read.Output.Rss -eq $s.Rss
    $rows.Add((New-BenchRow -Work '  Get-CowSummary -SnapshotPath child.cowsnap -Id child' -Ms $read.MedianMs -Pages $info.ResidentPages `
        -Reference $summary -ReferenceName 'Get-CowSummary -Id child' -Peak $read `
        -Note ("reads and decodes the whole file each run; Rss, CowShared, CowPrivate {0} the live summary's" -f $(if ($same) { 'equal' } else { 'DIFFER from' }))))
    Remove-Item $snapshotPath -ErrorAction SilentlyContinue

    Write-BenchStep 'Compare-ForkPages -ReferenceId parent -DifferenceId child'
    $c = Invoke-BenchReader $bin.forkcmp @("$parent", "$child") -Runs $Runs
    $m = Measure-Cmdlet -Runs $Runs { Compare-ForkPages -ReferenceId $parent -DifferenceId $child }
    $shared = ($m.Output | Measure-Object Shared -Sum).Sum
    $copied = ($m.Output | Measure-Object Copied -Sum).Sum
    $agree = $shared -eq $c.Fields.shared -and $copied -eq $c.Fields.copied
    $rows.Add((New-BenchRow -Work 'Compare-ForkPages -ReferenceId parent -DifferenceId child' -Target '<= 1.5 x C' -Limit 1.5 -Ms $m.MedianMs `
        -Pages $c.Fields.pages -Reference $c -ReferenceName 'forkcmp (C)' -Peak $m -Agrees $agree `
        -Note ("{0} ranges; Shared {1:N0}, Copied {2:N0} {3}" -f @($m.Output).Count, $shared, $copied, $(if ($agree) { 'as the C reader' } else { 'DISAGREE with the C reader' }))))

    Write-BenchStep 'Watch-ForkPages -ReferenceId parent -DifferenceId child: one tick'
    # A tick in steady state, with the processes and buffers already open: eleven ticks back to back (an interval far
    # shorter than a tick) less one tick, over ten. The Compare-ForkPages row above is the reference, from this run.
    $compareMs = $m.MedianMs
    $oneTick = Measure-Cmdlet -Runs $Runs { Watch-ForkPages -ReferenceId $parent -DifferenceId $child -Interval 0.001 -WarningAction SilentlyContinue | Select-Object -First 1 }
    $elevenTicks = Measure-Cmdlet -Runs $Runs { Watch-ForkPages -ReferenceId $parent -DifferenceId $child -Interval 0.001 -WarningAction SilentlyContinue | Select-Object -First 11 }
    $tickMs = [Math]::Max(0.001, ($elevenTicks.MedianMs - $oneTick.MedianMs) / 10)
    $last = @($elevenTicks.Output)[-1]
    $agree = $last.Shared -eq $c.Fields.shared -and $last.Copied -eq $c.Fields.copied
    $rows.Add((New-BenchRow -Work 'Watch-ForkPages -ReferenceId parent -DifferenceId child: one tick' -Target '<= 1.5 x Compare-ForkPages' -Limit 1.5 `
        -Ms $tickMs -Pages $c.Fields.pages -Reference ([pscustomobject]@{ WorkMs = $compareMs; WallMs = $compareMs }) -ReferenceName 'Compare-ForkPages (this run)' `
        -Peak $elevenTicks -Agrees $agree -Note ("11 ticks {0:N0} ms, 1 tick {1:N0} ms; last sample Shared {2:N0}, Copied {3:N0} {4}" -f $elevenTicks.MedianMs, $oneTick.MedianMs,
            $last.Shared, $last.Copied, $(if ($agree) { 'as the C reader' } else { 'DISAGREE with the C reader' }))))

    # What leaving it running costs: this pwsh's CPU time (every thread: the watch, the GC, the JIT) over a watch at the
    # default interval, against the wall time it took.
    $watchSeconds = if ($Quick) { 2 } else { 10 }
    Write-BenchStep "Watch-ForkPages -Interval 1 for $watchSeconds s: CPU time"
    if (-not $Quick) {
        # The runtime recompiles hot methods in the background a while after their first calls: not the watch's cost.
        $null = Watch-ForkPages -ReferenceId $parent -DifferenceId $child -Interval 1 -Duration 3 -WarningAction SilentlyContinue
    }
    $self = [Diagnostics.Process]::GetCurrentProcess()
    $cpuBefore = $self.TotalProcessorTime
    $wall = [Diagnostics.Stopwatch]::StartNew()
    $ticks = @(Watch-ForkPages -ReferenceId $parent -DifferenceId $child -Interval 1 -Duration $watchSeconds -WarningAction SilentlyContinue)
    $wall.Stop()
    $self.Refresh()
    $cpuMs = ($self.TotalProcessorTime - $cpuBefore).TotalMilliseconds
    $share = 100 * $cpuMs / $wall.Elapsed.TotalMilliseconds
    # The floor: the CPU time the C reader spent on one comparison of the same pair (its last run in the row above).
    $floorMs = $c.Fields['cpu_ns'] / 1e6
    $row = New-BenchRow -Work "Watch-ForkPages -Interval 1, $($ticks.Count) ticks: CPU per tick" -Target '< 10% of a core' -Ms ($cpuMs / [Math]::Max(1, $ticks.Count)) `
        -Note ("{0:N1}% of one core: {1:N0} ms of CPU in {2:N1} s; the C reader's CPU time for one comparison: {3:N0} ms, {4:N1}% of a core at 1 s" -f
            $share, $cpuMs, $wall.Elapsed.TotalSeconds, $floorMs, ($floorMs / 10))
    $row.Met = if ($share -lt 10) { 'yes' } else { 'NO' }
    $rows.Add($row)

    $compare = [pscustomobject]@{ WorkMs = $m.MedianMs; WallMs = $m.MedianMs }
    Write-BenchStep 'Show-CowMap -ReferenceId parent -DifferenceId child'
    $map = Measure-Cmdlet -Runs $Runs { Show-CowMap -ReferenceId $parent -DifferenceId $child -NoColor -Width 120 }
    $total = "Total: $([CowPages.Map.MapText]::Bytes($copied * 4096)) copied, $([CowPages.Map.MapText]::Bytes($shared * 4096)) shared,"
    $agree = @($map.Output)[-1].StartsWith($total)
    $rows.Add((New-BenchRow -Work 'Show-CowMap -ReferenceId parent -DifferenceId child' -Target '<= 1.5 x Compare-ForkPages' -Limit 1.5 -Ms $map.MedianMs `
        -Pages $c.Fields.pages -Reference $compare -ReferenceName 'Compare-ForkPages (row above)' -Peak $map -Agrees $agree `
        -Note ("{0} lines; {1}" -f @($map.Output).Count, $(if ($agree) { @($map.Output)[-1] } else { "totals DISAGREE with Compare-ForkPages: $(@($map.Output)[-1])" }))))

    Write-BenchStep 'Export-CowReport -ReferenceId parent -DifferenceId child'
    $reportPath = Join-Path $OutputDir 'child-report.html'
    $export = Measure-Cmdlet -Runs $Runs { Export-CowReport -Path $reportPath -ReferenceId $parent -DifferenceId $child }
    $reportBytes = (Get-Item $reportPath).Length
    $row = New-BenchRow -Work 'Export-CowReport -ReferenceId parent -DifferenceId child' -Target 'file <= 2 MiB' -Ms $export.MedianMs `
        -Reference $compare -ReferenceName 'Compare-ForkPages (row above)' -Peak $export -Note ("{0:N0} bytes ({1:N0} KiB)" -f $reportBytes, ($reportBytes / 1KB))
    $row.Met = if ($reportBytes -le 2MB) { 'yes' } else { 'NO' }
    $rows.Add($row)
    . (Join-Path $PSScriptRoot 'Chromium.ps1')
    if (-not $Quick -and (Find-Chromium)) {
        Write-BenchStep 'The report opens in headless chromium'
        $browser = Start-ChromiumSession
        try {
            # Each load from a blank page, the first one a warm-up: the median of the load event as the browser times it.
            $loads = foreach ($run in 0..$Runs) {
                $null = Invoke-Cdp $browser 'Page.navigate' @{ url = 'about:blank' }
                $null = Open-ChromiumPage $browser ([Uri]::new($reportPath, [UriKind]::Absolute).AbsoluteUri)
                $entry = Invoke-CdpScript $browser 'JSON.stringify(performance.getEntriesByType("navigation")[0])' | ConvertFrom-Json
                if ($run -gt 0) { $entry.loadEventEnd }
            }
        }
        finally {
            Stop-ChromiumSession $browser
        }
        $row = New-BenchRow -Work '  the report opens in headless chromium (navigation to load event)' -Target '<= 1000 ms' -Ms (Get-Median $loads) `
            -Note ("{0:N0} KiB, median of {1} loads timed by the browser; chromium's start-up not counted" -f ($reportBytes / 1KB), $Runs)
        $row.Met = if ((Get-Median $loads) -le 1000) { 'yes' } else { 'NO' }
        $rows.Add($row)
    }

    Write-BenchStep 'Get-PageMap -Id child -Present | Measure-Object'
    $c = Invoke-BenchReader $bin.pmread @("$child") -Runs $Runs
    $m = Measure-Cmdlet -Runs $Runs { Get-PageMap -Id $child -Present | Measure-Object }
    $rows.Add((New-BenchRow -Work 'Get-PageMap -Id child -Present | Measure-Object' -Target '>= 1 M pages/s' -Limit 1e6 -PagesPerSecondTarget `
        -Ms $m.MedianMs -Pages $m.Output.Count -Reference $c -ReferenceName 'pmread (C)' -Peak $m -Note "$($m.Output.Count) objects"))
    if (-not $Quick) {
        # Where the time goes: the same objects with no downstream command, and the bare walk with no objects.
        $m = Measure-Cmdlet -Runs $Runs { $null = Get-PageMap -Id $child -Present }
        $rows.Add((New-BenchRow -Work '  of which: Get-PageMap -Id child -Present, output discarded' -Ms $m.MedianMs -Pages $residentPages -Peak $m))
    }

    Write-BenchStep 'Measure-PageFlags -Id child vs page-types -p child'
    $rows.Add((Measure-PageTypesRow -PageTypes $bin.pagetypes -ProcessId $child -Label "$SizeGiB GiB" -Runs $Runs))

    # The per-page pipelines over at most 1 GiB of the child, whatever its size: their cost per object is what counts.
    $window = [Math]::Min([uint64]$family.Regions['anon'].Pages, [uint64](1GB / 4KB))
    Write-BenchStep "Per-page pipelines over $window pages of the child"
    foreach ($row in Measure-PerPageRows -ParentId $parent -ChildId $child -Address $family.Regions['anon'].Address -Count $window -Runs $Runs -OutputDir $OutputDir) {
        $rows.Add($row)
    }

    if (-not $Quick) {
        Write-BenchStep 'Get-CowSummary -Id child as uid 65534 (no root)'
        # pwsh (a dotnet local tool under root's home) and the module are copied where nobody can read them.
        $sandbox = Join-Path ([IO.Path]::GetTempPath()) "cowpages-bench-nobody-$([guid]::NewGuid().ToString('n'))"
        $null = New-Item -ItemType Directory $sandbox, "$sandbox/home"
        Copy-Item -Recurse $PSHOME "$sandbox/pwsh"
        Copy-Item -Recurse (Split-Path $ModulePath) "$sandbox/CowPages"
        Copy-Item (Join-Path $PSScriptRoot 'bench/UnprivilegedSummary.ps1'), (Join-Path $PSScriptRoot 'bench/BenchTiming.ps1') $sandbox
        & chmod -R a+rX $sandbox
        & chown $nobody "$sandbox/home"
        $manifest = Get-ChildItem "$sandbox/CowPages" -Recurse -Filter CowPages.psd1 | Select-Object -First 1
        $json = & setpriv "--reuid=$nobody" "--regid=$nobody" --clear-groups env "HOME=$sandbox/home" `
            dotnet "$sandbox/pwsh/pwsh.dll" -NoProfile -NonInteractive -File "$sandbox/UnprivilegedSummary.ps1" `
            -ModuleManifest $manifest.FullName -ProcessId $child -Runs $Runs
        if ($LASTEXITCODE -ne 0) { throw "The unprivileged pwsh failed: $json" }
        $u = ($json -join '') | ConvertFrom-Json
        $c = Invoke-BenchReader $bin.pmread @("$child") -Runs $Runs -User $nobody
        $rows.Add((New-BenchRow -Work 'Get-CowSummary -Id child as uid 65534' -Target '<= 2 x pagemap read' -Limit 2 -Ms $u.MedianMs -Pages $c.Fields.pages `
            -Reference $c -ReferenceName 'pmread as 65534 (C)' -Peak $u `
            -Note "a separate warm pwsh run as uid $($u.Uid) against the nobody-owned child; Method $($u.Method)"))
    }

    Write-BenchStep 'Get-Process | Get-CowSummary, the fork family alive'
    $c = Invoke-BenchReader $bin.rollups @() -Runs $Runs
    $m = Measure-Cmdlet -Runs $Runs { Get-Process | Get-CowSummary -ErrorAction SilentlyContinue }
    $withFamily = New-BenchRow -Work '  Get-Process | Get-CowSummary, the fork family alive' -Ms $m.MedianMs -Reference $c -ReferenceName 'rollups (C)' -Peak $m `
        -Note ("{0} processes summarised, {1} rollups read" -f @($m.Output).Count, $c.Fields.processes)
    $rollup = Invoke-BenchReader $bin.rollups @("$child") -Runs $Runs
    $rows.Add((New-BenchRow -Work '  floor for totals: smaps_rollup of the child' -Ms $rollup.WorkMs -Pages $residentPages -Note 'the kernel''s own walk'))
    foreach ($tool in @(@{ Name = 'pmap'; Args = @('-X', "$child") }, @{ Name = 'smem'; Args = @('-t') })) {
        $found = Get-Command $tool.Name -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
        if (-not $found) {
            $rows.Add((New-BenchRow -Work "  $($tool.Name): not installed" -Ms 0))
            continue
        }
        $times = foreach ($run in 1..$Runs) {
            $sw = [Diagnostics.Stopwatch]::StartNew()
            $null = & $found.Source @($tool.Args) 2>&1
            $sw.Elapsed.TotalMilliseconds
        }
        $rows.Add((New-BenchRow -Work "  $($tool.Name) $($tool.Args -join ' ' -replace "$child", 'child') (process)" -Ms (Get-Median $times)))
    }
    Stop-BenchFixture $family
    $null = $fixtures.Remove($family)

    if (-not $Quick -and $sizeMiB -ne 1024) {
        Write-BenchStep 'Measure-PageFlags -Id child vs page-types -p child, 1 GiB fork fixture'
        $small = Start-BenchFixture $bin.benchfixture @('fork', '1024')
        $fixtures.Add($small)
        $rows.Add((Measure-PageTypesRow -PageTypes $bin.pagetypes -ProcessId $small.child -Label '1 GiB' -Runs $Runs))
        Stop-BenchFixture $small
        $null = $fixtures.Remove($small)
    }

    # The machine's own processes: this pwsh, the build's dotnet servers (each with a large reserved heap), the shells.
    Write-BenchStep 'Get-Process | Get-CowSummary (every process on the machine)'
    $c = Invoke-BenchReader $bin.rollups @() -Runs $Runs
    $m = Measure-Cmdlet -Runs $Runs { Get-Process | Get-CowSummary -ErrorAction SilentlyContinue }
    $g = Measure-Cmdlet -Runs $Runs { $null = Get-Process }
    $exactAll = Measure-CowsumEverywhere -Cowsum $bin.cowsum -Runs $Runs
    $mapped = 0
    foreach ($p in Get-Process) { try { $mapped += $p.VirtualMemorySize64 } catch { } }
    $rows.Add((New-BenchRow -Work 'Get-Process | Get-CowSummary' -Target '<= 3 x smaps_rollup' -Limit 3 -Ms $m.MedianMs `
        -Reference $c -ReferenceName 'rollups: all smaps_rollup (C)' -Peak $m `
        -Note ("{0} processes summarised, {1} rollups read, {2:N0} GiB mapped in all; Get-Process alone {3:N1} ms" -f @($m.Output).Count, $c.Fields.processes, ($mapped / 1GB), $g.MedianMs)))
    # The exclusive bit and the kernel's Pss leave the kpage* files alone, whose lookups cost more than the walk itself.
    $fast = Measure-Cmdlet -Runs $Runs { Get-Process | Get-CowSummary -Method ExclusiveBit -ErrorAction SilentlyContinue }
    $rows.Add((New-BenchRow -Work 'Get-Process | Get-CowSummary -Method ExclusiveBit' -Target '<= 3 x smaps_rollup' -Limit 3 -Ms $fast.MedianMs `
        -Reference $c -ReferenceName 'rollups: all smaps_rollup (C)' -Peak $fast `
        -Note ("{0} processes summarised without kpage* lookups; {1:N2} x the exact default" -f @($fast.Output).Count, ($fast.MedianMs / $m.MedianMs))))
    $rows.Add((New-BenchRow -Work '  floor as root: cowsum -s on every process' -Ms $exactAll.WorkMs `
        -Note ("the exact per-page method in C, summed over {0} processes: {1:N2} x the rollups" -f $exactAll.Processes, ($exactAll.WorkMs / $c.WorkMs))))
    $rows.Add($withFamily)

    Write-BenchStep "Get-CowSummary on a $sparseGiB GiB PROT_NONE reservation, 1% touched"
    $sparse = Start-BenchFixture $bin.benchfixture @('sparse', "$sparseGiB", '1', '512')
    $fixtures.Add($sparse)
    $c = Invoke-BenchReader $bin.pmread @("$($sparse.sparse)") -Runs $Runs
    $scan = Invoke-BenchReader $bin.pmread @('-s', "$($sparse.sparse)") -Runs $Runs
    $exact = Invoke-BenchReader $bin.cowsum @('-s', "$($sparse.sparse)") -Runs $Runs
    $m = Measure-Cmdlet -Runs $Runs { Get-CowSummary -Id $sparse.sparse }
    $agree = $m.Output.Rss -eq $exact.Fields.rss * 4096 -and $m.Output.CowPrivate -eq $exact.Fields.cow_private * 4096
    $rows.Add((New-BenchRow -Work "Get-CowSummary, $sparseGiB GiB reservation, 1% touched (root)" -Target '<= 0.10 x whole pagemap' -Limit 0.10 -Ms $m.MedianMs `
        -Pages $c.Fields.pages -Reference $c -ReferenceName 'pmread: whole pagemap (C)' -Peak $m -Agrees $agree `
        -Note ("{0:N0} pages touched; Rss and CowPrivate {1} the C reader's; {2:N2} x cowsum -s" -f $sparse.Touched, $(if ($agree) { 'equal' } else { 'DIFFER from' }), ($m.MedianMs / $exact.WorkMs))))
    $fast = Measure-Cmdlet -Runs $Runs { Get-CowSummary -Id $sparse.sparse -Method ExclusiveBit }
    $rows.Add((New-BenchRow -Work "Get-CowSummary -Method ExclusiveBit, $sparseGiB GiB reservation, 1% touched" -Target '<= 0.10 x whole pagemap' -Limit 0.10 `
        -Ms $fast.MedianMs -Pages $c.Fields.pages -Reference $c -ReferenceName 'pmread: whole pagemap (C)' -Peak $fast `
        -Note ("no kpage* lookups; Rss {0} the exact method's" -f $(if ($fast.Output.Rss -eq $m.Output.Rss) { 'equals' } else { 'DIFFERS from' }))))
    $rows.Add((New-BenchRow -Work '  floor as root: PAGEMAP_SCAN, resident words, kpage* lookups' -Ms $exact.WorkMs -Pages $c.Fields.pages `
        -Note ("cowsum -s (C): {0:N2} x the whole pagemap read" -f ($exact.WorkMs / $c.WorkMs))))
    $rows.Add((New-BenchRow -Work '  floor without kpage*: PAGEMAP_SCAN, resident words' -Ms $scan.WorkMs -Pages $c.Fields.pages `
        -Note ("pmread -s (C): {0} scans, {1} reads; {2:N2} x the whole pagemap read" -f $scan.Fields.scans, $scan.Fields.reads, ($scan.WorkMs / $c.WorkMs))))
    Stop-BenchFixture $sparse
    $null = $fixtures.Remove($sparse)

    # Linear means the time per mapping stays flat: compare against a quarter as many mappings.
    $perMapping = @{}
    foreach ($count in [int]($mapsCount / 4), $mapsCount) {
        Write-BenchStep "Get-CowSummary on a process with $count mappings"
        $maps = Start-BenchFixture $bin.benchfixture @('maps', "$count")
        $fixtures.Add($maps)
        $c = Invoke-BenchReader $bin.cowsum @("$($maps.maps)") -Runs $Runs
        $m = Measure-Cmdlet -Runs $Runs { Get-CowSummary -Id $maps.maps }
        $perMapping[$count] = $m.MedianMs / $c.Fields.vmas
        if ($count -eq $mapsCount) {
            $growth = $perMapping[$mapsCount] / $perMapping[[int]($mapsCount / 4)]
            $row = New-BenchRow -Work "Get-CowSummary, $count mappings" -Target 'linear in mappings' -Ms $m.MedianMs -Pages $c.Fields.pages `
                -Reference $c -ReferenceName 'cowsum (C)' -Peak $m `
                -Note ("{0:N1} us per mapping; {1:N1} us at a quarter as many: x{2:N2} per mapping for 4x the mappings" -f ($perMapping[$mapsCount] * 1000), ($perMapping[[int]($mapsCount / 4)] * 1000), $growth)
            $row.Met = if ($growth -le 1.5) { 'yes' } else { 'NO' }
            $rows.Add($row)
        }
        Stop-BenchFixture $maps
        $null = $fixtures.Remove($maps)
    }
}
finally {
    foreach ($f in $fixtures) { Stop-BenchFixture $f }
    if ($sandbox) { Remove-Item -Recurse -Force $sandbox -ErrorAction SilentlyContinue }
}

$cpu = ((Get-Content /proc/cpuinfo | Where-Object { $_ -match '^model name' } | Select-Object -First 1) -split ':\s*', 2)[1]
$memGiB = [Math]::Round(((Get-Content /proc/meminfo -TotalCount 1) -replace '\D', '') / 1MB, 1)
$machine = "$([Environment]::ProcessorCount) cores ($cpu), $memGiB GiB, Linux $(& uname -r), pwsh $($PSVersionTable.PSVersion), .NET $([Environment]::Version); fork fixture $SizeGiB GiB ($residentPages resident pages in the child)"
$command = "build.ps1 -Task Bench -SizeGiB $SizeGiB" + $(if ($Quick) { ' (quick)' } else { '' })

Write-Host ''
Write-Host "CowPages benchmark on $machine" -ForegroundColor Green
Write-BenchTable $rows
$markdown = ConvertTo-BenchMarkdown -Rows $rows -Machine $machine -Command $command
Set-Content (Join-Path $OutputDir 'results.md') $markdown
$rows | ConvertTo-Json -Depth 3 | Set-Content (Join-Path $OutputDir 'results.json')
Write-Host ("Wrote {0} ({1:N0} s in all)" -f (Join-Path $OutputDir 'results.md'), $clock.Elapsed.TotalSeconds)
