# Connect-Onboard and session resolution: every credential source, the errors, root refusal, retries, Ctrl+C.
BeforeAll {
    Import-Module $env:IAMONBOARD_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:endpoint = Start-OnboardLocalIam
    $script:adminSecret = ConvertTo-PlainText $endpoint.SecretAccessKey
    $script:savedEnvironment = @{}
    Get-ChildItem env: | Where-Object Name -like 'AWS_*' | ForEach-Object { $savedEnvironment[$_.Name] = $_.Value; Remove-Item "env:$($_.Name)" }
    # Nothing outside the test may lend credentials: no shared files, no instance metadata.
    $env:AWS_SHARED_CREDENTIALS_FILE = Join-Path $TestDrive 'no-credentials'
    $env:AWS_CONFIG_FILE = Join-Path $TestDrive 'no-config'
    $env:AWS_EC2_METADATA_DISABLED = 'true'
}

AfterAll {
    Disconnect-Onboard
    Get-ChildItem env: | Where-Object Name -like 'AWS_*' | ForEach-Object { Remove-Item "env:$($_.Name)" }
    foreach ($name in $savedEnvironment.Keys) { Set-Item "env:$name" $savedEnvironment[$name] }
    $script:endpoint | Stop-OnboardLocalIam -Confirm:$false
}

Describe 'Connect-Onboard credential sources' {
    AfterEach { Disconnect-Onboard }

    It 'connects with an explicit access key and secret' {
        $session = Connect-Onboard -EndpointUrl $endpoint.Url -AccessKey $endpoint.AccessKeyId -SecretKey $endpoint.SecretAccessKey
        $session.AccountId | Should -Be $endpoint.AccountId
        $session.CallerArn | Should -Be "arn:aws:iam::$($endpoint.AccountId):user/onboard-admin"
        $session.Partition | Should -Be 'aws'
        $session.EndpointUrl | Should -Not -BeNullOrEmpty
        $session.ConsoleSignInUrl | Should -Be "https://$($endpoint.AccountId).signin.aws.amazon.com/console"
        (Get-OnboardSession).CallerArn | Should -Be $session.CallerArn
    }

    It 'connects with a PSCredential whose user name is the access key id' {
        $credential = [pscredential]::new($endpoint.AccessKeyId, $endpoint.SecretAccessKey)
        (Connect-Onboard -EndpointUrl $endpoint.Url -Credential $credential).CallerArn | Should -Match ':user/onboard-admin$'
    }

    It 'falls back to the environment variables' {
        $env:AWS_ACCESS_KEY_ID = $endpoint.AccessKeyId
        $env:AWS_SECRET_ACCESS_KEY = $adminSecret
        try {
            $session = Connect-Onboard -EndpointUrl $endpoint.Url
            $session.CallerArn | Should -Match ':user/onboard-admin$'
            $session.CredentialSource | Should -Match 'environment'
        }
        finally {
            Remove-Item env:AWS_ACCESS_KEY_ID, env:AWS_SECRET_ACCESS_KEY
        }
    }

    It 'uses a named profile from a shared credentials file' {
        $file = Join-Path $TestDrive 'credentials'
        "[onboarding]`naws_access_key_id = $($endpoint.AccessKeyId)`naws_secret_access_key = $adminSecret`n" | Set-Content $file
        $env:AWS_SHARED_CREDENTIALS_FILE = $file
        try {
            $session = Connect-Onboard -ProfileName onboarding -EndpointUrl $endpoint.Url
            $session.CredentialSource | Should -Match 'onboarding'
        }
        finally {
            $env:AWS_SHARED_CREDENTIALS_FILE = Join-Path $TestDrive 'no-credentials'
        }
    }

    It 'refuses a named profile that does not exist instead of falling back to default' {
        $file = Join-Path $TestDrive 'credentials-default-only'
        "[default]`naws_access_key_id = $($endpoint.AccessKeyId)`naws_secret_access_key = $adminSecret`n" | Set-Content $file
        $env:AWS_SHARED_CREDENTIALS_FILE = $file
        try {
            { Connect-Onboard -ProfileName missing-profile -EndpointUrl $endpoint.Url -ErrorAction Stop } |
                Should -Throw -ErrorId 'SessionNotAvailable,IamOnboard.Commands.ConnectOnboardCommand' -ExpectedMessage '*missing-profile*'
        }
        finally {
            $env:AWS_SHARED_CREDENTIALS_FILE = Join-Path $TestDrive 'no-credentials'
        }
    }

    It 'assumes a role and works as that role' {
        $roleArn = "arn:aws:iam::$($endpoint.AccountId):role/OrganizationAccountAccessRole"
        $session = Connect-Onboard -EndpointUrl $endpoint.Url -AccessKey $endpoint.AccessKeyId -SecretKey $endpoint.SecretAccessKey -RoleArn $roleArn -RoleSessionName onboarding-test
        $session.CallerArn | Should -Be "arn:aws:sts::$($endpoint.AccountId):assumed-role/OrganizationAccountAccessRole/onboarding-test"
        $session.CredentialSource | Should -Match 'OrganizationAccountAccessRole'
        (New-OnboardUser -UserName (New-TestName)).Status | Should -Be 'Created'
    }

    It 'says to run Connect-Onboard when no credentials can be found' {
        { New-OnboardUser -UserName (New-TestName) -ErrorAction Stop } |
            Should -Throw -ErrorId 'SessionNotAvailable,IamOnboard.Commands.NewOnboardUserCommand' -ExpectedMessage '*Connect-Onboard*'
    }

    It 'refuses root credentials unless -AllowRootCredential is given' {
        { Connect-Onboard -EndpointUrl $endpoint.Url -AccessKey $endpoint.RootAccessKeyId -SecretKey $endpoint.RootSecretAccessKey -ErrorAction Stop } |
            Should -Throw -ErrorId 'RootCredentialRefused,IamOnboard.Commands.ConnectOnboardCommand'
        Get-OnboardSession | Should -BeNullOrEmpty
        $session = Connect-Onboard -EndpointUrl $endpoint.Url -AccessKey $endpoint.RootAccessKeyId -SecretKey $endpoint.RootSecretAccessKey -AllowRootCredential -WarningVariable warnings -WarningAction SilentlyContinue
        $session.IsRootCaller | Should -BeTrue
        $warnings | Should -Not -BeNullOrEmpty
    }

    It 'uses -Session over the default session' {
        $other = Start-OnboardLocalIam
        try {
            $null = Connect-Onboard -EndpointUrl $endpoint.Url -AccessKey $endpoint.AccessKeyId -SecretKey $endpoint.SecretAccessKey
            $otherSession = Connect-Onboard -EndpointUrl $other.Url -AccessKey $other.AccessKeyId -SecretKey $other.SecretAccessKey
            $null = Connect-Onboard -EndpointUrl $endpoint.Url -AccessKey $endpoint.AccessKeyId -SecretKey $endpoint.SecretAccessKey
            $user = New-OnboardUser -UserName (New-TestName) -Session $otherSession
            $user.Arn | Should -Match ":$($other.AccountId):"
        }
        finally {
            $other | Stop-OnboardLocalIam -Confirm:$false
        }
    }

    It 'refuses a call naming no credentials in a runspace without the session while another runspace has one, and takes -Session $using:' {
        # ForEach-Object -Parallel starts without the session: the credential chain there (here the environment's keys,
        # another account's) used to sign the call in silence.
        $other = Start-OnboardLocalIam
        try {
            $session = Connect-Onboard -EndpointUrl $endpoint.Url -AccessKey $endpoint.AccessKeyId -SecretKey $endpoint.SecretAccessKey
            $env:AWS_ACCESS_KEY_ID = $other.AccessKeyId
            $env:AWS_SECRET_ACCESS_KEY = ConvertTo-PlainText $other.SecretAccessKey
            $env:AWS_ENDPOINT_URL = $other.Url
            $name = New-TestName 'parallel'
            $answers = 1 | ForEach-Object -Parallel {
                Import-Module $using:env:IAMONBOARD_MODULE
                try { $null = New-OnboardUser -UserName $using:name -ErrorAction Stop; 'created' } catch { $_.FullyQualifiedErrorId; $_.Exception.Message }
            }
            $answers[0] | Should -Be 'NoSessionInThisRunspace,IamOnboard.Commands.NewOnboardUserCommand'
            $answers[1] | Should -Match ([regex]::Escape('-Session $using:session'))
            (Invoke-AwsCli -Endpoint $other -Arguments @('iam', 'get-user', '--user-name', $name)).StdErr | Should -Match 'NoSuchEntity'

            $made = 1 | ForEach-Object -Parallel {
                Import-Module $using:env:IAMONBOARD_MODULE
                New-OnboardUser -UserName $using:name -Session $using:session
            }
            $made.Arn | Should -Match ":$($endpoint.AccountId):user/"
        }
        finally {
            Remove-Item env:AWS_ACCESS_KEY_ID, env:AWS_SECRET_ACCESS_KEY, env:AWS_ENDPOINT_URL -ErrorAction SilentlyContinue
            $other | Stop-OnboardLocalIam -Confirm:$false
        }
    }

    It 'refuses a session copied from another process (Start-Job, Import-Clixml) naming the way out, before any request' {
        # Start-Job's $using:session and Export-Clixml/Import-Clixml give a deserialized copy, which holds no credentials:
        # before, PowerShell's own binding error said only that it could not convert the copy.
        $session = Connect-Onboard -EndpointUrl $endpoint.Url -AccessKey $endpoint.AccessKeyId -SecretKey $endpoint.SecretAccessKey
        $file = Join-Path $TestDrive 'session.xml'
        $session | Export-Clixml -Path $file
        $copy = Import-Clixml -Path $file
        $name = New-TestName 'copied'
        $before = $endpoint.GetStatistics().TotalRequests
        $calls = @(
            { New-OnboardUser -UserName $name -Session $copy -ErrorAction Stop }
            { Add-OnboardGroupMember -UserName $name -GroupName any -Session $copy -ErrorAction Stop }
            { Add-OnboardInlinePolicy -UserName $name -PolicyName p -PolicyDocument '{}' -Session $copy -ErrorAction Stop }
            { Test-OnboardAccess -UserName $name -Action iam:GetUser -Session $copy -ErrorAction Stop }
        )
        foreach ($call in $calls) {
            $failure = { & $call } | Should -Throw -PassThru
            $failure.FullyQualifiedErrorId | Should -BeLike 'ParameterArgumentTransformationError*'
            $failure.Exception.Message | Should -Match 'copy of a session from another process'
            $failure.Exception.Message | Should -Match 'Connect-Onboard'
            $failure.Exception.Message | Should -Match ([regex]::Escape('Start-ThreadJob'))
        }
        $endpoint.GetStatistics().TotalRequests | Should -Be $before
    }

    It 'never shows a secret in any stream or in the session object' {
        $output = Connect-Onboard -EndpointUrl $endpoint.Url -AccessKey $endpoint.AccessKeyId -SecretKey $endpoint.SecretAccessKey -Verbose -Debug *>&1 | Out-String
        $output += Get-OnboardSession | Format-List * | Out-String
        $output += Get-OnboardSession | ConvertTo-Json -Depth 3 -WarningAction SilentlyContinue | Out-String
        $output | Should -Not -Match ([regex]::Escape($adminSecret))
    }
}

Describe 'A user piped from another account' {
    It 'is refused by the next command, whose session is another account''s, instead of acting on a namesake there' {
        $other = Start-OnboardLocalIam
        try {
            $null = Connect-Onboard -EndpointUrl $endpoint.Url -AccessKey $endpoint.AccessKeyId -SecretKey $endpoint.SecretAccessKey
            $inOther = @{ EndpointUrl = $other.Url; AccessKey = $other.AccessKeyId; SecretKey = $other.SecretAccessKey }
            $name = New-TestName 'elsewhere'
            $group = New-TestName 'devs'
            $null = New-OnboardGroup -GroupName $group
            $null = New-OnboardGroup -GroupName $group @inOther
            $null = New-OnboardUser -UserName $name   # a namesake in the connected account
            $out = New-OnboardUser -UserName $name @inOther -ProgrammaticAccess | Add-OnboardGroupMember -GroupName $group -ErrorVariable refused -ErrorAction SilentlyContinue -WarningVariable warned -WarningAction SilentlyContinue
            $out | Should -BeNullOrEmpty
            $refused | Should -HaveCount 1
            $refused[0].FullyQualifiedErrorId | Should -BeLike 'AccountMismatch,*'
            "$($refused[0])" | Should -BeLike "IAM user '$name' came down the pipeline from account $($other.AccountId) (arn:aws:iam::$($other.AccountId):user/$name), but Add-OnboardGroupMember works in account $($endpoint.AccountId) *"
            $refused[0].TargetObject.UserName | Should -Be $name
            # Neither account's group got a member; the new user's credentials count as not handed out.
            (Invoke-AwsCli -Endpoint $endpoint -Arguments @('iam', 'get-group', '--group-name', $group)).Json.Users | Should -BeNullOrEmpty
            (Invoke-AwsCli -Endpoint $other -Arguments @('iam', 'get-group', '--group-name', $group)).Json.Users | Should -BeNullOrEmpty
            @($warned | Where-Object { "$_" -like "$name*did not hand on the new credentials*" }) | Should -HaveCount 1

            # Bound by its UserName only (Remove-OnboardUser), the object is still known: the namesake here is not removed.
            $third = New-TestName 'by-name'
            $null = New-OnboardUser -UserName $third
            New-OnboardUser -UserName $third @inOther | Remove-OnboardUser -Confirm:$false -ErrorVariable byName -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
            @($byName | ForEach-Object { $_.FullyQualifiedErrorId.Split(',')[0] }) | Should -Be @('AccountMismatch')
            (Invoke-AwsCli -Endpoint $endpoint -Arguments @('iam', 'get-user', '--user-name', $third)).Json.User.UserName | Should -Be $third
            (Invoke-AwsCli -Endpoint $other -Arguments @('iam', 'get-user', '--user-name', $third)).Json.User.UserName | Should -Be $third

            # Given the same account, the pipeline goes on.
            $second = New-TestName 'same'
            (New-OnboardUser -UserName $second @inOther | Add-OnboardGroupMember -GroupName $group @inOther).Status | Should -Be 'Added'
        }
        finally {
            Disconnect-Onboard
            $other | Stop-OnboardLocalIam -Confirm:$false
        }
    }
}

Describe "A user read by another tool in another account" {
    It 'is refused, never acted on by name in the connected account (the AWS CLI''s JSON, AWS.Tools'' Get-IAMUser)' {
        # `Get-IAMUser -ProfileName prod | Remove-OnboardUser` while connected to dev, or the AWS CLI's
        # `aws iam get-user --profile prod | ConvertFrom-Json`: the objects carry the user's ARN, which names its account.
        # Before: the command took the UserName and acted on the namesake in the connected account.
        $other = Start-OnboardLocalIam
        try {
            $null = Connect-Onboard -EndpointUrl $endpoint.Url -AccessKey $endpoint.AccessKeyId -SecretKey $endpoint.SecretAccessKey
            $name = New-TestName 'namesake'
            $group = New-TestName 'devs'
            $null = New-OnboardGroup -GroupName $group
            $null = New-OnboardUser -UserName $name
            $null = Invoke-AwsCli -Endpoint $other -Arguments @('iam', 'create-user', '--user-name', $name)
            # What the independent client reads in the other account, as a PowerShell object.
            $fromCli = (Invoke-AwsCli -Endpoint $other -Arguments @('iam', 'get-user', '--user-name', $name)).Json.User
            $fromCli.Arn | Should -BeLike "*:$($other.AccountId):user/$name"
            # AWS.Tools' Amazon.IdentityManagement.Model.User has the same properties.
            $fromAwsTools = [pscustomobject]@{ PSTypeName = 'Amazon.IdentityManagement.Model.User'; UserName = $name; Arn = $fromCli.Arn; Path = '/'; UserId = $fromCli.UserId; CreateDate = [datetime]$fromCli.CreateDate }

            $fromCli | Add-OnboardGroupMember -GroupName $group -ErrorVariable refused -ErrorAction SilentlyContinue
            $fromAwsTools | Remove-OnboardUser -Confirm:$false -ErrorVariable +refused -ErrorAction SilentlyContinue
            $fromAwsTools | Enable-OnboardVirtualMfa -Unattended -ErrorVariable +refused -ErrorAction SilentlyContinue
            $fromCli | Add-OnboardInlinePolicy -PolicyName p -PolicyDocument '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"*"}]}' -ErrorVariable +refused -ErrorAction SilentlyContinue
            $fromCli | Test-OnboardAccess -Action iam:GetUser -ErrorVariable +refused -ErrorAction SilentlyContinue
            @($refused | ForEach-Object { $_.FullyQualifiedErrorId.Split(',')[0] }) | Should -Be @('AccountMismatch', 'AccountMismatch', 'AccountMismatch', 'AccountMismatch', 'AccountMismatch')
            "$($refused[0])" | Should -BeLike "IAM user '$name' came down the pipeline from account $($other.AccountId) (*), but Add-OnboardGroupMember works in account $($endpoint.AccountId) *"
            $refused[0].TargetObject | Should -Be $fromCli.Arn

            # The namesake in the connected account is untouched: no group, still there, no MFA, no inline policy.
            (Invoke-AwsCli -Endpoint $endpoint -Arguments @('iam', 'get-group', '--group-name', $group)).Json.Users | Should -BeNullOrEmpty
            (Invoke-AwsCli -Endpoint $endpoint -Arguments @('iam', 'list-mfa-devices', '--user-name', $name)).Json.MFADevices | Should -BeNullOrEmpty
            (Invoke-AwsCli -Endpoint $endpoint -Arguments @('iam', 'list-user-policies', '--user-name', $name)).Json.PolicyNames | Should -BeNullOrEmpty

            # The same tool's object from the connected account goes through; a group's ARN is not a user's.
            $here = (Invoke-AwsCli -Endpoint $endpoint -Arguments @('iam', 'get-user', '--user-name', $name)).Json.User
            ($here | Add-OnboardGroupMember -GroupName $group).Status | Should -Be 'Added'
            $otherGroup = (Invoke-AwsCli -Endpoint $other -Arguments @('iam', 'create-group', '--group-name', $group)).Json.Group
            $second = New-TestName 'member'
            $null = New-OnboardUser -UserName $second
            ($otherGroup | Add-OnboardGroupMember -UserName $second).Status | Should -Be 'Added'
        }
        finally {
            Disconnect-Onboard
            $other | Stop-OnboardLocalIam -Confirm:$false
        }
    }
}

Describe 'Retries and cancellation' {
    It 'succeeds through throttling and server failures, showing each attempt on the debug stream' {
        $stormy = Start-OnboardLocalIam -ThrottleRate 4 -ThrottleBurst 2 -FailureRate 0.2
        try {
            $session = Connect-TestEndpoint -Endpoint $stormy
            $DebugPreference = 'Continue'
            $debug = 1..4 | ForEach-Object { New-TestName } | New-OnboardUser -Session $session 5>&1 -ErrorVariable failures
            $failures | Should -BeNullOrEmpty
            ($debug | Where-Object { $_ -is [IamOnboard.Commands.OnboardUser] }) | Should -HaveCount 4
            $messages = ($debug | Where-Object { $_ -is [System.Management.Automation.DebugRecord] }).Message -join "`n"
            $messages | Should -Match 'attempt 2'
        }
        finally {
            Disconnect-Onboard
            $stormy | Stop-OnboardLocalIam -Confirm:$false
        }
    }

    It 'stops promptly on Ctrl+C while a call is in flight' {
        $slow = Start-OnboardLocalIam -Latency ([timespan]::FromSeconds(20))
        $shell = [powershell]::Create()
        try {
            $null = $shell.AddScript({
                    param($Module, $Url, $Key, $Secret)
                    Import-Module $Module
                    Connect-Onboard -EndpointUrl $Url -AccessKey $Key -SecretKey $Secret
                }).AddArgument($env:IAMONBOARD_MODULE).AddArgument($slow.Url).AddArgument($slow.AccessKeyId).AddArgument($slow.SecretAccessKey)
            $async = $shell.BeginInvoke()
            Start-Sleep -Milliseconds 800
            $watch = [System.Diagnostics.Stopwatch]::StartNew()
            $shell.Stop()
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 10
            $async.IsCompleted | Should -BeTrue
        }
        finally {
            $shell.Dispose()
            $slow | Stop-OnboardLocalIam -Confirm:$false
        }
    }
}
