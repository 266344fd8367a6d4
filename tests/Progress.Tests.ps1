# Write-Progress on long scans: silent on short ones, paced on long ones, and always completed. The pacing rules are
# unit-tested on a fake clock (ProgressThrottleTests); here the real cmdlets run scans made long on purpose, by a slow
# consumer or a slow producer of PIDs, so that progress must show whatever the machine's speed.
BeforeAll {
    . $PSScriptRoot/common.ps1
    $manifest = Join-Path $ModulePath 'CowPages.psd1'
    # 300 one-page mappings: a walk reports progress for each, so there are reports all through the scan.
    $holder = Start-Holder maps, 300

    function Invoke-WithProgress([scriptblock]$Script, [object[]]$Arguments) {
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$manifest'").AddStatement().AddScript($Script)
            foreach ($a in $Arguments) { $null = $ps.AddArgument($a) }
            $clock = [Diagnostics.Stopwatch]::StartNew()
            $null = $ps.Invoke()
            [pscustomobject]@{ Records = @($ps.Streams.Progress); Seconds = $clock.Elapsed.TotalSeconds; Errors = @($ps.Streams.Error) }
        }
        finally { $ps.Dispose() }
    }
}

AfterAll {
    Stop-Holder $holder
}

Describe 'Progress' {
    It '<Name> reports progress on a long scan, paced, and completes every bar it shows' -ForEach @(
        # Each written object waits 5 ms, so 300 one-page mappings take at least 1.5 s.
        @{ Name = 'Get-PageMap'; Script = { param($id) Get-PageMap -Id $id -Present | ForEach-Object { Start-Sleep -Milliseconds 5 } } }
        @{ Name = 'Compare-ForkPages'; Script = { param($id) Compare-ForkPages -ReferenceId $id -DifferenceId $id | ForEach-Object { Start-Sleep -Milliseconds 5 } } }
        # A sweep: PIDs arrive every 150 ms, so the command runs for 1.8 s although each summary is quick.
        @{ Name = 'Get-CowSummary'; Script = { param($id) 1..12 | ForEach-Object { Start-Sleep -Milliseconds 150; $id } | Get-CowSummary } }
    ) {
        $run = Invoke-WithProgress $Script @($holder.Pids[0])
        $run.Errors | Should -BeNullOrEmpty
        $run.Seconds | Should -BeGreaterThan 1.5
        $processing = @($run.Records | Where-Object RecordType -eq Processing)
        $processing.Count | Should -BeGreaterThan 1
        # At most five updates a second, and none in the first half second.
        $processing.Count | Should -BeLessOrEqual ([math]::Ceiling(($run.Seconds - 0.5) * 5) + 1)
        $processing | ForEach-Object {
            $_.PercentComplete | Should -BeGreaterOrEqual 0
            $_.PercentComplete | Should -BeLessOrEqual 100
        }
        $run.Records[-1].RecordType | Should -Be 'Completed'
        # Every bar shown is completed before the next one starts.
        $open = $false
        foreach ($r in $run.Records) {
            if ($r.RecordType -eq 'Processing') { $open = $true } else { $open | Should -BeTrue; $open = $false }
        }
    }

    It 'stays silent on a scan shorter than half a second' {
        $run = Invoke-WithProgress { param($id) Get-PageMap -Id $id -Mapping '[stack]' | Measure-Object } @($PID)
        $run.Seconds | Should -BeLessThan 0.5 -Because 'the check only means something for a scan that is short'
        $run.Records | Should -BeNullOrEmpty
    }
}
