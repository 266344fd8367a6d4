# Proves that the benchmark harness (build.ps1 -Task Bench) runs and prints its table. It measures nothing:
# benchmarks never fail the suite on their numbers, only on the harness being broken.
BeforeAll {
    . $PSScriptRoot/common.ps1
    $outputDir = Join-Path ([IO.Path]::GetTempPath()) "cowpages-bench-test-$([guid]::NewGuid().ToString('n'))"
    # -Quick skips the unprivileged row and shrinks the sparse and many-mapping fixtures; one run per row.
    $output = & dotnet (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -File (Join-Path $RepoRoot 'tools/Bench.ps1') `
        -ModulePath $ModulePath -SizeGiB 0.0625 -Runs 1 -Quick -OutputDir $outputDir *>&1 | ForEach-Object { "$_" }
    $exitCode = $LASTEXITCODE
    $text = $output -join "`n"
}

AfterAll {
    Remove-Item -Recurse -Force $outputDir -ErrorAction SilentlyContinue
}

Describe 'The benchmark harness at a tiny size' {
    It 'exits 0' {
        $exitCode | Should -Be 0 -Because $text
    }

    It 'measures a row for <_>' -ForEach @(
        'Get-CowSummary -Id child (root)'
        'Save-CowSnapshot -Id child (root)'
        'snapshot size: bytes per resident page'
        'Get-CowSummary -SnapshotPath child.cowsnap -Id child'
        'Compare-ForkPages -ReferenceId parent -DifferenceId child'
        'Watch-ForkPages -ReferenceId parent -DifferenceId child: one tick'
        'Watch-ForkPages -Interval 1'
        'Show-CowMap -ReferenceId parent -DifferenceId child'
        'Export-CowReport -ReferenceId parent -DifferenceId child'
        'Get-PageMap -Id child -Present | Measure-Object'
        'Measure-PageFlags -Id child'
        'Get-PageMap -Present | Get-PageFlags | Measure-Object'
        'Get-PageMap -Present -IncludeFrame | Measure-Object'
        'Compare-ForkPages -PerPage | Export-Csv'
        'floor: as many plain objects (same properties) | Export-Csv'
        'Get-Process | Get-CowSummary'
        'reservation, 1% touched'
        'mappings'
    ) {
        # From the results file, not the console: the console also names each step before it runs, or fails.
        $label = $_
        $row = @(Get-Content (Join-Path $outputDir 'results.json') -Raw | ConvertFrom-Json | Where-Object { $_.Work -like "*$label*" })
        $row.Count | Should -BeGreaterThan 0 -Because "no row is about '$label'"
        $row[0].Ms | Should -BeGreaterThan 0
        $text | Should -Match ([regex]::Escape($label))
    }

    It 'finds the cmdlets'' numbers equal to the C readers'' on the static fixture' {
        # Only the fixture family maps the pages these rows count, so nothing else can move them between the two reads.
        $checked = @(Get-Content (Join-Path $outputDir 'results.json') -Raw | ConvertFrom-Json | Where-Object { $null -ne $_.Agrees })
        $checked.Work | Should -Contain 'Get-CowSummary -Id child (root)'
        $checked.Work | Should -Contain 'Compare-ForkPages -ReferenceId parent -DifferenceId child'
        $checked.Work | Should -Contain 'Watch-ForkPages -ReferenceId parent -DifferenceId child: one tick'
        $checked.Work | Should -Contain 'Show-CowMap -ReferenceId parent -DifferenceId child'
        $checked | ForEach-Object { $_.Agrees | Should -BeTrue -Because "$($_.Work): $($_.Note)" }
    }

    It 'checks Measure-PageFlags'' table against page-types'' (only that the check ran is asserted)' {
        $text | Should -Match 'page-types -r -p'
    }

    It 'writes the table as Markdown' {
        $md = Get-Content (Join-Path $outputDir 'results.md') -Raw
        $md | Should -Match '\| Work \| ms \| Reference'
        $md | Should -Match 'Get-CowSummary -Id child \(root\) \| [\d,.]+ \| cowsum'
    }

    It 'leaves none of its fixture processes behind' {
        # Its own, by PID: another benchmark may be running on the machine at the same time.
        $started = [regex]::Matches($text, 'parent (\d+), child (\d+)') | ForEach-Object { [int]$_.Groups[1].Value; [int]$_.Groups[2].Value }
        @($started).Count | Should -BeGreaterThan 1
        $started | ForEach-Object { Test-Path "/proc/$_" | Should -BeFalse -Because "benchfixture $_ is still running" }
    }
}
