<#
.SYNOPSIS
    Compiles docs/help/*.md into the module's MAML help (IamOnboard.dll-Help.xml) and about_ topics.
.DESCRIPTION
    platyPS is not available here, so this is the module's own help compiler. The prose comes from the
    markdown (one platyPS-shaped file per cmdlet); everything a reader could check against the code -
    parameter sets, types, mandatory, position, pipeline input, aliases, output types - comes from the built
    cmdlets through Get-Command, so help and code cannot disagree. Run in a fresh pwsh by build.ps1 after the
    module is built: it imports the module it documents.

    Fails (throws) when a cmdlet has no help file, a section is empty, there are fewer than two examples, a
    module parameter is undocumented, or the markdown documents a parameter the cmdlet does not have.
#>
param(
    [Parameter(Mandatory)] [string] $ModuleManifest,
    [Parameter(Mandatory)] [string] $HelpSource,
    [Parameter(Mandatory)] [string] $OutputDirectory
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

# PowerShell's own parameters: documented by PowerShell (about_CommonParameters), not by the module. WhatIf and
# Confirm are PowerShell's too but belong in each syntax line, so they get the standard sentences below.
$script:CommonParameters = [System.Management.Automation.PSCmdlet]::CommonParameters
$script:ShouldProcessHelp = @{
    WhatIf  = 'Shows what would happen if the cmdlet runs. The cmdlet is not run.'
    Confirm = 'Prompts you for confirmation before running the cmdlet.'
}

function Split-MarkdownSection {
    <# Splits markdown lines into sections at headings of the given level: an ordered name -> lines table. #>
    param([string[]] $Lines, [int] $Level)
    $marker = ('#' * $Level) + ' '
    $sections = [ordered]@{}
    $current = $null
    $inCode = $false
    foreach ($line in $Lines) {
        if ($line -match '^```') { $inCode = -not $inCode }
        if (-not $inCode -and $line.StartsWith($marker)) {
            $current = $line.Substring($marker.Length).Trim()
            $sections[$current] = [System.Collections.Generic.List[string]]::new()
        }
        elseif ($null -ne $current) { $sections[$current].Add($line) }
    }
    $sections
}

function ConvertTo-Paragraph {
    <# Prose lines to paragraphs: blank lines separate them; list items and indented lines keep their own line. #>
    param([string[]] $Lines)
    $paragraphs = [System.Collections.Generic.List[string]]::new()
    $buffer = [System.Collections.Generic.List[string]]::new()
    $flush = { if ($buffer.Count) { $paragraphs.Add(($buffer -join ' ').Trim()); $buffer.Clear() } }
    foreach ($line in $Lines) {
        if ($line.Trim() -eq '') { & $flush; continue }
        if ($line -match '^\s*([-*]|\d+\.)\s') { & $flush }
        $buffer.Add($line.Trim())
    }
    & $flush
    # Markdown emphasis and code spans read as noise in a console.
    @($paragraphs | ForEach-Object { $_ -replace '`([^`]+)`', '$1' -replace '\*\*([^*]+)\*\*', '$1' })
}

function Read-CmdletHelpMarkdown {
    param([string] $Path)
    $lines = Get-Content -Path $Path -Encoding utf8
    $title = ($lines | Where-Object { $_ -match '^# ' } | Select-Object -First 1)
    if (-not $title) { throw "${Path}: no '# <Cmdlet-Name>' title." }
    $sections = Split-MarkdownSection -Lines $lines -Level 2

    $examples = foreach ($entry in (Split-MarkdownSection -Lines $sections['EXAMPLES'] -Level 3).GetEnumerator()) {
        $code = [System.Collections.Generic.List[string]]::new()
        $remarks = [System.Collections.Generic.List[string]]::new()
        $state = 'before'
        foreach ($line in $entry.Value) {
            if ($state -eq 'before' -and $line -match '^```') { $state = 'code'; continue }
            if ($state -eq 'code' -and $line -match '^```') { $state = 'after'; continue }
            if ($state -eq 'code') { $code.Add($line) } elseif ($state -eq 'after') { $remarks.Add($line) }
        }
        [pscustomobject]@{ Title = $entry.Key; Code = ($code -join "`n").Trim(); Remarks = ConvertTo-Paragraph $remarks }
    }

    $parameters = [ordered]@{}
    if ($sections.Contains('PARAMETERS')) {
        foreach ($entry in (Split-MarkdownSection -Lines $sections['PARAMETERS'] -Level 3).GetEnumerator()) {
            $parameters[$entry.Key.TrimStart('-')] = ConvertTo-Paragraph $entry.Value
        }
    }

    $typed = {
        param($Name)
        $table = @{}
        if ($sections.Contains($Name)) {
            foreach ($entry in (Split-MarkdownSection -Lines $sections[$Name] -Level 3).GetEnumerator()) { $table[$entry.Key] = ConvertTo-Paragraph $entry.Value }
        }
        $table
    }

    [pscustomobject]@{
        Path         = $Path
        Name         = $title.Substring(2).Trim()
        Synopsis     = (ConvertTo-Paragraph $sections['SYNOPSIS']) -join ' '
        Description  = ConvertTo-Paragraph $sections['DESCRIPTION']
        Examples     = @($examples)
        Parameters   = $parameters
        Inputs       = & $typed 'INPUTS'
        Outputs      = & $typed 'OUTPUTS'
        Notes        = if ($sections.Contains('NOTES')) { ConvertTo-Paragraph $sections['NOTES'] } else { @() }
        RelatedLinks = if ($sections.Contains('RELATED LINKS')) {
            @($sections['RELATED LINKS'] | Where-Object { $_ -match '^\s*-\s' } | ForEach-Object { ($_ -replace '^\s*-\s*', '' -replace '\[([^\]]+)\]\([^)]*\)', '$1').Trim() })
        } else { @() }
    }
}

function Get-ModuleParameter {
    <# The parameters a reader needs documented: the cmdlet's own and its base class's, not PowerShell's common ones. #>
    param([System.Management.Automation.CommandInfo] $Command)
    $Command.Parameters.Values | Where-Object { $_.Name -notin $script:CommonParameters }
}

function Get-ParameterFacts {
    <# What Get-Command knows about a parameter, in the words MAML uses. #>
    param([System.Management.Automation.ParameterMetadata] $Parameter, [string] $ParameterSetName)
    # A parameter in every set is listed under __AllParameterSets, not under each set's name.
    $sets = if (-not $ParameterSetName) { @($Parameter.ParameterSets.Values) }
        elseif ($Parameter.ParameterSets.ContainsKey($ParameterSetName)) { @($Parameter.ParameterSets[$ParameterSetName]) }
        else { @($Parameter.ParameterSets['__AllParameterSets']) }
    $pipeline = @()
    if ($sets | Where-Object ValueFromPipeline) { $pipeline += 'ByValue' }
    if ($sets | Where-Object ValueFromPipelineByPropertyName) { $pipeline += 'ByPropertyName' }
    $positions = @($sets | Where-Object { $_.Position -ge 0 } | ForEach-Object Position | Select-Object -Unique)
    # The syntax shows an optional value (int?) as its value type; it would otherwise say Nullable`1.
    $valueType = [Nullable]::GetUnderlyingType($Parameter.ParameterType)
    if (-not $valueType) { $valueType = $Parameter.ParameterType }
    [pscustomobject]@{
        Required      = [bool](@($sets | Where-Object { -not $_.IsMandatory }).Count -eq 0)
        Position      = if ($positions.Count) { [string]$positions[0] } else { 'named' }
        PipelineInput = if ($pipeline) { "True ($($pipeline -join ', '))" } else { 'False' }
        Aliases       = if ($Parameter.Aliases.Count) { $Parameter.Aliases -join ', ' } else { 'none' }
        TypeName      = $Parameter.ParameterType.FullName
        ShortTypeName = $valueType.Name
        IsSwitch      = $Parameter.SwitchParameter
        IsArray       = $Parameter.ParameterType.IsArray
    }
}

function Add-Paragraphs {
    param([System.Xml.XmlWriter] $Writer, [string[]] $Paragraphs)
    $Writer.WriteStartElement('maml', 'description', $script:Maml)
    foreach ($paragraph in $Paragraphs) { $Writer.WriteElementString('maml', 'para', $script:Maml, $paragraph) }
    $Writer.WriteEndElement()
}

function Write-MamlParameter {
    param([System.Xml.XmlWriter] $Writer, [string] $Name, $Facts, [string[]] $Text)
    $Writer.WriteStartElement('command', 'parameter', $script:Command)
    $Writer.WriteAttributeString('required', $Facts.Required.ToString().ToLowerInvariant())
    $Writer.WriteAttributeString('variableLength', $Facts.IsArray.ToString().ToLowerInvariant())
    $Writer.WriteAttributeString('globbing', 'false')
    $Writer.WriteAttributeString('pipelineInput', $Facts.PipelineInput)
    $Writer.WriteAttributeString('position', $Facts.Position)
    $Writer.WriteAttributeString('aliases', $Facts.Aliases)
    $Writer.WriteElementString('maml', 'name', $script:Maml, $Name)
    Add-Paragraphs -Writer $Writer -Paragraphs $Text
    if (-not $Facts.IsSwitch) {
        $Writer.WriteStartElement('command', 'parameterValue', $script:Command)
        $Writer.WriteAttributeString('required', 'true')
        $Writer.WriteAttributeString('variableLength', $Facts.IsArray.ToString().ToLowerInvariant())
        $Writer.WriteString($Facts.ShortTypeName)
        $Writer.WriteEndElement()
    }
    $Writer.WriteStartElement('dev', 'type', $script:Dev)
    $Writer.WriteElementString('maml', 'name', $script:Maml, $Facts.TypeName)
    $Writer.WriteEndElement()
    $Writer.WriteElementString('dev', 'defaultValue', $script:Dev, 'None')
    $Writer.WriteEndElement()
}

function Write-MamlCommand {
    param([System.Xml.XmlWriter] $Writer, [System.Management.Automation.CmdletInfo] $Command, $Help, [hashtable] $SharedParameters)
    $problems = [System.Collections.Generic.List[string]]::new()
    if ($Help.Name -ne $Command.Name) { $problems.Add("title is '$($Help.Name)'") }
    if (-not $Help.Synopsis) { $problems.Add('SYNOPSIS is empty') }
    if (-not $Help.Description) { $problems.Add('DESCRIPTION is empty') }
    if ($Help.Examples.Count -lt 2) { $problems.Add("$($Help.Examples.Count) example(s); every cmdlet needs at least 2") }
    foreach ($example in $Help.Examples | Where-Object { -not $_.Code }) { $problems.Add("example '$($example.Title)' has no code block") }

    $parameters = @(Get-ModuleParameter $Command)
    $text = @{}
    foreach ($parameter in $parameters) {
        $prose = if ($Help.Parameters.Contains($parameter.Name)) { $Help.Parameters[$parameter.Name] }
            elseif ($script:ShouldProcessHelp.ContainsKey($parameter.Name)) { $script:ShouldProcessHelp[$parameter.Name] }
            elseif ($SharedParameters.ContainsKey($parameter.Name)) { $SharedParameters[$parameter.Name] }
        if (-not $prose) { $problems.Add("parameter -$($parameter.Name) is not documented") }
        $text[$parameter.Name] = @($prose)
    }
    foreach ($documented in $Help.Parameters.Keys | Where-Object { $_ -notin $parameters.Name }) {
        $problems.Add("documents -$documented, which the cmdlet does not have")
    }
    $declaredOutputs = @($Command.OutputType | ForEach-Object Name)
    foreach ($documented in $Help.Outputs.Keys | Where-Object { $_ -notin $declaredOutputs }) {
        $problems.Add("OUTPUTS names $documented, which the cmdlet's [OutputType] does not")
    }
    if ($problems.Count) { throw "$($Help.Path): $($problems -join '; ')." }

    $Writer.WriteStartElement('command', 'command', $script:Command)
    $Writer.WriteStartElement('command', 'details', $script:Command)
    $Writer.WriteElementString('command', 'name', $script:Command, $Command.Name)
    $Writer.WriteElementString('command', 'verb', $script:Command, $Command.Verb)
    $Writer.WriteElementString('command', 'noun', $script:Command, $Command.Noun)
    Add-Paragraphs -Writer $Writer -Paragraphs @($Help.Synopsis)
    $Writer.WriteEndElement()
    Add-Paragraphs -Writer $Writer -Paragraphs $Help.Description

    $Writer.WriteStartElement('command', 'syntax', $script:Command)
    foreach ($set in $Command.ParameterSets) {
        $Writer.WriteStartElement('command', 'syntaxItem', $script:Command)
        $Writer.WriteElementString('maml', 'name', $script:Maml, $Command.Name)
        $inSet = $set.Parameters | Where-Object { $_.Name -notin $script:CommonParameters } |
            Sort-Object -Stable { if ($_.Position -ge 0) { $_.Position } else { [int]::MaxValue } }, { -not $_.IsMandatory }
        foreach ($parameter in $inSet) {
            $facts = Get-ParameterFacts -Parameter $Command.Parameters[$parameter.Name] -ParameterSetName $set.Name
            Write-MamlParameter -Writer $Writer -Name $parameter.Name -Facts $facts -Text $text[$parameter.Name]
        }
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()

    $Writer.WriteStartElement('command', 'parameters', $script:Command)
    foreach ($parameter in $parameters) {
        Write-MamlParameter -Writer $Writer -Name $parameter.Name -Facts (Get-ParameterFacts -Parameter $parameter) -Text $text[$parameter.Name]
    }
    $Writer.WriteEndElement()

    # Inputs: the types the pipeline can bind; outputs: [OutputType]. Prose for either comes from the markdown.
    # By value, the parameter's type; by property name alone, any object with such properties (CSV rows).
    $inputTypes = [System.Collections.Generic.List[string]]::new()
    foreach ($parameter in $parameters) {
        $sets = @($parameter.ParameterSets.Values)
        $type = if ($sets | Where-Object ValueFromPipeline) { $parameter.ParameterType.FullName }
            elseif ($sets | Where-Object ValueFromPipelineByPropertyName) { 'System.Management.Automation.PSObject' }
        if ($type -and -not $inputTypes.Contains($type)) { $inputTypes.Add($type) }
    }
    foreach ($documented in $Help.Inputs.Keys | Where-Object { $_ -notin $inputTypes }) {
        throw "$($Help.Path): INPUTS names $documented, which no parameter takes from the pipeline."
    }
    $byPropertyName = 'Objects with properties named like the parameters that take pipeline input by property name, such as Import-Csv rows.'
    $Writer.WriteStartElement('command', 'inputTypes', $script:Command)
    foreach ($type in $inputTypes) {
        $Writer.WriteStartElement('command', 'inputType', $script:Command)
        $Writer.WriteStartElement('dev', 'type', $script:Dev); $Writer.WriteElementString('maml', 'name', $script:Maml, $type); $Writer.WriteEndElement()
        $prose = if ($Help.Inputs.ContainsKey($type)) { $Help.Inputs[$type] } elseif ($type -like '*.PSObject') { $byPropertyName }
        Add-Paragraphs -Writer $Writer -Paragraphs @($prose)
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()
    $outputTypes = @($Command.OutputType | ForEach-Object Name | Where-Object { $_ -ne 'System.Void' } | Select-Object -Unique)
    $Writer.WriteStartElement('command', 'returnValues', $script:Command)
    foreach ($type in $outputTypes) {
        $Writer.WriteStartElement('command', 'returnValue', $script:Command)
        $Writer.WriteStartElement('dev', 'type', $script:Dev); $Writer.WriteElementString('maml', 'name', $script:Maml, $type); $Writer.WriteEndElement()
        Add-Paragraphs -Writer $Writer -Paragraphs @($Help.Outputs[$type])
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()

    if ($Help.Notes) {
        $Writer.WriteStartElement('maml', 'alertSet', $script:Maml)
        $Writer.WriteStartElement('maml', 'alert', $script:Maml)
        foreach ($paragraph in $Help.Notes) { $Writer.WriteElementString('maml', 'para', $script:Maml, $paragraph) }
        $Writer.WriteEndElement(); $Writer.WriteEndElement()
    }

    $Writer.WriteStartElement('command', 'examples', $script:Command)
    foreach ($example in $Help.Examples) {
        $Writer.WriteStartElement('command', 'example', $script:Command)
        $Writer.WriteElementString('maml', 'title', $script:Maml, "-------------------------- $($example.Title) --------------------------")
        $Writer.WriteElementString('dev', 'code', $script:Dev, $example.Code)
        $Writer.WriteStartElement('dev', 'remarks', $script:Dev)
        foreach ($paragraph in $example.Remarks) { $Writer.WriteElementString('maml', 'para', $script:Maml, $paragraph) }
        $Writer.WriteEndElement()
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()

    $Writer.WriteStartElement('command', 'relatedLinks', $script:Command)
    foreach ($link in $Help.RelatedLinks) {
        $Writer.WriteStartElement('maml', 'navigationLink', $script:Maml)
        $Writer.WriteElementString('maml', 'linkText', $script:Maml, $link)
        $Writer.WriteElementString('maml', 'uri', $script:Maml, '')
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()
    $Writer.WriteEndElement()
}

function ConvertTo-AboutText {
    <# An about_ topic's markdown as the plain text Get-Help shows: headings flush left, prose indented. #>
    param([string[]] $Lines)
    $out = [System.Collections.Generic.List[string]]::new()
    $inCode = $false
    foreach ($line in $Lines) {
        if ($line -match '^```') { $inCode = -not $inCode; continue }
        if ($inCode) { $out.Add(('        ' + $line).TrimEnd()); continue }
        if ($line -match '^# (.+)') { $out.Add('TOPIC'); $out.Add('    ' + $Matches[1].Trim()); continue }
        if ($line -match '^## (.+)') { $out.Add($Matches[1].Trim().ToUpperInvariant()); continue }
        if ($line -match '^### (.+)') { $out.Add('  ' + $Matches[1].Trim()); continue }
        $plain = $line -replace '`([^`]+)`', '$1' -replace '\*\*([^*]+)\*\*', '$1'
        $out.Add(('    ' + $plain).TrimEnd())
    }
    $out
}

$script:Maml = 'http://schemas.microsoft.com/maml/2004/10'
$script:Command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
$script:Dev = 'http://schemas.microsoft.com/maml/dev/2004/10'

$module = Import-Module $ModuleManifest -PassThru -Force
$moduleName = $module.Name
$shared = @{}
$sharedFile = Join-Path $HelpSource '_SharedParameters.md'
if (Test-Path $sharedFile) {
    foreach ($entry in (Split-MarkdownSection -Lines (Get-Content $sharedFile -Encoding utf8) -Level 3).GetEnumerator()) {
        $shared[$entry.Key.TrimStart('-')] = ConvertTo-Paragraph $entry.Value
    }
}

$settings = [System.Xml.XmlWriterSettings]::new()
$settings.Indent = $true
$settings.Encoding = [System.Text.UTF8Encoding]::new($false)
$helpFile = Join-Path $OutputDirectory "$moduleName.dll-Help.xml"
$writer = [System.Xml.XmlWriter]::Create($helpFile, $settings)
try {
    $writer.WriteStartDocument()
    $writer.WriteStartElement('helpItems', 'http://msh')
    $writer.WriteAttributeString('schema', 'maml')
    $writer.WriteAttributeString('xmlns', 'maml', $null, $script:Maml)
    $writer.WriteAttributeString('xmlns', 'command', $null, $script:Command)
    $writer.WriteAttributeString('xmlns', 'dev', $null, $script:Dev)
    foreach ($command in Get-Command -Module $moduleName -CommandType Cmdlet | Sort-Object Name) {
        $source = Join-Path $HelpSource "$($command.Name).md"
        if (-not (Test-Path $source)) { throw "$($command.Name) has no help: write $source." }
        Write-MamlCommand -Writer $writer -Command $command -Help (Read-CmdletHelpMarkdown $source) -SharedParameters $shared
    }
    $writer.WriteEndElement()
    $writer.WriteEndDocument()
}
finally { $writer.Dispose() }

# about_ topics go in the culture folder, where Get-Help looks for them.
$culture = Join-Path $OutputDirectory 'en-US'
$null = New-Item -ItemType Directory -Path $culture -Force
foreach ($about in Get-ChildItem -Path $HelpSource -Filter 'about_*.md') {
    ConvertTo-AboutText (Get-Content $about.FullName -Encoding utf8) |
        Set-Content -Path (Join-Path $culture ($about.BaseName + '.help.txt')) -Encoding utf8
}
Write-Host "Help compiled: $helpFile"
