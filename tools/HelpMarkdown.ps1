# Reads PlatyPS v1 markdown (schema 2.0.0) into blocks. Dot-sourced by ConvertTo-Maml.ps1.
# PlatyPS cannot be installed here, so this reads the subset of markdown the docs use and throws, naming the
# file and line, on anything it does not understand: a silently dropped section would ship incomplete help.

function Read-HelpMarkdown {
    # Returns the page's front matter (ordered, may be empty) and its blocks: Heading, Code, Paragraph, List, Table.
    param([Parameter(Mandatory)][string]$Path)

    $lines = [IO.File]::ReadAllLines($Path)
    $front = [ordered]@{}
    $i = 0
    if ($lines.Count -gt 0 -and $lines[0] -eq '---') {
        $i = 1
        for (; $i -lt $lines.Count -and $lines[$i] -ne '---'; $i++) {
            if ($lines[$i] -match '^\s*$') { continue }
            if ($lines[$i] -notmatch '^([^:]+):\s*(.*)$') {
                throw "${Path}:$($i + 1): front matter lines must be 'key: value', got '$($lines[$i])'."
            }
            $front[$Matches[1].Trim()] = $Matches[2].Trim()
        }
        if ($i -ge $lines.Count) { throw "${Path}: the front matter opened with '---' is never closed." }
        $i++
    }

    $blocks = [Collections.Generic.List[object]]::new()
    $open = $null
    for (; $i -lt $lines.Count; $i++) {
        $line = $lines[$i]
        $at = $i + 1
        if ($line -match '^\s*```(.*)$') {
            $open = $null
            $info = $Matches[1].Trim()
            $code = [Collections.Generic.List[string]]::new()
            $start = $at
            for ($i++; $i -lt $lines.Count -and $lines[$i] -notmatch '^\s*```\s*$'; $i++) { $code.Add($lines[$i]) }
            if ($i -ge $lines.Count) { throw "${Path}:${start}: the code block is never closed." }
            $blocks.Add([pscustomobject]@{ Kind = 'Code'; Info = $info; Lines = $code.ToArray(); Line = $start })
        }
        elseif ($line -match '^(#{1,6})\s+(.+?)\s*#*\s*$') {
            $open = $null
            $blocks.Add([pscustomobject]@{ Kind = 'Heading'; Level = $Matches[1].Length; Text = $Matches[2]; Line = $at })
        }
        elseif ($line -match '^\s*$') {
            $open = $null
        }
        elseif ($line -match '^\s*\|') {
            if (-not $open -or $open.Kind -ne 'Table') {
                $open = [pscustomobject]@{ Kind = 'Table'; Rows = [Collections.Generic.List[string]]::new(); Line = $at }
                $blocks.Add($open)
            }
            $open.Rows.Add($line.Trim())
        }
        elseif ($line -match '^\s{0,3}(?:[-*+]|\d+\.)\s+(.*)$') {
            if (-not $open -or $open.Kind -ne 'List') {
                $open = [pscustomobject]@{ Kind = 'List'; Items = [Collections.Generic.List[string]]::new(); Line = $at }
                $blocks.Add($open)
            }
            $open.Items.Add($Matches[1].Trim())
        }
        elseif ($open -and $open.Kind -eq 'List') {
            # A continuation line of the last list item.
            $open.Items[$open.Items.Count - 1] += ' ' + $line.Trim()
        }
        elseif ($open -and $open.Kind -eq 'Paragraph') {
            $open.Text += ' ' + $line.Trim()
        }
        else {
            $open = [pscustomobject]@{ Kind = 'Paragraph'; Text = $line.Trim(); Line = $at }
            $blocks.Add($open)
        }
    }
    [pscustomobject]@{ Path = $Path; FrontMatter = $front; Blocks = $blocks.ToArray() }
}

function Split-HelpSection {
    # Splits blocks at headings of the given level: each section has its Heading (null before the first) and Blocks.
    param([object[]]$Blocks, [int]$Level)
    $sections = [Collections.Generic.List[object]]::new()
    $current = [pscustomobject]@{ Heading = $null; Blocks = [Collections.Generic.List[object]]::new() }
    foreach ($block in $Blocks) {
        if ($block.Kind -eq 'Heading' -and $block.Level -eq $Level) {
            $sections.Add($current)
            $current = [pscustomobject]@{ Heading = $block; Blocks = [Collections.Generic.List[object]]::new() }
        }
        elseif ($block.Kind -eq 'Heading' -and $block.Level -lt $Level) {
            throw "line $($block.Line): heading '$($block.Text)' (level $($block.Level)) is not allowed here."
        }
        else {
            $current.Blocks.Add($block)
        }
    }
    $sections.Add($current)
    $sections.ToArray()
}

function ConvertFrom-InlineMarkdown {
    # Plain text, as PlatyPS v1 makes it: emphasis and links become their text, code spans keep their backticks.
    # -KeepUrl writes a link as 'text (url)', for the about topic, where the address is all a reader can follow.
    param([string]$Text, [switch]$KeepUrl)
    $parts = [regex]::Split($Text, '(`[^`]*`)')
    $out = foreach ($part in $parts) {
        if ($part.StartsWith('`')) { $part; continue }
        $part = if ($KeepUrl) {
            [regex]::Replace($part, '\[([^\]]+)\]\(([^)\s]+)\)', {
                    param($m)
                    $text, $url = $m.Groups[1].Value, $m.Groups[2].Value
                    if ($url -match '^https?://' -and $url -ne $text) { "$text ($url)" } else { $text }
                })
        }
        else {
            $part -replace '\[([^\]]+)\]\(([^)\s]+)\)', '$1'
        }
        $part = $part -replace '\*\*(.+?)\*\*', '$1' -replace '(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])', '$1'
        $part -replace '\\([\\`*_{}\[\]()#+\-.!<>|])', '$1'
    }
    -join $out
}

function ConvertTo-HelpParagraph {
    # The text blocks of a section as paragraphs for MAML: one per paragraph, list, table or code block. Get-Help
    # keeps line breaks inside a paragraph, so list items and table rows stay one to a line. Headings are refused.
    param([object[]]$Blocks, [string]$Path)
    foreach ($block in $Blocks) {
        switch ($block.Kind) {
            'Paragraph' { ConvertFrom-InlineMarkdown $block.Text }
            'List' { ($block.Items | ForEach-Object { '- ' + (ConvertFrom-InlineMarkdown $_) }) -join "`n" }
            'Table' { ($block.Rows | Where-Object { $_ -notmatch '^\|[\s:|-]+\|$' } | ForEach-Object { ConvertFrom-InlineMarkdown $_ }) -join "`n" }
            'Code' { $block.Lines -join "`n" }
            default { throw "${Path}:$($block.Line): unexpected $($block.Kind.ToLower()) '$($block.Text)'." }
        }
    }
}
