BeforeDiscovery {
    . $PSScriptRoot/FixtureExpectations.ps1
}

BeforeAll {
    . $PSScriptRoot/common.ps1
    . $PSScriptRoot/FixtureExpectations.ps1
    $family = Start-PageFamily
}

AfterAll {
    Stop-PageFamily $family
}

Describe 'Get-PageMap on a live process family' -Tag Kernel {
    It '<Role> <Region>: <Present> present, <Exclusive> exclusive, <File> file, <Anon> anon' -ForEach $FamilyExpectations {
        $counts = Measure-RegionPages (Get-RegionPages $family $family.$Role $Region)
        $counts.Present | Should -Be $Present
        $counts.File | Should -Be $File
        $counts.Anon | Should -Be $Anon
        if ($null -ne $Exclusive) {
            $counts.Exclusive | Should -Be $Exclusive
        }
    }

    It 'emits one entry per page of the selected range, in address order' {
        $r = $family.Regions.anon
        $pages = Get-PageMap -Id $family.Parent -Address $r.Address -Count $r.Pages
        $pages.Count | Should -Be $r.Pages
        $pages[0].Address | Should -Be $r.Address
        $pages[-1].Address | Should -Be ($r.Address + ($r.Pages - 1) * $PageSize)
        $pages | ForEach-Object { $_ | Should -BeOfType CowPages.PageMapEntry }
    }

    It 'shows the seed case: written pages are private copies, the read page is the page cache, the untouched one is absent' {
        $pages = Get-RegionPages $family $family.Parent file
        $pages[0].Present | Should -BeTrue
        $pages[0].FileOrSharedAnon | Should -BeFalse
        $pages[1].Present | Should -BeFalse
        $pages[1].Swapped | Should -BeFalse
        $pages[2].Present | Should -BeTrue
        $pages[2].FileOrSharedAnon | Should -BeFalse
        $pages[3].Present | Should -BeTrue
        $pages[3].FileOrSharedAnon | Should -BeTrue
    }

    It 'shows a guard marker as a guard, swapped entry without a swap slot' {
        if (-not $KernelFacts.GuardBit) {
            Set-ItResult -Skipped -Because "this kernel ($($KernelFacts.Release)) has no guard regions in pagemap (MADV_GUARD_INSTALL 6.13+, PM_GUARD_REGION bit 58 6.15+)"
        }
        $pages = Get-RegionPages $family $family.Parent guard
        $pages[1].Guard | Should -BeTrue
        $pages[1].Swapped | Should -BeTrue
        $pages[1].Present | Should -BeFalse
        $pages[1].SwapType | Should -BeNullOrEmpty
        $pages[1].SwapOffset | Should -BeNullOrEmpty
    }

    It 'gives PFNs to root: the same frame where pages are still shared, another where the child copied' {
        $r = $family.Regions.anon
        $parent = Get-PageMap -Id $family.Parent -Address $r.Address -Count $r.Pages
        $child = Get-PageMap -Id $family.Child -Address $r.Address -Count $r.Pages
        foreach ($i in 0..7) { $child[$i].Pfn | Should -Not -Be $parent[$i].Pfn }
        foreach ($i in 16..63) { $child[$i].Pfn | Should -Be $parent[$i].Pfn }
        $parent | ForEach-Object { $_.Pfn | Should -BeGreaterThan 0 }
    }

    It 'maps the pages that were only read to the zero page where the kernel has one, else to pages of their own' {
        $pages = Get-RegionPages $family $family.Child readonly
        $read = $pages[1..7]
        $read | ForEach-Object {
            $_.Present | Should -BeTrue
            $_.Exclusive | Should -BeFalse
            $_.FileOrSharedAnon | Should -BeFalse
        }
        if ($KernelFacts.ZeroPage) {
            $read | ForEach-Object { $_.Pfn | Should -Be $KernelFacts.ZeroPfn }
        }
        else {
            @($read.Pfn | Select-Object -Unique).Count | Should -Be 7
        }
        $pages[0].Pfn | Should -Not -Be $KernelFacts.ZeroPfn
    }

    It 'keeps the raw pagemap word with every bit' {
        $page = (Get-RegionPages $family $family.Parent swapme)[0]
        $page.Raw -band ([uint64]1 -shl 63) | Should -Not -Be 0
        $page.Raw -band ([uint64]1 -shl 56) | Should -Not -Be 0
        $page.Raw -band (([uint64]1 -shl 55) - 1) | Should -Be $page.Pfn
    }
}

Describe 'Get-PageMap -IncludeFrame' {
    It 'gives every present page the flags and map count Get-PageFlags gives its frame' {
        # The family's own regions (anonymous copies, shared pages, page cache, shmem, a THP): only the family maps
        # them, so their map counts hold still between the two reads, unlike a library's pages.
        $compared = 0
        foreach ($r in $family.Regions.Values) {
            $withFrames = @(Get-PageMap -Id $family.Child -Address $r.Address -Count $r.Pages -Present -IncludeFrame)
            $piped = @(Get-PageMap -Id $family.Child -Address $r.Address -Count $r.Pages -Present | Get-PageFlags)
            $withFrames.Count | Should -Be $piped.Count
            for ($i = 0; $i -lt $withFrames.Count; $i++) {
                $withFrames[$i].Address | Should -Be $piped[$i].Address
                # Flags that move by themselves (LRU, referenced, idle) may differ between the two reads; the page's kind may not.
                $stable = [CowPages.PageFlags]'Anon, SwapBacked, Mmap, CompoundHead, CompoundTail, Thp'
                ($withFrames[$i].Flags -band $stable) | Should -Be ($piped[$i].Flags -band $stable)
                $withFrames[$i].MapCount | Should -Be $piped[$i].MapCount
                $compared++
            }
        }
        $compared | Should -BeGreaterThan 100
    }

    It 'counts each page''s mappers in the family' {
        $r = $family.Regions.anon
        $pages = @(Get-PageMap -Id $family.Child -Address $r.Address -Count $r.Pages -IncludeFrame)
        # 0-7: the child's own copies, which the grandchild forked from it still shares. 8-11: the grandchild copied
        # them, so the originals are the parent's and the child's. 12-15: the parent copied them, so the originals are
        # the child's and the grandchild's. 16-63: written by nobody since the forks, mapped by all three.
        foreach ($i in 0..15) { $pages[$i].MapCount | Should -Be 2 -Because "page $i" }
        foreach ($i in 16..63) { $pages[$i].MapCount | Should -Be 3 -Because "page $i" }
        $pages | ForEach-Object { $_.Flags.HasFlag([CowPages.PageFlags]::Anon) | Should -BeTrue }
    }

    It 'leaves Flags and MapCount null without the switch, and for pages that are not present' {
        $r = $family.Regions.untouched
        (Get-PageMap -Id $family.Child -Address $r.Address -Count 1 -IncludeFrame).Flags | Should -BeNullOrEmpty
        $r = $family.Regions.anon
        $plain = Get-PageMap -Id $family.Child -Address $r.Address -Count 1
        $plain.Flags | Should -BeNullOrEmpty
        $plain.MapCount | Should -BeNullOrEmpty
    }
}

Describe 'Get-PageMap selection' {
    It 'matches -Mapping wildcards against the mapping name' {
        $pages = Get-PageMap -Id $family.Parent -Mapping '*pagefamily.dat'
        $pages.Count | Should -Be 4
        $pages.Mapping | Select-Object -Unique | Should -BeLike '*/pagefamily.dat'
    }

    It 'names anonymous ranges [anon] and pseudo-mappings by their bracketed names' {
        $names = Get-PageMap -Id $family.Parent -Present | Select-Object -ExpandProperty Mapping -Unique
        $names | Should -Contain '[anon]'
        $names | Should -Contain '[stack]'
    }

    It '-Present leaves out pages that are not present' {
        $all = Get-RegionPages $family $family.Parent file
        $present = Get-PageMap -Id $family.Parent -Address $family.Regions.file.Address -Count 4 -Present
        $present.Count | Should -Be (@($all | Where-Object Present).Count)
        $present | ForEach-Object { $_.Present | Should -BeTrue }
    }

    It 'rounds an unaligned -Address down to its page' {
        $r = $family.Regions.anon
        $pages = Get-PageMap -Id $family.Parent -Address ($r.Address + 123) -Count 2
        $pages[0].Address | Should -Be $r.Address
        $pages.Count | Should -Be 2
    }

    It 'refuses -Count 0 with a non-terminating InvalidPageRange error' {
        $out = Get-PageMap -Id $family.Parent -Address $family.Regions.anon.Address -Count 0 -ErrorVariable err -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Be 'InvalidPageRange,CowPages.Commands.GetPageMapCommand'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
    }

    It 'refuses a range that overflows the address space' {
        $null = Get-PageMap -Id $family.Parent -Address ([uint64]::MaxValue - 4095) -Count 2 -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be 'InvalidPageRange,CowPages.Commands.GetPageMapCommand'
    }
}

Describe 'Get-PageMap input and errors' {
    It 'binds Process objects from Get-Process' {
        $pages = Get-Process -Id $family.Grandchild | Get-PageMap -Mapping '*pagefamily.dat'
        $pages.Count | Should -Be 4
        $pages[0].ProcessId | Should -Be $family.Grandchild
    }

    It 'binds -Id by property name, through the ProcessId alias' {
        $pages = [pscustomobject]@{ ProcessId = $family.Child } | Get-PageMap -Mapping '*pagefamily.dat'
        $pages.Count | Should -Be 4
    }

    It 'gives a missing PID a non-terminating ObjectNotFound error and goes on with the others' {
        $pages = Get-PageMap -Id 2147483646, $family.Child -Mapping '*pagefamily.dat' -ErrorVariable err -ErrorAction SilentlyContinue
        $pages.Count | Should -Be 4
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -Be 'ProcessNotFound,CowPages.Commands.GetPageMapCommand'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err[0].TargetObject | Should -Be 2147483646
        $err[0].Exception.Message | Should -BeLike '*/proc/2147483646/*'
    }

    It 'gives PID <_> an InvalidProcessId error' -ForEach @(0, -5) {
        $null = Get-PageMap -Id $_ -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be 'InvalidProcessId,CowPages.Commands.GetPageMapCommand'
        $err[0].TargetObject | Should -Be $_
    }

    It 'yields nothing and no error for a kernel thread' {
        $kthread = Get-ChildItem /proc -Directory | Where-Object { $_.Name -match '^\d+$' } |
            Where-Object { (Get-Content "/proc/$($_.Name)/status" -ErrorAction SilentlyContinue) -match '^PPid:\s+2$' } |
            Select-Object -First 1
        $kthreadId = if ($kthread) { [int]$kthread.Name } else { 2 }
        $out = Get-PageMap -Id 2, $kthreadId -ErrorVariable err
        $out | Should -BeNullOrEmpty
        $err | Should -BeNullOrEmpty
    }

    It 'shows addresses and PFNs in hex in the default table while the values stay numbers' {
        $page = (Get-RegionPages $family $family.Parent swapme)[0]
        $table = $page | Format-Table | Out-String
        $table | Should -Match ('0x{0:x}' -f $page.Address)
        $table | Should -Match ('0x{0:x}' -f $page.Pfn)
        $page.Address | Should -BeOfType [uint64]
    }

    It 'adds an Id alias so that output pipes back into -Id' {
        $page = (Get-RegionPages $family $family.Child file)[0]
        $page.Id | Should -Be $family.Child
        ($page | Get-PageMap -Mapping '*pagefamily.dat').Count | Should -Be 4
    }
}
