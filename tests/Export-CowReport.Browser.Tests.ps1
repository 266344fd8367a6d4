# The report in a real browser: Debian's chromium, headless, driven over the DevTools protocol (tools/Chromium.ps1).
# The page's own scripts are switched off before it loads, to prove it needs none. The report and the screenshots
# of the last run stay in out/screenshots for a person to look at.
BeforeAll {
    . $PSScriptRoot/common.ps1
    . $PSScriptRoot/ReportSamples.ps1
    . (Join-Path $RepoRoot 'tools/Chromium.ps1')
    $skipReason = if (-not (Find-Chromium)) { 'chromium is not installed; build.ps1 -Task Test (and so .ci/run) installs it with apt-get as root' }
    $shots = Join-Path $RepoRoot 'out/screenshots'
    $null = New-Item -ItemType Directory -Force $shots
    $timings = [ordered]@{}
    if (-not $skipReason) {
        $family = Start-PageFamily
        $comparisons = @(Compare-ForkPages -DifferenceId $family.Child)
        $summaries = @(Get-CowSummary -Id $family.Parent, $family.Child, $family.Grandchild)
        $start = [DateTimeOffset]::Now.AddMinutes(-1)
        $samples = @(New-ForkSample -ReferenceId $family.Parent -DifferenceId $family.Child -Start $start) +
            @(New-ForkSample -ReferenceId $family.Parent -DifferenceId $family.Grandchild -Start $start.AddSeconds(5) -Count 20 -CopiedPages 60)
        $report = Join-Path $shots 'report.html'
        $clock = [Diagnostics.Stopwatch]::StartNew()
        @($comparisons) + @($summaries) + @($samples) | Export-CowReport -Path $report -Title 'CowPages: the page family'
        $timings.ExportMs = $clock.Elapsed.TotalMilliseconds

        $clock.Restart()
        $session = Start-ChromiumSession -Width 1280 -Height 900
        $timings.LaunchMs = $clock.Elapsed.TotalMilliseconds
        $null = Invoke-Cdp $session 'Emulation.setScriptExecutionDisabled' @{ value = $true }
        $url = [Uri]::new($report, [UriKind]::Absolute).AbsoluteUri
        $load = Open-ChromiumPage $session $url
        $timings.LoadMs = $load.LoadMs
        $navigation = Invoke-CdpScript $session 'JSON.stringify(performance.getEntriesByType("navigation")[0])' | ConvertFrom-Json
        $timings.BrowserLoadEventMs = $navigation.loadEventEnd
        $dom = Invoke-CdpScript $session @'
JSON.stringify({
  scripts: document.scripts.length,
  header: { host: document.getElementById('host').textContent, kernel: document.getElementById('kernel').textContent,
            method: document.getElementById('method').textContent },
  maps: [...document.querySelectorAll('svg.map')].map(svg => ({ width: svg.getBoundingClientRect().width, height: svg.getBoundingClientRect().height,
          rows: [...svg.querySelectorAll('g.row')].map(g => ({ start: g.dataset.start, copied: +g.dataset.copied, shared: +g.dataset.shared })),
          copiedShapes: svg.querySelectorAll('path.st-copied').length })),
  ranges: [...document.querySelectorAll('table.ranges tbody tr')].map(tr => {
    const n = c => +tr.querySelector('td.' + c).textContent.replace(/,/g, '');
    return { start: tr.dataset.start, mapping: tr.querySelector('td.mapping').textContent, pages: n('pages'), shared: n('shared'), copied: n('copied'),
             zero: n('zero'), referenceOnly: n('referenceonly'), differenceOnly: n('differenceonly'), swapped: n('swapped'), notPresent: n('notpresent'),
             copiedBytes: tr.dataset.copiedBytes, visible: tr.getBoundingClientRect().height > 0 };
  }),
  summaries: [...document.querySelectorAll('table.summaries tbody tr')].map(tr => ({ ...tr.dataset })),
  bars: document.querySelectorAll('svg.summary g.bar').length,
  samples: [...document.querySelectorAll('table.samples tbody tr')].map(tr => ({ ...tr.dataset })),
  charts: [...document.querySelectorAll('svg.samples')].map(svg => svg.querySelectorAll('polyline').length)
})
'@ | ConvertFrom-Json

        $clock.Restart()
        $top = Save-ChromiumScreenshot $session (Join-Path $shots 'report-top.png')
        $full = Save-ChromiumScreenshot $session (Join-Path $shots 'report.png') -FullPage
        $timings.ScreenshotMs = $clock.Elapsed.TotalMilliseconds
    }
}

AfterAll {
    if ($timings.Count) {
        $timings | ConvertTo-Json | Set-Content (Join-Path $shots 'timings.json')
        Write-Host ('Browser test timings (ms): ' + (($timings.GetEnumerator() | ForEach-Object { '{0} {1:N0}' -f $_.Key, $_.Value }) -join ', '))
    }
    Stop-ChromiumSession $session
    Stop-PageFamily $family
}

Describe 'The report in headless chromium, with the page''s scripts switched off' {
    It 'loads the file without an error, and fetches nothing but the file itself' {
        if ($skipReason) { Set-ItResult -Skipped -Because $skipReason; return }
        $requests = @($load.Events | Where-Object method -eq 'Network.requestWillBeSent' | ForEach-Object { $_.params.request.url })
        $requests | Should -Be @($url)
        @($load.Events | Where-Object method -eq 'Network.loadingFailed') | Should -BeNullOrEmpty
        @($load.Events | Where-Object method -eq 'Runtime.exceptionThrown') | Should -BeNullOrEmpty
        @($load.Events | Where-Object { $_.method -eq 'Log.entryAdded' -and $_.params.entry.level -in 'error', 'warning' } | ForEach-Object { $_.params.entry.text }) |
            Should -BeNullOrEmpty
        $dom.scripts | Should -Be 0
    }

    It 'shows the header of this machine' {
        if ($skipReason) { Set-ItResult -Skipped -Because $skipReason; return }
        $dom.header.host | Should -Be ([IO.File]::ReadAllText('/proc/sys/kernel/hostname').Trim())
        $dom.header.kernel | Should -Be (& uname -r)
        $dom.header.method | Should -Be 'Pfn'
    }

    It 'lays out the map as SVG, with rows adding up to each range''s copied and shared pages' {
        if ($skipReason) { Set-ItResult -Skipped -Because $skipReason; return }
        $dom.maps.Count | Should -Be 1
        $map = $dom.maps[0]
        $map.width | Should -BeGreaterThan 600
        $map.height | Should -BeGreaterThan 100
        $map.copiedShapes | Should -BeGreaterThan 0
        foreach ($c in $comparisons) {
            $rows = @($map.rows | Where-Object { $a = [Convert]::ToUInt64($_.start.Substring(2), 16); $a -ge $c.Start -and $a -lt $c.End })
            $rows.Count | Should -BeGreaterThan 0 -Because "range 0x$($c.Start.ToString('x')) should be drawn"
            ($rows.copied | Measure-Object -Sum).Sum | Should -Be $c.Copied
            ($rows.shared | Measure-Object -Sum).Sum | Should -Be $c.Shared
        }
    }

    It 'shows every range''s numbers as Compare-ForkPages gave them' {
        if ($skipReason) { Set-ItResult -Skipped -Because $skipReason; return }
        $dom.ranges.Count | Should -Be $comparisons.Count
        foreach ($c in $comparisons) {
            $row = @($dom.ranges | Where-Object start -eq ('0x' + $c.Start.ToString('x')))
            $row.Count | Should -Be 1
            $row[0].visible | Should -BeTrue
            ($row[0].mapping, $row[0].pages, $row[0].shared, $row[0].copied, $row[0].zero, $row[0].referenceOnly, $row[0].differenceOnly,
                $row[0].swapped, $row[0].notPresent, [uint64]$row[0].copiedBytes) |
                Should -Be ($c.Mapping, $c.Pages, $c.Shared, $c.Copied, $c.Zero, $c.ReferenceOnly, $c.DifferenceOnly, $c.Swapped, $c.NotPresent, $c.CopiedBytes)
        }
    }

    It 'shows every summary''s and every child''s sample numbers' {
        if ($skipReason) { Set-ItResult -Skipped -Because $skipReason; return }
        $dom.bars | Should -Be 3
        for ($i = 0; $i -lt $summaries.Count; $i++) {
            $s = $summaries[$i]
            ([int]$dom.summaries[$i].pid, [uint64]$dom.summaries[$i].rss, [uint64]$dom.summaries[$i].cowShared, [uint64]$dom.summaries[$i].cowPrivate,
                [uint64]$dom.summaries[$i].file, [uint64]$dom.summaries[$i].swap) | Should -Be ($s.ProcessId, $s.Rss, $s.CowShared, $s.CowPrivate, $s.File, $s.Swap)
        }
        $dom.charts | Should -Be 3, 3
        foreach ($child in $family.Child, $family.Grandchild) {
            $mine = @($samples | Where-Object DifferenceId -eq $child)
            $row = $dom.samples | Where-Object difference -eq "$child"
            ([int]$row.samples, [uint64]$row.lastCopied, [uint64]$row.lastShared) | Should -Be ($mine.Count, $mine[-1].CopiedBytes, $mine[-1].SharedBytes)
        }
    }

    It 're-sorts the ranges by address when its label is clicked, without a script' {
        if ($skipReason) { Set-ItResult -Skipped -Because $skipReason; return }
        $order = 'JSON.stringify([...document.querySelectorAll("table.ranges tbody tr")].map(tr => [tr.dataset.start, tr.getBoundingClientRect().top]).sort((a, b) => a[1] - b[1]).map(a => a[0]))'
        $label = Invoke-CdpScript $session '(() => { const l = document.querySelector("label.s-address"); l.scrollIntoView(); const r = l.getBoundingClientRect(); return { x: r.x + r.width / 2, y: r.y + r.height / 2 }; })()'
        foreach ($type in 'mousePressed', 'mouseReleased') {
            $null = Invoke-Cdp $session 'Input.dispatchMouseEvent' @{ type = $type; x = $label.x; y = $label.y; button = 'left'; clickCount = 1 }
        }
        $shown = @(Invoke-CdpScript $session $order | ConvertFrom-Json)
        $byAddress = @($comparisons | Sort-Object Start | ForEach-Object { '0x' + $_.Start.ToString('x') })
        $shown | Should -Be $byAddress
        $null = Save-ChromiumScreenshot $session (Join-Path $shots 'report-sorted-by-address.png')
    }

    It 'takes screenshots that are not blank, with the map''s colours in them' {
        if ($skipReason) { Set-ItResult -Skipped -Because $skipReason; return }
        $shared = [CowPages.Map.MapPalette]::Of('Shared').HtmlColour
        $copied = [CowPages.Map.MapPalette]::Of('Copied').HtmlColour
        foreach ($png in $top, $full) {
            $ink = Measure-PngInk $session $png $shared, $copied
            $ink.Width | Should -Be 1280
            ($ink.Ink / ($ink.Width * $ink.Height)) | Should -BeGreaterThan 0.02
            $ink.Colours | Should -BeGreaterThan 16
            $ink.Near[$shared] | Should -BeGreaterThan 100
            $ink.Near[$copied] | Should -BeGreaterThan 10
        }
        (Join-Path $shots 'report.png') | Should -Exist
    }
}
