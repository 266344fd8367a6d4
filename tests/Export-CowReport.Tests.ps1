BeforeAll {
    . $PSScriptRoot/common.ps1
    . $PSScriptRoot/ReportSamples.ps1
    $family = Start-PageFamily
    $work = Join-Path ([IO.Path]::GetTempPath()) "cowpages-pictures-report-$([guid]::NewGuid().ToString('n'))"
    $null = New-Item -ItemType Directory $work

    function Read-Report {
        # The report as XML: it is written well-formed, so that this works.
        param([string]$Path)
        $settings = [Xml.XmlReaderSettings]::new()
        $settings.DtdProcessing = 'Ignore'
        $reader = [Xml.XmlReader]::Create($Path, $settings)
        try { $doc = [xml]::new(); $doc.Load($reader); $doc } finally { $reader.Dispose() }
    }

    function Get-RangeRow {
        # The rows of a comparison's table of ranges, with the numbers it shows.
        param($Section)
        foreach ($tr in $Section.SelectNodes(".//table[@class='ranges']/tbody/tr")) {
            $cell = { param($class) [uint64](($tr.SelectSingleNode("td[@class='$class']").InnerText) -replace ',', '') }
            [pscustomobject]@{
                Start = [Convert]::ToUInt64($tr.GetAttribute('data-start').Substring(2), 16); Mapping = $tr.GetAttribute('data-mapping')
                Pages = & $cell pages; Shared = & $cell shared; Copied = & $cell copied; Zero = & $cell zero
                ReferenceOnly = & $cell referenceonly; DifferenceOnly = & $cell differenceonly; Swapped = & $cell swapped; NotPresent = & $cell notpresent
                CopiedBytes = [uint64]$tr.GetAttribute('data-copied-bytes'); SharedBytes = [uint64]$tr.GetAttribute('data-shared-bytes')
            }
        }
    }

    function Assert-SameRange {
        # The table's rows against Compare-ForkPages' objects, range by range.
        param($Rows, $Comparisons)
        @($Rows).Count | Should -Be @($Comparisons).Count
        foreach ($c in $Comparisons) {
            $row = @($Rows | Where-Object Start -eq $c.Start)
            $row.Count | Should -Be 1 -Because "range 0x$($c.Start.ToString('x')) should have one row"
            foreach ($p in 'Mapping', 'Pages', 'Shared', 'Copied', 'Zero', 'ReferenceOnly', 'DifferenceOnly', 'Swapped', 'NotPresent', 'CopiedBytes', 'SharedBytes') {
                $row[0].$p | Should -Be $c.$p -Because "$p of range 0x$($c.Start.ToString('x'))"
            }
        }
    }
}

AfterAll {
    Stop-PageFamily $family
    Remove-Item -Recurse -Force $work -ErrorAction SilentlyContinue
}

Describe 'Export-CowReport -DifferenceId' {
    BeforeAll {
        $path = Join-Path $work 'family.html'
        $result = Export-CowReport -Path $path -DifferenceId $family.Child, $family.Grandchild
        $html = Get-Content -Raw $path
        $doc = Read-Report $path
    }

    It 'writes one file and nothing to the pipeline' {
        $result | Should -BeNullOrEmpty
        $path | Should -Exist
    }

    It 'loads nothing: no script, no address, no source, links only within the page, and a policy that forbids the rest' {
        $html | Should -Not -Match '<script'
        $html | Should -Not -Match 'https?:'
        $html | Should -Not -Match 'url\('
        $doc.SelectNodes('//@src').Count | Should -Be 0
        $doc.SelectNodes('//@href') | ForEach-Object { $_.Value | Should -BeLike '#*' }
        $doc.SelectSingleNode("//meta[@http-equiv='Content-Security-Policy']").GetAttribute('content') | Should -Match "^default-src 'none';"
    }

    It 'heads the report with the host, kernel, time, processes and method' {
        $doc.SelectSingleNode("//dd[@id='host']").InnerText | Should -Be ([IO.File]::ReadAllText('/proc/sys/kernel/hostname').Trim())
        $doc.SelectSingleNode("//dd[@id='kernel']").InnerText | Should -Be (& uname -r)
        $written = [DateTimeOffset]::Parse($doc.SelectSingleNode("//time[@id='time']").GetAttribute('datetime'))
        ([DateTimeOffset]::Now - $written).TotalMinutes | Should -BeLessThan 10
        $pids = $doc.SelectSingleNode("//dd[@id='pids']").InnerText
        $pids | Should -Match "$($family.Child) compared with $($family.Parent)"
        $pids | Should -Match "$($family.Grandchild) compared with $($family.Child)"
        $doc.SelectSingleNode("//dd[@id='method']").InnerText | Should -Be 'Pfn'
    }

    It 'has a section per process whose table equals Compare-ForkPages, range by range' {
        $sections = $doc.SelectNodes("//section[@class='comparison']")
        $sections.Count | Should -Be 2
        foreach ($section in $sections) {
            $id = [int]$section.GetAttribute('data-difference')
            Assert-SameRange (Get-RangeRow $section) @(Compare-ForkPages -DifferenceId $id)
        }
    }

    It 'lists the most copied ranges first' {
        $copied = @(Get-RangeRow $doc.SelectSingleNode("//section[@class='comparison']")).Copied
        $copied | Should -Be @($copied | Sort-Object -Descending)
        $copied[0] | Should -BeGreaterThan 0
    }

    It 'draws the child''s map with the huge page''s one copy on it' {
        $r = $family.Regions.thp
        $svg = $doc.SelectSingleNode("//section[@data-difference='$($family.Child)']//*[local-name()='svg' and @class='map']")
        $rows = @($svg.SelectNodes("*[local-name()='g' and @class='row']") | Where-Object {
                $start = [Convert]::ToUInt64($_.GetAttribute('data-start').Substring(2), 16)
                $start -ge $r.Address -and $start -lt $r.Address + $r.Pages * 4096 })
        ($rows | ForEach-Object { [int]$_.GetAttribute('data-copied') } | Measure-Object -Sum).Sum | Should -Be 1
        ($rows | ForEach-Object { [int]$_.GetAttribute('data-shared') } | Measure-Object -Sum).Sum | Should -Be 511
        $withCopy = @($rows | Where-Object { $_.GetAttribute('data-copied') -eq '1' })
        $withCopy[0].SelectNodes("*[local-name()='path' and @class='st-copied']").Count | Should -Be 1
        $svg.SelectNodes("*[local-name()='text']")[-1].InnerText | Should -Match '1 cell = \d+ [KM]iB'
    }
}

Describe 'Export-CowReport from the pipeline' {
    BeforeAll {
        $comparisons = @(Compare-ForkPages -DifferenceId $family.Child)
        $summaries = @(Get-CowSummary -Id $family.Parent, $family.Child, $family.Grandchild)
        $start = [DateTimeOffset]::Now.AddMinutes(-1)
        $samples = @(New-ForkSample -ReferenceId $family.Parent -DifferenceId $family.Child -Start $start) +
            @(New-ForkSample -ReferenceId $family.Parent -DifferenceId $family.Grandchild -Start $start.AddSeconds(5) -Count 20 -CopiedPages 50)
        $path = Join-Path $work 'mixed.html'
        @($samples) + @($summaries) + @($comparisons) | Export-CowReport -Path $path -Title 'Mixed <sections>'
        $doc = Read-Report $path
    }

    It 'writes the sections in order, whatever order the objects came in: comparisons, summaries, samples' {
        @($doc.SelectNodes('//section').GetAttribute('class')) | Should -Be 'comparison', 'summaries', 'samples'
        $doc.SelectSingleNode('//h1').InnerText | Should -Be 'Mixed <sections>'
    }

    It 'keeps the comparisons'' own numbers in the table' {
        Assert-SameRange (Get-RangeRow $doc.SelectSingleNode("//section[@class='comparison']")) $comparisons
    }

    It 'charts each summary, and tables its numbers' {
        $bars = $doc.SelectNodes("//*[local-name()='svg' and @class='summary']/*[local-name()='g' and @class='bar']")
        $bars.Count | Should -Be 3
        $rows = $doc.SelectNodes("//table[contains(@class,'summaries')]/tbody/tr")
        for ($i = 0; $i -lt 3; $i++) {
            $s = $summaries[$i]
            $row = $rows[$i]
            [int]$row.GetAttribute('data-pid') | Should -Be $s.ProcessId
            foreach ($p in @{ a = 'data-rss'; v = $s.Rss }, @{ a = 'data-cow-shared'; v = $s.CowShared }, @{ a = 'data-cow-private'; v = $s.CowPrivate },
                @{ a = 'data-file'; v = $s.File }, @{ a = 'data-swap'; v = $s.Swap }, @{ a = 'data-pss'; v = $s.Pss }) {
                [uint64]$row.GetAttribute($p.a) | Should -Be $p.v -Because "$($p.a) of $($s.ProcessId)"
            }
            [uint64]$row.GetAttribute('data-other') | Should -Be ([Math]::Max(0, [int64]$s.Rss - [int64]($s.CowShared + $s.CowPrivate + $s.File)))
        }
    }

    It 'charts the samples per child, with their count, last values and peak rate' {
        $doc.SelectNodes("//*[local-name()='svg' and @class='samples']").Count | Should -Be 2
        foreach ($child in $family.Child, $family.Grandchild) {
            $mine = @($samples | Where-Object DifferenceId -eq $child)
            $row = $doc.SelectSingleNode("//table[contains(@class,'samples')]/tbody/tr[@data-difference='$child']")
            [int]$row.GetAttribute('data-samples') | Should -Be $mine.Count
            [uint64]$row.GetAttribute('data-last-copied') | Should -Be $mine[-1].CopiedBytes
            [uint64]$row.GetAttribute('data-last-shared') | Should -Be $mine[-1].SharedBytes
            [double]$row.GetAttribute('data-peak-rate') | Should -Be ($mine.CopiedBytesPerSecond | Measure-Object -Maximum).Maximum
            $svg = $doc.SelectSingleNode("//*[local-name()='svg' and @class='samples' and @data-difference='$child']")
            [int]$svg.GetAttribute('data-points') | Should -Be $mine.Count
            $svg.SelectNodes("*[local-name()='polyline']").Count | Should -Be 3
        }
    }

    It 'charts what Watch-ForkPages samples, as it came, and its round trip through Export-Clixml alike' {
        $watched = @(Watch-ForkPages -ReferenceId $family.Parent -DifferenceId $family.Child -Interval 0.2 -Duration 0.6)
        $watched.Count | Should -BeGreaterOrEqual 2
        $watched[0] | Should -BeOfType CowPages.ForkSample
        $live = Join-Path $work 'watched.html'
        $watched | Export-CowReport -Path $live
        $clixml = Join-Path $work 'watched.clixml'
        $watched | Export-Clixml -Path $clixml
        $copied = Join-Path $work 'watched-copy.html'
        Import-Clixml -Path $clixml | Export-CowReport -Path $copied
        foreach ($report in $live, $copied) {
            $row = (Read-Report $report).SelectSingleNode("//table[contains(@class,'samples')]/tbody/tr[@data-difference='$($family.Child)']")
            [int]$row.GetAttribute('data-samples') | Should -Be $watched.Count -Because $report
            [uint64]$row.GetAttribute('data-last-copied') | Should -Be $watched[-1].CopiedBytes -Because $report
            [uint64]$row.GetAttribute('data-last-shared') | Should -Be $watched[-1].SharedBytes -Because $report
        }
        # The header's Time is the report's, so only the charts and tables are compared.
        $section = { param($p) (Read-Report $p).SelectSingleNode("//section[@class='samples']").OuterXml }
        & $section $copied | Should -Be (& $section $live)
    }

    It 'adds up samples taken per mapping, time by time' {
        $byMapping = @(New-ForkSample -ReferenceId $family.Parent -DifferenceId $family.Child -Start $start -Count 5 -Mapping '[heap]') +
            @(New-ForkSample -ReferenceId $family.Parent -DifferenceId $family.Child -Start $start -Count 5 -Mapping '[anon]')
        $path = Join-Path $work 'by-mapping.html'
        $byMapping | Export-CowReport -Path $path
        $row = (Read-Report $path).SelectSingleNode("//table[contains(@class,'samples')]/tbody/tr")
        [int]$row.GetAttribute('data-samples') | Should -Be 5
        [uint64]$row.GetAttribute('data-last-copied') | Should -Be (2 * $byMapping[4].CopiedBytes)
    }

    It 'draws ForkPage objects, with their counts in the table' {
        $r = $family.Regions.anon
        $path = Join-Path $work 'pages.html'
        Compare-ForkPages -DifferenceId $family.Child -Address $r.Address -Count $r.Pages -PerPage | Export-CowReport -Path $path
        $row = @(Get-RangeRow (Read-Report $path).SelectSingleNode("//section[@class='comparison']"))
        $row.Count | Should -Be 1
        ($row[0].Start, $row[0].Pages, $row[0].Copied, $row[0].Shared) | Should -Be $r.Address, 64, 12, 52
    }

    It 'returns the file with -PassThru, for a path relative to the current location' {
        Push-Location $work
        try {
            $file = Export-CowReport -Path 'relative.html' -InputObject $summaries[0] -PassThru
        }
        finally {
            Pop-Location
        }
        $file | Should -BeOfType System.IO.FileInfo
        $file.FullName | Should -Be (Join-Path $work 'relative.html')
        $file.Length | Should -BeGreaterThan 1000
    }

    It 'writes InvalidInputObject for what it cannot report, and the report without it' {
        $path = Join-Path $work 'partly.html'
        'a string', $summaries[0] | Export-CowReport -Path $path -ErrorVariable err -ErrorAction SilentlyContinue
        $err.FullyQualifiedErrorId | Should -Be 'InvalidInputObject,CowPages.Commands.ExportCowReportCommand'
        $err.TargetObject | Should -Be 'a string'
        (Read-Report $path).SelectNodes("//table[contains(@class,'summaries')]/tbody/tr").Count | Should -Be 1
    }

    It 'warns, and writes a report that says so, when given nothing' {
        $path = Join-Path $work 'empty.html'
        @() | Export-CowReport -Path $path -WarningVariable warned -WarningAction SilentlyContinue
        $warned | Should -Match 'nothing to report'
        Get-Content -Raw $path | Should -Match 'Nothing was given to report'
    }

    It 'stops with ReportNotWritten when the folder does not exist' {
        { $summaries[0] | Export-CowReport -Path (Join-Path $work 'no/such/folder/r.html') -ErrorAction Stop } |
            Should -Throw -ErrorId 'ReportNotWritten,CowPages.Commands.ExportCowReportCommand'
    }

    It 'writes ProcessNotFound for a missing -DifferenceId, and the report without it' {
        $path = Join-Path $work 'missing.html'
        Export-CowReport -Path $path -DifferenceId 999999999, $family.Child -ErrorVariable err -ErrorAction SilentlyContinue
        $err.FullyQualifiedErrorId | Should -Be 'ProcessNotFound,CowPages.Commands.ExportCowReportCommand'
        (Read-Report $path).SelectNodes("//section[@class='comparison']").Count | Should -Be 1
    }
}
