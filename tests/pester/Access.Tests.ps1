# Proving a starter's access end to end: the built module onboards, the AWS CLI v2 signs as the starter, and the local
# endpoint evaluates the starter's real policies (groups, the RequireMfa guard, MFA session credentials).
BeforeAll {
    Import-Module $env:IAMONBOARD_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $null = Get-AwsCliV2
    $script:endpoint = Start-OnboardLocalIam
    $null = Connect-TestEndpoint -Endpoint $script:endpoint
    function script:AsUser($User, [string[]] $Arguments, [string] $SessionToken) {
        Invoke-AwsCli -Endpoint $script:endpoint -AccessKeyId $User.AccessKeyId -SecretAccessKey $User.Secret -SessionToken $SessionToken -Arguments $Arguments
    }

    # One starter for the whole file: a -RequireMfa group with read access to IAM, a console password to reset, a key, an MFA device.
    $script:group = New-TestName 'starters'
    $null = New-OnboardGroup -GroupName $script:group -Policy IAMReadOnlyAccess -RequireMfa
    $script:name = New-TestName 'starter'
    $onboarded = New-OnboardUser -UserName $script:name -Group $script:group -ConsoleAccess -PasswordResetRequired -ProgrammaticAccess
    $onboarded.PasswordResetRequired | Should -BeTrue
    $script:starter = [pscustomobject]@{
        AccessKeyId = $onboarded.AccessKeyId
        Secret      = ConvertTo-PlainText $onboarded.SecretAccessKey
        Password    = ConvertTo-PlainText $onboarded.Password
    }
    $script:device = Enable-OnboardVirtualMfa -UserName $script:name -Unattended -IncludeSeed
}

AfterAll {
    Disconnect-Onboard
    $script:endpoint | Stop-OnboardLocalIam -Confirm:$false
}

Describe 'Access: a starter in a -RequireMfa group' {
    It 'shares one IamOnboard-RequireMfa policy across groups' {
        $second = New-OnboardGroup -GroupName (New-TestName 'mfa-only') -RequireMfa
        $second.Policies | Should -Be @("arn:aws:iam::$($endpoint.AccountId):policy/IamOnboard-RequireMfa")
        $second.Actions | Should -Not -Contain 'create policy IamOnboard-RequireMfa'
    }

    It 'is denied iam:ListUsers with their own key, and allowed with session credentials from their MFA code' {
        $denied = AsUser $starter @('iam', 'list-users')
        $denied.ExitCode | Should -Not -Be 0
        $denied.StdErr | Should -Match 'AccessDenied'
        $denied.StdErr | Should -Match ([regex]::Escape("user/$name is not authorized to perform: iam:ListUsers") + '.*explicit deny')

        # The next step's code (the endpoint allows a step of drift): enabling the device took the current one, and STS takes a code once.
        $code = Get-TestTotpCode -Base32Seed (ConvertTo-PlainText $device.Seed) -At ([DateTimeOffset]::UtcNow.AddSeconds(30))
        $session = AsUser $starter @('sts', 'get-session-token', '--serial-number', $device.SerialNumber, '--token-code', $code)
        $session.ExitCode | Should -Be 0 -Because $session.StdErr
        $credentials = $session.Json.Credentials
        $withMfa = [pscustomobject]@{ AccessKeyId = $credentials.AccessKeyId; Secret = $credentials.SecretAccessKey }
        $listed = AsUser $withMfa @('iam', 'list-users') -SessionToken $credentials.SessionToken
        $listed.ExitCode | Should -Be 0 -Because $listed.StdErr
        $listed.Json.Users.UserName | Should -Contain $name
    }

    It 'changes the handed-out password without MFA, which clears the reset flag' {
        # (A wrong old password, and session credentials without MFA, are covered by the endpoint's xunit tests.)
        $changed = AsUser $starter @('iam', 'change-password', '--old-password', $starter.Password, '--new-password', 'Starter-Chose-This-9!')
        $changed.ExitCode | Should -Be 0 -Because $changed.StdErr
        (Invoke-AwsCli -Endpoint $endpoint -Arguments @('iam', 'get-login-profile', '--user-name', $name)).Json.LoginProfile.PasswordResetRequired | Should -BeFalse
    }
}

Describe 'Access: Test-OnboardAccess' {
    It 'shows the RequireMfa deny without MFA and the group grant with it' {
        $without = Test-OnboardAccess -UserName $name -Action iam:ListUsers, iam:ChangePassword -WithoutMfa
        ($without | Where-Object Action -eq 'iam:ListUsers').Decision | Should -Be 'ExplicitDeny'
        ($without | Where-Object Action -eq 'iam:ListUsers').DecidedBy | Should -Match '^IamOnboard-RequireMfa \(user-managed\)'
        $with = Test-OnboardAccess -UserName $name -Action iam:ListUsers -WithMfa
        $with.Decision | Should -Be 'Allowed'
        $with.MatchedStatements[0].SourcePolicyId | Should -Be 'IAMReadOnlyAccess'
        $with.PSObject.TypeNames[0] | Should -Be 'IamOnboard.Commands.OnboardAccessResult'
    }

    It 'asks about iam:ChangePassword on the user itself: a starter told to reset the password may change it' {
        # New-OnboardUser attaches IAMUserChangePassword (Resource user/${aws:username}) to a user who must reset the
        # password. Before: the simulator was asked about "*", which that statement does not match: ImplicitDeny.
        $starter = New-OnboardUser -UserName (New-TestName 'reset') -ConsoleAccess -PasswordResetRequired
        $results = Test-OnboardAccess -UserName $starter.UserName -Action iam:ListUsers, iam:ChangePassword
        $results.Action | Should -Be @('iam:ListUsers', 'iam:ChangePassword')
        $change = $results | Where-Object Action -EQ 'iam:ChangePassword'
        $change.Decision | Should -Be 'Allowed'
        $change.Resource | Should -Be $starter.Arn
        $change.DecidedBy | Should -BeLike 'IAMUserChangePassword*'
        ($results | Where-Object Action -EQ 'iam:ListUsers').Resource | Should -Be '*'
        # Another user's password: named, so asked as given.
        (Test-OnboardAccess -UserName $starter.UserName -Action iam:ChangePassword -Resource "arn:aws:iam::$($endpoint.AccountId):user/someone-else").Decision | Should -Be 'ImplicitDeny'
    }

    It 'counts the account password policy''s AllowUsersToChangePassword, as IAM and the endpoint apply it' {
        # IAM gives every user iam:ChangePassword on itself and iam:GetAccountPasswordPolicy with that setting, and no
        # policy to simulate: the simulator alone says ImplicitDeny. An endpoint of its own: the setting is account-wide.
        $own = Start-OnboardLocalIam
        try {
            $session = Connect-TestEndpoint -Endpoint $own
            $user = New-TestName 'selfservice'
            $created = New-OnboardUser -UserName $user -ProgrammaticAccess -Session $session
            $other = (New-OnboardUser -UserName (New-TestName 'other') -Session $session).Arn
            $set = Invoke-AwsCli -Endpoint $own -Arguments @('iam', 'update-account-password-policy', '--minimum-password-length', '12', '--allow-users-to-change-password')
            $set.ExitCode | Should -Be 0 -Because $set.StdErr
            $results = Test-OnboardAccess -UserName $user -Action iam:ChangePassword, iam:GetAccountPasswordPolicy, iam:ListUsers -Session $session
            ($results | Where-Object Action -eq 'iam:ChangePassword').Decision | Should -Be 'Allowed'
            ($results | Where-Object Action -eq 'iam:ChangePassword').AllowedByAccountPasswordPolicy | Should -BeTrue
            ($results | Where-Object Action -eq 'iam:ChangePassword').DecidedBy | Should -BeLike 'account password policy (AllowUsersToChangePassword*'
            ($results | Where-Object Action -eq 'iam:GetAccountPasswordPolicy').Decision | Should -Be 'Allowed'
            ($results | Where-Object Action -eq 'iam:ListUsers').Decision | Should -Be 'ImplicitDeny'
            $onResources = Test-OnboardAccess -UserName $user -Action iam:ChangePassword -Resource $created.Arn, $other -Session $session
            ($onResources | Where-Object Resource -eq $created.Arn).Decision | Should -Be 'Allowed'
            ($onResources | Where-Object Resource -eq $other).Decision | Should -Be 'ImplicitDeny' -Because 'the setting covers only the user''s own password'
            # The endpoint authorises the user's own call the same way.
            $asUser = Invoke-AwsCli -Endpoint $own -AccessKeyId $created.AccessKeyId -SecretAccessKey (ConvertTo-PlainText $created.SecretAccessKey) -Arguments @('iam', 'get-account-password-policy')
            $asUser.ExitCode | Should -Be 0 -Because $asUser.StdErr

            $unset = Invoke-AwsCli -Endpoint $own -Arguments @('iam', 'update-account-password-policy', '--minimum-password-length', '12', '--no-allow-users-to-change-password')
            $unset.ExitCode | Should -Be 0 -Because $unset.StdErr
            $without = Test-OnboardAccess -UserName $user -Action iam:ChangePassword -Session $session
            $without.Decision | Should -Be 'ImplicitDeny'
            $without.AllowedByAccountPasswordPolicy | Should -BeFalse
        }
        finally {
            $own | Stop-OnboardLocalIam -Confirm:$false
            $null = Connect-TestEndpoint -Endpoint $script:endpoint # Connect-TestEndpoint above made that endpoint the runspace's session
        }
    }

    It 'reports an unexpected Allow as an error naming the user, action, decision and statement' {
        $results = [pscustomobject]@{ UserName = $name } |
            Test-OnboardAccess -WithMfa -Expect @{ 'iam:ListUsers' = 'Denied'; 'iam:CreateUser' = 'Denied' } -ErrorVariable failures -ErrorAction SilentlyContinue
        @($results).Count | Should -Be 2
        @($failures).Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -Be 'UnexpectedAccessDecision,IamOnboard.Commands.TestOnboardAccessCommand'
        $failures[0].CategoryInfo.Category | Should -Be 'SecurityError'
        $failures[0].Exception.Message | Should -Match ([regex]::Escape("${name}: iam:ListUsers on * is Allowed, expected Denied; decided by IAMReadOnlyAccess"))
        ($results | Where-Object Action -eq 'iam:CreateUser').AsExpected | Should -BeTrue
    }

    It 'refuses a wildcard in -Action, naming it, and keeps patterns as -Expect keys' {
        # The simulator would answer for the literal text iam:List*, not for every List action.
        foreach ($pattern in 'iam:List*', 'iam:Get?ser') {
            $failure = $null
            try { Test-OnboardAccess -UserName $name -Action iam:GetUser, $pattern -ErrorAction Stop } catch { $failure = $_ }
            $failure.FullyQualifiedErrorId | Should -Be 'InvalidAccessCheck,IamOnboard.Commands.TestOnboardAccessCommand'
            $failure.Exception.Message | Should -BeLike "*'$pattern' is a pattern*name each action*"
        }

        $results = Test-OnboardAccess -UserName $name -Action iam:ListUsers, iam:ListGroups -WithMfa -Expect @{ 'iam:List*' = 'Allowed' }
        $results.Action | Should -Be @('iam:ListUsers', 'iam:ListGroups')
        $results.AsExpected | Should -Be @($true, $true)
    }

    It 'refuses an -Expect pattern that matches none of the actions tested, naming it' {
        # A script with -ErrorAction Stop would otherwise pass having checked nothing.
        $failure = $null
        try { Test-OnboardAccess -UserName $name -Action iam:GetUser -Expect @{ 'iam:Delete*' = 'Allowed'; 'iam:Get*' = 'Allowed' } -ErrorAction Stop } catch { $failure = $_ }
        $failure.FullyQualifiedErrorId | Should -Be 'InvalidAccessCheck,IamOnboard.Commands.TestOnboardAccessCommand'
        $failure.Exception.Message | Should -BeLike "Expect: 'iam:Delete*' matches none of the actions tested (iam:GetUser), so it would check nothing;*"
    }

    It 'refuses -Context <Key> = <Value>, which is not of the key''s type, naming both' -TestCases @(
        @{ Key = 'aws:SourceIp'; Value = '203.0.113.700'; Expected = 'an IP address' }
        @{ Key = 'aws:SourceIp'; Value = 'office'; Expected = 'an IP address' }
        @{ Key = 'aws:SourceIp'; Value = '10.1'; Expected = 'an IP address' }
        @{ Key = 'aws:CurrentTime'; Value = 'tomorrow'; Expected = 'an ISO 8601 date' }
        @{ Key = 'aws:CurrentTime'; Value = '01/06/2026'; Expected = 'an ISO 8601 date' }
        @{ Key = 'aws:TokenIssueTime'; Value = '2026-13-01T00:00:00Z'; Expected = 'an ISO 8601 date' }
        @{ Key = 'aws:EpochTime'; Value = 'soon'; Expected = 'a number' }
        @{ Key = 'aws:MultiFactorAuthAge'; Value = '5 minutes'; Expected = 'a number' }
        @{ Key = 'aws:SecureTransport'; Value = 'yes'; Expected = 'true or false' }
    ) {
        # The simulator would take such a value and merely find the condition false.
        $failure = $null
        try { Test-OnboardAccess -UserName $name -Action iam:GetUser -Context @{ $Key = $Value } -ErrorAction Stop } catch { $failure = $_ }
        $failure.FullyQualifiedErrorId | Should -Be 'InvalidAccessCheck,IamOnboard.Commands.TestOnboardAccessCommand'
        $failure.Exception.Message | Should -BeLike "*$Key = '$Value' is not $Expected*"
    }

    It 'takes -Context values of the key''s type: ISO 8601 dates, IP addresses, numbers, booleans' {
        $context = @{ 'aws:SourceIp' = '203.0.113.7'; 'aws:CurrentTime' = '2026-06-01'; 'aws:EpochTime' = 1780000000; 'aws:SecureTransport' = $true; 'aws:TokenIssueTime' = [datetime]'2026-06-01T08:00:00Z' }
        (Test-OnboardAccess -UserName $name -Action iam:ListUsers -WithMfa -Context $context).Decision | Should -Be 'Allowed'
    }

    It 'refuses an expectation that is neither Allowed nor Denied, naming it' {
        { Test-OnboardAccess -UserName $name -Expect @{ 'iam:ListUsers' = 'Maybe' } -ErrorAction Stop } |
            Should -Throw -ExpectedMessage "*'iam:ListUsers' = 'Maybe'*"
    }
}

Describe 'Access: New-OnboardUser -RequireMfa' {
    It 'attaches the account''s RequireMfa policy from the parameter and from a CSV column, then denies without MFA' {
        $name = New-TestName 'mfauser'
        $created = New-OnboardUser -UserName $name -RequireMfa
        $created.Policies | Should -Contain "arn:aws:iam::$($script:endpoint.AccountId):policy/IamOnboard-RequireMfa"
        $fromCsv = New-TestName 'mfacsv'
        $row = [pscustomobject]@{ 'User name' = $fromCsv; 'Require MFA' = 'yes' } | New-OnboardUser
        $row.Policies | Should -Contain "arn:aws:iam::$($script:endpoint.AccountId):policy/IamOnboard-RequireMfa"
        $denied = Test-OnboardAccess -UserName $fromCsv -Action iam:ListUsers -WithoutMfa
        $denied.Decision | Should -Not -Be 'allowed'
    }

    It 'lets a starter on a path set up their own MFA device and change their password' {
        # Their ARN is user/eng/<name>: the policy must name user/*/${aws:username} as well as user/${aws:username}.
        $name = New-TestName 'pathmfa'
        $created = New-OnboardUser -UserName $name -Path /eng/ -RequireMfa -ConsoleAccess -ProgrammaticAccess
        $created.Arn | Should -BeLike "*:user/eng/$name"
        $user = [pscustomobject]@{ AccessKeyId = $created.AccessKeyId; Secret = ConvertTo-PlainText $created.SecretAccessKey }
        $seedFile = Join-Path $TestDrive "$name.seed"
        $device = AsUser $user @('iam', 'create-virtual-mfa-device', '--virtual-mfa-device-name', $name, '--outfile', $seedFile, '--bootstrap-method', 'Base32StringSeed')
        $device.ExitCode | Should -Be 0 -Because $device.StdErr
        $seed = (Get-Content -Raw $seedFile).Trim()
        $now = [DateTimeOffset]::UtcNow
        $enabled = AsUser $user @('iam', 'enable-mfa-device', '--user-name', $name, '--serial-number', $device.Json.VirtualMFADevice.SerialNumber,
            '--authentication-code1', (Get-TestTotpCode -Base32Seed $seed -At $now.AddSeconds(-30)), '--authentication-code2', (Get-TestTotpCode -Base32Seed $seed -At $now))
        $enabled.ExitCode | Should -Be 0 -Because $enabled.StdErr
        $changed = AsUser $user @('iam', 'change-password', '--old-password', (ConvertTo-PlainText $created.Password), '--new-password', 'Path-Starter-Chose-9!')
        $changed.ExitCode | Should -Be 0 -Because $changed.StdErr
    }

    It 'brings an account''s IamOnboard-RequireMfa made by an older module up to date, as a new default version' {
        # The policy is made once per account: without an update, a better document never reaches an account that has it.
        $old = Start-OnboardLocalIam
        try {
            $withoutPathUsers = '{"Version":"2012-10-17","Statement":[{"Sid":"ManageOwnPassword","Effect":"Allow","Action":["iam:ChangePassword","iam:GetUser"],"Resource":"arn:aws:iam::*:user/${aws:username}"},' +
                '{"Sid":"DenyEverythingElseWithoutMfa","Effect":"Deny","NotAction":["iam:ChangePassword","iam:GetUser"],"Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}]}'
            (Invoke-AwsCli -Endpoint $old -Arguments @('iam', 'create-policy', '--policy-name', 'IamOnboard-RequireMfa', '--policy-document', $withoutPathUsers)).ExitCode | Should -Be 0
            $account = @{ EndpointUrl = $old.Url; AccessKey = $old.AccessKeyId; SecretKey = $old.SecretAccessKey }
            $name = New-TestName 'oldacct'
            $created = New-OnboardUser -UserName $name -Path /eng/ -RequireMfa -ConsoleAccess -ProgrammaticAccess @account
            $policyArn = "arn:aws:iam::$($old.AccountId):policy/IamOnboard-RequireMfa"
            (Invoke-AwsCli -Endpoint $old -Arguments @('iam', 'get-policy', '--policy-arn', $policyArn)).Json.Policy.DefaultVersionId | Should -Be 'v2'
            $changed = Invoke-AwsCli -Endpoint $old -AccessKeyId $created.AccessKeyId -SecretAccessKey (ConvertTo-PlainText $created.SecretAccessKey) -Arguments @(
                'iam', 'change-password', '--old-password', (ConvertTo-PlainText $created.Password), '--new-password', 'Old-Account-Starter-9!')
            $changed.ExitCode | Should -Be 0 -Because $changed.StdErr
        }
        finally {
            $old | Stop-OnboardLocalIam -Confirm:$false
        }
    }
}
