# Compiles the C side of the benchmark (tests/bench/*.c) and runs its reference readers as processes.

function Build-BenchNative {
    # Compiles every tests/bench/*.c into $OutputDir. Kept out of the regular build, so that Test does not pay for it.
    param([string]$SourceDir, [string]$OutputDir)
    $null = New-Item -ItemType Directory -Force $OutputDir
    foreach ($source in Get-ChildItem $SourceDir -Filter '*.c') {
        $binary = Join-Path $OutputDir $source.BaseName
        & cc -O2 -Wall -Wextra -Werror -o $binary $source.FullName
        if ($LASTEXITCODE -ne 0) { throw "cc failed on $($source.Name)." }
    }
}

function ConvertFrom-ReaderLine {
    # A reader prints one line of "name value" pairs; returns them as a hashtable of [uint64].
    param([string]$Line)
    $fields = @{}
    $words = -split $Line
    for ($i = 0; $i + 1 -lt $words.Count; $i += 2) { $fields[$words[$i]] = [uint64]$words[$i + 1] }
    $fields
}

function Invoke-BenchReader {
    <#
    Runs a C reader as a process, -Runs times, and returns the median wall time of the process (Stopwatch
    around start to exit), the median time the reader measured itself (its elapsed_ns: the work without
    exec and libc start-up), and the fields of its last run. -User runs it through setpriv as that uid.
    #>
    param([string]$Path, [string[]]$ArgumentList, [int]$Runs = 5, [string]$User)

    $wall = [System.Collections.Generic.List[double]]::new()
    $self = [System.Collections.Generic.List[double]]::new()
    $fields = $null
    foreach ($run in 1..$Runs) {
        $info = [Diagnostics.ProcessStartInfo]::new()
        if ($User) {
            $info.FileName = 'setpriv'
            foreach ($a in "--reuid=$User", "--regid=$User", '--clear-groups', $Path) { $info.ArgumentList.Add($a) }
        }
        else {
            $info.FileName = $Path
        }
        foreach ($a in $ArgumentList) { $info.ArgumentList.Add($a) }
        $info.RedirectStandardOutput = $true
        $info.RedirectStandardError = $true
        $info.UseShellExecute = $false
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $process = [Diagnostics.Process]::Start($info)
        $out = $process.StandardOutput.ReadToEnd()
        $err = $process.StandardError.ReadToEnd()
        $process.WaitForExit()
        $clock.Stop()
        if ($process.ExitCode -ne 0) {
            throw "$(Split-Path -Leaf $Path) $($ArgumentList -join ' ') failed ($($process.ExitCode)): $err"
        }
        $fields = ConvertFrom-ReaderLine $out
        $wall.Add($clock.Elapsed.TotalMilliseconds)
        $self.Add($fields['elapsed_ns'] / 1e6)
    }
    [pscustomobject]@{
        WallMs = Get-Median $wall
        WorkMs = Get-Median $self
        Fields = $fields
    }
}

function Measure-CowsumEverywhere {
    <#
    The C floor for Get-Process | Get-CowSummary as root: cowsum -s (PAGEMAP_SCAN first, as the cmdlet does) on every
    process that has memory, the work times summed (process start-up left out). Returns the median sum over -Runs rounds and how many processes it read.
    #>
    param([string]$Cowsum, [int]$Runs = 5)
    $sums = foreach ($run in 1..$Runs) {
        $sum = 0.0
        $count = 0
        foreach ($id in (Get-Process).Id) {
            $out = & $Cowsum -s $id 2>$null
            if ($LASTEXITCODE -eq 0 -and $out) {
                $sum += (ConvertFrom-ReaderLine $out)['elapsed_ns'] / 1e6
                $count++
            }
        }
        $sum
    }
    [pscustomobject]@{ WorkMs = Get-Median $sums; Processes = $count }
}

function Invoke-BenchProcess {
    <#
    Runs a program that does not time itself (page-types) -Runs times and returns the median wall time of the process,
    as WorkMs too (start-up included: about a millisecond here), and the output of the last run.
    #>
    param([string]$Path, [string[]]$ArgumentList, [int]$Runs = 5)
    $wall = foreach ($run in 1..$Runs) {
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $output = & $Path @ArgumentList
        $clock.Stop()
        if ($LASTEXITCODE -ne 0) { throw "$(Split-Path -Leaf $Path) $($ArgumentList -join ' ') failed ($LASTEXITCODE)." }
        $clock.Elapsed.TotalMilliseconds
    }
    $median = Get-Median $wall
    [pscustomobject]@{ WallMs = $median; WorkMs = $median; Output = $output }
}
