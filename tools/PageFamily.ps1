# Starts and stops the C fixtures: pagefamily.c, the process family the tests and the demo look at, and holder.c.
# Needs $FixtureDir (out/fixtures) to be set by the caller.

function Start-PageFamily {
    <#
    Starts tests/fixtures/pagefamily.c and waits until its parent, child and grandchild have laid out
    their pages. Returns an object with the PIDs, each region's address and size, and the process.
    -User runs it as another user (through setpriv), for unprivileged tests.
    #>
    param([string]$User)

    $dir = Join-Path ([IO.Path]::GetTempPath()) "cowpages-$([guid]::NewGuid().ToString('n'))"
    $null = New-Item -ItemType Directory $dir
    $binary = Join-Path $FixtureDir 'pagefamily'
    $info = [Diagnostics.ProcessStartInfo]::new()
    if ($User) {
        # The user may not be able to reach out/ in this checkout: run a copy from its own folder.
        Copy-Item $binary $dir
        $binary = Join-Path $dir 'pagefamily'
        & chmod 755 $dir $binary
        & chown $User $dir
        $info.FileName = 'setpriv'
        foreach ($a in "--reuid=$User", "--regid=$User", '--clear-groups', $binary, $dir) { $info.ArgumentList.Add($a) }
    }
    else {
        $info.FileName = $binary
        $info.ArgumentList.Add($dir)
    }
    $info.RedirectStandardInput = $true
    $info.RedirectStandardOutput = $true
    $info.UseShellExecute = $false
    $process = [Diagnostics.Process]::Start($info)

    $family = [pscustomobject]@{
        Process    = $process
        Directory  = $dir
        Parent     = 0
        Child      = 0
        Grandchild = 0
        Regions    = @{}
    }
    $deadline = [DateTime]::UtcNow.AddSeconds(30)
    while ($true) {
        $task = $process.StandardOutput.ReadLineAsync()
        if (-not $task.Wait([Math]::Max(1, ($deadline - [DateTime]::UtcNow).TotalMilliseconds)) -or $null -eq $task.Result) {
            Stop-PageFamily $family
            throw "pagefamily did not report ready (exit code: $(if ($process.HasExited) { $process.ExitCode } else { 'still running' }))."
        }
        $fields = $task.Result -split ' '
        switch ($fields[0]) {
            'region' {
                $family.Regions[$fields[1]] = [pscustomobject]@{
                    Name    = $fields[1]
                    Address = [Convert]::ToUInt64($fields[2].Substring(2), 16)
                    Pages   = [uint64]$fields[3]
                }
            }
            'pid' { $family.($fields[1].Substring(0, 1).ToUpper() + $fields[1].Substring(1)) = [int]$fields[2] }
            'ready' { return $family }
        }
    }
}

function Send-PageFamilyCommand {
    # Sends one command line to the fixture's parent and returns its one-line answer.
    param($Family, [string]$Command)
    $Family.Process.StandardInput.WriteLine($Command)
    $Family.Process.StandardInput.Flush()
    $Family.Process.StandardOutput.ReadLine()
}

function Stop-PageFamily {
    # Ends the family (children die with the parent) and removes its files.
    param($Family)
    if (-not $Family) { return }
    try { $Family.Process.StandardInput.Close() } catch { }
    if (-not $Family.Process.WaitForExit(5000)) {
        $Family.Process.Kill($true)
        $null = $Family.Process.WaitForExit(5000)
    }
    foreach ($id in $Family.Child, $Family.Grandchild) {
        if ($id -and (Test-Path "/proc/$id")) { & kill -9 $id 2>$null }
    }
    Remove-Item -Recurse -Force $Family.Directory -ErrorAction SilentlyContinue
}


function Start-Holder {
    <#
    Starts tests/fixtures/holder.c in MODE with its arguments and waits for "ready". Returns the process, the PIDs
    it reported (its own first) and any "region" line. -User runs it as another user (through setpriv).
    #>
    param([Parameter(Mandatory)][string[]]$Arguments, [string]$User, [int]$TimeoutSeconds = 60)

    $binary = Join-Path $FixtureDir 'holder'
    $dir = $null
    $info = [Diagnostics.ProcessStartInfo]::new()
    if ($User) {
        $dir = Join-Path ([IO.Path]::GetTempPath()) "cowpages-$([guid]::NewGuid().ToString('n'))"
        $null = New-Item -ItemType Directory $dir
        Copy-Item $binary $dir
        $binary = Join-Path $dir 'holder'
        & chmod 755 $dir $binary
        $info.FileName = 'setpriv'
        foreach ($a in @("--reuid=$User", "--regid=$User", '--clear-groups', $binary) + $Arguments) { $info.ArgumentList.Add($a) }
    }
    else {
        $info.FileName = $binary
        foreach ($a in $Arguments) { $info.ArgumentList.Add($a) }
    }
    $info.RedirectStandardInput = $true
    $info.RedirectStandardOutput = $true
    $info.UseShellExecute = $false
    $process = [Diagnostics.Process]::Start($info)
    $holder = [pscustomobject]@{ Process = $process; Pids = [System.Collections.Generic.List[int]]::new(); Region = $null; Directory = $dir }
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    while ($true) {
        $task = $process.StandardOutput.ReadLineAsync()
        if (-not $task.Wait([Math]::Max(1, ($deadline - [DateTime]::UtcNow).TotalMilliseconds)) -or $null -eq $task.Result) {
            Stop-Holder $holder
            throw "holder $($Arguments -join ' ') did not report ready."
        }
        $fields = $task.Result -split ' '
        switch ($fields[0]) {
            'pid' { $holder.Pids.Add([int]$fields[1]) }
            'region' { $holder.Region = [pscustomobject]@{ Address = [Convert]::ToUInt64($fields[1].Substring(2), 16); Pages = [uint64]$fields[2] } }
            'ready' { return $holder }
        }
    }
}

function Stop-Holder {
    # Closes the holder's stdin (it exits, and its children die with it) and reaps it.
    param($Holder)
    if (-not $Holder) { return }
    try { $Holder.Process.StandardInput.Close() } catch { }
    if (-not $Holder.Process.WaitForExit(10000)) {
        $Holder.Process.Kill($true)
        $null = $Holder.Process.WaitForExit(5000)
    }
    if ($Holder.Directory) { Remove-Item -Recurse -Force $Holder.Directory -ErrorAction SilentlyContinue }
}
