BeforeAll {
    . $PSScriptRoot/common.ps1
    $family = Start-PageFamily

    function Complete([string]$Line) {
        [System.Management.Automation.CommandCompletion]::CompleteInput($Line, $Line.Length, $null).CompletionMatches
    }
}

AfterAll {
    Stop-PageFamily $family
}

Describe 'Tab completion' {
    It 'completes -<Parameter> of <Command> to live PIDs with their command names' -ForEach @(
        @{ Command = 'Get-PageMap'; Parameter = 'Id' }
        @{ Command = 'Get-CowSummary'; Parameter = 'Id' }
        @{ Command = 'Measure-PageFlags'; Parameter = 'Id' }
        @{ Command = 'Compare-ForkPages'; Parameter = 'DifferenceId' }
        @{ Command = 'Compare-ForkPages'; Parameter = 'ReferenceId' }
        @{ Command = 'Watch-ForkPages'; Parameter = 'ReferenceId' }
        @{ Command = 'Watch-ForkPages'; Parameter = 'DifferenceId' }
    ) {
        $prefix = "$($family.Child)".Substring(0, 2)
        $matches = Complete "$Command -$Parameter $prefix"
        $child = $matches | Where-Object CompletionText -eq "$($family.Child)"
        $child | Should -Not -BeNullOrEmpty
        $child.ListItemText | Should -Be "$($family.Child): pagefamily"
        $matches | ForEach-Object { $_.CompletionText | Should -BeLike "$prefix*" }
    }

    It 'offers the current process first' {
        $first = (Complete 'Get-PageMap -Id ')[0]
        $first.CompletionText | Should -Be "$PID"
        $first.ListItemText | Should -Match 'current process'
    }

    It 'completes -Mapping to the mapping names of the process given by -Id' {
        $matches = Complete "Get-PageMap -Id $($family.Parent) -Mapping "
        $names = $matches.ListItemText
        $names | Should -Contain '[stack]'
        $names | Should -Contain '[anon]'
        $names | Where-Object { $_ -like '*pagefamily.dat' } | Should -Not -BeNullOrEmpty
        ($matches | Where-Object ListItemText -eq '[stack]').CompletionText | Should -Be "'[stack]'"
    }

    It 'narrows -Mapping completion by what is typed, brackets included' {
        $matches = Complete "Get-PageMap -Id $($family.Parent) -Mapping [st"
        $matches.ListItemText | Should -Be '[stack]'
    }

    It 'completes -Mapping of Compare-ForkPages from -DifferenceId' {
        $matches = Complete "Compare-ForkPages -DifferenceId $($family.Child) -Mapping *pagefam"
        $matches.ListItemText | Where-Object { $_ -like '*pagefamily.dat' } | Should -Not -BeNullOrEmpty
    }

    It 'completes -Mapping of Measure-PageFlags from -Id' {
        $matches = Complete "Measure-PageFlags -Id $($family.Parent) -Mapping [he"
        $matches.ListItemText | Should -Be '[heap]'
    }

    It 'completes nothing for -Mapping when the process is unknown' {
        Complete 'Get-PageMap -Id 2147483646 -Mapping ' | Should -BeNullOrEmpty
    }
}

Describe 'Tab completion from a snapshot' {
    BeforeAll {
        $folder = Join-Path ([IO.Path]::GetTempPath()) "cowpages-completion-$([guid]::NewGuid().ToString('n'))"
        $null = New-Item -ItemType Directory $folder
        $snapshot = Join-Path $folder 'family.cowsnap'
        $null = Save-CowSnapshot -Id $family.Parent -Include Family -Path $snapshot
        $familyIds = @($family.Parent, $family.Child, $family.Grandchild | Sort-Object | ForEach-Object { "$_" })
    }

    AfterAll {
        Remove-Item -Recurse -Force $folder -ErrorAction SilentlyContinue
    }

    It 'completes -<Parameter> of <Command> to the snapshot''s processes only' -ForEach @(
        @{ Command = 'Get-PageMap'; Parameter = 'Id' }
        @{ Command = 'Get-CowSummary'; Parameter = 'Id' }
        @{ Command = 'Compare-ForkPages'; Parameter = 'DifferenceId' }
    ) {
        $matches = Complete "$Command -SnapshotPath '$snapshot' -$Parameter "
        $matches.CompletionText | Should -Be $familyIds
        ($matches | Where-Object CompletionText -eq "$($family.Child)").ListItemText | Should -Be "$($family.Child): pagefamily"
    }

    It 'resolves a relative -SnapshotPath against the current location' {
        Push-Location $folder
        try {
            (Complete 'Get-PageMap -SnapshotPath family.cowsnap -Id ').CompletionText | Should -Be $familyIds
        }
        finally {
            Pop-Location
        }
    }

    It 'completes -Mapping to the mapping names the snapshot holds for the process' {
        $matches = Complete "Get-PageMap -SnapshotPath '$snapshot' -Id $($family.Child) -Mapping *pagefam"
        $matches.ListItemText | Where-Object { $_ -like '*pagefamily.dat' } | Should -Not -BeNullOrEmpty
    }

    It 'completes nothing from a snapshot that cannot be read, rather than the live processes' {
        Complete "Get-PageMap -SnapshotPath '$folder/absent.cowsnap' -Id " | Should -BeNullOrEmpty
    }
}
