# The default views of CowPages.Format.ps1xml and the display sets of CowPages.Types.ps1xml, rendered from live
# output of the page family: labelled columns, addresses and PFNs in hex, while the properties stay numbers.
BeforeAll {
    . $PSScriptRoot/common.ps1
    $family = Start-PageFamily
    $anon = $family.Regions.anon

    function Show-Table { param([object[]]$InputObject) ($InputObject | Format-Table | Out-String -Width 250) -split "`n" }
    function Show-List { param([object[]]$InputObject) ($InputObject | Format-List | Out-String -Width 250) -split "`n" }
    function Get-HeaderLine {
        # The table's header row: the line just above the dashes.
        param([string[]]$Lines)
        $rule = [array]::FindIndex($Lines, [Predicate[string]] { param($l) $l -match '^\s*-{2,}(\s+-{2,})*\s*$' })
        $Lines[$rule - 1] -split '\s+' | Where-Object { $_ }
    }
}

AfterAll {
    Stop-PageFamily $family
}

Describe 'The views of <_>' -ForEach 'PageMapEntry', 'PageFrame', 'ForkComparison', 'ForkPage', 'CowSummary', 'PageFlagsCount', 'ForkSample', 'SnapshotInfo' {
    It 'has a table view registered for the type' {
        $views = (Get-FormatData -TypeName "CowPages.$_").FormatViewDefinition
        @($views | ForEach-Object { $_.Control.GetType().Name }) | Should -Contain 'TableControl'
    }
}

Describe 'Get-PageMap output' {
    It 'shows labelled columns, the address and the PFN in hex' {
        $pages = Get-PageMap -Id $family.Parent -Address $anon.Address -Count 2
        $lines = Show-Table $pages
        Get-HeaderLine $lines | Should -Be 'PID', 'Address', 'Present', 'Swapped', 'Pfn', 'Excl', 'File', 'Perm', 'Mapping'
        $row = $lines | Where-Object { $_ -match ('0x{0:x}\b' -f $anon.Address) }
        $row | Should -Match ('0x{0:x}\b' -f $pages[0].Pfn)
        $pages[0].Address | Should -BeOfType [uint64]
        $pages[0].Pfn | Should -BeOfType [uint64]
    }

    It 'lists one page with its address, PFN and raw word in hex' {
        $page = Get-PageMap -Id $family.Parent -Address $anon.Address -Count 1
        $lines = Show-List $page
        $lines | Should -Contain ('Address            : 0x{0:x}' -f $anon.Address)
        $lines | Should -Contain ('Pfn                : 0x{0:x}' -f $page.Pfn)
        $lines | Should -Contain ('Raw                : 0x{0:x16}' -f $page.Raw)
        $lines | Where-Object { $_ -match '^Id\s+:' } | Should -BeNullOrEmpty
    }
}

Describe 'Get-PageFlags output' {
    It 'shows labelled columns with the PFN in hex and the flags by name' {
        $frame = Get-PageMap -Id $family.Parent -Address $anon.Address -Count 1 | Get-PageFlags
        $lines = Show-Table $frame
        Get-HeaderLine $lines | Should -Be 'PID', 'Address', 'Pfn', 'MapCount', 'Flags'
        $row = $lines | Where-Object { $_ -match ('0x{0:x}\b' -f $frame.Pfn) }
        $row | Should -Match ('0x{0:x}\b' -f $anon.Address)
        $row | Should -Match '\bAnon\b'
        $frame.Pfn | Should -BeOfType [uint64]
    }
}

Describe 'Compare-ForkPages output' {
    It 'groups ranges by the two processes and shows each range''s start in hex with its counts' {
        $rows = Compare-ForkPages -ReferenceId $family.Parent -DifferenceId $family.Child -Address $anon.Address -Count $anon.Pages
        $lines = Show-Table $rows
        ($lines -join "`n") | Should -Match "Process: $($family.Child) compared with $($family.Parent), by Pfn"
        Get-HeaderLine $lines | Should -Be 'Start', 'Pages', 'Shared', 'Copied', 'Zero', 'RefOnly', 'DiffOnly', 'Swapped', 'NotPresent', 'MappedIn', 'Mapping'
        $row = $lines | Where-Object { $_ -match ('0x{0:x}\b' -f $anon.Address) }
        ($row -split '\s+' | Where-Object { $_ }) | Should -Be ('0x{0:x}' -f $anon.Address), 64, 52, 12, 0, 0, 0, 0, 0, 'Both', '[anon]'
        $rows.Start | Should -BeOfType [uint64]
    }

    It 'lists a range with its start and end in hex' {
        $row = Compare-ForkPages -ReferenceId $family.Parent -DifferenceId $family.Child -Address $anon.Address -Count $anon.Pages
        $lines = Show-List $row
        $lines | Should -Contain ('Start          : 0x{0:x}' -f $anon.Address)
        $lines | Should -Contain ('End            : 0x{0:x}' -f ($anon.Address + $anon.Pages * 4096))
        $lines | Should -Contain 'CopiedBytes    : 49152'
    }
}

Describe 'Compare-ForkPages -PerPage output' {
    It 'shows each page''s address and both PFNs in hex, and a blank where a side has no page' {
        $file = $family.Regions.file
        $pages = Compare-ForkPages -ReferenceId $family.Parent -DifferenceId $family.Child -Address $file.Address -Count $file.Pages -PerPage
        $lines = Show-Table $pages
        Get-HeaderLine $lines | Should -Be 'Address', 'State', 'ReferencePfn', 'DifferencePfn', 'Mapping'
        $shared = $lines | Where-Object { $_ -match ('0x{0:x}\b' -f $file.Address) }
        ($shared -split '\s+' | Where-Object { $_ })[0..3] | Should -Be ('0x{0:x}' -f $file.Address), 'Shared',
            ('0x{0:x}' -f $pages[0].ReferencePfn), ('0x{0:x}' -f $pages[0].DifferencePfn)
        $childOnly = $lines | Where-Object { $_ -match ('0x{0:x}\b' -f ($file.Address + 4096)) }
        ($childOnly -split '\s+' | Where-Object { $_ })[0..2] | Should -Be ('0x{0:x}' -f ($file.Address + 4096)), 'DifferenceOnly', ('0x{0:x}' -f $pages[1].DifferencePfn)
        $pages[1].ReferencePfn | Should -BeNullOrEmpty
    }

    It 'lists a page with its raw pagemap words in hex' {
        $page = Compare-ForkPages -ReferenceId $family.Parent -DifferenceId $family.Child -Address $anon.Address -Count 1 -PerPage
        $lines = Show-List $page
        $lines | Should -Contain ('ReferenceRaw  : 0x{0:x16}' -f $page.ReferenceRaw)
        $lines | Should -Contain ('DifferencePfn : 0x{0:x}' -f $page.DifferencePfn)
    }
}

Describe 'Get-CowSummary output' {
    It 'shows labelled columns with sizes in KiB, while the properties stay bytes' {
        $summary = Get-CowSummary -Id $family.Child
        $lines = Show-Table $summary
        Get-HeaderLine $lines | Should -Be 'PID', 'PPID', 'Name', 'Rss(K)', 'Pss(K)', 'Uss(K)', 'CowShared(K)', 'CowPrivate(K)', 'Method', 'Mapping'
        $row = $lines | Where-Object { $_ -match "^\s*$($family.Child)\s" }
        ($row -split '\s+' | Where-Object { $_ }) | Should -Be $family.Child, $family.Parent, 'pagefamily', ($summary.Rss / 1KB),
            ([math]::Round($summary.Pss / 1KB)), ($summary.Uss / 1KB), ($summary.CowShared / 1KB), ($summary.CowPrivate / 1KB), 'Pfn'
        $summary.Rss | Should -BeOfType [uint64]
        $summary.Rss % 4096 | Should -Be 0
    }

    It 'lists every size in bytes, without repeating ProcessId as Id' {
        $summary = Get-CowSummary -Id $family.Child
        $lines = Show-List $summary
        $lines | Should -Contain "Rss        : $($summary.Rss)"
        $lines | Should -Contain "LargeFolio : $($summary.LargeFolio)"
        $lines | Where-Object { $_ -match '^Id\s+:' } | Should -BeNullOrEmpty
        $summary.Id | Should -Be $family.Child
    }
}

Describe 'Save-CowSnapshot output' {
    It 'shows what the snapshot holds in one row, the path last' {
        $path = Join-Path ([IO.Path]::GetTempPath()) "cowpages-format-$([guid]::NewGuid().ToString('n')).cowsnap"
        try {
            $saved = Save-CowSnapshot -Id $family.Parent -Include Family -Path $path
            $lines = Show-Table $saved
            Get-HeaderLine $lines | Should -Be 'Processes', 'Resident', 'Frames', 'Size(K)', 'B/page', 'Host', 'Path'
            $row = $lines | Where-Object { $_ -match [regex]::Escape($path) }
            $row | Should -Match ('^\s*3\s+{0}\s+{1}\s' -f $saved.ResidentPages, $saved.Frames)
        }
        finally {
            Remove-Item $path -ErrorAction SilentlyContinue
        }
    }
}

Describe 'Measure-PageFlags output' {
    It 'shows page-types'' columns: the word in hex, pages, MiB and the flag names, grouped by process' {
        $rows = Measure-PageFlags -Id $family.Child
        $lines = Show-Table $rows
        ($lines -join "`n") | Should -Match "Pages of: process $($family.Child)"
        Get-HeaderLine $lines | Should -Be 'Flags', 'Pages', 'MiB', 'Names'
        $most = $rows | Sort-Object Pages -Descending | Select-Object -First 1
        $row = $lines | Where-Object { $_ -match ('^\s*0x{0:x16}\s' -f [uint64]$most.Flags) }
        ($row -split '\s+' | Where-Object { $_ })[0..2] | Should -Be ('0x{0:x16}' -f [uint64]$most.Flags), $most.Pages, ('{0:0.00}' -f ($most.Bytes / 1MB))
        $row | Should -Match ([regex]::Escape(($most.Flags -split ', ')[0]))
        $most.Flags | Should -BeOfType [CowPages.PageFlags]
    }

    It 'heads each mapping''s rows with its name under -ByMapping, and physical memory as such' {
        ((Show-Table (Measure-PageFlags -Id $family.Child -Mapping '[stack]' -ByMapping)) -join "`n") | Should -Match ([regex]::Escape("Pages of: process $($family.Child), [stack]"))
        ((Show-Table (Measure-PageFlags -Pfn 0 -Count 4096)) -join "`n") | Should -Match 'Pages of: physical memory'
    }

    It 'lists a row with the raw word in hex' {
        $row = Measure-PageFlags -Id $family.Child | Select-Object -First 1
        $lines = Show-List $row
        $lines | Should -Contain ('Raw       : 0x{0:x16}' -f [uint64]$row.Flags)
        $lines | Should -Contain "Pages     : $($row.Pages)"
    }
}

Describe 'Watch-ForkPages output' {
    It 'shows each sample as a log line: the time, the child, copies, their rate and what is shared, in MiB' {
        $samples = @(Watch-ForkPages -ReferenceId $family.Parent -DifferenceId $family.Child -Interval 0.5 -Duration 0.5)
        $lines = Show-Table $samples
        ($lines -join "`n") | Should -Match "Reference: $($family.Parent), by Pfn"
        Get-HeaderLine $lines | Should -Be 'Time', 'Elapsed', 'Child', 'CopiedMiB', 'MiB/s', 'SharedMiB', 'Mapping'
        $rows = @($lines | Where-Object { $_ -match '^\d\d:\d\d:\d\d\s' })
        $samples.Count | Should -Be 2 -Because 'a tick of the page family takes far less than the interval'
        $rows.Count | Should -Be 2
        ($rows[0] -split '\s+' | Where-Object { $_ }) | Should -Be $samples[0].Timestamp.ToString('HH:mm:ss'),
            ('{0:0.00}' -f $samples[0].Elapsed.TotalSeconds), $family.Child,
            ('{0:0.00}' -f ($samples[0].CopiedBytes / 1MB)), ('{0:0.00}' -f ($samples[0].SharedBytes / 1MB))
        ($rows[1] -split '\s+' | Where-Object { $_ })[4] | Should -Be ('{0:0.00}' -f ($samples[1].CopiedBytesPerSecond / 1MB))
        $samples[0].CopiedBytes | Should -BeOfType [uint64]
    }

    It 'prints each sample as it arrives, before the watch takes the next' {
        $events = [System.Collections.Generic.List[string]]::new()
        Watch-ForkPages -ReferenceId $family.Parent -Interval 0.25 -Duration 0.5 |
            ForEach-Object { $events.Add('sample'); $_ } |
            Out-String -Stream |
            ForEach-Object { if ($_ -match "\s$($family.Child)\s") { $events.Add('row') } }
        # One row right after each sample, however many ticks the machine's load allowed.
        $events.Count | Should -BeGreaterOrEqual 4
        $events -join ',' | Should -Match '^(sample,row,)*sample,row$'
    }
}

