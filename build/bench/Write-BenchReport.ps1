# Writes the benchmark's results.json and results.md (the headline, the other measurements and the targets).
Set-StrictMode -Version Latest

function Get-BenchRow($Results, [string] $Tool, [int] $Budget) {
    @($Results.onboarding) | Where-Object { $_.tool -eq $Tool -and $_.budget -eq $Budget } | Select-Object -First 1
}

function Get-BenchTargets {
    param($Results)
    $targets = [System.Collections.Generic.List[object]]::new()
    function Add-Target([string] $Name, [string] $Goal, $Figure, [Nullable[bool]] $Met, [string] $Note = '') {
        $targets.Add([pscustomobject][ordered]@{ target = $Name; goal = $Goal; figure = $Figure; met = $Met; note = $Note })
    }
    $budgets = @($Results.onboarding | Where-Object { $_.tool -eq 'IamOnboard' } | ForEach-Object budget)
    foreach ($budget in $budgets) {
        $iam = Get-BenchRow $Results 'IamOnboard' $budget
        $js = Get-BenchRow $Results 'JsSdk' $budget
        if (-not $js) { continue }
        $ratio = [Math]::Round($iam.wallSeconds / $js.wallSeconds, 2)
        $unequal = if ($iam.peakInFlight -gt $budget) { "; not equal in flight: IamOnboard's peak was $($iam.peakInFlight)" } else { '' }
        # The same ratio per call: IamOnboard makes one call per user more (UntagUser), which no scheduling can hide
        # at equal requests in flight; this tells the cost of that call apart from everything else.
        $perCall = [Math]::Round(($iam.wallSeconds / $iam.callsPerUser) / ($js.wallSeconds / $js.callsPerUser), 2)
        Add-Target "Wall time vs the JS SDK script, budget $budget in flight" '<= 1.0x' "${ratio}x ($($iam.wallSeconds) s vs $($js.wallSeconds) s$unequal; per call ${perCall}x)" ($ratio -le 1.0 -and $iam.peakInFlight -le $budget)
    }
    $over = @($budgets | ForEach-Object { Get-BenchRow $Results 'IamOnboard' $_ } | ForEach-Object { "$($_.peakInFlight) at $($_.budget)" })
    if ($over.Count) {
        $met = -not (@($budgets | ForEach-Object { Get-BenchRow $Results 'IamOnboard' $_ } | Where-Object { $_.peakInFlight -gt $_.budget }).Count)
        Add-Target "IamOnboard's peak requests in flight (endpoint) within the budget" '<= budget' ($over -join ', ') $met
    }
    $iam1 = Get-BenchRow $Results 'IamOnboard' 1
    $js1 = Get-BenchRow $Results 'JsSdk' 1
    if ($iam1 -and $js1 -and $iam1.chainMs -and $js1.chainMs) {
        $r = [Math]::Round($iam1.chainMs / $js1.chainMs, 2)
        Add-Target "One user's chain of calls at 1 in flight vs the JS script (median, endpoint-side), batch" '<= 1.2x' "${r}x ($($iam1.chainMs) ms vs $($js1.chainMs) ms)" ($r -le 1.2) `
            'in a batch at budget 1 the next user''s call takes the budget while a user is between two calls, so each chain holds other users'' calls'
    }
    $alone = Get-BenchRow $Results 'IamOnboardOneAtATime' 1
    if ($alone -and $js1 -and $alone.chainMs -and $js1.chainMs) {
        $r = [Math]::Round($alone.chainMs / $js1.chainMs, 2)
        Add-Target "One user's chain of calls, one user at a time (each row its own pipeline) vs the JS script at 1" '<= 1.2x' "${r}x ($($alone.chainMs) ms vs $($js1.chainMs) ms)" ($r -le 1.2) `
            'the hand-off between stages with nobody else''s calls in between'
    }
    foreach ($budget in @($budgets | Where-Object { $_ -in 1, 4, 8 })) {
        $row = Get-BenchRow $Results 'IamOnboard' $budget
        Add-Target "Floor ratio at $budget in flight (wall / (calls x latency / $budget))" '<= 1.2' "$($row.floorRatio) ($($row.wallSeconds) s vs $($row.floorSeconds) s; JS script $((Get-BenchRow $Results 'JsSdk' $budget).floorRatio))" ($row.floorRatio -le 1.2)
    }
    $default = $Results.parameters.defaultThrottleLimit
    $iam = Get-BenchRow $Results 'IamOnboard' $default
    if ($iam) {
        $actions = $iam.callsByAction
        # The seven calls the job needs, and IamOnboard's UntagUser that removes the hand-off mark of the password, the
        # key and the seed (-IncludeSeed, which rides on the user's mark) once they have been handed out (the price of a
        # re-run being able to tell credentials nobody received). An UntagMFADevice would be a seed marked on its own device.
        $perUser = @('CreateUser', 'CreateLoginProfile', 'AttachUserPolicy', 'CreateAccessKey', 'AddUserToGroup', 'CreateVirtualMFADevice', 'EnableMFADevice', 'UntagUser', 'UntagMFADevice')
        $perUserCalls = ($perUser | ForEach-Object { if ($actions.Contains($_)) { $actions[$_] } else { 0 } } | Measure-Object -Sum).Sum
        $total = ($actions.Values | Measure-Object -Sum).Sum
        $once = $total - $perUserCalls
        Add-Target 'API calls per user (happy path)' '= 8 (7 + UntagUser)' ("{0} per user + {1} once per batch ({2} in all for {3} users)" -f ($perUserCalls / $iam.users), $once, $total, $iam.users) ($perUserCalls -eq 8 * $iam.users -and $once -le 4) `
            ("The calls made once per batch: " + ((@($actions.Keys) | Where-Object { $_ -notin $perUser } | ForEach-Object { "$_ $($actions[$_])" }) -join ', '))
        $cli = @($Results.onboarding) | Where-Object { $_.tool -eq 'AwsCli' } | Select-Object -First 1
        # The CLI loop has one request in flight: compared at the same budget, as every other figure here is. The
        # figure at the default budget (more in flight than the loop) is shown beside it, and the most any client could
        # reach at budget 1, the calls alone (calls x latency per user), says whether the goal can be met at equal load.
        $iamAtCliBudget = if ($cli) { Get-BenchRow $Results 'IamOnboard' $cli.budget }
        if ($iamAtCliBudget) {
            $cliPerUser = $cli.wallSeconds / $cli.users
            $iamPerUser = $iamAtCliBudget.wallSeconds / $iamAtCliBudget.users
            $speedup = [Math]::Round($cliPerUser / $iamPerUser, 0)
            $callsAlone = $iamAtCliBudget.floorSeconds / $iamAtCliBudget.users
            $ceiling = [Math]::Round($cliPerUser / $callsAlone, 0)
            $atDefault = [Math]::Round($cliPerUser / ($iam.wallSeconds / $iam.users), 0)
            Add-Target "Faster than the AWS CLI loop per user, both at $($cli.budget) in flight" '>= 100x' ("{0}x ({1:0.000} s vs {2:0.000} s per user; CLI on a {3}-user sample)" -f $speedup, $cliPerUser, $iamPerUser, $cli.users) ($speedup -ge 100) `
                ("at equal load no client can pass {0}x: {1:0.000} s per user is the calls alone at {2} in flight; at IamOnboard's default budget of {3} (more in flight than the loop) {4}x" -f $ceiling, $callsAlone, $cli.budget, $default, $atDefault)
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

function Write-OnboardingTables {
    param($Results, [System.Text.StringBuilder] $Md)
    $p = $Results.parameters
    $null = $Md.AppendLine((("Each user: CreateUser with tags, CreateLoginProfile, AttachUserPolicy (IAMUserChangePassword), CreateAccessKey, AddUserToGroup, CreateVirtualMFADevice, EnableMFADevice; IamOnboard adds UntagUser, which removes its hand-off mark once the credentials and the seed (-IncludeSeed, riding on the user's mark) are out. " +
        "Local endpoint with {0} ms per request, a fresh one for every run. The budget is IamOnboard's -ThrottleLimit (given to every stage) and the JS script's number of workers; the endpoint counts the requests in flight (read to answered) and reports the peak and the mean (time in flight / wall time). " +
        "Wall time: each tool's own timer, from before its first call on a fresh connection (IamOnboard: Connect-Onboard) to its last answer; process start and module load excluded; median of {1} interleaved runs.") -f $p.latencyMs, $p.repeat)).AppendLine()
    $null = $Md.AppendLine('| budget in flight | users | IamOnboard (s) | JS script (s) | IamOnboard / JS | peak in flight: IamOnboard / JS | mean in flight: IamOnboard / JS | calls per user: IamOnboard / JS | floor ratio: IamOnboard / JS |')
    $null = $Md.AppendLine('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |')
    foreach ($iam in @($Results.onboarding | Where-Object { $_.tool -eq 'IamOnboard' })) {
        $js = Get-BenchRow $Results 'JsSdk' $iam.budget
        if (-not $js) { continue }
        $peak = if ($iam.peakInFlight -gt $iam.budget) { "**$($iam.peakInFlight)** / $($js.peakInFlight)" } else { "$($iam.peakInFlight) / $($js.peakInFlight)" }
        $null = $Md.AppendLine(("| {0} | {1} | {2:0.00} | {3:0.00} | **{4:0.00}x** | {5} | {6:0.0} / {7:0.0} | {8:0.00} / {9:0.00} | {10:0.00} / {11:0.00} |" -f $iam.budget, $iam.users, $iam.wallSeconds, $js.wallSeconds, ($iam.wallSeconds / $js.wallSeconds), $peak, $iam.meanInFlight, $js.meanInFlight, $iam.callsPerUser, $js.callsPerUser, $iam.floorRatio, $js.floorRatio))
    }
    $null = $Md.AppendLine().AppendLine('Floor ratio: wall time over (calls x latency / budget), the time the calls need at the budget with nothing in between. A peak in bold is above the budget: that row does not compare equal requests in flight.').AppendLine()
    $timed = @($Results.onboarding | Where-Object { $_.PSObject.Properties['requestMs'] -and $null -ne $_.requestMs })
    if ($timed) {
        $null = $Md.AppendLine(("A request's time at the endpoint, read to answered (median over a run's requests, then over runs), against {0} ms of latency asked for: {1}." -f $p.latencyMs,
            (($timed | ForEach-Object { '{0} at {1}: {2:0.00} ms' -f $(if ($_.tool -eq 'JsSdk') { 'JS script' } else { $_.tool }), $_.budget, $_.requestMs }) -join ', '))).AppendLine()
    }
    $jitted = @($Results.onboarding | Where-Object { $_.PSObject.Properties['jitMilliseconds'] -and $null -ne $_.jitMilliseconds })
    if ($jitted) {
        $null = $Md.AppendLine(("JIT compilation inside IamOnboard's timer, all threads (the runtime compiles what a fresh process runs, then recompiles what gets hot, on the same two cores; median over runs): {0}." -f
            (($jitted | ForEach-Object { '{0} at {1}: {2:0} ms, {3:0} methods' -f $_.tool, $_.budget, $_.jitMilliseconds, $_.jitMethods }) -join '; '))).AppendLine()
    }

    $iam1 = Get-BenchRow $Results 'IamOnboard' 1
    $js1 = Get-BenchRow $Results 'JsSdk' 1
    if ($iam1 -and $js1 -and $iam1.chainMs -and $js1.chainMs) {
        $null = $Md.AppendLine('## One user''s chain at 1 in flight').AppendLine()
        $null = $Md.AppendLine(("From a user's first call read to its last call answered, on the endpoint, median over users: IamOnboard **{0:0} ms**, JS script **{1:0} ms** ({2:0.00}x). Idle time between consecutive calls of one user (median, ms):" -f $iam1.chainMs, $js1.chainMs, ($iam1.chainMs / $js1.chainMs))).AppendLine()
        $null = $Md.AppendLine('| from > to | IamOnboard | JS script |').AppendLine('| --- | ---: | ---: |')
        # In the order of a user's chain.
        $order = @('CreateUser', 'CreateLoginProfile', 'AttachUserPolicy', 'CreateAccessKey', 'AddUserToGroup', 'CreateVirtualMFADevice', 'EnableMFADevice', 'UntagUser')
        $pairs = @($iam1.gapMs.Keys) + @($js1.gapMs.Keys) | Select-Object -Unique |
            Sort-Object { $order.IndexOf($_.Split('>')[0]) }, { $order.IndexOf($_.Split('>')[1]) }
        foreach ($pair in $pairs) {
            $a = if ($iam1.gapMs.Contains($pair)) { $iam1.gapMs[$pair] } else { '' }
            $b = if ($js1.gapMs.Contains($pair)) { $js1.gapMs[$pair] } else { '' }
            $null = $Md.AppendLine("| $pair | $a | $b |")
        }
        $null = $Md.AppendLine()
    }

    $null = $Md.AppendLine('## Every run set').AppendLine()
    $null = $Md.AppendLine('| tool | budget | users | runs | wall (s), median | all runs (s) | process (s) | CPU (s) | peak memory (MB) | peak / mean in flight | connections opened | chain at this budget (ms) |')
    $null = $Md.AppendLine('| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |')
    foreach ($row in $Results.onboarding) {
        $null = $Md.AppendLine(("| {0} | {1} | {2} | {3} | {4:0.00} | {5} | {6:0.00} | {7:0.00} | {8:0} | {9} / {10:0.0} | {11} | {12} |" -f $row.tool, $row.budget, $row.users, $row.runs, $row.wallSeconds, ($row.wallSecondsAll -join ', '), $row.processSeconds, $row.cpuSeconds, $row.peakMemoryMB, ($row.peakInFlightAll -join ','), $row.meanInFlight, $row.connections, $row.chainMs))
    }
}

function Write-BenchReport {
    param($Results, [string] $OutputDirectory)
    $Results.targets = @(Get-BenchTargets -Results $Results)
    $Results | ConvertTo-Json -Depth 8 | Set-Content -Path (Join-Path $OutputDirectory 'results.json') -Encoding utf8

    $md = [System.Text.StringBuilder]::new()
    $null = $md.AppendLine('# IamOnboard onboarding benchmark').AppendLine()
    if (@($Results.onboarding).Count) { Write-OnboardingTables -Results $Results -Md $md }
    if ($Results.Contains('import')) {
        $i = $Results.import
        $null = $md.AppendLine().AppendLine('## Module import').AppendLine()
        $null = $md.AppendLine(("Fresh pwsh, median of {0} runs each, in turn: bare start {1:0.000} s, with ``Import-Module IamOnboard`` {2:0.000} s: **{3:0.000} s added** (Import-Module itself, timed inside: {4} ms)." -f $i.runs, $i.bareStartSeconds, $i.withImportSeconds, $i.addedSeconds, $i.importModuleInProcessMs))
    }
    if ($Results.Contains('startup')) {
        $s = $Results.startup
        $null = $md.AppendLine().AppendLine('## Startup to the first request').AppendLine()
        $null = $md.AppendLine(("Fresh pwsh, median of {0} runs, wall / CPU of the process's threads (JIT included): whole process {1:0.000} s; process start to script {2} ms / {3} ms, Import-Module {4} / {5} ms, Connect-Onboard -Local {6} / {7} ms, first New-OnboardUser {8} / {9} ms (a second one: {10} / {11} ms)." -f
            $s.runs, $s.processSeconds, $s.processToScriptMs, $s.cpuBeforeScriptMs, $s.importModuleMs, $s.importModuleCpuMs, $s.connectLocalMs, $s.connectLocalCpuMs, $s.firstUserMs, $s.firstUserCpuMs, $s.secondUserMs, $s.secondUserCpuMs))
        if ($Results.Contains('startupWithoutImages')) {
            $w = $Results.startupWithoutImages
            $null = $md.AppendLine().AppendLine(("Without the ReadyToRun images (IAMONBOARD_NO_READYTORUN, runs in turn with the above): whole process {0:0.000} s; Import-Module {1} / {2} ms, Connect-Onboard -Local {3} / {4} ms, first New-OnboardUser {5} / {6} ms. The images save {7} ms of wall time from Import-Module to the first user's answer." -f
                $w.processSeconds, $w.importModuleMs, $w.importModuleCpuMs, $w.connectLocalMs, $w.connectLocalCpuMs, $w.firstUserMs, $w.firstUserCpuMs,
                (($w.importModuleMs + $w.connectLocalMs + $w.firstUserMs) - ($s.importModuleMs + $s.connectLocalMs + $s.firstUserMs))))
        }
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
        $figure = if ($t.note) { "$($t.figure); $($t.note)" } else { $t.figure }
        $null = $md.AppendLine("| $($t.target) | $($t.goal) | $figure | $met |")
    }
    $null = $md.AppendLine().AppendLine(("Machine: {0} cores, {1}, pwsh {2}, node {3}. Whole benchmark: {4} s." -f $Results.machine.cores, $Results.machine.os, $Results.machine.pwsh, $Results.machine.node, $Results.totalSeconds))
    Set-Content -Path (Join-Path $OutputDirectory 'results.md') -Value $md.ToString() -Encoding utf8
}
