# Watch-ForkPages against live processes: tests/fixtures/cowrate.c, whose child copies its parent's pages at a known
# rate on command, and the page family. Nothing here depends on how fast the machine is: counts are exact, the rate
# is compared with the rate the fixture itself measured, and schedules are checked against the lateness reported.
BeforeAll {
    . $PSScriptRoot/common.ps1
    . $PSScriptRoot/CowRateFixture.ps1

    function Get-PageSum {
        # Shared, Copied, ReferenceOnly and DifferenceOnly over every range of a comparison, as one string.
        param([object[]]$Rows)
        ($Rows | Measure-Object Shared, Copied, ReferenceOnly, DifferenceOnly -Sum | ForEach-Object { [uint64]$_.Sum }) -join ','
    }
}

Describe 'Watch-ForkPages on a child that writes a page every 2 ms for 4 s' {
    BeforeAll {
        $fixture = Start-CowRate -Pages 4096 -PeriodMicroseconds 2000
        $interval = [timespan]::FromSeconds(0.25)
        $writes = 2000
        $state = @{ Started = $false; Written = $null; Compare = $null; Region = $null; Exited = $false }
        # Lateness is reported once as a warning and then in the verbose stream: both come down the pipeline here.
        $notes = [System.Collections.Generic.List[string]]::new()
        # The child starts writing at the first sample. Once it has written everything, its pages hold still: the test
        # compares the pair itself, lets one more sample be taken, and ends the child, which ends the watch.
        $samples = @(Watch-ForkPages -ReferenceId $fixture.Parent -DifferenceId $fixture.Child -Interval $interval -Duration 60 -Verbose 3>&1 4>&1 |
            ForEach-Object {
                if ($_ -is [System.Management.Automation.InformationalRecord]) {
                    $notes.Add($_.Message)
                    return
                }
                $_
                if (-not $state.Started) {
                    $null = Send-CowRateCommand $fixture "write $($fixture.Child) $writes"
                    $state.Started = $true
                }
                elseif (-not $state.Written) {
                    $state.Written = Find-CowRateLine $fixture 'written'
                }
                elseif (-not $state.Compare) {
                    $state.Compare = @(Compare-ForkPages -ReferenceId $fixture.Parent -DifferenceId $fixture.Child)
                    $state.Region = Compare-ForkPages -ReferenceId $fixture.Parent -DifferenceId $fixture.Child -Address $fixture.Region.Address -Count $fixture.Region.Pages
                }
                elseif (-not $state.Exited) {
                    $null = Send-CowRateCommand $fixture "exit $($fixture.Child)"
                    $state.Exited = $true
                }
            })
        $leftOut = [int]($notes | ForEach-Object { if ($_ -match '(\d+) tick\(s\) that fell due meanwhile were left out') { [int]$Matches[1] } } | Measure-Object -Sum).Sum
        # The child's own clock: pages written over the time from its first write to its last.
        $fixtureRate = $writes * 4096 / ([double]$state.Written[3] / 1e9)
    }

    AfterAll {
        Stop-CowRate $fixture
    }

    It 'ends when the only difference process exits, after it has written everything' {
        $state.Written | Should -Not -BeNullOrEmpty
        $state.Exited | Should -BeTrue
        $samples | ForEach-Object { $_ | Should -BeOfType CowPages.ForkSample }
        $samples.DifferenceId | Select-Object -Unique | Should -Be $fixture.Child
        $samples.ReferenceId | Select-Object -Unique | Should -Be $fixture.Parent
        $samples.Method | Select-Object -Unique | Should -Be 'Pfn'
    }

    It 'takes one sample a tick, in the slots of the schedule, and leaves slots out only where it reported a late tick' {
        $slots = @($samples | ForEach-Object { [math]::Floor($_.Elapsed.Ticks / $interval.Ticks) })
        $slots[0] | Should -Be 0
        for ($i = 1; $i -lt $slots.Count; $i++) {
            $slots[$i] | Should -BeGreaterThan $slots[$i - 1]
            $samples[$i].Timestamp | Should -BeGreaterThan $samples[$i - 1].Timestamp
        }
        # Four seconds of writing at four samples a second, then the comparison and one more sample.
        $samples.Count | Should -BeGreaterOrEqual 18
        $gaps = @(for ($i = 1; $i -lt $slots.Count; $i++) { $slots[$i] - $slots[$i - 1] - 1 }) | Measure-Object -Sum
        $gaps.Sum | Should -Be $leftOut -Because 'every slot left out must have been reported'
        $samples.Count | Should -Be ($slots[-1] + 1 - $leftOut)
    }

    It 'never shows Copied decreasing while the child only writes' {
        for ($i = 1; $i -lt $samples.Count; $i++) {
            $samples[$i].Copied | Should -BeGreaterOrEqual $samples[$i - 1].Copied
        }
        ($samples[-1].Copied - $samples[0].Copied) | Should -BeGreaterOrEqual $writes
    }

    It 'measures the rate within 10% of the rate the fixture wrote at' {
        $first, $last = $samples[0].Copied, $samples[-1].Copied
        # Samples taken while the child was writing; the rates into and out of the run include time it was not.
        $during = @($samples | Where-Object { $_.Copied -gt $first -and $_.Copied -lt $last })
        $during.Count | Should -BeGreaterOrEqual 8
        $seconds = 0.0
        $bytes = 0.0
        for ($i = 1; $i -lt $during.Count; $i++) {
            $span = ($during[$i].Elapsed - $during[$i - 1].Elapsed).TotalSeconds
            $seconds += $span
            $bytes += $during[$i].CopiedBytesPerSecond * $span
        }
        $measured = $bytes / $seconds
        [math]::Abs($measured - $fixtureRate) / $fixtureRate | Should -BeLessThan 0.10 -Because "the watch measured $measured B/s, the fixture wrote $fixtureRate B/s"
        $samples[0].CopiedBytesPerSecond | Should -BeNullOrEmpty
    }

    It 'agrees in its last sample with Compare-ForkPages at that moment, and counts every page the child wrote' {
        $state.Region.Copied | Should -Be $writes
        $state.Region.Shared | Should -Be ($fixture.Region.Pages - $writes)
        Get-PageSum $samples[-1] | Should -Be (Get-PageSum $state.Compare)
        $samples[-1].CopiedBytes | Should -Be ($samples[-1].Copied * 4096)
        $samples[-1].SharedBytes | Should -Be ($samples[-1].Shared * 4096)
    }

    It 'gives the child''s age from its start, growing with the watch' {
        $fromStart = @($samples | ForEach-Object { ($_.ChildAge - $_.Elapsed).TotalSeconds })
        # Both clocks tick alike and are read together; the kernel's start time is a constant, in 10 ms steps.
        ($fromStart | Measure-Object -Maximum -Minimum | ForEach-Object { $_.Maximum - $_.Minimum }) | Should -BeLessThan 0.2
        $samples[0].ChildAge | Should -BeGreaterThan ([timespan]::Zero)
    }
}

Describe 'Watch-ForkPages following a parent''s children' {
    BeforeAll {
        $fixture = Start-CowRate -Pages 256 -PeriodMicroseconds 1000
        $first = $fixture.Child
        $state = @{ FirstSamples = 0; Second = 0; ExitedAt = $null }
        $samples = @(Watch-ForkPages -ReferenceId $fixture.Parent -Interval 0.25 -Duration 2.5 | ForEach-Object {
                $_
                if ($_.DifferenceId -eq $first -and ++$state.FirstSamples -eq 2) {
                    # A child forked during the watch, like a new BGSAVE.
                    $state.Second = [int](Send-CowRateCommand $fixture 'fork')[2]
                }
                elseif ($state.Second -and $_.DifferenceId -eq $state.Second -and -not $state.ExitedAt) {
                    $null = Send-CowRateCommand $fixture "exit $first"
                    $state.ExitedAt = $_.Elapsed
                }
            })
    }

    AfterAll {
        Stop-CowRate $fixture
    }

    It 'starts a series for a child forked after the watch began, at its next tick' {
        $state.Second | Should -BeGreaterThan 0
        $second = @($samples | Where-Object DifferenceId -eq $state.Second)
        $second.Count | Should -BeGreaterOrEqual 2
        $second[0].Elapsed | Should -BeGreaterThan ($samples | Where-Object DifferenceId -eq $first)[1].Elapsed
        $second[0].CopiedBytesPerSecond | Should -BeNullOrEmpty
        $second[0].ChildAge | Should -BeLessThan ([timespan]::FromSeconds(5))
    }

    It 'ends the series of a child that exits, and goes on with the others until the duration is over' {
        $state.ExitedAt | Should -Not -BeNullOrEmpty
        @($samples | Where-Object { $_.DifferenceId -eq $first -and $_.Elapsed -gt $state.ExitedAt }) | Should -BeNullOrEmpty
        ($samples | Where-Object DifferenceId -eq $state.Second)[-1].Elapsed | Should -BeGreaterThan $state.ExitedAt
        # The parent is still running: the duration ended the watch.
        $fixture.Process.HasExited | Should -BeFalse
    }
}

Describe 'Watch-ForkPages -ByMapping' {
    BeforeAll {
        $family = Start-PageFamily
    }

    AfterAll {
        Stop-PageFamily $family
    }

    It 'gives one sample per mapping name per tick, adding up to Compare-ForkPages by name' {
        $samples = @(Watch-ForkPages -ReferenceId $family.Parent -DifferenceId $family.Child -ByMapping -Interval 0.5 -Duration 0.5)
        $ticks = @($samples | Group-Object Elapsed)
        # Two ticks, unless the first took longer than both slots on a busy machine.
        $ticks.Count | Should -BeIn 1, 2
        foreach ($tick in $ticks) {
            @($tick.Group.Mapping | Select-Object -Unique).Count | Should -Be $tick.Count
        }
        $last = $ticks[-1].Group
        $compare = Compare-ForkPages -ReferenceId $family.Parent -DifferenceId $family.Child | Where-Object MappedIn -eq Both
        foreach ($name in '[anon]', '[heap]', '[stack]') {
            Get-PageSum ($last | Where-Object Mapping -eq $name) | Should -Be (Get-PageSum ($compare | Where-Object Mapping -eq $name)) -Because $name
        }
        ($last | Where-Object Mapping -eq '[anon]').Copied | Should -BeGreaterOrEqual 13
    }
}

Describe 'Watch-ForkPages on bad input' {
    BeforeAll {
        $sleeper = Start-Process sleep 300 -PassThru
    }

    AfterAll {
        $sleeper | Stop-Process -Force -ErrorAction SilentlyContinue
    }

    It 'writes ProcessNotFound for a reference that does not exist, naming it and its file' {
        $out = Watch-ForkPages -ReferenceId 2147483646 -ErrorVariable err -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ProcessNotFound,*'
        $err[0].TargetObject | Should -Be 2147483646
        $err[0].Exception.Message | Should -Match '/proc/2147483646/'
    }

    It 'writes NoChildProcess for a reference with no children, without -DifferenceId or -Duration' {
        $out = Watch-ForkPages -ReferenceId $sleeper.Id -ErrorVariable err -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'NoChildProcess,*'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err[0].Exception.Message | Should -Match "process $($sleeper.Id) has no child processes"
    }

    It 'warns and waits for a child for the -Duration when the reference has none' {
        $out = Watch-ForkPages -ReferenceId $sleeper.Id -Duration 0.5 -Interval 0.25 -WarningVariable warned -WarningAction SilentlyContinue -ErrorVariable err
        $out | Should -BeNullOrEmpty
        $err | Should -BeNullOrEmpty
        @($warned.Message) -match "process $($sleeper.Id) has no child processes yet" | Should -Not -BeNullOrEmpty
    }

    It 'writes NoUserMemory for a kernel thread' {
        $kthreadd = 2
        (Get-Content /proc/$kthreadd/comm) | Should -Be 'kthreadd'
        Watch-ForkPages -ReferenceId $kthreadd -Duration 1 -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'NoUserMemory,*'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
    }

    It 'rejects -<Parameter> <Value> as a parameter validation error' -ForEach @(
        @{ Parameter = 'Interval'; Value = 0 }
        @{ Parameter = 'Interval'; Value = -1 }
        @{ Parameter = 'Interval'; Value = '-00:00:01' }
        @{ Parameter = 'Duration'; Value = [timespan]::Zero }
        @{ Parameter = 'Interval'; Value = [timespan]::MaxValue }
        @{ Parameter = 'Duration'; Value = '367.00:00:00' }
    ) {
        $arguments = @{ ReferenceId = $sleeper.Id; $Parameter = $Value }
        { Watch-ForkPages @arguments } | Should -Throw -ErrorId 'ParameterArgumentValidationError,CowPages.Commands.WatchForkPagesCommand'
    }

    It 'takes a plain number for -Interval and -Duration as seconds, not as 100 ns ticks' {
        $transform = (Get-Command Watch-ForkPages).Parameters['Interval'].Attributes |
            Where-Object { $_ -is [System.Management.Automation.ArgumentTransformationAttribute] }
        $transform.Transform($ExecutionContext, 2) | Should -Be ([timespan]::FromSeconds(2))
        $transform.Transform($ExecutionContext, 0.5) | Should -Be ([timespan]::FromSeconds(0.5))
        $transform.Transform($ExecutionContext, '1.5') | Should -Be ([timespan]::FromSeconds(1.5))
        $transform.Transform($ExecutionContext, '00:02:00') | Should -Be '00:02:00'
    }

    It 'writes InvalidProcessId and ProcessNotFound for bad -DifferenceId values, and watches the good one' {
        $family = Start-PageFamily
        try {
            $out = @(Watch-ForkPages -ReferenceId $family.Parent -DifferenceId 0, 2147483646, $family.Child -Duration 0.25 -Interval 0.25 -ErrorVariable err -ErrorAction SilentlyContinue)
        }
        finally {
            Stop-PageFamily $family
        }
        $out.Count | Should -BeIn 1, 2
        $out.DifferenceId | Select-Object -Unique | Should -Be $family.Child
        @($err.FullyQualifiedErrorId | ForEach-Object { ($_ -split ',')[0] }) | Should -Be 'InvalidProcessId', 'ProcessNotFound'
        $err[1].TargetObject | Should -Be 2147483646
    }

    It 'ends without an error when the reference exits' {
        $fixture = Start-CowRate -Pages 64 -PeriodMicroseconds 1000
        $clock = [Diagnostics.Stopwatch]::StartNew()
        try {
            $seen = 0
            $out = @(Watch-ForkPages -ReferenceId $fixture.Parent -Interval 0.25 -Duration 30 -ErrorVariable err | ForEach-Object {
                    $_
                    if (++$seen -eq 2) { $fixture.Process.StandardInput.Close() }
                })
        }
        finally {
            Stop-CowRate $fixture
        }
        $clock.Stop()
        $err | Should -BeNullOrEmpty
        $out.Count | Should -BeGreaterOrEqual 2
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 20 -Because 'the watch must end with its reference, not run out its 30 s'
    }
}

Describe 'Stopping Watch-ForkPages' {
    BeforeAll {
        $family = Start-PageFamily
    }

    AfterAll {
        Stop-PageFamily $family
    }

    It 'stops within its interval: a stop during a 60 s wait returns at once' {
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddCommand('Import-Module').AddArgument((Join-Path $ModulePath 'CowPages.psd1')).AddStatement().
                AddCommand('Watch-ForkPages').AddParameter('ReferenceId', $family.Parent).AddParameter('Interval', 60)
            $output = [System.Management.Automation.PSDataCollection[psobject]]::new()
            $noInput = [System.Management.Automation.PSDataCollection[psobject]]::new()
            $noInput.Complete()
            $handle = $ps.BeginInvoke($noInput, $output)
            $deadline = [DateTime]::UtcNow.AddSeconds(60)
            while ($output.Count -eq 0 -and -not $handle.IsCompleted -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
            $output.Count | Should -Be 1 -Because 'the first tick samples the one child at once'
            # The watch now waits 60 s for its next tick: a stop must not wait that out.
            $clock = [Diagnostics.Stopwatch]::StartNew()
            $ps.Stop()
            $clock.Stop()
            $clock.Elapsed.TotalSeconds | Should -BeLessThan 30
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
            $output.Count | Should -Be 1
        }
        finally {
            $ps.Dispose()
        }
    }
}

Describe 'Watch-ForkPages | Export-Csv' {
    BeforeAll {
        $family = Start-PageFamily
        $csv = Join-Path $family.Directory 'series.csv'
    }

    AfterAll {
        Stop-PageFamily $family
    }

    It 'writes a clean time series: one row a sample, every property a column, numbers that read back' {
        $samples = @(Watch-ForkPages -ReferenceId $family.Parent -Interval 0.25 -Duration 1)
        $samples.Count | Should -BeGreaterOrEqual 2
        $samples | Export-Csv -Path $csv
        $rows = @(Import-Csv $csv)
        $rows.Count | Should -Be $samples.Count
        $rows[0].PSObject.Properties.Name | Should -Be 'Timestamp', 'Elapsed', 'ReferenceId', 'DifferenceId', 'ChildAge', 'Mapping',
            'Shared', 'Copied', 'ReferenceOnly', 'DifferenceOnly', 'SharedBytes', 'CopiedBytes', 'CopiedBytesPerSecond', 'Method'
        for ($i = 0; $i -lt $rows.Count; $i++) {
            [timespan]$rows[$i].Elapsed | Should -Be $samples[$i].Elapsed
            [uint64]$rows[$i].Copied | Should -Be $samples[$i].Copied
            [uint64]$rows[$i].SharedBytes | Should -Be $samples[$i].SharedBytes
            [int]$rows[$i].DifferenceId | Should -Be $family.Child
            # CSV holds the time as text, to the second.
            ([datetimeoffset]$rows[$i].Timestamp - $samples[$i].Timestamp).Duration() | Should -BeLessThan ([timespan]::FromSeconds(1))
        }
        $rows[0].CopiedBytesPerSecond | Should -Be ''
        [double]$rows[1].CopiedBytesPerSecond | Should -Be $samples[1].CopiedBytesPerSecond
    }
}
