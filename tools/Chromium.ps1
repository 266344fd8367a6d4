# Finds, installs and drives Debian's chromium in headless mode, over the DevTools protocol on a loopback websocket,
# for the report's browser test and the benchmark. Dot-sourced. Needs no Node: one ClientWebSocket and JSON.

# What works on this machine kind: no sandbox as root, no GPU, and nothing that talks to the network on its own.
$script:ChromiumFlags = @('--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync', '--hide-scrollbars')

function Find-Chromium {
    # The path of chromium, or $null.
    Get-Command chromium, chromium-browser -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1 -ExpandProperty Source
}

function Install-Chromium {
    <#
    Installs Debian's chromium with apt-get when it is missing, for the browser test. Needs root; without root, or
    without apt-get, says why the browser test will be skipped. Returns the path of chromium, or $null.
    #>
    if (Find-Chromium) { return Find-Chromium }
    if ((& id -u) -ne '0' -or -not (Get-Command apt-get -CommandType Application -ErrorAction SilentlyContinue)) {
        Write-Host 'chromium is missing and installing it needs root and apt-get: the report''s browser test will be skipped.' -ForegroundColor Yellow
        return $null
    }
    Write-Host 'Installing chromium with apt-get, for the report''s browser test' -ForegroundColor Cyan
    $env:DEBIAN_FRONTEND = 'noninteractive'
    $install = @('-o', 'DPkg::Lock::Timeout=600', 'install', '-y', '-q', '--no-install-recommends', 'chromium')
    & apt-get @install | Out-Host
    if ($LASTEXITCODE -ne 0) {
        # A fresh machine has no package lists yet.
        & apt-get -o DPkg::Lock::Timeout=600 update -q | Out-Host
        & apt-get @install | Out-Host
    }
    if ($LASTEXITCODE -ne 0 -or -not (Find-Chromium)) { throw "apt-get could not install chromium (exit code $LASTEXITCODE)." }
    Find-Chromium
}

function Start-ChromiumSession {
    <#
    Starts headless chromium with a fresh profile and remote debugging on a loopback port the browser picks, and
    connects to its first page. Returns the session: the process, the profile folder, the websocket and the events
    received so far. Stop it with Stop-ChromiumSession.
    #>
    param([string]$Chromium = (Find-Chromium), [int]$Width = 1280, [int]$Height = 900, [int]$TimeoutSeconds = 60)

    if (-not $Chromium) { throw 'chromium is not installed.' }
    $profileDir = Join-Path ([IO.Path]::GetTempPath()) "cowpages-pictures-chromium-$([guid]::NewGuid().ToString('n'))"
    $null = New-Item -ItemType Directory $profileDir
    $info = [Diagnostics.ProcessStartInfo]::new('/bin/sh')
    # chromium writes harmless complaints (no D-Bus here) to stderr: into the profile folder, not the test output.
    foreach ($a in @('-c', 'exec "$@" 2>"$0"', (Join-Path $profileDir 'stderr.log'), $Chromium) + $script:ChromiumFlags +
        @("--user-data-dir=$profileDir", '--remote-debugging-address=127.0.0.1', '--remote-debugging-port=0', "--window-size=$Width,$Height", 'about:blank')) {
        $info.ArgumentList.Add($a)
    }
    $info.UseShellExecute = $false
    $session = [pscustomobject]@{
        Process = [Diagnostics.Process]::Start($info)
        Profile = $profileDir
        Socket  = $null
        NextId  = 0
        Events  = [Collections.Generic.List[object]]::new()
    }
    try {
        $portFile = Join-Path $profileDir 'DevToolsActivePort'
        $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
        while (-not ((Test-Path $portFile) -and (Get-Content $portFile -ErrorAction SilentlyContinue).Count -ge 2)) {
            if ($session.Process.HasExited) { throw "chromium exited with code $($session.Process.ExitCode): $(Get-Content (Join-Path $profileDir 'stderr.log') -Raw)" }
            if ([DateTime]::UtcNow -gt $deadline) { throw "chromium did not open its DevTools port within $TimeoutSeconds s." }
            Start-Sleep -Milliseconds 100
        }
        $port = [int](Get-Content $portFile)[0]
        # The first page appears a moment after the port opens.
        while ($true) {
            # Invoke-RestMethod writes the JSON array as one object: assigned first, it enumerates.
            $targets = Invoke-RestMethod "http://127.0.0.1:$port/json/list"
            $page = $targets | Where-Object type -eq 'page' | Select-Object -First 1
            if ($page) { break }
            if ([DateTime]::UtcNow -gt $deadline) { throw "chromium opened no page within $TimeoutSeconds s." }
            Start-Sleep -Milliseconds 100
        }
        $session.Socket = [Net.WebSockets.ClientWebSocket]::new()
        $session.Socket.Options.KeepAliveInterval = [TimeSpan]::Zero
        $null = $session.Socket.ConnectAsync([uri]$page.webSocketDebuggerUrl, [Threading.CancellationToken]::None).GetAwaiter().GetResult()
    }
    catch {
        Stop-ChromiumSession $session
        throw
    }
    $session
}

function Stop-ChromiumSession {
    # Closes the socket, ends chromium and every process it started, and removes the profile.
    param($Session)
    if (-not $Session) { return }
    if ($Session.Socket) { $Session.Socket.Dispose() }
    if ($Session.Process -and -not $Session.Process.HasExited) {
        $Session.Process.Kill($true)
        $null = $Session.Process.WaitForExit(10000)
    }
    Remove-Item -Recurse -Force $Session.Profile -ErrorAction SilentlyContinue
}

function Receive-CdpMessage {
    # The next message from the browser, parsed; throws after the timeout.
    param($Session, [int]$TimeoutSeconds = 30)
    $buffer = [byte[]]::new(1MB)
    $message = [IO.MemoryStream]::new()
    $cancel = [Threading.CancellationTokenSource]::new([TimeSpan]::FromSeconds($TimeoutSeconds))
    try {
        do {
            $result = $Session.Socket.ReceiveAsync([ArraySegment[byte]]::new($buffer), $cancel.Token).GetAwaiter().GetResult()
            if ($result.MessageType -eq [Net.WebSockets.WebSocketMessageType]::Close) { throw 'chromium closed the DevTools connection.' }
            $message.Write($buffer, 0, $result.Count)
        } until ($result.EndOfMessage)
    }
    finally {
        $cancel.Dispose()
    }
    [Text.Encoding]::UTF8.GetString($message.ToArray()) | ConvertFrom-Json -Depth 64
}

function Invoke-Cdp {
    <#
    Calls one DevTools method and returns its result; events that arrive meanwhile are kept in $Session.Events.
    Throws if the browser answers with an error.
    #>
    param($Session, [string]$Method, [hashtable]$Params = @{}, [int]$TimeoutSeconds = 30)
    $Session.NextId += 1
    $id = $Session.NextId
    $json = [ordered]@{ id = $id; method = $Method; params = $Params } | ConvertTo-Json -Depth 20 -Compress
    $bytes = [Text.Encoding]::UTF8.GetBytes($json)
    $null = $Session.Socket.SendAsync([ArraySegment[byte]]::new($bytes), [Net.WebSockets.WebSocketMessageType]::Text, $true,
        [Threading.CancellationToken]::None).GetAwaiter().GetResult()
    while ($true) {
        $message = Receive-CdpMessage $Session $TimeoutSeconds
        if ($message.PSObject.Properties['id'] -and $message.id -eq $id) {
            if ($message.PSObject.Properties['error']) { throw "$Method failed: $($message.error.message)" }
            return $message.result
        }
        if ($message.PSObject.Properties['method']) { $Session.Events.Add($message) }
    }
}

function Wait-CdpEvent {
    # Waits for the first event named $Name received since $After events (by count), and returns it.
    param($Session, [string]$Name, [int]$After = 0, [int]$TimeoutSeconds = 30)
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    while ($true) {
        for ($i = $After; $i -lt $Session.Events.Count; $i++) {
            if ($Session.Events[$i].method -eq $Name) { return $Session.Events[$i] }
        }
        $left = [int][Math]::Ceiling(($deadline - [DateTime]::UtcNow).TotalSeconds)
        if ($left -le 0) { throw "No $Name event within $TimeoutSeconds s." }
        $message = Receive-CdpMessage $Session $left
        if ($message.PSObject.Properties['method']) { $Session.Events.Add($message) }
    }
}

function Invoke-CdpScript {
    # Evaluates an expression in the page (awaiting a promise) and returns its value; throws on an exception.
    param($Session, [string]$Expression)
    $result = Invoke-Cdp $Session 'Runtime.evaluate' @{ expression = $Expression; returnByValue = $true; awaitPromise = $true }
    if ($result.PSObject.Properties['exceptionDetails']) { throw "The page's script failed: $($result.exceptionDetails | ConvertTo-Json -Depth 6 -Compress)" }
    $result.result.value
}

function Open-ChromiumPage {
    <#
    Loads $Url in the session's page with the Page, Runtime, Log and Network domains on, and waits for its load event.
    Returns how long the load took (ms, from the navigation to the load event) and the events it caused.
    #>
    param($Session, [string]$Url, [int]$TimeoutSeconds = 60)
    foreach ($domain in 'Page', 'Runtime', 'Log', 'Network') { $null = Invoke-Cdp $Session "$domain.enable" }
    $first = $Session.Events.Count
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $navigation = Invoke-Cdp $Session 'Page.navigate' @{ url = $Url }
    if ($navigation.PSObject.Properties['errorText']) { throw "chromium could not open ${Url}: $($navigation.errorText)" }
    $null = Wait-CdpEvent $Session 'Page.loadEventFired' -After $first -TimeoutSeconds $TimeoutSeconds
    $loadMs = $clock.Elapsed.TotalMilliseconds
    [pscustomobject]@{ LoadMs = $loadMs; Events = @($Session.Events | Select-Object -Skip $first) }
}

function Save-ChromiumScreenshot {
    # Saves a PNG of the page: the whole page with -FullPage, else what the window shows. Returns the bytes.
    param($Session, [string]$Path, [switch]$FullPage)
    $params = @{ format = 'png' }
    if ($FullPage) {
        $size = (Invoke-Cdp $Session 'Page.getLayoutMetrics').cssContentSize
        $params.captureBeyondViewport = $true
        $params.clip = @{ x = 0; y = 0; width = [Math]::Ceiling($size.width); height = [Math]::Ceiling($size.height); scale = 1 }
    }
    $bytes = [Convert]::FromBase64String((Invoke-Cdp $Session 'Page.captureScreenshot' $params -TimeoutSeconds 120).data)
    [IO.File]::WriteAllBytes($Path, $bytes)
    $bytes
}

function Measure-PngInk {
    <#
    Decodes a PNG with the browser's own decoder (in a blank page of the session) and counts its pixels: how many
    differ from the top-left one (the background), how many distinct colours there are, and how many pixels lie
    within a few levels of each colour in -Colours (#rrggbb). A blank screenshot has no ink and one colour.
    #>
    param($Session, [byte[]]$Png, [string[]]$Colours = @())
    $null = Invoke-Cdp $Session 'Page.navigate' @{ url = 'about:blank' }
    $targets = ($Colours | ForEach-Object { "[$([Convert]::ToInt32($_.Substring(1, 2), 16)),$([Convert]::ToInt32($_.Substring(3, 2), 16)),$([Convert]::ToInt32($_.Substring(5, 2), 16))]" }) -join ','
    $script = @"
(async () => {
  const img = new Image();
  img.src = 'data:image/png;base64,$([Convert]::ToBase64String($Png))';
  await img.decode();
  const canvas = new OffscreenCanvas(img.width, img.height);
  const g = canvas.getContext('2d');
  g.drawImage(img, 0, 0);
  const d = g.getImageData(0, 0, img.width, img.height).data;
  const targets = [$targets];
  const near = targets.map(() => 0);
  const colours = new Set();
  let ink = 0;
  for (let i = 0; i < d.length; i += 4) {
    const r = d[i], gr = d[i + 1], b = d[i + 2];
    if (r !== d[0] || gr !== d[1] || b !== d[2]) ink++;
    colours.add((r << 16) | (gr << 8) | b);
    for (let t = 0; t < targets.length; t++) {
      if (Math.abs(r - targets[t][0]) <= 6 && Math.abs(gr - targets[t][1]) <= 6 && Math.abs(b - targets[t][2]) <= 6) near[t]++;
    }
  }
  return { width: img.width, height: img.height, ink: ink, colours: colours.size, near: near };
})()
"@
    $result = Invoke-CdpScript $Session $script
    $matches = [ordered]@{}
    for ($i = 0; $i -lt $Colours.Count; $i++) { $matches[$Colours[$i]] = [int]$result.near[$i] }
    [pscustomobject]@{ Width = [int]$result.width; Height = [int]$result.height; Ink = [long]$result.ink; Colours = [int]$result.colours; Near = $matches }
}
