<#
.SYNOPSIS
    What a fresh process spends before and on its first request: Import-Module, Connect-Onboard -Local (an endpoint
    in this process, no latency), and a first New-OnboardUser. Prints one JSON line of milliseconds, wall and CPU
    (all threads: the runtime's background JIT included), per phase.
#>
param([Parameter(Mandatory)] [string] $ModuleManifest)
$ErrorActionPreference = 'Stop'
$self = [Diagnostics.Process]::GetCurrentProcess()
$sinceStart = [DateTime]::Now - $self.StartTime
$phases = [ordered]@{ processToScriptMs = [int]$sinceStart.TotalMilliseconds; cpuBeforeScriptMs = [int]$self.TotalProcessorTime.TotalMilliseconds }
$clock = [Diagnostics.Stopwatch]::StartNew()
function Step([string] $Name, [scriptblock] $Work) {
    $self.Refresh()
    $cpu = $self.TotalProcessorTime
    $wall = $clock.Elapsed
    $null = & $Work
    $self.Refresh()
    $phases[$Name + 'Ms'] = [int]($clock.Elapsed - $wall).TotalMilliseconds
    $phases[$Name + 'CpuMs'] = [int]($self.TotalProcessorTime - $cpu).TotalMilliseconds
}
Step 'importModule' { Import-Module $ModuleManifest }
Step 'connectLocal' { Connect-Onboard -Local }
Step 'firstUser' { New-OnboardUser -UserName 'startup-user' }
Step 'secondUser' { New-OnboardUser -UserName 'startup-user-2' }
$phases | ConvertTo-Json -Compress
