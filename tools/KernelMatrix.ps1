# The kernel matrix (build.ps1 -Task KernelTest): boots Debian's stock kernels under QEMU (TCG: KVM does not boot a
# stock kernel on this machine kind) with the host's root shared read-only over 9p, and runs the Pester tests tagged
# Kernel inside each, against the module and fixtures built on the host. Dot-sourced by tools/BuildCommon.ps1.
#
# Each kernel gets a run directory, out/kernels/run/test-<name>/, which the guest mounts writable over the same path:
# it holds the script the guest runs (guest.sh), the guest's temporary files (fixture files need a disk-like file
# system: on tmpfs the page cache is never dropped and fault-around maps pages the fixture never touched), its log,
# the Pester summary and the kernel's raw words for the fixture family (facts/, see tests/data/kernels/README.md).
# The serial console goes to console.log.

. "$PSScriptRoot/KernelImage.ps1"

function ConvertTo-ShellWord([string]$Text) { "'" + ($Text -replace "'", "'\''") + "'" }

function Write-GuestScript {
    # Writes RUN/guest.sh: the environment of a fresh machine (HOME on the guest's tmpfs /run), then pwsh -File $File.
    param([Parameter(Mandatory)][string]$RunDirectory, [Parameter(Mandatory)][string]$File, [string[]]$ArgumentList = @())
    $dotnet = (Get-Command dotnet).Source
    $pwsh = Join-Path $PSHOME 'pwsh.dll'
    $command = @($dotnet, $pwsh, '-NoProfile', '-NonInteractive', '-File', $File) + $ArgumentList | ForEach-Object { ConvertTo-ShellWord $_ }
    $run = ConvertTo-ShellWord $RunDirectory
    @"
# Written by tools/KernelMatrix.ps1 for one boot; run by tools/kernel/init inside the host's root.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/run/cowpages-home TMPDIR=$run/tmp
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 POWERSHELL_TELEMETRY_OPTOUT=1 POWERSHELL_UPDATECHECK=Off
mkdir -p "`$HOME" "`$TMPDIR"
cd $(ConvertTo-ShellWord $script:RepoRoot)
echo "guest.sh started at `$(cat /proc/uptime | cut -d' ' -f1) s of uptime" > $run/timing
$($command -join ' ') > $run/guest.log 2>&1
echo `$? > $run/exit-code
echo "guest.sh ended at `$(cat /proc/uptime | cut -d' ' -f1) s of uptime" >> $run/timing
"@ | Set-Content (Join-Path $RunDirectory 'guest.sh')
}

function Invoke-KernelGuest {
    <#
    Boots one kernel with RUN/guest.sh and waits for it to power off. Returns the guest script's exit code, or $null
    if it never finished (timeout, panic): the console log then says why.
    #>
    param([Parameter(Mandatory)]$Kernel, [Parameter(Mandatory)][string]$RunDirectory, [int]$TimeoutSeconds = 1800)

    $initrd = New-KernelInitramfs $Kernel
    $console = Join-Path $RunDirectory 'console.log'
    $qemuArgs = @(
        '-accel', 'tcg,thread=multi', '-cpu', 'max', '-m', '4096', '-smp', '2', '-nographic', '-no-reboot',
        '-net', 'none', '-serial', "file:$console", '-monitor', 'none',
        '-kernel', $Kernel.Vmlinuz, '-initrd', $initrd,
        '-append', "console=ttyS0 quiet panic=-1 cowpages.run=$RunDirectory",
        '-virtfs', 'local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap',
        '-virtfs', "local,path=$RunDirectory,mount_tag=results,security_model=none,multidevs=remap"
    )
    $info = [Diagnostics.ProcessStartInfo]::new('qemu-system-x86_64')
    foreach ($a in $qemuArgs) { $info.ArgumentList.Add($a) }
    $info.RedirectStandardInput = $true
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardError = $true
    $info.UseShellExecute = $false
    $qemu = [Diagnostics.Process]::Start($info)
    try {
        $qemu.StandardInput.Close()
        $stderr = $qemu.StandardError.ReadToEndAsync()
        $null = $qemu.StandardOutput.ReadToEndAsync()
        if (-not $qemu.WaitForExit($TimeoutSeconds * 1000)) {
            Write-Host "kernel $($Kernel.Name): no power-off after $TimeoutSeconds s; stopping QEMU." -ForegroundColor Red
            $qemu.Kill()
            $null = $qemu.WaitForExit(10000)
        }
        # 9p complains about special files the guest touches in the shared root; nothing else QEMU says is expected.
        $stderr.Result -split "`n" | Where-Object { $_ -and $_ -notmatch 'attempt to open special file' } | Out-Host
    }
    finally {
        if (-not $qemu.HasExited) { $qemu.Kill() }
        $qemu.Dispose()
    }
    $exitFile = Join-Path $RunDirectory 'exit-code'
    if (Test-Path $exitFile) { [int](Get-Content $exitFile) } else { $null }
}

function New-KernelRunDirectory {
    param([Parameter(Mandatory)]$Kernel, [Parameter(Mandatory)][string]$Purpose)
    $run = Join-Path $script:OutDir "kernels/run/$Purpose-$($Kernel.Name)"
    Remove-Item -Recurse -Force $run -ErrorAction SilentlyContinue
    $null = New-Item -ItemType Directory -Force $run
    $run
}

function Show-GuestFailure {
    # The end of what the guest and its console said, when a run did not finish cleanly.
    param([Parameter(Mandatory)][string]$RunDirectory)
    foreach ($log in 'guest.log', 'console.log') {
        $path = Join-Path $RunDirectory $log
        if (Test-Path $path) {
            Write-Host "--- last lines of $path" -ForegroundColor Yellow
            Get-Content $path -Tail 40 | ForEach-Object { $_ -replace "`r", '' -replace '\e\[[0-9;?]*[A-Za-z]|\ec', '' } | Out-Host
        }
    }
}

function Get-KernelNames {
    param([string]$Kernel = 'All')
    if ($Kernel -eq 'All') { @($script:KernelPackages.Keys) } else { @($Kernel) }
}

function Invoke-KernelTest {
    <#
    Runs the Pester tests tagged Kernel in a guest of each kernel and prints "kernel NAME: N passed, N failed" for each.
    Returns one @{ Name; Passed; Failed; Seconds } per kernel; a guest that did not finish counts as one failure.
    #>
    param([string]$Kernel = 'All', [Parameter(Mandatory)][string]$ModulePath)

    Install-KernelMatrixTools
    $pester = Get-PesterModulePath
    $results = foreach ($name in Get-KernelNames $Kernel) {
        $image = Get-KernelImage $name
        $run = New-KernelRunDirectory $image 'test'
        $summary = Join-Path $run 'summary.json'
        Write-GuestScript -RunDirectory $run -File (Join-Path $PSScriptRoot 'KernelGuest.ps1') -ArgumentList @(
            '-PesterPath', $pester, '-ModulePath', $ModulePath, '-RunDirectory', $run)
        Write-Host "Booting $($image.Package) ($($image.Release)) under QEMU to run the tests tagged Kernel; log: $run/guest.log" -ForegroundColor Cyan
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $exitCode = Invoke-KernelGuest -Kernel $image -RunDirectory $run
        $seconds = [math]::Round($clock.Elapsed.TotalSeconds)
        $passed, $failed = 0, 0
        if ($null -ne $exitCode -and (Test-Path $summary)) {
            $counts = Get-Content $summary | ConvertFrom-Json
            $passed, $failed = [int]$counts.Passed, [int]$counts.Failed
            if ($counts.Release -ne $image.Release) { throw "The guest ran $($counts.Release), not $($image.Release)." }
            $counts.FailedTests | ForEach-Object { Write-Host "kernel $($image.Name): failed: $_" -ForegroundColor Red }
            $counts.SkippedTests | ForEach-Object { Write-Host "kernel $($image.Name): skipped: $_" -ForegroundColor Yellow }
        }
        if ($null -eq $exitCode -or -not (Test-Path $summary) -or $passed -eq 0) {
            # A guest that never finished, or ran no test, is a failure of its own.
            $passed, $failed = 0, [math]::Max(1, $failed)
        }
        if ($failed -gt 0) { Show-GuestFailure $run }
        if (-not (Test-Path (Join-Path $run 'facts/kpage.txt'))) { Write-Host "kernel $($image.Name): the guest captured no facts (see $run/guest.log)" -ForegroundColor Yellow }
        Write-Host "kernel $($image.Name) ($($image.Release)) took $seconds s"
        [pscustomobject]@{ Name = $image.Name; Passed = $passed; Failed = $failed; Seconds = $seconds }
    }
    foreach ($r in $results) { Write-Host "kernel $($r.Name): $($r.Passed) passed, $($r.Failed) failed" }
    $results
}
