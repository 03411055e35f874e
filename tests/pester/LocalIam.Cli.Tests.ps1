# The local IAM endpoint driven by the official AWS CLI v2: proof that it speaks real IAM and STS.
# A missing CLI v2 fails these tests (Get-AwsCliV2 throws); it never skips them.
BeforeAll {
    Import-Module $env:IAMONBOARD_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $null = Get-AwsCliV2
    $script:workDir = Join-Path ([System.IO.Path]::GetTempPath()) ("localiam-cli-" + [guid]::NewGuid().ToString('N'))
    $null = New-Item -ItemType Directory -Path $script:workDir
    $script:endpoint = Start-OnboardLocalIam
    function script:Aws([string[]] $Arguments) { Invoke-AwsCli -Endpoint $script:endpoint -Arguments $Arguments }
    # Commands whose arguments do not depend on each other's output run in one CLI process, in order: each process
    # start costs seconds on a busy machine. Every result is checked as if each had been run alone.
    function script:AwsBatch([object[]] $Commands) { @(Invoke-AwsCliBatch -Endpoint $script:endpoint -Commands $Commands) }
    function script:Get-ConsecutiveCodes([string] $Base32) {
        $now = [DateTimeOffset]::UtcNow
        @((Get-TestTotpCode -Base32Seed $Base32 -At $now.AddSeconds(-30)), (Get-TestTotpCode -Base32Seed $Base32 -At $now))
    }
}

AfterAll {
    $script:endpoint | Stop-OnboardLocalIam -Confirm:$false
    Remove-Item -Recurse -Force $script:workDir -ErrorAction SilentlyContinue
}

Describe 'Start-OnboardLocalIam with the AWS CLI v2' {
    It 'returns a loopback endpoint with the admin and root keys' {
        $endpoint.Url | Should -Match '^http://127\.0\.0\.1:\d+/$'
        $endpoint.AccountId | Should -Match '^\d{12}$'
        $endpoint.AccessKeyId | Should -Match '^AKIA[A-Z0-9]{16}$'
        $endpoint.SecretAccessKey | Should -BeOfType [securestring]
        Get-OnboardLocalIam | Where-Object Url -eq $endpoint.Url | Should -Not -BeNullOrEmpty
    }

    It 'identifies the admin and root keys through sts get-caller-identity' {
        (Aws @('sts', 'get-caller-identity')).Json.Arn | Should -Be "arn:aws:iam::$($endpoint.AccountId):user/onboard-admin"
        $root = Invoke-AwsCli -Endpoint $endpoint -AccessKeyId $endpoint.RootAccessKeyId -SecretAccessKey (ConvertTo-PlainText $endpoint.RootSecretAccessKey) -Arguments @('sts', 'get-caller-identity')
        $root.Json.Arn | Should -Be "arn:aws:iam::$($endpoint.AccountId):root"
    }

    It 'keeps state in an owner-only file and stops' {
        $path = Join-Path $workDir 'state.json'
        $persistent = Start-OnboardLocalIam -StatePath $path
        try {
            (Invoke-AwsCli -Endpoint $persistent -Arguments @('iam', 'create-user', '--user-name', 'kept')).ExitCode | Should -Be 0
            if (-not $IsWindows) { (Get-Item $path).UnixFileMode | Should -Be ([System.IO.UnixFileMode]'UserRead, UserWrite') }
        }
        finally { $persistent | Stop-OnboardLocalIam -Confirm:$false }
        Get-OnboardLocalIam | Where-Object Url -eq $persistent.Url | Should -BeNullOrEmpty
        $again = Start-OnboardLocalIam -StatePath $path
        try { (Invoke-AwsCli -Endpoint $again -Arguments @('iam', 'get-user', '--user-name', 'kept')).ExitCode | Should -Be 0 }
        finally { $again | Stop-OnboardLocalIam -Confirm:$false }
    }
}

Describe 'IAM through the AWS CLI v2' {
    It 'creates a user, a login profile, an access key and a group membership' {
        $user, $loginProfile, $readProfile, $createdKey, $keys, $group, $added, $members, $memberships, $staff = AwsBatch @(
            , @('iam', 'create-user', '--user-name', 'alice', '--path', '/staff/', '--tags', 'Key=team,Value=data')
            , @('iam', 'create-login-profile', '--user-name', 'alice', '--password', 'Correct-Horse-9', '--password-reset-required')
            , @('iam', 'get-login-profile', '--user-name', 'alice')
            , @('iam', 'create-access-key', '--user-name', 'alice')
            , @('iam', 'list-access-keys', '--user-name', 'alice')
            , @('iam', 'create-group', '--group-name', 'analysts')
            , @('iam', 'add-user-to-group', '--user-name', 'alice', '--group-name', 'analysts')
            , @('iam', 'get-group', '--group-name', 'analysts')
            , @('iam', 'list-groups-for-user', '--user-name', 'alice')
            , @('iam', 'list-users', '--path-prefix', '/staff/'))
        $user.ExitCode | Should -Be 0
        $user.Json.User.Arn | Should -Be "arn:aws:iam::$($endpoint.AccountId):user/staff/alice"
        $user.Json.User.UserId | Should -Match '^AIDA[A-Z0-9]{17}$'

        $loginProfile.Json.LoginProfile.PasswordResetRequired | Should -BeTrue
        $readProfile.Json.LoginProfile.UserName | Should -Be 'alice'

        $key = $createdKey.Json.AccessKey
        $key.AccessKeyId | Should -Match '^AKIA[A-Z0-9]{16}$'
        $key.SecretAccessKey.Length | Should -Be 40
        $keys.Json.AccessKeyMetadata.AccessKeyId | Should -Be $key.AccessKeyId

        $asAlice = Invoke-AwsCli -Endpoint $endpoint -AccessKeyId $key.AccessKeyId -SecretAccessKey $key.SecretAccessKey -Arguments @('sts', 'get-caller-identity')
        $asAlice.ExitCode | Should -Be 0
        $asAlice.Json.Arn | Should -Be "arn:aws:iam::$($endpoint.AccountId):user/staff/alice"

        $group.Json.Group.GroupId | Should -Match '^AGPA'
        $added.ExitCode | Should -Be 0
        $members.Json.Users.UserName | Should -Be 'alice'
        $memberships.Json.Groups.GroupName | Should -Be 'analysts'
        $staff.Json.Users.UserName | Should -Be 'alice'
    }

    It 'puts an inline policy and attaches a managed one' {
        $document = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}'
        # Its own user, so that the test runs alone as well as in the suite.
        $created, $put, $read, $attach, $attached, $policy = AwsBatch @(
            , @('iam', 'create-user', '--user-name', 'ines')
            , @('iam', 'put-user-policy', '--user-name', 'ines', '--policy-name', 'read-objects', '--policy-document', $document)
            , @('iam', 'get-user-policy', '--user-name', 'ines', '--policy-name', 'read-objects')
            , @('iam', 'attach-user-policy', '--user-name', 'ines', '--policy-arn', 'arn:aws:iam::aws:policy/job-function/ViewOnlyAccess')
            , @('iam', 'list-attached-user-policies', '--user-name', 'ines')
            , @('iam', 'get-policy', '--policy-arn', 'arn:aws:iam::aws:policy/job-function/ViewOnlyAccess'))
        $created.ExitCode | Should -Be 0
        $put.ExitCode | Should -Be 0
        # The CLI decodes IAM's URL-encoded document back into JSON.
        $read.Json.PolicyDocument.Statement[0].Action | Should -Be 's3:GetObject'
        $attach.ExitCode | Should -Be 0
        $attached.Json.AttachedPolicies.PolicyName | Should -Be 'ViewOnlyAccess'
        $policy.Json.Policy.AttachmentCount | Should -Be 1
    }

    It 'creates a virtual MFA device whose QR code is a PNG and enables another with TOTP codes from its seed' {
        # Its own user, so that the test runs alone as well as in the suite.
        (Aws @('iam', 'create-user', '--user-name', 'dana')).ExitCode | Should -Be 0
        $png = Join-Path $workDir 'dana.png'
        $qr = Aws @('iam', 'create-virtual-mfa-device', '--virtual-mfa-device-name', 'dana-qr', '--outfile', $png, '--bootstrap-method', 'QRCodePNG')
        $qr.ExitCode | Should -Be 0
        $bytes = [System.IO.File]::ReadAllBytes($png)
        $bytes[0..7] | Should -Be @(0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A)

        $seedFile = Join-Path $workDir 'dana.seed'
        $device = Aws @('iam', 'create-virtual-mfa-device', '--virtual-mfa-device-name', 'dana-phone', '--outfile', $seedFile, '--bootstrap-method', 'Base32StringSeed')
        $serial = $device.Json.VirtualMFADevice.SerialNumber
        $serial | Should -Be "arn:aws:iam::$($endpoint.AccountId):mfa/dana-phone"
        $seed = (Get-Content -Raw $seedFile).Trim()
        $seed | Should -Match '^[A-Z2-7]{64}$'

        $wrong = Aws @('iam', 'enable-mfa-device', '--user-name', 'dana', '--serial-number', $serial, '--authentication-code1', '123456', '--authentication-code2', '654321')
        $wrong.ExitCode | Should -Not -Be 0
        $wrong.StdErr | Should -Match 'InvalidAuthenticationCode'

        $codes = Get-ConsecutiveCodes $seed
        (Aws @('iam', 'enable-mfa-device', '--user-name', 'dana', '--serial-number', $serial, '--authentication-code1', $codes[0], '--authentication-code2', $codes[1])).ExitCode | Should -Be 0
        (Aws @('iam', 'list-mfa-devices', '--user-name', 'dana')).Json.MFADevices.SerialNumber | Should -Be $serial
        (Aws @('iam', 'list-virtual-mfa-devices', '--assignment-status', 'Unassigned')).Json.VirtualMFADevices.SerialNumber | Should -Be "arn:aws:iam::$($endpoint.AccountId):mfa/dana-qr"
    }

    It 'reports the account summary and password policy' {
        $users, $assigned, $summary, $missing, $update, $policy, $delete = AwsBatch @(
            , @('iam', 'list-users')
            , @('iam', 'list-virtual-mfa-devices', '--assignment-status', 'Assigned')
            , @('iam', 'get-account-summary')
            , @('iam', 'get-account-password-policy')
            , @('iam', 'update-account-password-policy', '--minimum-password-length', '12', '--require-symbols')
            , @('iam', 'get-account-password-policy')
            , @('iam', 'delete-account-password-policy'))
        $summary = $summary.Json.SummaryMap
        # Counted from what the account holds, whatever the tests before this one made.
        $summary.Users | Should -Be @($users.Json.Users).Count
        $summary.UsersQuota | Should -Be 5000
        $summary.MFADevicesInUse | Should -Be @($assigned.Json.VirtualMFADevices).Count
        $missing.StdErr | Should -Match 'NoSuchEntity'
        $update.ExitCode | Should -Be 0
        $policy.Json.PasswordPolicy.MinimumPasswordLength | Should -Be 12
        $delete.ExitCode | Should -Be 0
    }
}

Describe 'IAM errors through the AWS CLI v2' {
    BeforeAll {
        # A user of this Describe's own, with a login profile, so that each test also runs alone.
        $made, $loginProfile = AwsBatch @(
            , @('iam', 'create-user', '--user-name', 'erin')
            , @('iam', 'create-login-profile', '--user-name', 'erin', '--password', 'Correct-Horse-9'))
        $made.ExitCode | Should -Be 0
        $loginProfile.ExitCode | Should -Be 0
    }

    It 'refuses a duplicate user name whatever its case with EntityAlreadyExists' {
        $duplicate = Aws @('iam', 'create-user', '--user-name', 'ERIN')
        $duplicate.ExitCode | Should -Not -Be 0
        $duplicate.StdErr | Should -Match 'EntityAlreadyExists'
    }

    It 'refuses a policy without Resource with MalformedPolicyDocument' {
        $bad = Aws @('iam', 'put-user-policy', '--user-name', 'erin', '--policy-name', 'bad', '--policy-document', '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*"}]}')
        $bad.StdErr | Should -Match 'MalformedPolicyDocument'
    }

    It 'refuses a weak password with PasswordPolicyViolation and does not echo it' {
        $created, $weak = AwsBatch @(@('iam', 'create-user', '--user-name', 'bob'), @('iam', 'create-login-profile', '--user-name', 'bob', '--password', 'weakling'))
        $created.ExitCode | Should -Be 0
        $weak.StdErr | Should -Match 'PasswordPolicyViolation'
        $weak.StdErr | Should -Not -Match 'weakling'
    }

    It 'refuses a wrong secret with SignatureDoesNotMatch and an unknown key with InvalidClientTokenId' {
        $wrongSecret = Invoke-AwsCli -Endpoint $endpoint -AccessKeyId $endpoint.AccessKeyId -SecretAccessKey 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' -Arguments @('iam', 'list-users')
        $wrongSecret.StdErr | Should -Match 'SignatureDoesNotMatch'
        $unknown = Invoke-AwsCli -Endpoint $endpoint -AccessKeyId 'AKIAAAAAAAAAAAAAAAAA' -SecretAccessKey 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' -Arguments @('sts', 'get-caller-identity')
        $unknown.StdErr | Should -Match 'InvalidClientTokenId'
    }

    It 'refuses to delete a user who still has a login profile with DeleteConflict' {
        (Aws @('iam', 'delete-user', '--user-name', 'erin')).StdErr | Should -Match 'DeleteConflict'
    }

    It 'assumes the seeded role and identifies as the assumed role' {
        $assumed = (Aws @('sts', 'assume-role', '--role-arn', "arn:aws:iam::$($endpoint.AccountId):role/OrganizationAccountAccessRole", '--role-session-name', 'cli')).Json
        $assumed.Credentials.AccessKeyId | Should -Match '^ASIA'
        $identity = Invoke-AwsCli -Endpoint $endpoint -AccessKeyId $assumed.Credentials.AccessKeyId -SecretAccessKey $assumed.Credentials.SecretAccessKey -SessionToken $assumed.Credentials.SessionToken -Arguments @('sts', 'get-caller-identity')
        $identity.Json.Arn | Should -Be "arn:aws:sts::$($endpoint.AccountId):assumed-role/OrganizationAccountAccessRole/cli"
    }
}

Describe 'STS takes an MFA code once, through the AWS CLI v2' {
    BeforeAll {
        # A user of this Describe's own (keys, sts:AssumeRole) with a device of its own, and two roles that ask for MFA.
        $trust = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::' + $endpoint.AccountId +
            ':root"},"Action":"sts:AssumeRole","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}'
        $seedFile = Join-Path $workDir 'fay.seed'
        $made = AwsBatch @(
            , @('iam', 'create-user', '--user-name', 'fay')
            , @('iam', 'put-user-policy', '--user-name', 'fay', '--policy-name', 'assume-roles', '--policy-document', '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}')
            , @('iam', 'create-access-key', '--user-name', 'fay')
            , @('iam', 'create-virtual-mfa-device', '--virtual-mfa-device-name', 'fay-phone', '--outfile', $seedFile, '--bootstrap-method', 'Base32StringSeed')
            , @('iam', 'create-role', '--role-name', 'deploy-mfa', '--assume-role-policy-document', $trust)
            , @('iam', 'create-role', '--role-name', 'audit-mfa', '--assume-role-policy-document', $trust))
        $made | ForEach-Object { $_.StdErr | Should -BeNullOrEmpty; $_.ExitCode | Should -Be 0 }
        $script:fayKey = $made[2].Json.AccessKey
        $script:faySerial = $made[3].Json.VirtualMFADevice.SerialNumber
        $seed = (Get-Content -Raw $seedFile).Trim()
        $script:enabledStep = Get-TestTotpStep
        $script:enableCode = Get-TestTotpCode -Base32Seed $seed -At ([DateTimeOffset]::FromUnixTimeSeconds($enabledStep * 30))
        (Aws @('iam', 'enable-mfa-device', '--user-name', 'fay', '--serial-number', $faySerial,
            '--authentication-code1', (Get-TestTotpCode -Base32Seed $seed -At ([DateTimeOffset]::FromUnixTimeSeconds(($enabledStep - 1) * 30))),
            '--authentication-code2', $enableCode)).ExitCode | Should -Be 0
        $script:fayCodes = New-TestMfaCodeSource -Endpoint $endpoint -Base32Seed $seed -LastStep $enabledStep
        function script:AsFay([object[]] $Commands) {
            @(Invoke-AwsCliBatch -Endpoint $script:endpoint -Commands $Commands -AccessKeyId $script:fayKey.AccessKeyId -SecretAccessKey $script:fayKey.SecretAccessKey)
        }

        function script:AssumeWithCode([string] $Role, [string] $Code) {
            , @('sts', 'assume-role', '--role-arn', "arn:aws:iam::$($endpoint.AccountId):role/$Role", '--role-session-name', 'fay',
                '--serial-number', $script:faySerial, '--token-code', $Code)
        }

        # STS's words, after the CLI's "(reached max retries: 0)".
        $script:refused = 'An error occurred \(AccessDenied\) when calling the {0} operation( \(reached max retries: \d+\))?: MultiFactorAuthentication failed with invalid MFA one time pass code\.'
    }

    AfterAll {
        $endpoint.ShiftClock([TimeSpan]::Zero)
    }

    It 'refuses to get-session-token the code enable-mfa-device took, takes the next code once, and refuses it the second time' {
        $next = Get-UnusedTestTotpCode $fayCodes
        $spent, $fresh, $again = AsFay @(
            , @('sts', 'get-session-token', '--serial-number', $faySerial, '--token-code', $enableCode)
            , @('sts', 'get-session-token', '--serial-number', $faySerial, '--token-code', $next)
            , @('sts', 'get-session-token', '--serial-number', $faySerial, '--token-code', $next))

        $spent.ExitCode | Should -Not -Be 0
        $spent.StdErr | Should -Match ($refused -f 'GetSessionToken')
        $fresh.StdErr | Should -BeNullOrEmpty
        $fresh.Json.Credentials.AccessKeyId | Should -Match '^ASIA'
        $again.ExitCode | Should -Not -Be 0
        $again.StdErr | Should -Match ($refused -f 'GetSessionToken')
    }

    It 'refuses a second role assumed with the same code, as STS does (aws-cli#2279), and takes the next code for it' {
        $code = Get-UnusedTestTotpCode $fayCodes
        $first, $second = AsFay @((AssumeWithCode 'deploy-mfa' $code), (AssumeWithCode 'audit-mfa' $code))
        $first.StdErr | Should -BeNullOrEmpty
        $first.Json.AssumedRoleUser.Arn | Should -Be "arn:aws:sts::$($endpoint.AccountId):assumed-role/deploy-mfa/fay"
        $second.ExitCode | Should -Not -Be 0
        $second.StdErr | Should -Match ($refused -f 'AssumeRole')

        $next = Get-UnusedTestTotpCode $fayCodes
        $retried = AsFay @(AssumeWithCode 'audit-mfa' $next)
        $retried.StdErr | Should -BeNullOrEmpty
        $retried.Json.AssumedRoleUser.Arn | Should -Be "arn:aws:sts::$($endpoint.AccountId):assumed-role/audit-mfa/fay"
    }
}
