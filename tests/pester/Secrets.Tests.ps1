# The secrets a run makes (passwords, secret access keys, MFA seeds) leave only through the objects, the credentials
# file and the QR codes: never in verbose/debug output, the transcript, the SDK's own log, or any other file.
BeforeAll {
    Import-Module $env:IAMONBOARD_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
}

Describe 'Secrets in a full run with verbose and debug output' {
    BeforeAll {
        $script:folder = Join-Path $TestDrive 'run'
        $null = New-Item -ItemType Directory -Path $folder
        $statePath = Join-Path $folder 'state.json'
        # Injected ServiceFailures make the client retry, so the debug stream has its 'attempt N' lines to check: a few
        # scripted on the calls that carry secrets (always), and a few at random on any call.
        $script:endpoint = Start-OnboardLocalIam -StatePath $statePath -FailureRate 0.05
        foreach ($action in 'CreateLoginProfile', 'CreateAccessKey', 'CreateVirtualMFADevice', 'EnableMFADevice') { $endpoint.FailNextRequests($action, 1) }
        $script:credentialsPath = Join-Path $folder 'credentials.csv'
        $script:qrFolder = Join-Path $folder 'qr/'
        $transcript = Join-Path $folder 'transcript.txt'
        $sdkLog = Join-Path $folder 'sdk.log'

        # The SDK lives in the module's own AssemblyLoadContext: reach its AWSConfigs through reflection, not a type literal.
        $script:sdkLogging = $false
        $listener = $null
        try {
            $core = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'AWSSDK.Core' } | Select-Object -First 1
            $configs = $core.GetType('Amazon.AWSConfigs', $true)
            $logging = $configs.GetProperty('LoggingConfig').GetValue($null)
            $logging.LogTo = 'SystemDiagnostics'
            $logging.LogResponses = 'Always'
            $logging.LogMetrics = $true
            $listener = [System.Diagnostics.TextWriterTraceListener]::new($sdkLog)
            $null = $configs.GetMethod('AddTraceListener').Invoke($null, @('Amazon', $listener))
            $script:sdkLogging = $true
        }
        catch {
            Write-Host "SDK request logging could not be enabled from outside the module: $($_.Exception.Message)"
        }

        $VerbosePreference = 'Continue'
        $DebugPreference = 'Continue'
        $null = Start-Transcript -Path $transcript
        try {
            $script:streams = & {
                $session = Connect-TestEndpoint -Endpoint $endpoint
                $null = New-OnboardGroup -GroupName secrets-team -Policy 'job-function/ViewOnlyAccess'
                $csv = Join-Path $folder 'starters.csv'
                @('User name,ConsoleAccess,PasswordResetRequired,ProgrammaticAccess,Group') +
                    (1..3 | ForEach-Object { "secret-$_,yes,yes,yes,secrets-team" }) | Set-Content -Path $csv
                $policy = Join-Path $folder 'policy.json'
                '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}]}' | Set-Content $policy
                $script:devices = Import-OnboardCsv $csv | New-OnboardUser | Tee-Object -Variable users |
                    Enable-OnboardVirtualMfa -Unattended -QrCodePath $qrFolder -IncludeSeed
                $script:users = $users
                $null = Add-OnboardInlinePolicy -UserName secret-1 -PolicyName Audit -Path $policy
                $devices | Export-OnboardCredential -Path $credentialsPath
                $devices
            } *>&1 | ForEach-Object { $_ }
        }
        finally {
            $null = Stop-Transcript
            $VerbosePreference = 'SilentlyContinue'
            $DebugPreference = 'SilentlyContinue'
            if ($listener) { $listener.Flush(); $listener.Close() }
        }

        $script:secrets = @(
            $users | Where-Object Password | ForEach-Object { ConvertTo-PlainText $_.Password }
            $users | Where-Object SecretAccessKey | ForEach-Object { ConvertTo-PlainText $_.SecretAccessKey }
            $devices | Where-Object Seed | ForEach-Object { ConvertTo-PlainText $_.Seed }
        )
    }

    AfterAll {
        $script:endpoint | Stop-OnboardLocalIam -Confirm:$false
    }

    It 'collects every secret of the run (3 passwords, 3 secret keys, 3 MFA seeds)' {
        $secrets | Should -HaveCount 9
        $secrets | ForEach-Object { $_.Length | Should -BeGreaterOrEqual 16 }
        ($streams | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }) | Should -Not -BeNullOrEmpty
        $debug = @($streams | Where-Object { $_ -is [System.Management.Automation.DebugRecord] } | ForEach-Object Message)
        foreach ($action in 'CreateLoginProfile', 'CreateAccessKey', 'CreateVirtualMFADevice', 'EnableMFADevice') {
            # The SDK's retry line, or for the creates that look into an answer of unknown outcome, their own resend line.
            $debug -match "^IAM $action (for '[^']+' )?attempt 2 of " | Should -Not -BeNullOrEmpty -Because "the endpoint failed the first $action of the run"
        }
    }

    It 'keeps every secret out of the captured streams' {
        $text = ($streams | ForEach-Object {
                if ($_ -is [System.Management.Automation.ErrorRecord]) { "$_ $($_.Exception)" } elseif ($_ -is [System.Management.Automation.InformationalRecord]) { $_.Message } else { $_ | Out-String }
            }) -join "`n"
        foreach ($secret in $secrets) { $text.Contains($secret) | Should -BeFalse }
    }

    It 'keeps every secret out of the transcript, the SDK log and every other file but the credentials CSV and QR codes' {
        # The endpoint's state file is the fake IAM's own database: like IAM, it must hold the secret keys (to check
        # signatures) and the MFA seeds (to check codes). It is not the module's output; it is checked for mode 0600 below.
        $files = Get-ChildItem -Path $TestDrive -File -Recurse |
            Where-Object { $_.FullName -ne $credentialsPath -and $_.Extension -ne '.png' -and $_.Name -ne 'state.json' }
        $files.Name | Should -Contain 'transcript.txt'
        foreach ($file in $files) {
            $content = [IO.File]::ReadAllText($file.FullName)
            foreach ($secret in $secrets) { $content.Contains($secret) | Should -BeFalse -Because "$($file.Name) must not hold a secret" }
        }
        if ($sdkLogging) { (Get-Item (Join-Path $folder 'sdk.log')).Length | Should -BeGreaterThan 0 -Because 'the SDK wrote its log' }
    }

    It 'writes the credentials CSV, the QR codes and the endpoint state file owner-only' -Skip:$IsWindows {
        $credentials = [IO.File]::ReadAllText($credentialsPath)
        $users | ForEach-Object { $credentials.Contains((ConvertTo-PlainText $_.SecretAccessKey)) | Should -BeTrue }
        $qr = @(Get-ChildItem -Path $qrFolder -Filter '*.png')
        $qr | Should -HaveCount 3
        foreach ($path in @($credentialsPath, (Join-Path $folder 'state.json')) + $qr.FullName) {
            [IO.File]::GetUnixFileMode($path) | Should -Be ([IO.UnixFileMode]'UserRead, UserWrite') -Because "$path must be mode 0600"
        }
    }
}

Describe 'A secret key given where the access key id goes' {
    BeforeAll {
        $script:endpoint = Start-OnboardLocalIam
        $script:secret = ConvertTo-PlainText $endpoint.SecretAccessKey
    }
    AfterAll { $endpoint | Stop-OnboardLocalIam -Confirm:$false }

    # -AccessKey was the error's target: Get-Error, $Error and the classic error view (Windows PowerShell's default) showed it.
    It 'is not the error target of <Name>' -TestCases @(
        @{ Name = 'Connect-Onboard'; Run = { param($s, $k, $u) try { Connect-Onboard -AccessKey $s -SecretKey $k -EndpointUrl $u -ErrorAction Stop } catch { $_ } } }
        @{ Name = 'New-OnboardUser'; Run = { param($s, $k, $u) try { New-OnboardUser swapped-keys -AccessKey $s -SecretKey $k -EndpointUrl $u -ErrorAction Stop } catch { $_ } } }
        @{ Name = 'New-OnboardUser, with any secret key'; Run = { param($s, $k, $u) try { New-OnboardUser swapped-keys -AccessKey $s -SecretKey 'not-the-secret' -EndpointUrl $u -ErrorAction Stop } catch { $_ } } }
        @{ Name = 'Add-OnboardGroupMember'; Run = { param($s, $k, $u) try { Add-OnboardGroupMember -UserName swapped-keys -GroupName g -AccessKey $s -SecretKey $k -EndpointUrl $u -ErrorAction Stop } catch { $_ } } }
    ) {
        $errors = @(& $Run $secret $endpoint.AccessKeyId $endpoint.Url)
        $errors | Should -Not -BeNullOrEmpty
        foreach ($record in $errors) {
            "$($record.TargetObject)" | Should -Not -BeLike "*$secret*"
            $record.CategoryInfo.ToString() | Should -Not -BeLike "*$secret*"
            ($record | Format-List * -Force | Out-String) | Should -Not -BeLike "*$secret*"
            $record.Exception.Message | Should -Not -BeLike "*$secret*"
        }
    }
}
