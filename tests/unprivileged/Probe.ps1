# Runs inside an unprivileged pwsh (uid 65534) and reports, as JSON, what the module showed it.
# Started by Unprivileged.Tests.ps1; everything it needs was copied somewhere world-readable.
param(
    [Parameter(Mandatory)][string]$ModuleManifest,
    [Parameter(Mandatory)][string]$FamilyJson
)
$ErrorActionPreference = 'Stop'
Import-Module $ModuleManifest
$family = Get-Content $FamilyJson | ConvertFrom-Json

$regions = foreach ($role in 'Parent', 'Child', 'Grandchild') {
    foreach ($r in $family.Regions) {
        $warnings = $null
        $pages = Get-PageMap -Id $family.$role -Address $r.Address -Count $r.Pages -WarningVariable warnings -WarningAction SilentlyContinue
        $present = @($pages | Where-Object Present)
        [pscustomobject]@{
            Role      = $role
            Region    = $r.Name
            Present   = $present.Count
            Exclusive = @($present | Where-Object Exclusive).Count
            File      = @($present | Where-Object FileOrSharedAnon).Count
            Anon      = @($present | Where-Object { -not $_.FileOrSharedAnon }).Count
            WithPfn   = @($pages | Where-Object { $null -ne $_.Pfn }).Count
            Warnings  = @($warnings).Count
            Warning   = "$warnings"
        }
    }
}

function Get-FirstError([scriptblock]$Action) {
    try {
        $null = & $Action -ErrorVariable err -ErrorAction SilentlyContinue
        $e = $err | Select-Object -First 1
    }
    catch {
        $e = $_
    }
    if ($e) {
        [pscustomobject]@{
            Id       = $e.FullyQualifiedErrorId
            Category = "$($e.CategoryInfo.Category)"
            Target   = "$($e.TargetObject)"
            Message  = $e.Exception.Message
        }
    }
}

[pscustomobject]@{
    Regions        = $regions
    PageFlagsError = Get-FirstError { Get-PageFlags -Pfn 4096 }
    OtherUserError = Get-FirstError { Get-PageMap -Id 1 }
} | ConvertTo-Json -Depth 4
