# Writes the benchmark's results.json and results.md (the table, the other measurements and the targets).
Set-StrictMode -Version Latest

function Get-BenchTargets {
    param($Results)
    $targets = [System.Collections.Generic.List[object]]::new()
    function Add-Target([string] $Name, [string] $Goal, $Figure, [Nullable[bool]] $Met, [string] $Note = '') {
        $targets.Add([pscustomobject][ordered]@{ target = $Name; goal = $Goal; figure = $Figure; met = $Met; note = $Note })
    }
    $default = $Results.parameters.defaultThrottleLimit
    $onboarding = @($Results.onboarding)
    $iam = $onboarding | Where-Object { $_.tool -eq 'IamOnboard' -and $_.concurrency -eq $default } | Select-Object -First 1
    $js = $onboarding | Where-Object { $_.tool -eq 'JsSdk' -and $_.concurrency -eq $default } | Select-Object -First 1
    $cli = $onboarding | Where-Object { $_.tool -eq 'AwsCli' } | Select-Object -First 1

    if ($iam) {
        $actions = $iam.callsByAction
        # The seven calls the job needs, and IamOnboard's UntagUser that removes the hand-off mark once the credentials
        # have been handed out (the price of a re-run being able to tell credentials nobody received).
        $perUser = @('CreateUser', 'CreateLoginProfile', 'AttachUserPolicy', 'CreateAccessKey', 'AddUserToGroup', 'CreateVirtualMFADevice', 'EnableMFADevice', 'UntagUser')
        $perUserCalls = ($perUser | ForEach-Object { if ($actions.Contains($_)) { $actions[$_] } else { 0 } } | Measure-Object -Sum).Sum
        $total = ($actions.Values | Measure-Object -Sum).Sum
        $once = $total - $perUserCalls
        $exact = $perUserCalls -eq 8 * $iam.users
        Add-Target 'API calls per user (happy path)' '= 8 (7 + UntagUser)' ("{0} per user + {1} once per batch ({2} in all for {3} users)" -f ($perUserCalls / $iam.users), $once, $total, $iam.users) ($exact -and $once -le 4) `
            ("The calls made once per batch: " + ((@($actions.Keys) | Where-Object { $_ -notin $perUser } | ForEach-Object { "$_ $($actions[$_])" }) -join ', '))
        if ($js) {
            $ratio = [Math]::Round($iam.wallSeconds / $js.wallSeconds, 2)
            Add-Target "Wall time vs the JS SDK script at equal concurrency ($default)" '<= 1.2x' "${ratio}x ($($iam.wallSeconds) s vs $($js.wallSeconds) s)" ($ratio -le 1.2)
        }
        # IamOnboard's ThrottleLimit T bounds each of its two concurrent stages, so up to 2T requests are in flight:
        # also compare with the script given as many workers.
        $peer2 = $onboarding | Where-Object { $_.tool -eq 'JsSdk' -and $_.concurrency -eq 2 * $default } | Select-Object -First 1
        if ($peer2) {
            $r2 = [Math]::Round($iam.wallSeconds / $peer2.wallSeconds, 2)
            Add-Target "Wall time vs the JS SDK script at equal maximum requests in flight ($(2 * $default))" '<= 1.2x' "${r2}x ($($iam.wallSeconds) s at ThrottleLimit $default vs $($peer2.wallSeconds) s with $(2 * $default) workers)" ($r2 -le 1.2)
        }
        foreach ($other in $onboarding | Where-Object { $_.tool -eq 'IamOnboard' -and $_.concurrency -ne $default }) {
            $peer = $onboarding | Where-Object { $_.tool -eq 'JsSdk' -and $_.concurrency -eq $other.concurrency } | Select-Object -First 1
            if ($peer) {
                $r = [Math]::Round($other.wallSeconds / $peer.wallSeconds, 2)
                Add-Target "Wall time vs the JS SDK script at concurrency $($other.concurrency)" '<= 1.2x' "${r}x ($($other.wallSeconds) s vs $($peer.wallSeconds) s)" ($r -le 1.2)
            }
        }
        if ($cli) {
            $speedup = [Math]::Round(($cli.wallSeconds / $cli.users) / ($iam.wallSeconds / $iam.users), 0)
            Add-Target 'Faster than the AWS CLI loop per user' '>= 100x' ("{0}x ({1:0.000} s vs {2:0.000} s per user; CLI on a {3}-user sample)" -f $speedup, ($cli.wallSeconds / $cli.users), ($iam.wallSeconds / $iam.users), $cli.users) ($speedup -ge 100)
        }
        foreach ($row in $onboarding | Where-Object { $_.tool -eq 'IamOnboard' }) {
            $r = [Math]::Round($row.wallSeconds / $row.floorSeconds, 2)
            Add-Target "Within the floor at concurrency $($row.concurrency)" '<= 1.5x' "${r}x ($($row.wallSeconds) s vs $($row.floorSeconds) s)" ($r -le 1.5)
        }
    }
    if ($Results.Contains('import')) {
        Add-Target 'Import-Module added to a bare pwsh start' '< 0.5 s' ("{0} s (bare {1} s, with import {2} s; Import-Module itself {3} ms)" -f $Results.import.addedSeconds, $Results.import.bareStartSeconds, $Results.import.withImportSeconds, $Results.import.importModuleInProcessMs) ($Results.import.addedSeconds -lt 0.5)
    }
    if ($Results.Contains('streaming') -and @($Results.streaming).Count -ge 2) {
        $small = $Results.streaming[0]; $big = $Results.streaming[-1]
        $growth = [Math]::Round($big.peakMemoryMB - $small.peakMemoryMB, 1)
        $partial = if ($big.finished) { '' } else { " - the large plan was stopped unfinished after $($big.planned) rows" }
        Add-Target "Peak memory, $($big.rows)-row plan over a $($small.rows)-row plan" '< 150 MB' "$growth MB ($($big.peakMemoryMB) MB vs $($small.peakMemoryMB) MB)$partial" ($(if ($big.finished) { $growth -lt 150 } else { $null }))
        Add-Target "Plan of $($big.rows) rows finishes" "within $($Results.parameters.streamSeconds) s" ("{0} of {1} rows in {2} s ({3} rows/s)" -f $big.planned, $big.rows, $big.wallSeconds, $big.rowsPerSecond) ([bool]$big.finished)
    }
    if ($Results.Contains('endpoint')) {
        $single = @($Results.endpoint)[0]
        Add-Target 'Local endpoint, signed GetUser, one client' '>= 3,000/s' ("{0}/s with {1} in flight; {2}" -f $single.requestsPerSecond, $single.inflight,
            ((@($Results.endpoint) | Select-Object -Skip 1 | ForEach-Object { "$($_.requestsPerSecond)/s with $($_.inflight) in flight" }) -join ', ')) ($single.requestsPerSecond -ge 3000)
    }
    $targets
}

function Write-BenchReport {
    param($Results, [string] $OutputDirectory)
    $Results.targets = @(Get-BenchTargets -Results $Results)
    $Results | ConvertTo-Json -Depth 8 | Set-Content -Path (Join-Path $OutputDirectory 'results.json') -Encoding utf8

    $p = $Results.parameters
    $default = $p.defaultThrottleLimit
    $names = @{ IamOnboard = 'IamOnboard pipeline'; IamOnboardAddGroupMember = 'IamOnboard, with Add-OnboardGroupMember'; JsSdk = 'AWS SDK for JavaScript v3 script'; AwsCli = 'AWS CLI v2 loop (sample)' }
    $md = [System.Text.StringBuilder]::new()
    $null = $md.AppendLine('# IamOnboard onboarding benchmark').AppendLine()
    $intro = ("{0} users, each: CreateUser with tags, CreateLoginProfile, AttachUserPolicy (IAMUserChangePassword), CreateAccessKey, AddUserToGroup, CreateVirtualMFADevice, EnableMFADevice; IamOnboard adds UntagUser, which removes its hand-off mark once the credentials are out (the floor counts the job's 7 calls). " +
        "Local endpoint with {1} ms per request; a fresh endpoint for every run. Wall time is the onboarding itself (process start and module load excluded), median of the runs; " +
        "calls are counted by the endpoint; peak memory is the tool's process (GNU time). Ratio: the tool's time per user over IamOnboard's at the same concurrency (the CLI: over IamOnboard's at {2}).") -f $p.users, $p.latencyMs, $default
    $null = $md.AppendLine($intro)
    $null = $md.AppendLine()
    $null = $md.AppendLine('Concurrency is IamOnboard''s -ThrottleLimit and the script''s number of workers. IamOnboard''s pipeline has two stages (New-OnboardUser, Enable-OnboardVirtualMfa) that each work on up to that many users, so up to twice as many requests can be in flight; the in-flight column gives that maximum and the mean (calls x latency / wall time).').AppendLine()
    $null = $md.AppendLine('| tool | concurrency | users | wall time (s) | users/s | API calls per user | peak memory (MB) | in flight: max / mean | ratio to IamOnboard |')
    $null = $md.AppendLine('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |')
    $onboarding = @($Results.onboarding)
    $concurrencies = @($onboarding | Where-Object { $_.tool -eq 'IamOnboard' } | ForEach-Object concurrency)
    $reference = @{}
    foreach ($row in $onboarding | Where-Object { $_.tool -eq 'IamOnboard' }) { $reference[[int]$row.concurrency] = $row.wallSeconds / $row.users }
    foreach ($c in $concurrencies) {
        foreach ($row in $onboarding | Where-Object { $_.concurrency -eq $c -and $_.tool -in 'IamOnboard', 'JsSdk', 'IamOnboardAddGroupMember' }) {
            $ratio = ($row.wallSeconds / $row.users) / $reference[[int]$c]
            $label = $names[$row.tool] + $(if ($row.tool -eq 'IamOnboard' -and $c -eq $default) { ' (default ThrottleLimit)' } else { '' }) + $(if ($row.runs -gt 1) { " (median of $($row.runs))" } else { '' })
            $null = $md.AppendLine(("| {0} | {1} | {2} | {3:0.00} | {4:0.0} | {5:0.00} | {6:0} | {7} / {8:0.0} | {9:0.00}x |" -f $label, $row.concurrency, $row.users, $row.wallSeconds, $row.usersPerSecond, $row.callsPerUser, $row.peakMemoryMB, $row.maxInFlight, $row.meanInFlight, $ratio))
        }
        $floorRow = $onboarding | Where-Object { $_.tool -eq 'IamOnboard' -and $_.concurrency -eq $c } | Select-Object -First 1
        $floorRatio = ($floorRow.floorSeconds / $floorRow.users) / $reference[[int]$c]
        $floorRate = $floorRow.users / $floorRow.floorSeconds
        $null = $md.AppendLine(("| floor: 7 calls x {0} ms / {1} | {1} | {2} | {3:0.00} | {4:0.0} | 7 | | {1} / {1} | {5:0.00}x |" -f $p.latencyMs, $c, $floorRow.users, $floorRow.floorSeconds, $floorRate, $floorRatio))
    }
    foreach ($row in $onboarding | Where-Object { $_.tool -eq 'AwsCli' }) {
        $ratio = if ($reference.ContainsKey([int]$default)) { ($row.wallSeconds / $row.users) / $reference[[int]$default] } else { [double]::NaN }
        $null = $md.AppendLine(("| {0} | 1 | {1} | {2:0.00} | {3:0.00} | {4:0.00} | {5:0} | 1 / {7:0.0} | {6:0}x |" -f $names[$row.tool], $row.users, $row.wallSeconds, $row.usersPerSecond, $row.callsPerUser, $row.peakMemoryMB, $ratio, $row.meanInFlight))
    }

    if ($Results.Contains('import')) {
        $i = $Results.import
        $null = $md.AppendLine().AppendLine('## Module import').AppendLine()
        $null = $md.AppendLine(("Fresh pwsh, median of {0} runs each, in turn: bare start {1:0.000} s, with ``Import-Module IamOnboard`` {2:0.000} s: **{3:0.000} s added** (Import-Module itself, timed inside: {4} ms)." -f $i.runs, $i.bareStartSeconds, $i.withImportSeconds, $i.addedSeconds, $i.importModuleInProcessMs))
    }
    if ($Results.Contains('streaming')) {
        $null = $md.AppendLine().AppendLine('## Streaming: a CSV through New-OnboardUser -WhatIf (endpoint without latency)').AppendLine()
        $null = $md.AppendLine('| rows | planned | wall time (s) | rows/s | peak memory (MB) | API calls per row |').AppendLine('| ---: | ---: | ---: | ---: | ---: | ---: |')
        foreach ($s in $Results.streaming) {
            $planned = if ($s.finished) { "$($s.planned)" } else { "$($s.planned) (stopped after $($Results.parameters.streamSeconds) s)" }
            $null = $md.AppendLine(("| {0} | {1} | {2:0.0} | {3:0} | {4:0} | {5:0.00} ({6}) |" -f $s.rows, $planned, $s.wallSeconds, $s.rowsPerSecond, $s.peakMemoryMB, $s.callsPerRow, (($s.callsByAction.GetEnumerator() | ForEach-Object { "$($_.Key) $($_.Value)" }) -join ', ')))
        }
    }
    if ($Results.Contains('endpoint')) {
        $null = $md.AppendLine().AppendLine('## The local endpoint alone: signed GetUser on loopback, one client process').AppendLine()
        foreach ($e in $Results.endpoint) {
            $null = $md.AppendLine(("- {0} in flight: **{1:0} requests/s** ({2} requests in {3} s; the endpoint counted {4}); CPU per request: endpoint {5} ms, client {6} ms" -f $e.inflight, $e.requestsPerSecond, $e.requests, $e.seconds, $e.countedByEndpoint, $e.serverCpuMsPerRequest, $e.clientCpuMsPerRequest))
        }
    }
    $null = $md.AppendLine().AppendLine('## Targets').AppendLine()
    $null = $md.AppendLine('| target | goal | figure | met |').AppendLine('| --- | --- | --- | --- |')
    foreach ($t in $Results.targets) {
        $met = if ($null -eq $t.met) { 'n/a' } elseif ($t.met) { 'met' } else { '**not met**' }
        $null = $md.AppendLine("| $($t.target) | $($t.goal) | $($t.figure) | $met |")
    }
    $null = $md.AppendLine().AppendLine(("Machine: {0} cores, {1}, pwsh {2}, node {3}. Whole benchmark: {4} s." -f $Results.machine.cores, $Results.machine.os, $Results.machine.pwsh, $Results.machine.node, $Results.totalSeconds))
    Set-Content -Path (Join-Path $OutputDirectory 'results.md') -Value $md.ToString() -Encoding utf8
}
