BeforeAll {
    . $PSScriptRoot/common.ps1
    $manifest = Import-PowerShellDataFile (Join-Path $ModulePath 'CowPages.psd1')
}

Describe 'The built module' {
    It 'exports exactly the cmdlets its manifest lists, and nothing else' {
        $exported = (Get-Command -Module CowPages).Name | Sort-Object
        $exported | Should -Be ($manifest.CmdletsToExport | Sort-Object)
        (Get-Command -Module CowPages -CommandType Function, Alias) | Should -BeNullOrEmpty
    }

    It 'is a Core-only module for pwsh 7.4 and later' {
        $manifest.CompatiblePSEditions | Should -Be @('Core')
        $manifest.PowerShellVersion | Should -Be '7.4'
    }

    It 'declares an output type on every cmdlet' {
        # The pictures write text and files; every other cmdlet writes the module's own objects.
        $plain = @{ 'Show-CowMap' = 'System.String'; 'Export-CowReport' = 'System.IO.FileInfo' }
        Get-Command -Module CowPages | ForEach-Object {
            $_.OutputType.Type | Should -Not -BeNullOrEmpty -Because "$($_.Name) needs [OutputType]"
            if ($plain.ContainsKey($_.Name)) {
                $_.OutputType.Type.FullName | Should -Be $plain[$_.Name]
            }
            else {
                $_.OutputType.Type.Namespace | Select-Object -Unique | Should -Be 'CowPages'
            }
        }
    }

    It 'loads from out/, not from src/' {
        (Get-Module CowPages).ModuleBase | Should -Be (Resolve-Path $ModulePath).Path
    }

    It 'uses no runtime compilation anywhere in the repository' {
        # Spelled in pieces so that this file does not match its own search.
        $forbidden = ('Add' + '-Type'), ('CSharp' + 'CodeProvider'), ('CSharp' + 'Compilation')
        $hits = Get-ChildItem $RepoRoot -Recurse -File -Include *.ps1, *.psm1, *.cs |
            Where-Object { $_.FullName -notmatch '[/\\](out|bin|obj)[/\\]' } |
            Select-String -Pattern $forbidden -SimpleMatch
        $hits | Should -BeNullOrEmpty
    }
}
