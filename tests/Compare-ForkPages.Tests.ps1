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

Describe 'Compare-ForkPages on a live process family, by PFN' -Tag Kernel {
    It '<Reference> vs <Difference>, <Region>: <Shared> shared, <Copied> copied, <Zero> zero, <ReferenceOnly>/<DifferenceOnly> one-sided, <NotPresent> absent' -ForEach $ForkExpectations {
        $rows = @(Compare-Region $family $Reference $Difference $Region)
        $rows.Count | Should -Be 1
        $row = $rows[0]
        $row | Should -BeOfType CowPages.ForkComparison
        $row.Method | Should -Be 'Pfn'
        $row.MappedIn | Should -Be 'Both'
        $row.Pages | Should -Be $family.Regions[$Region].Pages
        $row.Shared | Should -Be $Shared
        $row.Copied | Should -Be $Copied
        $row.ReferenceOnly | Should -Be $ReferenceOnly
        $row.DifferenceOnly | Should -Be $DifferenceOnly
        $row.NotPresent | Should -Be $NotPresent
        $row.Zero | Should -Be $Zero
        $row.Swapped | Should -Be 0
        $row.CopiedBytes | Should -Be ($Copied * 4096)
        $row.SharedBytes | Should -Be ($Shared * 4096)
    }

    It 'copies exactly one 4 KiB page of a shared transparent huge page' {
        $r = $family.Regions.thp
        $parentFrames = Get-PageMap -Id $family.Parent -Address $r.Address -Count $r.Pages | Get-PageFlags
        if (@($parentFrames | Where-Object { $_.Flags.HasFlag([CowPages.PageFlags]::Thp) }).Count -ne 512) {
            Set-ItResult -Skipped -Because "the kernel could not allocate a transparent huge page for the fixture (THP mode: $($KernelFacts.ThpMode); memory fragmented?)"
        }
        $pages = Compare-ForkPages -ReferenceId $family.Parent -DifferenceId $family.Child -Address $r.Address -Count $r.Pages -PerPage
        $copied = @($pages | Where-Object State -eq Copied)
        $copied.Count | Should -Be 1
        $copied[0].Address | Should -Be ($r.Address + 5 * 4096)
        $childCopy = Get-PageFlags -Pfn $copied[0].DifferencePfn
        $childCopy.Flags.HasFlag([CowPages.PageFlags]::Thp) | Should -BeFalse
    }
}

Describe 'Compare-ForkPages -PerPage' {
    It 'gives each page its state and both PFNs' {
        $r = $family.Regions.anon
        $pages = Compare-ForkPages -ReferenceId $family.Parent -DifferenceId $family.Child -Address $r.Address -Count $r.Pages -PerPage
        $pages.Count | Should -Be 64
        $pages | ForEach-Object { $_ | Should -BeOfType CowPages.ForkPage }
        foreach ($i in 0..7 + 12..15) { $pages[$i].State | Should -Be 'Copied' }
        foreach ($i in 8..11 + 16..63) { $pages[$i].State | Should -Be 'Shared' }
        $pages[20].ReferencePfn | Should -Be $pages[20].DifferencePfn
        $pages[0].ReferencePfn | Should -Not -Be $pages[0].DifferencePfn
        $pages[0].Address | Should -Be $r.Address
        $pages[0].Mapping | Should -Be '[anon]'
    }

    It 'shows the page the child wrote in the private file mapping as DifferenceOnly' {
        $pages = Compare-ForkPages -ReferenceId $family.Parent -DifferenceId $family.Child -Mapping '*pagefamily.dat' -PerPage
        ($pages.State) -join ',' | Should -Be 'Shared,DifferenceOnly,Shared,Shared'
    }
}

Describe 'Compare-ForkPages input' {
    It 'defaults -ReferenceId to the parent of the difference' {
        $rows = Compare-ForkPages -DifferenceId $family.Child -Mapping '*pagefamily.dat'
        $rows.ReferenceId | Should -Be $family.Parent
        $rows.Shared | Should -Be 3
    }

    It 'compares every process piped in by property name with one reference' {
        $rows = Get-Process -Id $family.Child, $family.Grandchild |
            Compare-ForkPages -ReferenceId $family.Parent -Mapping '*pagefamily.dat'
        $rows.Count | Should -Be 2
        ($rows.DifferenceId | Sort-Object) | Should -Be (@($family.Child, $family.Grandchild) | Sort-Object)
    }

    It 'reports mappings only one side has, without comparing them' {
        $rows = Compare-ForkPages -ReferenceId $PID -DifferenceId $family.Parent
        $rows.MappedIn | Should -Contain 'ReferenceOnly'
        $rows.MappedIn | Should -Contain 'DifferenceOnly'
        $rows | Where-Object MappedIn -ne 'Both' | ForEach-Object {
            $_.Shared + $_.Copied + $_.ReferenceOnly + $_.DifferenceOnly + $_.NotPresent + $_.Swapped + $_.Zero | Should -Be 0
        }
        ($rows | Where-Object { $_.Mapping -like '*pagefamily.dat' }).MappedIn | Should -Be 'DifferenceOnly'
    }

    It 'covers each compared page exactly once over a whole process' {
        $rows = Compare-ForkPages -ReferenceId $family.Parent -DifferenceId $family.Child | Where-Object MappedIn -eq Both
        $rows | ForEach-Object {
            $_.Shared + $_.Copied + $_.Zero + $_.ReferenceOnly + $_.DifferenceOnly + $_.Swapped + $_.NotPresent | Should -Be $_.Pages
            $_.End - $_.Start | Should -Be ($_.Pages * 4096)
        }
    }

    It 'gives a missing child a ProcessNotFound error, and a missing reference one naming the reference' {
        $null = Compare-ForkPages -DifferenceId 2147483646 -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be 'ProcessNotFound,CowPages.Commands.CompareForkPagesCommand'
        $err[0].TargetObject | Should -Be 2147483646

        $rows = Compare-ForkPages -ReferenceId 2147483645 -DifferenceId $family.Child -ErrorVariable err2 -ErrorAction SilentlyContinue
        $rows | Should -BeNullOrEmpty
        $err2[0].FullyQualifiedErrorId | Should -Be 'ProcessNotFound,CowPages.Commands.CompareForkPagesCommand'
        $err2[0].TargetObject | Should -Be 2147483645
    }

    It 'exports to CSV with one row per range' {
        $csv = Compare-ForkPages -DifferenceId $family.Child | ConvertTo-Csv | ConvertFrom-Csv
        $csv.Count | Should -BeGreaterThan 5
        ($csv | Where-Object { $_.Mapping -like '*pagefamily.dat' }).Shared | Should -Be '3'
    }
}
