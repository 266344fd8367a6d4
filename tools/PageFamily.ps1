# Starts and stops tests/fixtures/pagefamily.c, the process family that the tests and the demo look at.
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
