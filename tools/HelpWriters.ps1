# Writes the help files pwsh reads: MAML for cmdlets, plain text for about topics. Dot-sourced by ConvertTo-Maml.ps1.

$script:MamlNs = [ordered]@{
    maml    = 'http://schemas.microsoft.com/maml/2004/10'
    command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
    dev     = 'http://schemas.microsoft.com/maml/dev/2004/10'
    MSHelp  = 'http://msdn.microsoft.com/mshelp'
}

function Write-MamlFile {
    # Element order follows PlatyPS v1's MamlRenderer; schema="maml" is what makes pwsh treat the file as MAML.
    param([string]$Path, [object[]]$Commands)
    $settings = [Xml.XmlWriterSettings]@{ Indent = $true; Encoding = [Text.UTF8Encoding]::new($false) }
    $w = [Xml.XmlWriter]::Create($Path, $settings)
    try {
        $w.WriteStartDocument()
        $w.WriteStartElement('helpItems', 'http://msh')
        $w.WriteAttributeString('schema', 'maml')
        foreach ($c in $Commands) { Write-MamlCommand $w $c }
        $w.WriteEndElement()
        $w.WriteEndDocument()
    }
    finally {
        $w.Dispose()
    }
}

function Write-MamlCommand {
    param([Xml.XmlWriter]$W, $C)
    $W.WriteStartElement('command', 'command', $script:MamlNs.command)
    foreach ($prefix in $script:MamlNs.Keys) { $W.WriteAttributeString('xmlns', $prefix, $null, $script:MamlNs[$prefix]) }

    Open-MamlElement $W command details
    Write-MamlText $W command name $C.Name
    $verb, $noun = $C.Name -split '-', 2
    Write-MamlText $W command verb $verb
    Write-MamlText $W command noun $noun
    Write-MamlParas $W maml description @($C.Synopsis)
    $W.WriteEndElement()

    Write-MamlParas $W maml description $C.Description

    Open-MamlElement $W command syntax
    foreach ($item in $C.Syntax) {
        Open-MamlElement $W command syntaxItem
        Write-MamlText $W maml name $C.Name
        foreach ($e in $item.Entries) { Write-MamlParameter $W $e.Parameter $e.Block -InSyntax }
        $W.WriteEndElement()
    }
    $W.WriteEndElement()

    Open-MamlElement $W command parameters
    foreach ($p in $C.Parameters) { Write-MamlParameter $W $p $p.Blocks[0] }
    $W.WriteEndElement()

    Write-MamlTypes $W inputTypes inputType $C.Inputs
    Write-MamlTypes $W returnValues returnValue $C.Outputs

    Open-MamlElement $W maml alertSet
    Open-MamlElement $W maml alert
    foreach ($para in $C.Notes) { Write-MamlText $W maml para $para }
    $W.WriteEndElement()
    $W.WriteEndElement()

    Open-MamlElement $W command examples
    foreach ($ex in $C.Examples) {
        Open-MamlElement $W command example
        Write-MamlText $W maml title "--------- $($ex.Title) ---------"
        Write-MamlText $W dev code $ex.Code
        Write-MamlParas $W dev remarks $ex.Remarks
        $W.WriteEndElement()
    }
    $W.WriteEndElement()

    Open-MamlElement $W command relatedLinks
    foreach ($link in $C.Links) {
        Open-MamlElement $W maml navigationLink
        Write-MamlText $W maml linkText $link.Text
        Write-MamlText $W maml uri $link.Uri
        $W.WriteEndElement()
    }
    $W.WriteEndElement()
    $W.WriteEndElement()
}

function Write-MamlParameter {
    param([Xml.XmlWriter]$W, $P, $B, [switch]$InSyntax)
    Open-MamlElement $W command parameter
    $W.WriteAttributeString('required', $B.Required.ToString().ToLowerInvariant())
    $W.WriteAttributeString('variableLength', 'true')
    $W.WriteAttributeString('globbing', $B.Globbing.ToString().ToLowerInvariant())
    $W.WriteAttributeString('pipelineInput', $B.PipelineInput)
    $W.WriteAttributeString('position', $B.Position)
    $W.WriteAttributeString('aliases', $(if ($B.Aliases.Count) { $B.Aliases -join ', ' } else { 'none' }))
    Write-MamlText $W maml name $P.Name
    Write-MamlParas $W maml description $P.Description
    if ($InSyntax -and $B.AcceptedValues.Count) {
        Open-MamlElement $W command parameterValueGroup
        foreach ($v in $B.AcceptedValues) {
            Open-MamlElement $W command parameterValue
            $W.WriteAttributeString('required', 'false')
            $W.WriteAttributeString('command', 'variableLength', $script:MamlNs.command, 'false')
            $W.WriteString($v)
            $W.WriteEndElement()
        }
        $W.WriteEndElement()
    }
    if (-not ($InSyntax -and $B.IsSwitch)) {
        Open-MamlElement $W command parameterValue
        $W.WriteAttributeString('required', $(if ($B.IsSwitch) { 'false' } else { 'true' }))
        $W.WriteAttributeString('variableLength', 'false')
        $W.WriteString($B.Type)
        $W.WriteEndElement()
    }
    Open-MamlElement $W dev type
    Write-MamlText $W maml name $B.Type
    Write-MamlText $W maml uri ''
    $W.WriteEndElement()
    Write-MamlText $W dev defaultValue $(if ($B.IsSwitch -and $B.DefaultValue -eq 'None') { 'False' } else { $B.DefaultValue })
    $W.WriteEndElement()
}

function Write-MamlTypes {
    param([Xml.XmlWriter]$W, [string]$Outer, [string]$Inner, [object[]]$Items)
    Open-MamlElement $W command $Outer
    foreach ($item in $Items) {
        Open-MamlElement $W command $Inner
        Open-MamlElement $W dev type
        Write-MamlText $W maml name $item.Type
        $W.WriteEndElement()
        Write-MamlParas $W maml description $item.Description
        $W.WriteEndElement()
    }
    $W.WriteEndElement()
}

function Open-MamlElement([Xml.XmlWriter]$W, [string]$Prefix, [string]$Name) {
    $W.WriteStartElement($Prefix, $Name, $script:MamlNs[$Prefix])
}

function Write-MamlText([Xml.XmlWriter]$W, [string]$Prefix, [string]$Name, [string]$Value) {
    $W.WriteElementString($Prefix, $Name, $script:MamlNs[$Prefix], $Value)
}

function Write-MamlParas([Xml.XmlWriter]$W, [string]$Prefix, [string]$Name, [string[]]$Paragraphs) {
    Open-MamlElement $W $Prefix $Name
    foreach ($para in $Paragraphs) { Write-MamlText $W maml para $para }
    $W.WriteEndElement()
}

function ConvertTo-AboutText {
    # The about_*.help.txt layout pwsh's own topics use: headings at column 0, text indented by 4 and wrapped at 80
    # (PlatyPS's -MaxAboutWidth default). The page starts '# Title' then '## about_Name', as PlatyPS's template.
    param([Parameter(Mandatory)]$Doc, [int]$Width = 80)
    $path = $Doc.Path
    $blocks = @($Doc.Blocks)
    $name = [IO.Path]::GetFileNameWithoutExtension($path)
    if ($blocks.Count -lt 2 -or $blocks[0].Kind -ne 'Heading' -or $blocks[0].Level -ne 1 -or
        $blocks[1].Kind -ne 'Heading' -or $blocks[1].Level -ne 2 -or $blocks[1].Text -ne $name) {
        throw "${path}: an about topic starts with '# Title' and then '## $name'."
    }
    $h1 = @($blocks | Where-Object { $_.Kind -eq 'Heading' -and $_.Level -eq 1 } | ForEach-Object Text)
    foreach ($required in 'SHORT DESCRIPTION', 'LONG DESCRIPTION') {
        if ($required -notin $h1) { throw "${path}: an about topic needs a '# $required' section." }
    }

    $out = [Collections.Generic.List[string]]::new()
    $out.Add('TOPIC')
    $out.Add("    $name")
    $previous = $null
    foreach ($block in $blocks | Select-Object -Skip 2) {
        # A blank line between blocks, none between a heading and its first block.
        if (-not $previous -or $previous.Kind -ne 'Heading' -or $block.Kind -eq 'Heading') { $out.Add('') }
        $previous = $block
        switch ($block.Kind) {
            'Heading' {
                $out.Add($(switch ($block.Level) { 1 { $block.Text.ToUpperInvariant() } 2 { "  $($block.Text)" } default { "    $($block.Text.ToUpperInvariant())" } }))
            }
            'Paragraph' { Format-Wrapped (ConvertFrom-InlineMarkdown $block.Text -KeepUrl) '    ' '    ' $Width | ForEach-Object { $out.Add($_) } }
            'List' {
                foreach ($item in $block.Items) {
                    Format-Wrapped (ConvertFrom-InlineMarkdown $item -KeepUrl) '    - ' '      ' $Width | ForEach-Object { $out.Add($_) }
                }
            }
            'Table' { Format-AboutTable $block | ForEach-Object { $out.Add("    $_") } }
            'Code' { $block.Lines | ForEach-Object { $out.Add("        $_".TrimEnd()) } }
        }
    }
    ($out -join "`n") + "`n"
}

function Format-Wrapped([string]$Text, [string]$First, [string]$Rest, [int]$Width) {
    $line = $First
    $fresh = $true
    foreach ($word in $Text -split '\s+' | Where-Object { $_ }) {
        if (-not $fresh -and $line.Length + 1 + $word.Length -gt $Width) {
            $line
            $line = $Rest + $word
        }
        else {
            $line += $(if ($fresh) { $word } else { " $word" })
        }
        $fresh = $false
    }
    $line
}

function Format-AboutTable($Block) {
    # Columns aligned by their widest cell; the markdown separator row becomes a dashed rule under the header.
    $rows = @($Block.Rows | Where-Object { $_ -notmatch '^\|[\s:|-]+\|$' } | ForEach-Object {
            , @($_.Trim('|') -split '(?<!\\)\|' | ForEach-Object { ConvertFrom-InlineMarkdown $_.Trim() -KeepUrl })
        })
    $widths = foreach ($col in 0..($rows[0].Count - 1)) { ($rows | ForEach-Object { $_[$col].Length } | Measure-Object -Maximum).Maximum }
    $format = { param($cells) (@(for ($c = 0; $c -lt $cells.Count; $c++) { $cells[$c].PadRight($widths[$c]) }) -join '  ').TrimEnd() }
    & $format $rows[0]
    & $format @($widths | ForEach-Object { '-' * $_ })
    for ($r = 1; $r -lt $rows.Count; $r++) { & $format $rows[$r] }
}
