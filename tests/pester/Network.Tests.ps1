# Corporate networks: the proxy variables (HTTP_PROXY, HTTPS_PROXY, NO_PROXY) and the module's own loopback endpoint.
# Each case runs Connect-Onboard in a child pwsh with the variables set for that child only, so no other test sees them
# (.NET and IamOnboard read them per process). Nothing leaves loopback: the endpoint is reached under a made-up name
# that only the recording proxy (RecordingProxy.cs) answers for, and IAMONBOARD_LOOPBACK_ONLY=1 refuses a direct
# connection to that name.
BeforeAll {
    Import-Module $env:IAMONBOARD_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    if (-not ('IamOnboardTests.RecordingProxy' -as [type])) {
        Add-Type -Path (Join-Path $PSScriptRoot 'RecordingProxy.cs')
    }

    $script:endpoint = Start-OnboardLocalIam
    $script:port = ([uri] $endpoint.Url).Port
    $script:corpHost = 'iam.corp-test.invalid'
    $script:corpUrl = "http://$($corpHost):$port"

    # Connects in a fresh pwsh with only the given proxy variables (NAME=value; case matters, as on Linux), and returns its output and its error text.
    function script:Connect-InChild([string] $Url, [string[]] $Proxy, [switch] $Local, [string] $Connect, [hashtable] $Environment = @{}) {
        $connect = if ($Connect) { $Connect } elseif ($Local) { 'Connect-Onboard -Local' } else { 'Connect-Onboard -EndpointUrl $env:TEST_URL -AccessKey $env:TEST_KEY_ID -SecretKey $env:TEST_SECRET -MaxAttempts 1' }
        $script = "`$ErrorActionPreference = 'Stop'; Import-Module `$env:IAMONBOARD_MODULE; try { `$s = $connect; 'CALLER ' + `$s.CallerArn; `$null = New-OnboardGroup -GroupName ('network-' + [guid]::NewGuid().ToString('N').Substring(0, 10)); 'CREATED' } catch { 'ERROR ' + `$_.Exception.Message }"
        $start = New-ChildPwshStartInfo -Arguments @('-NoProfile', '-NonInteractive', '-Command', $script)
        foreach ($name in 'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'ALL_PROXY', 'http_proxy', 'https_proxy', 'no_proxy', 'all_proxy') { $null = $start.Environment.Remove($name) }
        foreach ($pair in $Proxy) { $name, $value = $pair -split '=', 2; $start.Environment[$name] = $value }
        $start.Environment['IAMONBOARD_LOOPBACK_ONLY'] = '1'
        $start.Environment['TEST_URL'] = $Url
        $start.Environment['TEST_KEY_ID'] = $endpoint.AccessKeyId
        $start.Environment['TEST_SECRET'] = ConvertTo-PlainText $endpoint.SecretAccessKey
        foreach ($name in $Environment.Keys) { $start.Environment[$name] = $Environment[$name] }
        (Invoke-CheckedProcess -StartInfo $start) -join "`n"
    }
}

AfterAll {
    $endpoint | Stop-OnboardLocalIam -Confirm:$false
}

Describe 'Network: proxies named by the environment' {
    BeforeEach {
        $script:proxy = [IamOnboardTests.RecordingProxy]::new([string[]] @($corpHost))
    }

    AfterEach {
        $proxy.Dispose()
    }

    It 'sends IAM and STS through HTTP_PROXY, signed for the endpoint host the proxy forwards to' {
        $output = Connect-InChild -Url $corpUrl -Proxy @("HTTP_PROXY=$($proxy.Url)")

        $output | Should -Match "CALLER arn:aws:iam::$($endpoint.AccountId):"
        $output | Should -Match 'CREATED'
        # Every request went through the proxy, by absolute URI, with the endpoint's own name as Host (what SigV4 signed).
        $proxy.Requests.Count | Should -BeGreaterOrEqual 3
        $proxy.Requests | ForEach-Object { $_ | Should -BeExactly "POST $corpUrl/ Host: $($corpHost):$port" }
    }

    It 'takes the lower-case http_proxy over HTTP_PROXY, as the AWS CLI does' {
        $output = Connect-InChild -Url $corpUrl -Proxy @("http_proxy=$($proxy.Url)", 'HTTP_PROXY=http://127.0.0.1:9')

        $output | Should -Match 'CREATED'
        $proxy.Requests.Count | Should -BeGreaterOrEqual 3
    }

    It 'goes direct for a host under a NO_PROXY domain: refused here, where only loopback may be reached' {
        $output = Connect-InChild -Url $corpUrl -Proxy @("HTTP_PROXY=$($proxy.Url)", 'NO_PROXY=localhost,corp-test.invalid')

        $output | Should -Match "ERROR IAMONBOARD_LOOPBACK_ONLY=1 refuses \w+ endpoint '$([regex]::Escape($corpUrl))'"
        $proxy.Requests | Should -BeNullOrEmpty
    }

    It 'still refuses an AWS host through a proxy on loopback, which may be a local agent that goes out' {
        $output = Connect-InChild -Url 'https://iam.amazonaws.com' -Proxy @("HTTPS_PROXY=$($proxy.Url)")

        $output | Should -Match "ERROR IAMONBOARD_LOOPBACK_ONLY=1 refuses \w+ endpoint 'https://iam.amazonaws.com'"
        $proxy.Requests | Should -BeNullOrEmpty
    }

    It 'reaches a loopback endpoint directly although HTTP_PROXY names a proxy that is down' {
        $output = Connect-InChild -Url $endpoint.Url -Proxy @('HTTP_PROXY=http://127.0.0.1:9', 'HTTPS_PROXY=http://127.0.0.1:9')

        $output | Should -Match "CALLER arn:aws:iam::$($endpoint.AccountId):"
        $output | Should -Match 'CREATED'
    }

    It 'reaches the recording proxy for nothing when the endpoint is on loopback' {
        $output = Connect-InChild -Url $endpoint.Url -Proxy @("HTTP_PROXY=$($proxy.Url)")

        $output | Should -Match 'CREATED'
        $proxy.Requests | Should -BeNullOrEmpty
    }

    It 'connects with Connect-Onboard -Local although HTTP_PROXY names a proxy that is down' {
        $output = Connect-InChild -Local -Proxy @('HTTP_PROXY=http://127.0.0.1:9', 'http_proxy=http://127.0.0.1:9')

        $output | Should -Match 'CALLER arn:aws:iam::'
        $output | Should -Match 'CREATED'
    }

    It 'names the proxy when a request through it gets no response' {
        $output = Connect-InChild -Url $corpUrl -Proxy @('HTTP_PROXY=http://127.0.0.1:9')

        $output | Should -Match "ERROR STS GetCallerIdentity to $([regex]::Escape($corpUrl))/? through proxy http://127\.0\.0\.1:9 got no response"
    }

    It 'signs in with an IAM Identity Center profile through HTTPS_PROXY: the OIDC renewal and the portal''s role credentials too' {
        # An 'aws sso login' whose access token has expired: the renewal (SSO OIDC CreateToken), the role credentials (SSO
        # portal GetRoleCredentials), STS and IAM all go to the endpoint's corporate name, which only the proxy reaches.
        $awsDir = Join-Path $TestDrive "sso-$([guid]::NewGuid().ToString('N'))/.aws"
        $null = New-Item -ItemType Directory -Path (Join-Path $awsDir 'sso/cache') -Force
        Set-Content -Path (Join-Path $awsDir 'config') -Value ("[profile corp-admin]`nsso_session = corp`nsso_account_id = $($endpoint.AccountId)`nsso_role_name = OrganizationAccountAccessRole`n" +
            "region = us-east-1`nendpoint_url = $corpUrl`n[sso-session corp]`nsso_start_url = https://corp.example/start`nsso_region = us-east-1`n")
        $signIn = $endpoint.SignInToSso([timespan]::FromHours(-1))
        $sha1 = [System.Security.Cryptography.SHA1]::Create()
        $cacheName = -join ($sha1.ComputeHash([Text.Encoding]::UTF8.GetBytes('corp')) | ForEach-Object { $_.ToString('x2') })
        [ordered]@{ startUrl = 'https://corp.example/start'; region = 'us-east-1'; accessToken = (ConvertTo-PlainText $signIn.AccessToken)
            expiresAt = $signIn.ExpiresAt.ToUniversalTime().ToString('yyyy-MM-ddTHH:mm:ssZ'); clientId = $signIn.ClientId; clientSecret = (ConvertTo-PlainText $signIn.ClientSecret)
            registrationExpiresAt = $signIn.RegistrationExpiresAt.ToString('yyyy-MM-ddTHH:mm:ssZ'); refreshToken = (ConvertTo-PlainText $signIn.RefreshToken)
        } | ConvertTo-Json | Set-Content (Join-Path $awsDir "sso/cache/$cacheName.json")

        $output = Connect-InChild -Url $corpUrl -Proxy @("HTTPS_PROXY=$($proxy.Url)", "HTTP_PROXY=$($proxy.Url)") -Connect 'Connect-Onboard -ProfileName corp-admin' -Environment @{
            HOME = (Split-Path $awsDir); AWS_CONFIG_FILE = (Join-Path $awsDir 'config'); AWS_SHARED_CREDENTIALS_FILE = (Join-Path $awsDir 'credentials')
        }

        $output | Should -Match "CALLER arn:aws:sts::$($endpoint.AccountId):assumed-role/OrganizationAccountAccessRole/"
        $output | Should -Match 'CREATED'
        $requests = $proxy.Requests
        $requests | Should -Contain "POST $corpUrl/token Host: $($corpHost):$port"
        @($requests | Where-Object { $_ -like "GET $corpUrl/federation/credentials?*" }).Count | Should -Be 1
        @($requests | Where-Object { $_ -eq "POST $corpUrl/ Host: $($corpHost):$port" }).Count | Should -BeGreaterOrEqual 2
    }

    It 'refuses a proxy variable that names no usable proxy, naming the variable' {
        $output = Connect-InChild -Url $endpoint.Url -Proxy @('HTTPS_PROXY=socks5://proxy.corp-test.invalid:1080')

        $output | Should -Match "ERROR HTTPS_PROXY 'socks5://proxy.corp-test.invalid:1080' names no proxy IamOnboard can use"
    }
}

Describe 'Network: Connect-Onboard -ProxyUrl' {
    BeforeEach {
        $script:proxy = [IamOnboardTests.RecordingProxy]::new([string[]] @($corpHost))
    }

    AfterEach {
        $proxy.Dispose()
    }

    It 'sends the session through the proxy it names, for later calls too' {
        # No proxy variable in the child: the session's requests reach the proxy only because -ProxyUrl names it.
        $connect = "Connect-Onboard -EndpointUrl `$env:TEST_URL -AccessKey `$env:TEST_KEY_ID -SecretKey `$env:TEST_SECRET -MaxAttempts 1 -ProxyUrl '$($proxy.Url)'"
        $output = Connect-InChild -Url $corpUrl -Proxy @() -Connect $connect

        $output | Should -Match "CALLER arn:aws:iam::$($endpoint.AccountId):"
        $output | Should -Match 'CREATED'
        $proxy.Requests.Count | Should -BeGreaterOrEqual 3
        $proxy.Requests | ForEach-Object { $_ | Should -BeExactly "POST $corpUrl/ Host: $($corpHost):$port" }
    }

    It 'goes over the proxy the environment names' {
        $connect = "Connect-Onboard -EndpointUrl `$env:TEST_URL -AccessKey `$env:TEST_KEY_ID -SecretKey `$env:TEST_SECRET -MaxAttempts 1 -ProxyUrl '$($proxy.Url)'"
        $output = Connect-InChild -Url $corpUrl -Proxy @('HTTP_PROXY=http://127.0.0.1:9', "NO_PROXY=$corpHost") -Connect $connect

        $output | Should -Match 'CREATED'
        $proxy.Requests.Count | Should -BeGreaterOrEqual 3
    }

    It 'answers a proxy that asks for a user and password with -ProxyCredential, and with user:password@ in HTTP_PROXY' {
        $proxy.RequiredUser = 'svc-onboard'
        $proxy.RequiredPassword = 'proxy-test-password'
        $connect = "Connect-Onboard -EndpointUrl `$env:TEST_URL -AccessKey `$env:TEST_KEY_ID -SecretKey `$env:TEST_SECRET -MaxAttempts 1 -ProxyUrl '$($proxy.Url)' " +
            "-ProxyCredential ([pscredential]::new('svc-onboard', (ConvertTo-SecureString `$env:TEST_PROXY_PASSWORD -AsPlainText -Force)))"
        $output = Connect-InChild -Url $corpUrl -Proxy @('TEST_PROXY_PASSWORD=proxy-test-password') -Connect $connect

        $output | Should -Match 'CREATED'
        $proxy.Challenged | Should -BeGreaterThan 0
        $proxy.Requests | ForEach-Object { $_ | Should -BeExactly "POST $corpUrl/ Host: $($corpHost):$port (authenticated)" }

        $viaVariable = Connect-InChild -Url $corpUrl -Proxy @("HTTP_PROXY=http://svc-onboard:proxy-test-password@127.0.0.1:$($proxy.Port)")
        $viaVariable | Should -Match 'CREATED'
        $viaVariable | Should -Not -Match 'proxy-test-password'
    }

    It 'refuses a user and password in the URL, and -ProxyCredential without -ProxyUrl' {
        { Connect-Onboard -EndpointUrl $endpoint.Url -AccessKey $endpoint.AccessKeyId -SecretKey $endpoint.SecretAccessKey -ProxyUrl 'http://svc:not-here@127.0.0.1:9' } | Should -Throw '*-ProxyUrl must be a proxy*without a user name or password*-ProxyCredential*'
        $credential = [pscredential]::new('svc', (ConvertTo-SecureString 'x' -AsPlainText -Force))
        { Connect-Onboard -EndpointUrl $endpoint.Url -AccessKey $endpoint.AccessKeyId -SecretKey $endpoint.SecretAccessKey -ProxyCredential $credential } | Should -Throw '*-ProxyCredential was given without -ProxyUrl*'
    }
}
