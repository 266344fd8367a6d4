# Checks the markdown in docs/en-US as PlatyPS v1 would read it, independently of our converter, and the about topic
# as pwsh finds it. Help.Tests.ps1 checks the built MAML against the code.
BeforeDiscovery {
    . $PSScriptRoot/common.ps1
    $pages = Get-Command -Module CowPages -CommandType Cmdlet | ForEach-Object {
        @{ Name = $_.Name; Path = Join-Path $RepoRoot "docs/en-US/$($_.Name).md" }
    }
}

BeforeAll {
    . $PSScriptRoot/common.ps1
    . $PSScriptRoot/HelpSupport.ps1
    $docs = Join-Path $RepoRoot 'docs/en-US'

    function Get-MarkdownSection {
        # The lines under each '## Heading' of a page, outside code blocks; code blocks stay in as lines.
        param([string[]]$Lines)
        $sections = [ordered]@{}
        $current = $null
        $inCode = $false
        foreach ($line in $Lines) {
            if ($line -match '^```') { $inCode = -not $inCode }
            if (-not $inCode -and $line -match '^## (.+)$') { $current = $Matches[1]; $sections[$current] = [Collections.Generic.List[string]]::new(); continue }
            if ($current) { $sections[$current].Add($line) }
        }
        $sections
    }
}

Describe 'docs/en-US/<Name>.md' -ForEach $pages {
    BeforeAll {
        $lines = Get-Content $Path
        $command = Get-Command $Name
    }

    It 'exists' {
        $Path | Should -Exist
    }

    It 'has the PlatyPS v1 front matter' {
        $lines[0] | Should -Be '---'
        $end = [array]::IndexOf($lines, '---', 1)
        $end | Should -BeGreaterThan 0
        $front = $lines[1..($end - 1)]
        $front | Should -Contain 'external help file: CowPages.dll-Help.xml'
        $front | Should -Contain 'Module Name: CowPages'
        $front | Should -Contain 'schema: 2.0.0'
        @($front | Where-Object { $_ -match '^online version:' }).Count | Should -Be 1
    }

    It 'has its name as the only # heading and the v1 sections in order' {
        @($lines | Where-Object { $_ -match '^# ' }) | Should -Be "# $Name"
        (Get-MarkdownSection $lines).Keys | Should -Be 'SYNOPSIS', 'SYNTAX', 'DESCRIPTION', 'EXAMPLES', 'PARAMETERS', 'INPUTS', 'OUTPUTS', 'NOTES', 'RELATED LINKS'
    }

    It 'shows each real parameter set under SYNTAX, the default one marked (Default)' {
        $syntax = (Get-MarkdownSection $lines)['SYNTAX']
        $blocks = [ordered]@{}
        for ($i = 0; $i -lt $syntax.Count; $i++) {
            if ($syntax[$i] -match '^### (.+)$') { $blocks[$Matches[1]] = $syntax[$i + 2] }
        }
        $expected = [ordered]@{}
        foreach ($set in $command.ParameterSets) {
            $expected["$($set.Name)$(if ($set.IsDefault) { ' (Default)' })"] = "$Name $set"
        }
        $blocks.Keys | Should -Be $expected.Keys
        foreach ($key in $expected.Keys) { $blocks[$key] | Should -Be $expected[$key] -Because "set $key" }
    }

    It 'gives every parameter a yaml block with all the v1 keys' {
        $parameters = (Get-MarkdownSection $lines)['PARAMETERS'] -join "`n"
        $found = [regex]::Matches($parameters, '(?ms)^### -(\w+)\n(.*?)(?=^### |\z)')
        $found.Count | Should -BeGreaterThan 0
        foreach ($m in $found) {
            $body = $m.Groups[2].Value
            $body | Should -Match '```yaml' -Because "-$($m.Groups[1].Value) needs its yaml block"
            foreach ($key in 'Type', 'Parameter Sets', 'Aliases', 'Required', 'Position', 'Default value', 'Accept pipeline input', 'Accept wildcard characters') {
                $body | Should -Match "(?m)^${key}:" -Because "-$($m.Groups[1].Value) needs '$key'"
            }
        }
    }

    It 'does not document -ProgressAction' {
        $lines -join "`n" | Should -Not -Match 'ProgressAction'
    }
}

Describe 'The docs folder' {
    It 'has a page for each exported cmdlet and no page for anything else' {
        $cmdletPages = Get-ChildItem $docs -Filter *.md | Where-Object { $_.BaseName -notlike 'about_*' -and $_.BaseName -ne 'CowPages' }
        @($cmdletPages.BaseName | Sort-Object) | Should -Be @((Get-Command -Module CowPages).Name | Sort-Object)
    }

    It 'has a module page with the manifest''s GUID and each cmdlet''s own synopsis' {
        $page = Get-Content (Join-Path $docs 'CowPages.md') -Raw
        $manifest = Import-PowerShellDataFile (Join-Path $RepoRoot 'CowPages.psd1')
        $page | Should -Match "(?m)^Module Guid: $($manifest.GUID)$"
        foreach ($command in Get-Command -Module CowPages) {
            $own = ((Get-MarkdownSection (Get-Content (Join-Path $docs "$($command.Name).md")))['SYNOPSIS'] | Where-Object { $_ }) -join ' '
            $listed = [regex]::Match($page, "(?ms)^### \[$($command.Name)\]\($($command.Name)\.md\)\n(.*?)(?=^#|\z)").Groups[1].Value
            ($listed -split '\s+' | Where-Object { $_ }) -join ' ' | Should -Be $own -Because "$($command.Name)'s synopsis"
        }
    }
}

Describe 'about_CowPages' {
    BeforeAll {
        $text = Get-Help about_CowPages | Out-String
        $file = Join-Path $ModulePath 'en-US/about_CowPages.help.txt'
    }

    It 'is shipped in the module folder and found by Get-Help' {
        $file | Should -Exist
        $topic = Get-Help about_CowPages
        $topic.Category | Should -Be 'HelpFile'
        ($topic | Out-String).Trim() | Should -Be (Get-Content $file -Raw).Trim() -Because 'Get-Help should read the module''s own file'
        $text | Should -Match 'SHORT DESCRIPTION'
        $text | Should -Match 'PG_anon_exclusive'
    }

    It 'fits in 80 columns' {
        Get-Content $file | Where-Object { $_.Length -gt 80 } | Should -BeNullOrEmpty
    }

    It 'explains <_>' -ForEach 'Shared', 'Copied', 'Zero', 'ReferenceOnly', 'DifferenceOnly', 'Swapped', 'NotPresent', 'ExclusiveBit', 'CAP_SYS_ADMIN', 'CONFIG_NO_PAGE_MAPCOUNT', 'KPF_OWNER_2' {
        $text | Should -Match "\b$_\b"
    }

    It 'lists every error id the module writes, with its category' {
        $listed = @{}
        Get-DocumentedErrorId (Get-Content (Join-Path $docs 'about_CowPages.md') -Raw) | ForEach-Object { $listed[$_.Id] = $_.Category }
        $known = Get-ModuleErrorId
        foreach ($id in $known.Keys) {
            $listed[$id] | Should -Be $known[$id] -Because "about_CowPages should list $id with its category"
        }
    }

    It 'has examples that parse' {
        $code = [regex]::Matches((Get-Content (Join-Path $docs 'about_CowPages.md') -Raw), '(?ms)^```powershell\n(.*?)^```')
        $code.Count | Should -BeGreaterOrEqual 2
        foreach ($block in $code) {
            $errors = $null
            $null = [System.Management.Automation.Language.Parser]::ParseInput($block.Groups[1].Value, [ref]$null, [ref]$errors)
            $errors | Should -BeNullOrEmpty
        }
    }
}
