# A real pre-fork server: Debian's gunicorn with --preload and three workers, serving tests/fixtures/gunicorn/app.py,
# which holds a 200,000-entry dict. Watch-ForkPages follows the workers while a separate python3 sends 600 requests
# to 127.0.0.1, once with the dict frozen by gc.freeze() in the master and once without. Opt-in (tag RealServer): it
# runs when COWPAGES_REAL_SERVER=1, which .ci/run sets once gunicorn is installed; otherwise it is skipped.
Describe 'Watch-ForkPages on gunicorn workers, with and without gc.freeze()' -Tag RealServer {
    BeforeAll {
        . $PSScriptRoot/common.ps1
        . $PSScriptRoot/../tools/Gunicorn.ps1
        $skip = if ($env:COWPAGES_REAL_SERVER -ne '1') {
            'opt-in: set COWPAGES_REAL_SERVER=1 to run the gunicorn tests (.ci/run does, once gunicorn is installed)'
        }
        elseif (-not (Test-Gunicorn)) {
            'gunicorn is not installed (apt-get install gunicorn)'
        }
        if (-not $skip) {
            $plain = Measure-GunicornCopy
            $frozen = Measure-GunicornCopy -Freeze
        }

        function Get-FinalCopied {
            # Each worker's copied bytes in its last sample.
            param($Run)
            $Run.Samples | Group-Object DifferenceId | ForEach-Object { $_.Group[-1].CopiedBytes }
        }
    }

    It 'follows every worker of the master, from before the load to after it' {
        if ($skip) { Set-ItResult -Skipped -Because $skip }
        foreach ($run in $plain, $frozen) {
            @($run.Samples.DifferenceId | Sort-Object -Unique) | Should -Be @($run.Workers | Sort-Object)
            $run.Samples.ReferenceId | Select-Object -Unique | Should -Be $run.Master
            $run.Samples.Method | Select-Object -Unique | Should -Be 'Pfn'
            ($run.Requests.Values.requests | Measure-Object -Sum).Sum | Should -Be 600
            foreach ($series in $run.Samples | Group-Object DifferenceId) {
                $series.Count | Should -BeGreaterOrEqual 3
                $series.Group[-1].Copied | Should -BeGreaterThan $series.Group[0].Copied -Because 'requests copy pages'
            }
        }
    }

    It 'shows a worker copying most of the dict once it runs a full collection, without gc.freeze()' {
        if ($skip) { Set-ItResult -Skipped -Because $skip }
        foreach ($worker in $plain.Workers) {
            $final = ($plain.Samples | Where-Object DifferenceId -eq $worker)[-1]
            if ($plain.Requests["$worker"].full_collections -gt 0) {
                $final.CopiedBytes / 1MB | Should -BeGreaterThan ($plain.AnonymousMiB / 3) -Because "worker $worker ran a full collection"
            }
        }
        @($plain.Requests.Values | Where-Object full_collections -gt 0).Count | Should -BeGreaterThan 0
    }

    It 'shows gc.freeze() in the master keeping the same load''s copies to a fraction' {
        if ($skip) { Set-ItResult -Skipped -Because $skip }
        $withFreeze = (Get-FinalCopied $frozen | Measure-Object -Sum).Sum
        $without = (Get-FinalCopied $plain | Measure-Object -Sum).Sum
        $withFreeze | Should -BeLessThan ($without / 2) -Because "with gc.freeze() the workers copied $($withFreeze / 1MB) MiB, without $($without / 1MB) MiB"
    }

    It 'leaves no server process behind' {
        if ($skip) { Set-ItResult -Skipped -Because $skip }
        foreach ($id in @($plain.Master) + $plain.Workers + $frozen.Master + $frozen.Workers) {
            "/proc/$id" | Should -Not -Exist
        }
    }
}
