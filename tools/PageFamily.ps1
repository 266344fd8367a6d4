# Starts and stops the C fixtures: pagefamily.c, the process family the tests and the demo look at, and holder.c.
# Needs $FixtureDir (out/fixtures) to be set by the caller.

function Start-Fixture {
    <#
    Starts out/fixtures/NAME with its stdin and stdout redirected. -User runs it as that user through setpriv, from a
    copy in -Directory: the user may not be able to reach out/ in this checkout.
    #>
    param([Parameter(Mandatory)][string]$Name, [string[]]$Arguments = @(), [string]$User, [Parameter(Mandatory)][string]$Directory)

    $binary = Join-Path $FixtureDir $Name
    $info = [Diagnostics.ProcessStartInfo]::new()
    if ($User) {
        Copy-Item $binary $Directory
        $binary = Join-Path $Directory $Name
        & chmod 755 $Directory $binary
        & chown $User $Directory
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
    [Diagnostics.Process]::Start($info)
}

function Wait-FixtureReady {
    # Hands the fields of each line the fixture prints to $OnLine until it prints "ready"; throws after the timeout.
    param([Parameter(Mandatory)]$Process, [Parameter(Mandatory)][string]$Name, [int]$TimeoutSeconds = 30, [Parameter(Mandatory)][scriptblock]$OnLine)

    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    while ($true) {
        $task = $Process.StandardOutput.ReadLineAsync()
        if (-not $task.Wait([Math]::Max(1, ($deadline - [DateTime]::UtcNow).TotalMilliseconds)) -or $null -eq $task.Result) {
            throw "$Name did not report ready (exit code: $(if ($Process.HasExited) { $Process.ExitCode } else { 'still running' }))."
        }
        $fields = $task.Result -split ' '
        if ($fields[0] -eq 'ready') { return }
        & $OnLine $fields
    }
}

function New-FixtureDirectory {
    $dir = Join-Path ([IO.Path]::GetTempPath()) "cowpages-$([guid]::NewGuid().ToString('n'))"
    $null = New-Item -ItemType Directory $dir
    $dir
}

function Start-PageFamily {
    <#
    Starts tests/fixtures/pagefamily.c and waits until its parent, child and grandchild have laid out
    their pages. Returns an object with the PIDs, each region's address and size, and the process.
    -User runs it as another user (through setpriv), for unprivileged tests.
    #>
    param([string]$User)

    $dir = New-FixtureDirectory
    $family = [pscustomobject]@{
        Process    = Start-Fixture -Name pagefamily -Arguments $dir -User $User -Directory $dir
        Directory  = $dir
        Parent     = 0
        Child      = 0
        Grandchild = 0
        Regions    = @{}
    }
    try {
        Wait-FixtureReady -Process $family.Process -Name pagefamily -OnLine {
            param($fields)
            switch ($fields[0]) {
                'region' {
                    $family.Regions[$fields[1]] = [pscustomobject]@{
                        Name    = $fields[1]
                        Address = [Convert]::ToUInt64($fields[2].Substring(2), 16)
                        Pages   = [uint64]$fields[3]
                    }
                }
                'pid' { $family.($fields[1].Substring(0, 1).ToUpper() + $fields[1].Substring(1)) = [int]$fields[2] }
            }
        }
    }
    catch {
        Stop-PageFamily $family
        throw
    }
    $family
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

    $dir = New-FixtureDirectory
    $holder = [pscustomobject]@{
        Process   = Start-Fixture -Name holder -Arguments $Arguments -User $User -Directory $dir
        Pids      = [System.Collections.Generic.List[int]]::new()
        Region    = $null
        Directory = $dir
    }
    try {
        Wait-FixtureReady -Process $holder.Process -Name "holder $($Arguments -join ' ')" -TimeoutSeconds $TimeoutSeconds -OnLine {
            param($fields)
            switch ($fields[0]) {
                'pid' { $holder.Pids.Add([int]$fields[1]) }
                'region' { $holder.Region = [pscustomobject]@{ Address = [Convert]::ToUInt64($fields[1].Substring(2), 16); Pages = [uint64]$fields[2] } }
            }
        }
    }
    catch {
        Stop-Holder $holder
        throw
    }
    $holder
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
