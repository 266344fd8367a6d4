# Runs the module as uid 65534 (nobody) against a process family that nobody owns, as a user without root would.
BeforeDiscovery {
    . $PSScriptRoot/FixtureExpectations.ps1
}

BeforeAll {
    . $PSScriptRoot/common.ps1
    . $PSScriptRoot/FixtureExpectations.ps1
    $nobody = 65534

    # pwsh (a dotnet local tool) lives under root's home, which nobody cannot read: copy it, the module and
    # the probe script into a world-readable folder.
    $sandbox = Join-Path ([IO.Path]::GetTempPath()) "cowpages-nobody-$([guid]::NewGuid().ToString('n'))"
    $null = New-Item -ItemType Directory $sandbox, "$sandbox/home"
    Copy-Item -Recurse $PSHOME "$sandbox/pwsh"
    Copy-Item -Recurse (Split-Path $ModulePath) "$sandbox/CowPages"
    Copy-Item "$PSScriptRoot/unprivileged/Probe.ps1", "$PSScriptRoot/SnapshotComparison.ps1" $sandbox
    & chmod -R a+rX $sandbox
    & chown $nobody "$sandbox/home"

    $family = Start-PageFamily -User $nobody
    $familyJson = Join-Path $sandbox 'family.json'
    [pscustomobject]@{
        Parent = $family.Parent; Child = $family.Child; Grandchild = $family.Grandchild
        Regions = @($family.Regions.Values | ForEach-Object { [pscustomobject]@{ Name = $_.Name; Address = $_.Address; Pages = $_.Pages } })
    } | ConvertTo-Json -Depth 3 | Set-Content $familyJson
    & chmod a+r $familyJson

    $nonDumpable = Start-Holder nondumpable -User $nobody

    $manifest = Get-ChildItem "$sandbox/CowPages" -Recurse -Filter CowPages.psd1 | Select-Object -First 1
    $probe = @('-NoProfile', '-NonInteractive', '-File', "$sandbox/Probe.ps1", '-ModuleManifest', $manifest.FullName,
        '-FamilyJson', $familyJson, '-NonDumpableId', $nonDumpable.Pids[0])
    $probeLog = & setpriv "--reuid=$nobody" "--regid=$nobody" --clear-groups env "HOME=$sandbox/home" dotnet "$sandbox/pwsh/pwsh.dll" @probe `
        -OutputPath "$sandbox/home/nobody.json"
    $probeExit = $LASTEXITCODE
    $report = Get-Content "$sandbox/home/nobody.json" -Raw -ErrorAction SilentlyContinue | ConvertFrom-Json

    # Root, but with CAP_SYS_ADMIN dropped from every capability set: the kernel hides PFNs from it too.
    $capProbeLog = & setpriv --inh-caps=-sys_admin --bounding-set=-sys_admin env "HOME=$sandbox/home" dotnet "$sandbox/pwsh/pwsh.dll" @probe `
        -OutputPath "$sandbox/home/nosysadmin.json"
    $capProbeExit = $LASTEXITCODE
    $capReport = Get-Content "$sandbox/home/nosysadmin.json" -Raw -ErrorAction SilentlyContinue | ConvertFrom-Json
}

AfterAll {
    Stop-Holder $nonDumpable
    Stop-PageFamily $family
    Remove-Item -Recurse -Force $sandbox -ErrorAction SilentlyContinue
}

Describe 'CowPages as an unprivileged user (uid 65534)' {
    It 'the probe ran as nobody and reported' {
        $probeExit | Should -Be 0 -Because ($probeLog -join "`n")
        $report.Regions.Count | Should -Be $FamilyExpectations.Count
        $report.Forks.Count | Should -Be $ForkExpectations.Count
    }

    It '<Role> <Region>: the same <Present> present, <File> file and <Anon> anon pages as root sees' -ForEach $FamilyExpectations {
        $row = $report.Regions | Where-Object { $_.Role -eq $Role -and $_.Region -eq $Region }
        $row.Present | Should -Be $Present
        $row.File | Should -Be $File
        $row.Anon | Should -Be $Anon
        if ($null -ne $Exclusive) {
            $row.Exclusive | Should -Be $Exclusive
        }
    }

    It 'gets no PFNs, and one warning per call that says why' {
        $report.Regions | ForEach-Object { $_.WithPfn | Should -Be 0 }
        $withPages = $report.Regions | Where-Object { $_.Present -gt 0 }
        $withPages | ForEach-Object { $_.Warnings | Should -Be 1 }
        $withPages[0].Warning | Should -Match 'CAP_SYS_ADMIN'
    }

    It 'stops Get-PageFlags with one PermissionDenied error naming /proc/kpageflags' {
        $report.PageFlagsError.Id | Should -Be 'ProcfsAccessDenied,CowPages.Commands.GetPageFlagsCommand'
        $report.PageFlagsError.Category | Should -Be 'PermissionDenied'
        $report.PageFlagsError.Message | Should -Match '/proc/kpageflags'
        $report.PageFlagsError.Message | Should -Match 'root'
    }

    It 'stops Measure-PageFlags with one PermissionDenied error naming /proc/kpageflags' {
        $report.MeasureFlagsError.Id | Should -Be 'ProcfsAccessDenied,CowPages.Commands.MeasurePageFlagsCommand'
        $report.MeasureFlagsError.Category | Should -Be 'PermissionDenied'
        $report.MeasureFlagsError.Message | Should -Match '/proc/kpageflags'
        $report.MeasuredFrames | Should -Be 0
    }

    It 'compares <Reference> and <Difference> in <Region> by the exclusive bit: <Shared> shared, <Copied> copied' -ForEach ($ForkExpectations | Where-Object Region -ne 'thp') {
        $row = $report.Forks | Where-Object { $_.Reference -eq $Reference -and $_.Difference -eq $Difference -and $_.Region -eq $Region }
        $row.Method | Should -Be 'ExclusiveBit'
        if ($Zero -and -not $KernelFacts.PagemapScan) {
            # Without PAGEMAP_SCAN's PAGE_IS_PFNZERO an unprivileged reader cannot tell the zero page from a shared page.
            $Shared += $Zero
            $Zero = 0
        }
        $row.Zero | Should -Be $Zero
        $row.Shared | Should -Be $Shared
        $row.Copied | Should -Be $Copied
        $row.ReferenceOnly | Should -Be $ReferenceOnly
        $row.DifferenceOnly | Should -Be $DifferenceOnly
        $row.NotPresent | Should -Be $NotPresent
    }

    It 'accounts for every page of the huge page region, though the exclusive bit cannot see every copy there' {
        $report.Forks | Where-Object Region -eq 'thp' | ForEach-Object {
            $_.Shared + $_.Copied | Should -Be 512
            $_.Method | Should -Be 'ExclusiveBit'
        }
    }

    It 'warns once per Compare-ForkPages call about what the exclusive bit cannot tell apart' {
        $report.ForkWarnings.Count | Should -Be $report.Forks.Count
        $report.ForkWarnings[0] | Should -Match 'third process'
    }

    It 'summarises <_> by the exclusive bit, with Rss, Pss, Anonymous and Swap equal to the kernel''s' -ForEach 'Parent', 'Child', 'Grandchild' {
        $row = $report.Summaries | Where-Object Role -eq $_
        $row.Method | Should -Be 'ExclusiveBit'
        $row.Rss | Should -Be $row.KernelRss
        $row.Pss | Should -Be $row.KernelPss
        $row.Anonymous | Should -Be $row.KernelAnonymous
        $row.Swap | Should -Be $row.KernelSwap
        $row.Anonymous | Should -Be ($row.CowShared + $row.CowPrivate + $row.Ksm)
        if ($_ -ne 'Parent') {
            # The parent's huge page is PMD-mapped, where this kernel takes bit 56 from the head page only.
            $row.Uss | Should -Be $row.KernelUss
        }
    }

    It 'warns once per Get-CowSummary call that the split is approximate' {
        $report.SummaryWarnings.Count | Should -Be 3
        $report.SummaryWarnings[0] | Should -Match 'exclusive bit'
    }

    It 'stops Get-CowSummary -Method Pfn with one PermissionDenied error that says what is missing' {
        $report.PfnMethodError.Id | Should -Be 'ProcfsAccessDenied,CowPages.Commands.GetCowSummaryCommand'
        $report.PfnMethodError.Category | Should -Be 'PermissionDenied'
        $report.PfnMethodError.Message | Should -Match 'CAP_SYS_ADMIN'
        $report.PfnMethodError.Message | Should -Match '-Method ExclusiveBit'
    }

    It 'gives a non-dumpable process of its own user a PermissionDenied error' {
        $report.NonDumpableError.Id | Should -Be 'ProcfsAccessDenied,CowPages.Commands.GetCowSummaryCommand'
        $report.NonDumpableError.Category | Should -Be 'PermissionDenied'
        $report.NonDumpableError.Target | Should -Be "$($nonDumpable.Pids[0])"
        $report.NonDumpableError.Message | Should -Match 'dumpable'
    }

    It 'watches its own family by the exclusive bit, counting what Compare-ForkPages counts, with one warning' {
        # Two ticks, unless the first, in a cold pwsh, took longer than both slots.
        $report.Watch.Count | Should -BeIn 1, 2
        foreach ($sample in $report.Watch) {
            $sample.Method | Should -Be 'ExclusiveBit'
            $sample.DifferenceId | Should -Be $family.Child
            # The family holds still, so both ticks count what Compare-ForkPages counted after them.
            ($sample.Shared, $sample.Copied, $sample.ReferenceOnly, $sample.DifferenceOnly) -join ',' |
                Should -Be (($report.WatchCompare.Shared, $report.WatchCompare.Copied, $report.WatchCompare.ReferenceOnly, $report.WatchCompare.DifferenceOnly) -join ',')
        }
        @($report.WatchWarnings | Where-Object { $_ -match 'third process' }).Count | Should -Be 1
    }

    It 'gives Watch-ForkPages on another user''s process a PermissionDenied error naming it, and refuses -Method Pfn' {
        $report.WatchOtherUserError.Id | Should -Be 'ProcfsAccessDenied,CowPages.Commands.WatchForkPagesCommand'
        $report.WatchOtherUserError.Target | Should -Be '1'
        $report.WatchOtherUserError.Message | Should -Match '/proc/1/'
        $report.WatchPfnError.Id | Should -Be 'ProcfsAccessDenied,CowPages.Commands.WatchForkPagesCommand'
        $report.WatchPfnError.Message | Should -Match 'CAP_SYS_ADMIN'
    }

    It 'gives another user''s process a PermissionDenied error naming the PID and the file' {
        $report.OtherUserError.Id | Should -Be 'ProcfsAccessDenied,CowPages.Commands.GetPageMapCommand'
        $report.OtherUserError.Category | Should -Be 'PermissionDenied'
        $report.OtherUserError.Target | Should -Be '1'
        $report.OtherUserError.Message | Should -Match '/proc/1/'
    }
}

Describe 'Snapshots without CAP_SYS_ADMIN' {
    It 'as <Who>: saves the family without frames, warns once why, and the snapshot gives the same output as live' -ForEach @(
        @{ Who = 'uid 65534'; From = 'report' }
        @{ Who = 'root without CAP_SYS_ADMIN'; From = 'capReport' }
    ) {
        $snapshot = (Get-Variable $From -ValueOnly).Snapshot
        $snapshot.FramesVisible | Should -BeFalse
        $snapshot.ProcessId | Should -Be $family.Parent, $family.Child, $family.Grandchild
        $snapshot.Mode | Should -Be '600'
        $snapshot.Warnings | Should -HaveCount 1
        $snapshot.Warnings[0] | Should -Match 'CAP_SYS_ADMIN'
        $snapshot.Compared | Should -Be 'Get-PageMap', 'Compare-ForkPages', 'Get-CowSummary'
        $snapshot.Differences | Should -BeNullOrEmpty -Because "it took $($snapshot.Attempts) attempt(s)"
        # Pss comes from smaps_rollup here, which moves whenever any process maps or unmaps libc.
        $snapshot.Unstable | Where-Object { $_ -notin 'Pss', 'frame' } | Should -BeNullOrEmpty
    }

    It 'as <Who>: Get-PageFlags on that snapshot stops with PermissionDenied naming the file' -ForEach @(
        @{ Who = 'uid 65534'; From = 'report' }
        @{ Who = 'root without CAP_SYS_ADMIN'; From = 'capReport' }
    ) {
        $e = (Get-Variable $From -ValueOnly).Snapshot.PageFlagsError
        $e.Id | Should -Be 'ProcfsAccessDenied,CowPages.Commands.GetPageFlagsCommand'
        $e.Message | Should -Match 'family.cowsnap'
        $e.Message | Should -Match 'without CAP_SYS_ADMIN'
    }
}

Describe 'CowPages as root without CAP_SYS_ADMIN' {
    It 'the probe ran and reported' {
        $capProbeExit | Should -Be 0 -Because ($capProbeLog -join "`n")
        $capReport.Regions.Count | Should -Be $FamilyExpectations.Count
    }

    It 'sees the same pagemap bits but no PFNs, and warns why' {
        foreach ($expected in $FamilyExpectations) {
            $row = $capReport.Regions | Where-Object { $_.Role -eq $expected.Role -and $_.Region -eq $expected.Region }
            $row.Present | Should -Be $expected.Present
            $row.File | Should -Be $expected.File
            $row.WithPfn | Should -Be 0
        }
        ($capReport.Regions | Where-Object Present -gt 0)[0].Warning | Should -Match 'CAP_SYS_ADMIN'
    }

    It 'falls back to the exclusive bit for comparisons and summaries' {
        $capReport.Forks | ForEach-Object { $_.Method | Should -Be 'ExclusiveBit' }
        $capReport.Summaries | ForEach-Object {
            $_.Method | Should -Be 'ExclusiveBit'
            $_.Rss | Should -Be $_.KernelRss
            $_.Anonymous | Should -Be $_.KernelAnonymous
        }
    }

    It 'refuses -Method Pfn, since the PFNs it needs are hidden' {
        $capReport.PfnMethodError.Id | Should -Be 'ProcfsAccessDenied,CowPages.Commands.GetCowSummaryCommand'
        $capReport.PfnMethodError.Message | Should -Match 'CAP_SYS_ADMIN'
    }

    It 'can still read /proc/kpageflags, which only file permissions guard' {
        $capReport.PageFlagsError | Should -BeNullOrEmpty
        $capReport.PageFlagsCount | Should -Be 1
    }

    It 'measures physical frames, but stops Measure-PageFlags -Id with one error that says the PFNs are hidden' {
        $capReport.MeasuredFrames | Should -Be 16
        $capReport.MeasureFlagsError.Id | Should -Be 'ProcfsAccessDenied,CowPages.Commands.MeasurePageFlagsCommand'
        $capReport.MeasureFlagsError.Message | Should -Match 'CAP_SYS_ADMIN'
    }
}
