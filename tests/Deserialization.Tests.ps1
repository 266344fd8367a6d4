# Every type the module's cmdlets declare with [OutputType], sent through PowerShell's serialiser and back, as
# remoting, jobs and Export-Clixml send it: the Deserialized.CowPages.* property bag must print, export, sort, group
# and compare like the live object.
#
# No configuration makes this so. PowerShell's formatter strips the Deserialized. prefix when it finds no view or
# display set for a type name, so CowPages.Format.ps1xml's views and CowPages.Types.ps1xml's display sets serve the
# copies as they are. The default serialisation depth sends each enum as its name (a string: it compares with -eq,
# groups and exports by name; a cast gives back the enum). A deeper SerializationDepth would instead send a number
# that only a TargetTypeForDeserialization entry turns back into the enum, and SSH remoting deserialises with
# PowerShell's default type files only, so the number would arrive and compare false against 'Copied' without an error.
#
# A new output type of the module's is picked up from [OutputType]; it fails here until $samples below has a script
# block for it.
BeforeDiscovery {
    . $PSScriptRoot/common.ps1
    # The module's own types: strings (Show-CowMap) and files (Export-CowReport) are PowerShell's to carry.
    $outputTypes = @(Get-Command -Module CowPages -CommandType Cmdlet | ForEach-Object { $_.OutputType.Name } |
        Where-Object { $_ -like 'CowPages.*' } | Sort-Object -Unique | ForEach-Object { @{ TypeName = $_ } })
}

BeforeAll {
    . $PSScriptRoot/common.ps1
    $family = Start-PageFamily
    $regions = $family.Regions
    $snapshots = Join-Path ([IO.Path]::GetTempPath()) "cowpages-deserialization-$([guid]::NewGuid().ToString('n'))"
    $null = New-Item -ItemType Directory $snapshots

    # Live output with a mix of values: present and absent pages (null PFNs), every comparison state, process totals
    # and per-mapping rows (null and set Mapping), frames with and without a process.
    $samples = @{
        'CowPages.PageMapEntry'   = {
            Get-PageMap -Id $family.Child -Address $regions.file.Address -Count $regions.file.Pages
            Get-PageMap -Id $family.Child -Address $regions.guard.Address -Count $regions.guard.Pages
        }
        'CowPages.PageFrame'      = {
            Get-PageMap -Id $family.Child -Address $regions.anon.Address -Count 2 | Get-PageFlags
            Get-PageMap -Id $family.Child -Address $regions.thp.Address -Count 2 | Get-PageFlags
            Get-PageFlags -Pfn (Get-PageMap -Id $family.Parent -Address $regions.file.Address -Count 1).Pfn -Count 2
        }
        'CowPages.ForkComparison' = { Compare-ForkPages -ReferenceId $family.Parent -DifferenceId $family.Child }
        'CowPages.ForkPage'       = {
            foreach ($name in 'anon', 'file', 'shared', 'untouched', 'guard', 'swapme') {
                $r = $regions[$name]
                Compare-ForkPages -ReferenceId $family.Parent -DifferenceId $family.Child -Address $r.Address -Count ([Math]::Min(16, $r.Pages)) -PerPage
            }
        }
        'CowPages.CowSummary'     = {
            Get-CowSummary -Id $family.Parent, $family.Child, $family.Grandchild
            Get-CowSummary -Id $family.Child -ByMapping
        }
        # One process, a copy of it from its snapshot, and the family (a list of PIDs).
        'CowPages.SnapshotInfo'   = {
            Save-CowSnapshot -Id $family.Child -Path (Join-Path $snapshots 'child.cowsnap')
            Save-CowSnapshot -SnapshotPath (Join-Path $snapshots 'child.cowsnap') -Id $family.Child -Path (Join-Path $snapshots 'copy.cowsnap')
            Save-CowSnapshot -Id $family.Parent -Include Family -Path (Join-Path $snapshots 'family.cowsnap')
        }
        'CowPages.PageFlagsCount' = { Measure-PageFlags -Id $family.Child }
        # Five ticks of the idle family, a sample per tick (the first with no rate yet).
        'CowPages.ForkSample'     = {
            Watch-ForkPages -ReferenceId $family.Parent -DifferenceId $family.Child -Interval ([TimeSpan]::FromMilliseconds(200)) -Duration ([TimeSpan]::FromSeconds(1))
        }
    }

    function Copy-BySerializer {
        # What a remote session hands back: serialised at the type's depth, deserialised without the module's types.
        param([object[]]$InputObject)
        [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($InputObject))
    }
    function Show-Text {
        param([object[]]$InputObject, [string]$As)
        $InputObject | & "Format-$As" | Out-String -Width 300
    }
    function Test-Readable {
        # A scalar that reads, sorts and compares as itself, or a list of them (a snapshot's PIDs arrive as a list).
        param($Value)
        $readable = Get-ReadableScalar
        if ($Value.GetType() -in $readable) { return $true }
        $Value -is [System.Collections.IList] -and -not @($Value | Where-Object { $null -eq $_ -or $_.GetType() -notin $readable })
    }
    function Get-ReadableScalar {
        # The types a value may arrive as and still be read, sorted and compared as itself.
        [type[]]@([string], [bool], [char], [byte], [sbyte], [int16], [uint16], [int], [uint32], [long], [uint64],
            [single], [double], [decimal], [datetime], [timespan], [guid])
    }
}

AfterAll {
    Stop-PageFamily $family
    Remove-Item -Recurse -Force $snapshots -ErrorAction SilentlyContinue
}

Describe '<TypeName> after serialisation' -ForEach $outputTypes {
    BeforeAll {
        $original = if ($samples.ContainsKey($TypeName)) { @(& $samples[$TypeName]) } else { @() }
        $copy = @(Copy-BySerializer $original)
        $properties = if ($original) { $original[0].PSObject.Properties | Where-Object MemberType -in 'Property', 'AliasProperty', 'NoteProperty' } else { @() }
        $enumProperties = @($properties | Where-Object { $original[0].($_.Name) -is [enum] })
    }

    It 'has a sample of live output in this test' {
        $samples.ContainsKey($TypeName) | Should -BeTrue -Because "add a script block that produces $TypeName to `$samples"
        $original.Count | Should -BeGreaterThan 1
        @($original | Where-Object { $_.GetType().FullName -ne $TypeName }) | Should -BeNullOrEmpty
    }

    It 'arrives as Deserialized.<TypeName>, one copy for each object' {
        $copy.Count | Should -Be $original.Count
        $copy | ForEach-Object { $_.PSObject.TypeNames[0] | Should -Be "Deserialized.$TypeName" }
    }

    It 'has a table view of its own, so that the comparisons below compare that view' {
        $views = (Get-FormatData -TypeName $TypeName).FormatViewDefinition
        @($views | ForEach-Object { $_.Control.GetType().Name }) | Should -Contain 'TableControl'
    }

    It 'prints the same table as the live objects' {
        Show-Text $copy -As Table | Should -Be (Show-Text $original -As Table)
    }

    It 'prints the same list as the live objects' {
        Show-Text $copy -As List | Should -Be (Show-Text $original -As List)
    }

    It 'exports the same CSV as the live objects, enums by name' {
        ($copy | ConvertTo-Csv) | Should -Be ($original | ConvertTo-Csv)
    }

    It 'keeps every number a number of the same type and value' {
        $changed = foreach ($p in $properties) {
            for ($i = 0; $i -lt $original.Count; $i++) {
                $value = $original[$i].($p.Name)
                # A DateTimeOffset is no type the serialiser knows: it travels as its text, checked below.
                if ($value -is [enum] -or $value -isnot [ValueType] -or $value -is [DateTimeOffset]) { continue }
                $arrived = $copy[$i].($p.Name)
                if ($null -eq $arrived -or $arrived.GetType() -ne $value.GetType() -or $arrived -ne $value) {
                    "$($p.Name) of object $i was the $($value.GetType().Name) $value and arrived as $(if ($null -ne $arrived) { $arrived.GetType().Name }) '$arrived'"
                }
            }
        }
        $changed | Should -BeNullOrEmpty
    }

    It 'sends each DateTimeOffset as its text, which casts back to the same second' {
        $times = @($properties | Where-Object { $original[0].($_.Name) -is [DateTimeOffset] })
        foreach ($p in $times) {
            for ($i = 0; $i -lt $original.Count; $i++) {
                $value = $original[$i].($p.Name)
                $copy[$i].($p.Name) | Should -BeExactly $value.ToString()
                ([DateTimeOffset]$copy[$i].($p.Name)).ToUnixTimeSeconds() | Should -Be $value.ToUnixTimeSeconds()
            }
        }
    }

    It 'carries nothing unreadable: no property bag, no bare type name' {
        $unreadable = foreach ($object in $copy) {
            foreach ($p in $object.PSObject.Properties) {
                if ($null -eq $p.Value) { continue }
                if (-not (Test-Readable $p.Value)) { "$($p.Name) arrived as $($p.Value.GetType().FullName) ($($p.Value.PSObject.TypeNames[0]))" }
                elseif ($p.Value -is [string] -and $p.Value -match '^(System|CowPages|Microsoft)\.[\w.`\[\]]+$') { "$($p.Name) arrived as the bare type name $($p.Value)" }
            }
        }
        $unreadable | Should -BeNullOrEmpty
    }

    It 'sends each enum as its name, which compares and groups as the enum does' {
        foreach ($p in $enumProperties) {
            for ($i = 0; $i -lt $original.Count; $i++) {
                $value = $original[$i].($p.Name)
                $copy[$i].($p.Name) | Should -BeOfType [string]
                $copy[$i].($p.Name) | Should -BeExactly $value.ToString()
                ($copy[$i].($p.Name) -eq $value) | Should -BeTrue -Because "$($p.Name) '$value' should compare equal to the enum"
            }
            # Group-Object orders the groups by key: strings by name, enums by value. The groups are the same.
            $groups = { param($items) $items | Group-Object -Property $p.Name -NoElement | ForEach-Object { "$($_.Name)=$($_.Count)" } | Sort-Object }
            & $groups $copy | Should -Be (& $groups $original) -Because "grouping by $($p.Name)"
        }
    }

    It 'casts each enum back to itself, for its own sort order and -band' {
        foreach ($p in $enumProperties) {
            $enumType = $original[0].($p.Name).GetType()
            for ($i = 0; $i -lt $original.Count; $i++) {
                ($copy[$i].($p.Name) -as $enumType) | Should -Be $original[$i].($p.Name)
            }
            $castBack = [scriptblock]::Create("[$($enumType.FullName)]`$_.$($p.Name)")
            ($copy | Sort-Object -Property $castBack -Stable).($p.Name) | Should -Be (($original | Sort-Object -Property $p.Name -Stable).($p.Name) | ForEach-Object ToString)
        }
    }
}

Describe 'The samples' {
    It 'cover an enum of every kind the output types carry' {
        # Guards the enum tests above against passing on samples without enums.
        $kinds = foreach ($name in $samples.Keys) {
            if (-not (Get-Command -Module CowPages | Where-Object { $_.OutputType.Name -contains $name })) { continue }
            (& $samples[$name] | Select-Object -First 1).PSObject.Properties | Where-Object { $_.Value -is [enum] } | ForEach-Object { $_.Value.GetType().Name }
        }
        $kinds | Should -Contain 'ForkPageState'
        $kinds | Should -Contain 'ForkMappingSide'
        $kinds | Should -Contain 'CowMethod'
        $kinds | Should -Contain 'PageFlags'
    }
}
