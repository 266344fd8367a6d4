# The rows of issue 12: Measure-PageFlags against the kernel's page-types, and the per-page pipelines (Get-PageFlags,
# Compare-ForkPages -PerPage | Export-Csv) against their floors. Dot-sourced by tools/Bench.ps1, which provides
# Measure-Cmdlet, New-BenchRow, Invoke-BenchProcess and the page-types helpers of tools/PageTypes.ps1.

function Measure-PageTypesRow {
    # Measure-PageFlags -Id against page-types -p on the same process, in this run, with the tables compared.
    param([string]$PageTypes, [int]$ProcessId, [string]$Label, [int]$Runs)
    $reference = Invoke-BenchProcess $PageTypes @('-p', "$ProcessId") -Runs $Runs
    $m = Measure-Cmdlet -Runs $Runs { Measure-PageFlags -Id $ProcessId }
    $pages = [uint64]($m.Output | Measure-Object Pages -Sum).Sum
    $diff = @(Compare-PageFlagsTable $m.Output (Read-PageTypesTable $PageTypes @('-p', "$ProcessId")))
    New-BenchRow -Work "Measure-PageFlags -Id child ($Label)" -Target '<= 1.5 x page-types -p' -Limit 1.5 -Ms $m.MedianMs `
        -Pages $pages -Reference $reference -ReferenceName 'page-types -p (process)' -Peak $m `
        -Note ("{0} rows, {1:N0} pages; {2}; page-types reads kpageflags with one pread per page" -f @($m.Output).Count, $pages,
            $(if ($diff.Count -eq 0) { 'the same table as page-types -r -p, folded' } else { "DIFFERS from page-types in $($diff.Count) words: $($diff[0])" }))
}

function Measure-PerPageRows {
    <#
    The per-page pipelines over one window of the child (-Address, -Count pages), with the parts that make them up
    measured alone, so that the table shows where each microsecond per object goes. Returns the rows.
    #>
    param([int]$ParentId, [int]$ChildId, [uint64]$Address, [uint64]$Count, [int]$Runs, [string]$OutputDir)
    $window = "{0:N0} pages of the child" -f $Count
    $m = Measure-Cmdlet -Runs $Runs { Get-PageMap -Id $ChildId -Address $Address -Count $Count -Present | Get-PageFlags | Measure-Object }
    $objects = [uint64]$m.Output.Count
    New-BenchRow -Work 'Get-PageMap -Present | Get-PageFlags | Measure-Object' -Target '>= 500 k pages/s' -Limit 5e5 -PagesPerSecondTarget `
        -Ms $m.MedianMs -Pages $objects -Peak $m -Note ("{0}; {1:N2} us per page" -f $window, ($m.MedianMs * 1000 / $objects))
    # The same flags (and map counts) in one cmdlet: no second binding per object.
    $m = Measure-Cmdlet -Runs $Runs { Get-PageMap -Id $ChildId -Address $Address -Count $Count -Present -IncludeFrame | Measure-Object }
    New-BenchRow -Work 'Get-PageMap -Present -IncludeFrame | Measure-Object' -Target '>= 500 k pages/s' -Limit 5e5 -PagesPerSecondTarget `
        -Ms $m.MedianMs -Pages ([uint64]$m.Output.Count) -Peak $m -Note ("{0:N2} us per page, flags and map count included" -f ($m.MedianMs * 1000 / [Math]::Max(1, $m.Output.Count)))
    $parts = [ordered]@{
        '  of which: Get-PageMap -Present, output discarded'                  = { $null = Get-PageMap -Id $ChildId -Address $Address -Count $Count -Present }
        '  of which: Get-PageMap -Present | Get-PageFlags, output discarded'  = { $null = Get-PageMap -Id $ChildId -Address $Address -Count $Count -Present | Get-PageFlags }
        '  of which: Measure-PageFlags over the same pages (no objects)'      = { $null = Measure-PageFlags -Id $ChildId -Address $Address -Count $Count }
    }
    foreach ($work in $parts.Keys) {
        $p = Measure-Cmdlet -Runs $Runs $parts[$work]
        New-BenchRow -Work $work -Ms $p.MedianMs -Pages $objects -Peak $p -Note ("{0:N2} us per page" -f ($p.MedianMs * 1000 / $objects))
    }
    # The same pages already collected, piped in again: binding and lookup alone, by property name and by value.
    $entries = Get-PageMap -Id $ChildId -Address $Address -Count $Count -Present
    $pfns = [uint64[]]$entries.Pfn
    $p = Measure-Cmdlet -Runs $Runs { $null = $entries | Get-PageFlags }
    New-BenchRow -Work '  of which: collected PageMapEntry objects | Get-PageFlags (by property name)' -Ms $p.MedianMs -Pages $objects `
        -Note ("{0:N2} us per page: three parameters bound by property name, the lookup, a PageFrame written" -f ($p.MedianMs * 1000 / $objects))
    $p = Measure-Cmdlet -Runs $Runs { $null = $pfns | Get-PageFlags }
    New-BenchRow -Work '  of which: collected PFNs | Get-PageFlags (by value)' -Ms $p.MedianMs -Pages $objects `
        -Note ("{0:N2} us per page: one parameter bound by value" -f ($p.MedianMs * 1000 / $objects))
    $p = Measure-Cmdlet -Runs $Runs { $null = Get-PageFlags -Pfn $pfns }
    New-BenchRow -Work '  of which: Get-PageFlags -Pfn (all PFNs as one argument)' -Ms $p.MedianMs -Pages $objects `
        -Note ("{0:N2} us per page: no pipeline binding; the lookup and the PageFrame objects only" -f ($p.MedianMs * 1000 / $objects))
    $entries = $pfns = $null

    $csv = Join-Path $OutputDir 'perpage.csv'
    $floorCsv = Join-Path $OutputDir 'plain.csv'
    try {
        $m = Measure-Cmdlet -Runs $Runs { Compare-ForkPages -ReferenceId $ParentId -DifferenceId $ChildId -Address $Address -Count $Count -PerPage | Export-Csv $csv }
        $objects = [uint64]((Get-Content $csv | Measure-Object -Line).Lines - 1)
        # The floor: Export-Csv's own cost for as many plain objects with the same properties and values, made beforehand
        # (4,096 distinct ones, repeated, so that the objects' own memory stays small).
        $sample = @(Compare-ForkPages -ReferenceId $ParentId -DifferenceId $ChildId -Address $Address -Count ([Math]::Min($Count, 4096)) -PerPage |
            Select-Object -Property *)
        $plain = [object[]]::new($objects)
        for ($i = 0; $i -lt $objects; $i++) { $plain[$i] = $sample[$i % $sample.Count] }
        $floor = Measure-Cmdlet -Runs $Runs { $plain | Export-Csv $floorCsv }
        $floorRef = [pscustomobject]@{ WorkMs = $floor.MedianMs; WallMs = $floor.MedianMs }
        New-BenchRow -Work 'Compare-ForkPages -PerPage | Export-Csv' -Target '<= 1.5 x Export-Csv of plain objects' -Limit 1.5 -Ms $m.MedianMs `
            -Pages $objects -Reference $floorRef -ReferenceName 'plain objects | Export-Csv' -Peak $m `
            -Note ("{0}; {1:N2} us per page, the floor {2:N2} us" -f $window, ($m.MedianMs * 1000 / $objects), ($floor.MedianMs * 1000 / $objects))
        New-BenchRow -Work '  floor: as many plain objects (same properties) | Export-Csv' -Ms $floor.MedianMs -Pages $objects -Peak $floor `
            -Note ("{0:N2} us per object" -f ($floor.MedianMs * 1000 / $objects))
        $plain = $null
        # A lower floor still: Export-Csv of the very ForkPage objects, made beforehand, so only their production is left out.
        $made = Compare-ForkPages -ReferenceId $ParentId -DifferenceId $ChildId -Address $Address -Count $Count -PerPage
        $own = Measure-Cmdlet -Runs $Runs { $made | Export-Csv $floorCsv }
        $made = $null
        New-BenchRow -Work '  floor: the same ForkPage objects, collected beforehand | Export-Csv' -Ms $own.MedianMs -Pages $objects -Peak $own `
            -Note ("{0:N2} us per object; the pipeline costs {1:N2} x this" -f ($own.MedianMs * 1000 / $objects), ($m.MedianMs / $own.MedianMs))
        $p = Measure-Cmdlet -Runs $Runs { $null = Compare-ForkPages -ReferenceId $ParentId -DifferenceId $ChildId -Address $Address -Count $Count -PerPage }
        New-BenchRow -Work '  of which: Compare-ForkPages -PerPage, output discarded' -Ms $p.MedianMs -Pages $objects -Peak $p `
            -Note ("{0:N2} us per page" -f ($p.MedianMs * 1000 / $objects))
    }
    finally {
        Remove-Item $csv, $floorCsv -ErrorAction SilentlyContinue
    }
}
