# Runs inside an unprivileged pwsh (uid 65534, or root without CAP_SYS_ADMIN) and writes, as JSON to -OutputPath,
# what the module showed it. A file rather than stdout, since pwsh writes every stream to a redirected stdout.
# Started by Unprivileged.Tests.ps1; everything it needs was copied somewhere world-readable.
param(
    [Parameter(Mandatory)][string]$ModuleManifest,
    [Parameter(Mandatory)][string]$FamilyJson,
    [Parameter(Mandatory)][string]$OutputPath,
    [int]$NonDumpableId
)
$ErrorActionPreference = 'Stop'
Import-Module $ModuleManifest
$family = Get-Content $FamilyJson | ConvertFrom-Json

$regions = foreach ($role in 'Parent', 'Child', 'Grandchild') {
    foreach ($r in $family.Regions) {
        $warnings = $null
        $pages = Get-PageMap -Id $family.$role -Address $r.Address -Count $r.Pages -WarningVariable warnings -WarningAction SilentlyContinue
        $present = @($pages | Where-Object Present)
        [pscustomobject]@{
            Role      = $role
            Region    = $r.Name
            Present   = $present.Count
            Exclusive = @($present | Where-Object Exclusive).Count
            File      = @($present | Where-Object FileOrSharedAnon).Count
            Anon      = @($present | Where-Object { -not $_.FileOrSharedAnon }).Count
            WithPfn   = @($pages | Where-Object { $null -ne $_.Pfn }).Count
            Warnings  = @($warnings).Count
            Warning   = "$warnings"
        }
    }
}

function Get-FirstError([scriptblock]$Action) {
    try {
        $null = & $Action -ErrorVariable err -ErrorAction SilentlyContinue
        $e = $err | Select-Object -First 1
    }
    catch {
        $e = $_
    }
    if ($e) {
        [pscustomobject]@{
            Id       = $e.FullyQualifiedErrorId
            Category = "$($e.CategoryInfo.Category)"
            Target   = "$($e.TargetObject)"
            Message  = $e.Exception.Message
        }
    }
}

$pairs = @('Parent', 'Child'), @('Parent', 'Grandchild'), @('Child', 'Grandchild')
$forkWarnings = $null
$forks = foreach ($pair in $pairs) {
    foreach ($r in $family.Regions) {
        $row = Compare-ForkPages -ReferenceId $family.($pair[0]) -DifferenceId $family.($pair[1]) -Address $r.Address -Count $r.Pages `
            -WarningVariable +forkWarnings -WarningAction SilentlyContinue
        $row | Select-Object @{ n = 'Reference'; e = { $pair[0] } }, @{ n = 'Difference'; e = { $pair[1] } }, @{ n = 'Region'; e = { $r.Name } },
            Shared, Copied, Zero, ReferenceOnly, DifferenceOnly, Swapped, NotPresent, @{ n = 'Method'; e = { "$($_.Method)" } }
    }
}

$summaryWarnings = $null
$summaries = foreach ($role in 'Parent', 'Child', 'Grandchild') {
    $s = Get-CowSummary -Id $family.$role -WarningVariable +summaryWarnings -WarningAction SilentlyContinue
    $rollup = @{}
    foreach ($line in Get-Content "/proc/$($family.$role)/smaps_rollup") {
        if ($line -match '^(\w+):\s+(\d+) kB$') { $rollup[$Matches[1]] = [uint64]$Matches[2] * 1024 }
    }
    [pscustomobject]@{
        Role = $role; Method = "$($s.Method)"; Rss = $s.Rss; Pss = $s.Pss; Uss = $s.Uss; Swap = $s.Swap; Anonymous = $s.Anonymous
        CowShared = $s.CowShared; CowPrivate = $s.CowPrivate; Ksm = $s.Ksm
        KernelRss = $rollup.Rss; KernelPss = $rollup.Pss; KernelSwap = $rollup.Swap; KernelAnonymous = $rollup.Anonymous
        KernelUss = $rollup.Private_Clean + $rollup.Private_Dirty
    }
}

# A short watch of the family: its counts must be Compare-ForkPages', by the exclusive bit, with the same one warning.
$watchWarnings = $null
$watch = @(Watch-ForkPages -ReferenceId $family.Parent -DifferenceId $family.Child -Interval 0.5 -Duration 0.5 `
        -WarningVariable watchWarnings -WarningAction SilentlyContinue)
$watchCompare = Compare-ForkPages -ReferenceId $family.Parent -DifferenceId $family.Child -WarningAction SilentlyContinue

# A snapshot taken without CAP_SYS_ADMIN: no frames, one warning, and the same output as live from every cmdlet that
# works without frames.
. (Join-Path $PSScriptRoot 'SnapshotComparison.ps1')
$snapshotPath = Join-Path $HOME 'family.cowsnap'
$ids = $family.Parent, $family.Child, $family.Grandchild
$saveWarnings = $null
$null = Save-CowSnapshot -Id $family.Child -Path $snapshotPath -WarningVariable saveWarnings -WarningAction SilentlyContinue
$saved = Save-BracketedSnapshot -ProcessId $ids -Path $snapshotPath -NoFrames -Attempts 3
$snapshot = [pscustomobject]@{
    FramesVisible = $saved.Info.FramesVisible
    ProcessId     = $saved.Info.ProcessId
    Mode          = "$(& stat -c '%a' $snapshotPath)"
    Warnings      = @($saveWarnings | ForEach-Object { "$_" })
    Attempts      = $saved.Attempts
    Differences   = @($saved.Results.Values | ForEach-Object { $_.Differences })
    Unstable      = @($saved.Results.Values | ForEach-Object { $_.Unstable } | Select-Object -Unique)
    Compared      = @($saved.Results.Keys)
    PageFlagsError = Get-FirstError { Get-PageFlags -SnapshotPath $snapshotPath -Pfn 1 }
}

[pscustomobject]@{
    Watch          = @($watch | Select-Object DifferenceId, Shared, Copied, ReferenceOnly, DifferenceOnly, @{ n = 'Method'; e = { "$($_.Method)" } })
    WatchCompare   = [pscustomobject]@{
        Shared = [uint64]($watchCompare | Measure-Object Shared -Sum).Sum; Copied = [uint64]($watchCompare | Measure-Object Copied -Sum).Sum
        ReferenceOnly = [uint64]($watchCompare | Measure-Object ReferenceOnly -Sum).Sum; DifferenceOnly = [uint64]($watchCompare | Measure-Object DifferenceOnly -Sum).Sum
    }
    WatchWarnings  = @($watchWarnings | ForEach-Object { "$_" })
    WatchOtherUserError = Get-FirstError { Watch-ForkPages -ReferenceId 1 -Duration 0.5 }
    WatchPfnError  = Get-FirstError { Watch-ForkPages -ReferenceId $family.Parent -Method Pfn -Duration 0.5 }
    Snapshot       = $snapshot
    Regions        = $regions
    Forks          = $forks
    ForkWarnings   = @($forkWarnings | ForEach-Object { "$_" })
    Summaries      = $summaries
    SummaryWarnings = @($summaryWarnings | ForEach-Object { "$_" })
    PageFlagsError = Get-FirstError { Get-PageFlags -Pfn 4096 }
    PfnMethodError = Get-FirstError { Get-CowSummary -Id $family.Parent -Method Pfn }
    OtherUserError = Get-FirstError { Get-PageMap -Id 1 }
    NonDumpableError = if ($NonDumpableId) { Get-FirstError { Get-CowSummary -Id $NonDumpableId -WarningAction SilentlyContinue } }
    MeasureFlagsError = Get-FirstError { Measure-PageFlags -Id $family.Parent }
    MeasuredFrames = $(try { (Measure-PageFlags -Pfn 4096 -Count 16 -ErrorAction Stop | Measure-Object Pages -Sum).Sum } catch { 0 })
    PageFlagsCount = try { @(Get-PageFlags -Pfn 4096 -ErrorAction Stop).Count } catch { 0 }
} | ConvertTo-Json -Depth 5 | Set-Content $OutputPath
