BeforeAll {
    . $PSScriptRoot/common.ps1
    . $PSScriptRoot/KernelFacts.ps1
    $KernelFacts = Get-KernelFacts
    $family = Start-PageFamily
    $sizeFields = 'Rss', 'Pss', 'Uss', 'Swap', 'Anonymous', 'File', 'Shmem', 'CowShared', 'CowPrivate', 'FileCopies', 'Ksm', 'Zero', 'LargeFolio'

    function Measure-AnonymousFrames {
        <#
        The copy-on-write split of a process by an independent walk: Get-PageMap's present anonymous pages, their frames
        from Get-PageFlags, and a rule of its own for each page. It knows where the kernel lies: on a kernel that sets
        KPF_KSM on every anonymous page (kernelprobe's ksm_flag_bogus), a page counts as KSM only if the process has
        merged pages at all (/proc/PID/ksm_merging_pages, 5.19+).
        #>
        param([int]$ProcessId)
        $merging = [long](Get-Content "/proc/$ProcessId/ksm_merging_pages" -ErrorAction SilentlyContinue)
        $ksmTrusted = -not $KernelFacts.KsmFlagBogus -or $merging -gt 0
        $counts = @{ CowShared = 0; CowPrivate = 0; Ksm = 0; Zero = 0 }
        $frames = Get-PageMap -Id $ProcessId -Present | Where-Object { -not $_.FileOrSharedAnon } | Get-PageFlags
        foreach ($frame in $frames) {
            $kind = if ($frame.Flags.HasFlag([CowPages.PageFlags]::ZeroPage)) { 'Zero' }
            elseif ($ksmTrusted -and $frame.Flags.HasFlag([CowPages.PageFlags]::Ksm)) { 'Ksm' }
            elseif ($frame.MapCount -gt 1) { 'CowShared' }
            else { 'CowPrivate' }
            $counts[$kind] += 4096
        }
        $counts
    }
}

AfterAll {
    Stop-PageFamily $family
}

Describe 'Get-CowSummary on a live process family' -Tag Kernel {
    It 'summarises each process once, by PFN, with its name and parent' {
        $rows = Get-CowSummary -Id $family.Parent, $family.Child, $family.Grandchild
        $rows.Count | Should -Be 3
        $rows | ForEach-Object {
            $_ | Should -BeOfType CowPages.CowSummary
            $_.Method | Should -Be 'Pfn'
            $_.Name | Should -Be 'pagefamily'
            $_.Mapping | Should -BeNullOrEmpty
        }
        $rows[1].ParentId | Should -Be $family.Parent
        $rows[2].ParentId | Should -Be $family.Child
    }

    It 'splits Anonymous exactly into CowShared + CowPrivate + Ksm' {
        Get-CowSummary -Id $family.Parent, $family.Child, $family.Grandchild | ForEach-Object {
            $_.Anonymous | Should -Be ($_.CowShared + $_.CowPrivate + $_.Ksm)
            $_.Anonymous | Should -BeGreaterThan 0
        }
    }

    It 'agrees with a page-by-page walk of pagemap, kpageflags and kpagecount that knows this kernel''s KSM flag' {
        foreach ($id in $family.Parent, $family.Child, $family.Grandchild) {
            $walk = Measure-AnonymousFrames $id
            $summary = Get-CowSummary -Id $id
            foreach ($field in 'CowShared', 'CowPrivate', 'Ksm', 'Zero') {
                $summary.$field | Should -Be $walk[$field] -Because "$field of PID $id"
            }
            # The family never asked for merging, and no two of its pages are alike.
            $summary.Ksm | Should -Be 0
        }
    }

    It 'counts the pages the family only read as Zero, outside Rss, where the kernel maps a zero page' {
        if (-not $KernelFacts.ZeroPage) {
            Set-ItResult -Skipped -Because "this kernel ($($KernelFacts.Release)) maps no zero page (booted with pvm_no_zero_page=1?)"
        }
        foreach ($id in $family.Parent, $family.Child, $family.Grandchild) {
            $summary = Get-CowSummary -Id $id
            $summary.Zero | Should -BeGreaterOrEqual (7 * 4096)
            $summary.Rss | Should -Be (Read-SmapsRollup $id)['Rss']
        }
    }

    It 'counts the copies of file pages in the private file mapping: <Role> has <Copies> copied pages, <Cache> page-cache page' -ForEach @(
        @{ Role = 'Parent'; Copies = 2; Shared = 2; Cache = 1 }
        @{ Role = 'Child'; Copies = 3; Shared = 3; Cache = 1 }
        @{ Role = 'Grandchild'; Copies = 3; Shared = 3; Cache = 1 }
    ) {
        # The copies are anonymous pages: the bogus KSM flag moves them from FileCopies to Ksm.
        $row = Get-CowSummary -Id $family.$Role -ByMapping | Where-Object Mapping -like '*pagefamily.dat'
        $row.FileCopies | Should -Be ($Copies * 4096)
        $row.CowShared | Should -Be ($Shared * 4096)
        $row.CowPrivate | Should -Be 0
        $row.File | Should -Be ($Cache * 4096)
        $row.Rss | Should -Be (($Copies + $Cache) * 4096)
    }

    It 'counts the shared anonymous mapping as Shmem' {
        $row = Get-CowSummary -Id $family.Parent -ByMapping | Where-Object Mapping -eq '/dev/zero'
        $row.Shmem | Should -Be (8 * 4096)
        $row.Anonymous | Should -Be 0
    }

    It 'adds up its -ByMapping rows to the process totals' {
        $total = Get-CowSummary -Id $family.Child
        $rows = Get-CowSummary -Id $family.Child -ByMapping
        ($rows.Mapping | Select-Object -Unique).Count | Should -Be $rows.Count
        foreach ($field in 'Rss', 'Uss', 'Swap', 'Anonymous', 'File', 'Shmem', 'CowShared', 'CowPrivate', 'FileCopies', 'LargeFolio') {
            ($rows | Measure-Object $field -Sum).Sum | Should -Be $total.$field -Because $field
        }
        # Pss moves whenever another process maps or unmaps the same library pages between the two calls: a
        # difference counts only when it repeats.
        $pssGap = [math]::Abs(($rows | Measure-Object Pss -Sum).Sum - $total.Pss)
        for ($try = 0; $try -lt 3 -and $pssGap -ge $rows.Count + 1; $try++) {
            $total = Get-CowSummary -Id $family.Child
            $rows = Get-CowSummary -Id $family.Child -ByMapping
            $pssGap = [math]::Abs(($rows | Measure-Object Pss -Sum).Sum - $total.Pss)
        }
        $pssGap | Should -BeLessThan ($rows.Count + 1)
    }

    It 'counts the transparent huge page as a large folio' {
        $r = $family.Regions.thp
        if (@(Get-PageMap -Id $family.Parent -Address $r.Address -Count 1 | Get-PageFlags | Where-Object { $_.Flags.HasFlag([CowPages.PageFlags]::Thp) }).Count -eq 0) {
            Set-ItResult -Skipped -Because 'the kernel could not allocate a transparent huge page for the fixture'
        }
        (Get-CowSummary -Id $family.Parent).LargeFolio | Should -BeGreaterOrEqual (512 * 4096)
        (Get-CowSummary -Id $family.Child).LargeFolio | Should -BeGreaterOrEqual (511 * 4096)
    }
}

Describe 'Get-CowSummary against the kernel''s own accounting' -Tag Kernel {
    It 'agrees with smaps_rollup for every quiescent process on the machine' {
        $compared = [System.Collections.Generic.List[int]]::new()
        $mismatches = [System.Collections.Generic.List[string]]::new()
        $ids = Get-ChildItem /proc -Directory | Where-Object Name -match '^\d+$' | ForEach-Object { [int]$_.Name } | Where-Object { $_ -ne $PID }
        foreach ($id in $ids) {
            # A process counts as compared once a read of smaps_rollup before and after the cmdlet agree. Pss also moves
            # when OTHER processes map or unmap the same pages between the reads, so a mismatch is recorded only if it
            # repeats on every stable attempt.
            $lastMismatch = $null
            foreach ($attempt in 1..4) {
                $before = Read-SmapsRollup $id
                if (-not $before) { break }
                $summary = Get-CowSummary -Id $id -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
                $after = Read-SmapsRollup $id
                if (-not $summary -or -not $after) { break }
                $stable = $true
                foreach ($f in 'Rss', 'Pss', 'Anonymous', 'Swap', 'Private_Clean', 'Private_Dirty') {
                    if ($before[$f] -ne $after[$f]) { $stable = $false }
                }
                if (-not $stable) { continue }
                $checks = @(
                    @{ Field = 'Rss'; Ours = $summary.Rss; Kernel = $after['Rss'] }
                    @{ Field = 'Anonymous'; Ours = $summary.Anonymous; Kernel = $after['Anonymous'] }
                    @{ Field = 'Swap'; Ours = $summary.Swap; Kernel = $after['Swap'] }
                    @{ Field = 'Uss'; Ours = $summary.Uss; Kernel = $after['Private_Clean'] + $after['Private_Dirty'] }
                    # smaps prints Pss in whole kB, truncated: that is its rounding.
                    @{ Field = 'Pss'; Ours = [math]::Floor($summary.Pss / 1024) * 1024; Kernel = $after['Pss'] }
                )
                $lastMismatch = $checks | Where-Object { $_.Ours -ne $_.Kernel } |
                    ForEach-Object { "PID $id ($($summary.Name)) $($_.Field): ours $($_.Ours), smaps $($_.Kernel)" }
                if (-not $compared.Contains($id)) { $compared.Add($id) }
                if (-not $lastMismatch) { break }
            }
            if ($lastMismatch) { $mismatches.AddRange([string[]]@($lastMismatch)) }
        }
        $compared | Should -Contain $family.Parent
        $compared | Should -Contain $family.Grandchild
        # The family and at least two others: a kernel-matrix guest runs little more than its init, a shell and this pwsh.
        $compared.Count | Should -BeGreaterOrEqual 5
        $mismatches | Should -BeNullOrEmpty
    }
}

Describe 'Get-CowSummary -Method' {
    It 'summarises <_> by the exclusive bit when root asks, without a warning, with the same totals as by PFN' -ForEach 'Parent', 'Child', 'Grandchild' -Tag Kernel {
        $id = $family.$_
        $exact = Get-CowSummary -Id $id -Method Pfn
        $fast = Get-CowSummary -Id $id -Method ExclusiveBit -WarningVariable warned
        $warned | Should -BeNullOrEmpty
        $exact.Method | Should -Be 'Pfn'
        $fast.Method | Should -Be 'ExclusiveBit'
        foreach ($field in 'Rss', 'Anonymous', 'File', 'Swap', 'FileCopies') {
            $fast.$field | Should -Be $exact.$field -Because $field
        }
        $fast.CowShared + $fast.CowPrivate | Should -Be ($exact.CowShared + $exact.CowPrivate + $exact.Ksm)
        # The kernel's Pss is printed in whole kB; the exact one is summed in the kernel's fixed point. Pss moves when
        # another process maps or unmaps the same library pages between the two calls: a mismatch counts if it repeats.
        for ($try = 0; $try -lt 3 -and [math]::Floor($exact.Pss / 1024) * 1024 -ne $fast.Pss; $try++) {
            $exact = Get-CowSummary -Id $id -Method Pfn
            $fast = Get-CowSummary -Id $id -Method ExclusiveBit
        }
        [math]::Floor($exact.Pss / 1024) * 1024 | Should -Be $fast.Pss
    }

    It 'splits the child''s anonymous memory by the exclusive bit as the pagemap shows it, zero pages apart' -Tag Kernel {
        $present = Get-PageMap -Id $family.Child -Present | Where-Object { -not $_.FileOrSharedAnon }
        $anonymous = @($present | Where-Object { -not $KernelFacts.ZeroPfn -or $_.Pfn -ne $KernelFacts.ZeroPfn })
        $fast = Get-CowSummary -Id $family.Child -Method ExclusiveBit
        $fast.CowPrivate | Should -Be (4096 * @($anonymous | Where-Object Exclusive).Count)
        $fast.CowShared | Should -Be (4096 * @($anonymous | Where-Object { -not $_.Exclusive }).Count)
    }

    It 'gives <_> the Rss, Anonymous and Swap of smaps_rollup by the exclusive bit' -ForEach 'Parent', 'Child', 'Grandchild' -Tag Kernel {
        $id = $family.$_
        $fast = Get-CowSummary -Id $id -Method ExclusiveBit
        $kernel = Read-SmapsRollup $id
        $fast.Rss | Should -Be $kernel['Rss']
        $fast.Anonymous | Should -Be $kernel['Anonymous']
        $fast.Swap | Should -Be $kernel['Swap']
    }

    It 'completes -Method with the two methods' {
        $line = 'Get-CowSummary -Method '
        $completions = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText
        @($completions | Sort-Object) | Should -Be @('ExclusiveBit', 'Pfn')
    }
}

Describe 'Get-CowSummary input' {
    It 'takes Get-Process output and keeps going past processes it cannot read' {
        $rows = Get-Process | Get-CowSummary -ErrorAction SilentlyContinue
        ($rows.ProcessId | Select-Object -Unique).Count | Should -BeGreaterThan 5
        $rows.ProcessId | Should -Contain $family.Child
        $sorted = $rows | Sort-Object CowPrivate -Descending
        $sorted[0].CowPrivate | Should -BeGreaterOrEqual $sorted[-1].CowPrivate
    }

    It 'yields nothing and no error for a kernel thread' {
        $out = Get-CowSummary -Id 2 -ErrorVariable err
        $out | Should -BeNullOrEmpty
        $err | Should -BeNullOrEmpty
    }

    It 'gives a missing PID a ProcessNotFound error and goes on' {
        $rows = Get-CowSummary -Id 2147483646, $family.Child -ErrorVariable err -ErrorAction SilentlyContinue
        $rows.ProcessId | Should -Be $family.Child
        $err[0].FullyQualifiedErrorId | Should -Be 'ProcessNotFound,CowPages.Commands.GetCowSummaryCommand'
        $err[0].TargetObject | Should -Be 2147483646
    }

    It 'adds an Id alias so that output pipes back into -Id' {
        $row = Get-CowSummary -Id $family.Child
        $row.Id | Should -Be $family.Child
        ($row | Get-CowSummary).ProcessId | Should -Be $family.Child
        ($row | Get-PageMap -Mapping '*pagefamily.dat').Count | Should -Be 4
    }

    It 'exports byte counts as numbers to CSV' {
        $csv = Get-CowSummary -Id $family.Child -ByMapping | ConvertTo-Csv | ConvertFrom-Csv
        $row = $csv | Where-Object Mapping -like '*pagefamily.dat'
        [uint64]$row.FileCopies | Should -Be (3 * 4096)
    }
}
