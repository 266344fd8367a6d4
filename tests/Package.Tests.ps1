# build.ps1 -Task Package's packing, end to end: the nupkg installs with Install-PSResource from a local repository
# into a temporary module path, and imports by name in a fresh pwsh. Every child runs with a temporary HOME, so the
# repository registration and the installed module never reach the real user's settings.
BeforeAll {
    . $PSScriptRoot/common.ps1
    . (Join-Path $RepoRoot 'tools/ChildPwsh.ps1')
    $temp = Join-Path ([IO.Path]::GetTempPath()) "cowpages-package-$([guid]::NewGuid().ToString('n'))"
    $tempHome = Join-Path $temp 'home'
    $repository = Join-Path $temp 'repository'
    # .NET reports no LocalApplicationData unless the folder exists, and NuGet then writes into the working directory.
    $null = New-Item -ItemType Directory "$tempHome/.local/share", "$tempHome/.config", $repository
    $isolated = @{ HOME = $tempHome; XDG_DATA_HOME = $null; XDG_CONFIG_HOME = $null; XDG_CACHE_HOME = $null }
    $probe = Join-Path $PSScriptRoot 'package/Probe.ps1'

    $package = & (Join-Path $RepoRoot 'tools/New-ModulePackage.ps1') -ModulePath $ModulePath -OutputPath $repository
    $installed = Invoke-ChildPwsh -File $probe -ArgumentList '-Step', 'Install', '-Repository', $repository -Environment $isolated | ConvertFrom-Json
    $modules = Join-Path $tempHome '.local/share/powershell/Modules'
    $run = Invoke-ChildPwsh -File $probe -ArgumentList '-Step', 'Run' -Environment ($isolated + @{ PSModulePath = "$modules$([IO.Path]::PathSeparator)$(Join-Path $PSHOME 'Modules')" }) |
        ConvertFrom-Json
}

AfterAll {
    Remove-Item -Recurse -Force $temp -ErrorAction SilentlyContinue
}

Describe 'The CowPages package' {
    It 'is a nupkg named after the manifest''s version, holding the module and its help' {
        $version = (Import-PowerShellDataFile (Join-Path $ModulePath 'CowPages.psd1')).ModuleVersion
        Split-Path -Leaf $package | Should -Be "CowPages.$version.nupkg"
        $zip = [IO.Compression.ZipFile]::OpenRead($package)
        try { $entries = $zip.Entries.FullName } finally { $zip.Dispose() }
        foreach ($file in 'CowPages.psd1', 'CowPages.dll', 'CowPages.Core.dll', 'CowPages.Format.ps1xml', 'CowPages.Types.ps1xml',
            'en-US/CowPages.dll-Help.xml', 'en-US/about_CowPages.help.txt', 'CowPages.nuspec') {
            $entries | Should -Contain $file
        }
    }

    It 'carries the manifest''s description, tags and release notes, which name every cmdlet' {
        $manifest = Import-PowerShellDataFile (Join-Path $ModulePath 'CowPages.psd1')
        $zip = [IO.Compression.ZipFile]::OpenRead($package)
        try {
            $reader = [IO.StreamReader]::new($zip.GetEntry('CowPages.nuspec').Open())
            [xml]$nuspec = $reader.ReadToEnd()
            $reader.Dispose()
        }
        finally { $zip.Dispose() }
        $metadata = $nuspec.package.metadata
        $metadata.description | Should -Be $manifest.Description
        $metadata.tags -split ' ' | Should -Contain 'PSEdition_Core'
        $metadata.tags -split ' ' | Should -Contain 'Linux'
        foreach ($cmdlet in $manifest.CmdletsToExport) {
            $metadata.releaseNotes | Should -Match "\b$cmdlet\b"
        }
    }

    It 'installs with Install-PSResource into the temporary module path, and unregisters its repository' {
        Join-Path $modules "CowPages/$((Import-PowerShellDataFile (Join-Path $ModulePath 'CowPages.psd1')).ModuleVersion)/CowPages.psd1" | Should -Exist
        $installed.Repositories | Should -Not -Contain 'CowPagesTest'
    }

    It 'imports by name from that path and reads the stack of its own pwsh' {
        $run.ModuleBase | Should -BeLike "$modules/CowPages/*"
        $run.TypeName | Should -Be 'CowPages.PageMapEntry'
        $run.Mapping | Should -Be '[stack]'
        $run.Present | Should -BeGreaterThan 0
    }

    It 'brings its help along' {
        $run.HelpFile | Should -BeLike '*.dll-Help.xml'
        $run.Synopsis | Should -Match 'pagemap'
    }
}
