# Batches against an endpoint that throttles, fails, drops responses, or whose client is killed midway: every valid
# row ends fully onboarded (after at most one re-run), with no key or MFA device nobody holds the secret of.
BeforeAll {
    Import-Module $env:IAMONBOARD_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force

    function script:New-StartersFile([string] $Prefix, [int] $Count) {
        $path = Join-Path $TestDrive "$Prefix.csv"
        @('User name,ConsoleAccess,PasswordResetRequired,ProgrammaticAccess') +
            (1..$Count | ForEach-Object { "$Prefix-$_,yes,yes,yes" }) | Set-Content -Path $path -Encoding utf8NoBOM
        $path
    }

    function script:Get-Admitted($Endpoint) {
        # Requests that passed the token bucket (everything read, less what was throttled or was not HTTP).
        $s = $Endpoint.GetStatistics()
        $s.TotalRequests - $s.Throttled - $s.MalformedRequests
    }

    # AWS CLI commands with one attempt each (TestHelpers), run in one process; those that hit the endpoint's injected
    # ServiceFailure are run again (in one process per round) until they answer or fail 8 times.
    function script:Invoke-SteadyCli($Endpoint, [object[]] $Commands) {
        $results = [object[]]::new($Commands.Count)
        $pending = 0..($Commands.Count - 1)
        for ($round = 1; $pending.Count -gt 0; $round++) {
            $answers = @(Invoke-AwsCliBatch -Endpoint $Endpoint -Commands @($pending | ForEach-Object { , $Commands[$_] }))
            $next = @()
            for ($i = 0; $i -lt $pending.Count; $i++) {
                $results[$pending[$i]] = $answers[$i]
                if ($answers[$i].ExitCode -ne 0 -and $answers[$i].StdErr -notmatch 'NoSuchEntity' -and $round -lt 12) { $next += $pending[$i] }
            }
            $pending = $next
            # A storm endpoint admits a few requests a second and one CLI process sends its commands far faster:
            # give the bucket time to refill for what is left (1 s per 5 commands, the slowest storm's rate).
            if ($pending.Count -gt 0) { Start-Sleep -Seconds ([Math]::Min(15, [Math]::Ceiling($pending.Count / 5.0))) }
        }
        , $results
    }

    # Reads every user back through the AWS CLI and returns what is wrong (empty when every user is complete). Two
    # commands per user and two for the account, all in one CLI process (each process start is slow on a busy machine).
    # Without -HandedKeys/-UsersWithPassword it checks counts only.
    function script:Get-Incomplete($Endpoint, [string[]] $Names, [string[]] $HandedKeys, [string[]] $UsersWithPassword) {
        $problems = [System.Collections.Generic.List[string]]::new()
        $commands = @(, @('iam', 'list-virtual-mfa-devices', '--assignment-status', 'Assigned')) +
            @(, @('iam', 'list-virtual-mfa-devices', '--assignment-status', 'Unassigned')) +
            @($Names | ForEach-Object { , @('iam', 'get-login-profile', '--user-name', $_); , @('iam', 'list-access-keys', '--user-name', $_) })
        $answers = Invoke-SteadyCli -Endpoint $Endpoint -Commands $commands
        $assigned = @($answers[0].Json.VirtualMFADevices | Where-Object { $_ })
        for ($n = 0; $n -lt $Names.Count; $n++) {
            $name = $Names[$n]
            $profile = $answers[2 + 2 * $n]
            if ($profile.ExitCode -ne 0) { $problems.Add("$name has no console access (or does not exist)") }
            elseif ($null -ne $UsersWithPassword -and $UsersWithPassword -notcontains $name) { $problems.Add("$name has a password that was never handed back") }
            $keys = @($answers[3 + 2 * $n].Json.AccessKeyMetadata | Where-Object { $_ })
            if ($keys.Count -ne 1) { $problems.Add("$name has $($keys.Count) access keys") }
            foreach ($key in $keys) {
                if ($null -ne $HandedKeys -and $HandedKeys -notcontains $key.AccessKeyId) { $problems.Add("$name has key $($key.AccessKeyId) whose secret was never handed back") }
            }
            $mfa = @($assigned | Where-Object { $_.User.UserName -eq $name })
            if ($mfa.Count -ne 1) { $problems.Add("$name has $($mfa.Count) MFA devices") }
        }
        $unassigned = @($answers[1].Json.VirtualMFADevices | Where-Object { $_ })
        if ($unassigned.Count -gt 0) { $problems.Add("unassigned MFA devices: $($unassigned.SerialNumber -join ', ')") }
        , $problems.ToArray()
    }
}

Describe 'A batch under a throttling storm' {
    It 'onboards 30 users completely, in no more than 1.5x the time the token bucket imposes' {
        $rate = 5; $burst = 10
        $endpoint = Start-OnboardLocalIam -ThrottleRate $rate -ThrottleBurst $burst
        try {
            $session = Connect-TestEndpoint -Endpoint $endpoint
            $file = New-StartersFile -Prefix 'storm' -Count 30
            $admittedBefore = Get-Admitted $endpoint
            $clock = [Diagnostics.Stopwatch]::StartNew()
            $mfa = Import-OnboardCsv $file | New-OnboardUser -Session $session -InformationVariable information |
                Tee-Object -Variable users | Enable-OnboardVirtualMfa -Unattended -IncludeSeed -Session $session
            $clock.Stop()
            $stats = $endpoint.GetStatistics()
            $calls = (Get-Admitted $endpoint) - $admittedBefore
            $floor = [Math]::Max(0, ($calls - $burst) / $rate)
            Write-Host ("storm: {0} calls admitted, {1} throttled; wall {2:0.0} s, bucket floor {3:0.0} s" -f $calls, $stats.Throttled, $clock.Elapsed.TotalSeconds, $floor)

            $summary = ($information | Where-Object { $_.Tags -contains 'IamOnboard.Summary' }).MessageData
            $summary.Failed | Should -Be 0
            $summary.Created | Should -Be 30
            $mfa | Should -HaveCount 30
            $stats.Throttled | Should -BeGreaterThan 0 -Because 'the storm must actually throttle'
            $calls | Should -BeGreaterOrEqual (30 * 5)
            $clock.Elapsed.TotalSeconds | Should -BeLessOrEqual (1.5 * $floor + 30)

            $names = 1..30 | ForEach-Object { "storm-$_" }
            $handed = @($users | Where-Object AccessKeyId | ForEach-Object AccessKeyId)
            $withPassword = @($users | Where-Object Password | ForEach-Object UserName)
            Get-Incomplete $endpoint $names $handed $withPassword | Should -BeNullOrEmpty
        }
        finally {
            $endpoint | Stop-OnboardLocalIam -Confirm:$false
        }
    }
}

Describe 'A batch against failures and dropped responses' {
    It 'converges after at most one re-run: every row complete, no key or MFA device without its secret' {
        $endpoint = Start-OnboardLocalIam -FailureRate 0.05 -DropResponseRate 0.05
        try {
            $session = Connect-TestEndpoint -Endpoint $endpoint
            $file = New-StartersFile -Prefix 'fault' -Count 12
            $null = Import-OnboardCsv $file | New-OnboardUser -Session $session -ErrorVariable firstErrors -ErrorAction SilentlyContinue |
                Tee-Object -Variable first | Enable-OnboardVirtualMfa -Unattended -IncludeSeed -Session $session -ErrorVariable firstMfaErrors -ErrorAction SilentlyContinue
            $null = Import-OnboardCsv $file | New-OnboardUser -Session $session -ErrorVariable secondErrors -ErrorAction SilentlyContinue |
                Tee-Object -Variable second | Enable-OnboardVirtualMfa -Unattended -IncludeSeed -SkipIfEnabled -Session $session -WarningAction SilentlyContinue -ErrorVariable secondMfaErrors -ErrorAction SilentlyContinue
            $stats = $endpoint.GetStatistics()
            Write-Host ("faults: {0} failures injected, {1} responses dropped; first run {2} errors, re-run {3} errors" -f $stats.FailuresInjected, $stats.ResponsesDropped,
                (@($firstErrors) + @($firstMfaErrors)).Count, (@($secondErrors) + @($secondMfaErrors)).Count)
            foreach ($e in @($firstErrors) + @($firstMfaErrors) + @($secondErrors) + @($secondMfaErrors)) { Write-Host "  $($e.FullyQualifiedErrorId): $($e.Exception.Message)" }

            ($stats.FailuresInjected + $stats.ResponsesDropped) | Should -BeGreaterThan 0
            (@($firstErrors) + @($firstMfaErrors) + @($secondErrors) + @($secondMfaErrors)).FullyQualifiedErrorId | Where-Object { $_ -like 'UnexpectedError*' } | Should -BeNullOrEmpty
            $all = @($first) + @($second)
            $names = 1..12 | ForEach-Object { "fault-$_" }
            $handed = @($all | Where-Object AccessKeyId | ForEach-Object AccessKeyId)
            $withPassword = @($all | Where-Object Password | ForEach-Object UserName)
            Get-Incomplete $endpoint $names $handed $withPassword | Should -BeNullOrEmpty
        }
        finally {
            $endpoint | Stop-OnboardLocalIam -Confirm:$false
        }
    }
}

Describe 'A batch whose pwsh process is killed midway' {
    It 'converges on a re-run: one key, one MFA device per user, no unassigned device, no secret that was not handed out' {
        $endpoint = Start-OnboardLocalIam -Latency ([timespan]::FromMilliseconds(100))
        try {
            $session = Connect-TestEndpoint -Endpoint $endpoint
            $file = New-StartersFile -Prefix 'killed' -Count 10
            $script = 'Import-Module $env:IAMONBOARD_MODULE; $s = Connect-Onboard -EndpointUrl $env:T_URL -AccessKey $env:T_KEY -SecretKey (ConvertTo-SecureString $env:T_SECRET -AsPlainText -Force); ' +
                'Import-OnboardCsv $env:T_FILE | New-OnboardUser -Session $s | Enable-OnboardVirtualMfa -Unattended -IncludeSeed -Session $s | Export-OnboardCredential -Path $env:T_CSV'
            $start = New-ChildPwshStartInfo -Arguments @('-NoProfile', '-NonInteractive', '-Command', $script)
            $start.Environment['T_URL'] = $endpoint.Url
            $start.Environment['T_KEY'] = $endpoint.AccessKeyId
            $start.Environment['T_SECRET'] = ConvertTo-PlainText $endpoint.SecretAccessKey
            $start.Environment['T_FILE'] = $file
            $credentials = Join-Path $TestDrive 'killed-credentials.csv'
            $start.Environment['T_CSV'] = $credentials
            $start.RedirectStandardOutput = $true
            $start.RedirectStandardError = $true
            $child = [Diagnostics.Process]::Start($start)
            try {
                # Kill once some users have keys (and before the batch ends), whatever the machine's speed.
                $deadline = [DateTime]::UtcNow.AddSeconds(120)
                while ([DateTime]::UtcNow -lt $deadline -and -not $child.HasExited) {
                    $byAction = $endpoint.GetStatistics().RequestsByAction
                    if ($byAction.ContainsKey('EnableMFADevice') -and $byAction['EnableMFADevice'] -ge 2) { break }
                    Start-Sleep -Milliseconds 100
                }
                $child.HasExited | Should -BeFalse -Because 'the batch must be killed midway'
                $child.Kill($true)
                $child.WaitForExit()
            }
            finally {
                if (-not $child.HasExited) { $child.Kill($true) }
                $child.Dispose()
            }
            $createdBeforeKill = @((Invoke-AwsCli -Endpoint $endpoint -Arguments @('iam', 'list-users')).Json.Users | Where-Object UserName -like 'killed-*').Count
            Write-Host "killed: $createdBeforeKill of 10 users existed when the child was killed"

            # What the killed run handed out is in its credentials file, line by line; the re-run hands out the rest,
            # replacing every password and key the killed run made but never handed out.
            $handedBeforeKill = @(if (Test-Path $credentials) { Import-Csv $credentials })
            Write-Host "killed: the credentials file has $($handedBeforeKill.Count) users"
            $done = Import-OnboardCsv $file | New-OnboardUser -Session $session -WarningAction SilentlyContinue |
                Enable-OnboardVirtualMfa -Unattended -IncludeSeed -SkipIfEnabled -Session $session -WarningAction SilentlyContinue
            $done | Should -HaveCount 10
            $handedKeys = @($handedBeforeKill | ForEach-Object 'Access key ID') + @($done.User | Where-Object AccessKeyId | ForEach-Object AccessKeyId)
            $withPassword = @($handedBeforeKill | Where-Object Password | ForEach-Object 'User name') + @($done.User | Where-Object Password | ForEach-Object UserName)
            Get-Incomplete $endpoint (1..10 | ForEach-Object { "killed-$_" }) $handedKeys $withPassword | Should -BeNullOrEmpty
            $tags = Invoke-AwsCliBatch -Endpoint $endpoint -Commands @(1..10 | ForEach-Object { , @('iam', 'list-user-tags', '--user-name', "killed-$_") })
            $tags | ForEach-Object { $_.ExitCode | Should -Be 0 -Because $_.StdErr }
            $marked = @($tags | Where-Object { $_.Json.Tags.Key -contains 'iamonboard:handoff' })
            $marked | Should -BeNullOrEmpty -Because 'every mark is gone once the re-run handed its credentials out'
        }
        finally {
            $endpoint | Stop-OnboardLocalIam -Confirm:$false
        }
    }
}

Describe 'A batch whose CreateUser answers were lost' {
    It 'reports the users its own lost sends made as Created, in the rows and in the summary' {
        $endpoint = Start-OnboardLocalIam
        try {
            $session = Connect-TestEndpoint -Endpoint $endpoint
            $file = New-StartersFile -Prefix 'lostcreate' -Count 3
            # Row 1's answer never arrives; row 2's is a proxy's 504 after IAM made the user. Both users carry the run's own mark.
            $endpoint.DropNextResponses('CreateUser', 1)
            $users = Import-OnboardCsv $file | New-OnboardUser -Session $session -ThrottleLimit 1 -InformationVariable information
            $endpoint.AnswerNextWithGatewayTimeout('CreateUser', 1)
            $users += New-OnboardUser -UserName 'lostcreate-gw' -ConsoleAccess -ProgrammaticAccess -Session $session -InformationVariable single
            $users | Should -HaveCount 4
            $users.Status | Sort-Object -Unique | Should -Be 'Created'
            $users | ForEach-Object { $_.Actions[0] | Should -BeLike "create user $($_.UserName) *" }
            ($information | Where-Object { $_.Tags -contains 'IamOnboard.Summary' }).MessageData.Created | Should -Be 3
            ($information | Where-Object { $_.Tags -contains 'IamOnboard.Summary' }).MessageData.Completed | Should -Be 0
            $endpoint.GetStatistics().ResponsesDropped | Should -Be 1
            $keys = Invoke-AwsCliBatch -Endpoint $endpoint -Commands @($users | ForEach-Object { , @('iam', 'list-access-keys', '--user-name', $_.UserName) })
            for ($i = 0; $i -lt $users.Count; $i++) {
                $keys[$i].Json.AccessKeyMetadata.AccessKeyId | Should -Be $users[$i].AccessKeyId
            }
        }
        finally {
            $endpoint | Stop-OnboardLocalIam -Confirm:$false
        }
    }
}

Describe 'A batch stopped by a failing row under -ErrorAction Stop' {
    It 'lets the row under way roll back and says so, then stops with the failing row''s error' {
        $endpoint = Start-OnboardLocalIam
        try {
            $session = Connect-TestEndpoint -Endpoint $endpoint
            $file = Join-Path $TestDrive 'stopped.csv'
            $missing = "arn:aws:iam::$($endpoint.AccountId):policy/no-such-boundary"
            @('User name,ConsoleAccess,ProgrammaticAccess,PermissionsBoundary', 'stopped-under-way,yes,yes,', "stopped-failing,yes,yes,$missing") |
                Set-Content -Path $file -Encoding utf8NoBOM
            # Row 1's console access is under way (its CreateLoginProfile held 3 s at the endpoint) when row 2 fails its
            # check (GetPolicy answered after 0.5 s): row 1 is stopped midway and rolled back. Before, the error was
            # written first, which stopped the pipeline there: the roll-back's report was never written.
            $endpoint.DelayNextRequest('CreateLoginProfile', [TimeSpan]::FromSeconds(3))
            $endpoint.DelayNextRequest('GetPolicy', [TimeSpan]::FromMilliseconds(500))
            $credentials = Join-Path $TestDrive 'stopped-creds.csv'
            $failure = $null
            try {
                Import-OnboardCsv $file | New-OnboardUser -Session $session -ThrottleLimit 2 -ErrorAction Stop -WarningVariable warned -WarningAction SilentlyContinue |
                    Export-OnboardCredential -Path $credentials
            }
            catch { $failure = $_ }
            $failure.Exception.Message | Should -BeLike '*PermissionsBoundary: no managed policy has the ARN*'
            @($warned | Where-Object { "$_" -like "row 1 (line 2 of stopped.csv): IAM user 'stopped-under-way' was not onboarded: the operation was stopped. Everything this call had created was removed*" }) |
                Should -HaveCount 1 -Because ($warned -join ' | ')
            (Invoke-AwsCli -Endpoint $endpoint -Arguments @('iam', 'get-user', '--user-name', 'stopped-under-way')).StdErr | Should -Match 'NoSuchEntity'
        }
        finally {
            $endpoint | Stop-OnboardLocalIam -Confirm:$false
        }
    }
}

Describe 'A row IAM answers ConcurrentModification' {
    It 'sends the change again, says so in verbose output, and the row is Created' {
        $endpoint = Start-OnboardLocalIam
        try {
            $session = Connect-TestEndpoint -Endpoint $endpoint
            $name = New-TestName 'busy'
            $endpoint.AnswerNextWithConcurrentModification('AttachUserPolicy', 2)
            $endpoint.AnswerNextWithConcurrentModification('CreateAccessKey', 1)
            $user = New-OnboardUser -UserName $name -Policy ReadOnlyAccess -ProgrammaticAccess -Session $session -Verbose 4>&1 |
                Tee-Object -Variable all | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }
            $verbose = @($all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
            $user.Status | Should -Be 'Created'
            $verbose | Where-Object { $_ -like "IAM AttachUserPolicy for '$name' was refused with ConcurrentModification*" } | Should -HaveCount 2
            $verbose | Where-Object { $_ -like "IAM CreateAccessKey for '$name' was refused with ConcurrentModification*attempt 2 of 8." } | Should -HaveCount 1
            $endpoint.GetStatistics().RequestsByAction['CreateAccessKey'] | Should -Be 2
            (Invoke-AwsCli -Endpoint $endpoint -Arguments @('iam', 'list-access-keys', '--user-name', $name)).Json.AccessKeyMetadata.AccessKeyId | Should -Be $user.AccessKeyId
        }
        finally {
            $endpoint | Stop-OnboardLocalIam -Confirm:$false
        }
    }
}
