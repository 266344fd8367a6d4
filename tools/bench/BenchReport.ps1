# Turns the benchmark's rows into the printed table and out/bench/results.md.

function New-BenchRow {
    <#
    One line of the table. $Ms is the cmdlet's median in the warm pwsh; $Reference the C reader's result
    (Invoke-BenchReader), whose own measured work time is the denominator of Ratio. $Limit is the target
    ratio (or pages per second when -PagesPerSecondTarget). $Agrees says whether the cmdlet's numbers equalled the
    reference's, for rows that check them.
    #>
    param(
        [string]$Work, [string]$Target, [double]$Ms, [uint64]$Pages, $Reference, [string]$ReferenceName,
        [double]$Limit, [switch]$PagesPerSecondTarget, $Peak, [string]$Note, [Nullable[bool]]$Agrees
    )
    $ratio = if ($Reference -and $Reference.WorkMs -gt 0) { $Ms / $Reference.WorkMs } else { $null }
    $rate = if ($Pages -and $Ms -gt 0) { $Pages / ($Ms / 1000) } else { $null }
    $met = if ($PagesPerSecondTarget) { $null -ne $rate -and $rate -ge $Limit }
    elseif ($Limit -and $null -ne $ratio) { $ratio -le $Limit }
    else { $null }
    [pscustomobject]@{
        Work          = $Work
        Ms            = $Ms
        Reference     = $ReferenceName
        RefWorkMs     = if ($Reference) { $Reference.WorkMs } else { $null }
        RefWallMs     = if ($Reference) { $Reference.WallMs } else { $null }
        Ratio         = $ratio
        PagesPerSec   = $rate
        PeakMiB       = if ($Peak) { $Peak.PeakKiB / 1024 } else { $null }
        ExtraMiB      = if ($Peak) { $Peak.ExtraKiB / 1024 } else { $null }
        Target        = $Target
        Met           = switch ($met) { $true { 'yes' } $false { 'NO' } default { '-' } }
        Note          = $Note
        Agrees        = $Agrees
    }
}

function Format-BenchNumber {
    param($Value, [string]$Format = 'N1')
    if ($null -eq $Value -or '' -eq $Value) { '' } else { ([double]$Value).ToString($Format, [cultureinfo]::InvariantCulture) }
}

function ConvertTo-BenchMarkdown {
    # The table as Markdown, headed by the machine it ran on.
    param($Rows, [string]$Machine, [string]$Command)
    $lines = [System.Collections.Generic.List[string]]::new()
    $lines.Add('# CowPages benchmark results')
    $lines.Add('')
    $lines.Add("Machine: $Machine  ")
    $lines.Add("Command: ``$Command``  ")
    $lines.Add('Times are medians of the timed runs: cmdlets inside one warm pwsh (after a warm-up run), C readers as processes. ' +
        'Ratio = cmdlet time / the C reader''s own measured work time (the reader''s process wall time is shown beside it). ' +
        'Peak = VmHWM of the pwsh during the row (reset through /proc/self/clear_refs); Extra = Peak minus its Rss when the row began.')
    $lines.Add('')
    $lines.Add('| Work | ms | Reference | ref ms (work / process) | Ratio | Pages/s | Peak MiB | Extra MiB | Target | Met | Note |')
    $lines.Add('| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | --- | --- | --- |')
    foreach ($r in $Rows) {
        # A pipe inside a cell ends it in Markdown.
        $work = $r.Work -replace '\|', '\|'
        $note = "$($r.Note)" -replace '\|', '\|'
        $ref = if ($null -ne $r.RefWorkMs) { "$(Format-BenchNumber $r.RefWorkMs) / $(Format-BenchNumber $r.RefWallMs)" } else { '' }
        $lines.Add("| $work | $(Format-BenchNumber $r.Ms) | $($r.Reference) | $ref | $(Format-BenchNumber $r.Ratio 'N2') | " +
            "$(Format-BenchNumber $r.PagesPerSec 'N0') | $(Format-BenchNumber $r.PeakMiB) | $(Format-BenchNumber $r.ExtraMiB) | $($r.Target) | $($r.Met) | $note |")
    }
    $lines -join "`n"
}

function Write-BenchTable {
    # The table for the terminal: one line per row, the wide notes underneath.
    param($Rows)
    $Rows | Format-Table -AutoSize -Wrap @(
        'Work'
        @{ n = 'ms'; e = { Format-BenchNumber $_.Ms }; a = 'right' }
        'Reference'
        @{ n = 'ref ms'; e = { if ($null -ne $_.RefWorkMs) { Format-BenchNumber $_.RefWorkMs } }; a = 'right' }
        @{ n = 'ratio'; e = { Format-BenchNumber $_.Ratio 'N2' }; a = 'right' }
        @{ n = 'pages/s'; e = { Format-BenchNumber $_.PagesPerSec 'N0' }; a = 'right' }
        @{ n = 'peak MiB'; e = { Format-BenchNumber $_.PeakMiB }; a = 'right' }
        @{ n = 'extra MiB'; e = { Format-BenchNumber $_.ExtraMiB }; a = 'right' }
        'Target'
        'Met'
    ) | Out-String -Width 220 | Write-Host
    foreach ($r in $Rows | Where-Object Note) { Write-Host "  $($r.Work): $($r.Note)" }
}
