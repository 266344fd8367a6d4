BeforeAll {
    . $PSScriptRoot/common.ps1
    $family = Start-PageFamily
    $esc = [char]27

    function Split-MapRow {
        # A map row's fields, from the column header's layout: address, cells, copied, shared, mapping.
        param([string]$Row, [int]$Cells)
        if ($Row -notmatch "^(?<address>[0-9a-f]{12}) (?<cells>.{$Cells}) (?<copied>.{10}) (?<shared>.{10}) (?<mapping>.*)$") { return $null }
        [pscustomobject]@{ Address = $Matches.address; Cells = $Matches.cells.TrimEnd(); Copied = $Matches.copied.Trim(); Shared = $Matches.shared.Trim(); Mapping = $Matches.mapping }
    }

    function Get-MapRow {
        # The rows of a map, with the cell count read from its column header.
        param([string[]]$Lines)
        $header = $Lines | Where-Object { $_ -match '^Address\s+Cells\s+Copied' } | Select-Object -First 1
        $cells = $header.IndexOf('Copied') - 13 - 5
        foreach ($line in $Lines) { if ($line -match '^[0-9a-f]{12} ') { Split-MapRow $line $cells } }
    }
}

AfterAll {
    Stop-PageFamily $family
}

Describe 'Show-CowMap on the live page family' {
    BeforeAll {
        $lines = @(Show-CowMap -DifferenceId $family.Child -Width 120 -NoColor)
    }

    It 'writes strings: the legend first, then the map, and the total line with the scale last' {
        $lines | ForEach-Object { $_ | Should -BeOfType string }
        $lines[0] | Should -Match '^Legend:  = Shared  0 Zero  # Copied  \+ partly copied'
        $heading = [array]::IndexOf($lines, "Process $($family.Child) compared with $($family.Parent), Method Pfn")
        $heading | Should -BeGreaterThan 1
        $lines[$heading - 1] | Should -Match 'the scale is on the last line\.$'
        $lines[$heading + 1] | Should -Match '^Address\s+Cells\s+Copied\s+Shared Mapping$'
        $lines[-1] | Should -Match '^Total: \S+( [KMG]iB)? copied, .* pages compared in \d+ ranges; 1 cell = \d+(\.\d)? [KMG]iB$'
    }

    It 'keeps every line, the legend too, but the total within -Width <_>' -ForEach 64, 100, 160 {
        $width = $_
        $narrow = @(Show-CowMap -DifferenceId $family.Child -Width $width -NoColor)
        $narrow[0..($narrow.Count - 2)] | Where-Object { $_.Length -gt $width } | Should -BeNullOrEmpty
        @(Get-MapRow $narrow).Count | Should -BeGreaterThan 10
    }

    It 'draws only the legend''s characters when colour is off' {
        $allowed = ([CowPages.Map.MapPalette]::States.Glyph + [CowPages.Map.MapPalette]::PartlyCopiedGlyph) -join ''
        $rows = @(Get-MapRow $lines)
        $rows.Count | Should -BeGreaterThan 10
        $rows | ForEach-Object { $_.Cells | Should -Match "^[$([regex]::Escape($allowed))]+$" }
        ($lines -join "`n") | Should -Not -Match $esc
    }

    It 'has one row per range of Compare-ForkPages, with its copied and shared bytes, when each range fits a cell' {
        $ranges = @(Compare-ForkPages -DifferenceId $family.Child)
        $rows = @(Get-MapRow @(Show-CowMap -DifferenceId $family.Child -Width 200 -CellSize 2MB -NoColor))
        $rows.Count | Should -Be $ranges.Count
        for ($i = 0; $i -lt $ranges.Count; $i++) {
            $rows[$i].Address | Should -Be $ranges[$i].Start.ToString('x12')
            $rows[$i].Copied | Should -Be ([CowPages.Map.MapText]::Bytes($ranges[$i].CopiedBytes))
            $rows[$i].Shared | Should -Be ([CowPages.Map.MapText]::Bytes($ranges[$i].SharedBytes))
            $ranges[$i].Mapping.EndsWith($rows[$i].Mapping.TrimStart([char]0x2026)) | Should -BeTrue -Because "row $i is $($rows[$i].Mapping)"
        }
    }

    It 'shows the one 4 KiB copy in the 2 MiB huge page as a partly copied cell' {
        $r = $family.Regions.thp
        $map = @(Show-CowMap -DifferenceId $family.Child -Address $r.Address -Count $r.Pages -CellSize 2MB -NoColor)
        $row = @(Get-MapRow $map)
        $row.Count | Should -Be 1
        $row[0].Cells | Should -Be '+'
        $row[0].Copied | Should -Be '4 KiB'
        $row[0].Shared | Should -Be '2044 KiB'
        $map[-1] | Should -Match '; 1 cell = 2 MiB$'
    }

    It 'draws the anonymous region''s copies where they are, one page a cell' {
        # The child wrote pages 0-7 and the parent 12-15 after the fork; the grandchild's writes (8-11) are its own.
        $r = $family.Regions.anon
        $row = @(Get-MapRow @(Show-CowMap -DifferenceId $family.Child -Address $r.Address -Count $r.Pages -CellSize 4KB -Width 140 -NoColor))
        $row.Count | Should -Be 1
        $row[0].Cells | Should -Be ('#' * 8 + '=' * 4 + '#' * 4 + '=' * 48)
        ($row[0].Copied, $row[0].Shared) | Should -Be '48 KiB', '208 KiB'
    }

    It 'compares with -ReferenceId instead of the parent' {
        $r = $family.Regions.anon
        $map = @(Show-CowMap -DifferenceId $family.Grandchild -ReferenceId $family.Child -Address $r.Address -Count $r.Pages -CellSize 4KB -Width 140 -NoColor)
        $map | Should -Contain "Process $($family.Grandchild) compared with $($family.Child), Method Pfn"
        (Get-MapRow $map).Cells | Should -Be ('=' * 8 + '#' * 4 + '=' * 52)
    }
}

Describe 'Show-CowMap colours' {
    BeforeAll {
        $r = $family.Regions.thp
        $rendering = $PSStyle.OutputRendering
    }

    AfterEach {
        $PSStyle.OutputRendering = $rendering
    }

    It 'draws in $PSStyle''s colours with OutputRendering Ansi, copies as lower blocks of red over the fill' {
        $PSStyle.OutputRendering = 'Ansi'
        $map = @(Show-CowMap -DifferenceId $family.Child -Address $r.Address -Count $r.Pages -CellSize 64KB -Width 120)
        $map[0] | Should -Match ([regex]::Escape("$($PSStyle.Foreground.Green)$([char]0x2588)$($PSStyle.Reset) Shared"))
        $row = $map | Where-Object { $_ -match '^[0-9a-f]{12} ' }
        # 32 cells of 16 pages; the copy (page 5) is in the first, 1 page of 16, so one eighth: the lowest block.
        $row | Should -Match ([regex]::Escape("$($PSStyle.Foreground.Red)$($PSStyle.Background.Green)$([char]0x2581)$($PSStyle.Reset)$($PSStyle.Foreground.Green)$([string][char]0x2588 * 31)$($PSStyle.Reset)"))
    }

    It 'writes no escape sequence with OutputRendering PlainText' {
        $PSStyle.OutputRendering = 'PlainText'
        (Show-CowMap -DifferenceId $family.Child -Address $r.Address -Count $r.Pages -CellSize 2MB) -join "`n" | Should -Not -Match $esc
    }

    It 'writes no escape sequence with OutputRendering Host when piped on to another command' {
        $PSStyle.OutputRendering = 'Host'
        $piped = Show-CowMap -DifferenceId $family.Child -Address $r.Address -Count $r.Pages -CellSize 2MB | ForEach-Object { $_ }
        ($piped -join "`n") | Should -Not -Match $esc
        ($piped -join "`n") | Should -Match '\+'
    }

    It '-NoColor wins over OutputRendering Ansi' {
        $PSStyle.OutputRendering = 'Ansi'
        (Show-CowMap -DifferenceId $family.Child -Address $r.Address -Count $r.Pages -CellSize 2MB -NoColor) -join "`n" | Should -Not -Match $esc
    }
}

Describe 'Show-CowMap input from the pipeline' {
    It 'draws ForkComparison objects as it draws the process' {
        $direct = Show-CowMap -DifferenceId $family.Child -Width 120 -NoColor
        $piped = Compare-ForkPages -DifferenceId $family.Child | Show-CowMap -Width 120 -NoColor
        $piped | Should -Be $direct
    }

    It 'draws ForkPage objects, page by page' {
        $r = $family.Regions.anon
        $piped = @(Compare-ForkPages -DifferenceId $family.Child -Address $r.Address -Count $r.Pages -PerPage | Show-CowMap -CellSize 4KB -Width 140 -NoColor)
        $piped | Should -Contain "Process $($family.Child) compared with $($family.Parent)"
        (Get-MapRow $piped).Cells | Should -Be ('#' * 8 + '=' * 4 + '#' * 4 + '=' * 48)
    }

    It 'takes process IDs and Process objects' {
        $direct = Show-CowMap -DifferenceId $family.Child -Width 120 -NoColor
        $family.Child | Show-CowMap -Width 120 -NoColor | Should -Be $direct
        Get-Process -Id $family.Child | Show-CowMap -Width 120 -NoColor | Should -Be $direct
    }

    It 'draws the comparisons of processes that have exited from their counts, and says so' {
        $gone = Start-PageFamily
        try {
            $ranges = @(Compare-ForkPages -DifferenceId $gone.Child)
        }
        finally {
            Stop-PageFamily $gone
        }
        $map = @($ranges | Show-CowMap -Width 120 -NoColor -WarningVariable warnings -WarningAction SilentlyContinue)
        $warnings | Should -Match "process $($gone.Child)|process $($gone.Parent)"
        $map[-1] | Should -Match 'pages spread evenly'
        $copied = ($ranges | Measure-Object Copied -Sum).Sum * 4096
        $map[-1] | Should -Match ("^Total: {0} copied" -f [regex]::Escape([CowPages.Map.MapText]::Bytes($copied)))
        @(Get-MapRow $map | Where-Object { $_.Mapping -like '* `*' }).Count | Should -BeGreaterThan 0
    }
}

Describe 'Show-CowMap errors' {
    It 'writes InvalidInputObject for an object it cannot draw, and draws the rest' {
        $out = @('not a comparison', $family.Child | Show-CowMap -Width 120 -NoColor -ErrorVariable err -ErrorAction SilentlyContinue)
        $err.FullyQualifiedErrorId | Should -Be 'InvalidInputObject,CowPages.Commands.ShowCowMapCommand'
        $err.TargetObject | Should -Be 'not a comparison'
        $out[-1] | Should -Match '^Total: '
    }

    It 'writes <Id> for <Case>, and goes on with the next process' -ForEach @(
        @{ Case = 'PID 0'; Bad = 0; Id = 'InvalidProcessId' }
        @{ Case = 'a PID that does not exist'; Bad = 999999999; Id = 'ProcessNotFound' }
    ) {
        $out = Show-CowMap -DifferenceId $Bad, $family.Child -Width 120 -NoColor -ErrorVariable err -ErrorAction SilentlyContinue
        $err.FullyQualifiedErrorId | Should -Be "$Id,CowPages.Commands.ShowCowMapCommand"
        $out[-1] | Should -Match '^Total: '
    }

    It 'writes InvalidPageRange for -Count 0' {
        $null = Show-CowMap -DifferenceId $family.Child -Count 0 -ErrorVariable err -ErrorAction SilentlyContinue
        $err.FullyQualifiedErrorId | Should -Be 'InvalidPageRange,CowPages.Commands.ShowCowMapCommand'
    }

    It 'writes InvalidCellSize when -CellSize is too fine for the ranges' {
        $holder = Start-Holder -Arguments 'reserve', '32', '0'
        try {
            $id = $holder.Pids[0]
            $null = Show-CowMap -DifferenceId $id -ReferenceId $id -CellSize 4KB -ErrorVariable err -ErrorAction SilentlyContinue
            $err.FullyQualifiedErrorId | Should -Be 'InvalidCellSize,CowPages.Commands.ShowCowMapCommand'
            $err.Exception.Message | Should -Match 'choose a larger cell size'
        }
        finally {
            Stop-Holder $holder
        }
    }

    It 'refuses a -Width under <_> columns' -ForEach 64 {
        { Show-CowMap -DifferenceId $family.Child -Width 40 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,CowPages.Commands.ShowCowMapCommand'
    }
}
