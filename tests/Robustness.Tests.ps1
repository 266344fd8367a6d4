# Bad input, races, scale, leaks, concurrency, cancellation and determinism, on live processes.
BeforeAll {
    . $PSScriptRoot/common.ps1
    $family = Start-PageFamily
    $manifest = Join-Path $ModulePath 'CowPages.psd1'

    # Pss and Uss of a process move when OTHER processes map or unmap the same library pages (the 1,000 children of
    # another test may still be exiting); every other field depends only on the process itself.
    $stableSummaryFields = 'ProcessId', 'Name', 'ParentId', 'Mapping', 'Rss', 'Swap', 'Anonymous', 'File', 'Shmem',
        'CowShared', 'CowPrivate', 'FileCopies', 'Ksm', 'Zero', 'LargeFolio', 'Method'

    function Get-OpenFileCount { @(Get-ChildItem /proc/self/fd -ErrorAction SilentlyContinue).Count }
    function Get-OpenProcfsFiles {
        # Files under /proc that this process holds open, leaving out the listing's own handle. A new runspace also
        # opens runtime assemblies lazily, so a count of every descriptor would move for reasons that are not leaks.
        @(Get-ChildItem /proc/self/fd -ErrorAction SilentlyContinue | Where-Object { $_.LinkTarget -like '/proc/*' -and $_.LinkTarget -notlike '/proc/*/fd' }).Count
    }
    function Get-PeakRssKiB {
        $line = Get-Content /proc/self/status | Where-Object { $_ -like 'VmHWM:*' }
        [uint64]($line -replace '\D', '')
    }
    function Reset-PeakRss {
        # Writing 5 to clear_refs resets VmHWM to the current RSS (Linux 4.0+).
        $stream = [IO.FileStream]::new('/proc/self/clear_refs', [IO.FileMode]::Open, [IO.FileAccess]::Write)
        try { $stream.Write([byte[]][char[]]'5', 0, 1) } finally { $stream.Dispose() }
    }
}

AfterAll {
    Stop-PageFamily $family
}

Describe 'Targets without user memory' {
    BeforeAll {
        $zombieHolder = Start-Holder zombie
        $zombie = $zombieHolder.Pids[1]
    }
    AfterAll { Stop-Holder $zombieHolder }

    It 'the zombie really is a zombie' {
        (Get-Content "/proc/$zombie/status") -match '^State:\s+Z' | Should -Not -BeNullOrEmpty
    }

    It '<_> yields nothing and no error for a zombie or a kernel thread' -ForEach 'Get-PageMap', 'Get-CowSummary', 'Compare-ForkPages' {
        foreach ($id in $zombie, 2) {
            $out = & $_ -Id $id -ErrorVariable err
            $out | Should -BeNullOrEmpty
            $err | Should -BeNullOrEmpty
        }
    }
}

Describe 'Bad ranges' {
    It 'returns nothing for a range beyond the user address space, without error' {
        $out = Get-PageMap -Id $family.Parent -Address 0x800000000000 -Count 16 -ErrorVariable err
        $out | Should -BeNullOrEmpty
        $err | Should -BeNullOrEmpty
    }

    It 'refuses -Count 0 on Compare-ForkPages and Get-PageFlags too' {
        $null = Compare-ForkPages -DifferenceId $family.Child -Address 0x1000 -Count 0 -ErrorVariable e1 -ErrorAction SilentlyContinue
        $e1[0].FullyQualifiedErrorId | Should -Be 'InvalidPageRange,CowPages.Commands.CompareForkPagesCommand'
        $null = Get-PageFlags -Pfn 4096 -Count 0 -ErrorVariable e2 -ErrorAction SilentlyContinue
        $e2[0].FullyQualifiedErrorId | Should -Be 'InvalidPageRange,CowPages.Commands.GetPageFlagsCommand'
    }

    It 'stops a frame range at the end of physical memory' {
        $frames = Get-PageFlags -Pfn ([uint64]1 -shl 40) -Count 4 -ErrorVariable err -ErrorAction SilentlyContinue
        $frames | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Be 'PfnNotFound,CowPages.Commands.GetPageFlagsCommand'
    }
}

Describe 'A process that exits or changes while it is read' {
    It 'reports a process that exits mid-scan as ProcessExited and goes on with the next PID' {
        $holder = Start-Holder maps, 200
        try {
            $victim = $holder.Pids[0]
            $seen = 0
            $pages = Get-PageMap -Id $victim, $family.Grandchild -ErrorVariable err -ErrorAction SilentlyContinue | ForEach-Object {
                if ($_.ProcessId -eq $victim -and ++$seen -eq 1) {
                    $holder.Process.Kill()
                    $holder.Process.WaitForExit()
                }
                $_
            }
            $err.Count | Should -Be 1
            $err[0].FullyQualifiedErrorId | Should -Be 'ProcessExited,CowPages.Commands.GetPageMapCommand'
            $err[0].TargetObject | Should -Be $victim
            $err[0].Exception.Message | Should -Match "/proc/$victim/pagemap"
            ($pages | Where-Object ProcessId -eq $family.Grandchild).Count | Should -BeGreaterThan 0
        }
        finally { Stop-Holder $holder }
    }

    It 'survives mappings that come and go during the scan' {
        $holder = Start-Holder churn
        try {
            $churner = $holder.Pids[1]
            foreach ($i in 1..20) {
                $null = Get-PageMap -Id $churner -Present -ErrorVariable err -WarningAction SilentlyContinue
                $err | Should -BeNullOrEmpty
                $null = Get-CowSummary -Id $churner -ErrorVariable err2 -WarningAction SilentlyContinue
                $err2 | Should -BeNullOrEmpty
            }
        }
        finally { Stop-Holder $holder }
    }
}

Describe 'Scale' {
    It 'summarises a process with 65,000 mappings, in agreement with smaps' {
        $holder = Start-Holder maps, 65000
        try {
            $id = $holder.Pids[0]
            @(Get-Content "/proc/$id/maps").Count | Should -BeGreaterThan 65000
            $summary = Get-CowSummary -Id $id
            $kernel = Read-SmapsRollup $id
            $summary.Rss | Should -Be $kernel['Rss']
            $summary.Anonymous | Should -Be $kernel['Anonymous']
            (Get-PageMap -Id $id -Present | Measure-Object).Count | Should -Be ($summary.Rss / 4096)
        }
        finally { Stop-Holder $holder }
    }

    It 'walks a 64 GiB reservation with 1% touched, with bounded memory' {
        $holder = Start-Holder reserve, 64, 10
        try {
            $id = $holder.Pids[0]
            Reset-PeakRss
            $before = Get-PeakRssKiB
            $summary = Get-CowSummary -Id $id
            $grown = (Get-PeakRssKiB) - $before
            $summary.Rss | Should -Be (Read-SmapsRollup $id)['Rss']
            $summary.CowPrivate | Should -BeGreaterOrEqual ($holder.Region.Pages / 100 * 4096)
            $grown | Should -BeLessThan (64 * 1024) -Because 'the walk streams; it must not hold the address space'
        }
        finally { Stop-Holder $holder }
    }

    It 'summarises 1,000 processes piped in at once' {
        $holder = Start-Holder children, 1000
        try {
            Reset-PeakRss
            $before = Get-PeakRssKiB
            $rows = $holder.Pids | Get-CowSummary -ErrorVariable err
            $err | Should -BeNullOrEmpty
            $rows.Count | Should -Be 1001
            ($rows.ProcessId | Select-Object -Unique).Count | Should -Be 1001
            $rows | ForEach-Object { $_.Rss | Should -BeGreaterThan 0 }
            ((Get-PeakRssKiB) - $before) | Should -BeLessThan (256 * 1024)
        }
        finally { Stop-Holder $holder }
    }
}

Describe 'Leaks, concurrency, cancellation and determinism' {
    It 'leaves the number of open files unchanged after 1,000 runs of <Name>' -ForEach @(
        @{ Name = 'Get-PageMap'; Run = { Get-PageMap -Id $family.Grandchild -Mapping '[stack]' } }
        @{ Name = 'Get-PageFlags'; Run = { Get-PageFlags -Pfn 4096, 4097 } }
        @{ Name = 'Compare-ForkPages'; Run = { Compare-ForkPages -DifferenceId $family.Grandchild -Mapping '[stack]' } }
        @{ Name = 'Get-CowSummary'; Run = { Get-CowSummary -Id $family.Grandchild } }
        @{ Name = 'a failing Get-PageMap'; Run = { Get-PageMap -Id 2147483646 -ErrorAction SilentlyContinue } }
        @{ Name = 'Watch-ForkPages to the end of its duration'; Run = { Watch-ForkPages -ReferenceId $family.Child -Duration 0.001 } }
        @{ Name = 'Watch-ForkPages stopped by Select-Object'; Run = { Watch-ForkPages -ReferenceId $family.Child -Interval 0.001 -WarningAction SilentlyContinue | Select-Object -First 2 } }
    ) {
        foreach ($i in 1..20) { $null = & $Run }
        [GC]::Collect(); [GC]::WaitForPendingFinalizers()
        $before = Get-OpenFileCount
        $beforeProcfs = Get-OpenProcfsFiles
        foreach ($i in 1..1000) { $null = & $Run }
        [GC]::Collect(); [GC]::WaitForPendingFinalizers()
        Get-OpenProcfsFiles | Should -Be $beforeProcfs
        # The runtime may still map an assembly or two lazily; a leak would show as hundreds.
        Get-OpenFileCount | Should -BeLessOrEqual ($before + 8)
    }

    It 'gives the same results in parallel runspaces as in sequence' {
        $ids = $family.Parent, $family.Child, $family.Grandchild
        $sequential = $ids | ForEach-Object { Get-CowSummary -Id $_ } | Select-Object $stableSummaryFields | ConvertTo-Json -Compress
        $parallel = $ids | ForEach-Object -ThrottleLimit 3 -Parallel {
            Import-Module $using:manifest
            Get-CowSummary -Id $_
        } | Sort-Object { [array]::IndexOf($ids, $_.ProcessId) } | Select-Object $stableSummaryFields | ConvertTo-Json -Compress
        $parallel | Should -Be $sequential

        $sequentialPairs = $family.Child, $family.Grandchild | ForEach-Object { Compare-ForkPages -DifferenceId $_ -Mapping '[anon]' } |
            Sort-Object DifferenceId, Start | ConvertTo-Json -Compress
        $parallelPairs = $family.Child, $family.Grandchild | ForEach-Object -ThrottleLimit 2 -Parallel {
            Import-Module $using:manifest
            Compare-ForkPages -DifferenceId $_ -Mapping '[anon]'
        } | Sort-Object DifferenceId, Start | ConvertTo-Json -Compress
        $sequentialPairs | Should -Not -BeNullOrEmpty
        $parallelPairs | Should -Be $sequentialPairs
    }

    It 'stops a long scan promptly on Ctrl+C and leaves no file open' {
        $holder = Start-Holder reserve, 64, 10
        try {
            $before = Get-OpenProcfsFiles
            $ps = [powershell]::Create()
            $null = $ps.AddScript({
                param($manifest, $id)
                Import-Module $manifest
                Get-PageMap -Id $id | Measure-Object
            }).AddArgument($manifest).AddArgument($holder.Pids[0])
            $async = $ps.BeginInvoke()
            Start-Sleep -Milliseconds 1500
            $async.IsCompleted | Should -BeFalse -Because 'the scan of 16 M pages must still be running when it is stopped'
            $clock = [Diagnostics.Stopwatch]::StartNew()
            $ps.Stop()
            $clock.Stop()
            $clock.ElapsedMilliseconds | Should -BeLessThan 2000
            $ps.Dispose()
            [GC]::Collect(); [GC]::WaitForPendingFinalizers()
            Get-OpenProcfsFiles | Should -Be $before
        }
        finally { Stop-Holder $holder }
    }

    It 'gives identical results when an idle process is scanned twice' {
        $first = Get-PageMap -Id $family.Parent | Select-Object Address, Raw, Pfn | ConvertTo-Json -Compress
        $second = Get-PageMap -Id $family.Parent | Select-Object Address, Raw, Pfn | ConvertTo-Json -Compress
        $second | Should -Be $first
        (Get-CowSummary -Id $family.Child | Select-Object $stableSummaryFields | ConvertTo-Json) |
            Should -Be (Get-CowSummary -Id $family.Child | Select-Object $stableSummaryFields | ConvertTo-Json)
        (Compare-ForkPages -DifferenceId $family.Child | ConvertTo-Json) | Should -Be (Compare-ForkPages -DifferenceId $family.Child | ConvertTo-Json)
    }
}
