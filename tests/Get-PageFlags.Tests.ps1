BeforeAll {
    . $PSScriptRoot/common.ps1
    . $PSScriptRoot/KernelFacts.ps1
    $KernelFacts = Get-KernelFacts
    $family = Start-PageFamily
}

AfterAll {
    Stop-PageFamily $family
}

Describe 'Get-PageFlags on a live process family' {
    It 'shows the seed case: written pages of a private file mapping are anonymous, swap-backed copies' -Tag Kernel {
        $frames = Get-RegionPages $family $family.Parent file | Get-PageFlags
        $frames.Count | Should -Be 3
        $byAddress = @{}
        $frames | ForEach-Object { $byAddress[$_.Address] = $_ }
        $base = $family.Regions.file.Address
        foreach ($page in 0, 2) {
            $frame = $byAddress[$base + $page * $PageSize]
            $frame.Flags.HasFlag([CowPages.PageFlags]::Anon) | Should -BeTrue
            $frame.Flags.HasFlag([CowPages.PageFlags]::SwapBacked) | Should -BeTrue
        }
        $cache = $byAddress[$base + 3 * $PageSize]
        $cache.Flags.HasFlag([CowPages.PageFlags]::Anon) | Should -BeFalse
        $cache.Flags.HasFlag([CowPages.PageFlags]::Mmap) | Should -BeTrue
        $byAddress.ContainsKey($base + $PageSize) | Should -BeFalse
    }

    It 'carries ProcessId and Address from the page and skips pages without a PFN, without error' {
        $pages = Get-RegionPages $family $family.Parent untouched
        $pages.Count | Should -Be 16
        $out = $pages | Get-PageFlags -ErrorVariable err
        $out | Should -BeNullOrEmpty
        $err | Should -BeNullOrEmpty

        $frame = Get-RegionPages $family $family.Child anon | Select-Object -First 1 | Get-PageFlags
        $frame.ProcessId | Should -Be $family.Child
        $frame.Address | Should -Be $family.Regions.anon.Address
    }

    It 'counts the mappers of each frame: 3 for pages the family still shares, 1 for the parent''s own' -Tag Kernel {
        $frames = Get-RegionPages $family $family.Parent anon | Get-PageFlags
        $frames.Count | Should -Be 64
        ($frames | Where-Object MapCount -eq 1).Count | Should -Be 12
        ($frames | Where-Object MapCount -eq 2).Count | Should -Be 4
        ($frames | Where-Object MapCount -eq 3).Count | Should -Be 48
    }

    It 'marks pages the parent wrote after the fork as anon-exclusive (PG_anon_exclusive, KPF bit 34)' -Tag Kernel {
        if ($KernelFacts.AnonExclusiveBit -eq $false) {
            Set-ItResult -Skipped -Because "this kernel ($($KernelFacts.Release)) has no PG_anon_exclusive (5.19+) in kpageflags bit 34"
        }
        $r = $family.Regions.swapme
        $frames = Get-PageMap -Id $family.Parent -Address $r.Address -Count $r.Pages | Get-PageFlags
        $frames | ForEach-Object { $_.AnonExclusive | Should -BeTrue }
    }

    It 'flags the frame of pages that were only read as the zero page, mapped by nobody, where the kernel has one' -Tag Kernel {
        if (-not $KernelFacts.ZeroPage) {
            Set-ItResult -Skipped -Because "this kernel ($($KernelFacts.Release)) maps no zero page (booted with pvm_no_zero_page=1?)"
        }
        $frames = Get-RegionPages $family $family.Parent readonly | Select-Object -Skip 1 | Get-PageFlags
        $frames.Count | Should -Be 7
        $frames | ForEach-Object {
            $_.Pfn | Should -Be $KernelFacts.ZeroPfn
            $_.Flags.HasFlag([CowPages.PageFlags]::ZeroPage) | Should -BeTrue
            $_.Flags.HasFlag([CowPages.PageFlags]::Anon) | Should -BeFalse
            $_.MapCount | Should -Be 0
        }
    }

    It 'scans a range of frames with -Pfn and -Count' {
        $frames = Get-PageFlags -Pfn 4096 -Count 100
        $frames.Count | Should -Be 100
        $frames[0].Pfn | Should -Be 4096
        $frames[-1].Pfn | Should -Be 4195
        $frames.ProcessId | Where-Object { $null -ne $_ } | Should -BeNullOrEmpty
    }

    It 'gives a PFN beyond the end of physical memory a PfnNotFound error and goes on with the others' {
        $frames = Get-PageFlags -Pfn ([uint64]1 -shl 40), 4096 -ErrorVariable err -ErrorAction SilentlyContinue
        $frames.Count | Should -Be 1
        $frames[0].Pfn | Should -Be 4096
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -Be 'PfnNotFound,CowPages.Commands.GetPageFlagsCommand'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err[0].TargetObject | Should -Be ([uint64]1 -shl 40)
    }

    It 'agrees with one lookup at a time when many PFNs come in unsorted, with repeats' {
        $pfns = (Get-RegionPages $family $family.Parent anon).Pfn
        $shuffled = @($pfns | Get-Random -Count $pfns.Count) + $pfns[0..3]
        $batch = Get-PageFlags -Pfn $shuffled
        $batch.Count | Should -Be $shuffled.Count
        for ($i = 0; $i -lt $shuffled.Count; $i += 7) {
            $one = Get-PageFlags -Pfn $shuffled[$i]
            $batch[$i].Pfn | Should -Be $shuffled[$i]
            $batch[$i].MapCount | Should -Be $one.MapCount
            $batch[$i].Flags | Should -Be $one.Flags
        }
    }

    It 'exports readable flag names to CSV' {
        $csv = Get-RegionPages $family $family.Parent file | Get-PageFlags | ConvertTo-Csv | ConvertFrom-Csv
        $csv.Count | Should -Be 3
        $csv[0].Flags | Should -Match '\bAnon\b'
        $csv[0].Flags | Should -Match '\bSwapBacked\b'
    }
}
