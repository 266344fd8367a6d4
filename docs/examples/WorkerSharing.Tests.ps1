<#
A scheduled check for a fleet of pre-fork servers: no worker has copied more than 30% of its master's anonymous
memory. Copy-on-write sharing is what makes pre-forking cheap; a worker that has copied a large part of its master
costs nearly a process of its own, which is worth an alert before memory runs out.

On each host the master's PID comes from -PidFile (gunicorn: --pid, Unicorn/Puma: pid, PHP-FPM: pid); its workers
are its child processes. Each worker is compared with its master page by page (Compare-ForkPages, exact as root), and
its copied bytes are set against the master's anonymous memory (Get-CowSummary). There is one test per host and one
per worker, named after the host and the PIDs, so that a failure says where to look:

    Invoke-Pester -Container (New-PesterContainer -Path ./WorkerSharing.Tests.ps1 -Data @{
        HostName = 'web1', 'web2', 'web3'; PidFile = '/run/gunicorn.pid' })

Add -CI to exit non-zero on a failure (for cron or a systemd timer). The hosts need CowPages installed and PowerShell
remoting over SSH; -Connection passes more Invoke-Command parameters, such as KeyFilePath or Options.
#>
param(
    [Parameter(Mandatory)][string[]]$HostName,
    [Parameter(Mandatory)][string]$PidFile,
    [ValidateRange(0, 100)][double]$MaxCopiedPercent = 30,
    [hashtable]$Connection = @{}
)

BeforeDiscovery {
    # One round trip per host, at discovery, so that every test below has its numbers.
    $workers = @(Invoke-Command -HostName $HostName @Connection -ErrorAction Continue -ArgumentList $PidFile -ScriptBlock {
            param($PidFile)
            $master = [int](Get-Content -Path $PidFile -TotalCount 1)
            $anonymous = (Get-CowSummary -Id $master).Anonymous
            foreach ($worker in Get-Process | Where-Object { $_.Parent.Id -eq $master }) {
                $copied = (Compare-ForkPages -ReferenceId $master -DifferenceId $worker.Id | Measure-Object -Property CopiedBytes -Sum).Sum
                [pscustomobject]@{ Master = $master; Worker = $worker.Id; MasterAnonymous = $anonymous; CopiedBytes = [uint64]$copied }
            }
        })
    $hosts = foreach ($name in $HostName) {
        # Remoting names each result's host without the user@ and :port that -HostName may carry.
        $computer = $name -replace '^[^@]*@' -replace ':\d+$'
        @{ Computer = $computer; Workers = @($workers | Where-Object PSComputerName -eq $computer).Count }
    }
    $checks = foreach ($w in $workers) {
        @{
            Computer = $w.PSComputerName; Master = $w.Master; Worker = $w.Worker; Limit = $MaxCopiedPercent
            CopiedMiB = [math]::Round($w.CopiedBytes / 1MB, 2); AnonymousMiB = [math]::Round($w.MasterAnonymous / 1MB, 2)
            Percent = [math]::Round(100 * $w.CopiedBytes / [math]::Max(1, $w.MasterAnonymous), 1)
        }
    }
}

Describe 'Copy-on-write sharing of pre-fork workers' {
    It '<Computer> has a master with workers' -ForEach $hosts {
        $Workers | Should -BeGreaterThan 0 -Because "$Computer should answer, and its master's PID file should name a process with children"
    }

    It '<Computer>: worker <Worker> has copied at most <Limit>% of master <Master>''s anonymous memory' -ForEach $checks {
        $Percent | Should -BeLessOrEqual $Limit -Because "worker $Worker on $Computer copied $CopiedMiB MiB of the $AnonymousMiB MiB anonymous memory of master $Master"
    }
}
