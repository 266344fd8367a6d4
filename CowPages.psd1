@{
    RootModule           = 'CowPages.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '6f3c1d52-8a4e-4b7f-9c21-5e0d7a3b9f14'
    Author               = 'CowPages contributors'
    CompanyName          = 'CowPages'
    Copyright            = '(c) CowPages contributors. MIT License.'
    Description          = 'Which pages of a forked process are still shared copy-on-write with its parent, and which did the kernel really copy? CowPages decodes /proc/PID/pagemap, /proc/kpageflags, /proc/kpagecount and /proc/kpagecgroup into typed objects: the pages of a process, the flags of physical frames, a child compared with its parent page by page, and per-process copy-on-write summaries that agree with smaps; snapshots carry all of it to another host. Linux only; exact answers need root, and without root it reports what the pagemap bits still prove.'
    CompatiblePSEditions = @('Core')
    PowerShellVersion    = '7.4'
    FormatsToProcess     = @('CowPages.Format.ps1xml')
    TypesToProcess       = @('CowPages.Types.ps1xml')
    CmdletsToExport      = @(
        'Get-PageMap'
        'Get-PageFlags'
        'Compare-ForkPages'
        'Get-CowSummary'
        'Watch-ForkPages'
        'Save-CowSnapshot'
        'Show-CowMap'
        'Export-CowReport'
        'Measure-PageFlags'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('Linux', 'Memory', 'CopyOnWrite', 'COW', 'Fork', 'Pagemap', 'KPageFlags', 'Procfs', 'THP', 'PSEdition_Core')
            ProjectUri   = 'https://example.invalid/cowpages'
            ReleaseNotes = @'
0.1.0, the first release:
- Get-PageMap: one object per virtual page from /proc/PID/pagemap (present, swapped, PFN, exclusive, file/shmem, guard, the raw word).
- Get-PageFlags: page flags, map count and memory cgroup of physical frames from /proc/kpageflags, kpagecount and kpagecgroup.
- Compare-ForkPages: a forked child against its parent, per range or per page: Shared, Copied, Zero and the one-sided states; exact by PFN as root, by the exclusive bit without.
- Get-CowSummary: Rss, Pss, Uss and the copy-on-write split of each process or mapping, agreeing with smaps_rollup.
- Watch-ForkPages: copy-on-write over time: a parent against each of its children every interval, with the rate at which copies grow, as a live log or a time series for Export-Csv.
- Save-CowSnapshot: processes' pagemaps, frames and procfs files in one compact file, with frames renumbered so that no physical address leaves the host; every cmdlet reads it with -SnapshotPath, on any host, as it read the live processes.
- Show-CowMap: a map of a child's address space in the terminal, one row per range, that shows where the copies sit, down to one 4 KiB copy in a 2 MiB huge page.
- Export-CowReport: one self-contained HTML file for a ticket, with the map as SVG, a sortable table of ranges, a bar chart of summaries and a time chart of samples.
- Measure-PageFlags: the page-types table of a process or of physical memory, one row per distinct kpageflags word, at page-types' speed.
- Help for every cmdlet and about_CowPages; default views with addresses and PFNs in hex.
'@
        }
    }
}
