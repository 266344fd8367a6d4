# build.ps1 -Task Install and -Task Uninstall, through the functions those tasks call (the tasks themselves would
# rebuild out/ under the running suite). Every step runs in a fresh pwsh whose HOME is a temporary folder and whose
# PSModulePath is pwsh's default for that HOME, so the real user's module path is never touched.
BeforeAll {
    . $PSScriptRoot/common.ps1
    . (Join-Path $RepoRoot 'tools/ChildPwsh.ps1')
    $temp = Join-Path ([IO.Path]::GetTempPath()) "cowpages-install-$([guid]::NewGuid().ToString('n'))"
    $tempHome = Join-Path $temp 'home'
    $null = New-Item -ItemType Directory "$tempHome/.local/share", "$tempHome/.config"
    $isolated = @{ HOME = $tempHome; PSModulePath = $null; XDG_DATA_HOME = $null; XDG_CONFIG_HOME = $null; XDG_CACHE_HOME = $null }
    $probe = Join-Path $PSScriptRoot 'install/Probe.ps1'
    $version = (Import-PowerShellDataFile (Join-Path $ModulePath 'CowPages.psd1')).ModuleVersion
    $userPath = Join-Path $tempHome '.local/share/powershell/Modules'

    function Invoke-Step([string]$Step) {
        Invoke-ChildPwsh -File $probe -ArgumentList '-Step', $Step, '-ModulePath', $ModulePath -Environment $isolated | ConvertFrom-Json
    }
    $installed = Invoke-Step Install
    $run = Invoke-Step Run
    $uninstalled = Invoke-Step Uninstall
}

AfterAll {
    Remove-Item -Recurse -Force $temp -ErrorAction SilentlyContinue
}

Describe 'Installing CowPages for the current user' {
    It 'chooses the user path that pwsh puts first in PSModulePath' {
        $installed.Destination | Should -Be $userPath
    }

    It 'lays the module out as CowPages/<version>/ with everything the build made' {
        $installed.Installed | Should -Be (Join-Path $userPath "CowPages/$version")
        $built = Get-ChildItem $ModulePath -Recurse -File | ForEach-Object { $_.FullName.Substring($ModulePath.Length) } | Sort-Object
        $installed.Files | Should -Be $built
    }

    It 'autoloads by name in a new pwsh: the first cmdlet call loads it from the user path' {
        $run.LoadedBefore | Should -BeFalse
        $run.ModuleBase | Should -Be $installed.Installed
        $run.Listed | Should -Be @($installed.Installed)
        $run.TypeName | Should -Be 'CowPages.CowSummary'
        $run.Rss | Should -BeGreaterThan 0
    }

    It 'uninstalls that version, leaving nothing by that name' {
        $uninstalled.Removed | Should -Be $installed.Installed
        $uninstalled.Listed | Should -BeNullOrEmpty
        $uninstalled.Command | Should -BeFalse
        Join-Path $userPath 'CowPages' | Should -Not -Exist
    }
}
