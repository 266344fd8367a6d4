# Save-CowSnapshot, and -SnapshotPath on the four cmdlets: a snapshot of the live page family gives the same output as
# the live processes at the moment it was taken, also after the family has exited.
BeforeDiscovery {
    $cmdlets = 'Get-PageMap', 'Get-PageFlags', 'Compare-ForkPages', 'Get-CowSummary'
}

BeforeAll {
    . $PSScriptRoot/common.ps1
    . $PSScriptRoot/SnapshotComparison.ps1
    $family = Start-PageFamily
    $ids = $family.Parent, $family.Child, $family.Grandchild
    $work = Join-Path ([IO.Path]::GetTempPath()) "cowpages-snapshot-$([guid]::NewGuid().ToString('n'))"
    $null = New-Item -ItemType Directory $work
    $path = Join-Path $work 'family.cowsnap'

    $saved = Save-BracketedSnapshot -ProcessId $ids -Path $path
    $fromSnapshot = $saved.Snapshot
    $results = $saved.Results
    $frames = $saved.Frames

    function Get-ErrorOf([scriptblock]$Action) {
        # The first error an action writes or throws.
        $err = $null
        try { $null = & $Action -ErrorVariable err -ErrorAction SilentlyContinue } catch { return $_ }
        $err | Select-Object -First 1
    }
}

AfterAll {
    Stop-PageFamily $family
    Remove-Item -Recurse -Force $work -ErrorAction SilentlyContinue
}

Describe 'Save-CowSnapshot of the live page family' {
    It 'saves the parent and, with -Include Family, its child and grandchild, in a file only its owner can read' {
        $saved.Info | Should -BeOfType CowPages.SnapshotInfo
        $saved.Info.ProcessId | Should -Be $ids
        $saved.Info.Path | Should -Be $path
        $saved.Info.Length | Should -Be (Get-Item $path).Length
        $saved.Info.FramesVisible | Should -BeTrue
        $saved.Info.ResidentPages | Should -BeGreaterThan 1000
        $saved.Info.HostName | Should -Be ([Environment]::MachineName)
        & stat -c '%a' $path | Should -Be '600'
        Get-ChildItem $work -Force | Should -HaveCount 1 -Because 'the temporary file is renamed, not left behind'
    }

    It '<_> gives the same output from the snapshot as live, frames renumbered one to one' -ForEach $cmdlets {
        $result = $results[$_]
        $result.Differences | Should -BeNullOrEmpty
        $fromSnapshot[$_].Rows.Count | Should -BeGreaterThan 0
        # Only fields the kernel changes whenever any process on the machine starts or exits may move between live runs.
        $result.Unstable | Where-Object { $_ -notin 'Pss', 'MapCount', 'frame' } | Should -BeNullOrEmpty
    }

    It 'pairs every frame of the family with an opaque id, no two frames with one id' {
        # A frame the kernel moved between the live runs around the capture (compaction migrates pages when another
        # test's VM wants memory) cannot be paired, and is left out; the rest must all be.
        $frames.LiveToSnapshot.Count | Should -BeGreaterThan (0.85 * $saved.Info.Frames)
        $saved.Info.Frames | Should -BeGreaterThan 1000
        $frames.SnapshotToLive.Count | Should -Be $frames.LiveToSnapshot.Count
        ($frames.SnapshotToLive.Keys | Measure-Object -Maximum).Maximum | Should -BeLessOrEqual $saved.Info.Frames
    }

    It 'finds the parent of -DifferenceId through the PPid stored in the snapshot' {
        $rows = Compare-ForkPages -SnapshotPath $path -DifferenceId $family.Child
        $rows.ReferenceId | Select-Object -Unique | Should -Be $family.Parent
    }

    It 'compares the child with its parent as the fixture laid them out, by PFN' {
        $r = $family.Regions.anon
        $row = Compare-ForkPages -SnapshotPath $path -DifferenceId $family.Child -Address $r.Address -Count $r.Pages
        $row.Method | Should -Be 'Pfn'
        $row.Shared | Should -Be 52
        $row.Copied | Should -Be 12
    }

    It 'writes a non-terminating ProcessNotFound error naming the file for a PID the snapshot lacks, and goes on' {
        $rows = Get-CowSummary -SnapshotPath $path -Id $PID, $family.Child -ErrorVariable err -ErrorAction SilentlyContinue
        $rows.ProcessId | Should -Be $family.Child
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -Be 'ProcessNotFound,CowPages.Commands.GetCowSummaryCommand'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err[0].TargetObject | Should -Be $PID
        "$err" | Should -Match ([regex]::Escape($path))
    }

    It 'takes processes by value, by property name and as Process objects' {
        ($family.Child | Save-CowSnapshot -Path "$work/value.cowsnap").ProcessId | Should -Be $family.Child
        ([pscustomobject]@{ ProcessId = $family.Child } | Save-CowSnapshot -Path "$work/name.cowsnap").ProcessId | Should -Be $family.Child
        (Get-Process -Id $family.Child | Save-CowSnapshot -Path "$work/process.cowsnap").ProcessId | Should -Be $family.Child
        (Get-CowSummary -Id $family.Grandchild | Save-CowSnapshot -Path "$work/summary.cowsnap").ProcessId | Should -Be $family.Grandchild
    }

    It 'saves the processes it can and writes an error naming each one it cannot' {
        $info = Save-CowSnapshot -Id 2147483646, $family.Child, 0 -Path "$work/partial.cowsnap" -ErrorVariable err -ErrorAction SilentlyContinue
        $info.ProcessId | Should -Be $family.Child
        $err.FullyQualifiedErrorId | Should -Be 'ProcessNotFound,CowPages.Commands.SaveCowSnapshotCommand', 'InvalidProcessId,CowPages.Commands.SaveCowSnapshotCommand'
        $err[0].TargetObject | Should -Be 2147483646
    }

    It 'saves a kernel thread, which has no memory, and reads it back as live: no objects and no error' {
        $kthreadd = 2
        (Get-Content "/proc/$kthreadd/status" -TotalCount 1) | Should -Match 'kthreadd'
        $info = Save-CowSnapshot -Id $kthreadd -Path "$work/kthread.cowsnap"
        $info.ProcessId | Should -Be $kthreadd
        $info.Pages | Should -Be 0
        Get-CowSummary -SnapshotPath "$work/kthread.cowsnap" -Id $kthreadd -ErrorAction Stop | Should -BeNullOrEmpty
        Get-PageMap -SnapshotPath "$work/kthread.cowsnap" -Id $kthreadd -ErrorAction Stop | Should -BeNullOrEmpty
        Compare-ForkPages -SnapshotPath "$work/kthread.cowsnap" -DifferenceId $kthreadd -ErrorAction Stop | Should -BeNullOrEmpty
    }

    It 'writes no file when no process could be saved' {
        $warnings = $null
        Save-CowSnapshot -Id 2147483646 -Path "$work/none.cowsnap" -ErrorAction SilentlyContinue -WarningVariable warnings -WarningAction SilentlyContinue | Should -BeNullOrEmpty
        "$work/none.cowsnap" | Should -Not -Exist
        "$warnings" | Should -Match 'not written'
    }

    It 'stops with SnapshotWriteFailed when the file cannot be written' {
        $e = Get-ErrorOf { Save-CowSnapshot -Id $family.Child -Path "$work/no/such/folder/x.cowsnap" }
        $e.FullyQualifiedErrorId | Should -Be 'SnapshotWriteFailed,CowPages.Commands.SaveCowSnapshotCommand'
        $e.CategoryInfo.Category | Should -Be 'WriteError'
        "$e" | Should -Match 'no/such/folder'
    }
}

Describe 'The cmdlets built on the four, reading the snapshot' {
    # Each is checked against the snapshot's own per-page output, which the tests above prove equal to live.
    It 'Measure-PageFlags counts the snapshot''s pages of a process as Get-PageFlags groups them' {
        $measured = @(Measure-PageFlags -SnapshotPath $path -Id $family.Child)
        $grouped = Get-PageMap -SnapshotPath $path -Id $family.Child -Present | Get-PageFlags -SnapshotPath $path |
            Group-Object { [uint64]$_.Flags } | Sort-Object { [uint64]$_.Name }
        $measured.Count | Should -BeGreaterThan 3
        ($measured | ForEach-Object { '{0:x}={1}' -f [uint64]$_.Flags, $_.Pages }) -join ' ' |
            Should -Be (($grouped | ForEach-Object { '{0:x}={1}' -f [uint64]$_.Name, $_.Count }) -join ' ')
    }

    It 'Measure-PageFlags without -Id counts every frame the snapshot holds, once' {
        (Measure-PageFlags -SnapshotPath $path | Measure-Object Pages -Sum).Sum | Should -Be $saved.Info.Frames
    }

    It 'Show-CowMap draws the snapshot''s child as it draws the idle child live' {
        # The family idles after its setup, and the map holds no frame numbers, so live and snapshot draw alike.
        $map = Show-CowMap -SnapshotPath $path -DifferenceId $family.Child -NoColor -Width 100
        $live = Show-CowMap -DifferenceId $family.Child -NoColor -Width 100
        $map.Count | Should -BeGreaterThan 5
        $map -join "`n" | Should -Be ($live -join "`n")
    }

    It 'Export-CowReport reports the snapshot''s child, with the host, kernel and time of the capture' {
        $report = Join-Path $work 'snapshot-report.html'
        $null = Export-CowReport -SnapshotPath $path -DifferenceId $family.Child -Path $report
        $html = Get-Content -Raw $report
        $html | Should -Match '<svg'
        $html | Should -Match ([regex]::Escape($saved.Info.HostName))
        $html | Should -Match ([regex]::Escape($saved.Info.Kernel))
        $html | Should -Match ([regex]::Escape($saved.Info.CapturedAt.ToString('yyyy-MM-dd HH:mm')))
    }
}

Describe 'A snapshot that cannot be read' {
    BeforeAll {
        $bytes = [IO.File]::ReadAllBytes($path)
    }

    It 'stops the command with ProcfsMalformed naming the file when it is <Name>' -ForEach @(
        @{ Name = 'truncated'; Fault = 'damaged or truncated'; Change = { param($b) $b[0..($b.Length - 100)] } }
        @{ Name = 'damaged'; Fault = 'damaged or truncated'; Change = { param($b) $c = $b.Clone(); $c[100] = $c[100] -bxor 0x20; $c } }
        @{ Name = 'of a newer format'; Fault = 'newer CowPages'; Change = { param($b) $c = $b.Clone(); $c[8] = 99; $c } }
        @{ Name = 'no snapshot at all'; Fault = 'not a CowPages snapshot'; Change = { param($b) [Text.Encoding]::UTF8.GetBytes('hello') } }
    ) {
        $bad = Join-Path $work 'bad.cowsnap'
        [IO.File]::WriteAllBytes($bad, [byte[]](& $Change $bytes))
        $e = Get-ErrorOf { Get-CowSummary -SnapshotPath $bad -Id $family.Child }
        $e.FullyQualifiedErrorId | Should -Be 'ProcfsMalformed,CowPages.Commands.GetCowSummaryCommand'
        $e.CategoryInfo.Category | Should -Be 'InvalidData'
        "$e" | Should -Match ([regex]::Escape($bad))
        "$e" | Should -Match $Fault
    }

    It 'stops the command with ProcfsFileNotFound when there is no such file' {
        $e = Get-ErrorOf { Get-PageMap -SnapshotPath "$work/absent.cowsnap" -Id 1 }
        $e.FullyQualifiedErrorId | Should -Be 'ProcfsFileNotFound,CowPages.Commands.GetPageMapCommand'
        "$e" | Should -Match 'absent.cowsnap'
    }
}

Describe 'The snapshot after the family has exited' {
    BeforeAll {
        Stop-PageFamily $family
        # The children exit when their parent does, and are reaped by whoever inherits them: give them a moment.
        $deadline = [DateTime]::UtcNow.AddSeconds(10)
        while (($gone = @($ids | Where-Object { Test-Path "/proc/$_" })) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
        $afterExit = Get-FamilyOutput -ProcessId $ids -SnapshotPath $path
        $sameIds = @{}
    }

    It 'the family is gone' {
        $gone | Should -BeNullOrEmpty
    }

    It '<_> still gives the same output from the snapshot, with the same frame ids' -ForEach $cmdlets {
        $result = Compare-FamilyOutput -Before $fromSnapshot[$_] -After $fromSnapshot[$_] -Snapshot $afterExit[$_] -Frames $sameIds
        $result.Differences | Should -BeNullOrEmpty
        $afterExit[$_].Rows.Count | Should -Be $fromSnapshot[$_].Rows.Count
        $sameIds.LiveToSnapshot.GetEnumerator() | Where-Object { $_.Key -ne $_.Value } | Should -BeNullOrEmpty
    }

    It 'saves one process of the snapshot into a smaller one, with the same results' {
        $sub = Join-Path $work 'child-only.cowsnap'
        $info = Save-CowSnapshot -SnapshotPath $path -Id $family.Child -Path $sub
        $info.ProcessId | Should -Be $family.Child
        $info.CapturedAt | Should -Be $saved.Info.CapturedAt
        $info.Length | Should -BeLessThan $saved.Info.Length
        $before = Get-CowSummary -SnapshotPath $path -Id $family.Child -ByMapping | ConvertTo-Json -Compress
        Get-CowSummary -SnapshotPath $sub -Id $family.Child -ByMapping | ConvertTo-Json -Compress | Should -Be $before
    }
}
