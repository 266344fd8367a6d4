# The README's main job: start a forked process family and answer, with the cmdlets themselves, which of the
# child's pages are real copies and which are still shared with its parent.
param(
    [Parameter(Mandatory)][string]$ModulePath,
    [Parameter(Mandatory)][string]$FixturePath
)
$ErrorActionPreference = 'Stop'
$FixtureDir = $FixturePath
. (Join-Path $PSScriptRoot 'PageFamily.ps1')
. (Join-Path $PSScriptRoot 'Gunicorn.ps1')
Import-Module (Join-Path $ModulePath 'CowPages.psd1') -Force

function Show([string]$Command, [string]$Why) {
    Write-Host "`n$Why" -ForegroundColor Cyan
    Write-Host "PS> $Command" -ForegroundColor Yellow
}

$family = Start-PageFamily
try {
    $parent, $child = $family.Parent, $family.Child
    Write-Host "A parent (PID $parent) filled some memory, then forked a child (PID $child), which forked a grandchild." -ForegroundColor Cyan
    Write-Host 'After the fork the child wrote 8 anonymous pages, one 4 KiB page of a 2 MiB huge page, and one page of a'
    Write-Host 'private file mapping; the parent wrote 4 more pages of its own. Which pages did the kernel really copy?'

    Show "Compare-ForkPages -DifferenceId $child | Where-Object Copied -gt 0" 'Ranges where the child and its parent now have different copies (the parent is found from PPid):'
    Compare-ForkPages -DifferenceId $child | Where-Object { $_.Copied -gt 0 -or $_.DifferenceOnly -gt 0 } |
        Format-Table @{ n = 'Mapping'; e = { Split-Path -Leaf $_.Mapping } }, Permissions, Pages, Shared, Copied,
            @{ n = 'ChildOnly'; e = { $_.DifferenceOnly } }, CopiedBytes, Method -AutoSize | Out-Host

    Show "Compare-ForkPages -DifferenceId $child | Measure-Object Shared, Copied -Sum" 'Over the whole address space, in pages:'
    $all = Compare-ForkPages -DifferenceId $child
    [pscustomobject]@{
        StillShared = [uint64]($all | Measure-Object Shared -Sum).Sum
        Copied      = [uint64]($all | Measure-Object Copied -Sum).Sum
        ChildOnly   = [uint64]($all | Measure-Object DifferenceOnly -Sum).Sum
        ParentOnly  = [uint64]($all | Measure-Object ReferenceOnly -Sum).Sum
    } | Format-Table -AutoSize | Out-Host

    $thp = $family.Regions.thp
    Show "Compare-ForkPages -DifferenceId $child -Address 0x$('{0:x}' -f $thp.Address) -Count 512 -PerPage | Where-Object State -eq Copied" `
        'The child wrote 4 KiB into a shared transparent huge page: only that 4 KiB page was copied.'
    Compare-ForkPages -DifferenceId $child -Address $thp.Address -Count $thp.Pages -PerPage | Where-Object State -eq Copied |
        Format-Table @{ n = 'Address'; e = { '0x{0:x}' -f $_.Address } }, State,
            @{ n = 'ParentPfn'; e = { '0x{0:x}' -f $_.ReferencePfn } }, @{ n = 'ChildPfn'; e = { '0x{0:x}' -f $_.DifferencePfn } } -AutoSize | Out-Host

    Show "Get-CowSummary -Id $parent, $child, $($family.Grandchild)" 'The whole family: copy-on-write memory still shared, private copies, and the kernel''s totals:'
    Get-CowSummary -Id $parent, $child, $family.Grandchild |
        Format-Table @{ n = 'PID'; e = { $_.ProcessId } }, @{ n = 'PPID'; e = { $_.ParentId } },
            @{ n = 'RssKiB'; e = { $_.Rss / 1KB } }, @{ n = 'PssKiB'; e = { [uint64][math]::Round($_.Pss / 1KB) } }, @{ n = 'AnonKiB'; e = { $_.Anonymous / 1KB } },
            @{ n = 'CowSharedKiB'; e = { $_.CowShared / 1KB } }, @{ n = 'CowPrivateKiB'; e = { $_.CowPrivate / 1KB } }, Method -AutoSize | Out-Host

    Show "Watch-ForkPages -ReferenceId $parent -DifferenceId $child -Interval 0.5 -Duration 3" `
        'Copy-on-write over time: the parent against its child every half second, while the parent writes 32 pages of its huge page a tick:'
    $next = 16
    Watch-ForkPages -ReferenceId $parent -DifferenceId $child -Interval 0.5 -Duration 3 | ForEach-Object {
        $_
        foreach ($page in $next..($next + 31)) { $null = Send-PageFamilyCommand $family "touch thp $page" }
        $next += 32
    } | Out-Host
}
finally {
    Stop-PageFamily $family
}

if (Test-Gunicorn) {
    Write-Host "`nA real pre-fork server: gunicorn with --preload and three workers sharing a 200,000-entry dict, 600 requests" -ForegroundColor Cyan
    Write-Host 'on 127.0.0.1, watched with Watch-ForkPages, without and with gc.freeze() in the master (about a minute):' -ForegroundColor Cyan
    $rows = foreach ($freeze in $false, $true) {
        $run = Measure-GunicornCopy -Freeze:$freeze
        foreach ($worker in $run.Workers) {
            $last = ($run.Samples | Where-Object DifferenceId -eq $worker)[-1]
            [pscustomobject]@{
                'gc.freeze()'      = $freeze
                Worker             = $worker
                Requests           = $run.Requests["$worker"].requests
                FullCollections    = $run.Requests["$worker"].full_collections
                CopiedMiB          = [math]::Round($last.CopiedBytes / 1MB, 1)
                SharedMiB          = [math]::Round($last.SharedBytes / 1MB, 1)
            }
        }
    }
    $rows | Format-Table -AutoSize | Out-Host
}
else {
    Write-Host "`nInstall gunicorn (apt-get install gunicorn) to see a real pre-fork server with and without gc.freeze() here too." -ForegroundColor Cyan
}
