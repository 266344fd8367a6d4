# Write-Progress on long scans: silent on short ones, throttled on long ones, and always completed.
BeforeAll {
    . $PSScriptRoot/common.ps1
    $manifest = Join-Path $ModulePath 'CowPages.psd1'
    # Sizes that make each scan take a second or more here: per-page output is the slow part of Get-PageMap.
    $holder = Start-Holder reserve, 64, 10
    $bigHolder = Start-Holder reserve, 512, 1

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
    Stop-Holder $bigHolder
}

Describe 'Progress' {
    It '<Name> reports progress on a long scan, throttled, and completes it' -ForEach @(
        @{ Name = 'Get-PageMap'; Big = $false; Script = { param($id) Get-PageMap -Id $id -Present | Measure-Object } }
        @{ Name = 'Get-CowSummary'; Big = $true; Script = { param($id) Get-CowSummary -Id $id } }
        @{ Name = 'Compare-ForkPages'; Big = $true; Script = { param($id) Compare-ForkPages -ReferenceId $id -DifferenceId $id } }
    ) {
        $target = if ($Big) { $bigHolder.Pids[0] } else { $holder.Pids[0] }
        $run = Invoke-WithProgress $Script @($target)
        $run.Errors | Should -BeNullOrEmpty
        if ($run.Seconds -lt 1) {
            Set-ItResult -Skipped -Because "the scan took only $([math]::Round($run.Seconds, 2)) s, too short to need progress"
        }
        $run.Records.Count | Should -BeGreaterThan 1
        # At most five updates a second, plus the completion.
        $run.Records.Count | Should -BeLessOrEqual ([math]::Ceiling($run.Seconds * 5) + 2)
        $run.Records[-1].RecordType | Should -Be 'Completed'
        $run.Records | Where-Object RecordType -eq Processing | ForEach-Object {
            $_.PercentComplete | Should -BeGreaterOrEqual 0
            $_.PercentComplete | Should -BeLessOrEqual 100
        }
    }

    It 'stays silent on a scan shorter than half a second' {
        $run = Invoke-WithProgress { param($id) Get-PageMap -Id $id -Mapping '[stack]' | Measure-Object } @($PID)
        $run.Records | Should -BeNullOrEmpty
    }
}
