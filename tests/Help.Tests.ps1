# Checks the help Get-Help shows (built from docs/en-US by tools/ConvertTo-Maml.ps1) against the cmdlets' real
# metadata, so that help and code cannot drift apart unnoticed.
#
# Examples run against the live page family when their code uses at least one of the fixture's variables
# ($parent, $child, $grandchild, $redisChild, bound to the family's PIDs) and no other variable it does not assign
# itself, apart from PowerShell's automatic ones. Examples that need something else (a redis-server, the whole
# machine) name it differently and are only parsed.
BeforeDiscovery {
    . $PSScriptRoot/common.ps1
    . $PSScriptRoot/HelpSupport.ps1
    $excluded = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
    $commands = foreach ($command in Get-Command -Module CowPages -CommandType Cmdlet) {
        $examples = @((Get-Help $command.Name -Full).examples.example)
        @{
            Name       = $command.Name
            Parameters = @($command.Parameters.Keys | Where-Object { $_ -notin $excluded } | Sort-Object | ForEach-Object { @{ Parameter = $_ } })
            Examples   = @(for ($i = 0; $i -lt $examples.Count; $i++) {
                    @{ Command = $command.Name; Title = $examples[$i].title.Trim('- '); Code = $examples[$i].code }
                })
        }
    }
    $runnable = @($commands.Examples | Where-Object { Test-FixtureExample $_.Code })
}

BeforeAll {
    . $PSScriptRoot/common.ps1
    . $PSScriptRoot/HelpSupport.ps1
    $excluded = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
}

Describe '<Name> help' -ForEach $commands {
    BeforeAll {
        $command = Get-Command $Name
        $help = Get-Help $Name -Full
    }

    It 'comes from the MAML file, not from the cmdlet metadata' {
        $command.HelpFile | Should -BeLike '*.dll-Help.xml'
        $help.Synopsis | Should -Not -Match ([regex]::Escape('[<CommonParameters>]'))
        $help.Synopsis.Trim() | Should -Not -BeNullOrEmpty
        ($help.description.Text -join '').Trim() | Should -Not -BeNullOrEmpty
    }

    It 'documents exactly the parameters in the code' {
        $inCode = @($command.Parameters.Keys | Where-Object { $_ -notin $excluded } | Sort-Object)
        $inHelp = @($help.parameters.parameter.name | Sort-Object)
        $inHelp | Should -Be $inCode
        $inHelp | Should -Not -Contain 'ProgressAction'
    }

    It '-<Parameter>: described, with the code''s type, required flag, position, aliases, pipeline input and wildcards' -ForEach $Parameters {
        $inHelp = $help.parameters.parameter | Where-Object name -eq $Parameter
        $inCode = $command.Parameters[$Parameter]
        $sets = @($inCode.ParameterSets.Values)

        ($inHelp.description.Text -join '').Trim() | Should -Not -BeNullOrEmpty
        $type = [Nullable]::GetUnderlyingType($inCode.ParameterType) ?? $inCode.ParameterType
        $inHelp.type.name | Should -Be $type.Name
        [bool]::Parse($inHelp.required) | Should -Be ($sets.IsMandatory -contains $true)
        $position = @($sets.Position | Where-Object { $_ -ge 0 } | Select-Object -Unique)
        $inHelp.position | Should -Be $(if ($position.Count) { "$position" } else { 'named' })
        $helpAliases = @($inHelp.aliases -split ',\s*' | Where-Object { $_ -and $_ -ne 'none' } | Sort-Object)
        $helpAliases | Should -Be @($inCode.Aliases | Sort-Object)
        $byValue = $sets.ValueFromPipeline -contains $true
        $byName = $sets.ValueFromPipelineByPropertyName -contains $true
        $inHelp.pipelineInput | Should -Be $(
            if ($byValue -and $byName) { 'True (ByValue, ByPropertyName)' } elseif ($byValue) { 'True (ByValue)' }
            elseif ($byName) { 'True (ByPropertyName)' } else { 'False' })
        $wildcards = [bool]($inCode.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] })
        [bool]::Parse($inHelp.globbing) | Should -Be $wildcards
    }

    It 'shows one syntax per parameter set, with the set''s parameters, required flags and positions' {
        $signature = {
            param($parameters)
            ($parameters | Sort-Object Name | ForEach-Object { "$($_.Name):$($_.Mandatory):$($_.Position)" }) -join ' '
        }
        $inCode = foreach ($set in $command.ParameterSets) {
            & $signature @($set.Parameters | Where-Object Name -notin $excluded | ForEach-Object {
                    [pscustomobject]@{ Name = $_.Name; Mandatory = $_.IsMandatory; Position = if ($_.Position -ge 0) { "$($_.Position)" } else { 'named' } }
                })
        }
        $inHelp = foreach ($item in $help.syntax.syntaxItem) {
            & $signature @($item.parameter | ForEach-Object {
                    [pscustomobject]@{ Name = $_.name; Mandatory = [bool]::Parse($_.required); Position = $_.position }
                })
        }
        @($inHelp | Sort-Object) | Should -Be @($inCode | Sort-Object)
    }

    It 'names every [OutputType] in its outputs, and explains each' {
        $outputs = @($help.returnValues.returnValue)
        foreach ($type in $command.OutputType.Name) {
            $outputs.type.name | Should -Contain $type
        }
        $outputs | ForEach-Object { ($_.description.Text -join '') | Should -Not -BeNullOrEmpty }
    }

    It 'describes its inputs' {
        $inputs = @($help.inputTypes.inputType)
        $inputs.Count | Should -BeGreaterThan 0
        $inputs | ForEach-Object { ($_.description.Text -join '') | Should -Not -BeNullOrEmpty }
    }

    It 'lists in its notes only error ids the module writes, each with its real category' {
        $known = Get-ModuleErrorId
        $listed = @(Get-DocumentedErrorId ($help.alertSet.alert.Text -join "`n"))
        $listed.Count | Should -BeGreaterOrEqual 3
        foreach ($entry in $listed) {
            $known.Keys | Should -Contain $entry.Id
            $entry.Category | Should -Be $known[$entry.Id] -Because "ErrorHelper.cs gives $($entry.Id) that category"
        }
    }

    It 'has at least three examples, each with code and remarks' {
        $examples = @($help.examples.example)
        $examples.Count | Should -BeGreaterOrEqual 3
        foreach ($example in $examples) {
            $example.code | Should -Not -BeNullOrEmpty
            ($example.remarks.Text -join '').Trim() | Should -Not -BeNullOrEmpty
        }
    }

    It 'has an example that parses: <Title>' -ForEach $Examples {
        $tokens = $errors = $null
        $null = [System.Management.Automation.Language.Parser]::ParseInput($Code, [ref]$tokens, [ref]$errors)
        $errors | Should -BeNullOrEmpty
    }

    It 'has at least two examples that run against the page family' {
        @($Examples | Where-Object { Test-FixtureExample $_.Code }).Count | Should -BeGreaterOrEqual 2
    }
}

Describe 'Help examples run against the live page family' {
    BeforeAll {
        $family = Start-PageFamily
        $work = Join-Path ([IO.Path]::GetTempPath()) "cowpages-examples-$([guid]::NewGuid().ToString('n'))"
        $null = New-Item -ItemType Directory $work
        Push-Location $work
    }

    AfterAll {
        Pop-Location
        Stop-PageFamily $family
        Remove-Item -Recurse -Force $work -ErrorAction SilentlyContinue
    }

    It '<Command>: <Title>' -ForEach $runnable {
        $parent, $child, $grandchild = $family.Parent, $family.Child, $family.Grandchild
        $redisChild = $family.Child
        $before = @(Get-ChildItem $work).Count
        # Stop turns any error an example writes into a failure of this test.
        $ErrorActionPreference = 'Stop'
        $output = & ([scriptblock]::Create($Code))
        (@($output).Count + @(Get-ChildItem $work).Count - $before) | Should -BeGreaterThan 0 -Because 'an example should show something or write a file'
    }
}
