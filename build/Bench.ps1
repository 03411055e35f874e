<#
.SYNOPSIS
    Onboarding throughput of IamOnboard against the tools admins would use instead, on a local IAM endpoint.
.DESCRIPTION
    Run through `./build.ps1 bench` (which builds the module and installs the JavaScript SDK first), or directly
    after a build with smaller sizes while developing:
        dotnet pwsh -NoProfile -File build/Bench.ps1 -ModuleManifest out/IamOnboard/0.1.0/IamOnboard.psd1 -Users 40 -ThrottleLimit 4
    Every onboarding run gets a fresh endpoint with a fixed per-request latency (standing in for the network to IAM),
    a group created beforehand, and the tool in a process of its own under GNU time (peak memory). The endpoint
    counts the calls. Writes results.md and results.json to -OutputDirectory.
#>
param(
    [Parameter(Mandatory)] [string] $ModuleManifest,
    [string] $OutputDirectory = (Join-Path $PSScriptRoot '../out/bench'),
    [int] $Users = 200,
    [int] $LatencyMs = 25,
    [int[]] $ThrottleLimit = @(1, 4, 8, 16),
    # At the default concurrency, IamOnboard and the SDK script run this often, in turn; the median is quoted.
    # The other concurrencies run once each.
    [int] $Repeat = 3,
    [int] $CliUsers = 3,
    [int] $StreamRows = 100000,
    # The large plan is stopped after this long and reported as unfinished, with what it had planned by then.
    [double] $StreamSeconds = 200,
    [int] $SmallStreamRows = 1000,
    [int] $ImportRuns = 5,
    [double] $EndpointSeconds = 5,
    [ValidateSet('Onboarding', 'Cli', 'Import', 'Streaming', 'Endpoint')]
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

$groupName = 'bench-group'
$defaultThrottle = [IamOnboard.Commands.NewOnboardUserCommand]::new().ThrottleLimit
$perUserActions = @('CreateUser', 'CreateLoginProfile', 'AttachUserPolicy', 'CreateAccessKey', 'AddUserToGroup', 'CreateVirtualMFADevice', 'EnableMFADevice')
$started = [System.Diagnostics.Stopwatch]::StartNew()
$script:runIndex = 0

function Write-Step([string] $Text) {
    Write-Host ("[{0,6:0.0}s] {1}" -f $started.Elapsed.TotalSeconds, $Text) -ForegroundColor Cyan
}

function Get-Median([double[]] $Values) {
    $sorted = @($Values | Sort-Object)
    if ($sorted.Count -eq 0) { return $null }
    $middle = [int][Math]::Floor($sorted.Count / 2)
    if ($sorted.Count % 2) { $sorted[$middle] } else { ($sorted[$middle - 1] + $sorted[$middle]) / 2 }
}

function Get-PwshCommand {
    # A fresh pwsh like this one (it may run as 'dotnet pwsh.dll').
    $hostPath = [Environment]::ProcessPath
    if ([IO.Path]::GetFileNameWithoutExtension($hostPath) -eq 'dotnet') { @($hostPath, [Environment]::GetCommandLineArgs()[0]) } else { @($hostPath) }
}

function Invoke-Measured {
    <#
    .SYNOPSIS
        Runs a command in a child process under GNU time; returns its exit code, output, wall time and peak memory.
    #>
    param([string[]] $Command, [hashtable] $Environment = @{}, [double] $TimeoutSeconds = 0)
    $script:runIndex++
    $base = Join-Path $work ('run{0:000}' -f $script:runIndex)
    $start = [System.Diagnostics.ProcessStartInfo]::new('/usr/bin/time')
    foreach ($argument in @('-v', '-o', "$base.time", '/bin/sh', '-c', 'exec "$@" >"$BENCH_STDOUT" 2>"$BENCH_STDERR"', 'sh') + $Command) {
        $start.ArgumentList.Add($argument)
    }
    $start.UseShellExecute = $false
    $start.WorkingDirectory = $work
    foreach ($name in @($start.Environment.Keys)) { if ($name -like 'AWS_*') { $null = $start.Environment.Remove($name) } }
    $start.Environment['BENCH_STDOUT'] = "$base.out"
    $start.Environment['BENCH_STDERR'] = "$base.err"
    foreach ($key in $Environment.Keys) { $start.Environment[$key] = $Environment[$key] }
    $process = [System.Diagnostics.Process]::Start($start)
    $timedOut = $false
    if ($TimeoutSeconds -gt 0 -and -not $process.WaitForExit([int]($TimeoutSeconds * 1000))) {
        # Stop the measured command (GNU time's child) so that time still reports what it used until then.
        $timedOut = $true
        $children = Get-Content "/proc/$($process.Id)/task/$($process.Id)/children" -ErrorAction SilentlyContinue
        foreach ($child in "$children".Split(' ', [StringSplitOptions]::RemoveEmptyEntries)) { Stop-Process -Id ([int]$child) -Force -ErrorAction SilentlyContinue }
    }
    $process.WaitForExit()
    $time = Get-Content -Raw "$base.time"
    $rssKb = if ($time -match 'Maximum resident set size \(kbytes\): (\d+)') { [long]$Matches[1] } else { 0 }
    $wall = if ($time -match 'Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)') {
        [double]($Matches[1] ?? 0) * 3600 + [double]$Matches[2] * 60 + [double]$Matches[3]
    } else { $null }
    $cpu = 0.0
    foreach ($m in [regex]::Matches($time, '(?:User|System) time \(seconds\): ([\d.]+)')) { $cpu += [double]$m.Groups[1].Value }
    $jsonLine = Get-Content "$base.out" -Tail 50 | Where-Object { $_ -like '{*' } | Select-Object -Last 1
    [pscustomobject]@{
        ExitCode       = $process.ExitCode
        TimedOut       = $timedOut
        Result         = if ($jsonLine) { $jsonLine | ConvertFrom-Json } else { $null }
        ProcessSeconds = $wall
        PeakMemoryMB   = [Math]::Round($rssKb / 1024, 1)
        CpuSeconds     = $cpu
        StdErr         = (Get-Content "$base.err" -Raw -ErrorAction SilentlyContinue)
        Log            = $base
    }
}

function Start-BenchEndpoint {
    param([int] $Latency, [switch] $WithGroup)
    $endpoint = Start-OnboardLocalIam -Latency ([TimeSpan]::FromMilliseconds($Latency))
    if ($WithGroup) {
        $null = Connect-Onboard -EndpointUrl $endpoint.Url -AccessKey $endpoint.AccessKeyId -SecretKey $endpoint.SecretAccessKey
        $null = New-OnboardGroup -GroupName $groupName
        Disconnect-Onboard
    }
    $endpoint
}

function Get-Secret($Endpoint) { [System.Net.NetworkCredential]::new('', $Endpoint.SecretAccessKey).Password }

function Get-CallCounts {
    param($Before, $After)
    $byAction = [ordered]@{}
    foreach ($action in ($After.RequestsByAction.Keys | Sort-Object)) {
        $previous = if ($Before.RequestsByAction.ContainsKey($action)) { $Before.RequestsByAction[$action] } else { 0 }
        $delta = $After.RequestsByAction[$action] - $previous
        if ($delta -gt 0) { $byAction[$action] = $delta }
    }
    [pscustomobject]@{
        Total       = $After.TotalRequests - $Before.TotalRequests
        ByAction    = $byAction
        Throttled   = $After.Throttled - $Before.Throttled
        AuthFailed  = $After.AuthenticationFailures - $Before.AuthenticationFailures
    }
}

function Invoke-OnboardingRun {
    <# One tool's full onboarding of $Count users on a fresh endpoint. #>
    param([ValidateSet('IamOnboard', 'IamOnboardAddGroupMember', 'JsSdk', 'AwsCli')] [string] $Tool, [int] $Count, [int] $Concurrency)
    $endpoint = Start-BenchEndpoint -Latency $LatencyMs -WithGroup
    # Unattended MFA (IamOnboard's and the scripts' alike) waits for the next 30 s step when less than 5 s are left:
    # a run that crosses that window stalls up to 5 s. Each tool starts its timed work where a run expected to take
    # this long (1.5 x the floor + 1 s) fits before the window, or at the start of a step, so the tools compare alike.
    $align = [Math]::Round((Get-Floor $Count $Concurrency) * 1.5 + 1, 1)
    try {
        $secret = Get-Secret $endpoint
        $before = $endpoint.GetStatistics()
        switch ($Tool) {
            { $_ -like 'IamOnboard*' } {
                $csv = Join-Path $work "users-$Count.csv"
                if (-not (Test-Path $csv)) { New-UserCsv -Path $csv -Count $Count -Group $groupName }
                $arguments = @('-NoProfile', '-NonInteractive', '-File', (Join-Path $root 'bench/iamonboard-onboard.ps1'),
                    '-ModuleManifest', $ModuleManifest, '-EndpointUrl', $endpoint.Url, '-AccessKeyId', $endpoint.AccessKeyId,
                    '-Csv', $csv, '-GroupName', $groupName, '-Pipeline', $(if ($Tool -eq 'IamOnboard') { 'Group' } else { 'AddGroupMember' }))
                if ($Concurrency -ne $defaultThrottle) { $arguments += @('-ThrottleLimit', $Concurrency) }
                $arguments += @('-AlignSeconds', $align)
                $run = Invoke-Measured -Command ((Get-PwshCommand) + $arguments) -Environment @{ BENCH_SECRET_ACCESS_KEY = $secret }
            }
            'JsSdk' {
                $run = Invoke-Measured -Command @('node', (Join-Path $root 'bench/js/onboard.mjs'), '--endpoint', $endpoint.Url,
                    '--users', $Count, '--concurrency', $Concurrency, '--group', $groupName, '--align-seconds', $align) `
                    -Environment @{ AWS_ACCESS_KEY_ID = $endpoint.AccessKeyId; AWS_SECRET_ACCESS_KEY = $secret }
            }
            'AwsCli' {
                $run = Invoke-Measured -Command @('bash', (Join-Path $root 'bench/aws-cli-onboard.sh'), $endpoint.Url, $Count, $groupName) `
                    -Environment @{ AWS_ACCESS_KEY_ID = $endpoint.AccessKeyId; AWS_SECRET_ACCESS_KEY = $secret }
            }
        }
        $calls = Get-CallCounts -Before $before -After $endpoint.GetStatistics()
    }
    finally {
        Stop-OnboardLocalIam -Endpoint $endpoint
    }
    $enabled = if ($calls.ByAction.Contains('EnableMFADevice')) { $calls.ByAction['EnableMFADevice'] } else { 0 }
    if ($run.ExitCode -ne 0 -or -not $run.Result -or $run.Result.failed -gt 0 -or $enabled -ne $Count) {
        $detail = if ($run.Result) { ($run.Result | ConvertTo-Json -Compress -Depth 4) } else { $run.StdErr }
        throw "$Tool (concurrency $Concurrency, $Count users) did not onboard every user (exit $($run.ExitCode), $enabled MFA devices enabled): $detail. Logs: $($run.Log).*"
    }
    [pscustomobject]@{
        Tool = $Tool; Users = $Count; Concurrency = $Concurrency
        WallSeconds = [double]$run.Result.wallSeconds; ProcessSeconds = $run.ProcessSeconds; PeakMemoryMB = $run.PeakMemoryMB
        Calls = $calls.Total; CallsByAction = $calls.ByAction
    }
}

function New-UserCsv {
    param([string] $Path, [int] $Count, [string] $Group, [switch] $NoGroup)
    $writer = [IO.StreamWriter]::new($Path)
    try {
        $writer.WriteLine('User name,Tag,ConsoleAccess,PasswordResetRequired,ProgrammaticAccess,Group')
        for ($i = 1; $i -le $Count; $i++) {
            $writer.WriteLine(('bench-user-{0:000000},team=bench;cost-center=1001,yes,yes,yes,{1}' -f $i, $(if ($NoGroup) { '' } else { $Group })))
        }
    }
    finally { $writer.Dispose() }
}

# The floor: calls per user x latency / concurrency, for every user.
function Get-Floor([int] $Count, [int] $Concurrency) { [Math]::Round($Count * $perUserActions.Count * $LatencyMs / 1000 / $Concurrency, 3) }

# ---------------------------------------------------------------------------------------------------------------
$results = [ordered]@{
    generated   = (Get-Date).ToUniversalTime().ToString('yyyy-MM-ddTHH:mm:ssZ')
    machine     = [ordered]@{ cores = [Environment]::ProcessorCount; os = [Environment]::OSVersion.VersionString; dotnet = [Environment]::Version.ToString(); pwsh = $PSVersionTable.PSVersion.ToString(); node = (& node --version) }
    parameters  = [ordered]@{ users = $Users; latencyMs = $LatencyMs; throttleLimits = $ThrottleLimit; defaultThrottleLimit = $defaultThrottle; repeat = $Repeat; cliUsers = $CliUsers; streamRows = $StreamRows; smallStreamRows = $SmallStreamRows; streamSeconds = $StreamSeconds }
    onboarding  = @()
    runs        = @()
}

if ('Onboarding' -notin $Skip) {
    foreach ($t in $ThrottleLimit) {
        $times = if ($t -eq $defaultThrottle) { $Repeat } else { 1 }
        $perTool = @{ IamOnboard = @(); JsSdk = @() }
        for ($i = 1; $i -le $times; $i++) {
            foreach ($tool in 'IamOnboard', 'JsSdk') {
                Write-Step "$tool, concurrency $t, $Users users (run $i of $times)"
                $run = Invoke-OnboardingRun -Tool $tool -Count $Users -Concurrency $t
                Write-Host ("         {0:0.00} s, {1} calls, {2} MB" -f $run.WallSeconds, $run.Calls, $run.PeakMemoryMB)
                $perTool[$tool] += $run
                $results.runs += $run
            }
        }
        foreach ($tool in 'IamOnboard', 'JsSdk') {
            $runs = $perTool[$tool]
            $wall = Get-Median ($runs.WallSeconds)
            $results.onboarding += [pscustomobject][ordered]@{
                tool = $tool; concurrency = $t; users = $Users; runs = $runs.Count
                wallSeconds = [Math]::Round($wall, 3); wallSecondsAll = @($runs.WallSeconds | ForEach-Object { [Math]::Round($_, 3) })
                processSeconds = [Math]::Round((Get-Median ($runs.ProcessSeconds)), 2)
                usersPerSecond = [Math]::Round($Users / $wall, 2)
                callsPerUser = [Math]::Round((Get-Median ($runs.Calls)) / $Users, 3)
                callsByAction = $runs[0].CallsByAction
                # New-OnboardUser and Enable-OnboardVirtualMfa each run up to ThrottleLimit users at once.
                maxInFlight = if ($tool -eq 'IamOnboard') { 2 * $t } else { $t }
                meanInFlight = [Math]::Round((Get-Median ($runs.Calls)) * $LatencyMs / 1000 / $wall, 2)
                peakMemoryMB = (Get-Median ($runs.PeakMemoryMB))
                floorSeconds = Get-Floor $Users $t
            }
        }
    }
    # The other way to add the group: Add-OnboardGroupMember in the pipeline (once, at the default concurrency).
    Write-Step "IamOnboard with Add-OnboardGroupMember, concurrency $defaultThrottle, $Users users"
    $run = Invoke-OnboardingRun -Tool IamOnboardAddGroupMember -Count $Users -Concurrency $defaultThrottle
    Write-Host ("         {0:0.00} s, {1} calls" -f $run.WallSeconds, $run.Calls)
    $results.runs += $run
    $results.onboarding += [pscustomobject][ordered]@{
        tool = 'IamOnboardAddGroupMember'; concurrency = $defaultThrottle; users = $Users; runs = 1
        wallSeconds = [Math]::Round($run.WallSeconds, 3); wallSecondsAll = @([Math]::Round($run.WallSeconds, 3)); processSeconds = $run.ProcessSeconds
        usersPerSecond = [Math]::Round($Users / $run.WallSeconds, 2); callsPerUser = [Math]::Round($run.Calls / $Users, 3)
        callsByAction = $run.CallsByAction; peakMemoryMB = $run.PeakMemoryMB; floorSeconds = Get-Floor $Users $defaultThrottle
        maxInFlight = 2 * $defaultThrottle + 1; meanInFlight = [Math]::Round($run.Calls * $LatencyMs / 1000 / $run.WallSeconds, 2)
    }
}

if ('Cli' -notin $Skip) {
    Write-Step "AWS CLI v2 loop, $CliUsers users (a sample)"
    $run = Invoke-OnboardingRun -Tool AwsCli -Count $CliUsers -Concurrency 1
    Write-Host ("         {0:0.00} s, {1} calls" -f $run.WallSeconds, $run.Calls)
    $results.runs += $run
    $results.onboarding += [pscustomobject][ordered]@{
        tool = 'AwsCli'; concurrency = 1; users = $CliUsers; runs = 1; sample = $true
        wallSeconds = [Math]::Round($run.WallSeconds, 3); wallSecondsAll = @([Math]::Round($run.WallSeconds, 3)); processSeconds = $run.ProcessSeconds
        usersPerSecond = [Math]::Round($CliUsers / $run.WallSeconds, 3); callsPerUser = [Math]::Round($run.Calls / $CliUsers, 3)
        callsByAction = $run.CallsByAction; peakMemoryMB = $run.PeakMemoryMB; floorSeconds = Get-Floor $CliUsers 1
        maxInFlight = 1; meanInFlight = [Math]::Round($run.Calls * $LatencyMs / 1000 / $run.WallSeconds, 2)
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
    foreach ($inflight in 1, 4) {
        Write-Step "Local endpoint alone: signed GetUser for $EndpointSeconds s, one client, $inflight in flight"
        $endpoint = Start-BenchEndpoint -Latency 0
        $self = [System.Diagnostics.Process]::GetCurrentProcess()
        $serverCpuBefore = $self.TotalProcessorTime
        try {
            $run = Invoke-Measured -Command @('node', (Join-Path $root 'bench/js/getuser-loop.mjs'), '--endpoint', $endpoint.Url,
                '--user', 'onboard-admin', '--seconds', $EndpointSeconds, '--inflight', $inflight) `
                -Environment @{ AWS_ACCESS_KEY_ID = $endpoint.AccessKeyId; AWS_SECRET_ACCESS_KEY = (Get-Secret $endpoint) }
            $stats = $endpoint.GetStatistics()
            $self.Refresh()
            $serverCpu = ($self.TotalProcessorTime - $serverCpuBefore).TotalSeconds
        }
        finally { Stop-OnboardLocalIam -Endpoint $endpoint }
        if ($run.ExitCode -ne 0 -or -not $run.Result) { throw "The GetUser loop failed: $($run.StdErr)" }
        $results.endpoint += [pscustomobject][ordered]@{
            inflight = $inflight; requests = $run.Result.requests; seconds = [Math]::Round($run.Result.seconds, 2)
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
