# A corpus of bad input: each case gets its own clear error (its id, and a message naming the row, field or value),
# never an unhandled exception; for CSV files, the valid rows of the same batch still complete.
BeforeDiscovery {
    $long = 'u' * 65
    $script:csvRows = @(
        @{ Name = 'a space and !'; Row = 'bad name!,/,,no,no,no,,'; Id = 'InvalidUserName'; Message = "*row 2*bad name!*" }
        @{ Name = 'a slash'; Row = 'bad/name,/,,no,no,no,,'; Id = 'InvalidUserName'; Message = "*row 2*bad/name*" }
        @{ Name = 'a 65-character name'; Row = "$long,/,,no,no,no,,"; Id = 'InvalidUserName'; Message = "*row 2*userName*64*" }
        @{ Name = 'an empty name'; Row = ',/,,no,no,no,,'; Id = 'InvalidUserName'; Message = "*row 2*userName*" }
        @{ Name = 'a non-ASCII name'; Row = "jos$([char]0xE9),/,,no,no,no,,"; Id = 'InvalidUserName'; Message = "*row 2*jos*" }
        @{ Name = 'a path without slashes'; Row = 'bad-1,engineering,,no,no,no,,'; Id = 'InvalidPath'; Message = "*row 2*'engineering' is not an IAM path, which starts and ends with '/': give '/engineering/'*" }
        @{ Name = 'a path without the closing slash'; Row = 'bad-1,/eng,,no,no,no,,'; Id = 'InvalidPath'; Message = "*row 2*'/eng'*give '/eng/'*" }
        @{ Name = 'a path with a space'; Row = 'bad-1,/en g/,,no,no,no,,'; Id = 'InvalidPath'; Message = "*row 2*'/en g/'*" }
        @{ Name = 'a 514-character path'; Row = "bad-1,/$('p' * 512)/,,no,no,no,,"; Id = 'InvalidPath'; Message = "*row 2*path*" }
        @{ Name = 'a tag key starting aws:'; Row = 'bad-1,/,aws:team=x,no,no,no,,'; Id = 'InvalidTag'; Message = "*row 2*aws:team*" }
        @{ Name = 'a tag without ='; Row = 'bad-1,/,team,no,no,no,,'; Id = 'InvalidTag'; Message = "*row 2*Tag*'team'*" }
        @{ Name = 'a 129-character tag key'; Row = "bad-1,/,$('k' * 129)=v,no,no,no,,"; Id = 'InvalidTag'; Message = "*row 2*kkkk*" }
        @{ Name = 'a 257-character tag value'; Row = "bad-1,/,k=$('v' * 257),no,no,no,,"; Id = 'InvalidTag'; Message = "*row 2*vvvv*" }
        @{ Name = 'a tag key with !'; Row = 'bad-1,/,k!=v,no,no,no,,'; Id = 'InvalidTag'; Message = "*row 2*'k!'*" }
        @{ Name = 'a tab in a tag value'; Row = "bad-1,/,note=a`tb,no,no,no,,"; Id = 'InvalidTag'; Message = "*row 2*. Its character 2 is U+0009, which IAM does not allow in a tag; type it again*" }
        @{ Name = 'a zero-width space in a tag value'; Row = "bad-1,/,team=data$([char]0x200B),no,no,no,,"; Id = 'InvalidTag'; Message = "*row 2*. Its character 5 is U+200B (zero-width space), which IAM does not allow in a tag; type it again*" }
        @{ Name = 'a ! in a tag value'; Row = 'bad-1,/,k=v!,no,no,no,,'; Id = 'InvalidTag'; Message = "*row 2*. Its character 2 is '!', which IAM does not allow in a tag; type it again*" }
        @{ Name = 'tag keys differing in case'; Row = 'bad-1,/,k=v;K=w,no,no,no,,'; Id = 'InvalidTag'; Message = "*row 2*'K'*" }
        @{ Name = '51 tags'; Row = "bad-1,/,""$((1..51 | ForEach-Object { "k$_=v" }) -join ';')"",no,no,no,,"; Id = 'InvalidTag'; Message = "*row 2*50*" }
        @{ Name = 'ConsoleAccess maybe'; Row = 'bad-1,/,,maybe,no,no,,'; Id = 'InvalidYesNo'; Message = "*row 2*ConsoleAccess: 'maybe'*" }
        @{ Name = 'PasswordResetRequired 2'; Row = 'bad-1,/,,no,2,no,,'; Id = 'InvalidYesNo'; Message = "*row 2*PasswordResetRequired: '2'*" }
        @{ Name = 'ProgrammaticAccess yess'; Row = 'bad-1,/,,no,no,yess,,'; Id = 'InvalidYesNo'; Message = "*row 2*ProgrammaticAccess: 'yess'*" }
        @{ Name = 'ConsoleAccess y'; Row = 'bad-1,/,,y!,no,no,,'; Id = 'InvalidYesNo'; Message = "*row 2*ConsoleAccess: 'y!'*" }
        @{ Name = 'a stray column'; Row = 'bad-1,/,,no,no,no,,,extra'; Id = 'CsvStrayFields'; Message = "*row 2*9 fields*8 columns*" }
        @{ Name = 'two stray columns'; Row = 'bad-1,/,,no,no,no,,,x,y'; Id = 'CsvStrayFields'; Message = "*row 2*10 fields*" }
        @{ Name = 'a missing column'; Row = 'bad-1,/,,no,no,no,'; Id = 'CsvMissingFields'; Message = "*row 2 (line 3 of rows-*.csv)*7 fields, but the header has 8 columns*" }
        @{ Name = 'only a user name'; Row = 'bad-1'; Id = 'CsvMissingFields'; Message = "*row 2 (line 3 of rows-*.csv)*1 field, but the header has 8 columns*" }
        @{ Name = 'an empty policy ARN name'; Row = 'bad-1,/,,no,no,no,arn:aws:iam::aws:policy/,'; Id = 'InvalidPolicyArn'; Message = "*row 2*arn:aws:iam::aws:policy/*" }
        @{ Name = 'a policy ARN of another service'; Row = 'bad-1,/,,no,no,no,arn:aws:s3:::bucket,'; Id = 'InvalidPolicyArn'; Message = "*row 2*arn:aws:s3:::bucket*" }
        @{ Name = 'a group name with a space'; Row = 'bad-1,/,,no,no,no,,bad group!'; Id = 'InvalidGroupName'; Message = "*row 2*'bad group!'*" }
        @{ Name = 'an unknown group'; Row = 'bad-1,/,,no,no,no,,no-such-group'; Id = 'GroupNotFound'; Message = "*row 2*no-such-group*" }
        @{ Name = 'an unknown policy'; Row = 'bad-1,/,,no,no,no,NoSuchPolicyXyz,'; Id = 'PolicyNotFound'; Message = "*row 2*NoSuchPolicyXyz*" }
        @{ Name = 'a group named twice, in other case'; Row = 'bad-1,/,,no,no,no,,Developers;developers'; Id = 'GroupNamedTwice'; Message = "*row 2*Group: 'Developers' and 'developers' name the same group (IAM names ignore case)*" }
        @{ Name = 'a policy named twice'; Row = 'bad-1,/,,no,no,no,ReadOnlyAccess;ReadOnlyAccess,'; Id = 'PolicyNamedTwice'; Message = "*row 2*Policy: 'ReadOnlyAccess' is named twice*" }
        @{ Name = 'a policy named by name and by ARN'; Row = 'bad-1,/,,no,no,no,ReadOnlyAccess;arn:aws:iam::aws:policy/ReadOnlyAccess,'; Id = 'PolicyNamedTwice'; Message = "*row 2*Policy: 'ReadOnlyAccess' and 'arn:aws:iam::aws:policy/ReadOnlyAccess' name the same policy*" }
        @{ Name = 'a tab in the name'; Row = "bad`tname,/,,no,no,no,,"; Id = 'InvalidUserName'; Message = "*row 2*userName*" }
        @{ Name = 'a # in the name'; Row = 'bad#name,/,,no,no,no,,'; Id = 'InvalidUserName'; Message = "*row 2*bad#name*" }
        @{ Name = 'a path of two slashes'; Row = 'bad-1,//,,no,no,no,,'; Id = 'InvalidPath'; Message = "*row 2*'//'*" }
        @{ Name = 'a duplicate of the valid row'; Row = 'GOOD,/,,no,no,no,,'; Id = 'DuplicateUserName'; Message = "*row 2*repeats row 1*" }
    )

    $script:csvFiles = @(
        @{ Name = 'Latin-1 bytes'; Bytes = [Text.Encoding]::Latin1.GetBytes("User name,Path`nok-user,/`nJos$([char]0xE9),/`n"); Id = 'CsvUnreadable'; Message = '*line 3*UTF-8*' }
        @{ Name = 'an unknown column'; Text = "User name,Grup`nx,y`n"; Id = 'CsvColumnUnknown'; Message = "*'Grup'*" }
        @{ Name = 'a password column'; Text = "User name,Password`nx,Secret123!`n"; Id = 'CsvPasswordColumn'; Message = '*Password*' }
        @{ Name = 'no user name column'; Text = "Path,Tag`n/,a=b`n"; Id = 'CsvUserNameMissing'; Message = '*User*name*' }
        @{ Name = 'a repeated column'; Text = "User name,Path,Path`nx,/,/`n"; Id = 'CsvColumnRepeated'; Message = "*Path*" }
    )

    $bigStatement = (1..80 | ForEach-Object { '{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket-number-' + $_ + '/*"}' }) -join ','
    $script:policies = @(
        @{ Name = 'not JSON'; Document = 'this is not json'; Message = '*JSON*' }
        @{ Name = 'truncated JSON'; Document = '{"Version":"2012-10-17","Statement":['; Message = '*JSON*' }
        @{ Name = 'a JSON array'; Document = '[1,2,3]'; Message = '*' }
        @{ Name = 'a wrong Version'; Document = '{"Version":"2020-01-01","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}'; Message = '*Version*2020-01-01*' }
        @{ Name = 'no Statement'; Document = '{"Version":"2012-10-17"}'; Message = '*Statement*' }
        @{ Name = 'an empty Statement'; Document = '{"Version":"2012-10-17","Statement":[]}'; Message = '*Statement*' }
        @{ Name = 'a missing Effect'; Document = '{"Version":"2012-10-17","Statement":[{"Action":"s3:*","Resource":"*"}]}'; Message = '*Effect*' }
        @{ Name = 'an Effect of Maybe'; Document = '{"Version":"2012-10-17","Statement":[{"Effect":"Maybe","Action":"s3:*","Resource":"*"}]}'; Message = '*Effect*Maybe*' }
        @{ Name = 'no Action'; Document = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Resource":"*"}]}'; Message = '*Action*' }
        @{ Name = 'no Resource'; Document = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*"}]}'; Message = '*Resource*' }
        @{ Name = 'a Principal'; Document = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:*","Resource":"*"}]}'; Message = '*Principal*' }
        @{ Name = 'a Statement that is a string'; Document = '{"Version":"2012-10-17","Statement":"allow everything"}'; Message = '*Statement*' }
        @{ Name = 'a NotPrincipal'; Document = '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":"*"},"Action":"s3:*","Resource":"*"}]}'; Message = '*Principal*' }
        @{ Name = 'an unknown statement key'; Document = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Actions":"s3:*","Resource":"*"}]}'; Message = '*Actions*' }
        @{ Name = 'a control character'; Document = "{""Version"":""2012-10-17"",""Statement"":[{""Sid"":""a$([char]1)b"",""Effect"":""Allow"",""Action"":""s3:*"",""Resource"":""*""}]}"; Message = '*character*' }
        @{ Name = 'more than 2,048 characters'; Document = '{"Version":"2012-10-17","Statement":[' + $bigStatement + ']}'; Message = '*2048*' }
    )

    $script:mfaCodes = @(
        @{ Name = 'letters'; Code1 = 'abcdef'; Code2 = '123456'; Message = '*abcdef*' }
        @{ Name = '5 digits'; Code1 = '12345'; Code2 = '123456'; Message = '*12345*' }
        @{ Name = '7 digits'; Code1 = '123456'; Code2 = '1234567'; Message = '*1234567*' }
        @{ Name = 'digits and a space'; Code1 = '123 45'; Code2 = '123456'; Message = '*123 45*' }
        @{ Name = 'two equal codes'; Code1 = '123456'; Code2 = '123456'; Message = '*code*' }
        @{ Name = 'wrong codes'; Code1 = '000000'; Code2 = '000001'; Message = '*code*' }
    )
}

BeforeAll {
    Import-Module $env:IAMONBOARD_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:endpoint = Start-OnboardLocalIam
    $script:session = Connect-TestEndpoint -Endpoint $endpoint
    $null = New-OnboardUser -UserName policy-target
    $script:header = 'User name,Path,Tag,ConsoleAccess,PasswordResetRequired,ProgrammaticAccess,Policy,Group'
    $script:case = 0
    function script:Get-ShortId($ErrorRecord) { $ErrorRecord.FullyQualifiedErrorId.Split(',')[0] }
}

AfterAll {
    Disconnect-Onboard
    $script:endpoint | Stop-OnboardLocalIam -Confirm:$false
}

Describe 'Bad CSV rows' {
    It 'refuses <Name> with <Id>, naming the row, and completes the valid row' -TestCases $csvRows {
        param($Name, $Row, $Id, $Message)
        $script:case++
        $good = "good-csv-$case"
        $file = Join-Path $TestDrive "rows-$case.csv"
        @($header, "$good,/,,no,no,yes,,", $Row.Replace('GOOD', $good)) | Set-Content -Path $file -Encoding utf8NoBOM
        $users = Import-OnboardCsv $file -ErrorVariable importErrors -ErrorAction SilentlyContinue |
            New-OnboardUser -ErrorVariable runErrors -ErrorAction SilentlyContinue
        $errors = @($importErrors) + @($runErrors)
        $errors | Should -HaveCount 1
        Get-ShortId $errors[0] | Should -Be $Id
        "$($errors[0])" | Should -BeLike $Message
        $errors.FullyQualifiedErrorId | Where-Object { $_ -like 'UnexpectedError*' } | Should -BeNullOrEmpty
        $users | Should -HaveCount 1
        $users[0].UserName | Should -Be $good
        $users[0].Status | Should -Be 'Created'
        $users[0].AccessKeyId | Should -Not -BeNullOrEmpty
    }
}

Describe 'A path without its slashes' {
    It 'says the path IAM takes, on New-OnboardUser and New-OnboardGroup, and makes nothing' {
        $user = "path-user-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
        { New-OnboardUser $user -Path engineering -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidPath,IamOnboard.Commands.NewOnboardUserCommand' -ExpectedMessage "Path: 'engineering' is not an IAM path, which starts and ends with '/': give '/engineering/'."
        { New-OnboardGroup "path-group-$user" -Path /engineering -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidPath,*' -ExpectedMessage "*'/engineering'*give '/engineering/'*"
        (Invoke-AwsCli -Endpoint $endpoint -Arguments @('iam', 'get-user', '--user-name', $user)).ExitCode | Should -Not -Be 0
        # A path wrong in another way keeps IAM's words.
        { New-OnboardUser $user -Path '/en g/' -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidPath,*' -ExpectedMessage '*regular expression pattern*'
    }
}

Describe 'Bad CSV files' {
    It 'refuses a file with <Name> as <Id>' -TestCases $csvFiles {
        param($Name, $Bytes, $Text, $Id, $Message)
        $script:case++
        $file = Join-Path $TestDrive "file-$case.csv"
        if ($Bytes) { [IO.File]::WriteAllBytes($file, $Bytes) } else { [IO.File]::WriteAllText($file, $Text) }
        $failure = $null
        try { $null = Import-OnboardCsv $file -ErrorAction Stop } catch { $failure = $_ }
        $failure | Should -Not -BeNullOrEmpty
        Get-ShortId $failure | Should -Be $Id
        $failure.Exception.Message | Should -BeLike $Message
    }
}

Describe 'Bad inline policy documents' {
    It 'refuses <Name> before calling IAM, with a message naming the problem' -TestCases $policies {
        param($Name, $Document, $Message)
        $failure = $null
        try { $null = Add-OnboardInlinePolicy -UserName policy-target -PolicyName bad-policy -PolicyDocument $Document -ErrorAction Stop } catch { $failure = $_ }
        $failure | Should -Not -BeNullOrEmpty
        Get-ShortId $failure | Should -Not -BeLike 'UnexpectedError*'
        Get-ShortId $failure | Should -BeIn @('InvalidPolicyDocument', 'InlinePolicySizeExceeded', 'MalformedPolicyDocument')
        $failure.Exception.Message | Should -BeLike $Message
    }
}

Describe 'Bad MFA codes' {
    It 'refuses <Name> and leaves no unassigned device' -TestCases $mfaCodes {
        param($Name, $Code1, $Code2, $Message)
        $script:case++
        $user = "mfa-bad-$case"
        $null = New-OnboardUser -UserName $user
        $failure = $null
        try { $null = Enable-OnboardVirtualMfa -UserName $user -Code1 $Code1 -Code2 $Code2 -ErrorAction Stop } catch { $failure = $_ }
        $failure | Should -Not -BeNullOrEmpty
        Get-ShortId $failure | Should -Not -BeLike 'UnexpectedError*'
        $failure.Exception.Message | Should -BeLike $Message
        (Invoke-AwsCli -Endpoint $endpoint -Arguments @('iam', 'list-mfa-devices', '--user-name', $user)).Json.MFADevices | Should -BeNullOrEmpty
    }
}

Describe 'Stale MFA codes' {
    # Enable-OnboardVirtualMfa creates the device itself (replacing an unassigned one of the same name), so its seed
    # cannot be known before the call, and with -Code1/-Code2 stale codes are refused before IAM, like any wrong code
    # (InvalidMfaCodes, above). So the device here comes from the AWS CLI, whose seed the test knows: a valid pair of
    # its codes from an hour ago is refused as InvalidAuthenticationCode, and a current pair then enables it.
    It 'refuses a valid pair of the device''s codes from an hour ago, and takes a current pair' {
        $script:case++
        $user = "mfa-stale-$case"
        $null = New-OnboardUser -UserName $user
        $seedFile = Join-Path $TestDrive "$user.seed"
        $created = Invoke-AwsCli -Endpoint $endpoint -Arguments @('iam', 'create-virtual-mfa-device', '--virtual-mfa-device-name', $user,
            '--outfile', $seedFile, '--bootstrap-method', 'Base32StringSeed')
        $created.ExitCode | Should -Be 0 -Because $created.StdErr
        $serial = $created.Json.VirtualMFADevice.SerialNumber
        $seed = (Get-Content -Raw -Path $seedFile).Trim()

        $now = [DateTimeOffset]::UtcNow
        $current = @(-2..1 | ForEach-Object { Get-TestTotpCode -Base32Seed $seed -At $now.AddSeconds(30 * $_) })
        $then = $now.AddHours(-1)
        do {
            $code1 = Get-TestTotpCode -Base32Seed $seed -At $then.AddSeconds(-30)
            $code2 = Get-TestTotpCode -Base32Seed $seed -At $then
            $then = $then.AddHours(-1)
            # (A pair from an hour ago that is also a current pair is a one-in-a-million chance; then an older one.)
        } while (@(0..2 | Where-Object { $current[$_] -eq $code1 -and $current[$_ + 1] -eq $code2 }).Count -gt 0)

        $stale = Invoke-AwsCli -Endpoint $endpoint -Arguments @('iam', 'enable-mfa-device', '--user-name', $user, '--serial-number', $serial,
            '--authentication-code1', $code1, '--authentication-code2', $code2)
        $stale.ExitCode | Should -Not -Be 0
        $stale.StdErr | Should -BeLike '*InvalidAuthenticationCode*'
        (Invoke-AwsCli -Endpoint $endpoint -Arguments @('iam', 'list-mfa-devices', '--user-name', $user)).Json.MFADevices | Should -BeNullOrEmpty

        # The same device with a current pair: it was the time that was wrong, not the seed.
        $now = [DateTimeOffset]::UtcNow
        $fresh = Invoke-AwsCli -Endpoint $endpoint -Arguments @('iam', 'enable-mfa-device', '--user-name', $user, '--serial-number', $serial,
            '--authentication-code1', (Get-TestTotpCode -Base32Seed $seed -At $now.AddSeconds(-30)), '--authentication-code2', (Get-TestTotpCode -Base32Seed $seed -At $now))
        $fresh.ExitCode | Should -Be 0 -Because $fresh.StdErr
        (Invoke-AwsCli -Endpoint $endpoint -Arguments @('iam', 'list-mfa-devices', '--user-name', $user)).Json.MFADevices.SerialNumber | Should -Be $serial
    }
}

Describe 'Bad MFA parameters' {
    It 'refuses <Name> as <Id> before creating a device' -TestCases @(
        @{ Name = 'Code1 without Code2'; Parameters = @{ Code1 = '123456' }; Id = 'MfaCodePairIncomplete' }
        @{ Name = 'Code2 without Code1'; Parameters = @{ Code2 = '123456' }; Id = 'MfaCodePairIncomplete' }
        @{ Name = 'codes with -Unattended'; Parameters = @{ Code1 = '123456'; Code2 = '654321'; Unattended = $true }; Id = 'MfaCodesWithUnattended' }
    ) {
        param($Name, $Parameters, $Id)
        $script:case++
        $user = "mfa-param-$case"
        $null = New-OnboardUser -UserName $user
        $failure = $null
        try { $null = Enable-OnboardVirtualMfa -UserName $user @Parameters -ErrorAction Stop } catch { $failure = $_ }
        $failure | Should -Not -BeNullOrEmpty
        $failure.FullyQualifiedErrorId | Should -BeLike "$Id*"
        (Invoke-AwsCli -Endpoint $endpoint -Arguments @('iam', 'list-virtual-mfa-devices', '--assignment-status', 'Unassigned')).Json.VirtualMFADevices | Should -BeNullOrEmpty
    }
}

Describe 'Bad credentials' {
    It 'refuses an unknown access key' {
        $secret = ConvertTo-SecureString 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' -AsPlainText -Force
        { Connect-Onboard -EndpointUrl $endpoint.Url -AccessKey 'AKIAIOSFODNN7EXAMPLE' -SecretKey $secret -ErrorAction Stop } |
            Should -Throw -ExpectedMessage '*security token*invalid*'
    }

    It 'refuses a wrong secret for a real key' {
        $secret = ConvertTo-SecureString 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' -AsPlainText -Force
        { Connect-Onboard -EndpointUrl $endpoint.Url -AccessKey $endpoint.AccessKeyId -SecretKey $secret -ErrorAction Stop } |
            Should -Throw -ExpectedMessage '*Signature*'
    }

    It 'refuses an expired session token as ExpiredToken, at once, saying to get new credentials and connect again' {
        $roleArn = "arn:aws:iam::$($endpoint.AccountId):role/OrganizationAccountAccessRole"
        $assumed = Invoke-AwsCli -Endpoint $endpoint -Arguments @('sts', 'assume-role', '--role-arn', $roleArn, '--role-session-name', 'expiring')
        $assumed.ExitCode | Should -Be 0 -Because $assumed.StdErr
        $temporary = $assumed.Json.Credentials
        $keys = @{
            EndpointUrl  = $endpoint.Url
            AccessKey    = $temporary.AccessKeyId
            SecretKey    = ConvertTo-SecureString $temporary.SecretAccessKey -AsPlainText -Force
            SessionToken = ConvertTo-SecureString $temporary.SessionToken -AsPlainText -Force
        }
        try {
            $session = Connect-Onboard @keys
            $session.CallerArn | Should -BeLike '*:assumed-role/OrganizationAccountAccessRole/expiring'
            # STS issues nothing shorter than 900 seconds; the endpoint's test hook ends the session now.
            $endpoint.ExpireTemporaryCredentials() | Should -BeGreaterOrEqual 1

            $before = $endpoint.GetStatistics().AuthenticationFailures
            $failure = $null
            try { $null = New-OnboardUser -UserName expired-token-user -ProgrammaticAccess -ErrorAction Stop } catch { $failure = $_ }
            $failure | Should -Not -BeNullOrEmpty
            $failure.FullyQualifiedErrorId | Should -Be 'ExpiredToken,IamOnboard.Commands.NewOnboardUserCommand'
            $failure.CategoryInfo.Category | Should -Be 'SecurityError'
            $failure.Exception.Message | Should -BeLike '*expired*Get new temporary credentials*Connect-Onboard again*'
            $failure.Exception.Message.Contains($temporary.SessionToken) | Should -BeFalse
            $failure.Exception.Message.Contains($temporary.SecretAccessKey) | Should -BeFalse
            ($endpoint.GetStatistics().AuthenticationFailures - $before) | Should -Be 1 -Because 'retrying an expired token cannot help'
            (Invoke-AwsCli -Endpoint $endpoint -Arguments @('iam', 'get-user', '--user-name', 'expired-token-user')).StdErr | Should -BeLike '*NoSuchEntity*'

            # Connecting again with the same expired token: the same error, from Connect-Onboard's own identity check.
            $before = $endpoint.GetStatistics().AuthenticationFailures
            $again = $null
            try { $null = Connect-Onboard @keys -ErrorAction Stop } catch { $again = $_ }
            $again | Should -Not -BeNullOrEmpty
            $again.FullyQualifiedErrorId | Should -Be 'ExpiredToken,IamOnboard.Commands.ConnectOnboardCommand'
            $again.Exception.Message | Should -BeLike '*expired*Get new temporary credentials*Connect-Onboard again*'
            ($endpoint.GetStatistics().AuthenticationFailures - $before) | Should -Be 2 -Because 'GetCallerIdentity and the account alias lookup sent beside it go once each, never retried'
        }
        finally {
            $null = Connect-TestEndpoint -Endpoint $endpoint
        }
    }

    It 'refuses the root key' {
        { Connect-Onboard -EndpointUrl $endpoint.Url -AccessKey $endpoint.RootAccessKeyId -SecretKey $endpoint.RootSecretAccessKey -ErrorAction Stop } |
            Should -Throw -ErrorId 'RootCredentialRefused,IamOnboard.Commands.ConnectOnboardCommand'
    }
}
