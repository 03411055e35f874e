# New-OnboardUser, Remove-OnboardUser and Export-OnboardCredential against the local endpoint,
# each verified by reading the state back through the AWS CLI v2.
BeforeAll {
    Import-Module $env:IAMONBOARD_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:endpoint = Start-OnboardLocalIam
    $script:session = Connect-TestEndpoint -Endpoint $endpoint
    function script:Aws([string[]] $Arguments) { Invoke-AwsCli -Endpoint $script:endpoint -Arguments $Arguments }
}

AfterAll {
    Disconnect-Onboard
    $script:endpoint | Stop-OnboardLocalIam -Confirm:$false
}

Describe 'New-OnboardUser' {
    It 'creates a user with its path and tags' {
        $name = New-TestName
        $user = New-OnboardUser -UserName $name -Path '/engineering/' -Tag @{ team = 'platform'; 'cost-center' = '1001' }
        $user.Status | Should -Be 'Created'
        $user.Arn | Should -Be "arn:aws:iam::$($endpoint.AccountId):user/engineering/$name"

        $read = Aws @('iam', 'get-user', '--user-name', $name)
        $read.ExitCode | Should -Be 0
        $read.Json.User.Path | Should -Be '/engineering/'
        $tags = (Aws @('iam', 'list-user-tags', '--user-name', $name)).Json.Tags
        ($tags | Where-Object Key -eq 'team').Value | Should -Be 'platform'
        ($tags | Where-Object Key -eq 'cost-center').Value | Should -Be '1001'
    }

    It 'gives console access with a generated password, reset at first sign-in, and lets the user change it' {
        $name = New-TestName
        $user = New-OnboardUser -UserName $name -ConsoleAccess -PasswordResetRequired
        $user.Password | Should -BeOfType [securestring]
        $plain = ConvertTo-PlainText $user.Password
        $plain.Length | Should -BeGreaterOrEqual 8
        $user.ConsoleSignInUrl | Should -Be "https://$($endpoint.AccountId).signin.aws.amazon.com/console"

        (Aws @('iam', 'get-login-profile', '--user-name', $name)).Json.LoginProfile.PasswordResetRequired | Should -BeTrue
        $attached = (Aws @('iam', 'list-attached-user-policies', '--user-name', $name)).Json.AttachedPolicies
        $attached.PolicyArn | Should -Contain 'arn:aws:iam::aws:policy/IAMUserChangePassword'
    }

    It 'attaches IAMUserChangePassword to a user on a path too, as the console does, and the starter can do the reset' {
        # As the starter at first sign-in: ChangePassword signed with the starter's own key, checked by the endpoint's
        # evaluation of the policies. IAMUserChangePassword v3 (May 2025) allows user/${aws:username} and
        # user/*/${aws:username}, so user/engineering/NAME needs no policy of its own.
        $name = New-TestName
        $user = New-OnboardUser -UserName $name -Path '/engineering/' -ConsoleAccess -PasswordResetRequired -ProgrammaticAccess
        $attached = (Aws @('iam', 'list-attached-user-policies', '--user-name', $name)).Json.AttachedPolicies
        $attached.PolicyArn | Should -Be 'arn:aws:iam::aws:policy/IAMUserChangePassword'
        (Aws @('iam', 'list-user-policies', '--user-name', $name)).Json.PolicyNames | Should -BeNullOrEmpty
        $change = Invoke-AwsCli -Endpoint $endpoint -AccessKeyId $user.AccessKeyId -SecretAccessKey (ConvertTo-PlainText $user.SecretAccessKey) `
            -Arguments @('iam', 'change-password', '--old-password', (ConvertTo-PlainText $user.Password), '--new-password', 'Starter-Own-Passw0rd!')
        $change.ExitCode | Should -Be 0 -Because $change.StdErr
        (Aws @('iam', 'get-login-profile', '--user-name', $name)).Json.LoginProfile.PasswordResetRequired | Should -BeFalse
        # Another user on that path is not this one: the grant is the user's own password only.
        $other = New-OnboardUser -UserName (New-TestName) -Path '/engineering/'
        (Test-OnboardAccess -UserName $name -Action iam:ChangePassword -Resource $other.Arn).Decision | Should -Not -Be 'Allowed'
        # A re-run finds the policy in place and changes nothing.
        (New-OnboardUser -UserName $name -Path '/engineering/' -ConsoleAccess -PasswordResetRequired -WarningAction SilentlyContinue).Status | Should -Be 'Unchanged'
    }

    It 'refuses the reset of a starter given no permission to change the password, as IAM does, so the attachment above is what counts' {
        # Made with the AWS CLI alone: a login profile that must be reset, a key, and no policy. A password reset
        # required at sign-in grants nothing by itself; only the account policy's AllowUsersToChangePassword would.
        $name = New-TestName
        $null = Aws @('iam', 'create-user', '--user-name', $name)
        $null = Aws @('iam', 'create-login-profile', '--user-name', $name, '--password', 'First-Passw0rd!', '--password-reset-required')
        $key = (Aws @('iam', 'create-access-key', '--user-name', $name)).Json.AccessKey
        $changeArgs = @('iam', 'change-password', '--old-password', 'First-Passw0rd!', '--new-password', 'Starter-Own-Passw0rd!')
        $refused = Invoke-AwsCli -Endpoint $endpoint -AccessKeyId $key.AccessKeyId -SecretAccessKey $key.SecretAccessKey -Arguments $changeArgs
        $refused.ExitCode | Should -Not -Be 0
        $refused.StdErr | Should -Match 'AccessDenied.*iam:ChangePassword'

        $null = Aws @('iam', 'attach-user-policy', '--user-name', $name, '--policy-arn', 'arn:aws:iam::aws:policy/IAMUserChangePassword')
        $allowed = Invoke-AwsCli -Endpoint $endpoint -AccessKeyId $key.AccessKeyId -SecretAccessKey $key.SecretAccessKey -Arguments $changeArgs
        $allowed.ExitCode | Should -Be 0 -Because $allowed.StdErr
    }

    It 'sets on a re-run the permissions boundary an existing user lacks, and warns instead of replacing another' {
        # Adding a boundary column to the file and running it again is how a guardrail reaches people already onboarded.
        $name = New-TestName
        $null = New-OnboardUser -UserName $name -Tag @{ team = 'data' }
        $boundary = 'arn:aws:iam::aws:policy/PowerUserAccess'
        $user = New-OnboardUser -UserName $name -PermissionsBoundary $boundary -Tag @{ owner = 'ana.lima' }
        $user.Status | Should -Be 'Completed'
        $user.PermissionsBoundary | Should -Be $boundary
        $user.Tags['owner'] | Should -Be 'ana.lima' -Because 'the result shows the user as IAM now has it'
        $user.Tags['team'] | Should -Be 'data'
        (Aws @('iam', 'get-user', '--user-name', $name)).Json.User.PermissionsBoundary.PermissionsBoundaryArn | Should -Be $boundary

        $other = 'arn:aws:iam::aws:policy/ReadOnlyAccess'
        $again = New-OnboardUser -UserName $name -PermissionsBoundary $other -WarningVariable warnings -WarningAction SilentlyContinue
        $again.Status | Should -Be 'Unchanged'
        ($warnings -join "`n") | Should -Match ([regex]::Escape("permissions boundary is $boundary, not $other; left unchanged"))
        $again.Notes -join "`n" | Should -Match 'left unchanged'
        (Aws @('iam', 'get-user', '--user-name', $name)).Json.User.PermissionsBoundary.PermissionsBoundaryArn | Should -Be $boundary
    }

    It 'warns on a re-run that asks for another path, which it leaves as it is' {
        $name = New-TestName
        $null = New-OnboardUser -UserName $name -Path /contractors/
        $again = New-OnboardUser -UserName $name -Path /engineering/ -WarningVariable warnings -WarningAction SilentlyContinue
        $again.Status | Should -Be 'Unchanged'
        ($warnings -join "`n") | Should -Match ([regex]::Escape("IAM user '$name': path is /contractors/, not /engineering/; left unchanged"))
        (Aws @('iam', 'get-user', '--user-name', $name)).Json.User.Path | Should -Be '/contractors/'
    }

    It 'adds on a re-run only the tags whose key is missing, and warns of one IAM has with another value, which it leaves' {
        # Keys compared without regard to case, as IAM does (it refuses Team beside team on one user).
        $name = New-TestName
        $monday = Join-Path $TestDrive 'monday.csv'
        $tuesday = Join-Path $TestDrive 'tuesday.csv'
        Set-Content $monday "User name,Tag`n$name,team=platform;cost-center=1001"
        Set-Content $tuesday "User name,Tag,ConsoleAccess`n$name,Team=data;cost-center=1001;owner=ana.lima,yes"
        $null = Import-OnboardCsv $monday | New-OnboardUser
        $left = "IAM user '$name': tag team is platform, not data; left unchanged"

        # -WhatIf messages go to the host: a transcript catches them.
        $transcript = Join-Path $TestDrive 'tags-plan.txt'
        $null = Start-Transcript -Path $transcript
        try { Import-OnboardCsv $tuesday | New-OnboardUser -WhatIf -WarningVariable planWarnings -WarningAction SilentlyContinue } finally { $null = Stop-Transcript }
        $plan = Get-Content $transcript -Raw
        $plan | Should -Match 'tag owner=ana\.lima\b'
        $plan | Should -Not -Match 'team=data'
        ($planWarnings -join "`n") | Should -Match ('row 1\b.*' + [regex]::Escape($left))

        $user = Import-OnboardCsv $tuesday | New-OnboardUser -WarningVariable warnings -WarningAction SilentlyContinue
        $user.Status | Should -Be 'Completed'
        ($warnings -join "`n") | Should -Match ('row 1\b.*' + [regex]::Escape($left))
        ($warnings -join "`n") | Should -Match ([regex]::Escape("aws iam tag-user --user-name $name --tags 'Key=team,Value=data'"))
        $user.Notes -join "`n" | Should -Match 'tag team is platform, not data'
        $tags = (Aws @('iam', 'list-user-tags', '--user-name', $name)).Json.Tags
        ($tags | Sort-Object Key | ForEach-Object { "$($_.Key)=$($_.Value)" }) -join ';' | Should -Be 'cost-center=1001;owner=ana.lima;team=platform' -Because 'the hand-off mark of the new password was removed once the output was taken'
    }

    It 'sets a permissions boundary given by name, path/name or customer policy name, as -Policy takes them, from a CSV column too' {
        $customer = New-TestName 'boundary'
        $document = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}]}'
        $customerArn = (Aws @('iam', 'create-policy', '--policy-name', $customer, '--policy-document', $document)).Json.Policy.Arn
        $cases = [ordered]@{
            'IAMReadOnlyAccess'           = 'arn:aws:iam::aws:policy/IAMReadOnlyAccess'
            'job-function/ViewOnlyAccess' = 'arn:aws:iam::aws:policy/job-function/ViewOnlyAccess'
            $customer                     = $customerArn
        }
        $names = @{}
        foreach ($reference in $cases.Keys) {
            $names[$reference] = New-TestName
            $user = New-OnboardUser -UserName $names[$reference] -PermissionsBoundary $reference
            $user.PermissionsBoundary | Should -Be $cases[$reference]
        }

        $file = Join-Path $TestDrive 'boundary.csv'
        $fromCsv = New-TestName 'csvboundary'
        @('User name,Permissions boundary', "$fromCsv,job-function/ViewOnlyAccess") | Set-Content $file
        (Import-OnboardCsv $file | New-OnboardUser).PermissionsBoundary | Should -Be 'arn:aws:iam::aws:policy/job-function/ViewOnlyAccess'

        $users = @($cases.Keys | ForEach-Object { $names[$_] }) + $fromCsv
        $read = Invoke-AwsCliBatch -Endpoint $endpoint -Commands @($users | ForEach-Object { , @('iam', 'get-user', '--user-name', $_) })
        @($read | ForEach-Object { $_.Json.User.PermissionsBoundary.PermissionsBoundaryArn }) |
            Should -Be (@($cases.Values) + 'arn:aws:iam::aws:policy/job-function/ViewOnlyAccess')
    }

    It 'refuses an unknown permissions boundary name before creating the user' {
        $name = New-TestName
        New-OnboardUser -UserName $name -PermissionsBoundary 'NoSuchBoundaryAnywhere' -ErrorVariable failures -ErrorAction SilentlyContinue |
            Should -BeNullOrEmpty
        $failures[0].FullyQualifiedErrorId | Should -Be 'PolicyNotFound,IamOnboard.Commands.NewOnboardUserCommand'
        $failures[0].Exception.Message | Should -Match 'NoSuchBoundaryAnywhere'
        (Aws @('iam', 'get-user', '--user-name', $name)).StdErr | Should -Match 'NoSuchEntity'
    }

    It 'refuses a permissions boundary ARN that does not exist before creating the user, naming the row, field and ARN' {
        $good = New-TestName
        $bad = New-TestName
        $arn = "arn:aws:iam::$($endpoint.AccountId):policy/NoSuchBoundaryArn"
        $file = Join-Path $TestDrive 'boundary-arn.csv'
        @('User name,Permissions boundary', "$good,", "$bad,$arn") | Set-Content $file
        $made = Import-OnboardCsv $file | New-OnboardUser -ErrorVariable failures -ErrorAction SilentlyContinue
        @($made).UserName | Should -Be @($good)
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -Be 'PolicyNotFound,IamOnboard.Commands.NewOnboardUserCommand'
        "$($failures[0])" | Should -BeLike "row 2 (line 3 of boundary-arn.csv): PermissionsBoundary: *'$arn'*"
        (Aws @('iam', 'get-user', '--user-name', $bad)).StdErr | Should -Match 'NoSuchEntity'
    }

    It 'does not attach IAMUserChangePassword when the account policy lets users change their password' {
        $null = Aws @('iam', 'update-account-password-policy', '--minimum-password-length', '12', '--allow-users-to-change-password')
        try {
            $name = New-TestName
            $user = New-OnboardUser -UserName $name -ConsoleAccess -PasswordResetRequired
            (ConvertTo-PlainText $user.Password).Length | Should -BeGreaterOrEqual 12
            $attached = (Aws @('iam', 'list-attached-user-policies', '--user-name', $name)).Json.AttachedPolicies
            $attached.PolicyArn | Should -Not -Contain 'arn:aws:iam::aws:policy/IAMUserChangePassword'
        }
        finally {
            $null = Aws @('iam', 'delete-account-password-policy')
        }
    }

    It 'refuses a given password that breaks the policy before creating anything' {
        $name = New-TestName
        $weak = ConvertTo-SecureString 'short' -AsPlainText -Force
        New-OnboardUser -UserName $name -Password $weak -ErrorVariable failures -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $failures[0].FullyQualifiedErrorId | Should -Be 'PasswordPolicyViolation,IamOnboard.Commands.NewOnboardUserCommand'
        $failures[0].TargetObject | Should -Be $name
        $failures[0].Exception.Message | Should -Not -Match 'short'
        (Aws @('iam', 'get-user', '--user-name', $name)).StdErr | Should -Match 'NoSuchEntity'
    }

    It 'takes -Password as text, as AWS.Tools New-IAMLoginProfile does, and keeps it only as a SecureString' {
        # Before: "Cannot convert the value of type "System.String" to type "System.Security.SecureString"".
        $name = New-TestName
        $given = "Typed-$([guid]::NewGuid().ToString('N').Substring(0, 12))-9!"
        $user = New-OnboardUser -UserName $name -Password $given -PasswordResetRequired
        $user.Password | Should -BeOfType [securestring]
        ConvertTo-PlainText $user.Password | Should -BeExactly $given
        (Aws @('iam', 'get-login-profile', '--user-name', $name)).Json.LoginProfile.PasswordResetRequired | Should -BeTrue
        New-OnboardUser -UserName (New-TestName) -Password 'short' -ErrorVariable failures -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $failures[0].FullyQualifiedErrorId | Should -Be 'PasswordPolicyViolation,IamOnboard.Commands.NewOnboardUserCommand'
        $failures[0].Exception.Message | Should -Not -Match 'short'
    }

    It 'creates an access key that signs requests as the new user' {
        $name = New-TestName
        $user = New-OnboardUser -UserName $name -ProgrammaticAccess
        $user.AccessKeyId | Should -Match '^AKIA[A-Z0-9]{16}$'
        $user.SecretAccessKey | Should -BeOfType [securestring]
        (Aws @('iam', 'list-access-keys', '--user-name', $name)).Json.AccessKeyMetadata.AccessKeyId | Should -Be $user.AccessKeyId
        $identity = Invoke-AwsCli -Endpoint $endpoint -Arguments @('sts', 'get-caller-identity') -AccessKeyId $user.AccessKeyId -SecretAccessKey (ConvertTo-PlainText $user.SecretAccessKey)
        $identity.Json.Arn | Should -Be $user.Arn
    }

    It 'attaches managed policies given by name, path/name, customer policy name and ARN' {
        $customer = New-TestName 'policy'
        $document = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}]}'
        $created = Aws @('iam', 'create-policy', '--policy-name', $customer, '--policy-document', $document)
        $created.ExitCode | Should -Be 0
        $name = New-TestName
        $user = New-OnboardUser -UserName $name -Policy 'ReadOnlyAccess', 'job-function/ViewOnlyAccess', $customer, 'arn:aws:iam::aws:policy/SecurityAudit'
        $attached = (Aws @('iam', 'list-attached-user-policies', '--user-name', $name)).Json.AttachedPolicies.PolicyArn
        $attached | Should -Contain 'arn:aws:iam::aws:policy/ReadOnlyAccess'
        $attached | Should -Contain 'arn:aws:iam::aws:policy/job-function/ViewOnlyAccess'
        $attached | Should -Contain $created.Json.Policy.Arn
        $attached | Should -Contain 'arn:aws:iam::aws:policy/SecurityAudit'
        $user.Policies.Count | Should -Be 4
    }

    It 'attaches a policy given by ARN with iam:ListPolicies denied, as attach-user-policy does; a name still needs the list' {
        # An onboarding role without iam:ListPolicies (and, second, without iam:GetPolicy too). One CLI process per batch.
        $noListNoGet = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:*","sts:*"],"Resource":"*"},{"Effect":"Deny","Action":["iam:ListPolicies","iam:GetPolicy"],"Resource":"*"}]}'
        try {
            $restricted = New-RestrictedCaller -Endpoint $endpoint -Deny 'iam:ListPolicies'
            $onboarder = $restricted.UserName
            $limited = $restricted.Session
            $byArn = New-TestName
            (New-OnboardUser -UserName $byArn -Policy 'arn:aws:iam::aws:policy/ReadOnlyAccess' -Session $limited).Status | Should -Be 'Created'
            New-OnboardUser -UserName (New-TestName) -Policy 'arn:aws:iam::aws:policy/NoSuchPolicyXyz' -Session $limited -ErrorVariable unknown -ErrorAction SilentlyContinue
            $unknown[0].FullyQualifiedErrorId | Should -Be 'PolicyNotFound,IamOnboard.Commands.NewOnboardUserCommand'
            New-OnboardUser -UserName (New-TestName) -Policy 'ReadOnlyAccess' -Session $limited -ErrorVariable byName -ErrorAction SilentlyContinue
            $byName[0].FullyQualifiedErrorId | Should -Be 'AccessDenied,IamOnboard.Commands.NewOnboardUserCommand'
            $byName[0].Exception.Message | Should -Match 'iam:ListPolicies'
            $between = Invoke-AwsCliBatch -Endpoint $endpoint -Commands @(
                , @('iam', 'list-attached-user-policies', '--user-name', $byArn)
                , @('iam', 'put-user-policy', '--user-name', $onboarder, '--policy-name', 'Onboarding', '--policy-document', $noListNoGet))
            $between[0].Json.AttachedPolicies.PolicyArn | Should -Be 'arn:aws:iam::aws:policy/ReadOnlyAccess'
            $between[1].ExitCode | Should -Be 0

            # GetPolicy denied as well: the ARN goes to AttachUserPolicy, whose own error names a policy that is not there.
            $unchecked = New-TestName
            (New-OnboardUser -UserName $unchecked -Policy 'arn:aws:iam::aws:policy/SecurityAudit' -Session $limited).Status | Should -Be 'Created'
            $missing = New-TestName
            New-OnboardUser -UserName $missing -Policy 'arn:aws:iam::aws:policy/NoSuchPolicyXyz' -Session $limited -ErrorVariable attachFailed -ErrorAction SilentlyContinue
            $attachFailed[0].FullyQualifiedErrorId | Should -Be 'NoSuchEntity,IamOnboard.Commands.NewOnboardUserCommand'
            # IAM's sentence joined into the module's without a doubled period.
            $attachFailed[0].Exception.Message | Should -BeLike '*policy/NoSuchPolicyXyz does not exist or is not attachable. Everything this call had created was removed*'
            $after = Invoke-AwsCliBatch -Endpoint $endpoint -Commands @(
                , @('iam', 'list-attached-user-policies', '--user-name', $unchecked)
                , @('iam', 'get-user', '--user-name', $missing))
            $after[0].Json.AttachedPolicies.PolicyArn | Should -Be 'arn:aws:iam::aws:policy/SecurityAudit'
            $after[1].StdErr | Should -Match 'NoSuchEntity'
            # A boundary ARN unchecked the same way: CreateUser refuses it, and the error still names the field and ARN.
            $unbounded = New-TestName
            New-OnboardUser -UserName $unbounded -PermissionsBoundary 'arn:aws:iam::aws:policy/NoSuchBoundaryXyz' -Session $limited -ErrorVariable boundaryFailed -ErrorAction SilentlyContinue
            $boundaryFailed[0].FullyQualifiedErrorId | Should -Be 'PolicyNotFound,IamOnboard.Commands.NewOnboardUserCommand'
            "$($boundaryFailed[0])" | Should -BeLike 'PermissionsBoundary: *arn:aws:iam::aws:policy/NoSuchBoundaryXyz*'
            (Aws @('iam', 'get-user', '--user-name', $unbounded)).StdErr | Should -Match 'NoSuchEntity'
        }
        finally {
            $script:session = Connect-TestEndpoint -Endpoint $endpoint
        }
    }

    It 'refuses an unknown policy or group before creating the user' {
        $name = New-TestName
        New-OnboardUser -UserName $name -Policy 'NoSuchPolicyAnywhere' -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].FullyQualifiedErrorId | Should -Be 'PolicyNotFound,IamOnboard.Commands.NewOnboardUserCommand'
        New-OnboardUser -UserName $name -Group 'NoSuchGroupAnywhere' -ErrorVariable groupFailures -ErrorAction SilentlyContinue
        $groupFailures[0].FullyQualifiedErrorId | Should -Be 'GroupNotFound,IamOnboard.Commands.NewOnboardUserCommand'
        $groupFailures[0].Exception.Message | Should -Match 'NoSuchGroupAnywhere'
        (Aws @('iam', 'get-user', '--user-name', $name)).StdErr | Should -Match 'NoSuchEntity'
    }

    It 'rolls back a user whose onboarding fails midway' {
        # IAM refuses one attachment after the user exists: this onboarder may not attach that policy.
        $s3 = 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess'
        $limited = (New-RestrictedCaller -Endpoint $endpoint -Deny @{ Action = 'iam:AttachUserPolicy'; Condition = @{ ArnEquals = @{ 'iam:PolicyARN' = $s3 } } }).Session
        $script:session = Connect-TestEndpoint -Endpoint $endpoint
        $name = New-TestName
        New-OnboardUser -UserName $name -ConsoleAccess -Policy ReadOnlyAccess, $s3 -Session $limited -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].FullyQualifiedErrorId | Should -Be 'AccessDenied,IamOnboard.Commands.NewOnboardUserCommand'
        $failures[0].Exception.Message | Should -Match 'removed'
        (Aws @('iam', 'get-user', '--user-name', $name)).StdErr | Should -Match 'NoSuchEntity'
    }

    It 'refuses more managed policies or groups than a user may have before any change, in the -WhatIf plan too, counting what an existing user has' {
        # IAM allows ten of each per user by default. Before, the plan showed the row as fine, and the run made the user,
        # failed on the eleventh with LimitExceeded and rolled it back.
        $eleven = 'AdministratorAccess', 'PowerUserAccess', 'ReadOnlyAccess', 'IAMReadOnlyAccess', 'IAMFullAccess', 'SecurityAudit',
            'AmazonS3ReadOnlyAccess', 'AmazonEC2ReadOnlyAccess', 'job-function/ViewOnlyAccess', 'job-function/Billing', 'job-function/SupportUser'
        $name = New-TestName
        New-OnboardUser -UserName $name -ConsoleAccess -Policy $eleven -WhatIf -ErrorVariable planned -ErrorAction SilentlyContinue
        $planned[0].FullyQualifiedErrorId | Should -Be 'PolicyQuotaExceeded,IamOnboard.Commands.NewOnboardUserCommand'
        New-OnboardUser -UserName $name -ConsoleAccess -Policy $eleven -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].FullyQualifiedErrorId | Should -Be 'PolicyQuotaExceeded,IamOnboard.Commands.NewOnboardUserCommand'
        $failures[0].Exception.Message | Should -BeLike "Policy: the user '$name' would have 11 managed policies (none attached yet, 11 to attach: *job-function/SupportUser), more than the account's quota of 10 per user; nothing was changed.*"
        (Aws @('iam', 'get-user', '--user-name', $name)).StdErr | Should -Match 'NoSuchEntity'

        # An existing user: those attached count too.
        $null = New-OnboardUser -UserName $name -Policy $eleven[0..8]
        New-OnboardUser -UserName $name -Policy $eleven[8..10] -WhatIf -ErrorVariable plannedMore -ErrorAction SilentlyContinue
        $plannedMore[0].Exception.Message | Should -BeLike "*would have 11 managed policies (9 already attached, 2 to attach: *), more than the account's quota of 10 per user; nothing was changed. Attach at most 1*"
        New-OnboardUser -UserName $name -Policy $eleven[8..10] -ErrorVariable more -ErrorAction SilentlyContinue
        $more[0].FullyQualifiedErrorId | Should -Be 'PolicyQuotaExceeded,IamOnboard.Commands.NewOnboardUserCommand'
        (Aws @('iam', 'list-attached-user-policies', '--user-name', $name)).Json.AttachedPolicies.Count | Should -Be 9

        $groups = 1..11 | ForEach-Object { (New-OnboardGroup -GroupName (New-TestName 'group')).GroupName }
        $grouped = New-TestName
        New-OnboardUser -UserName $grouped -Group $groups -WhatIf -ErrorVariable plannedGroups -ErrorAction SilentlyContinue
        $plannedGroups[0].FullyQualifiedErrorId | Should -Be 'GroupQuotaExceeded,IamOnboard.Commands.NewOnboardUserCommand'
        New-OnboardUser -UserName $grouped -Group $groups -ErrorVariable groupFailures -ErrorAction SilentlyContinue
        $groupFailures[0].Exception.Message | Should -BeLike "Group: the user '$grouped' would be in 11 groups (in none yet, 11 to join: *), more than the account's quota of 10 per user; nothing was changed.*"
        (Aws @('iam', 'get-user', '--user-name', $grouped)).StdErr | Should -Match 'NoSuchEntity'
    }

    It 'adds the key AdditionalAccessKey asks for once however often the row runs again, and again once the rotation is done' {
        # Before, every re-run of the same row (the README's way to finish a stopped batch) handed out one more live key,
        # without a word, and the third run failed on IAM's quota of two.
        $file = Join-Path $TestDrive 'additional.csv'
        $starter = [pscustomobject]@{ UserName = (New-TestName 'additional'); ProgrammaticAccess = 'yes'; AdditionalAccessKey = 'yes' }
        $runs = foreach ($run in 1..3) {
            $starter | New-OnboardUser -OutVariable made -ErrorVariable failed -ErrorAction SilentlyContinue | Export-OnboardCredential -Path $file -Append
            $failed | Should -BeNullOrEmpty
            $made
        }
        $keys = @((Aws @('iam', 'list-access-keys', '--user-name', $starter.UserName)).Json.AccessKeyMetadata.AccessKeyId)
        $keys | Should -HaveCount 1
        @(Import-Csv $file | Where-Object 'User name' -eq $starter.UserName) | Should -HaveCount 1
        $runs[0].AccessKeyId | Should -Be $keys[0]
        foreach ($again in $runs[1..2]) {
            $again.AccessKeyId | Should -BeNullOrEmpty
            @(@($again.Notes) -like ("access key $($keys[0]) was made by an earlier run asked for an additional key (AdditionalAccessKey, *) when the user had none; no other is made while it is there. " +
                "To add one beside it all the same: aws iam untag-user --user-name $($starter.UserName) --tag-keys iamonboard:added-key, and run this again")) | Should -HaveCount 1 -Because 'the note says why no key was made'
        }

        # A user with a key of its own: the row adds one beside it, once; once the old key is deleted, it adds one again.
        $rotated = New-TestName 'rotated'
        $null = Aws @('iam', 'create-user', '--user-name', $rotated)
        $old = (Aws @('iam', 'create-access-key', '--user-name', $rotated)).Json.AccessKey.AccessKeyId
        $row = [pscustomobject]@{ UserName = $rotated; ProgrammaticAccess = 'yes'; AdditionalAccessKey = 'yes' }
        $row | New-OnboardUser -OutVariable made | Export-OnboardCredential -Path $file -Append
        $added = $made.AccessKeyId
        $added | Should -Not -BeNullOrEmpty
        $row | New-OnboardUser -OutVariable rerun | Export-OnboardCredential -Path $file -Append
        $rerun.AccessKeyId | Should -BeNullOrEmpty
        @($rerun.Notes) | Should -BeLike "access key $added was added beside $old by an earlier run asked for an additional key*Once the older key is deleted (the rotation done), this adds a key again"
        @((Aws @('iam', 'list-access-keys', '--user-name', $rotated)).Json.AccessKeyMetadata.AccessKeyId | Sort-Object) | Should -Be @(@($old, $added) | Sort-Object)
        $null = Aws @('iam', 'delete-access-key', '--user-name', $rotated, '--access-key-id', $old)
        $row | New-OnboardUser -OutVariable made | Export-OnboardCredential -Path $file -Append
        $next = $made.AccessKeyId
        $next | Should -Not -BeNullOrEmpty
        @((Aws @('iam', 'list-access-keys', '--user-name', $rotated)).Json.AccessKeyMetadata.AccessKeyId | Sort-Object) | Should -Be @(@($added, $next) | Sort-Object)
    }

    It 'refuses a third access key, or tags past 50, for an existing user before any change, in the -WhatIf plan too, naming the row and user' {
        # Before, the plan showed the row as fine, and the run failed with IAM's bare "Cannot exceed quota for
        # AccessKeysPerUser: 2" or "The number of tags has reached the maximum limit of 50.", naming no row or user; the
        # tags' failure left the run's hand-off mark on the user.
        $keyed = New-TestName
        $file = Join-Path $TestDrive 'keys.csv'
        $null = New-OnboardUser -UserName $keyed -ProgrammaticAccess | Export-OnboardCredential -Path $file
        # The second key made elsewhere: one IamOnboard added would count as the row's, met already (AddedKeyRecord).
        $null = Aws @('iam', 'create-access-key', '--user-name', $keyed)
        $keys = (Aws @('iam', 'list-access-keys', '--user-name', $keyed)).Json.AccessKeyMetadata.AccessKeyId
        $row = [pscustomobject]@{ UserName = $keyed; ProgrammaticAccess = 'yes'; AdditionalAccessKey = 'yes' }
        foreach ($whatIf in $true, $false) {
            $row | New-OnboardUser -WhatIf:$whatIf -ErrorVariable keyFailures -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $keyFailures | Should -HaveCount 1
            $keyFailures[0].FullyQualifiedErrorId | Should -Be 'AccessKeyQuotaExceeded,IamOnboard.Commands.NewOnboardUserCommand'
            "$($keyFailures[0])" | Should -BeLike "row 1: AdditionalAccessKey: IAM user '$keyed' has 2 access keys ($($keys[0]) (active), $($keys[1]) (active)), as many as IAM allows a user, so no key can be added; nothing was changed.*"
        }
        (Aws @('iam', 'list-access-keys', '--user-name', $keyed)).Json.AccessKeyMetadata.AccessKeyId | Should -Be $keys

        $tagged = New-TestName
        $tags = @{}; 1..48 | ForEach-Object { $tags["t$_"] = 'v' }
        $null = New-OnboardUser -UserName $tagged -Tag $tags
        foreach ($whatIf in $true, $false) {
            New-OnboardUser -UserName $tagged -Tag @{ n1 = 'v'; n2 = 'v'; n3 = 'v' } -WhatIf:$whatIf -ErrorVariable tagFailures -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $tagFailures[0].FullyQualifiedErrorId | Should -Be 'TooManyTags,IamOnboard.Commands.NewOnboardUserCommand'
            "$($tagFailures[0])" | Should -BeLike "Tag: IAM user '$tagged' has 48 tags; with 3 to add (*) it would have 51, more than IAM's 50 per user; nothing was changed.*"
            # One more tag fits, but not with the two IamOnboard sets while a new password is handed out.
            New-OnboardUser -UserName $tagged -Tag @{ n1 = 'v' } -ConsoleAccess -WhatIf:$whatIf -ErrorVariable consoleFailures -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            "$($consoleFailures[0])" | Should -BeLike "Tag: IAM user '$tagged' has 48 tags; with 1 to add (n1) and 2 that IamOnboard sets while the new credentials are handed out (*) it would have 51, *"
        }
        (Aws @('iam', 'list-user-tags', '--user-name', $tagged)).Json.Tags.Count | Should -Be 48
        (Aws @('iam', 'get-login-profile', '--user-name', $tagged)).StdErr | Should -Match 'NoSuchEntity'
        (New-OnboardUser -UserName $tagged -Tag @{ n1 = 'v'; n2 = 'v' }).Status | Should -Be 'Completed'
    }

    It 'names the row and the user when IAM refuses the first change to an existing user, keeping IAM''s error id' {
        # Before, a batch's error for such a row was IAM's text alone ("User: ... is not authorized to perform:
        # iam:AttachUserPolicy ..."; for a quota, "Cannot exceed quota for ...", naming nobody), with no row or line.
        $name = New-TestName
        $null = New-OnboardUser -UserName $name
        $limited = (New-RestrictedCaller -Endpoint $endpoint -Deny 'iam:AttachUserPolicy').Session
        $script:session = Connect-TestEndpoint -Endpoint $endpoint
        $file = Join-Path $TestDrive 'existing.csv'
        Set-Content -Path $file -Value "User name,Policy`n$name,ReadOnlyAccess"
        Import-OnboardCsv $file | New-OnboardUser -Session $limited -ErrorVariable failures -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $failures | Should -HaveCount 1
        $failures[0].FullyQualifiedErrorId | Should -Be 'AccessDenied,IamOnboard.Commands.NewOnboardUserCommand'
        $failures[0].TargetObject | Should -Be $name
        "$($failures[0])" | Should -BeLike "row 1 (line 2 of existing.csv): IAM user '$name' was not completed: User: * is not authorized to perform: iam:AttachUserPolicy *. Nothing the row asks for was added; run the row again once the cause is fixed."
        (Aws @('iam', 'list-attached-user-policies', '--user-name', $name)).Json.AttachedPolicies | Should -BeNullOrEmpty
    }

    It 'completes an existing user without resetting the password or adding a second key' {
        $name = New-TestName
        $first = New-OnboardUser -UserName $name -ConsoleAccess -ProgrammaticAccess -Tag @{ team = 'a' }
        $profileBefore = (Aws @('iam', 'get-login-profile', '--user-name', $name)).Json.LoginProfile.CreateDate

        $again = New-OnboardUser -UserName $name.ToUpperInvariant() -ConsoleAccess -ProgrammaticAccess -Tag @{ team = 'a'; site = 'lisbon' } -Policy ReadOnlyAccess
        $again.Status | Should -Be 'Completed'
        $again.Password | Should -BeNullOrEmpty
        $again.AccessKeyId | Should -BeNullOrEmpty
        $again.Notes -join ' ' | Should -Match 'not reset'
        (Aws @('iam', 'list-access-keys', '--user-name', $name)).Json.AccessKeyMetadata.Count | Should -Be 1
        (Aws @('iam', 'get-login-profile', '--user-name', $name)).Json.LoginProfile.CreateDate | Should -Be $profileBefore
        ((Aws @('iam', 'list-user-tags', '--user-name', $name)).Json.Tags | Where-Object Key -eq 'site').Value | Should -Be 'lisbon'

        $third = New-OnboardUser -UserName $name -ConsoleAccess -ProgrammaticAccess -Tag @{ team = 'a'; site = 'lisbon' } -Policy ReadOnlyAccess
        $third.Status | Should -Be 'Unchanged'
        $first.AccessKeyId | Should -Not -BeNullOrEmpty
    }

    It 'changes nothing with -WhatIf' {
        $name = New-TestName
        New-OnboardUser -UserName $name -ConsoleAccess -ProgrammaticAccess -WhatIf | Should -BeNullOrEmpty
        (Aws @('iam', 'get-user', '--user-name', $name)).StdErr | Should -Match 'NoSuchEntity'
    }

    It 'binds CSV rows, reports a bad row with its value and goes on with the next' {
        $group = New-TestName 'group'
        $null = New-OnboardGroup -GroupName $group
        $good1 = New-TestName; $bad = New-TestName; $good2 = New-TestName
        $csv = Join-Path $TestDrive 'people.csv'
        @(
            'User name,Path,Tag,ConsoleAccess,ProgrammaticAccess,Policy,Group'
            "$good1,/staff/,team=data;site=porto,yes,0,ReadOnlyAccess;SecurityAudit,$group"
            "$bad,,,maybe,no,,"
            "bad name!,,,no,no,,"
            "$good2,,,,true,,"
        ) | Set-Content -Path $csv -Encoding utf8
        $users = Import-Csv $csv | New-OnboardUser -ErrorVariable failures -ErrorAction SilentlyContinue
        ($users.UserName | Sort-Object) | Should -Be (@($good1, $good2) | Sort-Object) -Because 'valid rows complete whatever fails around them'
        $failures.Count | Should -Be 2
        ($failures.Exception.Message -join "`n") | Should -Match 'maybe'
        ($failures | Where-Object FullyQualifiedErrorId -like 'InvalidUserName,*').Exception.Message | Should -Match 'bad name!'
        $row1 = $users | Where-Object UserName -eq $good1
        $row1.ConsoleAccess | Should -BeTrue
        $row1.AccessKeyId | Should -BeNullOrEmpty
        (Aws @('iam', 'get-group', '--group-name', $group)).Json.Users.UserName | Should -Contain $good1
        ((Aws @('iam', 'list-user-tags', '--user-name', $good1)).Json.Tags | Where-Object Key -eq 'site').Value | Should -Be 'porto'
        ($users | Where-Object UserName -eq $good2).AccessKeyId | Should -Not -BeNullOrEmpty
    }

    It 'reports a bad user name as a non-terminating error with the name as target' {
        $good = New-TestName
        $result = 'bad name!', $good | New-OnboardUser -ErrorVariable failures -ErrorAction SilentlyContinue
        $result.UserName | Should -Be $good
        $failures[0].FullyQualifiedErrorId | Should -Be 'InvalidUserName,IamOnboard.Commands.NewOnboardUserCommand'
        $failures[0].TargetObject | Should -Be 'bad name!'
        $failures[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
    }

    It 'narrates with -Verbose every IAM call it makes, naming the user and no secret' {
        $name = New-TestName
        $before = $endpoint.GetStatistics().RequestsByAction
        $all = @(New-OnboardUser -UserName $name -ConsoleAccess -PasswordResetRequired -ProgrammaticAccess -Policy ReadOnlyAccess -Verbose 4>&1)
        $verbose = @($all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
        $user = @($all | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] })
        $after = $endpoint.GetStatistics().RequestsByAction
        $called = @($after.Keys | Where-Object { $after[$_] -gt $(if ($before.ContainsKey($_)) { $before[$_] } else { 0 }) })
        $called | Should -Contain 'CreateUser'
        $called | Should -Contain 'CreateLoginProfile'
        $called | Should -Contain 'CreateAccessKey'
        foreach ($action in $called) {
            $verbose | Where-Object { $_ -like "IAM ${action}*" } | Should -Not -BeNullOrEmpty -Because "the $action call must be narrated"
        }
        $verbose | Should -Contain "IAM CreateUser: user $name."
        $verbose | Should -Contain "IAM CreateAccessKey: user $name."
        $user | Should -HaveCount 1
        $secrets = (ConvertTo-PlainText $user[0].Password), (ConvertTo-PlainText $user[0].SecretAccessKey)
        foreach ($secret in $secrets) { ($verbose -join "`n") | Should -Not -Match ([regex]::Escape($secret)) }
    }
}

Describe 'Credentials that never reached anyone' {
    # New-OnboardUser marks a user in IAM (tag iamonboard:handoff) before it makes a password or key, and removes the
    # mark only once its output has been taken; a run whose output went nowhere leaves the mark for the next run.
    BeforeAll {
        # What is pending, without the run that set the mark and when (run=host/pid/start/seq set=TIME), which every
        # mark this module writes starts with.
        function script:Get-HandOffMark([string] $Name) {
            $value = ((Aws @('iam', 'list-user-tags', '--user-name', $Name)).Json.Tags | Where-Object Key -eq 'iamonboard:handoff').Value
            if ($value) {
                $value | Should -Match '^run=[a-z0-9._-]+/\d+/\d+/\d+ set=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ '
                $value -replace '^run=\S+ set=\S+ ', ''
            }
        }
        function script:Get-KeyIds([string] $Name) {
            @((Aws @('iam', 'list-access-keys', '--user-name', $Name)).Json.AccessKeyMetadata | Where-Object { $_ } | ForEach-Object AccessKeyId)
        }
    }

    It 'holds the mark while the output is on its way and removes it once the next command has taken it' {
        $name = New-TestName
        $during = New-OnboardUser -UserName $name -ConsoleAccess -ProgrammaticAccess | ForEach-Object { Get-HandOffMark $name }
        $during | Should -Be 'password access-key'
        Get-HandOffMark $name | Should -BeNullOrEmpty

        $user = New-OnboardUser -UserName (New-TestName) -ProgrammaticAccess -Tag @{ team = 'a' }
        $user.Tags.Keys | Should -Be @('team') -Because 'the mark is bookkeeping, not one of the user''s tags'
        Get-HandOffMark $user.UserName | Should -BeNullOrEmpty
    }

    It 'replaces, on the next run, the password and key of a user whose output never reached anyone' {
        $name = New-TestName
        { New-OnboardUser -UserName $name -ConsoleAccess -ProgrammaticAccess | ForEach-Object { throw 'the output went nowhere' } } | Should -Throw '*went nowhere*'
        Get-HandOffMark $name | Should -Be 'password access-key'
        $lost = @(Get-KeyIds $name)
        $lost | Should -HaveCount 1

        # -WhatIf messages go to the host: a transcript catches them.
        $transcript = Join-Path $TestDrive 'plan.txt'
        $null = Start-Transcript -Path $transcript
        try { New-OnboardUser -UserName $name -ConsoleAccess -ProgrammaticAccess -WhatIf } finally { $null = Stop-Transcript }
        Get-Content $transcript -Raw | Should -Match "set a new generated console password .*; delete access key $($lost[0]), whose secret was never handed out; create an access key"
        Get-KeyIds $name | Should -Be $lost -Because '-WhatIf changes nothing'

        $user = New-OnboardUser -UserName $name -ConsoleAccess -ProgrammaticAccess -WarningVariable warnings -WarningAction SilentlyContinue
        $user.Status | Should -Be 'Completed'
        $user.Password | Should -BeOfType [securestring]
        $user.AccessKeyId | Should -Not -Be $lost[0]
        @($warnings | Where-Object { "$_" -match [regex]::Escape($lost[0]) }) | Should -HaveCount 1
        @($warnings | Where-Object { "$_" -like "Setting a new console password for '$name'*no longer signs in*" }) | Should -HaveCount 1
        $warnings | Should -HaveCount 2
        Get-KeyIds $name | Should -Be @($user.AccessKeyId)
        Get-HandOffMark $name | Should -BeNullOrEmpty
        # The new key works: it signs a call as the user.
        $caller = Invoke-AwsCli -Endpoint $endpoint -Arguments @('sts', 'get-caller-identity') -AccessKeyId $user.AccessKeyId -SecretAccessKey (ConvertTo-PlainText $user.SecretAccessKey)
        $caller.Json.Arn | Should -BeLike "*:user/$name"

        (New-OnboardUser -UserName $name -ConsoleAccess -ProgrammaticAccess).Status | Should -Be 'Unchanged'
    }

    It 'never touches a key the user had before the mark' {
        $name = New-TestName
        $null = Aws @('iam', 'create-user', '--user-name', $name)
        $kept = (Aws @('iam', 'create-access-key', '--user-name', $name)).Json.AccessKey.AccessKeyId
        { New-OnboardUser -UserName $name -ProgrammaticAccess -AdditionalAccessKey | ForEach-Object { throw 'the output went nowhere' } } | Should -Throw
        Get-HandOffMark $name | Should -Be "access-key kept=$kept"
        $lost = @(Get-KeyIds $name | Where-Object { $_ -ne $kept })
        $lost | Should -HaveCount 1

        $user = New-OnboardUser -UserName $name -ProgrammaticAccess -WarningAction SilentlyContinue
        $user.AccessKeyId | Should -Not -BeNullOrEmpty
        $user.AccessKeyId | Should -Not -Be $lost[0]
        (Get-KeyIds $name | Sort-Object) | Should -Be (@($kept, $user.AccessKeyId) | Sort-Object)
        Get-HandOffMark $name | Should -BeNullOrEmpty
    }

    It 'follows the user through Add-OnboardGroupMember and Enable-OnboardVirtualMfa to the command that takes it' {
        $group = "g-$(New-TestName)"
        $null = New-OnboardGroup -GroupName $group
        $name = New-TestName
        $file = Join-Path $TestDrive "$name.csv"
        $marks = [System.Collections.Generic.List[object]]::new()
        New-OnboardUser -UserName $name -ProgrammaticAccess | Add-OnboardGroupMember -GroupName $group |
            Enable-OnboardVirtualMfa -Unattended -IncludeSeed | ForEach-Object { $marks.Add((Get-HandOffMark $name)); $_ } | Export-OnboardCredential -Path $file
        $marks | Should -Be @('access-key') -Because 'the mark stays until the last command has the user'
        Get-HandOffMark $name | Should -BeNullOrEmpty
        (Import-Csv $file).'Access key ID' | Should -Be (Get-KeyIds $name)
    }

    It 'refuses IamOnboard''s own tag keys among the request''s own tags, and a 50th tag when it needs the mark' {
        $name = New-TestName
        { New-OnboardUser -UserName $name -Tag @{ 'iamonboard:handoff' = 'x' } -ErrorAction Stop } |
            Should -Throw -ErrorId 'ReservedTagKey,IamOnboard.Commands.NewOnboardUserCommand'
        # A run's claim tag (iamonboard:claim:...) is IamOnboard's too: every key under 'iamonboard:' is.
        { New-OnboardUser -UserName $name -Tag @{ 'IamOnboard:Claim:0123456789abcdef' = 'x' } -ErrorAction Stop } |
            Should -Throw -ErrorId 'ReservedTagKey,IamOnboard.Commands.NewOnboardUserCommand'
        $fifty = @{}; 1..50 | ForEach-Object { $fifty["k$_"] = 'v' }
        { New-OnboardUser -UserName $name -Tag $fifty -ProgrammaticAccess -ErrorAction Stop } |
            Should -Throw -ErrorId 'TooManyTags,IamOnboard.Commands.NewOnboardUserCommand'
        (Aws @('iam', 'get-user', '--user-name', $name)).ExitCode | Should -Not -Be 0 -Because 'nothing was created'
        (New-OnboardUser -UserName $name -Tag $fifty).Tags.Count | Should -Be 50 -Because 'without credentials no mark is needed'
    }

    It 'keeps the mark of a user that a later IamOnboard command dropped' {
        $name = New-TestName
        # Kept in a variable: thrown away ($null =), the password would count as not handed out and keep its mark too.
        $enrolled = New-OnboardUser -UserName $name -ConsoleAccess | Enable-OnboardVirtualMfa -Unattended -IncludeSeed
        $enrolled.Status | Should -Be 'Enabled'
        # A console user's seed would reach no one without -QrCodePath or -IncludeSeed: refused, and the user dropped.
        $null = New-OnboardUser -UserName $name -ProgrammaticAccess | Enable-OnboardVirtualMfa -Unattended -ErrorVariable failed -ErrorAction SilentlyContinue
        $failed.FullyQualifiedErrorId | Should -BeLike 'MfaSeedWouldBeLost,*'
        Get-HandOffMark $name | Should -Be 'access-key' -Because 'the key never got past Enable-OnboardVirtualMfa'

        $user = New-OnboardUser -UserName $name -ProgrammaticAccess -WarningAction SilentlyContinue
        $user.AccessKeyId | Should -Not -BeNullOrEmpty
        Get-KeyIds $name | Should -Be @($user.AccessKeyId)
        Get-HandOffMark $name | Should -BeNullOrEmpty
    }
}

Describe 'Export-OnboardCredential' {
    It 'writes the console credentials file, owner-only, that aws configure import accepts' {
        $names = (New-TestName), (New-TestName)
        $users = $names | New-OnboardUser -ConsoleAccess -ProgrammaticAccess
        $file = Join-Path $TestDrive 'credentials.csv'
        $users | Export-OnboardCredential -Path $file
        $lines = Get-Content $file
        $lines[0] | Should -Be 'User name,Password,Access key ID,Secret access key,Console login link'
        $lines.Count | Should -Be 3
        $first = $users | Where-Object UserName -eq $names[0]
        $row = Import-Csv $file | Where-Object 'User name' -eq $names[0]
        $row.Password | Should -Be (ConvertTo-PlainText $first.Password)
        $row.'Secret access key' | Should -Be (ConvertTo-PlainText $first.SecretAccessKey)
        $row.'Access key ID' | Should -Be $first.AccessKeyId
        $row.'Console login link' | Should -Be $first.ConsoleSignInUrl
        (Get-Item $file).UnixFileMode | Should -Be ([System.IO.UnixFileMode]'UserRead, UserWrite')

        # The AWS CLI imports it as one profile per user.
        $awsHome = Join-Path $TestDrive 'aws-home'
        $null = New-Item -ItemType Directory $awsHome
        $start = [System.Diagnostics.ProcessStartInfo]::new((Get-AwsCliV2))
        'configure', 'import', '--csv', "file://$file" | ForEach-Object { $start.ArgumentList.Add($_) }
        $start.Environment['AWS_SHARED_CREDENTIALS_FILE'] = Join-Path $awsHome 'credentials'
        $start.Environment['AWS_CONFIG_FILE'] = Join-Path $awsHome 'config'
        $start.RedirectStandardOutput = $true; $start.RedirectStandardError = $true
        $process = [System.Diagnostics.Process]::Start($start); $process.WaitForExit()
        $process.ExitCode | Should -Be 0
        $imported = Get-Content (Join-Path $awsHome 'credentials') -Raw
        $imported | Should -Match ([regex]::Escape("[$($names[0])]"))
        $imported | Should -Match ([regex]::Escape($users[1].AccessKeyId))
    }

    It 'has each user''s line on disk before the next user arrives' {
        # New-OnboardUser counts credentials as handed out once the next command has taken them, so this must hold.
        $users = (New-TestName), (New-TestName), (New-TestName) | New-OnboardUser -ProgrammaticAccess
        $file = Join-Path $TestDrive 'streamed.csv'
        $lines = [System.Collections.Generic.List[int]]::new()
        $users | ForEach-Object { $_; $lines.Add(@(Get-Content $file).Count) } | Export-OnboardCredential -Path $file
        $lines | Should -Be @(2, 3, 4)
        (Get-Item $file).UnixFileMode | Should -Be ([System.IO.UnixFileMode]'UserRead, UserWrite')
    }

    It 'refuses to overwrite without -Force, pointing a re-run to -Append rather than to -Force' {
        $file = Join-Path $TestDrive 'existing.csv'
        'keep me' | Set-Content $file
        $refusal = { New-OnboardUser -UserName (New-TestName) | Export-OnboardCredential -Path $file -ErrorAction Stop } |
            Should -Throw -ErrorId 'CredentialFileExists,IamOnboard.Commands.ExportOnboardCredentialCommand' -PassThru
        # After a run stopped midway the file holds passwords nobody else has: -Force would lose them.
        $refusal.Exception.Message | Should -BeLike '*Add this run''s lines to it with -Append, or write them to another file with -Path; -Force replaces the file, and what it holds is lost.'
        Get-Content $file | Should -Be 'keep me'
    }

    It 'makes a missing folder of -Path owner-only at the first line, and refuses a folder or an unmakeable folder before any user is made' {
        $name = New-TestName
        $missing = Join-Path $TestDrive 'no-such-folder/deeper/creds.csv'
        New-OnboardUser -UserName $name -ProgrammaticAccess | Export-OnboardCredential -Path $missing
        (Import-Csv $missing).'User name' | Should -Be $name
        (Get-Item (Split-Path $missing)).UnixFileMode | Should -Be ([System.IO.UnixFileMode]'UserRead, UserWrite, UserExecute')
        (Get-Item (Join-Path $TestDrive 'no-such-folder')).UnixFileMode | Should -Be ([System.IO.UnixFileMode]'UserRead, UserWrite, UserExecute') -Because 'every folder made for it is owner-only, the missing parents too'

        $other = New-TestName
        { New-OnboardUser -UserName $other -ProgrammaticAccess | Export-OnboardCredential -Path $TestDrive } |
            Should -Throw -ErrorId 'CredentialPathIsFolder,IamOnboard.Commands.ExportOnboardCredentialCommand'
        $aFile = Join-Path $TestDrive 'a-file'
        'x' | Set-Content $aFile
        { New-OnboardUser -UserName $other -ProgrammaticAccess | Export-OnboardCredential -Path (Join-Path $aFile 'creds.csv') } |
            Should -Throw -ErrorId 'CredentialFolderNotCreatable,IamOnboard.Commands.ExportOnboardCredentialCommand'
        (Invoke-AwsCli -Endpoint $endpoint -Arguments @('iam', 'get-user', '--user-name', $other)).StdErr | Should -Match 'NoSuchEntity'
    }

    It 'refuses a -Path that ends in a separator (a folder not made yet) before any user is made, as an existing folder' {
        # Before, the user was made, the folder was made at the first line, and the file's create then failed with "The
        # file '.../handout/' already exists", which it did not: the credentials reached nobody.
        $name = New-TestName
        $folder = Join-Path $TestDrive 'handout'
        $refusal = { New-OnboardUser -UserName $name -ProgrammaticAccess | Export-OnboardCredential -Path "$folder/" -ErrorAction Stop } |
            Should -Throw -ErrorId 'CredentialPathIsFolder,IamOnboard.Commands.ExportOnboardCredentialCommand' -PassThru
        $refusal.Exception.Message | Should -BeLike "*'$folder/' names a folder*give the credentials file's name in it (for example '$(Join-Path $folder 'credentials.csv')')*"
        Test-Path $folder | Should -BeFalse
        (Aws @('iam', 'get-user', '--user-name', $name)).StdErr | Should -Match 'NoSuchEntity'
    }

    It 'refuses a -Path of another provider (Variable:, or relative while the location is Env:) before any user is made, writing nowhere' {
        # PowerShell gives back the provider's own path ("creds.csv"), which .NET read against the process's directory:
        # before, the file's checks looked there, and the user was made before a generic "The value cannot be an empty
        # string. (Parameter 'path')" stopped the pipeline.
        $processDirectory = Join-Path $TestDrive 'process-directory'
        $null = New-Item -ItemType Directory $processDirectory
        $savedDirectory = [Environment]::CurrentDirectory
        [Environment]::CurrentDirectory = $processDirectory
        Push-Location Env:
        try {
            $name = New-TestName
            $refusal = { New-OnboardUser -UserName $name -ProgrammaticAccess | Export-OnboardCredential -Path 'creds.csv' -ErrorAction Stop } |
                Should -Throw -ErrorId 'PathNotInFileSystem,IamOnboard.Commands.ExportOnboardCredentialCommand' -PassThru
            $refusal.Exception.Message | Should -BeLike "Path: 'creds.csv' is relative to the current location 'Env:?', which is in PowerShell's Environment provider, not a folder of the file system.*"
            $refusal = { New-OnboardUser -UserName $name -ProgrammaticAccess | Export-OnboardCredential -Path 'Variable:creds' -ErrorAction Stop } |
                Should -Throw -ErrorId 'PathNotInFileSystem,IamOnboard.Commands.ExportOnboardCredentialCommand' -PassThru
            $refusal.Exception.Message | Should -BeLike "Path: 'Variable:creds' is a path of PowerShell's Variable provider, not a folder of the file system.*"
        }
        finally {
            Pop-Location
            [Environment]::CurrentDirectory = $savedDirectory
        }

        Get-ChildItem $processDirectory | Should -BeNullOrEmpty
        (Aws @('iam', 'get-user', '--user-name', $name)).StdErr | Should -Match 'NoSuchEntity'
    }

    It '-Append to a file that another run made after this one started adds to it, instead of failing after its users were made' {
        # Two runs of the README pipeline at once, the file missing at both starts: the one whose first line came second
        # failed with "already exists" once its users were made. Here the outer Export starts first (its begin runs before
        # the script block's body), and the inner run makes the file before the outer run's first user arrives.
        $file = Join-Path $TestDrive 'raced.csv'
        $first, $second = (New-TestName), (New-TestName)
        & {
            New-OnboardUser -UserName $first -ProgrammaticAccess | Export-OnboardCredential -Path $file
            New-OnboardUser -UserName $second -ProgrammaticAccess
        } | Export-OnboardCredential -Path $file -Append -ErrorAction Stop
        $lines = Get-Content $file
        @($lines | Where-Object { $_ -like 'User name,*' }) | Should -HaveCount 1
        (Import-Csv $file).'User name' | Should -Be @($first, $second)
        (Aws @('iam', 'list-user-tags', '--user-name', $second)).Json.Tags.Key | Should -Not -Contain 'iamonboard:handoff'
    }

    It '-Append to a file another run made meanwhile without seed columns refuses a seed rather than writing a line of other columns' {
        # The header decides the columns: here the other run's, which has no MFA seed. Before, this run kept the columns
        # of its own first input and wrote the seed's line with two cells more than the header.
        $file = Join-Path $TestDrive 'raced-seed.csv'
        $first, $second = (New-TestName), (New-TestName)
        & {
            New-OnboardUser -UserName $first -ProgrammaticAccess | Export-OnboardCredential -Path $file
            New-OnboardUser -UserName $second -ConsoleAccess | Enable-OnboardVirtualMfa -Unattended -IncludeSeed
        } | Export-OnboardCredential -Path $file -Append -ErrorVariable failed -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        $failed | Should -HaveCount 1
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'CredentialNotExportable,*'
        "$($failed[0])" | Should -BeLike "*$($second): the MFA seed (-IncludeSeed) has no column in '$file'*"
        $lines = @(Get-Content $file)
        $lines | Should -HaveCount 2
        (Import-Csv $file).'User name' | Should -Be $first
        (Aws @('iam', 'list-user-tags', '--user-name', $second)).Json.Tags.Key | Should -Contain 'iamonboard:handoff' -Because 'its seed reached no file, so the next run replaces it'
    }

    It '-Append to a file another run has just made and is writing is refused as in use, before any user is made' {
        # The other run's file exists, empty, locked as being written: its header comes with its first line. Before, this
        # run read the empty file and refused it as a file of other columns.
        $file = Join-Path $TestDrive 'being-written.csv'
        $null = New-Item -ItemType File -Path $file
        chmod 600 $file
        $writer = [System.IO.FileStream]::new($file, 'Open', 'Write', 'Read')
        try {
            $name = New-TestName
            $refusal = { New-OnboardUser -UserName $name -ProgrammaticAccess | Export-OnboardCredential -Path $file -Append -ErrorAction Stop } |
                Should -Throw -ErrorId 'CredentialFileInUse,IamOnboard.Commands.ExportOnboardCredentialCommand' -PassThru
            $refusal.Exception.Message | Should -BeLike "*'$file'*open in another process or run*"
            (Aws @('iam', 'get-user', '--user-name', $name)).StdErr | Should -Match 'NoSuchEntity'
        }
        finally { $writer.Dispose() }

        # Empty and written by nobody (made owner-only beforehand, or left by a run stopped before its first line): it
        # gets the header with the first line, as a new file does.
        New-OnboardUser -UserName $name -ProgrammaticAccess | Export-OnboardCredential -Path $file -Append
        (Get-Content $file)[0] | Should -BeLike 'User name,*'
        (Import-Csv $file).'User name' | Should -Be $name
        (Get-Item $file).UnixFileMode | Should -Be ([System.IO.UnixFileMode]'UserRead, UserWrite')
    }

    It 'adds a re-run''s lines with -Append under the file''s header, after ending a line a killed run left unfinished' {
        $file = Join-Path $TestDrive 'rerun.csv'
        $first, $second = (New-TestName), (New-TestName)
        New-OnboardUser -UserName $first -ProgrammaticAccess | Export-OnboardCredential -Path $file
        [System.IO.File]::AppendAllText($file, 'cut-off,')
        New-OnboardUser -UserName $second -ProgrammaticAccess | Export-OnboardCredential -Path $file -Append
        $lines = Get-Content $file
        @($lines | Where-Object { $_ -like 'User name,*' }) | Should -HaveCount 1
        $lines[2] | Should -Be 'cut-off,'
        $rows = Import-Csv $file | Where-Object 'User name' -in $first, $second
        $rows.'User name' | Should -Be @($first, $second)
        $rows | ForEach-Object { $_.'Secret access key' | Should -Not -BeNullOrEmpty }
        (Get-Item $file).UnixFileMode | Should -Be ([System.IO.UnixFileMode]'UserRead, UserWrite')
        # Run again once more: a user with nothing new whose line is there already gets no second, empty one.
        $null = New-OnboardUser -UserName $first -ProgrammaticAccess | Export-OnboardCredential -Path $file -Append -WarningVariable warned -WarningAction SilentlyContinue
        $warned | Should -BeNullOrEmpty
        Get-Content $file | Should -Be $lines
    }

    It 'appends under a header with the MFA seed columns, keeping the seed of a user enrolled in the re-run' {
        $file = Join-Path $TestDrive 'seeds.csv'
        $first, $second = (New-TestName), (New-TestName)
        New-OnboardUser -UserName $first -ConsoleAccess | Enable-OnboardVirtualMfa -Unattended -IncludeSeed | Export-OnboardCredential -Path $file
        New-OnboardUser -UserName $second -ConsoleAccess | Enable-OnboardVirtualMfa -Unattended -IncludeSeed | Export-OnboardCredential -Path $file -Append
        $rows = Import-Csv $file
        $rows.'User name' | Should -Be @($first, $second)
        $rows[1].'MFA seed' | Should -Match '^[A-Z2-7]+=*$'
        $rows[1].'MFA device' | Should -BeLike "*:mfa/$second"
        $rows[1].Password | Should -Not -BeNullOrEmpty
    }

    It 'writes the same user''s line once when the user is piped twice or appended again, saying so' {
        # Before: `$u | Export-OnboardCredential -Append` run twice, or `$u, $u | ...`, wrote the same secrets on two lines.
        $user = New-OnboardUser -UserName (New-TestName) -ConsoleAccess -ProgrammaticAccess
        $file = Join-Path $TestDrive 'once.csv'
        $user, $user | Export-OnboardCredential -Path $file -WarningVariable twice -WarningAction SilentlyContinue
        $user | Export-OnboardCredential -Path $file -Append -WarningVariable again -WarningAction SilentlyContinue
        @(Import-Csv $file).Count | Should -Be 1
        foreach ($warning in @($twice) + @($again)) {
            "$warning" | Should -Be "$($user.UserName): '$file' has this very line already (the same credentials); it is not written twice."
        }
        @($twice).Count + @($again).Count | Should -Be 2
        # Another user appended still gets a line.
        New-OnboardUser -UserName (New-TestName) -ProgrammaticAccess | Export-OnboardCredential -Path $file -Append
        @(Import-Csv $file).Count | Should -Be 2
    }

    It 'refuses -Append to a file of other columns, or with -Force, before any user is made' {
        $file = Join-Path $TestDrive 'other.csv'
        'name,email' | Set-Content $file
        $name = New-TestName
        { New-OnboardUser -UserName $name -ProgrammaticAccess | Export-OnboardCredential -Path $file -Append -ErrorAction Stop } |
            Should -Throw -ErrorId 'CredentialFileColumnsDiffer,IamOnboard.Commands.ExportOnboardCredentialCommand'
        { New-OnboardUser -UserName $name -ProgrammaticAccess | Export-OnboardCredential -Path $file -Append -Force -ErrorAction Stop } |
            Should -Throw -ErrorId 'AppendWithForce,IamOnboard.Commands.ExportOnboardCredentialCommand'
        $console = Join-Path $TestDrive 'console.csv'
        New-OnboardUser -UserName (New-TestName) -ProgrammaticAccess | Export-OnboardCredential -Path $console
        { New-OnboardUser -UserName $name -ProgrammaticAccess | Export-OnboardCredential -Path $console -Append -Format AwsCliImport -ErrorAction Stop } |
            Should -Throw -ErrorId 'CredentialFileColumnsDiffer,IamOnboard.Commands.ExportOnboardCredentialCommand'
        # A line cut off inside quotes would swallow the lines added after it.
        $cut = Join-Path $TestDrive 'cut.csv'
        New-OnboardUser -UserName (New-TestName) -ProgrammaticAccess | Export-OnboardCredential -Path $cut
        [System.IO.File]::AppendAllText($cut, '"cut, off')
        { New-OnboardUser -UserName $name -ProgrammaticAccess | Export-OnboardCredential -Path $cut -Append -ErrorAction Stop } |
            Should -Throw -ErrorId 'CredentialFileColumnsDiffer,IamOnboard.Commands.ExportOnboardCredentialCommand'
        (Aws @('iam', 'get-user', '--user-name', $name)).StdErr | Should -Match 'NoSuchEntity'
        Get-Content $file | Should -Be 'name,email'
    }

    It 'refuses -Append to a file others can read, before any user is made' {
        $file = Join-Path $TestDrive 'readable.csv'
        New-OnboardUser -UserName (New-TestName) -ProgrammaticAccess | Export-OnboardCredential -Path $file
        $before = Get-Content $file
        # As a copy or an editor's save under the usual umask leaves it.
        chmod 644 $file
        $name = New-TestName
        $refusal = { New-OnboardUser -UserName $name -ProgrammaticAccess | Export-OnboardCredential -Path $file -Append -ErrorAction Stop } |
            Should -Throw -ErrorId 'CredentialFileOpenToOthers,IamOnboard.Commands.ExportOnboardCredentialCommand' -PassThru
        $refusal.Exception.Message | Should -BeLike "Path: *'$file' can be read or written by others than its owner (mode 0644)*chmod 600*"
        (Aws @('iam', 'get-user', '--user-name', $name)).StdErr | Should -Match 'NoSuchEntity'
        Get-Content $file | Should -Be $before
    }

    It 'refuses a deserialized user, saying what it is and what to do, and writes no file' {
        $name = New-TestName
        $saved = Join-Path $TestDrive 'user.clixml'
        New-OnboardUser -UserName $name -ConsoleAccess | Export-Clixml -Path $saved
        $file = Join-Path $TestDrive 'from-clixml.csv'
        Import-Clixml $saved | Export-OnboardCredential -Path $file -ErrorVariable failures -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        $failures | Should -HaveCount 1
        $failures[0].FullyQualifiedErrorId | Should -Be 'DeserializedOnboardUser,IamOnboard.Commands.ExportOnboardCredentialCommand'
        $message = $failures[0].Exception.Message
        $message | Should -BeLike "*'$name' is a deserialized OnboardUser (from Import-Clixml, a job or another session)*"
        $message | Should -BeLike '*pipe New-OnboardUser into Export-OnboardCredential in the session or job that creates the users*'
        $message.Contains((ConvertTo-PlainText (Import-Clixml $saved).Password)) | Should -BeFalse
        Test-Path $file | Should -BeFalse

        Select-Object -InputObject ([pscustomobject]@{ UserName = $name }) -Property UserName | Export-OnboardCredential -Path $file -ErrorVariable other -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        $other[0].FullyQualifiedErrorId | Should -Be 'NotAnOnboardUser,IamOnboard.Commands.ExportOnboardCredentialCommand'
    }

    It '-Append of a seed to a file without seed columns says the file''s own header has none' {
        # Before: "... whose header was written for a first input that asked for no seed", of a file this run had not
        # written a line of: the admin looked for a first input in this run.
        $file = Join-Path $TestDrive 'no-seed-columns.csv'
        New-OnboardUser -UserName (New-TestName) -ProgrammaticAccess | Export-OnboardCredential -Path $file
        $name = New-TestName
        New-OnboardUser -UserName $name -ConsoleAccess | Enable-OnboardVirtualMfa -Unattended -IncludeSeed |
            Export-OnboardCredential -Path $file -Append -ErrorVariable failures -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        $failures | Should -HaveCount 1
        $failures[0].Exception.Message | Should -Be ("$($name): the MFA seed (-IncludeSeed) has no column in '$file', which -Append adds to under its own " +
            "header, written without the MFA device and MFA seed columns, and would be lost. Export the devices enrolled with -IncludeSeed to a file of their own.")
    }

    It 'refuses a copy Select-Object made of a user, saying so and what to pipe instead, and the user keeps its mark' {
        # Before: "a Selected.IamOnboard.Commands.OnboardUser is not a user from New-OnboardUser; only those carry the
        # credentials to export" - while the copy held the password, and it came from New-OnboardUser.
        $name = New-TestName
        $file = Join-Path $TestDrive 'selected.csv'
        New-OnboardUser -UserName $name -ConsoleAccess | Select-Object UserName, Password | Export-OnboardCredential -Path $file `
            -ErrorVariable failures -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        $failures | Should -HaveCount 1
        $failures[0].FullyQualifiedErrorId | Should -Be 'NotAnOnboardUser,IamOnboard.Commands.ExportOnboardCredentialCommand'
        $failures[0].Exception.Message | Should -Be ("InputObject: '$name' is a copy Select-Object made of the user New-OnboardUser wrote, which Export-OnboardCredential " +
            "cannot follow to hand the credentials out; pipe the user itself (choose users with Where-Object, not Select-Object -Property).")
        Test-Path $file | Should -BeFalse
        (Aws @('iam', 'list-user-tags', '--user-name', $name)).Json.Tags.Key | Should -Contain 'iamonboard:handoff'
    }
}

Describe 'Remove-OnboardUser' {
    It 'removes the user with everything attached to it' {
        $group = New-TestName 'group'
        $null = New-OnboardGroup -GroupName $group
        $name = New-TestName
        $null = New-OnboardUser -UserName $name -ConsoleAccess -ProgrammaticAccess -Policy ReadOnlyAccess -Group $group |
            Enable-OnboardVirtualMfa -Unattended -IncludeSeed
        $null = Add-OnboardInlinePolicy -UserName $name -PolicyName Extra -PolicyDocument '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}'

        Remove-OnboardUser -UserName $name -Confirm:$false
        (Aws @('iam', 'get-user', '--user-name', $name)).StdErr | Should -Match 'NoSuchEntity'
        (Aws @('iam', 'list-virtual-mfa-devices')).Json.VirtualMFADevices.SerialNumber | Should -Not -Contain "arn:aws:iam::$($endpoint.AccountId):mfa/$name"
    }

    It 'reports a user that does not exist' {
        Remove-OnboardUser -UserName (New-TestName) -Confirm:$false -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].FullyQualifiedErrorId | Should -Be 'NoSuchEntity,IamOnboard.Commands.RemoveOnboardUserCommand'
    }

    It 'says to give the user''s name alone when given its ARN or its path and name, and removes nothing' {
        $name = New-TestName
        $null = New-OnboardUser -UserName $name -Path /leavers/
        $arn = "arn:aws:iam::$($endpoint.AccountId):user/leavers/$name"
        Remove-OnboardUser -UserName $arn -Confirm:$false -ErrorVariable byArn -ErrorAction SilentlyContinue
        $byArn[0].FullyQualifiedErrorId | Should -Be 'InvalidUserName,IamOnboard.Commands.RemoveOnboardUserCommand'
        $byArn[0].Exception.Message | Should -Be "UserName: '$arn' is a user's ARN; give the user's name alone: $name."
        Remove-OnboardUser -UserName "/leavers/$name" -Confirm:$false -ErrorVariable byPath -ErrorAction SilentlyContinue
        $byPath[0].Exception.Message | Should -Be "UserName: '/leavers/$name' is a path and a name; give the user's name alone: $name (a user is named without its path, which New-OnboardUser -Path sets)."
        Add-OnboardInlinePolicy -UserName $arn -PolicyName Extra -PolicyDocument '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}' -ErrorVariable inline -ErrorAction SilentlyContinue
        $inline[0].Exception.Message | Should -Be "UserName: '$arn' is a user's ARN; give the user's name alone: $name."
        (Aws @('iam', 'get-user', '--user-name', $name)).Json.User.UserName | Should -Be $name
    }
}
