# The README's main job: start a forked process family and show, with the cmdlets themselves, which of the
# child's pages are real copies and which are still shared with its parent.
param(
    [Parameter(Mandatory)][string]$ModulePath,
    [Parameter(Mandatory)][string]$FixturePath
)
$ErrorActionPreference = 'Stop'
$FixtureDir = $FixturePath
. (Join-Path $PSScriptRoot 'PageFamily.ps1')
Import-Module (Join-Path $ModulePath 'CowPages.psd1') -Force

function Show([string]$Text) { Write-Host "`n$Text" -ForegroundColor Cyan }

$family = Start-PageFamily
try {
    $anon = $family.Regions.anon
    Show "A parent ($($family.Parent)) wrote 64 anonymous pages at 0x$('{0:x}' -f $anon.Address), then forked a child ($($family.Child))."
    Write-Host 'The child wrote pages 0-7; the parent wrote pages 12-15 after the fork; a grandchild wrote 8-11.'

    Show "PS> Get-PageMap -Id $($family.Child) -Address 0x$('{0:x}' -f $anon.Address) -Count 16 | Format-Table"
    Get-PageMap -Id $family.Child -Address $anon.Address -Count 16 | Format-Table | Out-Host

    Show 'Same PFN in parent and child means shared; a different PFN means a copy was made:'
    $parentPages = Get-PageMap -Id $family.Parent -Address $anon.Address -Count $anon.Pages
    $childPages = Get-PageMap -Id $family.Child -Address $anon.Address -Count $anon.Pages
    $states = for ($i = 0; $i -lt $anon.Pages; $i++) {
        [pscustomobject]@{
            Page  = $i
            State = if ($parentPages[$i].Pfn -eq $childPages[$i].Pfn) { 'Shared' } else { 'Copied' }
        }
    }
    $states | Group-Object State | Select-Object Name, Count, @{ n = 'Pages'; e = { ($_.Group.Page | Select-Object -First 12) -join ',' } } |
        Format-Table -AutoSize | Out-Host

    Show "PS> Get-PageMap -Id $($family.Child) -Present | Get-PageFlags | Group-Object { ... }"
    Write-Host 'The whole child, by what its frames are: anonymous pages mapped once are the child''s own copies.'
    Get-PageMap -Id $family.Child -Present | Get-PageFlags | Group-Object {
        $anonPage = $_.Flags.HasFlag([CowPages.PageFlags]::Anon)
        if (-not $anonPage) { 'file or shmem page' }
        elseif ($_.MapCount -gt 1) { 'anon, still shared (COW pending)' }
        else { 'anon, private to the child' }
    } | Sort-Object Count -Descending | Select-Object Count, Name | Format-Table -AutoSize | Out-Host
}
finally {
    Stop-PageFamily $family
}
