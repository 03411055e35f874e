# A machine whose clock is off, played by the local endpoint's ShiftClock: its clock set apart from this machine's. Each
# test has an endpoint of its own, since the AWS SDK keeps what it learned of an endpoint's clock for the process.
BeforeAll {
    Import-Module $env:IAMONBOARD_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force

    # The AWS SDK keeps the clock correction it learned for an endpoint's URL for the life of the process, and learns it
    # anew only from an answer to a request to that URL: a later test's endpoint on the same port would start that far
    # off. Only a test may set it: AWSSDK.Core (the pinned version) keeps the setter internal. It is the module's own
    # copy, loaded beside IamOnboard.Engine (in the module's private load context on PowerShell 7).
    function Set-SdkClockCorrection($Endpoint, [TimeSpan] $Correction) {
        $engine = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'IamOnboard.Engine' } | Select-Object -First 1
        $core = [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($engine).Assemblies | Where-Object { $_.GetName().Name -eq 'AWSSDK.Core' }
        $set = $core.GetType('Amazon.Runtime.CorrectClockSkew').GetMethod('SetClockCorrectionForEndpoint', [System.Reflection.BindingFlags]'Static, NonPublic')
        if (-not $set) { throw 'AWSSDK.Core no longer has CorrectClockSkew.SetClockCorrectionForEndpoint: find how this version forgets a clock correction.' }
        $null = $set.Invoke($null, @(([uri]$Endpoint.Url).ToString(), $Correction))
    }

    function Stop-ShiftedEndpoint($Endpoint) {
        Set-SdkClockCorrection $Endpoint ([TimeSpan]::Zero)
        $Endpoint | Stop-OnboardLocalIam -Confirm:$false
    }
}

Describe 'A machine whose clock is off' {
    BeforeEach {
        $script:endpoint = Start-OnboardLocalIam
    }

    AfterEach {
        Stop-ShiftedEndpoint $script:endpoint
    }

    It 'connects and creates a user with the clock 20 minutes <Direction>, through the AWS SDK''s clock correction' -ForEach @(
        @{ Direction = 'behind'; Minutes = 20 }
        @{ Direction = 'ahead'; Minutes = -20 }
    ) {
        $endpoint.ShiftClock([TimeSpan]::FromMinutes($Minutes))
        $session = Connect-TestEndpoint -Endpoint $endpoint
        $name = New-TestName 'clock'
        $user = New-OnboardUser -UserName $name -Session $session -ErrorAction Stop
        $user.UserName | Should -Be $name
        # Read back by the AWS CLI, a process of its own, with the clocks together again.
        $endpoint.ShiftClock([TimeSpan]::Zero)
        (Invoke-AwsCli -Endpoint $endpoint -Arguments @('iam', 'get-user', '--user-name', $name)).Json.User.UserName | Should -Be $name
    }

    It 'enrols MFA unattended with the clock 3 minutes <Direction>: the codes follow IAM''s time, and a verbose line says how far off the clock is' -ForEach @(
        @{ Direction = 'behind'; Minutes = 3; Word = 'behind' }
        @{ Direction = 'ahead'; Minutes = -3; Word = 'ahead of' }
    ) {
        $endpoint.ShiftClock([TimeSpan]::FromMinutes($Minutes))
        $session = Connect-TestEndpoint -Endpoint $endpoint
        $name = New-TestName 'clockmfa'
        $null = New-OnboardUser -UserName $name -Session $session
        $everything = Enable-OnboardVirtualMfa -UserName $name -Unattended -Session $session -Verbose -ErrorAction Stop 4>&1
        $device = $everything | Where-Object { $_ -is [IamOnboard.Commands.OnboardMfaDevice] }
        $device.Status | Should -Be 'Enabled'
        $verbose = @($everything | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
        @($verbose | Where-Object { $_ -match "^This machine's clock is (2 min 5[89] s|3 min|3 min [12] s) $Word IAM's .* the MFA codes for '$name' are computed for IAM's time\.$" }).Count | Should -Be 1
    }
}

Describe 'A machine whose clock is off, with a person typing the codes' {
    BeforeAll {
        $script:endpoint = Start-OnboardLocalIam
        # This machine's clock 3 minutes behind IAM's; the person's phone keeps the right time, IAM's.
        $endpoint.ShiftClock([TimeSpan]::FromMinutes(3))
        $script:session = Connect-TestEndpoint -Endpoint $endpoint
    }

    AfterAll {
        Stop-ShiftedEndpoint $script:endpoint
    }

    It 'takes the codes a phone shows, checking them at IAM''s time, not this machine''s' {
        $name = New-TestName 'clockphone'
        $null = New-OnboardUser -UserName $name -Session $session
        $script = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$($env:IAMONBOARD_MODULE)'
`$null = Connect-Onboard -EndpointUrl '$($endpoint.Url)' -AccessKey '$($endpoint.AccessKeyId)' -SecretKey (ConvertTo-SecureString `$env:TEST_IAM_SECRET -AsPlainText -Force)
`$device = Enable-OnboardVirtualMfa -UserName '$name' -ShowSecret -ErrorAction Stop
'RESULT ' + `$device.Status
"@
        $start = New-ChildPwshStartInfo -Arguments @('-NoProfile', '-NoLogo', '-Command', $script)
        $start.RedirectStandardInput = $true
        $start.RedirectStandardOutput = $true
        $start.RedirectStandardError = $true
        $start.Environment['TEST_IAM_SECRET'] = ConvertTo-PlainText $endpoint.SecretAccessKey
        $child = [System.Diagnostics.Process]::Start($start)
        $stderr = $child.StandardError.ReadToEndAsync()
        try {
            $seed = $null
            $deadline = [DateTime]::UtcNow.AddSeconds(60)
            while (-not $seed -and [DateTime]::UtcNow -lt $deadline) {
                $read = $child.StandardOutput.ReadLineAsync()
                if (-not $read.Wait(30000) -or $null -eq $read.Result) { break }
                if ($read.Result -match 'Secret key for .+: ([A-Z2-7]+)') { $seed = $Matches[1] }
            }
            $seed | Should -Not -BeNullOrEmpty -Because 'the child shows the secret before asking for codes'
            # What the phone shows: the current code and the next one, by IAM's time.
            $phone = [DateTimeOffset]::UtcNow.AddMinutes(3)
            $child.StandardInput.WriteLine((Get-TestTotpCode -Base32Seed $seed -At $phone))
            $child.StandardInput.WriteLine((Get-TestTotpCode -Base32Seed $seed -At $phone.AddSeconds(30)))
            $child.StandardInput.Close()
            $rest = $child.StandardOutput.ReadToEndAsync()
            $child.WaitForExit(90000) | Should -BeTrue
        }
        finally {
            if (-not $child.HasExited) { $child.Kill($true) }
        }
        # Before: 'That code does not match this device', until the input ran out and the device was deleted.
        $rest.Result | Should -Not -Match 'does not match'
        $rest.Result | Should -Match 'RESULT Enabled' -Because $stderr.Result
        $endpoint.ShiftClock([TimeSpan]::Zero)
        (Invoke-AwsCli -Endpoint $endpoint -Arguments @('iam', 'list-mfa-devices', '--user-name', $name)).Json.MFADevices | Should -HaveCount 1
    }
}

# What the AWS SDK keeps for the process once this machine's clock was 20 minutes behind and then put right (time
# synchronization after a resume): it signs 20 minutes ahead of the endpoint's time, which agrees with this machine's.
Describe 'A clock correction the AWS SDK kept after the clock was put right' {
    BeforeEach {
        $script:endpoint = Start-OnboardLocalIam
        # The verbose line of a request sent again: how far off it was signed, and how far the correction is put right.
        $script:putRight = "was refused for its signing time \(Signature not yet current\): the AWS SDK signed it (19 min 5[89] s|20 min|20 min [12] s) ahead of (IAM|STS)'s time .* " +
            "put right by (19 min 5[89] s|20 min|20 min [12] s), to 0 s \(this machine's clock agrees with (IAM|STS)'s\); sending it again, attempt 2 of 8\.$"
    }

    AfterEach {
        Stop-ShiftedEndpoint $script:endpoint
    }

    It 'connects and creates a six-row batch, each request that meets it sent again, and says so on the verbose stream' {
        Set-SdkClockCorrection $endpoint ([TimeSpan]::FromMinutes(20))
        $everything = Connect-Onboard -EndpointUrl $endpoint.Url -AccessKey $endpoint.AccessKeyId -SecretKey $endpoint.SecretAccessKey -Verbose -ErrorAction Stop 4>&1
        $session = $everything | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }
        $session.AccountId | Should -Be $endpoint.AccountId
        @($everything | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -match "^STS GetCallerIdentity $putRight" }).Count | Should -Be 1

        Set-SdkClockCorrection $endpoint ([TimeSpan]::FromMinutes(20))
        $names = 1..6 | ForEach-Object { New-TestName 'kept' }
        $everything = $names | ForEach-Object { [pscustomobject]@{ UserName = $_ } } | New-OnboardUser -Session $session -Verbose -ErrorVariable failed 4>&1
        $failed | Should -BeNullOrEmpty
        @($everything | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }).UserName | Sort-Object | Should -Be ($names | Sort-Object)
        $resent = @($everything | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -match "^IAM CreateUser for '[^']+' $putRight" })
        $resent.Count | Should -BeGreaterOrEqual 1
        # Read back by the AWS CLI, a process of its own.
        foreach ($name in $names) {
            (Invoke-AwsCli -Endpoint $endpoint -Arguments @('iam', 'get-user', '--user-name', $name)).Json.User.UserName | Should -Be $name
        }
    }

    It 'assumes the role of a role profile through the endpoint (STS), the AssumeRole that meets it sent again' {
        $saved = @{ Config = $env:AWS_CONFIG_FILE; Credentials = $env:AWS_SHARED_CREDENTIALS_FILE }
        try {
            $env:AWS_CONFIG_FILE = Join-Path $TestDrive 'config'
            $env:AWS_SHARED_CREDENTIALS_FILE = Join-Path $TestDrive 'credentials'
            Set-Content -Path $env:AWS_CONFIG_FILE -Value "[profile kept]`nrole_arn = arn:aws:iam::$($endpoint.AccountId):role/OrganizationAccountAccessRole`nsource_profile = base`nrole_session_name = kept`nendpoint_url = $($endpoint.Url)`n"
            Set-Content -Path $env:AWS_SHARED_CREDENTIALS_FILE -Value "[base]`naws_access_key_id = $($endpoint.AccessKeyId)`naws_secret_access_key = $(ConvertTo-PlainText $endpoint.SecretAccessKey)`n"
            Set-SdkClockCorrection $endpoint ([TimeSpan]::FromMinutes(20))

            $everything = Connect-Onboard -ProfileName kept -Verbose -ErrorAction Stop 4>&1
            $session = $everything | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }
            $session.CallerArn | Should -Be "arn:aws:sts::$($endpoint.AccountId):assumed-role/OrganizationAccountAccessRole/kept"
            @($everything | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -match "^STS AssumeRole $putRight" }).Count | Should -Be 1
            $name = New-TestName 'keptrole'
            (New-OnboardUser -UserName $name -Session $session -ErrorAction Stop).UserName | Should -Be $name
        }
        finally {
            Disconnect-Onboard
            foreach ($key in 'Config', 'Credentials') {
                $variable = if ($key -eq 'Config') { 'AWS_CONFIG_FILE' } else { 'AWS_SHARED_CREDENTIALS_FILE' }
                if ($null -eq $saved[$key]) { Remove-Item "env:$variable" -ErrorAction SilentlyContinue } else { Set-Item "env:$variable" $saved[$key] }
            }
        }
    }
}
