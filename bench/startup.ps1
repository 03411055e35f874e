<#
.SYNOPSIS
    What a fresh process spends before and on its first request: Import-Module, Connect-Onboard -Local (an endpoint
    in this process, no latency), and a first New-OnboardUser. Prints one JSON line of milliseconds.
#>
param([Parameter(Mandatory)] [string] $ModuleManifest)
$ErrorActionPreference = 'Stop'
$sinceStart = [DateTime]::Now - [Diagnostics.Process]::GetCurrentProcess().StartTime
$clock = [Diagnostics.Stopwatch]::StartNew()
Import-Module $ModuleManifest
$import = $clock.Elapsed.TotalMilliseconds
$null = Connect-Onboard -Local
$connect = $clock.Elapsed.TotalMilliseconds
$null = New-OnboardUser -UserName 'startup-user'
$first = $clock.Elapsed.TotalMilliseconds
$null = New-OnboardUser -UserName 'startup-user-2'
$second = $clock.Elapsed.TotalMilliseconds
[ordered]@{
    processToScriptMs = [int]$sinceStart.TotalMilliseconds
    importModuleMs    = [int]$import
    connectLocalMs    = [int]($connect - $import)
    firstUserMs       = [int]($first - $connect)
    secondUserMs      = [int]($second - $first)
} | ConvertTo-Json -Compress
