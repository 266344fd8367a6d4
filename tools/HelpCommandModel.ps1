# Turns one cmdlet page (from Read-HelpMarkdown) into the model Write-MamlFile writes. Dot-sourced by ConvertTo-Maml.ps1.

$script:HelpSectionOrder = 'SYNOPSIS', 'SYNTAX', 'DESCRIPTION', 'EXAMPLES', 'PARAMETERS', 'INPUTS', 'OUTPUTS', 'NOTES', 'RELATED LINKS'
$script:ParameterYamlKeys = 'Type', 'Parameter Sets', 'Aliases', 'Required', 'Position', 'Default value',
'Accept pipeline input', 'Accept wildcard characters'
$script:AllSets = '(All)'

function ConvertTo-HelpCommand {
    param([Parameter(Mandatory)]$Doc)
    $path = $Doc.Path
    foreach ($key in 'external help file', 'Module Name', 'online version', 'schema') {
        if (-not $Doc.FrontMatter.Contains($key)) { throw "${path}: the front matter lacks '$key'." }
    }
    if ($Doc.FrontMatter['schema'] -ne '2.0.0') { throw "${path}: schema must be 2.0.0 (PlatyPS v1), not '$($Doc.FrontMatter['schema'])'." }

    $top = @(Split-HelpSection $Doc.Blocks 1)
    if ($top.Count -ne 2 -or @($top[0].Blocks).Count -ne 0) { throw "${path}: a cmdlet page has exactly one '# Name' heading, before any text." }
    $name = $top[1].Heading.Text
    if ($name -ne [IO.Path]::GetFileNameWithoutExtension($path)) { throw "${path}: the heading '# $name' does not match the file name." }

    $sections = @(Split-HelpSection $top[1].Blocks 2)
    if (@($sections[0].Blocks).Count -ne 0) { throw "${path}:$($sections[0].Blocks[0].Line): text before ## SYNOPSIS." }
    $found = @($sections | Select-Object -Skip 1 | ForEach-Object { $_.Heading.Text })
    if (($found -join '|') -ne ($script:HelpSectionOrder -join '|')) {
        throw "${path}: the sections must be exactly '$($script:HelpSectionOrder -join "', '")' in that order; found '$($found -join "', '")'."
    }
    $section = @{}
    foreach ($s in $sections | Select-Object -Skip 1) { $section[$s.Heading.Text] = @($s.Blocks) }

    $synopsis = @(ConvertTo-HelpParagraph $section['SYNOPSIS'] $path)
    $description = @(ConvertTo-HelpParagraph $section['DESCRIPTION'] $path)
    if ($synopsis.Count -eq 0) { throw "${path}: SYNOPSIS is empty." }
    if ($description.Count -eq 0) { throw "${path}: DESCRIPTION is empty." }

    $parameters = @(Read-HelpParameters $section['PARAMETERS'] $path)
    [pscustomobject]@{
        Name          = $name
        Synopsis      = $synopsis -join ' '
        Description   = $description
        Syntax        = @(Get-HelpSyntax -SyntaxBlocks $section['SYNTAX'] -Parameters $parameters -Path $path)
        Parameters    = $parameters
        Inputs        = @(Read-HelpTypeList $section['INPUTS'] $path 'INPUTS')
        Outputs       = @(Read-HelpTypeList $section['OUTPUTS'] $path 'OUTPUTS')
        Notes         = @(ConvertTo-HelpParagraph $section['NOTES'] $path)
        Examples      = @(Read-HelpExamples $section['EXAMPLES'] $path)
        Links         = @(Read-HelpLinks $section['RELATED LINKS'] $Doc.FrontMatter['online version'] $path)
    }
}

function Read-HelpParameters {
    param([object[]]$Blocks, [string]$Path)
    foreach ($sub in Split-HelpSection $Blocks 3) {
        if (-not $sub.Heading) {
            if (@($sub.Blocks).Count) { throw "${Path}:$($sub.Blocks[0].Line): text under PARAMETERS before the first parameter." }
            continue
        }
        $title = $sub.Heading.Text
        if ($title -in 'CommonParameters', 'WorkflowCommonParameters') { continue }
        if ($title -notmatch '^-(\w+)$') { throw "${Path}:$($sub.Heading.Line): '### $title' is not a parameter heading ('### -Name')." }
        $name = $Matches[1]
        $yaml = @($sub.Blocks | Where-Object { $_.Kind -eq 'Code' -and $_.Info -eq 'yaml' })
        if ($yaml.Count -eq 0) { throw "${Path}:$($sub.Heading.Line): parameter -$name has no yaml block." }
        $text = @($sub.Blocks | Where-Object { -not ($_.Kind -eq 'Code' -and $_.Info -eq 'yaml') })
        $description = @(ConvertTo-HelpParagraph $text $Path)
        if ($description.Count -eq 0) { throw "${Path}:$($sub.Heading.Line): parameter -$name has no description." }
        [pscustomobject]@{
            Name        = $name
            Description = $description
            Blocks      = @($yaml | ForEach-Object { Read-ParameterYaml $_ $name $Path })
        }
    }
}

function Read-ParameterYaml {
    param($Block, [string]$Name, [string]$Path)
    $values = [ordered]@{}
    foreach ($line in $Block.Lines) {
        if ($line -match '^\s*$') { continue }
        if ($line -notmatch '^([A-Za-z ]+):\s*(.*)$') { throw "${Path}:$($Block.Line): -$Name's yaml line '$line' is not 'Key: value'." }
        $key, $value = $Matches[1].Trim(), $Matches[2].Trim()
        if ($key -notin $script:ParameterYamlKeys -and $key -ne 'Accepted values') { throw "${Path}:$($Block.Line): -$Name's yaml has the unknown key '$key'." }
        $values[$key] = $value
    }
    foreach ($key in $script:ParameterYamlKeys) {
        if (-not $values.Contains($key)) { throw "${Path}:$($Block.Line): -$Name's yaml lacks '$key'." }
    }
    foreach ($key in 'Required', 'Accept wildcard characters') {
        if ($values[$key] -notin 'True', 'False') { throw "${Path}:$($Block.Line): -$Name's '$key' must be True or False." }
    }
    if ($values['Position'] -notmatch '^(\d+|Named)$') { throw "${Path}:$($Block.Line): -$Name's Position must be a number or Named." }
    if ($values['Accept pipeline input'] -notmatch '^(False|True \((ByValue|ByPropertyName|ByValue, ByPropertyName)\))$') {
        throw "${Path}:$($Block.Line): -$Name's 'Accept pipeline input' must be False or True (ByValue|ByPropertyName|ByValue, ByPropertyName)."
    }
    $split = { param($v) @($v -split ',' | ForEach-Object Trim | Where-Object { $_ }) }
    [pscustomobject]@{
        Type           = $values['Type']
        Sets           = @(& $split $values['Parameter Sets'])
        Aliases        = @(& $split $values['Aliases'])
        AcceptedValues = @(& $split $values['Accepted values'])
        Required       = $values['Required'] -eq 'True'
        Position       = $values['Position'].ToLowerInvariant()
        DefaultValue   = if ($values['Default value']) { $values['Default value'] } else { 'None' }
        PipelineInput  = $values['Accept pipeline input']
        Globbing       = $values['Accept wildcard characters'] -eq 'True'
        IsSwitch       = $values['Type'] -in 'SwitchParameter', 'System.Management.Automation.SwitchParameter'
    }
}

function Get-HelpSyntax {
    # PlatyPS v1's rule: one syntax item per set named in 'Parameter Sets'; '(All)' joins every set. The SYNTAX
    # headings must name the same sets, so that a set whose parameters all say '(All)' is not silently lost.
    param([object[]]$SyntaxBlocks, [object[]]$Parameters, [string]$Path)
    $headings = @($SyntaxBlocks | Where-Object Kind -eq 'Heading')
    $declared = @($headings | ForEach-Object { $_.Text -replace '\s+\(Default\)$', '' })
    $default = @($headings | Where-Object { $_.Text -match '\(Default\)$' } | ForEach-Object { $_.Text -replace '\s+\(Default\)$', '' })
    if (@($SyntaxBlocks | Where-Object Kind -eq 'Code').Count -eq 0) { throw "${Path}: SYNTAX has no code block." }

    $named = [Collections.Generic.List[string]]::new()
    foreach ($set in $Parameters.Blocks.Sets) {
        if ($set -ne $script:AllSets -and -not $named.Contains($set)) { $named.Add($set) }
    }
    if ($named.Count -eq 0) {
        if ($declared.Count -gt 1) { throw "${Path}: SYNTAX names $($declared.Count) sets, but every parameter says '(All)'." }
        New-SyntaxItem $Parameters $null
        return
    }
    $missing = @($named | Where-Object { $_ -notin $declared }) + @($declared | Where-Object { $_ -notin $named })
    if ($missing.Count) {
        throw "${Path}: SYNTAX headings ($($declared -join ', ')) and the parameters' sets ($($named -join ', ')) disagree on: $($missing -join ', ')."
    }
    if ($default.Count -gt 1) { throw "${Path}: more than one SYNTAX set is marked (Default)." }
    foreach ($set in @($default) + @($named | Where-Object { $_ -notin $default })) {
        New-SyntaxItem $Parameters $set
    }
}

function New-SyntaxItem {
    param([object[]]$Parameters, [string]$Set)
    $entries = foreach ($p in $Parameters) {
        $block = if (-not $Set) { $p.Blocks[0] } else {
            @($p.Blocks | Where-Object { $Set -in $_.Sets }) + @($p.Blocks | Where-Object { $script:AllSets -in $_.Sets }) | Select-Object -First 1
        }
        if ($block) { [pscustomobject]@{ Parameter = $p; Block = $block } }
    }
    $ordered = @($entries | Sort-Object -Stable { if ($_.Block.Position -eq 'named') { [int]::MaxValue } else { [int]$_.Block.Position } })
    [pscustomobject]@{ Set = $Set; Entries = $ordered }
}

function Read-HelpTypeList {
    param([object[]]$Blocks, [string]$Path, [string]$Section)
    $items = foreach ($sub in Split-HelpSection $Blocks 3) {
        if (-not $sub.Heading) {
            if (@($sub.Blocks).Count) { throw "${Path}:$($sub.Blocks[0].Line): $Section text must follow a '### TypeName' heading." }
            continue
        }
        [pscustomobject]@{ Type = $sub.Heading.Text; Description = @(ConvertTo-HelpParagraph $sub.Blocks $Path) }
    }
    if (@($items).Count -eq 0) { throw "${Path}: $Section names no type (use '### None' when there is none)." }
    $items
}

function Read-HelpExamples {
    param([object[]]$Blocks, [string]$Path)
    $examples = foreach ($sub in Split-HelpSection $Blocks 3) {
        if (-not $sub.Heading) {
            if (@($sub.Blocks).Count) { throw "${Path}:$($sub.Blocks[0].Line): text under EXAMPLES before the first '### Example'." }
            continue
        }
        $code = @($sub.Blocks | Where-Object Kind -eq 'Code' | ForEach-Object { $_.Lines -join "`n" })
        if ($code.Count -eq 0) { throw "${Path}:$($sub.Heading.Line): '$($sub.Heading.Text)' has no code block." }
        [pscustomobject]@{
            Title   = $sub.Heading.Text
            Code    = $code -join "`n`n"
            Remarks = @(ConvertTo-HelpParagraph @($sub.Blocks | Where-Object Kind -ne 'Code') $Path)
        }
    }
    if (@($examples).Count -eq 0) { throw "${Path}: EXAMPLES has no example." }
    $examples
}

function Read-HelpLinks {
    param([object[]]$Blocks, [string]$OnlineVersion, [string]$Path)
    if ($OnlineVersion) { [pscustomobject]@{ Text = 'Online Version:'; Uri = $OnlineVersion } }
    foreach ($block in $Blocks) {
        $texts = switch ($block.Kind) {
            'Paragraph' { $block.Text }
            'List' { $block.Items }
            default { throw "${Path}:$($block.Line): RELATED LINKS holds only links." }
        }
        foreach ($text in $texts) {
            $found = [regex]::Matches($text, '\[([^\]]+)\]\(([^)\s]*)\)')
            if ($found.Count -eq 0) { throw "${Path}:$($block.Line): '$text' in RELATED LINKS is not a [text](url) link." }
            foreach ($m in $found) {
                $uri = $m.Groups[2].Value
                # Get-Help -Online follows absolute URIs only; PlatyPS leaves relative ones (other pages) empty.
                [pscustomobject]@{ Text = $m.Groups[1].Value; Uri = if ($uri -match '^[a-z]+://') { $uri } else { '' } }
            }
        }
    }
}
