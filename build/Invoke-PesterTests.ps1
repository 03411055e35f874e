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
@{ Passed = $result.PassedCount; Failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount } |
    ConvertTo-Json | Set-Content -Path $SummaryPath
