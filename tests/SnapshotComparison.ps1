# Runs the four cmdlets over the page family, live or from a snapshot, and compares the two, for Save-CowSnapshot's
# tests and the unprivileged probe. Dot-sourced; needs the module imported.
#
# Frame numbers differ by design (a snapshot holds opaque ids), so they are compared as a renumbering: equal PFNs
# live must be equal ids in the snapshot and the other way round, across every object of every cmdlet. Every other
# property must be equal, with one allowance the kernel forces: fields that moved between two live runs bracketing
# the capture (map counts of libc pages, and the Pss they feed, change whenever any process on the machine starts or
# exits) are reported as unstable instead of compared. And one flag is left out of page flags: this machine runs a
# DAMON kdamond on physical memory (/sys/kernel/mm/damon/admin/kdamonds/0, operations paddr, on since boot), which sets
# PG_idle on the frames it samples and clears it when they are used, every few milliseconds, so KPF_IDLE of any frame
# may differ between two reads a moment apart.

$script:FrameProperties = 'Pfn', 'ReferencePfn', 'DifferencePfn'
$script:RawProperties = 'Raw', 'ReferenceRaw', 'DifferenceRaw'
$script:FrameMask = [uint64]::MaxValue -shr 9
$script:WithoutIdle = -bnot [uint64][CowPages.PageFlags]::Idle

function ConvertTo-ComparableRow {
    <#
    Output objects as their properties' texts, with their frame numbers apart: Pfn properties, and the frame field of
    raw pagemap words of present pages (a swap entry's field is no frame, and is compared as it is). Each row carries
    the names and texts of its fields and all of them joined, which makes the common case, equal rows, one comparison.
    #>
    param([object[]]$InputObject)
    $names = @{}
    foreach ($object in $InputObject) {
        $type = $object.GetType()
        if (-not $names.ContainsKey($type)) {
            $names[$type] = [string[]]@($object.PSObject.Properties | Where-Object MemberType -eq 'Property' | ForEach-Object Name)
        }
        $fieldNames = [System.Collections.Generic.List[string]]::new()
        $values = [System.Collections.Generic.List[string]]::new()
        $frames = [System.Collections.Generic.List[object]]::new()
        foreach ($name in $names[$type]) {
            $value = $object.$name
            if ($name -in $script:FrameProperties) {
                $frames.Add($value)
            }
            elseif ($name -in $script:RawProperties) {
                $fieldNames.Add($name)
                $values.Add('0x{0:x}' -f ($value -band (-bnot $script:FrameMask)))
                if ($value -band (1UL -shl 63)) { $frames.Add($value -band $script:FrameMask) }
                else { $fieldNames.Add("${name}Frame"); $values.Add("$($value -band $script:FrameMask)") }
            }
            elseif ($name -eq 'Flags' -and $value -is [CowPages.PageFlags]) {
                $fieldNames.Add($name)
                $values.Add("$([CowPages.PageFlags]([uint64]$value -band $script:WithoutIdle))")
            }
            else {
                $fieldNames.Add($name)
                $values.Add("$value")
            }
        }
        [pscustomobject]@{ Names = $fieldNames; Values = $values; Text = "$($type.Name)|$($values -join '|')"; Frames = $frames.ToArray() }
    }
}

function Get-FamilyOutput {
    <#
    What each cmdlet gives for the family's three processes (live, or from -SnapshotPath), as comparable rows, and the
    warnings it wrote. -NoFrames leaves out Get-PageFlags, which needs frames.
    #>
    param([Parameter(Mandatory)][int[]]$ProcessId, [string]$SnapshotPath, [switch]$NoFrames)
    $from = if ($SnapshotPath) { @{ SnapshotPath = $SnapshotPath } } else { @{} }
    $children = $ProcessId[1..($ProcessId.Count - 1)]
    $runs = [ordered]@{
        'Get-PageMap'       = { Get-PageMap -Id $ProcessId @from }
        'Get-PageFlags'     = { Get-PageMap -Id $ProcessId -Present @from -WarningAction SilentlyContinue | Get-PageFlags @from }
        'Compare-ForkPages' = { Compare-ForkPages -DifferenceId $children @from; Compare-ForkPages -DifferenceId $children -PerPage @from }
        'Get-CowSummary'    = { Get-CowSummary -Id $ProcessId @from; Get-CowSummary -Id $ProcessId -ByMapping @from; Get-CowSummary -Id $ProcessId -Method ExclusiveBit @from }
    }
    $output = [ordered]@{}
    foreach ($name in $runs.Keys) {
        if ($NoFrames -and $name -eq 'Get-PageFlags') { continue }
        $all = @(& $runs[$name] 3>&1)
        $warnings = @($all | Where-Object { $_ -is [System.Management.Automation.WarningRecord] } | ForEach-Object { "$_" })
        $rows = @(ConvertTo-ComparableRow @($all | Where-Object { $_ -isnot [System.Management.Automation.WarningRecord] }))
        $output[$name] = [pscustomobject]@{ Rows = $rows; Warnings = $warnings }
    }
    $output
}

function Compare-FamilyOutput {
    <#
    Compares one cmdlet's output from a snapshot with the live runs before and after its capture. Returns the
    differences (empty when the snapshot gave the same output), the fields that moved between the live runs, and how
    many distinct frames were paired. -Frames carries the pairing from one cmdlet to the next.
    #>
    param([Parameter(Mandatory)]$Before, [Parameter(Mandatory)]$After, [Parameter(Mandatory)]$Snapshot, [hashtable]$Frames = @{})
    $differences = [System.Collections.Generic.List[string]]::new()
    $unstable = [System.Collections.Generic.List[string]]::new()
    if (-not $Frames.ContainsKey('LiveToSnapshot')) { $Frames.LiveToSnapshot = @{}; $Frames.SnapshotToLive = @{} }
    if ($Before.Rows.Count -ne $After.Rows.Count) { $differences.Add("the live runs gave $($Before.Rows.Count) and $($After.Rows.Count) objects") }
    if ($Snapshot.Rows.Count -ne $After.Rows.Count) { $differences.Add("the snapshot gave $($Snapshot.Rows.Count) objects, live $($After.Rows.Count)") }
    if (($Snapshot.Warnings -join "`n") -ne ($After.Warnings -join "`n")) {
        $differences.Add("warnings differ: snapshot '$($Snapshot.Warnings -join ' | ')', live '$($After.Warnings -join ' | ')'")
    }
    $count = [Math]::Min($Snapshot.Rows.Count, [Math]::Min($Before.Rows.Count, $After.Rows.Count))
    for ($i = 0; $i -lt $count -and $differences.Count -lt 20; $i++) {
        $b, $a, $s = $Before.Rows[$i], $After.Rows[$i], $Snapshot.Rows[$i]
        if ($b.Text -ne $a.Text -or $s.Text -ne $a.Text) {
            for ($k = 0; $k -lt $a.Values.Count; $k++) {
                $field = $a.Names[$k]
                if ($b.Values[$k] -ne $a.Values[$k]) { $unstable.Add($field); continue }
                if ($s.Values[$k] -ne $a.Values[$k]) {
                    $differences.Add("object $i, ${field}: snapshot '$($s.Values[$k])', live '$($a.Values[$k])'")
                }
            }
        }
        for ($f = 0; $f -lt $a.Frames.Count; $f++) {
            $live, $id = $a.Frames[$f], $s.Frames[$f]
            if ($b.Frames[$f] -ne $live) { $unstable.Add('frame'); continue }
            if (($null -eq $live) -ne ($null -eq $id)) { $differences.Add("object ${i}: frame '$live' live, '$id' in the snapshot"); continue }
            if ($null -eq $live) { continue }
            $known = $Frames.LiveToSnapshot[$live]
            $back = $Frames.SnapshotToLive[$id]
            if (($null -ne $known -and $known -ne $id) -or ($null -ne $back -and $back -ne $live)) {
                $differences.Add("object ${i}: frame $live is $id here, but $known elsewhere (and $id stands for $back)")
            }
            $Frames.LiveToSnapshot[$live] = $id
            $Frames.SnapshotToLive[$id] = $live
        }
    }
    [pscustomobject]@{
        Differences  = $differences.ToArray()
        Unstable     = @($unstable | Select-Object -Unique)
        FramesPaired = $Frames.LiveToSnapshot.Count
    }
}

function Save-BracketedSnapshot {
    <#
    Saves the family between two live runs of the four cmdlets and compares the snapshot's output with them. Other
    work on the machine changes global page state (map counts of shared pages, LRU and idle flags) at any moment, and a
    change that comes and goes between the live runs cannot be told from a wrong snapshot by one attempt: so this
    tries again, up to -Attempts times, until the snapshot agrees with the live runs. A real difference persists and is
    returned. Returns the last attempt's SnapshotInfo, live runs, snapshot output and comparisons, and the attempts used.
    #>
    param([Parameter(Mandatory)][int[]]$ProcessId, [Parameter(Mandatory)][string]$Path, [switch]$NoFrames, [int]$Attempts = 5,
        [string[]]$Unstable = @('Pss', 'MapCount', 'frame'))
    for ($attempt = 1; $attempt -le $Attempts; $attempt++) {
        $before = Get-FamilyOutput -ProcessId $ProcessId -NoFrames:$NoFrames
        $info = Save-CowSnapshot -Id $ProcessId[0] -Include Family -Path $Path -WarningAction SilentlyContinue
        $after = Get-FamilyOutput -ProcessId $ProcessId -NoFrames:$NoFrames
        $snapshot = Get-FamilyOutput -ProcessId $ProcessId -SnapshotPath $Path -NoFrames:$NoFrames
        $frames = @{}
        $results = [ordered]@{}
        $agree = $true
        foreach ($name in $after.Keys) {
            $results[$name] = Compare-FamilyOutput -Before $before[$name] -After $after[$name] -Snapshot $snapshot[$name] -Frames $frames
            $agree = $agree -and $results[$name].Differences.Count -eq 0 -and -not ($results[$name].Unstable | Where-Object { $_ -notin $Unstable })
        }
        if ($agree) { break }
    }
    [pscustomobject]@{
        Info = $info; Before = $before; After = $after; Snapshot = $snapshot; Results = $results; Frames = $frames
        Attempts = [Math]::Min($attempt, $Attempts)
    }
}
