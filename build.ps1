#Requires -Version 7.2
<#
.SYNOPSIS
    Builds, tests, demonstrates and packages the IamOnboard module.
.DESCRIPTION
    One entry point with named tasks. Run from the repository root:
        dotnet tool restore && dotnet pwsh ./build.ps1 test
.PARAMETER Task
    build    Publish the module into out/IamOnboard/<version>/ (an Import-Module-able folder).
    test     build, netfx, package, then xunit, then Pester in a fresh pwsh against the built module; prints "N passed, N failed".
    unit     xunit only.
    pester   Pester only (against the built module; run build first).
    demo     build, start a local IAM endpoint and run the onboarding walk-through end to end.
    package  Pack the built module into out/IamOnboard.<version>.nupkg (for Install-PSResource/Save-PSResource from a
             repository) and out/IamOnboard.zip (IamOnboard/IamOnboard.psd1 inside, Azure Automation's layout). Run build first.
    netfx    Compile the libraries against .NET Framework 4.7.2 too, so an API Windows PowerShell 5.1 lacks fails the build.
    clean    Remove out/ and the bin/obj folders.
    bench    build, then onboarding throughput against the AWS CLI and the AWS SDK for JavaScript on a local endpoint
             (out/bench/results.md and results.json; about 10 minutes; not part of test).
    soak     The fault matrix (throttling, failures + dropped responses, both) at 1,000 users (-Users to change); prints
             what was injected and what was lost, and fails when anything was. Run build first; takes many minutes.
             Not part of test.
.PARAMETER Configuration
    Release (default) or Debug.
.PARAMETER TestName
    Only run Pester tests whose full name matches this wildcard.
.PARAMETER Users
    How many users the soak task onboards in each mode (default 1,000), e.g. -Users 50 for a quick look.
.PARAMETER ReadyToRun
    The runtimes (linux-x64, win-x64, osx-arm64, ...) the build compiles the dependencies for ahead of time, so a fresh
    PowerShell 7 on them JIT-compiles less before its first request. Default: the runtime this build runs on; 'none'
    for none. Each runtime adds about 4.5 MB; elsewhere the IL assemblies load as before.
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('build', 'test', 'unit', 'pester', 'demo', 'clean', 'package', 'netfx', 'bench', 'soak')]
    [string[]] $Task = @('build'),

    [ValidateSet('Release', 'Debug')]
    [string] $Configuration = 'Release',

    [string[]] $TestName,

    [ValidateRange(1, 100000)]
    [int] $Users = 1000,

    [string[]] $ReadyToRun = @([System.Runtime.InteropServices.RuntimeInformation]::RuntimeIdentifier)
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
. (Join-Path $PSScriptRoot 'build/BuildTasks.ps1')

$context = New-BuildContext -Root $PSScriptRoot -Configuration $Configuration -ReadyToRun @($ReadyToRun | Where-Object { $_ -ne 'none' })
foreach ($name in $Task) {
    Invoke-BuildTask -Name $name -Context $context -TestName $TestName -Users $Users
}
