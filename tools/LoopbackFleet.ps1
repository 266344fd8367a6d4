# A fleet on one machine, for the remoting test: sshd instances on 127.0.0.1, one per stand-in host, each with its own
# port, host key, HOME (so each has its own user module path and files) and the powershell subsystem. The client
# reaches them by name (web1, web2, ...) through ssh's HostName option, so PSComputerName tells the hosts apart.
# Everything lives in one temporary folder; Stop-LoopbackFleet kills every process the fleet started and removes it.
# Dot-sourced; needs root (sshd's privilege separation, root login) and Debian's openssh-server.

. (Join-Path $PSScriptRoot 'ModuleInstall.ps1')

$script:SshdPath = '/usr/sbin/sshd'

function Install-OpenSshServer {
    <#
    Makes sure sshd is there, installing Debian's openssh-server with apt when it is missing. Returns $null when sshd
    is there, or why it is not. While apt runs, a policy-rc.d (if the machine has none) keeps the package from starting
    the system's own sshd on port 22; it is removed again afterwards.
    #>
    if (Test-Path $script:SshdPath) { return $null }
    if ((& id -u) -ne '0') { return 'openssh-server is not installed, and only root can install it' }
    if (-not (Get-Command apt-get -ErrorAction SilentlyContinue)) { return 'openssh-server is not installed, and there is no apt-get to install it' }

    Write-Host 'Installing openssh-server with apt-get (sshd for the remoting test)' -ForegroundColor Cyan
    $policy = '/usr/sbin/policy-rc.d'
    $ownPolicy = -not (Test-Path $policy)
    if ($ownPolicy) {
        Set-Content -Path $policy -Value "#!/bin/sh`n# Written by CowPages' build while it installs openssh-server; removed afterwards.`nexit 101"
        & chmod 755 $policy
    }
    $log = [Collections.Generic.List[string]]::new()
    try {
        $env:DEBIAN_FRONTEND = 'noninteractive'
        & apt-get update -qq 2>&1 | ForEach-Object { $log.Add("$_") }
        & apt-get install -y -qq --no-install-recommends openssh-server 2>&1 | ForEach-Object { $log.Add("$_") }
        $exitCode = $LASTEXITCODE
    }
    finally {
        Remove-Item Env:DEBIAN_FRONTEND -ErrorAction SilentlyContinue
        if ($ownPolicy) { Remove-Item -Force $policy }
    }
    if (-not (Test-Path $script:SshdPath)) {
        return "apt-get could not install openssh-server (exit code $exitCode): $(($log | Select-Object -Last 3) -join ' / ')"
    }
    $null
}

function Install-RemotingPwsh {
    <#
    Returns a pwsh executable for sshd's powershell subsystem, installed once into out/remoting/ with the version of
    the repository's local tool. The local tool itself is no executable: it runs only through 'dotnet pwsh'.
    #>
    param([Parameter(Mandatory)][string]$RepoRoot)

    $version = (Get-Content (Join-Path $RepoRoot '.config/dotnet-tools.json') -Raw | ConvertFrom-Json).tools.powershell.version
    $folder = Join-Path $RepoRoot "out/remoting/pwsh-$version"
    $pwsh = Join-Path $folder 'pwsh'
    if (-not (Test-Path $pwsh)) {
        & dotnet tool install --tool-path $folder PowerShell --version $version | Out-Host
        if ($LASTEXITCODE -ne 0 -or -not (Test-Path $pwsh)) { throw "dotnet tool install --tool-path $folder PowerShell --version $version failed." }
    }
    $pwsh
}

function Get-FreeLoopbackPort {
    # The first port from -From on that nothing listens on at 127.0.0.1, skipping -Taken.
    param([int]$From, [int[]]$Taken = @())
    for ($port = $From; $port -lt $From + 200; $port++) {
        if ($port -in $Taken) { continue }
        $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, $port)
        try { $listener.Start(); return $port } catch { } finally { $listener.Stop() }
    }
    throw "No free port on 127.0.0.1 between $From and $($From + 199)."
}

function Wait-SshdListening {
    # Waits until the sshd of -HostEntry accepts connections; throws with its log if it exits or never listens.
    param($HostEntry, [int]$TimeoutSeconds = 30)
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    while ([DateTime]::UtcNow -lt $deadline) {
        if ($HostEntry.Process.HasExited) { break }
        $client = [Net.Sockets.TcpClient]::new()
        try { $client.Connect([Net.IPAddress]::Loopback, $HostEntry.Port); return } catch { Start-Sleep -Milliseconds 100 } finally { $client.Dispose() }
    }
    $log = Get-Content $HostEntry.Log -Raw -ErrorAction SilentlyContinue
    throw "sshd for $($HostEntry.Name) on 127.0.0.1:$($HostEntry.Port) did not start listening: $log"
}

function Start-LoopbackFleet {
    <#
    Starts one sshd per name on 127.0.0.1 and returns the fleet: its hosts (name, port, sshd process, HOME), the names
    to give Invoke-Command -HostName (root@web1:PORT, ...) and the parameters that reach them (-KeyFilePath and
    -Options). -ModulePath installs that built module into each host's user module path, as -Task Install does.
    #>
    param(
        [string[]]$Name = @('web1', 'web2', 'web3'),
        [Parameter(Mandatory)][string]$PwshPath,
        [string]$ModulePath,
        [int]$FirstPort = 41515
    )

    $root = Join-Path ([IO.Path]::GetTempPath()) "cowpages-fleet-$([guid]::NewGuid().ToString('n'))"
    $null = New-Item -ItemType Directory $root
    & chmod 700 $root
    $user = & id -un
    $fleet = [pscustomobject]@{
        Root              = $root
        Hosts             = [Collections.Generic.List[object]]::new()
        HostNames         = @()
        KeyFilePath       = Join-Path $root 'client_ed25519'
        KnownHostsFile    = Join-Path $root 'known_hosts'
        CreatedRunSshd    = $false
        Connection        = $null
    }
    try {
        & ssh-keygen -q -t ed25519 -N '' -C 'cowpages-fleet-client' -f $fleet.KeyFilePath
        if ($LASTEXITCODE -ne 0) { throw 'ssh-keygen failed for the client key.' }
        Copy-Item "$($fleet.KeyFilePath).pub" (Join-Path $root 'authorized_keys')
        # sshd's privilege separation chroots into /run/sshd, which the system's own sshd service would create.
        if (-not (Test-Path /run/sshd)) {
            $null = New-Item -ItemType Directory /run/sshd
            $fleet.CreatedRunSshd = $true
        }
        $ports = @()
        foreach ($hostName in $Name) {
            $dir = Join-Path $root $hostName
            $hostHome = Join-Path $dir 'home'
            $temp = Join-Path $dir 'tmp'
            $null = New-Item -ItemType Directory "$hostHome/.local/share", "$hostHome/.config", $temp
            & ssh-keygen -q -t ed25519 -N '' -C "cowpages-fleet-$hostName" -f (Join-Path $dir 'host_ed25519')
            if ($LASTEXITCODE -ne 0) { throw "ssh-keygen failed for the host key of $hostName." }
            if ($ModulePath) {
                $null = Install-BuiltModule -ModulePath $ModulePath -Destination (Join-Path $hostHome '.local/share/powershell/Modules')
            }
            $port = Get-FreeLoopbackPort -From ($FirstPort + $ports.Count) -Taken $ports
            $ports += $port
            $config = Join-Path $dir 'sshd_config'
            Set-Content -Path $config -Value @(
                "ListenAddress 127.0.0.1:$port"
                "HostKey $dir/host_ed25519"
                "PidFile $dir/sshd.pid"
                "AuthorizedKeysFile $root/authorized_keys"
                "AllowUsers $user"
                'PermitRootLogin prohibit-password'
                'PubkeyAuthentication yes'
                'PasswordAuthentication no'
                'KbdInteractiveAuthentication no'
                'UsePAM no'
                # The keys live under /tmp, which is world-writable: strict modes would refuse them.
                'StrictModes no'
                'PrintMotd no'
                "Subsystem powershell $PwshPath -sshs -NoLogo -NoProfile"
                # Each host gets its own HOME (user module path, pid files) and temporary folder, all inside the fleet's folder.
                "SetEnv HOME=$hostHome TMPDIR=$temp"
            )
            $info = [Diagnostics.ProcessStartInfo]::new($script:SshdPath)
            foreach ($a in '-D', '-f', $config, '-E', (Join-Path $dir 'sshd.log')) { $info.ArgumentList.Add($a) }
            $info.UseShellExecute = $false
            $entry = [pscustomobject]@{
                Name = $hostName; Port = $port; Home = $hostHome; Directory = $dir; Log = Join-Path $dir 'sshd.log'
                Process = [Diagnostics.Process]::Start($info)
            }
            $fleet.Hosts.Add($entry)
            Wait-SshdListening $entry
        }
        $fleet.HostNames = @($fleet.Hosts | ForEach-Object { "$user@$($_.Name):$($_.Port)" })
        $fleet.Connection = @{
            KeyFilePath = $fleet.KeyFilePath
            Options     = @{
                HostName              = '127.0.0.1'
                StrictHostKeyChecking = 'no'
                UserKnownHostsFile    = $fleet.KnownHostsFile
                IdentitiesOnly        = 'yes'
                BatchMode             = 'yes'
                LogLevel              = 'ERROR'
            }
        }
        $fleet
    }
    catch {
        Stop-LoopbackFleet $fleet
        throw
    }
}

function Get-ProcessDescendant {
    # The PIDs of every process below -Id, from the parent PIDs in /proc/*/stat.
    param([int[]]$Id)
    $children = @{}
    foreach ($stat in Get-ChildItem /proc -Directory | Where-Object Name -match '^\d+$') {
        $text = Get-Content -Raw -ErrorAction SilentlyContinue (Join-Path $stat.FullName 'stat')
        if (-not $text) { continue }
        # The command name may hold spaces and parentheses; the fields after its last ')' are state, then ppid.
        $ppid = [int](($text.Substring($text.LastIndexOf(')') + 2) -split ' ')[1])
        if (-not $children[$ppid]) { $children[$ppid] = [Collections.Generic.List[int]]::new() }
        $children[$ppid].Add([int]$stat.Name)
    }
    $found = [Collections.Generic.List[int]]::new()
    $queue = [Collections.Generic.Queue[int]]::new([int[]]$Id)
    while ($queue.Count) {
        foreach ($child in @($children[$queue.Dequeue()])) {
            if ($null -ne $child -and -not $found.Contains($child)) { $found.Add($child); $queue.Enqueue($child) }
        }
    }
    $found
}

function Stop-LoopbackFleet {
    # Kills each sshd and everything below it (sessions, their pwsh, fixtures started there), then removes the folder.
    param($Fleet)
    if (-not $Fleet) { return }
    $listeners = @($Fleet.Hosts | ForEach-Object { $_.Process } | Where-Object { -not $_.HasExited })
    $pids = @(@(Get-ProcessDescendant -Id @($listeners.Id)) + @($listeners.Id) | Where-Object { $_ })
    foreach ($id in $pids) { & kill -TERM $id 2>$null }
    foreach ($process in $listeners) {
        if (-not $process.WaitForExit(5000)) { & kill -KILL $process.Id 2>$null; $null = $process.WaitForExit(5000) }
    }
    foreach ($id in $pids) { if (Test-Path "/proc/$id") { & kill -KILL $id 2>$null } }
    Remove-Item -Recurse -Force $Fleet.Root -ErrorAction SilentlyContinue
    if ($Fleet.CreatedRunSshd -and -not (Get-ChildItem -Force /run/sshd -ErrorAction SilentlyContinue)) {
        Remove-Item -Force /run/sshd -ErrorAction SilentlyContinue
    }
}
