<#
.SYNOPSIS
    IamOnboard's side of the onboarding benchmark: the real pipeline over a CSV, in a process of its own.
.DESCRIPTION
    Imports the module, then times Connect-Onboard to the endpoint (the secret comes from BENCH_SECRET_ACCESS_KEY; its
    call is the first on a fresh connection, as the JS script's first call is inside its timer) and
        Import-Csv $Csv | New-OnboardUser -ThrottleLimit T | [Add-OnboardGroupMember -ThrottleLimit T -GroupName G |] Enable-OnboardVirtualMfa -Unattended -IncludeSeed -ThrottleLimit T
    and prints one JSON line. -ThrottleLimit goes to Connect-Onboard and every stage: it is the session's and the
    pipeline's budget of requests in flight. Each CSV row asks for console access (reset at first sign-in), an access key and tags;
    with -Pipeline Group the rows also carry the group, so New-OnboardUser adds the membership itself; -Pipeline OneAtATime
    runs that pipeline once per row, one row after the other.
    With -WhatIf the run is a plan instead: Import-Csv $Csv | New-OnboardUser -WhatIf, its What-if lines discarded.
#>
param(
    [Parameter(Mandatory)] [string] $ModuleManifest,
    [Parameter(Mandatory)] [string] $EndpointUrl,
    [Parameter(Mandatory)] [string] $AccessKeyId,
    [Parameter(Mandatory)] [string] $Csv,
    [int] $ThrottleLimit = 0,
    [string] $GroupName = 'bench-group',
    [ValidateSet('Group', 'AddGroupMember', 'OneAtATime')] [string] $Pipeline = 'Group',
    [switch] $WhatIf
)
$ErrorActionPreference = 'Stop'
Import-Module $ModuleManifest
# Module load is outside both tools' timers (the JS script imports its SDK before its timer): Import-Csv's module too,
# which PowerShell would otherwise load on first use, inside the timer.
Import-Module Microsoft.PowerShell.Utility
$secret = ConvertTo-SecureString $env:BENCH_SECRET_ACCESS_KEY -AsPlainText -Force
$throttle = @{}
if ($ThrottleLimit -gt 0) { $throttle.ThrottleLimit = $ThrottleLimit }
$errors = $null
$count = 0
# JIT compilation inside the timer, all threads (a fresh process compiles what it runs, and recompiles what is hot).
$jitBefore = [System.Runtime.JitInfo]::GetCompilationTime($false)
$jitMethodsBefore = [System.Runtime.JitInfo]::GetCompiledMethodCount($false)
$clock = [System.Diagnostics.Stopwatch]::StartNew()
# The budget is the session's as well: Connect-Onboard's own requests keep to it too.
$null = Connect-Onboard -EndpointUrl $EndpointUrl -AccessKey $AccessKeyId -SecretKey $secret @throttle
if ($WhatIf) {
    # The What-if lines go to the host; the bench sends this process's output to a file.
    Import-Csv $Csv | New-OnboardUser -WhatIf @throttle -ErrorVariable +errors -ErrorAction SilentlyContinue
    $count = -1
}
elseif ($Pipeline -eq 'OneAtATime') {
    # Each row its own pipeline, one after the other: one user in flight at a time, as the JS script's single worker
    # does, so a user's chain of calls shows the hand-off between stages with nobody else's calls in between.
    foreach ($row in Import-Csv $Csv) {
        $row | New-OnboardUser @throttle -ErrorVariable +errors -ErrorAction SilentlyContinue |
            Enable-OnboardVirtualMfa -Unattended -IncludeSeed @throttle -ErrorVariable +errors -ErrorAction SilentlyContinue |
            ForEach-Object { $count++ }
    }
}
elseif ($Pipeline -eq 'Group') {
    Import-Csv $Csv | New-OnboardUser @throttle -ErrorVariable +errors -ErrorAction SilentlyContinue |
        Enable-OnboardVirtualMfa -Unattended -IncludeSeed @throttle -ErrorVariable +errors -ErrorAction SilentlyContinue |
        ForEach-Object { $count++ }
}
else {
    Import-Csv $Csv | New-OnboardUser @throttle -ErrorVariable +errors -ErrorAction SilentlyContinue |
        Add-OnboardGroupMember -GroupName $GroupName @throttle -ErrorVariable +errors -ErrorAction SilentlyContinue |
        Enable-OnboardVirtualMfa -Unattended -IncludeSeed @throttle -ErrorVariable +errors -ErrorAction SilentlyContinue |
        ForEach-Object { $count++ }
}
$clock.Stop()
$jitMilliseconds = ([System.Runtime.JitInfo]::GetCompilationTime($false) - $jitBefore).TotalMilliseconds
$jitMethods = [System.Runtime.JitInfo]::GetCompiledMethodCount($false) - $jitMethodsBefore
[ordered]@{
    tool        = 'IamOnboard'
    pipeline    = if ($WhatIf) { 'WhatIf' } else { $Pipeline }
    completed   = $count
    concurrency = $ThrottleLimit
    wallSeconds = $clock.Elapsed.TotalSeconds
    jitMilliseconds = [Math]::Round($jitMilliseconds)
    jitMethods  = $jitMethods
    failed      = @($errors | Where-Object { $_ }).Count
    failures    = @($errors | Select-Object -First 5 | ForEach-Object { "$_" })
} | ConvertTo-Json -Compress | Write-Output
