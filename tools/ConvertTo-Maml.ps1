<#
.SYNOPSIS
Turns the PlatyPS v1 markdown in -Path into the help pwsh reads: <external help file> (MAML) for the cmdlet pages
and about_*.help.txt for the about topics, written to -OutputPath.

.DESCRIPTION
Our stand-in for PlatyPS's New-ExternalHelp, which cannot be installed here. It follows PlatyPS v1's mapping:
syntax items are rebuilt from each parameter's 'Parameter Sets', the SYNTAX code blocks are only read for the set
names. It throws on malformed pages (a missing or misplaced section, a parameter without its yaml block, SYNTAX sets
that no parameter names), so that the build fails instead of shipping help that Get-Help silently replaces with
auto-generated text.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)][string]$Path,
    [Parameter(Mandatory)][string]$OutputPath
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
. "$PSScriptRoot/HelpMarkdown.ps1"
. "$PSScriptRoot/HelpCommandModel.ps1"
. "$PSScriptRoot/HelpWriters.ps1"

$pages = @(Get-ChildItem -Path $Path -Filter '*.md' -File | Sort-Object Name)
if ($pages.Count -eq 0) { throw "No markdown pages in $Path." }
$null = New-Item -ItemType Directory -Force $OutputPath

$commands = [ordered]@{}
foreach ($page in $pages) {
    $doc = Read-HelpMarkdown $page.FullName
    if ($page.BaseName -like 'about_*') {
        $target = Join-Path $OutputPath "$($page.BaseName).help.txt"
        [IO.File]::WriteAllText($target, (ConvertTo-AboutText $doc), [Text.UTF8Encoding]::new($false))
        Write-Verbose "Wrote $target"
    }
    elseif ($doc.FrontMatter.Contains('external help file')) {
        $file = $doc.FrontMatter['external help file']
        if (-not $commands.Contains($file)) { $commands[$file] = [Collections.Generic.List[object]]::new() }
        $commands[$file].Add((ConvertTo-HelpCommand $doc))
    }
    elseif ($doc.FrontMatter.Contains('Module Guid')) {
        # The module page is for readers of the markdown; PlatyPS does not put it into MAML either.
        continue
    }
    else {
        throw "$($page.FullName): neither a cmdlet page ('external help file' in the front matter), a module page ('Module Guid') nor an about_ topic."
    }
}

foreach ($file in $commands.Keys) {
    $target = Join-Path $OutputPath $file
    Write-MamlFile -Path $target -Commands $commands[$file]
    Write-Verbose "Wrote $target ($($commands[$file].Count) commands)"
}
