# CowPages over PowerShell remoting (SSH), for real: three sshd on 127.0.0.1 stand in for the hosts web1, web2 and
# web3 (tools/LoopbackFleet.ps1), each with its own HOME. Over sessions to them, CowPages is installed from the
# nupkg of -Task Package in a shared folder, as the README's fleet install does, and each host starts a page family and writes its PIDs to ~/pagefamily.pids (the master's
# alone to ~/pagefamily.pid, as a pre-fork server writes its pid file). Then one Invoke-Command -HostName call runs
# Get-CowSummary on all three, and the results are checked against the same cmdlet run here, as numbers, as
# formatted text and as CSV; the fleet examples of the README and about_CowPages run as shown there, and so does
# the scheduled check shipped in docs/examples. Everything started is stopped and removed, even on failure.
BeforeAll {
    . $PSScriptRoot/common.ps1
    . (Join-Path $RepoRoot 'tools/LoopbackFleet.ps1')
    . (Join-Path $RepoRoot 'tools/ChildPwsh.ps1')

    $skipReason = if ((& id -u) -ne '0') { 'sshd and root login over SSH need root' } else { Install-OpenSshServer }
    # What the fleet left behind is checked after it stopped, by the last Describe.
    $state = @{ Processes = [Collections.Generic.List[int]]::new(); Root = $null; RunSshdBefore = (Test-Path /run/sshd) }
    $stableFields = 'ProcessId', 'Name', 'ParentId', 'Mapping', 'Rss', 'Swap', 'Anonymous', 'File', 'Shmem',
        'CowShared', 'CowPrivate', 'FileCopies', 'Ksm', 'Zero', 'LargeFolio'
    $exampleOutput = Join-Path $RepoRoot 'out/TestResults/fleet-examples.txt'

    function Show-Text { param([object[]]$InputObject, [string]$As = 'Table') $InputObject | & "Format-$As" | Out-String -Width 300 }
    function Get-Median { param([double[]]$Value) $sorted = $Value | Sort-Object; $sorted[[int][math]::Floor($sorted.Count / 2)] }
    function Invoke-Example {
        # Runs a docs/examples check with Pester in a child pwsh, against the fleet; returns each test's result.
        param([string]$Name, [hashtable]$Data)
        $json = ConvertTo-Json -Depth 5 -Compress -InputObject $Data
        Invoke-ChildPwsh -File (Join-Path $PSScriptRoot 'remoting/Invoke-Example.ps1') -ArgumentList '-PesterPath', (Join-Path (Get-Module Pester).ModuleBase 'Pester.psd1'),
            '-Path', (Join-Path $RepoRoot "docs/examples/$Name"), '-DataJson', $json | ConvertFrom-Json
    }
}

Describe 'Three hosts over PowerShell remoting (SSH)' -Tag 'Remoting' {
    BeforeAll {
        if ($skipReason) { return }
        $pwshPath = Install-RemotingPwsh -RepoRoot $RepoRoot
        $fleet = Start-LoopbackFleet -Name web1, web2, web3 -PwshPath $pwshPath
        $state.Root = $fleet.Root
        $state.Processes.AddRange([int[]]@($fleet.Hosts.Process.Id))
        $connection = $fleet.Connection
        $hostNames = @($fleet.Hosts.Name)
        try {
            $clock = [Diagnostics.Stopwatch]::StartNew()
            $sessions = @(New-PSSession -HostName $fleet.HostNames @connection)
            $openMs = $clock.ElapsedMilliseconds
            # The README's fleet install: every host registers the folder with the package and installs from it.
            $share = Join-Path $fleet.Root 'packages'
            $package = & (Join-Path $RepoRoot 'tools/New-ModulePackage.ps1') -ModulePath $ModulePath -OutputPath $share
            Invoke-Command -Session $sessions -ArgumentList $share -ScriptBlock {
                param($share)
                Register-PSResourceRepository -Name CowPagesShare -Uri $share -Trusted
                Install-PSResource -Name CowPages -Repository CowPagesShare -Scope CurrentUser
            }
            $started = Invoke-Command -Session $sessions -ArgumentList $RepoRoot, $FixtureDir -ScriptBlock {
                param($repo, $fixtures)
                $global:FixtureDir = $fixtures
                . (Join-Path $repo 'tools/PageFamily.ps1')
                $global:family = Start-PageFamily
                Set-Content -Path ~/pagefamily.pid -Value $family.Parent
                Set-Content -Path ~/pagefamily.pids -Value $family.Parent, $family.Child, $family.Grandchild
                [pscustomobject]@{
                    Parent = $family.Parent; Child = $family.Child; Grandchild = $family.Grandchild
                    Pwsh = $PID; PwshExecutable = (Get-Process -Id $PID).Parent.Path; ModuleBase = (Get-Module -ListAvailable CowPages).ModuleBase
                    Home = $HOME; Connection = $env:SSH_CONNECTION
                }
            }
            $families = @{}
            foreach ($f in $started) {
                $families[$f.PSComputerName] = $f
                $state.Processes.AddRange([int[]]@($f.Pwsh, $f.Parent, $f.Child, $f.Grandchild))
            }
            # Only the hosts' own writes tell them apart: web2's master writes 8 anonymous pages it shares.
            $answers = Invoke-Command -Session ($sessions | Where-Object ComputerName -eq 'web2') {
                16..23 | ForEach-Object { Send-PageFamilyCommand $family "touch anon $_" }
            }
            if (@($answers | Where-Object { $_ -ne 'ok' }).Count) { throw "web2's family did not write its pages: $answers" }
            $allIds = foreach ($name in $hostNames) { $families[$name].Parent, $families[$name].Child, $families[$name].Grandchild }
        }
        catch {
            Remove-PSSession -Session $sessions -ErrorAction SilentlyContinue
            Stop-LoopbackFleet $fleet
            throw
        }
    }

    AfterAll {
        if ($skipReason) { return }
        if ($sessions) {
            Invoke-Command -Session $sessions { if ($family) { Stop-PageFamily $family } } -ErrorAction SilentlyContinue
            Remove-PSSession -Session $sessions -ErrorAction SilentlyContinue
        }
        Stop-LoopbackFleet $fleet
    }

    Context 'The hosts' {
        It 'are three sshd on 127.0.0.1, each reached by its own name and port' {
            if ($skipReason) { Set-ItResult -Skipped -Because $skipReason }
            $sessions.Count | Should -Be 3
            $sessions | ForEach-Object { $_.State | Should -Be 'Opened'; $_.Transport | Should -Be 'SSH' }
            @($sessions.ComputerName | Sort-Object) | Should -Be $hostNames
            foreach ($h in $fleet.Hosts) {
                # SSH_CONNECTION: client address and port, server address and port.
                $server = ($families[$h.Name].Connection -split ' ')[2, 3]
                $server | Should -Be '127.0.0.1', "$($h.Port)"
                $families[$h.Name].Home | Should -Be $h.Home
            }
        }

        It 'run the powershell subsystem on a real pwsh executable, and find CowPages, installed from the package, by name' {
            if ($skipReason) { Set-ItResult -Skipped -Because $skipReason }
            Split-Path -Leaf $package | Should -Be "CowPages.$(Split-Path -Leaf $ModulePath).nupkg"
            foreach ($h in $fleet.Hosts) {
                $families[$h.Name].PwshExecutable | Should -Be $pwshPath
                $families[$h.Name].ModuleBase | Should -Be (Join-Path $h.Home ".local/share/powershell/Modules/CowPages/$(Split-Path -Leaf $ModulePath)")
            }
        }
    }

    Context 'One Invoke-Command -HostName call to all three' {
        BeforeAll {
            if ($skipReason) { return }
            $clock = [Diagnostics.Stopwatch]::StartNew()
            $remote = @(Invoke-Command -HostName $fleet.HostNames @connection { Get-CowSummary -Id (Get-Content ~/pagefamily.pids) })
            $fanOutMs = $clock.ElapsedMilliseconds
            $local = @(Get-CowSummary -Id $remote.ProcessId)
        }

        It 'brings back each host''s family, marked with its host, as deserialised summaries' {
            if ($skipReason) { Set-ItResult -Skipped -Because $skipReason }
            $remote.Count | Should -Be 9
            foreach ($name in $hostNames) {
                $f = $families[$name]
                @($remote | Where-Object PSComputerName -eq $name).ProcessId | Should -Be $f.Parent, $f.Child, $f.Grandchild
            }
            $remote | ForEach-Object { $_.PSObject.TypeNames[0] | Should -Be 'Deserialized.CowPages.CowSummary' }
        }

        It 'has the numbers Get-CowSummary gives here for the same processes, sizes still numbers' {
            if ($skipReason) { Set-ItResult -Skipped -Because $skipReason }
            for ($i = 0; $i -lt $remote.Count; $i++) {
                foreach ($field in $stableFields) { $remote[$i].$field | Should -Be $local[$i].$field -Because "$field of $($remote[$i].ProcessId) on $($remote[$i].PSComputerName)" }
                $remote[$i].Rss | Should -BeOfType [uint64]
                $remote[$i].Method | Should -Be $local[$i].Method
                $remote[$i].Method | Should -BeOfType [string]
            }
        }

        It 'sorts across hosts: web2''s master, which wrote 8 pages more, has the most private memory of the masters' {
            if ($skipReason) { Set-ItResult -Skipped -Because $skipReason }
            $sorted = @($remote | Sort-Object CowPrivate -Descending)
            for ($i = 1; $i -lt $sorted.Count; $i++) { $sorted[$i].CowPrivate | Should -BeLessOrEqual $sorted[$i - 1].CowPrivate }
            $masters = @($remote | Where-Object { $_.ProcessId -eq $families[$_.PSComputerName].Parent } | Sort-Object CowPrivate -Descending)
            $masters[0].PSComputerName | Should -Be 'web2'
            # Not exactly 8 pages more: a page of a master's heap or stack may differ between the hosts as well.
            $masters[0].CowPrivate | Should -BeGreaterThan $masters[1].CowPrivate
            @($remote | Sort-Object PSComputerName, ProcessId).PSComputerName | Should -Be ($hostNames | ForEach-Object { $_, $_, $_ })
        }

        It 'exports the merged results to one CSV, numbers and enum names as they print here' {
            if ($skipReason) { Set-ItResult -Skipped -Because $skipReason }
            $csv = Join-Path $fleet.Root 'fleet.csv'
            $remote | Sort-Object PSComputerName, ProcessId | Export-Csv -Path $csv
            $rows = @(Import-Csv $csv)
            $rows.Count | Should -Be 9
            # The local columns in their order, and the three that remoting adds to every object.
            $remotingColumns = 'PSComputerName', 'RunspaceId', 'PSShowComputerName'
            $header = @((Get-Content $csv -TotalCount 1) -replace '"' -split ',')
            $header | Where-Object { $_ -notin $remotingColumns } | Should -Be (($local[0] | ConvertTo-Csv)[0] -replace '"' -split ',')
            foreach ($column in $remotingColumns) { $header | Should -Contain $column }
            foreach ($row in $rows) {
                $same = $remote | Where-Object { $_.PSComputerName -eq $row.PSComputerName -and $_.ProcessId -eq $row.ProcessId }
                foreach ($field in $stableFields + 'Method') { $row.$field | Should -Be "$($same.$field)" -Because "$field in the CSV" }
                [uint64]$row.CowPrivate | Should -Be $same.CowPrivate
            }
        }

        It 'prints the host''s column after the local table''s columns' {
            if ($skipReason) { Set-ItResult -Skipped -Because $skipReason }
            $lines = (Show-Text $remote) -split "`n" | Where-Object { $_.Trim() }
            $localLines = (Show-Text $local) -split "`n" | Where-Object { $_.Trim() }
            ($lines[0] -split '\s+' | Where-Object { $_ }) | Should -Be (@($localLines[0] -split '\s+' | Where-Object { $_ }) + 'PSComputerName')
            for ($i = 0; $i -lt $remote.Count; $i++) { $lines[$i + 2] | Should -Match "\s$($remote[$i].PSComputerName)\s*$" }
        }

        It 'formats each row exactly as here, when the host is hidden (-HideComputerName)' {
            if ($skipReason) { Set-ItResult -Skipped -Because $skipReason }
            # Pss and Uss move when other processes map or unmap the same library pages: compare a reading taken
            # between two identical local ones.
            $compared = $false
            for ($try = 0; $try -lt 10 -and -not $compared; $try++) {
                $before = @(Get-CowSummary -Id $allIds)
                $hidden = @(Invoke-Command -Session $sessions -HideComputerName { Get-CowSummary -Id (Get-Content ~/pagefamily.pids) } |
                        Sort-Object { [array]::IndexOf($allIds, $_.ProcessId) })
                $after = @(Get-CowSummary -Id $allIds)
                if ((Show-Text $before -As List) -ne (Show-Text $after -As List)) { continue }
                Show-Text $hidden | Should -Be (Show-Text $before)
                Show-Text $hidden -As List | Should -Be (Show-Text $before -As List)
                $compared = $true
            }
            $compared | Should -BeTrue -Because 'ten local readings in a row moved while the remote one was taken'
        }

        It 'answers on the open sessions in one call to all three (timings are printed, not asserted)' {
            if ($skipReason) { Set-ItResult -Skipped -Because $skipReason }
            $empty = foreach ($i in 1..10) {
                $clock = [Diagnostics.Stopwatch]::StartNew(); $null = Invoke-Command -Session $sessions[0] { $null }; $clock.Elapsed.TotalMilliseconds
            }
            $summaries = foreach ($i in 1..5) {
                $clock = [Diagnostics.Stopwatch]::StartNew()
                $result = @(Invoke-Command -Session $sessions { Get-CowSummary -Id (Get-Content ~/pagefamily.pids) })
                $clock.Elapsed.TotalMilliseconds
                $result.Count | Should -Be 9
            }
            Write-Host ("    remoting: 3 sessions opened in {0} ms; -HostName fan-out with Get-CowSummary {1} ms; empty call on an open session {2:0.0} ms (median of 10); Get-CowSummary on 3 open sessions {3:0.0} ms (median of 5)" -f
                $openMs, $fanOutMs, (Get-Median $empty), (Get-Median $summaries))
        }
    }

    Context 'The fleet examples of about_CowPages (and the README), as written' {
        BeforeAll {
            if ($skipReason) { return }
            $null = New-Item -ItemType Directory -Force (Split-Path $exampleOutput)
            Set-Content -Path $exampleOutput -Value "Fleet examples, run by tests/Remoting.Tests.ps1 against $($fleet.HostNames -join ', ')"
            function Save-ExampleOutput { param([string]$Title, [object[]]$InputObject) Add-Content $exampleOutput "`n$Title`n$(($InputObject | Out-String -Width 120).TrimEnd())" }
            $fleetNames = $fleet.HostNames
            # The about topic's code blocks that go to the fleet, run word for word but for the line that names the
            # fleet: here its names carry the user and the loopback ports, and the key and ssh options come as defaults.
            $about = Get-Content (Join-Path $RepoRoot 'docs/en-US/about_CowPages.md') -Raw
            $examples = @([regex]::Matches($about, '(?ms)^```powershell\n(.*?)^```') | ForEach-Object { $_.Groups[1].Value } |
                    Where-Object { $_ -match 'Invoke-Command -HostName \$fleet' })
            function Invoke-DocExample {
                param([string]$Code)
                $fleet = $fleetNames
                $PSDefaultParameterValues = @{ 'Invoke-Command:KeyFilePath' = $connection.KeyFilePath; 'Invoke-Command:Options' = $connection.Options }
                & ([scriptblock]::Create(($Code -replace '(?m)^\$fleet = .*$')))
            }
        }

        It 'are two, each a call to the whole fleet' {
            if ($skipReason) { Set-ItResult -Skipped -Because $skipReason }
            $examples.Count | Should -Be 2
        }

        It 'rank the top copy-on-write losers across hosts' {
            if ($skipReason) { Set-ItResult -Skipped -Because $skipReason }
            $top = @(Invoke-DocExample $examples[0])
            Save-ExampleOutput 'Top losers' ($top | Format-Table)
            $top.Count | Should -Be 4
            $top[0].PSComputerName | Should -Be 'web2'
            $top[0].ProcessId | Should -Be $families.web2.Parent
            $expected = Get-CowSummary -Id $allIds | Sort-Object CowPrivate -Descending | Select-Object -First 4
            $top.CowPrivate | Should -Be $expected.CowPrivate
            # The hosts run the same family, so equal CowPrivate ties across them, and a tie may rank either process
            # first: each row is checked against its own process, which the loopback hosts share with this one.
            foreach ($row in $top) {
                $row.CowShared | Should -Be (Get-CowSummary -Id $row.ProcessId).CowShared -Because "process $($row.ProcessId) on $($row.PSComputerName)"
            }
        }

        It 'tabulate each master''s workers per host, shared against copied' {
            if ($skipReason) { Set-ItResult -Skipped -Because $skipReason }
            $text = Invoke-DocExample $examples[1] | Out-String -Width 200
            Save-ExampleOutput 'Workers per host' $text
            $rows = @($text -split "`n" | Where-Object { $_ -match '^\s*web\d' } | ForEach-Object { , @($_ -split '\s+' | Where-Object { $_ }) })
            $rows.Count | Should -Be 3
            for ($i = 0; $i -lt 3; $i++) {
                $f = $families[$hostNames[$i]]
                $pages = Compare-ForkPages -ReferenceId $f.Parent -DifferenceId $f.Child
                $expected = $hostNames[$i], $f.Parent, $f.Child, [math]::Round(($pages | Measure-Object SharedBytes -Sum).Sum / 1MB, 2),
                    [math]::Round(($pages | Measure-Object CopiedBytes -Sum).Sum / 1MB, 2)
                # Compared as numbers: the remote rounding of a sum may print 3.30 where the local one prints 3.3.
                $rows[$i][0..2] | Should -Be ($expected[0..2] | ForEach-Object { "$_" })
                [double[]]$rows[$i][3..4] | Should -Be ([double[]]$expected[3..4])
            }
        }

        It 'runs the scheduled check of docs/examples: it fails for the one worker that copied more, naming its host and PIDs' {
            if ($skipReason) { Set-ItResult -Skipped -Because $skipReason }
            # web3's master writes 200 pages of its shared huge page: each write copies one 4 KiB page, and web3's
            # worker now has another copy than its master of about a third of the master's anonymous memory.
            $answers = Invoke-Command -Session ($sessions | Where-Object ComputerName -eq 'web3') { 0..199 | ForEach-Object { Send-PageFamilyCommand $family "touch thp $_" } }
            @($answers | Where-Object { $_ -ne 'ok' }) | Should -BeNullOrEmpty
            $results = Invoke-Example WorkerSharing.Tests.ps1 @{ HostName = $fleetNames; PidFile = '~/pagefamily.pid'; Connection = $connection }
            Save-ExampleOutput 'Scheduled check, after web3''s master wrote 200 pages' ($results | Format-Table Result, Name, Message -Wrap)
            $results.Count | Should -Be 6
            foreach ($name in $hostNames) {
                $f = $families[$name]
                $hostResult = $results | Where-Object Name -eq "$name has a master with workers"
                $hostResult.Result | Should -Be 'Passed' -Because $hostResult.Message
                $worker = $results | Where-Object Name -eq "${name}: worker $($f.Child) has copied at most 30% of master $($f.Parent)'s anonymous memory"
                if ($name -eq 'web3') {
                    $worker.Result | Should -Be 'Failed'
                    $worker.Message | Should -Match "worker $($f.Child) on web3 copied [\d.]+ MiB of the [\d.]+ MiB anonymous memory of master $($f.Parent), but got 3\d(\.\d)?\.?$"
                }
                else {
                    $worker.Result | Should -Be 'Passed' -Because $worker.Message
                }
            }
        }
    }
}

Describe 'The fleet, after it stopped' -Tag 'Remoting' {
    It 'left no sshd, session, fixture or file behind' {
        if ($skipReason) { Set-ItResult -Skipped -Because $skipReason }
        $state.Processes.Count | Should -BeGreaterOrEqual 15
        $alive = $state.Processes | Where-Object { (Get-Content "/proc/$_/stat" -ErrorAction SilentlyContinue) -and (Get-Content "/proc/$_/stat" -Raw) -notmatch '\) Z ' }
        $alive | Should -BeNullOrEmpty
        $state.Root | Should -Not -Exist
        Test-Path /run/sshd | Should -Be $state.RunSshdBefore
    }
}
