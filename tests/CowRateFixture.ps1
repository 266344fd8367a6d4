# Starts and drives tests/fixtures/cowrate.c: a parent whose children copy its pages at a known rate, on command.
# Needs tools/PageFamily.ps1 (Start-Fixture) and $FixtureDir, as common.ps1 provides.

function Start-CowRate {
    <#
    Starts `cowrate PAGES PERIOD_US` and waits for "ready". Returns the process, the parent's and first child's PIDs,
    the region, and a queue of lines read but not yet asked for (a child's "written" line may arrive at any time).
    #>
    param([int]$Pages = 4096, [int]$PeriodMicroseconds = 2000)

    $dir = New-FixtureDirectory
    $fixture = [pscustomobject]@{
        Process   = Start-Fixture -Name cowrate -Arguments "$Pages", "$PeriodMicroseconds" -Directory $dir
        Directory = $dir
        Parent    = 0
        Child     = 0
        Region    = $null
        Period    = [timespan]::FromTicks($PeriodMicroseconds * 10)
        Pending   = [System.Collections.Generic.List[string[]]]::new()
        Reading   = $null
    }
    try {
        Wait-FixtureReady -Process $fixture.Process -Name cowrate -OnLine {
            param($fields)
            switch ($fields[0]) {
                'region' { $fixture.Region = [pscustomobject]@{ Address = [Convert]::ToUInt64($fields[2].Substring(2), 16); Pages = [uint64]$fields[3] } }
                'pid' { $fixture.($fields[1].Substring(0, 1).ToUpper() + $fields[1].Substring(1)) = [int]$fields[2] }
            }
        }
    }
    catch {
        Stop-CowRate $fixture
        throw
    }
    $fixture
}

function Receive-CowRateLine {
    # The fields of the next line the fixture prints, or $null if none comes within the timeout. One read is kept
    # pending across calls, so that a caller may look for a line without waiting.
    param($Fixture, [int]$TimeoutMilliseconds)
    if (-not $Fixture.Reading) { $Fixture.Reading = $Fixture.Process.StandardOutput.ReadLineAsync() }
    if (-not $Fixture.Reading.Wait($TimeoutMilliseconds)) { return $null }
    $line = $Fixture.Reading.Result
    $Fixture.Reading = $null
    if ($null -eq $line) { throw "cowrate ended (exit code: $(if ($Fixture.Process.HasExited) { $Fixture.Process.ExitCode } else { 'still running' }))." }
    , (-split $line)
}

function Find-CowRateLine {
    # Without waiting: the first line already printed that starts with $Word (removed from the queue), or $null.
    param($Fixture, [string]$Word)
    while ($fields = Receive-CowRateLine $Fixture 0) { $Fixture.Pending.Add($fields) }
    $found = $Fixture.Pending | Where-Object { $_[0] -eq $Word } | Select-Object -First 1
    if ($found) { $null = $Fixture.Pending.Remove($found) }
    $found
}

function Wait-CowRateLine {
    # The first line that starts with $Word, waiting for it; throws after the timeout.
    param($Fixture, [string]$Word, [int]$TimeoutSeconds = 60)
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    while ([DateTime]::UtcNow -lt $deadline) {
        if ($found = Find-CowRateLine $Fixture $Word) { return , $found }
        if ($fields = Receive-CowRateLine $Fixture 200) { $Fixture.Pending.Add($fields) }
    }
    throw "cowrate printed no '$Word' line within $TimeoutSeconds s."
}

function Send-CowRateCommand {
    # Sends one command and returns the fields of its answer: "writing PID", "pid child PID" or "exited PID".
    param($Fixture, [string]$Command)
    $answer = @{ write = 'writing'; fork = 'pid'; exit = 'exited' }[($Command -split ' ')[0]]
    $Fixture.Process.StandardInput.WriteLine($Command)
    $Fixture.Process.StandardInput.Flush()
    Wait-CowRateLine $Fixture $answer
}

function Stop-CowRate {
    # End of input ends the parent; its children die with it. Kills it if it does not go.
    param($Fixture)
    if (-not $Fixture) { return }
    try { $Fixture.Process.StandardInput.Close() } catch { }
    if (-not $Fixture.Process.WaitForExit(10000)) {
        $Fixture.Process.Kill($true)
        $null = $Fixture.Process.WaitForExit(5000)
    }
    Remove-Item -Recurse -Force $Fixture.Directory -ErrorAction SilentlyContinue
}
