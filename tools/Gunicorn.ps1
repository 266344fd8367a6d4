# Starts, loads and stops a real pre-fork server: Debian's gunicorn serving tests/fixtures/gunicorn/app.py, a WSGI
# app that holds a large dict, with --preload so that every worker starts out sharing it copy-on-write with the
# master. Used by tests/RealServer.Tests.ps1, the demo and tools/GunicornFreeze.ps1. Loopback only.

$script:GunicornApp = Join-Path (Split-Path -Parent $PSScriptRoot) 'tests/fixtures/gunicorn'

function Test-Gunicorn {
    # True when Debian's gunicorn (python3-gunicorn) is installed.
    [bool](Get-Command gunicorn -CommandType Application -ErrorAction SilentlyContinue)
}

function Start-GunicornServer {
    <#
    Starts gunicorn with -Workers sync workers on a free port of 127.0.0.1 and waits until every worker has booted.
    -Freeze makes the master build the dict with the collector off and call gc.freeze() before forking. Returns the
    process (the master), its PID, the port and the workers' PIDs.
    #>
    param([int]$Workers = 3, [int]$Entries = 200000, [switch]$Freeze, [int]$TimeoutSeconds = 120)

    $dir = Join-Path ([IO.Path]::GetTempPath()) "cowpages-gunicorn-$([guid]::NewGuid().ToString('n'))"
    $null = New-Item -ItemType Directory $dir
    $log = Join-Path $dir 'gunicorn.log'
    $info = [Diagnostics.ProcessStartInfo]::new((Get-Command gunicorn -CommandType Application | Select-Object -First 1).Source)
    # Port 0: the kernel picks a free port, which gunicorn logs; no two runs on this machine can collide.
    foreach ($a in '--preload', '--workers', "$Workers", '--bind', '127.0.0.1:0', '--config', (Join-Path $script:GunicornApp 'gunicorn.conf.py'),
        '--chdir', $script:GunicornApp, '--error-logfile', $log, '--log-level', 'info', 'app:application') { $info.ArgumentList.Add($a) }
    $info.Environment['COWPAGES_DICT_ENTRIES'] = "$Entries"
    $info.Environment['COWPAGES_GC_FREEZE'] = if ($Freeze) { '1' } else { '0' }
    $info.Environment['PYTHONDONTWRITEBYTECODE'] = '1'
    $info.UseShellExecute = $false
    $server = [pscustomobject]@{ Process = [Diagnostics.Process]::Start($info); Master = 0; Port = 0; Workers = @(); Freeze = [bool]$Freeze; Directory = $dir }
    $server.Master = $server.Process.Id
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    try {
        while ($true) {
            $lines = if (Test-Path $log) { Get-Content $log } else { @() }
            $listening = $lines -match 'Listening at: http://127\.0\.0\.1:(\d+)'
            $booted = @($lines | Where-Object { $_ -match 'Booting worker with pid: (\d+)' } | ForEach-Object { [int]($_ -replace '.*pid: (\d+).*', '$1') })
            if ($listening -and $booted.Count -ge $Workers) {
                $server.Port = [int]([regex]::Match($listening[0], 'Listening at: http://127\.0\.0\.1:(\d+)').Groups[1].Value)
                $server.Workers = $booted
                return $server
            }
            if ($server.Process.HasExited -or [DateTime]::UtcNow -gt $deadline) {
                throw "gunicorn did not boot $Workers workers within $TimeoutSeconds s (exit code: $(if ($server.Process.HasExited) { $server.Process.ExitCode } else { 'still running' })): $($lines -join "`n")"
            }
            Start-Sleep -Milliseconds 200
        }
    }
    catch {
        Stop-GunicornServer $server
        throw
    }
}

function Measure-GunicornCopy {
    <#
    Starts a server, watches its master with Watch-ForkPages every -Interval while a separate python3 sends -Requests
    requests to it one after another, and stops the server one tick after the last answer, which ends the watch.
    Returns the samples, what the client saw per worker (requests answered, full collections run), and the master's
    anonymous memory. Needs the CowPages module imported.
    #>
    param([switch]$Freeze, [int]$Workers = 3, [int]$Entries = 200000, [int]$Requests = 600, [double]$Interval = 0.5, [int]$TimeoutSeconds = 300)

    $server = Start-GunicornServer -Freeze:$Freeze -Workers $Workers -Entries $Entries
    $client = $null
    try {
        $anonymous = (Get-CowSummary -Id $server.Master).Anonymous
        $state = @{ Client = $null; DoneAt = $null }
        $samples = @(Watch-ForkPages -ReferenceId $server.Master -Interval $Interval -Duration $TimeoutSeconds | ForEach-Object {
                $_
                if (-not $state.Client) {
                    $info = [Diagnostics.ProcessStartInfo]::new('python3')
                    foreach ($a in (Join-Path $script:GunicornApp 'client.py'), "$($server.Port)", "$Requests") { $info.ArgumentList.Add($a) }
                    $info.RedirectStandardOutput = $true
                    $info.UseShellExecute = $false
                    $state.Client = [Diagnostics.Process]::Start($info)
                    $state.Output = $state.Client.StandardOutput.ReadToEndAsync()
                }
                elseif ($state.Client.HasExited -and -not $state.DoneAt) {
                    $state.DoneAt = $_.Elapsed
                }
                elseif ($state.DoneAt -and $_.Elapsed -ge $state.DoneAt.Add([timespan]::FromSeconds($Interval))) {
                    # A full tick after the load: the server's exit ends the watch.
                    Stop-GunicornServer $server
                }
            })
        $client = $state.Client
        if (-not $client -or -not $client.WaitForExit(10000) -or $client.ExitCode -ne 0) {
            throw "The request client did not finish: $(if ($client) { $client.ExitCode })"
        }
        [pscustomobject]@{
            Freeze       = [bool]$Freeze
            Master       = $server.Master
            Workers      = $server.Workers
            AnonymousMiB = $anonymous / 1MB
            Requests     = $state.Output.Result | ConvertFrom-Json -AsHashtable
            Samples      = $samples
        }
    }
    finally {
        if ($client -and -not $client.HasExited) { $client.Kill() }
        Stop-GunicornServer $server
    }
}

function Stop-GunicornServer {
    # SIGTERM lets the master stop its workers; anything left after 10 s is killed.
    param($Server)
    if (-not $Server) { return }
    if (-not $Server.Process.HasExited) {
        & kill -TERM $Server.Master 2>$null
        if (-not $Server.Process.WaitForExit(10000)) {
            $Server.Process.Kill($true)
            $null = $Server.Process.WaitForExit(5000)
        }
    }
    foreach ($id in $Server.Workers) {
        if (Test-Path "/proc/$id") { & kill -9 $id 2>$null }
    }
    Remove-Item -Recurse -Force $Server.Directory -ErrorAction SilentlyContinue
}
