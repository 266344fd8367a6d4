# tools/ConvertTo-Maml.ps1 must stop the build on malformed markdown: Get-Help would otherwise fall back to
# auto-generated help without a word. Each case breaks a copy of a real page in one way.
BeforeAll {
    . $PSScriptRoot/common.ps1
    $converter = Join-Path $RepoRoot 'tools/ConvertTo-Maml.ps1'
    $page = Get-Content -Raw (Join-Path $RepoRoot 'docs/en-US/Get-PageMap.md')

    function Invoke-Converter {
        # Converts one page in a temporary folder and returns the MAML it wrote, if any.
        param([string]$Name, [string]$Text)
        $dir = Join-Path ([IO.Path]::GetTempPath()) "cowpages-maml-$([guid]::NewGuid().ToString('n'))"
        $null = New-Item -ItemType Directory $dir
        try {
            Set-Content -Path (Join-Path $dir $Name) -Value $Text
            & $converter -Path $dir -OutputPath (Join-Path $dir 'out')
            Get-Content -Raw (Join-Path $dir 'out/CowPages.dll-Help.xml') -ErrorAction SilentlyContinue
        }
        finally {
            Remove-Item -Recurse -Force $dir
        }
    }
}

Describe 'ConvertTo-Maml.ps1' {
    It 'converts a well-formed page into MAML that names the command' {
        [xml]$maml = Invoke-Converter 'Get-PageMap.md' $page
        $maml.helpItems.schema | Should -Be 'maml'
        $maml.helpItems.command.details.name | Should -Be 'Get-PageMap'
        @($maml.helpItems.command.syntax.syntaxItem).Count | Should -Be 2
    }

    It 'refuses a page where <Case>' -ForEach @(
        @{ Case = 'a parameter has no yaml block'; Pattern = '(?s)(### -Present\n.*?)```yaml.*?```'; With = '$1'; Message = 'parameter -Present has no yaml block' }
        @{ Case = 'a yaml block lacks a key'; Pattern = 'Accept wildcard characters: True'; With = ''; Message = "lacks 'Accept wildcard characters'" }
        @{ Case = 'a required section is missing'; Pattern = '## NOTES'; With = '## NOTE'; Message = 'the sections must be exactly' }
        @{ Case = 'sections are out of order'; Pattern = '(?s)(## INPUTS\n.*?)(## OUTPUTS\n.*?)(## NOTES)'; With = '$2$1$3'; Message = 'the sections must be exactly' }
        @{ Case = 'SYNTAX names a set no parameter uses'; Pattern = '### InputObject'; With = '### Other'; Message = 'disagree on: InputObject, Other' }
        @{ Case = 'an example has no code'; Pattern = '(?s)(### Example 1:[^\n]*\n)```powershell.*?```'; With = '$1'; Message = 'has no code block' }
        @{ Case = 'a code block is never closed'; Pattern = '\z'; With = "`n``````powershell`nGet-PageMap`n"; Message = 'never closed' }
        @{ Case = 'the front matter lacks the schema'; Pattern = 'schema: 2.0.0'; With = ''; Message = "lacks 'schema'" }
        @{ Case = 'the heading does not match the file'; Pattern = '# Get-PageMap\n'; With = "# Get-PageMaps`n"; Message = 'does not match the file name' }
        @{ Case = 'a Required value is not a boolean'; Pattern = 'Required: True'; With = 'Required: Yes'; Message = "'Required' must be True or False" }
    ) {
        $broken = [regex]::Replace(($page -replace "`r`n", "`n"), $Pattern, $With)
        $broken | Should -Not -Be $page -Because 'the case must change the page'
        { Invoke-Converter 'Get-PageMap.md' $broken } | Should -Throw "*$Message*"
    }

    It 'refuses an about topic without its SHORT DESCRIPTION' {
        $about = Get-Content -Raw (Join-Path $RepoRoot 'docs/en-US/about_CowPages.md')
        { Invoke-Converter 'about_CowPages.md' ($about -replace '# SHORT DESCRIPTION', '# SUMMARY') } | Should -Throw '*SHORT DESCRIPTION*'
    }

    It 'refuses a page it cannot classify' {
        { Invoke-Converter 'Notes.md' "# Notes`n`nSome text." } | Should -Throw '*neither a cmdlet page*'
    }
}
