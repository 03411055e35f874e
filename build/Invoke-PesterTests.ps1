# Runs the Pester suite in this (fresh) pwsh against the built module and writes a pass/fail summary.
param(
    [Parameter(Mandatory)] [string] $PesterPath,
    [Parameter(Mandatory)] [string] $ModuleManifest,
    [Parameter(Mandatory)] [string] $TestPath,
    [Parameter(Mandatory)] [string] $SummaryPath,
    [string] $TestName
)
$ErrorActionPreference = 'Stop'
Import-Module $PesterPath -Force
# Test files import the module from here, never from src/.
$env:IAMONBOARD_MODULE = (Resolve-Path $ModuleManifest).Path
# No test may reach anything but loopback: with this switch every IAM, STS and SSO client refuses other endpoints.
$env:IAMONBOARD_LOOPBACK_ONLY = '1'

$config = New-PesterConfiguration
$config.Run.Path = $TestPath
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Normal'
$config.TestResult.Enabled = $true
$config.TestResult.OutputPath = Join-Path (Split-Path $SummaryPath) 'pester.xml'
if ($TestName) { $config.Filter.FullName = $TestName -split '\|' }

$result = Invoke-Pester -Configuration $config
# Where the time went, slowest file first: the suite must stay well inside CI's limit on a busy machine.
$result.Containers | Where-Object { $_.Result -ne 'NotRun' } | Sort-Object Duration -Descending |
    Format-Table -AutoSize @(
        @{ Label = 'File'; Expression = { Split-Path -Leaf $_.Item } }
        @{ Label = 'Seconds'; Expression = { $_.Duration.TotalSeconds.ToString('0.0', [cultureinfo]::InvariantCulture) }; Align = 'Right' }
        @{ Label = 'Passed'; Expression = { $_.PassedCount } }
        @{ Label = 'Failed'; Expression = { $_.FailedCount } }
    ) | Out-Host
Write-Host ('Pester total: {0:0.0} s' -f $result.Duration.TotalSeconds)
# The failures' names travel to the closing summary, which is all a CI log's tail may show.
$failedNames = @(
    $result.Failed | ForEach-Object { $_.ExpandedPath }
    $result.FailedBlocks | ForEach-Object { "$($_.Path -join ' ') (BeforeAll/AfterAll)" }
    $result.FailedContainers | ForEach-Object { "$($_.Item) (could not run)" }
)
@{ Passed = $result.PassedCount; Failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount; FailedNames = $failedNames } |
    ConvertTo-Json | Set-Content -Path $SummaryPath
