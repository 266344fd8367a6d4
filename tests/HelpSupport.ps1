# Helpers for the help and docs tests. Dot-sourced by Help.Tests.ps1 and Docs.Tests.ps1.

# The variables a help example may use to name the fixture's processes (see Help.Tests.ps1).
$script:FixtureVariables = 'parent', 'child', 'grandchild', 'redisChild'
$script:AutomaticVariables = '_', 'PSItem', 'PID', 'true', 'false', 'null', 'HOME', 'PSHOME', 'Matches', 'args', 'input', 'this'

function Get-FreeVariable {
    # The variables a piece of code reads without assigning them itself.
    param([string]$Code)
    $ast = [System.Management.Automation.Language.Parser]::ParseInput($Code, [ref]$null, [ref]$null)
    $assigned = @($ast.FindAll({ param($a) $a -is [System.Management.Automation.Language.AssignmentStatementAst] }, $true) |
            ForEach-Object { $_.Left.FindAll({ param($a) $a -is [System.Management.Automation.Language.VariableExpressionAst] }, $true) } |
            ForEach-Object { $_.VariablePath.UserPath }) +
        @($ast.FindAll({ param($a) $a -is [System.Management.Automation.Language.ForEachStatementAst] }, $true) |
            ForEach-Object { $_.Variable.VariablePath.UserPath })
    $ast.FindAll({ param($a) $a -is [System.Management.Automation.Language.VariableExpressionAst] }, $true) |
        Where-Object { -not $_.VariablePath.IsDriveQualified -and $_.VariablePath.UserPath -notin $assigned } |
        ForEach-Object { $_.VariablePath.UserPath } |
        Select-Object -Unique
}

function Test-FixtureExample {
    # True when the example can run with only the fixture's PIDs bound.
    param([string]$Code)
    $free = @(Get-FreeVariable $Code)
    $fixture = @($free | Where-Object { $_ -in $script:FixtureVariables })
    $other = @($free | Where-Object { $_ -notin $script:FixtureVariables -and $_ -notin $script:AutomaticVariables })
    $fixture.Count -gt 0 -and $other.Count -eq 0
}

function Get-ModuleErrorId {
    # Every error id src/CowPages/ErrorHelper.cs can write, with its category: the contract the docs describe.
    $source = Get-Content -Raw (Join-Path $RepoRoot 'src/CowPages/ErrorHelper.cs')
    $ids = [ordered]@{}
    foreach ($m in [regex]::Matches($source, '"(\w+)",\s*ErrorCategory\.(\w+)')) { $ids[$m.Groups[1].Value] = $m.Groups[2].Value }
    if ($ids.Count -lt 5) { throw "Found only $($ids.Count) error ids in ErrorHelper.cs; has its layout changed?" }
    $ids
}

function Get-DocumentedErrorId {
    # The '`ErrorId` (Category)' pairs a help text lists.
    param([string]$Text)
    foreach ($m in [regex]::Matches($Text, '`(\w+)` \((\w+)\)')) {
        if ($m.Groups[2].Value -in [enum]::GetNames([System.Management.Automation.ErrorCategory])) {
            [pscustomobject]@{ Id = $m.Groups[1].Value; Category = $m.Groups[2].Value }
        }
    }
}
