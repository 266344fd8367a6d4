# Measure-PageFlags against the kernel's own page-types (built from Debian's linux-source-6.1 by tools/PageTypes.ps1)
# on the live page family, and its counting rule region by region.
BeforeDiscovery {
    . $PSScriptRoot/FixtureExpectations.ps1
}

BeforeAll {
    . $PSScriptRoot/common.ps1
    . $PSScriptRoot/FixtureExpectations.ps1
    . (Join-Path $RepoRoot 'tools/PageTypes.ps1')
    $pageTypes = Install-PageTypes
    $family = Start-PageFamily
    $manifest = Join-Path $ModulePath 'CowPages.psd1'

    function Compare-WithPageTypes {
        # Both readings a moment apart; a flag that flips between them (an LRU bit) gets two more tries before the
        # difference counts.
        param([scriptblock]$Measure, [string[]]$PageTypesArguments)
        foreach ($try in 1..3) {
            $diff = @(Compare-PageFlagsTable (& $Measure) (Read-PageTypesTable $pageTypes $PageTypesArguments))
            if ($diff.Count -eq 0) { return @() }
        }
        $diff
    }
}

AfterAll {
    Stop-PageFamily $family
}

Describe 'Measure-PageFlags agrees with page-types' {
    It 'counts the <_>''s pages by flags exactly as page-types -r -p does' -ForEach 'Parent', 'Child', 'Grandchild' {
        $id = $family.$_
        $diff = Compare-WithPageTypes { Measure-PageFlags -Id $id } @('-p', "$id")
        $diff | Should -BeNullOrEmpty -Because "page-types -r -p $id, folded back to kernel words, should give the same table"
    }

    It 'counts one region of the child as page-types -p -a does for the same virtual pages' {
        $r = $family.Regions.thp
        $vpn = $r.Address / $PageSize
        $diff = Compare-WithPageTypes { Measure-PageFlags -Id $family.Child -Address $r.Address -Count $r.Pages } @('-p', "$($family.Child)", '-a', "$vpn+$($r.Pages)")
        $diff | Should -BeNullOrEmpty
    }

    It 'counts a range of physical frames as page-types -a does' {
        # The first 256 MiB: low memory, where few allocations come and go while the two readings are taken.
        $diff = Compare-WithPageTypes { Measure-PageFlags -Pfn 0 -Count 65536 } @('-a', '0+65536')
        $diff | Should -BeNullOrEmpty
    }

    It 'counts every frame of physical memory with no range, as page-types does with none' {
        $ours = (Measure-PageFlags | Measure-Object Pages -Sum).Sum
        $total = (& $pageTypes | Select-Object -Last 1) -split '\s+' | Where-Object { $_ -match '^\d+$' } | Select-Object -First 1
        $ours | Should -Be ([uint64]$total)
        $ours | Should -Be ([IO.File]::ReadAllBytes('/proc/kpageflags').Length / 8) -Because 'kpageflags holds one word per frame'
    }
}

Describe 'Measure-PageFlags counting rule' {
    It '<Role> <Region>: counts the <Present> present pages, no swapped page or guard marker' -ForEach $FamilyExpectations {
        $r = $family.Regions[$Region]
        $rows = Measure-PageFlags -Id $family.$Role -Address $r.Address -Count $r.Pages
        [uint64](($rows | Measure-Object Pages -Sum).Sum) | Should -Be $Present
    }

    It 'counts each 4 KiB page of the huge page, the tails included' {
        # The parent's huge page is still whole: the child's write split only the child's mapping of it.
        $r = $family.Regions.thp
        $rows = Measure-PageFlags -Id $family.Parent -Address $r.Address -Count $r.Pages
        $thp = @($rows | Where-Object { $_.Flags.HasFlag([CowPages.PageFlags]::Thp) })
        if (-not $thp) { Set-ItResult -Skipped -Because 'the kernel could not allocate a huge page for the fixture' }
        ($thp | Where-Object { $_.Flags.HasFlag([CowPages.PageFlags]::CompoundTail) } | Measure-Object Pages -Sum).Sum | Should -Be 511
        ($thp | Where-Object { $_.Flags.HasFlag([CowPages.PageFlags]::CompoundHead) } | Measure-Object Pages -Sum).Sum | Should -Be 1
    }

    It 'tells the parent''s anonymous pages apart by PG_anon_exclusive (Owner2): the 4 it wrote after the fork, not the other 60' {
        # The 12 pages the children copied are the parent's alone again, but keep the bit clear until the parent writes.
        $r = $family.Regions.anon
        $rows = Measure-PageFlags -Id $family.Parent -Address $r.Address -Count $r.Pages
        $anon = $rows | Where-Object { $_.Flags.HasFlag([CowPages.PageFlags]::Anon) }
        ($anon | Where-Object { $_.Flags.HasFlag([CowPages.PageFlags]::Owner2) } | Measure-Object Pages -Sum).Sum | Should -Be 4
        ($anon | Where-Object { -not $_.Flags.HasFlag([CowPages.PageFlags]::Owner2) } | Measure-Object Pages -Sum).Sum | Should -Be 60
    }

    It 'returns one row per distinct word, in ascending order of the word, with Bytes and ProcessId' {
        $rows = @(Measure-PageFlags -Id $family.Child)
        $words = [uint64[]]@($rows | ForEach-Object { [uint64]$_.Flags })
        $words.Count | Should -BeGreaterThan 3
        for ($i = 1; $i -lt $words.Count; $i++) { $words[$i] | Should -BeGreaterThan $words[$i - 1] }
        $rows | ForEach-Object {
            $_.ProcessId | Should -Be $family.Child
            $_.Bytes | Should -Be ($_.Pages * 4096)
            $_.Mapping | Should -BeNullOrEmpty
        }
        $rows[0] | Should -BeOfType [CowPages.PageFlagsCount]
    }

    It 'splits the same counts by mapping name with -ByMapping' {
        $whole = Measure-PageFlags -Id $family.Child
        $byMapping = Measure-PageFlags -Id $family.Child -ByMapping
        ($byMapping | Measure-Object Pages -Sum).Sum | Should -Be ($whole | Measure-Object Pages -Sum).Sum
        $byMapping.Mapping | Should -Contain '[stack]'
        ($byMapping | Where-Object Mapping -like '*pagefamily.dat' | Measure-Object Pages -Sum).Sum | Should -Be 4
        foreach ($group in $byMapping | Group-Object Mapping) {
            @($group.Group | Group-Object { [uint64]$_.Flags }).Count | Should -Be $group.Count -Because "each word appears once per mapping ($($group.Name))"
        }
    }

    It 'measures only the mappings -Mapping names' {
        $rows = Measure-PageFlags -Id $family.Child -Mapping '*pagefamily.dat'
        ($rows | Measure-Object Pages -Sum).Sum | Should -Be 4
        ($rows | Where-Object { $_.Flags.HasFlag([CowPages.PageFlags]::Anon) } | Measure-Object Pages -Sum).Sum | Should -Be 3
    }
}

Describe 'Measure-PageFlags input' {
    It 'takes PIDs by value, by property name (ProcessId, PID) and as Process objects' {
        $expected = (Measure-PageFlags -Id $family.Child | Measure-Object Pages -Sum).Sum
        ($family.Child | Measure-PageFlags | Measure-Object Pages -Sum).Sum | Should -Be $expected
        ([pscustomobject]@{ ProcessId = $family.Child } | Measure-PageFlags | Measure-Object Pages -Sum).Sum | Should -Be $expected
        ([pscustomobject]@{ PID = $family.Child } | Measure-PageFlags | Measure-Object Pages -Sum).Sum | Should -Be $expected
        (Get-Process -Id $family.Child | Measure-PageFlags | Measure-Object Pages -Sum).Sum | Should -Be $expected
    }

    It 'measures each of several PIDs on its own' {
        $rows = Measure-PageFlags -Id $family.Parent, $family.Child
        @($rows.ProcessId | Select-Object -Unique) | Should -Be $family.Parent, $family.Child
    }

    It 'gives a missing PID a ProcessNotFound error and goes on with the others' {
        $rows = Measure-PageFlags -Id 2147483646, $family.Child -ErrorVariable err -ErrorAction SilentlyContinue
        @($rows.ProcessId | Select-Object -Unique) | Should -Be $family.Child
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -Be 'ProcessNotFound,CowPages.Commands.MeasurePageFlagsCommand'
        $err[0].TargetObject | Should -Be 2147483646
    }

    It 'refuses PID 0 with InvalidProcessId' {
        $null = Measure-PageFlags -Id 0 -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be 'InvalidProcessId,CowPages.Commands.MeasurePageFlagsCommand'
    }

    It 'yields nothing and no error for a kernel thread' {
        $out = Measure-PageFlags -Id 2 -ErrorVariable err
        $out | Should -BeNullOrEmpty
        $err | Should -BeNullOrEmpty
    }

    It 'refuses -Count 0 with InvalidPageRange, for a process and for frames' {
        $null = Measure-PageFlags -Id $family.Child -Address 0x1000 -Count 0 -ErrorVariable e1 -ErrorAction SilentlyContinue
        $e1[0].FullyQualifiedErrorId | Should -Be 'InvalidPageRange,CowPages.Commands.MeasurePageFlagsCommand'
        $null = Measure-PageFlags -Pfn 4096 -Count 0 -ErrorVariable e2 -ErrorAction SilentlyContinue
        $e2[0].FullyQualifiedErrorId | Should -Be 'InvalidPageRange,CowPages.Commands.MeasurePageFlagsCommand'
    }

    It 'gives a range beyond the end of physical memory a PfnNotFound error, and stops a range at the end quietly' {
        $null = Measure-PageFlags -Pfn ([uint64]1 -shl 40) -Count 4 -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be 'PfnNotFound,CowPages.Commands.MeasurePageFlagsCommand'
        $frames = [IO.File]::ReadAllBytes('/proc/kpageflags').Length / 8
        $rows = Measure-PageFlags -Pfn ($frames - 10) -Count 100 -ErrorVariable err2
        ($rows | Measure-Object Pages -Sum).Sum | Should -Be 10
        $err2 | Should -BeNullOrEmpty
        $rows | ForEach-Object { $_.ProcessId | Should -BeNullOrEmpty }
    }

    It 'stops promptly on Ctrl+C and leaves no file open' {
        $before = @(Get-ChildItem /proc/self/fd | Where-Object { $_.LinkTarget -like '/proc/*' -and $_.LinkTarget -notlike '/proc/*/fd' }).Count
        $ps = [powershell]::Create()
        $null = $ps.AddScript({
            param($manifest, $ids)
            Import-Module $manifest
            Measure-PageFlags -Id $ids | Measure-Object
        }).AddArgument($manifest).AddArgument([int[]](@($family.Parent) * 20000))
        $async = $ps.BeginInvoke()
        Start-Sleep -Milliseconds 1500
        $async.IsCompleted | Should -BeFalse -Because '20,000 walks of the parent must still be running when they are stopped'
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $ps.Stop()
        $clock.ElapsedMilliseconds | Should -BeLessThan 2000
        $ps.Dispose()
        [GC]::Collect(); [GC]::WaitForPendingFinalizers()
        @(Get-ChildItem /proc/self/fd | Where-Object { $_.LinkTarget -like '/proc/*' -and $_.LinkTarget -notlike '/proc/*/fd' }).Count | Should -Be $before
    }
}
