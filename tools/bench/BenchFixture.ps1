# Starts and stops tests/bench/benchfixture.c: the forked family, the sparse reservation, the many-mapping process.

function Start-BenchFixture {
    <#
    Starts `benchfixture MODE ARGS...` and waits for "ready". Returns an object with the process, every
    "pid ROLE PID" as a property named after the role, the regions, and "touched". -User runs it as that uid
    (through setpriv, from a copy in its own folder that the user can reach).
    #>
    param([string]$Binary, [string[]]$ArgumentList, [string]$User, [int]$TimeoutSeconds = 180)

    $dir = Join-Path ([IO.Path]::GetTempPath()) "cowpages-bench-$([guid]::NewGuid().ToString('n'))"
    $null = New-Item -ItemType Directory $dir
    $info = [Diagnostics.ProcessStartInfo]::new()
    if ($User) {
        Copy-Item $Binary $dir
        $Binary = Join-Path $dir (Split-Path -Leaf $Binary)
        & chmod 755 $dir $Binary
        $info.FileName = 'setpriv'
        foreach ($a in "--reuid=$User", "--regid=$User", '--clear-groups', $Binary) { $info.ArgumentList.Add($a) }
    }
    else {
        $info.FileName = $Binary
    }
    foreach ($a in $ArgumentList) { $info.ArgumentList.Add($a) }
    $info.RedirectStandardInput = $true
    $info.RedirectStandardOutput = $true
    $info.UseShellExecute = $false
    $fixture = [pscustomobject]@{ Process = [Diagnostics.Process]::Start($info); Directory = $dir; Regions = @{}; Touched = 0 }

    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    while ($true) {
        $task = $fixture.Process.StandardOutput.ReadLineAsync()
        if (-not $task.Wait([Math]::Max(1, ($deadline - [DateTime]::UtcNow).TotalMilliseconds)) -or $null -eq $task.Result) {
            Stop-BenchFixture $fixture
            throw "benchfixture $($ArgumentList -join ' ') did not report ready."
        }
        $fields = -split $task.Result
        switch ($fields[0]) {
            'region' { $fixture.Regions[$fields[1]] = [pscustomobject]@{ Address = [Convert]::ToUInt64($fields[2], 16); Pages = [uint64]$fields[3] } }
            'touched' { $fixture.Touched = [uint64]$fields[1] }
            'pid' { $fixture | Add-Member -NotePropertyName $fields[1] -NotePropertyValue ([int]$fields[2]) }
            'ready' { return $fixture }
        }
    }
}

function Stop-BenchFixture {
    # End of input ends the fixture; its child dies with it (PR_SET_PDEATHSIG). Kills it if it does not go.
    param($Fixture)
    if (-not $Fixture) { return }
    try { $Fixture.Process.StandardInput.Close() } catch { }
    if (-not $Fixture.Process.WaitForExit(10000)) {
        $Fixture.Process.Kill($true)
        $null = $Fixture.Process.WaitForExit(5000)
    }
    if ($Fixture.PSObject.Properties['child'] -and (Test-Path "/proc/$($Fixture.child)")) {
        & kill -9 $Fixture.child 2>$null
    }
    Remove-Item -Recurse -Force $Fixture.Directory -ErrorAction SilentlyContinue
}
