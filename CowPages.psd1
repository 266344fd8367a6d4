@{
    RootModule           = 'CowPages.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '6f3c1d52-8a4e-4b7f-9c21-5e0d7a3b9f14'
    Author               = 'CowPages contributors'
    CompanyName          = 'CowPages'
    Copyright            = '(c) CowPages contributors. MIT License.'
    Description          = 'Which pages of a forked process are still shared copy-on-write, and which are real copies? Decodes /proc/PID/pagemap, /proc/kpageflags, /proc/kpagecount and /proc/kpagecgroup into PowerShell objects.'
    CompatiblePSEditions = @('Core')
    PowerShellVersion    = '7.4'
    FormatsToProcess     = @('CowPages.Format.ps1xml')
    TypesToProcess       = @('CowPages.Types.ps1xml')
    CmdletsToExport      = @(
        'Get-PageMap'
        'Get-PageFlags'
        'Compare-ForkPages'
        'Get-CowSummary'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('Linux', 'Memory', 'CopyOnWrite', 'Pagemap', 'Procfs', 'Fork', 'PSEdition_Core')
            ProjectUri   = 'https://example.invalid/cowpages'
            ReleaseNotes = 'Get-PageMap and Get-PageFlags: page-by-page views of /proc/PID/pagemap and the kpage* files.'
        }
    }
}
