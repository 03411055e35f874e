<#
.SYNOPSIS
    Onboarding throughput of IamOnboard against the tools admins would use instead, on a local IAM endpoint.
.DESCRIPTION
    Run through `./build.ps1 bench` (which builds the module and installs the JavaScript SDK first), or directly
    after a build with smaller sizes while developing:
        dotnet pwsh -NoProfile -Command "./build/Bench.ps1 -ModuleManifest out/IamOnboard/0.1.0/IamOnboard.psd1 -Users 40 -Repeat 1 -InFlight 1,4 -Skip Cli,Streaming"
    The headline compares the tools at equal budgets of requests in flight: IamOnboard's -ThrottleLimit N (on every
    stage) against the JS script's N workers, runs interleaved (IamOnboard, JS, IamOnboard, JS, ...), medians quoted.
    Every run gets a fresh endpoint with a fixed per-request latency (standing in for the network to IAM), a group
    created beforehand, and the tool in a process of its own under GNU time (peak memory). Both tools' timers start
    before their first call on a fresh connection. The endpoint counts the calls, the peak and mean requests in flight,
    and records each request, from which each user's chain of calls is timed. Writes results.md and results.json.
#>
param(
    [Parameter(Mandatory)] [string] $ModuleManifest,
    [string] $OutputDirectory = (Join-Path $PSScriptRoot '../out/bench'),
    # Users per run; 0: UsersPerInFlight x the budget (at least MinUsers), so that each run takes a few seconds.
    [int] $Users = 0,
    [int] $UsersPerInFlight = 25,
    [int] $MinUsers = 20,
    [int] $LatencyMs = 25,
    # The budgets of requests in flight compared: IamOnboard's -ThrottleLimit and the script's workers.
    [int[]] $InFlight = @(1, 4, 8, 16),
    # Runs per tool and budget, interleaved; the median is quoted.
    [int] $Repeat = 3,
    [int] $CliUsers = 3,
    [int] $StreamRows = 100000,
    # The large plan is stopped after this long and reported as unfinished, with what it had planned by then.
    [double] $StreamSeconds = 200,
    [int] $SmallStreamRows = 1000,
    [int] $ImportRuns = 5,
    [double] $EndpointSeconds = 5,
    [ValidateSet('Onboarding', 'AddGroupMember', 'OneAtATime', 'Cli', 'Import', 'Startup', 'Streaming', 'Endpoint')]
    [string[]] $Skip = @()
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$root = (Resolve-Path (Join-Path $PSScriptRoot '..')).Path
$ModuleManifest = (Resolve-Path $ModuleManifest).Path
$null = New-Item -ItemType Directory -Path $OutputDirectory -Force
$OutputDirectory = (Resolve-Path $OutputDirectory).Path
$work = Join-Path $OutputDirectory 'work'
if (Test-Path $work) { Remove-Item $work -Recurse -Force }
$null = New-Item -ItemType Directory -Path $work
Import-Module $ModuleManifest -Force
. (Join-Path $PSScriptRoot 'bench/BenchCommon.ps1')

$groupName = 'bench-group'
$defaultThrottle = [IamOnboard.Commands.NewOnboardUserCommand]::new().ThrottleLimit
$started = [System.Diagnostics.Stopwatch]::StartNew()
$script:runIndex = 0

function Write-Step([string] $Text) {
    Write-Host ("[{0,6:0.0}s] {1}" -f $started.Elapsed.TotalSeconds, $Text) -ForegroundColor Cyan
}

function Get-UserCount([int] $Budget) { if ($Users -gt 0) { $Users } else { [Math]::Max($MinUsers, $UsersPerInFlight * $Budget) } }

function Invoke-OnboardingRun {
    <# One tool's full onboarding of $Count users on a fresh endpoint, with a budget of $Budget requests in flight. #>
    param([ValidateSet('IamOnboard', 'IamOnboardAddGroupMember', 'IamOnboardOneAtATime', 'JsSdk', 'AwsCli')] [string] $Tool, [int] $Count, [int] $Budget)
    $endpoint = Start-BenchEndpoint -Latency $LatencyMs -WithGroup
    try {
        $secret = Get-Secret $endpoint
        $endpoint.ResetPeakInFlight()
        $endpoint.StartRecordingRequests()
        $before = $endpoint.GetStatistics()
        switch ($Tool) {
            { $_ -like 'IamOnboard*' } {
                $csv = Join-Path $work "users-$Count.csv"
                if (-not (Test-Path $csv)) { New-UserCsv -Path $csv -Count $Count -Group $groupName }
                # -ThrottleLimit N on every stage: the budget of N requests in flight for the pipeline.
                $arguments = @('-NoProfile', '-NonInteractive', '-File', (Join-Path $root 'bench/iamonboard-onboard.ps1'),
                    '-ModuleManifest', $ModuleManifest, '-EndpointUrl', $endpoint.Url, '-AccessKeyId', $endpoint.AccessKeyId,
                    '-Csv', $csv, '-GroupName', $groupName, '-Pipeline', $(switch ($Tool) { 'IamOnboard' { 'Group' } 'IamOnboardOneAtATime' { 'OneAtATime' } default { 'AddGroupMember' } }),
                    '-ThrottleLimit', $Budget)
                $run = Invoke-Measured -Command ((Get-PwshCommand) + $arguments) -Environment @{ BENCH_SECRET_ACCESS_KEY = $secret }
            }
            'JsSdk' {
                # N workers, each with one request in flight at a time.
                $run = Invoke-Measured -Command @('node', (Join-Path $root 'bench/js/onboard.mjs'), '--endpoint', $endpoint.Url,
                    '--users', $Count, '--concurrency', $Budget, '--group', $groupName) `
                    -Environment @{ AWS_ACCESS_KEY_ID = $endpoint.AccessKeyId; AWS_SECRET_ACCESS_KEY = $secret }
            }
            'AwsCli' {
                $run = Invoke-Measured -Command @('bash', (Join-Path $root 'bench/aws-cli-onboard.sh'), $endpoint.Url, $Count, $groupName) `
                    -Environment @{ AWS_ACCESS_KEY_ID = $endpoint.AccessKeyId; AWS_SECRET_ACCESS_KEY = $secret }
            }
        }
        # A request leaves the count just after its response is written: let the last one settle.
        for ($wait = 0; $endpoint.GetStatistics().InFlight -gt 0 -and $wait -lt 200; $wait++) { Start-Sleep -Milliseconds 10 }
        $calls = Get-CallCounts -Before $before -After $endpoint.GetStatistics()
        $chains = Get-UserChains -Recorded @($endpoint.StopRecordingRequests())
    }
    finally {
        Stop-OnboardLocalIam -Endpoint $endpoint
    }
    $enabled = if ($calls.ByAction.Contains('EnableMFADevice')) { $calls.ByAction['EnableMFADevice'] } else { 0 }
    if ($run.ExitCode -ne 0 -or -not $run.Result -or $run.Result.failed -gt 0 -or $enabled -ne $Count) {
        $detail = if ($run.Result) { ($run.Result | ConvertTo-Json -Compress -Depth 4) } else { $run.StdErr }
        throw "$Tool (budget $Budget, $Count users) did not onboard every user (exit $($run.ExitCode), $enabled MFA devices enabled): $detail. Logs: $($run.Log).*"
    }
    $wall = [double]$run.Result.wallSeconds
    [pscustomobject]@{
        Tool = $Tool; Users = $Count; Budget = $Budget
        WallSeconds = $wall; ProcessSeconds = $run.ProcessSeconds; CpuSeconds = $run.CpuSeconds; PeakMemoryMB = $run.PeakMemoryMB
        Calls = $calls.Total; CallsByAction = $calls.ByAction
        PeakInFlight = $calls.PeakInFlight; MeanInFlight = [Math]::Round($calls.InFlightSeconds / $wall, 2)
        Connections = $calls.Connections
        # The floor: every call's latency, spread over the budget.
        FloorSeconds = [Math]::Round($calls.Total * $LatencyMs / 1000 / $Budget, 3)
        ChainMs = $chains.ChainMs; GapMs = $chains.GapMs; RequestMs = $chains.RequestMs
        # IamOnboard's script reports the JIT compilation its timer held (all threads); the JS script has no such figure.
        JitMilliseconds = if ($run.Result.PSObject.Properties['jitMilliseconds']) { [double]$run.Result.jitMilliseconds } else { $null }
        JitMethods = if ($run.Result.PSObject.Properties['jitMethods']) { [double]$run.Result.jitMethods } else { $null }
    }
}

function Get-OnboardingSummary {
    <# The medians of one tool's runs at one budget (the peak in flight: the highest of them). #>
    param([object[]] $Runs)
    $first = $Runs[0]
    $wall = Get-Median $Runs.WallSeconds
    $calls = Get-Median $Runs.Calls
    $floor = $calls * $LatencyMs / 1000 / $first.Budget
    [pscustomobject][ordered]@{
        tool = $first.Tool; budget = $first.Budget; users = $first.Users; runs = $Runs.Count
        wallSeconds = [Math]::Round($wall, 3); wallSecondsAll = @($Runs.WallSeconds | ForEach-Object { [Math]::Round($_, 3) })
        processSeconds = [Math]::Round((Get-Median $Runs.ProcessSeconds), 2)
        cpuSeconds = [Math]::Round((Get-Median $Runs.CpuSeconds), 2)
        usersPerSecond = [Math]::Round($first.Users / $wall, 2)
        callsPerUser = [Math]::Round($calls / $first.Users, 3)
        callsByAction = $first.CallsByAction
        peakInFlight = ($Runs.PeakInFlight | Measure-Object -Maximum).Maximum
        peakInFlightAll = @($Runs.PeakInFlight)
        meanInFlight = [Math]::Round((Get-Median $Runs.MeanInFlight), 2)
        connections = Get-Median $Runs.Connections
        peakMemoryMB = Get-Median $Runs.PeakMemoryMB
        floorSeconds = [Math]::Round($floor, 3)
        floorRatio = [Math]::Round($wall / $floor, 2)
        chainMs = if ($null -ne $first.ChainMs) { [Math]::Round((Get-Median $Runs.ChainMs), 1) } else { $null }
        gapMs = $first.GapMs
        requestMs = [Math]::Round((Get-Median $Runs.RequestMs), 2)
        jitMilliseconds = if ($null -ne $first.JitMilliseconds) { Get-Median $Runs.JitMilliseconds } else { $null }
        jitMethods = if ($null -ne $first.JitMethods) { Get-Median $Runs.JitMethods } else { $null }
    }
}

# ---------------------------------------------------------------------------------------------------------------
$results = [ordered]@{
    generated   = (Get-Date).ToUniversalTime().ToString('yyyy-MM-ddTHH:mm:ssZ')
    machine     = [ordered]@{ cores = [Environment]::ProcessorCount; os = [Environment]::OSVersion.VersionString; dotnet = [Environment]::Version.ToString(); pwsh = $PSVersionTable.PSVersion.ToString(); node = (& node --version) }
    parameters  = [ordered]@{ users = $Users; usersPerInFlight = $UsersPerInFlight; minUsers = $MinUsers; latencyMs = $LatencyMs; inFlight = $InFlight; defaultThrottleLimit = $defaultThrottle; repeat = $Repeat; cliUsers = $CliUsers; streamRows = $StreamRows; smallStreamRows = $SmallStreamRows; streamSeconds = $StreamSeconds }
    onboarding  = @()
    runs        = @()
}

if ('Onboarding' -notin $Skip) {
    foreach ($budget in $InFlight) {
        $count = Get-UserCount $budget
        $perTool = @{ IamOnboard = @(); JsSdk = @() }
        for ($i = 1; $i -le $Repeat; $i++) {
            foreach ($tool in 'IamOnboard', 'JsSdk') {
                Write-Step "$tool, $budget in flight, $count users (run $i of $Repeat)"
                $run = Invoke-OnboardingRun -Tool $tool -Count $count -Budget $budget
                Write-Host ("         {0:0.00} s, {1} calls, peak {2} / mean {3} in flight, chain {4} ms, {5} MB" -f $run.WallSeconds, $run.Calls, $run.PeakInFlight, $run.MeanInFlight, $run.ChainMs, $run.PeakMemoryMB)
                $perTool[$tool] += $run
                $results.runs += $run
            }
        }
        foreach ($tool in 'IamOnboard', 'JsSdk') { $results.onboarding += Get-OnboardingSummary -Runs $perTool[$tool] }
    }
}

if ('AddGroupMember' -notin $Skip) {
    # The other way to add the group: Add-OnboardGroupMember in the pipeline (once, at the default ThrottleLimit).
    $count = Get-UserCount $defaultThrottle
    Write-Step "IamOnboard with Add-OnboardGroupMember, $defaultThrottle in flight, $count users"
    $run = Invoke-OnboardingRun -Tool IamOnboardAddGroupMember -Count $count -Budget $defaultThrottle
    Write-Host ("         {0:0.00} s, {1} calls, peak {2} in flight" -f $run.WallSeconds, $run.Calls, $run.PeakInFlight)
    $results.runs += $run
    $results.onboarding += Get-OnboardingSummary -Runs @($run)
}

if ('OneAtATime' -notin $Skip) {
    # One user in flight at a time (each row its own pipeline), against the JS script's single worker: a user's chain
    # with nobody else's calls in between. The batch at budget 1 interleaves users by design (the next user's call
    # takes the budget while one user is between calls), so its chain is no measure of the hand-off between stages.
    $count = [Math]::Max($MinUsers, 20)
    $runs = @()
    for ($i = 1; $i -le $Repeat; $i++) {
        Write-Step "IamOnboard one user at a time, $count users (run $i of $Repeat)"
        $run = Invoke-OnboardingRun -Tool IamOnboardOneAtATime -Count $count -Budget 1
        Write-Host ("         {0:0.00} s, {1} calls, peak {2} in flight, chain {3} ms" -f $run.WallSeconds, $run.Calls, $run.PeakInFlight, $run.ChainMs)
        $runs += $run
        $results.runs += $run
    }
    $results.onboarding += Get-OnboardingSummary -Runs $runs
}

if ('Cli' -notin $Skip) {
    Write-Step "AWS CLI v2 loop, $CliUsers users (a sample)"
    $run = Invoke-OnboardingRun -Tool AwsCli -Count $CliUsers -Budget 1
    Write-Host ("         {0:0.00} s, {1} calls" -f $run.WallSeconds, $run.Calls)
    $results.runs += $run
    $summary = Get-OnboardingSummary -Runs @($run)
    $summary | Add-Member -NotePropertyName sample -NotePropertyValue $true
    $results.onboarding += $summary
}

if ('Startup' -notin $Skip) {
    # With the module's ReadyToRun images (where the build made them for this runtime) and without, in turn.
    Write-Step "Startup: $ImportRuns fresh pwsh processes to a first New-OnboardUser on Connect-Onboard -Local, with and without ReadyToRun images, in turn"
    $variants = [ordered]@{ startup = @{}; startupWithoutImages = @{ IAMONBOARD_NO_READYTORUN = '1' } }
    $phases = @{}; $processSeconds = @{}
    foreach ($key in $variants.Keys) { $phases[$key] = @(); $processSeconds[$key] = @() }
    for ($i = 0; $i -lt $ImportRuns; $i++) {
        foreach ($key in $variants.Keys) {
            $r = Invoke-Measured -Command ((Get-PwshCommand) + @('-NoProfile', '-NonInteractive', '-File', (Join-Path $root 'bench/startup.ps1'), '-ModuleManifest', $ModuleManifest)) -Environment $variants[$key]
            if ($r.ExitCode -ne 0 -or -not $r.Result) { throw "The startup run failed: $($r.StdErr). Logs: $($r.Log).*" }
            $phases[$key] += $r.Result
            $processSeconds[$key] += $r.ProcessSeconds
        }
    }
    foreach ($key in $variants.Keys) {
        $results[$key] = [ordered]@{ runs = $ImportRuns; processSeconds = [Math]::Round((Get-Median $processSeconds[$key]), 3) }
        foreach ($name in $phases[$key][0].PSObject.Properties.Name) {
            $results[$key][$name] = Get-Median @($phases[$key] | ForEach-Object { $_.$name })
        }
        Write-Host ("         {5}: process {0} s: to script {1} ms, Import-Module {2} ms, Connect-Onboard -Local {3} ms, first New-OnboardUser {4} ms (wall)" -f $results[$key].processSeconds, $results[$key].processToScriptMs, $results[$key].importModuleMs, $results[$key].connectLocalMs, $results[$key].firstUserMs, $key)
    }
}

if ('Import' -notin $Skip) {
    Write-Step "Module import: $ImportRuns fresh pwsh starts with and without Import-Module, in turn"
    $pwsh = Get-PwshCommand
    $bare = @(); $imported = @(); $inProcess = @()
    for ($i = 0; $i -lt $ImportRuns; $i++) {
        $r = Invoke-Measured -Command ($pwsh + @('-NoProfile', '-NonInteractive', '-Command', '$null'))
        $bare += $r.ProcessSeconds
        $r = Invoke-Measured -Command ($pwsh + @('-NoProfile', '-NonInteractive', '-Command',
            "`$c = [Diagnostics.Stopwatch]::StartNew(); Import-Module '$ModuleManifest'; `$c.Stop(); '{""importMs"":' + [int]`$c.Elapsed.TotalMilliseconds + '}'"))
        $imported += $r.ProcessSeconds
        if ($r.Result) { $inProcess += [double]$r.Result.importMs }
    }
    $results.import = [ordered]@{
        runs = $ImportRuns
        bareStartSeconds = [Math]::Round((Get-Median $bare), 3)
        withImportSeconds = [Math]::Round((Get-Median $imported), 3)
        addedSeconds = [Math]::Round((Get-Median $imported) - (Get-Median $bare), 3)
        importModuleInProcessMs = Get-Median $inProcess
        bareAll = $bare; withImportAll = $imported
    }
    Write-Host ("         bare {0:0.000} s, with import {1:0.000} s, Import-Module itself {2} ms" -f $results.import.bareStartSeconds, $results.import.withImportSeconds, $results.import.importModuleInProcessMs)
}

if ('Streaming' -notin $Skip) {
    $results.streaming = @()
    foreach ($rows in $SmallStreamRows, $StreamRows) {
        Write-Step "Streaming: $rows rows through New-OnboardUser -WhatIf (no latency)"
        $csv = Join-Path $work "plan-$rows.csv"
        New-UserCsv -Path $csv -Count $rows -Group $groupName
        $endpoint = Start-BenchEndpoint -Latency 0 -WithGroup
        try {
            $before = $endpoint.GetStatistics()
            $arguments = @('-NoProfile', '-NonInteractive', '-File', (Join-Path $root 'bench/iamonboard-onboard.ps1'),
                '-ModuleManifest', $ModuleManifest, '-EndpointUrl', $endpoint.Url, '-AccessKeyId', $endpoint.AccessKeyId, '-Csv', $csv, '-WhatIf')
            $run = Invoke-Measured -Command ((Get-PwshCommand) + $arguments) -Environment @{ BENCH_SECRET_ACCESS_KEY = (Get-Secret $endpoint) } -TimeoutSeconds $StreamSeconds
            $calls = Get-CallCounts -Before $before -After $endpoint.GetStatistics()
        }
        finally { Stop-OnboardLocalIam -Endpoint $endpoint }
        if (-not $run.TimedOut -and ($run.ExitCode -ne 0 -or -not $run.Result -or $run.Result.failed -gt 0)) { throw "The -WhatIf plan of $rows rows failed: $($run.StdErr). Logs: $($run.Log).*" }
        $planned = 0
        foreach ($line in [IO.File]::ReadLines("$($run.Log).out")) { if ($line.StartsWith('What if: ')) { $planned++ } }
        # Unfinished: the plan's own time is the process's less the start-up the finished small plan needed.
        $startup = if (@($results.streaming).Count -gt 0) { $results.streaming[0].processSeconds - $results.streaming[0].wallSeconds } else { 0 }
        $wall = if ($run.TimedOut) { $run.ProcessSeconds - $startup } else { [double]$run.Result.wallSeconds }
        $entry = [pscustomobject][ordered]@{
            rows = $rows; planned = $planned; finished = -not $run.TimedOut; wallSeconds = [Math]::Round($wall, 2); processSeconds = $run.ProcessSeconds
            rowsPerSecond = [Math]::Round($planned / $wall, 1); peakMemoryMB = $run.PeakMemoryMB
            calls = $calls.Total; callsPerRow = [Math]::Round($calls.Total / [Math]::Max(1, $planned), 3); callsByAction = $calls.ByAction
        }
        $results.streaming += $entry
        Write-Host ("         {0} rows/s, {1} MB peak, {2} calls per row, {3} planned{4}" -f $entry.rowsPerSecond, $entry.peakMemoryMB, $entry.callsPerRow, $planned, $(if ($run.TimedOut) { " (stopped after $StreamSeconds s)" } else { '' }))
    }
}

if ('Endpoint' -notin $Skip) {
    $results.endpoint = @()
    foreach ($clientInFlight in 1, 4) {
        Write-Step "Local endpoint alone: signed GetUser for $EndpointSeconds s, one client, $clientInFlight in flight"
        $endpoint = Start-BenchEndpoint -Latency 0
        $self = [System.Diagnostics.Process]::GetCurrentProcess()
        $serverCpuBefore = $self.TotalProcessorTime
        try {
            $run = Invoke-Measured -Command @('node', (Join-Path $root 'bench/js/getuser-loop.mjs'), '--endpoint', $endpoint.Url,
                '--user', 'onboard-admin', '--seconds', $EndpointSeconds, '--inflight', $clientInFlight) `
                -Environment @{ AWS_ACCESS_KEY_ID = $endpoint.AccessKeyId; AWS_SECRET_ACCESS_KEY = (Get-Secret $endpoint) }
            $stats = $endpoint.GetStatistics()
            $self.Refresh()
            $serverCpu = ($self.TotalProcessorTime - $serverCpuBefore).TotalSeconds
        }
        finally { Stop-OnboardLocalIam -Endpoint $endpoint }
        if ($run.ExitCode -ne 0 -or -not $run.Result) { throw "The GetUser loop failed: $($run.StdErr)" }
        $results.endpoint += [pscustomobject][ordered]@{
            inflight = $clientInFlight; requests = $run.Result.requests; seconds = [Math]::Round($run.Result.seconds, 2)
            requestsPerSecond = [Math]::Round($run.Result.requestsPerSecond, 0); countedByEndpoint = $stats.RequestsByAction['GetUser']
            authenticationFailures = $stats.AuthenticationFailures
            # This process hosts the endpoint and is otherwise idle here; the client is a process of its own.
            serverCpuMsPerRequest = [Math]::Round($serverCpu * 1000 / $stats.TotalRequests, 3)
            clientCpuMsPerRequest = [Math]::Round($run.CpuSeconds * 1000 / $stats.TotalRequests, 3)
        }
        Write-Host ("         {0:0} GetUser/s" -f $run.Result.requestsPerSecond)
    }
}

$results.totalSeconds = [Math]::Round($started.Elapsed.TotalSeconds, 1)
. (Join-Path $PSScriptRoot 'bench/Write-BenchReport.ps1')
Write-BenchReport -Results $results -OutputDirectory $OutputDirectory
Write-Step "Done: $(Join-Path $OutputDirectory 'results.md')"
