# Helpers of build/Bench.ps1: child processes under GNU time, endpoints, call counts and per-user timings.
Set-StrictMode -Version Latest

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
        Total           = $After.TotalRequests - $Before.TotalRequests
        ByAction        = $byAction
        Throttled       = $After.Throttled - $Before.Throttled
        AuthFailed      = $After.AuthenticationFailures - $Before.AuthenticationFailures
        PeakInFlight    = $After.PeakInFlight
        InFlightSeconds = ($After.TotalTimeInFlight - $Before.TotalTimeInFlight).TotalSeconds
        Connections     = $After.ConnectionsAccepted - $Before.ConnectionsAccepted
    }
}

function Get-UserChains {
    <#
    .SYNOPSIS
        From the endpoint's recording: each user's chain (first call read to last call answered, ms), the median
        idle gap between each pair of consecutive actions (one call answered to the next one read), and the median time
        a request spent at the endpoint.
    #>
    param([object[]] $Recorded)
    # Every request's time at the endpoint (read to answered): the latency asked for, plus what the endpoint adds.
    $requests = [System.Collections.Generic.List[double]]::new()
    foreach ($request in $Recorded) { $requests.Add($request.FinishedMs - $request.StartedMs) }
    $chains = [System.Collections.Generic.List[double]]::new()
    $gaps = @{}
    foreach ($user in $Recorded | Where-Object { $_.UserName -like 'bench-user-*' } | Group-Object UserName) {
        $calls = @($user.Group | Sort-Object StartedMs)
        $chains.Add($calls[-1].FinishedMs - $calls[0].StartedMs)
        for ($i = 1; $i -lt $calls.Count; $i++) {
            $pair = "$($calls[$i - 1].Action)>$($calls[$i].Action)"
            if (-not $gaps.ContainsKey($pair)) { $gaps[$pair] = [System.Collections.Generic.List[double]]::new() }
            $gaps[$pair].Add($calls[$i].StartedMs - $calls[$i - 1].FinishedMs)
        }
    }
    $gapMedians = [ordered]@{}
    foreach ($pair in $gaps.Keys | Sort-Object) { $gapMedians[$pair] = [Math]::Round((Get-Median $gaps[$pair]), 1) }
    [pscustomobject]@{
        ChainMs   = if ($chains.Count) { [Math]::Round((Get-Median $chains), 1) } else { $null }
        GapMs     = $gapMedians
        RequestMs = if ($requests.Count) { [Math]::Round((Get-Median $requests), 2) } else { $null }
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
