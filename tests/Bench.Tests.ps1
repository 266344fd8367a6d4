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

    It 'prints a table row for <_>' -ForEach @(
        'Get-CowSummary -Id child (root)'
        'Save-CowSnapshot -Id child (root)'
        'snapshot size: bytes per resident page'
        'Get-CowSummary -SnapshotPath child.cowsnap -Id child'
        'Compare-ForkPages -ReferenceId parent -DifferenceId child'
        'Get-PageMap -Id child -Present | Measure-Object'
        'Get-Process | Get-CowSummary'
        'reservation, 1% touched'
        'mappings'
    ) {
        $text | Should -Match ([regex]::Escape($_))
    }

    It 'checks the cmdlets'' results against the C readers'' (the numbers may race with other processes, so only the check is asserted)' {
        $text | Should -Match 'the C reader'
    }

    It 'writes the table as Markdown' {
        $md = Get-Content (Join-Path $outputDir 'results.md') -Raw
        $md | Should -Match '\| Work \| ms \| Reference'
        $md | Should -Match 'Get-CowSummary -Id child \(root\) \| [\d,.]+ \| cowsum'
    }

    It 'leaves no fixture process behind' {
        Get-Process -Name benchfixture -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }
}
