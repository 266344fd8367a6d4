# Runs a script in a fresh pwsh, for work that must not touch the calling session or the user's settings.

function Invoke-ChildPwsh {
    # Returns the child's standard output lines; throws with its standard error if it exits non-zero.
    # -Environment sets variables for the child; a $null value removes one.
    param(
        [Parameter(Mandatory)][string]$File,
        [string[]]$ArgumentList = @(),
        [hashtable]$Environment = @{}
    )
    $info = [Diagnostics.ProcessStartInfo]::new()
    $info.FileName = [Environment]::ProcessPath
    if ((Split-Path -Leaf $info.FileName) -like 'dotnet*') {
        # pwsh installed as a dotnet tool runs through the dotnet host.
        $info.ArgumentList.Add((Join-Path $PSHOME 'pwsh.dll'))
    }
    foreach ($a in @('-NoProfile', '-NonInteractive', '-File', $File) + $ArgumentList) { $info.ArgumentList.Add($a) }
    foreach ($name in $Environment.Keys) {
        if ($null -eq $Environment[$name]) { $null = $info.Environment.Remove($name) } else { $info.Environment[$name] = $Environment[$name] }
    }
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardError = $true
    $info.UseShellExecute = $false
    $process = [Diagnostics.Process]::Start($info)
    $stderr = $process.StandardError.ReadToEndAsync()
    $stdout = $process.StandardOutput.ReadToEnd()
    $process.WaitForExit()
    if ($process.ExitCode -ne 0) {
        throw "pwsh -File $File exited with $($process.ExitCode): $($stderr.Result)$stdout"
    }
    $stdout -split "`r?`n" | Where-Object { $_ }
}
