# The sign-in setups admins bring (AWS SDK and CLI conventions) and AWS.Tools' session habits, end to end against
# local endpoints with config files under a temporary HOME.
BeforeAll {
    Import-Module $env:IAMONBOARD_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:endpoint = Start-OnboardLocalIam
    $script:other = Start-OnboardLocalIam
    $script:adminSecret = ConvertTo-PlainText $endpoint.SecretAccessKey
    $script:otherSecret = ConvertTo-PlainText $other.SecretAccessKey
    $script:savedEnvironment = @{}
    Get-ChildItem env: | Where-Object Name -like 'AWS_*' | ForEach-Object { $savedEnvironment[$_.Name] = $_.Value; Remove-Item "env:$($_.Name)" }
    $script:savedHome = $env:HOME

    # A fresh HOME with empty shared files for each test; nothing from the machine lends credentials.
    function script:Reset-AwsEnvironment {
        Get-ChildItem env: | Where-Object Name -like 'AWS_*' | ForEach-Object { Remove-Item "env:$($_.Name)" }
        $script:awsHome = Join-Path $TestDrive ([guid]::NewGuid().ToString('N'))
        $null = New-Item -ItemType Directory -Path (Join-Path $awsHome '.aws/sso/cache') -Force
        $env:HOME = $awsHome
        $env:AWS_CONFIG_FILE = Join-Path $awsHome '.aws/config'
        $env:AWS_SHARED_CREDENTIALS_FILE = Join-Path $awsHome '.aws/credentials'
        $env:AWS_EC2_METADATA_DISABLED = 'true'
    }

    function script:Set-AwsFiles([string] $Config = '', [string] $Credentials = '') {
        Set-Content -Path $env:AWS_CONFIG_FILE -Value $Config
        Set-Content -Path $env:AWS_SHARED_CREDENTIALS_FILE -Value $Credentials
    }

    $script:deadUrl = 'http://127.0.0.1:9/'   # loopback, nothing listens: a call that goes there fails at once

    # Temporary credentials IAM takes: a role's (GetSessionToken's, made without an MFA code, call no IAM operation).
    function script:Get-TemporaryCredentials($Endpoint) {
        (Invoke-AwsCli -Endpoint $Endpoint -Arguments @('sts', 'assume-role', '--role-arn', "arn:aws:iam::$($Endpoint.AccountId):role/OrganizationAccountAccessRole",
            '--role-session-name', 'aws-tools')).Json.Credentials
    }
}

AfterAll {
    Disconnect-Onboard
    Get-ChildItem env: | Where-Object Name -like 'AWS_*' | ForEach-Object { Remove-Item "env:$($_.Name)" }
    foreach ($name in $savedEnvironment.Keys) { Set-Item "env:$name" $savedEnvironment[$name] }
    $env:HOME = $savedHome
    $endpoint, $other | Stop-OnboardLocalIam -Confirm:$false
}

Describe 'Per-call session parameters' {
    BeforeEach { Reset-AwsEnvironment }
    AfterEach { Disconnect-Onboard }

    It 'keeps the Connect-Onboard session (credentials and endpoint) when -Region is given per call' {
        $null = Connect-Onboard -EndpointUrl $endpoint.Url -AccessKey $endpoint.AccessKeyId -SecretKey $endpoint.SecretAccessKey
        # The environment points elsewhere; a call that drops the session would land there.
        $env:AWS_ACCESS_KEY_ID = $other.AccessKeyId
        $env:AWS_SECRET_ACCESS_KEY = $otherSecret
        $env:AWS_ENDPOINT_URL = $other.Url
        $everything = New-OnboardUser -UserName (New-TestName) -Region eu-west-1 -Verbose 4>&1
        ($everything | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }).Arn | Should -Match ":$($endpoint.AccountId):user/"
        ($everything | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n" | Should -Match 'session from Connect-Onboard for this call in region eu-west-1'
    }

    It 'refuses a region that is not a region name, saying where it came from, before any call' {
        # The AWS SDK's own refusal ("The specified 'us east 1' region is not a valid hostname component") came out as
        # UnexpectedError, naming neither the parameter, variable or profile nor what a region looks like.
        $null = Connect-Onboard -EndpointUrl $endpoint.Url -AccessKey $endpoint.AccessKeyId -SecretKey $endpoint.SecretAccessKey
        $name = New-TestName
        { New-OnboardUser -UserName $name -Region 'us east 1' -ErrorAction Stop } |
            Should -Throw -ErrorId 'SessionNotAvailable,*' -ExpectedMessage "-Region: 'us east 1' is not a region name. Region names are letters, digits and hyphens*"
        { Connect-Onboard -EndpointUrl $endpoint.Url -AccessKey $endpoint.AccessKeyId -SecretKey $endpoint.SecretAccessKey -Region 'us-east-1 ' -ErrorAction Stop } |
            Should -Throw -ExpectedMessage "-Region: 'us-east-1 ' is not a region name*"
        $env:AWS_REGION = 'eu_west_1'
        { Connect-Onboard -EndpointUrl $endpoint.Url -AccessKey $endpoint.AccessKeyId -SecretKey $endpoint.SecretAccessKey -ErrorAction Stop } |
            Should -Throw -ExpectedMessage "The environment variable AWS_REGION: 'eu_west_1' is not a region name*"
        Remove-Item env:AWS_REGION
        Set-AwsFiles -Config "[profile typo]`nregion = eu-west-1,`n" -Credentials "[typo]`naws_access_key_id = $($endpoint.AccessKeyId)`naws_secret_access_key = $adminSecret`n"
        { New-OnboardUser -UserName $name -ProfileName typo -EndpointUrl $endpoint.Url -ErrorAction Stop } |
            Should -Throw -ExpectedMessage "The region of profile 'typo': 'eu-west-1,' is not a region name*"
        # None of the refused commands made the user.
        (New-OnboardUser -UserName $name).UserName | Should -Be $name
    }

    It 'makes a new session for this call only from -ProfileName, says so, and leaves the default alone' {
        Set-AwsFiles -Config "[profile other]`nendpoint_url = $($other.Url)`n" -Credentials "[other]`naws_access_key_id = $($other.AccessKeyId)`naws_secret_access_key = $otherSecret`n"
        $null = Connect-Onboard -EndpointUrl $endpoint.Url -AccessKey $endpoint.AccessKeyId -SecretKey $endpoint.SecretAccessKey
        $verbose = New-OnboardUser -UserName (New-TestName) -ProfileName other -Verbose 4>&1
        ($verbose | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }).Arn | Should -Match ":$($other.AccountId):user/"
        ($verbose | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n" | Should -Match 'new session for this call only'
        (Get-OnboardSession).AccountId | Should -Be $endpoint.AccountId
    }

    It 'takes -AccessKey, a plain-string -SecretKey and -EndpointUrl on any cmdlet, as AWS.Tools does' {
        $user = New-OnboardUser -UserName (New-TestName) -AccessKey $other.AccessKeyId -SecretKey $otherSecret -EndpointUrl $other.Url
        $user.Arn | Should -Match ":$($other.AccountId):user/"
    }

    It 'says a -ProfileLocation that names no file is missing, rather than that the profile is' {
        $missing = Join-Path $TestDrive 'no-such-credentials'
        { Connect-Onboard -ProfileLocation $missing -EndpointUrl $other.Url -ErrorAction Stop } |
            Should -Throw -ExpectedMessage "-ProfileLocation names $missing, which does not exist. Give the path of a shared credentials file, such as ~/.aws/credentials."
        { New-OnboardUser -UserName (New-TestName) -ProfileName there -ProfileLocation $TestDrive -EndpointUrl $other.Url -ErrorAction Stop } |
            Should -Throw -ExpectedMessage "-ProfileLocation names $TestDrive, which is a folder. Give the path of the shared credentials file in it, such as $(Join-Path $TestDrive 'credentials')."
    }

    It "refuses a -ProfileLocation of another provider (a relative one while the location is Env:, or Variable:x), and Start-OnboardLocalIam's -StatePath alike" {
        # PowerShell gives back the provider's own path ("creds"), which .NET read against the process's directory:
        # before, Connect-Onboard signed in with the profile of that folder's file, another account, without a word.
        $processDirectory = Join-Path $TestDrive ([guid]::NewGuid().ToString('N'))
        $null = New-Item -ItemType Directory $processDirectory
        Set-Content (Join-Path $processDirectory 'creds') "[there]`naws_access_key_id = $($other.AccessKeyId)`naws_secret_access_key = $otherSecret`n"
        $savedDirectory = [Environment]::CurrentDirectory
        [Environment]::CurrentDirectory = $processDirectory
        Push-Location Env:
        try {
            { Connect-Onboard -ProfileName there -ProfileLocation creds -EndpointUrl $other.Url -ErrorAction Stop } |
                Should -Throw -ErrorId 'PathNotInFileSystem,IamOnboard.Commands.ConnectOnboardCommand' -ExpectedMessage "ProfileLocation: 'creds' is relative to the current location 'Env:?', which is in PowerShell's Environment provider, not a folder of the file system.*"
            { New-OnboardUser -UserName (New-TestName) -ProfileName there -ProfileLocation Variable:creds -EndpointUrl $other.Url -ErrorAction Stop } |
                Should -Throw -ErrorId 'PathNotInFileSystem,IamOnboard.Commands.NewOnboardUserCommand' -ExpectedMessage "ProfileLocation: 'Variable:creds' is a path of PowerShell's Variable provider*"
            { Start-OnboardLocalIam -StatePath state.json -ErrorAction Stop } |
                Should -Throw -ErrorId 'PathNotInFileSystem,IamOnboard.Commands.StartOnboardLocalIamCommand' -ExpectedMessage "StatePath: 'state.json' is relative to the current location 'Env:?'*"
        }
        finally {
            Pop-Location
            [Environment]::CurrentDirectory = $savedDirectory
        }

        Join-Path $processDirectory 'state.json' | Should -Not -Exist
    }

    It 'reads -ProfileName from -ProfileLocation' {
        $file = Join-Path $awsHome 'elsewhere-credentials'
        Set-Content $file "[there]`naws_access_key_id = $($other.AccessKeyId)`naws_secret_access_key = $otherSecret`n"
        $user = New-OnboardUser -UserName (New-TestName) -ProfileName there -ProfileLocation $file -EndpointUrl $other.Url
        $user.Arn | Should -Match ":$($other.AccountId):user/"
    }

    It "binds AWS.Tools' aliases of the credential parameters, so its scripts run unchanged" {
        # AWS.Tools: -ProfileName alias StoredCredentials/AWSProfileName, -ProfileLocation is its alias of ProfilesLocation
        # (and AWSProfilesLocation), -AK, -SK/-SecretAccessKey, -ST. Before: "A parameter cannot be found that matches
        # parameter name 'StoredCredentials'".
        $file = Join-Path $awsHome 'aws-tools-credentials'
        Set-Content $file "[there]`naws_access_key_id = $($other.AccessKeyId)`naws_secret_access_key = $otherSecret`n"
        (New-OnboardUser -UserName (New-TestName) -StoredCredentials there -ProfilesLocation $file -EndpointUrl $other.Url).Arn | Should -Match ":$($other.AccountId):user/"
        (New-OnboardGroup -GroupName (New-TestName) -AWSProfileName there -AWSProfilesLocation $file -EndpointUrl $other.Url).Arn | Should -Match ":$($other.AccountId):group/"
        (New-OnboardUser -UserName (New-TestName) -AK $other.AccessKeyId -SecretAccessKey $otherSecret -EndpointUrl $other.Url).Arn | Should -Match ":$($other.AccountId):user/"
        $temporary = Get-TemporaryCredentials $other
        (Connect-Onboard -AK $temporary.AccessKeyId -SK $temporary.SecretAccessKey -ST $temporary.SessionToken -EndpointUrl $other.Url).AccountId | Should -Be $other.AccountId
    }

    It 'refuses GetSessionToken credentials made without an MFA code, as IAM does, saying why, on Connect-Onboard and per call' {
        # IAM takes no such credentials ("You cannot call any IAM API operations unless MFA authentication information is
        # included in the request", IAM User Guide) and says only "The security token included in the request is invalid";
        # STS knows them. Connect-Onboard took the alias lookup's refusal for AccessDenied and connected, and every command
        # after failed with IAM's words.
        $plain = (Invoke-AwsCli -Endpoint $other -Arguments @('sts', 'get-session-token')).Json.Credentials
        $expected = "IAM refuses the credentials of * (InvalidClientTokenId: The security token included in the request is invalid*), which STS accepts as " +
            "arn:aws:iam::$($other.AccountId):user/*: they are temporary credentials of * made without an MFA code (as 'aws sts get-session-token' gives them*"
        $connect = { Connect-Onboard -AccessKey $plain.AccessKeyId -SecretKey $plain.SecretAccessKey -SessionToken $plain.SessionToken -EndpointUrl $other.Url -ErrorAction Stop }
        $connect | Should -Throw -ErrorId 'SessionNotAvailable,*' -ExpectedMessage $expected
        $refusal = try { & $connect } catch { $_ }
        "$refusal" | Should -Not -Match ([regex]::Escape($plain.SecretAccessKey))
        { New-OnboardUser -UserName (New-TestName) -AccessKey $plain.AccessKeyId -SecretKey $plain.SecretAccessKey -SessionToken $plain.SessionToken -EndpointUrl $other.Url -ErrorAction Stop } |
            Should -Throw -ExpectedMessage $expected
    }

    It 'refuses -Session together with -ProfileName instead of silently ignoring one: the binder does (Sessions.ParameterSets.Tests.ps1)' {
        $session = Connect-TestEndpoint -Endpoint $endpoint
        { New-OnboardUser -UserName (New-TestName) -Session $session -ProfileName other -ErrorAction Stop } |
            Should -Throw -ErrorId 'AmbiguousParameterSet,IamOnboard.Commands.NewOnboardUserCommand'
    }

    It 'takes a PSCredential per call (-Credential), as AWS.Tools does' {
        $credential = [pscredential]::new($other.AccessKeyId, $other.SecretAccessKey)
        (New-OnboardUser -UserName (New-TestName) -Credential $credential -EndpointUrl $other.Url).Arn | Should -Match ":$($other.AccountId):user/"
    }

    It "takes AWS.Tools' AWSCredentials by its shape, session token included, per call and on Connect-Onboard" {
        # A stand-in for what Get-AWSCredential returns. AWS.Tools' AWSCredentials is a class of its own AWSSDK.Core, a
        # different type from ours (ours lives in a private load context), so the module reads it by shape: a
        # GetCredentials() method returning AccessKey, SecretKey and Token, as Amazon.Runtime.ImmutableCredentials has.
        # Temporary keys prove the token is used: without it STS does not know them.
        $temporary = Get-TemporaryCredentials $other
        $temporary.SessionToken | Should -Not -BeNullOrEmpty
        function New-AwsToolsCredentialStandIn($Token) {
            $keys = [pscustomobject]@{ AccessKey = $temporary.AccessKeyId; SecretKey = $temporary.SecretAccessKey; Token = $Token; UseToken = [bool]$Token }
            $standIn = [pscustomobject]@{ PSTypeName = 'Amazon.Runtime.SessionAWSCredentials' }
            $standIn | Add-Member -MemberType ScriptMethod -Name GetCredentials -Value { $keys }.GetNewClosure() -PassThru
        }
        $standIn = New-AwsToolsCredentialStandIn -Token $temporary.SessionToken

        $everything = New-OnboardUser -UserName (New-TestName) -Credential $standIn -EndpointUrl $other.Url -Verbose 4>&1
        ($everything | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }).Arn | Should -Match ":$($other.AccountId):user/"
        ($everything | Out-String) | Should -Not -Match ([regex]::Escape($temporary.SecretAccessKey))
        $session = Connect-Onboard -Credential $standIn -EndpointUrl $other.Url
        $session.AccountId | Should -Be $other.AccountId
        $session.CredentialSource | Should -Match 'session token'

        { Connect-Onboard -Credential (New-AwsToolsCredentialStandIn -Token $null) -EndpointUrl $other.Url -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidClientTokenId,IamOnboard.Commands.ConnectOnboardCommand'
    }

    It 'reads a .NET credentials object by its GetCredentials() method, as it must read the type AWS.Tools loads' {
        if (-not ('IamOnboardTests.AwsCredentialsLike' -as [type])) {
            Add-Type -TypeDefinition @'
namespace IamOnboardTests {
    public sealed class KeysLike { public string AccessKey { get; set; } public string SecretKey { get; set; } public string Token { get; set; } }
    public sealed class AwsCredentialsLike {
        private readonly KeysLike _keys;
        public AwsCredentialsLike(string accessKey, string secretKey) { _keys = new KeysLike { AccessKey = accessKey, SecretKey = secretKey }; }
        public KeysLike GetCredentials() { return _keys; }
    }
}
'@
        }
        $credentials = [IamOnboardTests.AwsCredentialsLike]::new($other.AccessKeyId, $otherSecret)
        (New-OnboardUser -UserName (New-TestName) -Credential $credentials -EndpointUrl $other.Url).Arn | Should -Match ":$($other.AccountId):user/"
    }

    It 'refuses a -Credential of any other shape, naming its type' {
        { New-OnboardUser -UserName (New-TestName) -Credential @{ AccessKey = 'AKIAIOSFODNN7EXAMPLE'; SecretKey = 'x' } -EndpointUrl $other.Url -ErrorAction Stop } |
            Should -Throw -ErrorId 'UnsupportedCredential,IamOnboard.Commands.NewOnboardUserCommand' -ExpectedMessage '*a System.Collections.Hashtable is neither*'
        { Connect-Onboard -Credential (Get-Date) -EndpointUrl $other.Url -ErrorAction Stop } |
            Should -Throw -ErrorId 'UnsupportedCredential,IamOnboard.Commands.ConnectOnboardCommand' -ExpectedMessage '*a System.DateTime is neither*'
        $empty = [pscustomobject]@{} | Add-Member -MemberType ScriptMethod -Name GetCredentials -Value { [pscustomobject]@{ AccessKey = '' } } -PassThru
        { Connect-Onboard -Credential $empty -EndpointUrl $other.Url -ErrorAction Stop } |
            Should -Throw -ErrorId 'UnsupportedCredential,IamOnboard.Commands.ConnectOnboardCommand' -ExpectedMessage '*returned no AccessKey and SecretKey*'
    }

    It 'refuses -Credential with -AccessKey, and a session token given twice, rather than ignoring one' {
        $credential = [pscredential]::new($other.AccessKeyId, $other.SecretAccessKey)
        { New-OnboardUser -UserName (New-TestName) -Credential $credential -AccessKey $other.AccessKeyId -EndpointUrl $other.Url -ErrorAction Stop } |
            Should -Throw -ErrorId 'CredentialConflict,IamOnboard.Commands.NewOnboardUserCommand'
        { New-OnboardUser -UserName (New-TestName) -Credential $credential -ProfileName other -ErrorAction Stop } |
            Should -Throw -ErrorId 'CredentialConflict,IamOnboard.Commands.NewOnboardUserCommand' -ExpectedMessage '*-Credential or -ProfileName*'
        { New-OnboardUser -UserName (New-TestName) -ProfileName other -AccessKey $other.AccessKeyId -SecretKey $otherSecret -ErrorAction Stop } |
            Should -Throw -ErrorId 'SessionNotAvailable,IamOnboard.Commands.NewOnboardUserCommand' -ExpectedMessage '*either a profile name or an access key*'
        $withToken = [pscustomobject]@{} | Add-Member -MemberType ScriptMethod -Name GetCredentials -PassThru -Value {
            [pscustomobject]@{ AccessKey = 'ASIAIOSFODNN7EXAMPLE'; SecretKey = 'not-a-secret'; Token = 'a-token' } }
        { Connect-Onboard -Credential $withToken -SessionToken 'another-token' -EndpointUrl $other.Url -ErrorAction Stop } |
            Should -Throw -ErrorId 'CredentialConflict,IamOnboard.Commands.ConnectOnboardCommand'
    }

    It 'refuses -SessionToken without the keys it belongs to, rather than signing in with a profile''s own keys and dropping it' {
        # Before: the profile's (or the environment's) keys signed in, the token went nowhere, and the user was made.
        Set-AwsFiles -Config "[profile other]`nendpoint_url = $($other.Url)`n" -Credentials "[other]`naws_access_key_id = $($other.AccessKeyId)`naws_secret_access_key = $otherSecret`n"
        $env:AWS_ACCESS_KEY_ID = $other.AccessKeyId
        $env:AWS_SECRET_ACCESS_KEY = $otherSecret
        $env:AWS_ENDPOINT_URL = $other.Url
        $token = 'a-token-' + [guid]::NewGuid().ToString('N')
        $named, $bare = (New-TestName), (New-TestName)
        { New-OnboardUser -UserName $named -ProfileName other -SessionToken $token -ErrorAction Stop } |
            Should -Throw -ErrorId 'SessionTokenWithoutKeys,IamOnboard.Commands.NewOnboardUserCommand' -ExpectedMessage "*profile 'other' signs in with its own keys*leave out -SessionToken*"
        { Add-OnboardGroupMember -UserName $bare -GroupName nobody -ST $token -ErrorAction Stop } |
            Should -Throw -ErrorId 'SessionTokenWithoutKeys,IamOnboard.Commands.AddOnboardGroupMemberCommand' -ExpectedMessage '*-AccessKey and -SecretKey (or -Credential)*'
        $Error[0].Exception.Message | Should -Not -BeLike "*$token*"
        $users = (Invoke-AwsCli -Endpoint $other -Arguments @('iam', 'list-users')).Json.Users.UserName
        $users | Should -Not -Contain $named
    }

    It 'refuses an endpoint URL without its scheme, naming where it was given and the URL to give' {
        # Before: UnexpectedError "Value for ServiceURL is not a valid URL: 127.0.0.1:PORT", naming neither -EndpointUrl
        # nor the fix; localhost:PORT was taken for a URL of scheme "localhost" (NetworkFailure, scheme not supported).
        $hostAndPort = ([uri] $other.Url).Authority
        $null = Connect-Onboard -EndpointUrl $endpoint.Url -AccessKey $endpoint.AccessKeyId -SecretKey $endpoint.SecretAccessKey
        { New-OnboardUser -UserName (New-TestName) -EndpointUrl $hostAndPort -ErrorAction Stop } |
            Should -Throw -ErrorId 'SessionNotAvailable,IamOnboard.Commands.NewOnboardUserCommand' -ExpectedMessage "-EndpointUrl '$hostAndPort' is not an http:// or https:// URL*http://$hostAndPort*"
        { Connect-Onboard -EndpointUrl "localhost:$(([uri] $other.Url).Port)" -AccessKey $other.AccessKeyId -SecretKey $otherSecret -ErrorAction Stop } |
            Should -Throw -ErrorId 'SessionNotAvailable,IamOnboard.Commands.ConnectOnboardCommand' -ExpectedMessage "-EndpointUrl 'localhost:*' is not an http:// or https:// URL*"
        $env:AWS_ENDPOINT_URL = $hostAndPort
        { New-OnboardUser -UserName (New-TestName) -AccessKey $other.AccessKeyId -SecretKey $otherSecret -ErrorAction Stop } |
            Should -Throw -ExpectedMessage "AWS_ENDPOINT_URL '$hostAndPort' is not an http:// or https:// URL*"
        (Get-OnboardSession).AccountId | Should -Be $endpoint.AccountId -Because 'a refused per-call endpoint leaves the default session as it was'
    }

    It 'accepts a plain-string -SecretKey on Connect-Onboard and keeps no plain copy' {
        $session = Connect-Onboard -EndpointUrl $endpoint.Url -AccessKey $endpoint.AccessKeyId -SecretKey $adminSecret
        $session.AccountId | Should -Be $endpoint.AccountId
        ($session | Format-List * | Out-String) + ($session | ConvertTo-Json -Depth 3 -WarningAction SilentlyContinue) | Should -Not -Match ([regex]::Escape($adminSecret))
        $session.PSObject.Properties.Name | Should -Not -Contain 'Iam'
    }
}

Describe "AWS.Tools' shell defaults (Set-AWSCredential, Set-DefaultAWSRegion)" {
    BeforeAll {
        # A stand-in of the wrapper AWS.Tools' Set-AWSCredential stores in $StoredAWSCredentials: the same full type
        # name, the AWS credentials object in an internal property, and ToString() giving the name the shell knows
        # them by (AWS.Tools 4 and 5 alike). AWS.Tools cannot be installed here; its own type is built this way.
        if (-not ('Amazon.PowerShell.Common.AWSPSCredentials' -as [type])) {
            Add-Type -TypeDefinition @'
namespace Amazon.PowerShell.Common {
    public sealed class KeysForShellStandIn { public string AccessKey { get; set; } public string SecretKey { get; set; } public string Token { get; set; } }
    public sealed class BasicCredentialsForShellStandIn {
        private readonly KeysForShellStandIn _keys;
        public BasicCredentialsForShellStandIn(string accessKey, string secretKey) { _keys = new KeysForShellStandIn { AccessKey = accessKey, SecretKey = secretKey }; }
        public KeysForShellStandIn GetCredentials() { return _keys; }
    }
    public class AWSPSCredentials {
        internal object Credentials { get; private set; }
        internal string Name { get; private set; }
        internal AWSPSCredentials(object credentials, string name) { Credentials = credentials; Name = name; }
        public static AWSPSCredentials StandIn(string accessKey, string secretKey, string name) { return new AWSPSCredentials(new BasicCredentialsForShellStandIn(accessKey, secretKey), name); }
        public override string ToString() { return Name; }
    }
}
'@
        }
    }

    BeforeEach {
        Reset-AwsEnvironment
        # What the machine would otherwise sign in with: the first account's keys, in the environment and the default profile.
        $env:AWS_ACCESS_KEY_ID = $endpoint.AccessKeyId
        $env:AWS_SECRET_ACCESS_KEY = $adminSecret
        Set-AwsFiles -Credentials "[default]`naws_access_key_id = $($endpoint.AccessKeyId)`naws_secret_access_key = $adminSecret`n[first]`naws_access_key_id = $($endpoint.AccessKeyId)`naws_secret_access_key = $adminSecret`n"
        # Set-AWSCredential -ProfileName prod: the shell now works in the other account.
        $global:StoredAWSCredentials = [Amazon.PowerShell.Common.AWSPSCredentials]::StandIn($other.AccessKeyId, $otherSecret, 'prod')
    }

    AfterEach {
        Remove-Variable -Name StoredAWSCredentials, StoredAWSRegion -Scope Global -ErrorAction SilentlyContinue
        Disconnect-Onboard
    }

    It 'acts in the account Set-AWSCredential chose for the shell, before the environment and the default profile, and says so' {
        # Before: the call signed in with the environment's keys, another account's, and the endpoint refused them.
        $verbose = New-OnboardUser -UserName (New-TestName) -EndpointUrl $other.Url -Verbose 4>&1
        ($verbose | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }).Arn | Should -Match ":$($other.AccountId):user/"
        ($verbose | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n" | Should -Match ([regex]::Escape("`$StoredAWSCredentials, 'prod'"))

        $session = Connect-Onboard -EndpointUrl $other.Url
        $session.AccountId | Should -Be $other.AccountId
        $session.CredentialSource | Should -Match ([regex]::Escape("AWS.Tools' shell credentials (`$StoredAWSCredentials, 'prod', from Set-AWSCredential): access key"))
    }

    It 'lets credentials named for the call, and a session from Connect-Onboard, beat the shell credentials' {
        (New-OnboardUser -UserName (New-TestName) -ProfileName first -EndpointUrl $endpoint.Url).Arn | Should -Match ":$($endpoint.AccountId):user/"
        (Connect-Onboard -ProfileName first -EndpointUrl $endpoint.Url).AccountId | Should -Be $endpoint.AccountId
        (New-OnboardUser -UserName (New-TestName)).Arn | Should -Match ":$($endpoint.AccountId):user/"
    }

    It 'takes $StoredAWSCredentials given as -Credential' {
        Remove-Item env:AWS_ACCESS_KEY_ID, env:AWS_SECRET_ACCESS_KEY
        $credential = $global:StoredAWSCredentials
        Remove-Variable -Name StoredAWSCredentials -Scope Global
        (New-OnboardUser -UserName (New-TestName) -Credential $credential -EndpointUrl $other.Url).Arn | Should -Match ":$($other.AccountId):user/"
    }

    It "takes the shell's region from Set-DefaultAWSRegion after -Region and before AWS_REGION, as AWS.Tools does" {
        $env:AWS_REGION = 'eu-central-1'
        $global:StoredAWSRegion = 'cn-north-1'
        $session = Connect-Onboard -EndpointUrl $other.Url
        $session.Region | Should -Be 'cn-north-1'
        $session.Partition | Should -Be 'aws-cn'
        (Connect-Onboard -EndpointUrl $other.Url -Region us-west-2).Region | Should -Be 'us-west-2'
    }

    It 'says so when $StoredAWSCredentials or $StoredAWSRegion hold something AWS.Tools would not have put there, and goes on without them' {
        $global:StoredAWSCredentials = 'prod'
        $global:StoredAWSRegion = 42
        $session = Connect-Onboard -EndpointUrl $endpoint.Url -WarningVariable warnings -WarningAction SilentlyContinue
        $session.CredentialSource | Should -Be 'environment variables'
        ($warnings -join "`n") | Should -Match ([regex]::Escape('$StoredAWSCredentials holds a System.String'))
        ($warnings -join "`n") | Should -Match ([regex]::Escape('$StoredAWSRegion holds a System.Int32'))
    }
}

Describe 'Endpoint and region settings reach IAM and STS alike' {
    BeforeEach {
        Reset-AwsEnvironment
        $env:AWS_ACCESS_KEY_ID = $endpoint.AccessKeyId
        $env:AWS_SECRET_ACCESS_KEY = $adminSecret
    }

    It 'follows AWS_ENDPOINT_URL for IAM as well as STS' {
        $env:AWS_ENDPOINT_URL = $endpoint.Url
        (New-OnboardUser -UserName (New-TestName)).Arn | Should -Match ":$($endpoint.AccountId):user/"
    }

    It 'prefers AWS_ENDPOINT_URL_IAM and AWS_ENDPOINT_URL_STS over AWS_ENDPOINT_URL' {
        $env:AWS_ENDPOINT_URL = $deadUrl
        $env:AWS_ENDPOINT_URL_IAM = $endpoint.Url
        $env:AWS_ENDPOINT_URL_STS = $endpoint.Url
        (New-OnboardUser -UserName (New-TestName)).Arn | Should -Match ":$($endpoint.AccountId):user/"
    }

    It "follows a profile's services section over its endpoint_url" {
        Set-AwsFiles -Config "[default]`nendpoint_url = $deadUrl`nservices = local`n[services local]`niam =`n  endpoint_url = $($endpoint.Url)`nsts =`n  endpoint_url = $($endpoint.Url)`n"
        (New-OnboardUser -UserName (New-TestName)).Arn | Should -Match ":$($endpoint.AccountId):user/"
    }

    It "follows a profile's endpoint_url for IAM" {
        Set-AwsFiles -Config "[profile dev]`nendpoint_url = $($endpoint.Url)`n" -Credentials "[dev]`naws_access_key_id = $($endpoint.AccessKeyId)`naws_secret_access_key = $adminSecret`n"
        (New-OnboardUser -UserName (New-TestName) -ProfileName dev).Arn | Should -Match ":$($endpoint.AccountId):user/"
    }

    It "lets AWS_REGION beat the profile's region" {
        Set-AwsFiles -Config "[profile dev]`nregion = eu-west-2`nendpoint_url = $($endpoint.Url)`n" -Credentials "[dev]`naws_access_key_id = $($endpoint.AccessKeyId)`naws_secret_access_key = $adminSecret`n"
        $env:AWS_REGION = 'eu-central-1'
        (Connect-Onboard -ProfileName dev).Region | Should -Be 'eu-central-1'
        Disconnect-Onboard
    }

    It 'says AWS_PROFILE names a missing profile instead of "no credentials"' {
        Remove-Item env:AWS_ACCESS_KEY_ID, env:AWS_SECRET_ACCESS_KEY
        $env:AWS_PROFILE = 'nosuch'
        { Connect-Onboard -EndpointUrl $endpoint.Url -ErrorAction Stop } |
            Should -Throw -ErrorId 'SessionNotAvailable,IamOnboard.Commands.ConnectOnboardCommand' -ExpectedMessage "*Profile 'nosuch' (named by AWS_PROFILE) was not found*"
    }

    It 'refuses half a key pair in the environment, as the AWS CLI does, instead of signing in with the default profile' {
        # The default profile is another account's: falling through to it would onboard there without a word.
        Set-AwsFiles -Config "[default]`nendpoint_url = $($other.Url)`n" -Credentials "[default]`naws_access_key_id = $($other.AccessKeyId)`naws_secret_access_key = $otherSecret`n"
        Remove-Item env:AWS_SECRET_ACCESS_KEY
        $env:AWS_ENDPOINT_URL = $endpoint.Url
        $usersBefore = @((Invoke-AwsCli -Endpoint $other -Arguments @('iam', 'list-users')).Json.Users).Count
        { Connect-Onboard -ErrorAction Stop } | Should -Throw -ErrorId 'SessionNotAvailable,IamOnboard.Commands.ConnectOnboardCommand' -ExpectedMessage '*AWS_ACCESS_KEY_ID is set, but AWS_SECRET_ACCESS_KEY is not*'
        { New-OnboardUser -UserName (New-TestName) -ErrorAction Stop } | Should -Throw -ExpectedMessage '*Partial credentials in the environment*'
        Remove-Item env:AWS_ACCESS_KEY_ID
        $env:AWS_SECRET_ACCESS_KEY = $adminSecret
        { Connect-Onboard -ErrorAction Stop } | Should -Throw -ExpectedMessage '*AWS_SECRET_ACCESS_KEY is set, but AWS_ACCESS_KEY_ID is not*'
        @((Invoke-AwsCli -Endpoint $other -Arguments @('iam', 'list-users')).Json.Users).Count | Should -Be $usersBefore -Because 'nothing may land in the default profile''s account'
    }

    It 'says AWS_PROFILE names a missing profile when the environment holds keys too, as the AWS CLI does' {
        $env:AWS_PROFILE = 'prod-typo'
        $env:AWS_ENDPOINT_URL = $endpoint.Url
        { Connect-Onboard -ErrorAction Stop } | Should -Throw -ErrorId 'SessionNotAvailable,IamOnboard.Commands.ConnectOnboardCommand' -ExpectedMessage "*Profile 'prod-typo' (named by AWS_PROFILE) was not found*"
    }

    It 'lets AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=false keep the endpoints of a profile that says to ignore them (the environment beats the file)' {
        Set-AwsFiles -Config "[default]`nendpoint_url = $($endpoint.Url)`nignore_configured_endpoint_urls = true`n"
        # The profile alone: AWS's own endpoint, which the suite's loopback switch refuses before anything is sent.
        { Connect-Onboard -ErrorAction Stop } | Should -Throw -ExpectedMessage '*refuses STS endpoint*amazonaws.com*'
        foreach ($value in 'false', '0') {
            $env:AWS_IGNORE_CONFIGURED_ENDPOINT_URLS = $value
            (Connect-Onboard).AccountId | Should -Be $endpoint.AccountId -Because "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=$value is not true"
            Disconnect-Onboard
        }
    }

    It 'reads the shared files named now, and never signs in from a file named before (AWS_SHARED_CREDENTIALS_FILE changed in the session)' {
        Remove-Item env:AWS_ACCESS_KEY_ID, env:AWS_SECRET_ACCESS_KEY
        Set-AwsFiles -Config "[default]`nendpoint_url = $($other.Url)`n" -Credentials "[default]`naws_access_key_id = $($other.AccessKeyId)`naws_secret_access_key = $otherSecret`n"
        (Connect-Onboard).AccountId | Should -Be $other.AccountId
        Disconnect-Onboard
        # Files for another customer, with named profiles only: no default to sign in with.
        $env:AWS_CONFIG_FILE = Join-Path $awsHome 'customer-config'
        $env:AWS_SHARED_CREDENTIALS_FILE = Join-Path $awsHome 'customer-credentials'
        Set-AwsFiles -Config "[profile customer]`nendpoint_url = $($endpoint.Url)`n" -Credentials "[customer]`naws_access_key_id = $($endpoint.AccessKeyId)`naws_secret_access_key = $adminSecret`n"
        { Connect-Onboard -ErrorAction Stop } | Should -Throw -ErrorId 'SessionNotAvailable,IamOnboard.Commands.ConnectOnboardCommand' -ExpectedMessage "*No AWS credentials found*customer-credentials*"
        { New-OnboardUser -UserName (New-TestName) -ErrorAction Stop } | Should -Throw -ExpectedMessage '*No AWS credentials found*'
        (Connect-Onboard -ProfileName customer).AccountId | Should -Be $endpoint.AccountId
        Disconnect-Onboard
    }

    It 'reports a failing credential_process as a credentials failure, with its message, running it once' {
        Remove-Item env:AWS_ACCESS_KEY_ID, env:AWS_SECRET_ACCESS_KEY
        $script = Join-Path $awsHome 'vault.sh'
        $runs = Join-Path $awsHome 'vault.runs'
        Set-Content -Path $script -Value "#!/bin/sh`necho run >> '$runs'`necho 'vault: not logged in' >&2`nexit 3"
        if (-not $IsWindows) { chmod +x $script }
        Set-AwsFiles -Config "[profile vault]`nendpoint_url = $($endpoint.Url)`ncredential_process = $script`n"
        { Connect-Onboard -ProfileName vault -ErrorAction Stop } | Should -Throw -ErrorId 'SessionNotAvailable,IamOnboard.Commands.ConnectOnboardCommand' -ExpectedMessage "*profile 'vault'*could not be fetched*vault: not logged in*"
        @(Get-Content $runs) | Should -HaveCount 1
    }

    It 'names the profile and the Version a credential_process prints when it is not 1, never echoing what it printed' {
        Remove-Item env:AWS_ACCESS_KEY_ID, env:AWS_SECRET_ACCESS_KEY -ErrorAction SilentlyContinue
        $script = Join-Path $awsHome 'vault.sh'
        Set-AwsFiles -Config "[profile vault]`nendpoint_url = $($endpoint.Url)`ncredential_process = $script`n"
        foreach ($case in @(
                @{ Output = '{"Version":2,"AccessKeyId":"' + $endpoint.AccessKeyId + '","SecretAccessKey":"' + $adminSecret + '"}'; Expected = "*profile 'vault'*Version 2*supported*1*" },
                @{ Output = '{"AccessKeyId":"' + $endpoint.AccessKeyId + '","SecretAccessKey":"' + $adminSecret + '"}'; Expected = "*profile 'vault'*no Version*" },
                @{ Output = '{"Version":1,"AccessKeyId":"' + $endpoint.AccessKeyId + '","SecretAccesKey":"' + $adminSecret + '"}'; Expected = "*profile 'vault'*SecretAccessKey*" },
                @{ Output = 'AccessKeyId=' + $endpoint.AccessKeyId + ' SecretAccessKey=' + $adminSecret; Expected = "*profile 'vault'*JSON*" })) {
            Set-Content -Path $script -Value "#!/bin/sh`necho '$($case.Output)'"
            if (-not $IsWindows) { chmod +x $script }
            $record = { Connect-Onboard -ProfileName vault -ErrorAction Stop } | Should -Throw -ErrorId 'SessionNotAvailable,IamOnboard.Commands.ConnectOnboardCommand' -ExpectedMessage $case.Expected -PassThru
            $record.Exception.Message.Contains($adminSecret) | Should -BeFalse
            $record.Exception.Message | Should -Not -BeLike '*Index (zero based)*'
        }
    }

    It 'reports a credential_process that fails when the SDK refreshes its credentials as a credentials failure, not a network one' {
        Remove-Item env:AWS_ACCESS_KEY_ID, env:AWS_SECRET_ACCESS_KEY
        # The first run gives keys that are about to expire, so the SDK runs the process again for the next request;
        # that run fails, as a vault whose session ended does.
        $script = Join-Path $awsHome 'vault.sh'
        $ran = Join-Path $awsHome 'vault.ran'
        $keys = '{"Version":1,"AccessKeyId":"' + $endpoint.AccessKeyId + '","SecretAccessKey":"' + $adminSecret + '","Expiration":"EXPIRES"}'
        Set-Content -Path $script -Value @"
#!/bin/sh
if [ -f '$ran' ]; then echo 'vault: session expired' >&2; exit 4; fi
touch '$ran'
echo '$keys' | sed "s/EXPIRES/`$(date -u -d '+8 seconds' +%Y-%m-%dT%H:%M:%SZ)/"
"@
        if (-not $IsWindows) { chmod +x $script }
        Set-AwsFiles -Config "[profile vault]`nendpoint_url = $($endpoint.Url)`ncredential_process = $script`n"
        { Connect-Onboard -ProfileName vault -ErrorAction Stop } | Should -Throw -ErrorId 'SessionNotAvailable,IamOnboard.Commands.ConnectOnboardCommand' -ExpectedMessage "*could not be fetched*credential_process*vault: session expired*"
        $ran | Should -Exist
    }

    It 'shows the real cause when a role profile cannot assume its role' {
        Remove-Item env:AWS_ACCESS_KEY_ID, env:AWS_SECRET_ACCESS_KEY
        Set-AwsFiles -Config "[profile ops]`nrole_arn = arn:aws:iam::$($endpoint.AccountId):role/NoSuchRole`nsource_profile = base`nendpoint_url = $($endpoint.Url)`n" `
            -Credentials "[base]`naws_access_key_id = $($endpoint.AccessKeyId)`naws_secret_access_key = $adminSecret`n"
        { Connect-Onboard -ProfileName ops -ErrorAction Stop } | Should -Throw -ExpectedMessage '*not authorized to perform: sts:AssumeRole*NoSuchRole*'
    }

    It "says whose keys a role profile's source holds when STS refuses the role to root, as it refuses every root user" {
        # Before: the local endpoint let root assume the role, so a profile that AWS refuses connected here. And then
        # Connect-Onboard said only STS's "Roles may not be assumed by root accounts.", naming neither role nor profile.
        Remove-Item env:AWS_ACCESS_KEY_ID, env:AWS_SECRET_ACCESS_KEY -ErrorAction SilentlyContinue
        Set-AwsFiles -Config "[profile ops]`nrole_arn = arn:aws:iam::$($endpoint.AccountId):role/OrganizationAccountAccessRole`nsource_profile = base`nendpoint_url = $($endpoint.Url)`n" `
            -Credentials "[base]`naws_access_key_id = $($endpoint.RootAccessKeyId)`naws_secret_access_key = $(ConvertTo-PlainText $endpoint.RootSecretAccessKey)`n"
        { Connect-Onboard -ProfileName ops -ErrorAction Stop } |
            Should -Throw -ErrorId 'AccessDenied,*' -ExpectedMessage ("AssumeRole arn:aws:iam::$($endpoint.AccountId):role/OrganizationAccountAccessRole (profile 'ops') was refused: " +
                "the credentials of profile 'base'* are the account's root user's, and STS lets no root user assume a role (""Roles may not be assumed by root accounts"")*")
    }

    It 'maps an ISO region to its own partition, which has no console sign-in host' {
        $session = Connect-Onboard -EndpointUrl $endpoint.Url -Region us-iso-east-1
        $session.Partition | Should -Be 'aws-iso'
        $session.ConsoleSignInUrl | Should -BeNullOrEmpty
        Disconnect-Onboard
    }
}

Describe 'The shared files read as the AWS CLI reads them' {
    BeforeEach { Reset-AwsEnvironment }
    AfterEach { Disconnect-Onboard }

    BeforeAll {
        # The CLI's own answer from the same environment and working directory: the behaviour to match. Found while
        # the shared files are sound: asking its version reads them too.
        $script:awsCli = Get-AwsCliV2
        function script:Get-AwsCliCaller([Parameter(ValueFromRemainingArguments)] [string[]] $Arguments = @()) {
            $output = & $awsCli sts get-caller-identity --region us-east-1 --endpoint-url $endpoint.Url --query Arn --output text @Arguments 2>&1
            [pscustomobject]@{ ExitCode = $LASTEXITCODE; Text = ($output | Out-String).Trim() }
        }
    }

    It 'refuses a key given twice in a profile, or a profile given twice, naming file, line, section and key, never the value' {
        $first = "[ops]`naws_access_key_id = $($other.AccessKeyId)`naws_secret_access_key = $otherSecret`n"
        foreach ($case in @(
                @{ Text = $first + "aws_secret_access_key = $adminSecret`n"; Expected = "*credentials, line 4:*'aws_secret_access_key'*[[]ops]*line 3*" },
                @{ Text = $first + "[ops]`naws_access_key_id = $($endpoint.AccessKeyId)`naws_secret_access_key = $adminSecret`n"; Expected = "*credentials, line 4:*[[]ops]*line 1*" })) {
            Set-AwsFiles -Config "[profile ops]`nendpoint_url = $($endpoint.Url)`n" -Credentials $case.Text
            (Get-AwsCliCaller --profile ops).Text | Should -BeLike "*Unable to parse config file*$env:AWS_SHARED_CREDENTIALS_FILE*"
            $record = { Connect-Onboard -ProfileName ops -ErrorAction Stop } | Should -Throw -ErrorId 'SessionNotAvailable,IamOnboard.Commands.ConnectOnboardCommand' -ExpectedMessage $case.Expected -PassThru
            $record.Exception.Message | Should -BeLike "*$env:AWS_SHARED_CREDENTIALS_FILE*"
            $record.Exception.Message.Contains($adminSecret) | Should -BeFalse
            $record.Exception.Message.Contains($otherSecret) | Should -BeFalse
            { New-OnboardUser -UserName (New-TestName) -ProfileName ops -ErrorAction Stop } | Should -Throw -ExpectedMessage $case.Expected
        }
        Get-OnboardSession | Should -BeNullOrEmpty
    }

    It 'reads a relative AWS_SHARED_CREDENTIALS_FILE, AWS_CONFIG_FILE or -ProfileLocation from the current location, as the AWS CLI at the same prompt does' {
        # Two sets of files, the outer one another account's: pwsh started in $base, then the admin went: cd team.
        $base = Join-Path $awsHome 'base'
        $team = Join-Path $base 'team'
        $null = New-Item -ItemType Directory -Path $team -Force
        Set-Content (Join-Path $base 'config') "[default]`nendpoint_url = $($other.Url)`n"
        Set-Content (Join-Path $base 'credentials') "[default]`naws_access_key_id = $($other.AccessKeyId)`naws_secret_access_key = $otherSecret`n"
        Set-Content (Join-Path $team 'config') "[default]`nendpoint_url = $($endpoint.Url)`n"
        Set-Content (Join-Path $team 'credentials') "[default]`naws_access_key_id = $($endpoint.AccessKeyId)`naws_secret_access_key = $adminSecret`n"
        $processDirectory = [Environment]::CurrentDirectory
        [Environment]::CurrentDirectory = $base
        Push-Location $team
        try {
            $env:AWS_SHARED_CREDENTIALS_FILE = './credentials'
            $env:AWS_CONFIG_FILE = './config'
            (Get-AwsCliCaller).Text | Should -BeLike "*:$($endpoint.AccountId):user/onboard-admin"
            $session = Connect-Onboard
            $session.AccountId | Should -Be $endpoint.AccountId
            $session.CredentialSource | Should -BeLike "*$(Join-Path $team 'credentials') and $(Join-Path $team 'config')*"
            Disconnect-Onboard
            (New-OnboardUser -UserName (New-TestName) -ProfileName default).Arn | Should -Match ":$($endpoint.AccountId):user/"

            Remove-Item env:AWS_SHARED_CREDENTIALS_FILE, env:AWS_CONFIG_FILE
            (Connect-Onboard -ProfileName default -ProfileLocation ./credentials -EndpointUrl $endpoint.Url).CredentialSource | Should -BeLike "*$(Join-Path $team 'credentials')*"
            Disconnect-Onboard
            (New-OnboardUser -UserName (New-TestName) -ProfileName default -ProfileLocation ./credentials -EndpointUrl $endpoint.Url).Arn | Should -Match ":$($endpoint.AccountId):user/"

            # A leading ~ is the home directory, as the CLI reads it.
            $env:AWS_SHARED_CREDENTIALS_FILE = '~/base/team/credentials'
            $env:AWS_CONFIG_FILE = '~/base/team/config'
            (Connect-Onboard).AccountId | Should -Be $endpoint.AccountId
        }
        finally {
            Pop-Location
            [Environment]::CurrentDirectory = $processDirectory
        }
    }

    It 'takes the profile AWS_DEFAULT_PROFILE names when AWS_PROFILE is not set, as the AWS CLI does, and says so' {
        Set-AwsFiles -Config "[default]`nendpoint_url = $($other.Url)`n[profile prod]`nendpoint_url = $($endpoint.Url)`n" `
            -Credentials "[default]`naws_access_key_id = $($other.AccessKeyId)`naws_secret_access_key = $otherSecret`n[prod]`naws_access_key_id = $($endpoint.AccessKeyId)`naws_secret_access_key = $adminSecret`n"
        $env:AWS_DEFAULT_PROFILE = 'prod'
        (Get-AwsCliCaller).Text | Should -BeLike "*:$($endpoint.AccountId):user/onboard-admin"
        $session = Connect-Onboard
        $session.AccountId | Should -Be $endpoint.AccountId
        $session.CredentialSource | Should -BeLike "profile 'prod' (named by AWS_DEFAULT_PROFILE) from *"
        Disconnect-Onboard
        # A call's own sign-in (here for -TokenCode) takes the same profile.
        { New-OnboardUser -UserName (New-TestName) -TokenCode 123456 -ErrorAction Stop } | Should -Throw -ExpectedMessage "*no MFA device asks for it*profile 'prod' (named by AWS_DEFAULT_PROFILE)*"
        $env:AWS_PROFILE = 'default'
        (Connect-Onboard).AccountId | Should -Be $other.AccountId -Because 'AWS_PROFILE wins over AWS_DEFAULT_PROFILE, as in the AWS CLI'
    }

    It 'says which account a command acts in when the environment names other credentials than those Connect-Onboard took from it' {
        Set-AwsFiles -Config "[profile dev]`nendpoint_url = $($other.Url)`n[profile prod]`nendpoint_url = $($endpoint.Url)`n" `
            -Credentials "[dev]`naws_access_key_id = $($other.AccessKeyId)`naws_secret_access_key = $otherSecret`n[prod]`naws_access_key_id = $($endpoint.AccessKeyId)`naws_secret_access_key = $adminSecret`n"
        $env:AWS_PROFILE = 'dev'
        $null = Connect-Onboard
        # An AWS CLI user's account switch.
        $env:AWS_PROFILE = 'prod'
        $user = New-OnboardUser -UserName (New-TestName) -WarningVariable warned -WarningAction SilentlyContinue
        $user.Arn | Should -BeLike "arn:aws:iam::$($other.AccountId):user/*" -Because "the session from Connect-Onboard wins, as AWS.Tools' shell credentials do"
        $warned | Should -HaveCount 1
        "$warned" | Should -BeLike "The environment now names profile 'prod' (AWS_PROFILE), but the session from Connect-Onboard was connected with profile 'dev' (AWS_PROFILE): this command acts as arn:aws:iam::$($other.AccountId):* in account $($other.AccountId), as connected. Run Connect-Onboard again*"
        # Once per change, not on every command after it; back to the connect's choice is quiet.
        $null = New-OnboardUser -UserName (New-TestName) -WarningVariable again -WarningAction SilentlyContinue
        $again | Should -BeNullOrEmpty
        $env:AWS_PROFILE = 'dev'
        $null = New-OnboardUser -UserName (New-TestName) -WarningVariable back -WarningAction SilentlyContinue
        $back | Should -BeNullOrEmpty
        # Another credentials file: the same profile name, maybe another account.
        $saved = $env:AWS_SHARED_CREDENTIALS_FILE
        $env:AWS_SHARED_CREDENTIALS_FILE = Join-Path $awsHome 'team-credentials'
        $null = New-OnboardUser -UserName (New-TestName) -WarningVariable file -WarningAction SilentlyContinue
        "$file" | Should -BeLike "The environment now names profile 'dev' (AWS_PROFILE) from AWS_SHARED_CREDENTIALS_FILE $($env:AWS_SHARED_CREDENTIALS_FILE)*, but the session from Connect-Onboard was connected with profile 'dev' (AWS_PROFILE) from AWS_SHARED_CREDENTIALS_FILE $saved*"
        $env:AWS_SHARED_CREDENTIALS_FILE = $saved
        # Keys put in the environment (say, for another tool) are a change too, and their secret is never shown.
        $env:AWS_ACCESS_KEY_ID = $endpoint.AccessKeyId
        $env:AWS_SECRET_ACCESS_KEY = $adminSecret
        $null = New-OnboardUser -UserName (New-TestName) -WarningVariable keys -WarningAction SilentlyContinue
        "$keys" | Should -BeLike "The environment now names the access key $($endpoint.AccessKeyId) (AWS_ACCESS_KEY_ID), but the session*"
        "$keys" | Should -Not -BeLike "*$adminSecret*"
        # Credentials named on Connect-Onboard do not depend on the environment.
        $null = Connect-Onboard -ProfileName dev
        Remove-Item Env:AWS_ACCESS_KEY_ID, Env:AWS_SECRET_ACCESS_KEY
        $env:AWS_PROFILE = 'prod'
        $null = New-OnboardUser -UserName (New-TestName) -WarningVariable named -WarningAction SilentlyContinue
        $named | Should -BeNullOrEmpty
    }

    It 'signs in with credential_process over keys in the config file, and with keys in the credentials file over credential_process, as the AWS CLI does' {
        # The process gives the endpoint's administrator; the keys beside it are the other account's.
        $script = Join-Path $awsHome 'vault.sh'
        $ran = Join-Path $awsHome 'vault.ran'
        Set-Content -Path $script -Value "#!/bin/sh`necho run >> '$ran'`necho '{`"Version`":1,`"AccessKeyId`":`"$($endpoint.AccessKeyId)`",`"SecretAccessKey`":`"$adminSecret`"}'"
        if (-not $IsWindows) { chmod +x $script }
        $otherKeys = "aws_access_key_id = $($other.AccessKeyId)`naws_secret_access_key = $otherSecret`n"

        Set-AwsFiles -Config "[profile ops]`ncredential_process = $script`n$otherKeys"
        (Get-AwsCliCaller --profile ops).Text | Should -BeLike "*:$($endpoint.AccountId):user/onboard-admin"
        (Connect-Onboard -ProfileName ops -EndpointUrl $endpoint.Url).AccountId | Should -Be $endpoint.AccountId -Because 'credential_process comes before keys in the config file'
        Disconnect-Onboard

        Set-AwsFiles -Config "[profile ops]`ncredential_process = $script`n" -Credentials "[ops]`n$otherKeys"
        Remove-Item $ran
        (Get-AwsCliCaller --profile ops --endpoint-url $other.Url).Text | Should -BeLike "*:$($other.AccountId):user/onboard-admin"
        (Connect-Onboard -ProfileName ops -EndpointUrl $other.Url).AccountId | Should -Be $other.AccountId -Because 'keys in the credentials file come before credential_process'
        $ran | Should -Not -Exist -Because 'neither the CLI nor IamOnboard runs the process then'
    }

    It 'never lets the AWS SDK read the shared files: a line it cannot parse neither shows its secret nor breaks the process' {
        # In a fresh pwsh: AWSSDK.Core reads the files once per process, in a static initializer whose failure stays for
        # the life of the process. Both lines are ones the AWS CLI reads; the SDK's reader refuses them quoting the line.
        Set-AwsFiles -Config "[default]`nregion = us-east-1`n[profile prod]   # production`noutput = json`n" `
            -Credentials "[other]`naws_secret_access_key: $otherSecret`naws_access_key_id: $($other.AccessKeyId)`n"
        (Get-AwsCliCaller --profile other --endpoint-url $other.Url).Text | Should -BeLike "*:$($other.AccountId):user/onboard-admin"
        $script = @'
param($Module, $Url, $Key, $Secret)
Import-Module $Module
$Error.Clear()
try {
    $session = Connect-Onboard -EndpointUrl $Url -AccessKey $Key -SecretKey $Secret -ErrorAction Stop
    "connected $($session.AccountId)"
    "user $((New-OnboardUser -UserName "sdk-files-$([guid]::NewGuid().ToString('n').Substring(0, 8))" -ErrorAction Stop).Status)"
}
catch { "failed" }
# Everything an admin could look at afterwards: every error, its exception chain and its Get-Error view.
$Error | ForEach-Object { $_.Exception.ToString(); $_ | Out-String }
if ($Error.Count) { Get-Error | Out-String }
'@
        $scriptPath = Join-Path $awsHome 'connect.ps1'
        Set-Content -Path $scriptPath -Value $script
        $output = Invoke-ChildPwsh -Arguments @('-NoProfile', '-NonInteractive', '-File', $scriptPath, $env:IAMONBOARD_MODULE, $endpoint.Url, $endpoint.AccessKeyId, $adminSecret)
        $output.Contains($otherSecret) | Should -BeFalse -Because 'no secret from the shared files may appear in an error'
        $output | Should -BeLike "connected $($endpoint.AccountId)*user Created*"
    }

    It 'refuses an AWS_PROFILE that is set but empty, as the AWS CLI does, instead of signing in with the default profile' {
        # Only a child process can be given an empty variable: PowerShell and .NET remove a variable set to ''. The CLI
        # says "The config profile () could not be found".
        Set-AwsFiles -Credentials "[default]`naws_access_key_id = $($endpoint.AccessKeyId)`naws_secret_access_key = $adminSecret`n"
        $script = @'
param($Module, $Url)
Import-Module $Module
try { "connected as $((Connect-Onboard -EndpointUrl $Url -ErrorAction Stop).CredentialSource)" }
catch { "refused: $($_.Exception.Message) [$($_.FullyQualifiedErrorId)]" }
'@
        $scriptPath = Join-Path $awsHome 'empty-profile.ps1'
        Set-Content -Path $scriptPath -Value $script
        foreach ($variable in 'AWS_PROFILE', 'AWS_DEFAULT_PROFILE') {
            $output = Invoke-ChildPwsh -Arguments @('-NoProfile', '-NonInteractive', '-File', $scriptPath, $env:IAMONBOARD_MODULE, $endpoint.Url) -Environment @{ $variable = '' }
            $output | Should -BeLike "*refused: $variable is set but empty, which names no profile*[[]SessionNotAvailable,*"
        }
    }

    It 'refuses an access key without its secret in the file that holds it, as the AWS CLI does, instead of taking the secret from the other file' {
        Set-AwsFiles -Config "[profile ops]`naws_access_key_id = $($endpoint.AccessKeyId)`n" -Credentials "[ops]`naws_secret_access_key = $adminSecret`n"
        (Get-AwsCliCaller --profile ops).Text | Should -BeLike '*Partial credentials found*'
        $record = { Connect-Onboard -ProfileName ops -EndpointUrl $endpoint.Url -ErrorAction Stop } | Should -Throw -ErrorId 'SessionNotAvailable,IamOnboard.Commands.ConnectOnboardCommand' -ExpectedMessage "*Profile 'ops'*aws_access_key_id*no aws_secret_access_key*$env:AWS_CONFIG_FILE*" -PassThru
        $record.Exception.Message.Contains($adminSecret) | Should -BeFalse
    }

    It "passes a role profile's external_id (or Connect-Onboard -ExternalId) to STS, whose trust policy asks for it, as the AWS CLI v2 does" {
        # The endpoint checked no trust policy: an external_id dropped on the way to STS went unnoticed.
        $roleName = New-TestName 'partner'
        $trust = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::' + $endpoint.AccountId +
            ':root"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"partner-7:42"}}}]}'
        (Invoke-AwsCli -Endpoint $endpoint -Arguments @('iam', 'create-role', '--role-name', $roleName, '--assume-role-policy-document', $trust)).ExitCode | Should -Be 0
        $role = "arn:aws:iam::$($endpoint.AccountId):role/$roleName"
        Set-AwsFiles -Credentials "[base]`naws_access_key_id = $($endpoint.AccessKeyId)`naws_secret_access_key = $adminSecret`n" -Config (
            "[profile partner]`nrole_arn = $role`nsource_profile = base`nexternal_id = partner-7:42`nrole_session_name = with-id`nregion = us-east-1`nendpoint_url = $($endpoint.Url)`n" +
            "[profile no-id]`nrole_arn = $role`nsource_profile = base`nrole_session_name = without-id`nregion = us-east-1`nendpoint_url = $($endpoint.Url)`n")
        $python = ((Get-Content -TotalCount 1 -Path $awsCli) -replace '^#!\s*', '').Trim()
        $env:IAMONBOARD_CLI_ENDPOINT = $endpoint.Url
        try {
            $cli = (& $python (Join-Path $PSScriptRoot 'aws_cli_local.py') sts get-caller-identity --profile partner --query Arn --output text 2>&1 | Out-String).Trim()
            $cliWithout = (& $python (Join-Path $PSScriptRoot 'aws_cli_local.py') sts get-caller-identity --profile no-id --query Arn --output text 2>&1 | Out-String).Trim()
        }
        finally { Remove-Item env:IAMONBOARD_CLI_ENDPOINT }
        $cli | Should -Be "arn:aws:sts::$($endpoint.AccountId):assumed-role/$roleName/with-id"
        $cliWithout | Should -BeLike "*AccessDenied*not authorized to perform: sts:AssumeRole on resource: $role*"

        (Connect-Onboard -ProfileName partner).CallerArn | Should -Be $cli
        { Connect-Onboard -ProfileName no-id -ErrorAction Stop } | Should -Throw -ExpectedMessage "*not authorized to perform: sts:AssumeRole on resource: $role*"
        (Connect-Onboard -ProfileName no-id -ExternalId 'partner-7:42').CallerArn | Should -Be "arn:aws:sts::$($endpoint.AccountId):assumed-role/$roleName/without-id"
        Disconnect-Onboard
    }

    It 'resolves a role chain (a role from a role from keys, or from an SSO profile) to the same caller as the AWS CLI v2' {
        # The Debian CLI takes no endpoint from the config; aws_cli_local.py points every client it creates (the AssumeRole
        # and SSO portal calls of its credential providers too) at the endpoint, and leaves the chain to botocore.
        $python = ((Get-Content -TotalCount 1 -Path $awsCli) -replace '^#!\s*', '').Trim()
        $sha1 = [System.Security.Cryptography.SHA1]::Create()
        # A legacy SSO profile (sso_start_url in the profile, cached under the SHA-1 of the URL): the Debian CLI (2.9) reads
        # the sso_session of the profile it was given, not of the source profile, and fails on an sso_session source
        # ("'NoneType' object has no attribute 'get_frozen_token'"); later botocore passes the source profile's name.
        $cacheName = -join ($sha1.ComputeHash([Text.Encoding]::UTF8.GetBytes('https://corp.example/start')) | ForEach-Object { $_.ToString('x2') })
        $signIn = $endpoint.SignInToSso([timespan]::FromHours(8))
        [ordered]@{ startUrl = 'https://corp.example/start'; region = 'us-east-1'; accessToken = (ConvertTo-PlainText $signIn.AccessToken)
            expiresAt = $signIn.ExpiresAt.ToUniversalTime().ToString('yyyy-MM-ddTHH:mm:ssZ') } | ConvertTo-Json | Set-Content (Join-Path $awsHome ".aws/sso/cache/$cacheName.json")
        $role = "arn:aws:iam::$($endpoint.AccountId):role/OrganizationAccountAccessRole"
        foreach ($source in 'base', 'corp-sso') {
            # Session names of their own: the CLI caches a role's credentials by role and session name, not by source.
            Set-AwsFiles -Credentials "[base]`naws_access_key_id = $($endpoint.AccessKeyId)`naws_secret_access_key = $adminSecret`n" -Config (
                "[profile corp-sso]`nsso_start_url = https://corp.example/start`nsso_region = us-east-1`nsso_account_id = $($endpoint.AccountId)`nsso_role_name = OrganizationAccountAccessRole`n" +
                "[profile hop-one]`nrole_arn = $role`nsource_profile = $source`nrole_session_name = one-from-$source`n" +
                "[profile hop-two]`nrole_arn = $role`nsource_profile = hop-one`nrole_session_name = two-from-$source`nregion = us-east-1`nendpoint_url = $($endpoint.Url)`n")
            $env:IAMONBOARD_CLI_ENDPOINT = $endpoint.Url
            try { $cli = (& $python (Join-Path $PSScriptRoot 'aws_cli_local.py') sts get-caller-identity --profile hop-two --query Arn --output text 2>&1 | Out-String).Trim() }
            finally { Remove-Item env:IAMONBOARD_CLI_ENDPOINT }
            $cli | Should -Be "arn:aws:sts::$($endpoint.AccountId):assumed-role/OrganizationAccountAccessRole/two-from-$source"

            $session = Connect-Onboard -ProfileName hop-two
            $session.CallerArn | Should -Be $cli
            $session.AccountId | Should -Be $endpoint.AccountId
            Disconnect-Onboard
        }
    }
}

Describe 'Role profiles with mfa_serial' {
    BeforeAll {
        Reset-AwsEnvironment
        $script:mfaEndpoint = Start-OnboardLocalIam
        $null = Connect-TestEndpoint -Endpoint $mfaEndpoint
        $device = Enable-OnboardVirtualMfa -UserName onboard-admin -Unattended -IncludeSeed
        Disconnect-Onboard
        $script:seed = ConvertTo-PlainText $device.Seed
        $script:serial = $device.SerialNumber
        # The endpoint, as STS, takes each code once (enabling took the current step's): each use below takes a code of its own.
        $script:mfaCodes = New-TestMfaCodeSource -Endpoint $mfaEndpoint -Base32Seed $seed -LastStep (Get-TestTotpStep)
        $script:mfaConfig = "[profile admin-mfa]`nrole_arn = arn:aws:iam::$($mfaEndpoint.AccountId):role/OrganizationAccountAccessRole`nsource_profile = base`n" +
            "mfa_serial = $serial`nrole_session_name = with-mfa`nendpoint_url = $($mfaEndpoint.Url)`n" +
            # A role in another account, reached through the role that asks for MFA: the usual shape of an admin's chain.
            "[profile mfa-chain]`nrole_arn = arn:aws:iam::$($mfaEndpoint.AccountId):role/OrganizationAccountAccessRole`nsource_profile = admin-mfa`n" +
            "role_session_name = chained`nregion = us-east-1`nendpoint_url = $($mfaEndpoint.Url)`n" +
            # Another role profile with the same device: one person's phone for two roles.
            "[profile mfa-again]`nrole_arn = arn:aws:iam::$($mfaEndpoint.AccountId):role/OrganizationAccountAccessRole`nsource_profile = base`n" +
            "mfa_serial = $serial`nrole_session_name = again`nendpoint_url = $($mfaEndpoint.Url)`n"
        $script:mfaCredentials = "[base]`naws_access_key_id = $($mfaEndpoint.AccessKeyId)`naws_secret_access_key = $(ConvertTo-PlainText $mfaEndpoint.SecretAccessKey)`n"

        # A child pwsh whose host can prompt (stdin redirected, so a prompt reads the current code, or each of $Codes in turn), with this test's AWS files.
        function Invoke-PwshAnsweringCode([string[]] $Arguments, [string[]] $Codes = @(Get-UnusedTestTotpCode $mfaCodes)) {
            $start = New-ChildPwshStartInfo -Arguments (@('-NoProfile', '-NoLogo') + $Arguments)
            $start.RedirectStandardInput = $true
            $start.RedirectStandardOutput = $true
            $start.RedirectStandardError = $true
            foreach ($name in 'HOME', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_EC2_METADATA_DISABLED', 'IAMONBOARD_LOOPBACK_ONLY') {
                $start.Environment[$name] = [Environment]::GetEnvironmentVariable($name)
            }
            $process = [System.Diagnostics.Process]::Start($start)
            try {
                $errors = $process.StandardError.ReadToEndAsync()
                foreach ($code in $Codes) { $process.StandardInput.WriteLine($code) }
                $process.StandardInput.Close()
                $output = $process.StandardOutput.ReadToEnd()
                $process.WaitForExit()
                [pscustomobject]@{ Output = $output; Errors = $errors.GetAwaiter().GetResult() }
            }
            finally { $process.Dispose() }
        }
    }
    AfterAll { $mfaEndpoint | Stop-OnboardLocalIam -Confirm:$false }
    BeforeEach { Reset-AwsEnvironment; Set-AwsFiles -Config $mfaConfig -Credentials $mfaCredentials }
    AfterEach { Disconnect-Onboard }

    It 'assumes the role with the code given by -TokenCode' {
        $session = Connect-Onboard -ProfileName admin-mfa -TokenCode (Get-UnusedTestTotpCode $mfaCodes)
        $session.CallerArn | Should -Be "arn:aws:sts::$($mfaEndpoint.AccountId):assumed-role/OrganizationAccountAccessRole/with-mfa"
    }

    It 'says, when the answer to AssumeRole with a code was lost and the resend refused, that STS took the code and to give the next one' {
        # Before, AWSSDK.Core resent the request at once on a fresh connection (a stale keep-alive one, as it took it), and
        # the refusal said to give "the current code": the same code, refused again.
        # A proxy's 504 after it stopped waiting says no more: STS may have taken the code all the same.
        foreach ($fault in 'DropNextResponses', 'AnswerNextWithGatewayTimeout') {
            $mfaEndpoint.$fault('AssumeRole', 1)
            $code = Get-UnusedTestTotpCode $mfaCodes
            $failure = { Connect-Onboard -ProfileName admin-mfa -TokenCode $code } | Should -Throw -ErrorId 'AccessDenied,IamOnboard.Commands.ConnectOnboardCommand' -PassThru
            $failure.Exception.Message | Should -BeLike "AssumeRole *role/OrganizationAccountAccessRole (profile 'admin-mfa') was refused for its MFA code: MultiFactorAuthentication failed*That was the AWS SDK's resend of the request, after the first attempt got no answer that says whether STS took the code*STS takes each code once*Wait for the next code of MFA device $serial and give it with -TokenCode." -Because $fault
            $failure.Exception.Message | Should -Not -Match "(?<!\d)$code(?!\d)"
            Get-OnboardSession -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        }

        $session = Connect-Onboard -ProfileName admin-mfa -TokenCode (Get-UnusedTestTotpCode $mfaCodes)
        $session.CallerArn | Should -BeLike '*:assumed-role/OrganizationAccountAccessRole/with-mfa'
    }

    It 'assumes a role chain whose first role asks for MFA with one code, to the same caller as the AWS CLI v2 given a code of its own' {
        # The CLI asks for the code of the role inside the chain (botocore's AssumeRoleProvider); with no terminal it reads it from stdin.
        # STS takes a code once: the CLI's is spent, so the module is given the next one.
        $python = ((Get-Content -TotalCount 1 -Path (Get-AwsCliV2)) -replace '^#!\s*', '').Trim()
        $env:IAMONBOARD_CLI_ENDPOINT = $mfaEndpoint.Url
        try { $cli = @((Get-UnusedTestTotpCode $mfaCodes) | & $python (Join-Path $PSScriptRoot 'aws_cli_local.py') sts get-caller-identity --profile mfa-chain --query Arn --output text 2>$null) }
        finally { Remove-Item env:IAMONBOARD_CLI_ENDPOINT }
        $cli[-1] | Should -Be "arn:aws:sts::$($mfaEndpoint.AccountId):assumed-role/OrganizationAccountAccessRole/chained"

        $code = Get-UnusedTestTotpCode $mfaCodes
        $verbose = @(Connect-Onboard -ProfileName mfa-chain -TokenCode $code -Verbose 4>&1)
        $session = $verbose | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }
        $session.CallerArn | Should -Be $cli[-1]
        $text = ($verbose | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n"
        $text | Should -Match ([regex]::Escape("of profile 'admin-mfa' as session 'with-mfa' with the credentials of profile 'base' and MFA device $serial."))
        $text | Should -Match ([regex]::Escape("Connect-Onboard -ProfileName mfa-chain -TokenCode <current code of $serial>"))
        $text | Should -Not -Match "(?<!\d)$code(?!\d)"
    }

    It 'says with -Verbose until when the session is valid, that it is not renewed and how to go on, showing no secret or code' {
        $code = Get-UnusedTestTotpCode $mfaCodes
        $verbose = Connect-Onboard -ProfileName admin-mfa -TokenCode $code -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        $text = $verbose.Message -join "`n"
        $text | Should -Match "valid until \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}Z\. Assumed with an MFA code, they cannot be renewed"
        $text | Should -Match ([regex]::Escape("Connect-Onboard -ProfileName admin-mfa -TokenCode <current code of $serial>"))
        $text.Contains((ConvertTo-PlainText $mfaEndpoint.SecretAccessKey)) | Should -BeFalse
        # As a number of its own: six digits may occur inside the account id.
        $text | Should -Not -Match "(?<!\d)$code(?!\d)"
    }

    It 'signs in for one call with -ProfileName and -TokenCode, as a script does, leaving the default session alone' {
        $null = Connect-TestEndpoint -Endpoint $endpoint
        $user = New-OnboardUser -UserName (New-TestName) -ProfileName admin-mfa -TokenCode (Get-UnusedTestTotpCode $mfaCodes)
        $user.Arn | Should -Match ":$($mfaEndpoint.AccountId):user/"
        (Get-OnboardSession).AccountId | Should -Be $endpoint.AccountId
    }

    It 'takes -TokenCode alone for the role profile AWS_PROFILE names, as a new session for the call' {
        $null = Connect-TestEndpoint -Endpoint $endpoint
        $env:AWS_PROFILE = 'admin-mfa'
        $everything = New-OnboardUser -UserName (New-TestName) -TokenCode (Get-UnusedTestTotpCode $mfaCodes) -Verbose 4>&1
        ($everything | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }).Arn | Should -Match ":$($mfaEndpoint.AccountId):user/"
        ($everything | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n" | Should -Match 'new session for this call only'
    }

    It 'fails clearly in a runbook when a per-call role profile needs a code and none is given' {
        $shell = [powershell]::Create()
        try {
            $null = $shell.AddScript({
                    param($Module)
                    Import-Module $Module
                    try { New-OnboardUser -UserName runbook-user -ProfileName admin-mfa -ErrorAction Stop; 'created' } catch { $_.FullyQualifiedErrorId; $_.Exception.Message }
                }).AddArgument($env:IAMONBOARD_MODULE)
            $answer = $shell.Invoke()
            $answer[0] | Should -Be 'SessionNotAvailable,IamOnboard.Commands.NewOnboardUserCommand'
            $answer[1] | Should -Match "Profile 'admin-mfa'.*$([regex]::Escape($serial)).*-TokenCode"
        }
        finally { $shell.Dispose() }
    }

    It 'refuses a -TokenCode that no MFA device asks for, per call and on Connect-Onboard' {
        { New-OnboardUser -UserName (New-TestName) -ProfileName base -TokenCode 123456 -ErrorAction Stop } |
            Should -Throw -ErrorId 'SessionNotAvailable,IamOnboard.Commands.NewOnboardUserCommand' -ExpectedMessage "*-TokenCode was given, but no MFA device asks for it*profile 'base'*"
        { Connect-Onboard -ProfileName base -TokenCode 123456 -ErrorAction Stop } |
            Should -Throw -ErrorId 'SessionNotAvailable,IamOnboard.Commands.ConnectOnboardCommand' -ExpectedMessage '*-TokenCode was given, but no MFA device asks for it*'
    }

    It 'shows STS refusing a wrong code, naming the role, its profile and the device, never the code (<Profile>)' -ForEach @(
        @{ Profile = 'admin-mfa' }
        @{ Profile = 'mfa-chain' }
    ) {
        $wrong = '{0:000000}' -f (([int](Get-TestTotpCode -Base32Seed $seed) + 500000) % 1000000)
        $caught = $null
        try { Connect-Onboard -ProfileName $Profile -TokenCode $wrong -ErrorAction Stop } catch { $caught = $_ }
        # The role asking for the code is admin-mfa's, in the chain too.
        $caught.Exception.Message | Should -BeLike "AssumeRole arn:aws:iam::*:role/OrganizationAccountAccessRole (profile 'admin-mfa') was refused for its MFA code: MultiFactorAuthentication failed*Give the current code of MFA device $serial with -TokenCode*"
        $caught.Exception.Message | Should -Not -Match "(?<!\d)$wrong(?!\d)"
    }

    It 'says a code this session already used for the device was used, naming both profiles, and to wait for the next code, never showing it' {
        # STS takes a code once: the same code for a second role of the same device is refused (aws-cli#2279).
        $code = Get-UnusedTestTotpCode $mfaCodes
        $null = Connect-Onboard -ProfileName admin-mfa -TokenCode $code
        $caught = $null
        try { New-OnboardUser -UserName (New-TestName) -ProfileName mfa-again -TokenCode $code -ErrorAction Stop } catch { $caught = $_ }
        $caught.FullyQualifiedErrorId | Should -Be 'AccessDenied,IamOnboard.Commands.NewOnboardUserCommand'
        $caught.TargetObject | Should -Be 'mfa-again'
        $caught.Exception.Message | Should -BeLike ("AssumeRole arn:aws:iam::*:role/OrganizationAccountAccessRole (profile 'mfa-again') was refused for its MFA code: MultiFactorAuthentication failed with invalid MFA one time pass code. " +
            "That code was used already in this PowerShell session, for MFA device $serial (profile 'admin-mfa'), and each code is accepted once: wait for the device's next code and give it with -TokenCode.")
        $caught.Exception.Message | Should -Not -Match "(?<!\d)$code(?!\d)"
    }

    It 'asks again on an interactive host when the code typed was already used for another role profile of the device, and connects with the next one' {
        $used = Get-UnusedTestTotpCode $mfaCodes
        $next = Get-UnusedTestTotpCode $mfaCodes
        $script = "Import-Module '$($env:IAMONBOARD_MODULE)'; `$null = Connect-Onboard -ProfileName admin-mfa -ErrorAction Stop; " +
            "`$s = Connect-Onboard -ProfileName mfa-again -ErrorAction Stop; 'RESULT ' + `$s.CallerArn"
        # The person types the code still on the phone for the second role too, then the next one.
        $child = Invoke-PwshAnsweringCode -Arguments @('-Command', $script) -Codes @($used, $used, $next)
        $child.Errors | Should -BeNullOrEmpty
        $child.Output | Should -Match ([regex]::Escape("That code was used already in this PowerShell session, for MFA device $serial (profile 'admin-mfa'), and each code is accepted once: wait for the device's next code."))
        $child.Output | Should -Match 'RESULT arn:aws:sts::\d+:assumed-role/OrganizationAccountAccessRole/again'
        # (The host echoes what is typed after each prompt, as a terminal does.)
        ([regex]::Matches($child.Output, [regex]::Escape("MFA code for $serial"))).Count | Should -Be 3
    }

    It 'asks for the code on an interactive host (<Profile>)' -ForEach @(
        @{ Profile = 'admin-mfa'; Session = 'with-mfa' }
        @{ Profile = 'mfa-chain'; Session = 'chained' }
    ) {
        $script = "Import-Module '$($env:IAMONBOARD_MODULE)'; `$s = Connect-Onboard -ProfileName $Profile -ErrorAction Stop; 'RESULT ' + `$s.CallerArn"
        $child = Invoke-PwshAnsweringCode -Arguments @('-Command', $script)
        $child.Output | Should -Match ([regex]::Escape("MFA code for $serial"))
        $child.Output | Should -Match "RESULT arn:aws:sts::\d+:assumed-role/OrganizationAccountAccessRole/$Session"
    }

    It 'uses a role assumed with a code again for later commands naming its profile, as the AWS CLI does, until Disconnect-Onboard (<Profile>)' -ForEach @(
        @{ Profile = 'admin-mfa'; AssumeRoles = 1 }
        # The chain's own role is assumed again each time, with the kept credentials of the role that asked for the code.
        @{ Profile = 'mfa-chain'; AssumeRoles = 4 }
    ) {
        # AWS takes a code once: a second command given the same code, or none in a runbook, had to wait for the next one.
        $assumedBefore = $mfaEndpoint.GetStatistics().RequestsByAction['AssumeRole']
        $shell = [powershell]::Create()
        try {
            $null = $shell.AddScript({
                    param($Module, $Profile, $Code, $Names)
                    Import-Module $Module
                    (New-OnboardUser -UserName $Names[0] -ProfileName $Profile -TokenCode $Code -ErrorAction Stop).UserName
                    (New-OnboardUser -UserName $Names[1] -ProfileName $Profile -ErrorAction Stop).UserName
                    (Connect-Onboard -ProfileName $Profile -TokenCode $Code -ErrorAction Stop).CallerArn
                    Disconnect-Onboard
                    try { New-OnboardUser -UserName $Names[2] -ProfileName $Profile -ErrorAction Stop } catch { $_.FullyQualifiedErrorId; $_.Exception.Message }
                }).AddArgument($env:IAMONBOARD_MODULE).AddArgument($Profile).AddArgument((Get-UnusedTestTotpCode $mfaCodes)).AddArgument(@((New-TestName), (New-TestName), (New-TestName)))
            $answer = @($shell.Invoke())
            $shell.Streams.Error | Should -BeNullOrEmpty
            $answer.Count | Should -Be 5
            $answer[2] | Should -Match ':assumed-role/OrganizationAccountAccessRole/'
            $answer[3] | Should -Be 'SessionNotAvailable,IamOnboard.Commands.NewOnboardUserCommand'
            $answer[4] | Should -Match "$([regex]::Escape($serial)).*-TokenCode"
        }
        finally { $shell.Dispose() }
        $mfaEndpoint.GetStatistics().RequestsByAction['AssumeRole'] - $assumedBefore | Should -Be $AssumeRoles
    }

    It 'assumes the role once for a pipeline whose stages name the same role profile and code' {
        $group = New-TestName
        $null = Connect-TestEndpoint -Endpoint $mfaEndpoint
        $null = New-OnboardGroup -GroupName $group
        Disconnect-Onboard
        $assumedBefore = $mfaEndpoint.GetStatistics().RequestsByAction['AssumeRole']
        $shell = [powershell]::Create()
        try {
            $null = $shell.AddScript({
                    param($Module, $Code, $UserName, $Group)
                    Import-Module $Module
                    (New-OnboardUser -UserName $UserName -ProfileName admin-mfa -TokenCode $Code |
                        Add-OnboardGroupMember -GroupName $Group -ProfileName admin-mfa -TokenCode $Code -ErrorAction Stop).UserName
                }).AddArgument($env:IAMONBOARD_MODULE).AddArgument((Get-UnusedTestTotpCode $mfaCodes)).AddArgument(($user = New-TestName)).AddArgument($group)
            $answer = @($shell.Invoke())
            $shell.Streams.Error | Should -BeNullOrEmpty
            $answer | Should -Be $user
        }
        finally { $shell.Dispose() }
        $mfaEndpoint.GetStatistics().RequestsByAction['AssumeRole'] - $assumedBefore | Should -Be 1
    }

    It 'asks for the code on an interactive host running a script whose own arguments include -s (not a job server)' {
        # Start-Job's server process is pwsh -s; a script's parameter -s, after -File, is not PowerShell's.
        $script = Join-Path $TestDrive 'with-s.ps1'
        Set-Content -Path $script -Value "param([switch] `$s); Import-Module '$($env:IAMONBOARD_MODULE)'; `$session = Connect-Onboard -ProfileName admin-mfa -ErrorAction Stop; 'RESULT ' + `$session.CallerArn"
        $child = Invoke-PwshAnsweringCode -Arguments @('-File', $script, '-s')
        $child.Errors | Should -BeNullOrEmpty
        $child.Output | Should -Match ([regex]::Escape("MFA code for $serial"))
        $child.Output | Should -Match 'RESULT arn:aws:sts::\d+:assumed-role/OrganizationAccountAccessRole/with-mfa'
    }

    It 'fails clearly in a non-interactive host (a runbook) when no code is given' {
        $shell = [powershell]::Create()
        try {
            $null = $shell.AddScript({
                    param($Module)
                    Import-Module $Module
                    try { Connect-Onboard -ProfileName admin-mfa -ErrorAction Stop; 'connected' } catch { $_.FullyQualifiedErrorId; $_.Exception.Message }
                }).AddArgument($env:IAMONBOARD_MODULE)
            $answer = $shell.Invoke()
            $answer[0] | Should -Be 'SessionNotAvailable,IamOnboard.Commands.ConnectOnboardCommand'
            $answer[1] | Should -Match "Profile 'admin-mfa'.*$([regex]::Escape($serial)).*-TokenCode"
        }
        finally { $shell.Dispose() }
    }
}

Describe 'IAM Identity Center (SSO) profiles' {
    BeforeAll {
        $script:ssoConfig = "[profile corp-admin]`nsso_session = corp`nsso_account_id = $($endpoint.AccountId)`nsso_role_name = OrganizationAccountAccessRole`n" +
            "region = us-east-1`nendpoint_url = $($endpoint.Url)`n[sso-session corp]`nsso_start_url = https://corp.example/start`nsso_region = us-east-1`n"
        # The CLI's cache file for sso-session 'corp': the SHA-1 hex of the session name, computed here independently.
        function script:Get-SsoCachePath {
            $sha1 = [System.Security.Cryptography.SHA1]::Create()
            $name = -join ($sha1.ComputeHash([Text.Encoding]::UTF8.GetBytes('corp')) | ForEach-Object { $_.ToString('x2') })
            Join-Path $awsHome ".aws/sso/cache/$name.json"
        }
        function script:Write-SsoCache([string] $Token, [datetime] $ExpiresAt, [hashtable] $Refresh = @{}) {
            $cache = [ordered]@{ startUrl = 'https://corp.example/start'; region = 'us-east-1'; accessToken = $Token; expiresAt = $ExpiresAt.ToUniversalTime().ToString('yyyy-MM-ddTHH:mm:ssZ') }
            foreach ($key in $Refresh.Keys) { $cache[$key] = $Refresh[$key] }
            $cache | ConvertTo-Json | Set-Content (Get-SsoCachePath)
        }
        # What 'aws sso login' with an sso-session caches, from a sign-in the endpoint made (access token, client, refresh token).
        function script:Write-SsoSignIn($SignIn, [string] $RefreshToken) {
            if (-not $RefreshToken) { $RefreshToken = ConvertTo-PlainText $SignIn.RefreshToken }
            Write-SsoCache -Token (ConvertTo-PlainText $SignIn.AccessToken) -ExpiresAt $SignIn.ExpiresAt -Refresh @{
                clientId = $SignIn.ClientId; clientSecret = (ConvertTo-PlainText $SignIn.ClientSecret)
                registrationExpiresAt = $SignIn.RegistrationExpiresAt.ToString('yyyy-MM-ddTHH:mm:ssZ'); refreshToken = $RefreshToken
            }
        }
        function script:Get-CreateTokenCount {
            $byAction = $endpoint.GetStatistics().RequestsByAction
            if ($byAction.ContainsKey('CreateToken')) { $byAction['CreateToken'] } else { 0 }
        }
    }
    BeforeEach {
        Reset-AwsEnvironment
        Set-AwsFiles -Config $ssoConfig
        $env:AWS_ENDPOINT_URL_SSO = $endpoint.Url
    }
    AfterEach { Disconnect-Onboard }

    It 'exchanges the cached sign-in for role credentials at the SSO portal and works as that role' {
        Write-SsoCache -Token (ConvertTo-PlainText ($endpoint.IssueSsoAccessToken([timespan]::FromHours(1)))) -ExpiresAt (Get-Date).AddHours(1)
        $session = Connect-Onboard -ProfileName corp-admin
        $session.CallerArn | Should -Match ":assumed-role/OrganizationAccountAccessRole/"
        $session.CredentialSource | Should -Match 'SSO'
        (New-OnboardUser -UserName (New-TestName)).Status | Should -Be 'Created'
    }

    It 'renews an expired sign-in through SSO OIDC with its refresh token, saves it as the CLI does, and onboards with it' {
        $signIn = $endpoint.SignInToSso([timespan]::FromHours(-1))
        Write-SsoSignIn $signIn
        $secrets = @((ConvertTo-PlainText $signIn.AccessToken), (ConvertTo-PlainText $signIn.RefreshToken), (ConvertTo-PlainText $signIn.ClientSecret))
        $refreshesBefore = Get-CreateTokenCount

        $streams = Connect-Onboard -ProfileName corp-admin -Verbose -Debug 4>&1 5>&1 3>&1 2>&1
        $user = New-OnboardUser -UserName (New-TestName) -Verbose -Debug 4>&1 5>&1 3>&1 2>&1 | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] -and $_ -isnot [System.Management.Automation.DebugRecord] }
        $user.Status | Should -Be 'Created'
        $user.Arn | Should -Match ":$($endpoint.AccountId):user/"
        (Get-OnboardSession).CallerArn | Should -Match ':assumed-role/OrganizationAccountAccessRole/'
        ($streams | Out-String) | Should -Match 'renewed through SSO OIDC'
        (Get-CreateTokenCount) - $refreshesBefore | Should -Be 1

        # The CLI's file, in place: a new access token valid for the future, the refresh token replaced (the endpoint
        # rotates them), the client registration kept, start URL and region from the config; owner-only.
        $cache = Get-Content -Raw (Get-SsoCachePath) | ConvertFrom-Json -AsHashtable -DateKind String
        @($cache.Keys | Sort-Object) | Should -Be @('accessToken', 'clientId', 'clientSecret', 'expiresAt', 'refreshToken', 'region', 'registrationExpiresAt', 'startUrl')
        $cache.accessToken | Should -Not -BeNullOrEmpty
        $cache.accessToken | Should -Not -Be $secrets[0]
        $cache.refreshToken | Should -Not -BeNullOrEmpty
        $cache.refreshToken | Should -Not -Be $secrets[1]
        $cache.clientId | Should -Be $signIn.ClientId
        $cache.clientSecret | Should -Be $secrets[2]
        $cache.registrationExpiresAt | Should -Be $signIn.RegistrationExpiresAt.ToString('yyyy-MM-ddTHH:mm:ssZ')
        $cache.startUrl | Should -Be 'https://corp.example/start'
        $cache.region | Should -Be 'us-east-1'
        (Get-Content -Raw (Get-SsoCachePath)) | Should -Match '"expiresAt":\s*"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"'
        [datetime]::Parse($cache.expiresAt, [cultureinfo]::InvariantCulture, 'AdjustToUniversal') | Should -BeGreaterThan ([datetime]::UtcNow.AddMinutes(30))
        if (-not $IsWindows) { (Get-Item (Get-SsoCachePath)).UnixFileMode | Should -Be ([System.IO.UnixFileMode]'UserRead, UserWrite') }

        # No token or client secret, old or new, reaches verbose, debug, warning or error output.
        $text = ($streams | Out-String) + ($user | Out-String)
        foreach ($secret in $secrets + @($cache.accessToken, $cache.refreshToken)) { $text.Contains($secret) | Should -BeFalse -Because 'SSO tokens are secrets' }

        # The saved token is the one the portal now accepts: the next sign-in uses it without another refresh.
        Disconnect-Onboard
        (Connect-Onboard -ProfileName corp-admin).CallerArn | Should -Match ':assumed-role/OrganizationAccountAccessRole/'
        (Get-CreateTokenCount) - $refreshesBefore | Should -Be 1
    }

    It 'says to run aws sso login when SSO OIDC refuses to renew the expired sign-in, and leaves the cache alone' {
        Write-SsoSignIn $endpoint.SignInToSso([timespan]::FromHours(-1)) -RefreshToken 'aor-not-a-refresh-token-the-endpoint-issued'
        $before = Get-Content -Raw (Get-SsoCachePath)
        { Connect-Onboard -ProfileName corp-admin -ErrorAction Stop } |
            Should -Throw -ErrorId 'SessionNotAvailable,IamOnboard.Commands.ConnectOnboardCommand' -ExpectedMessage "*expired at*refused to refresh it (InvalidGrantException)*aws sso login --profile corp-admin*"
        Get-Content -Raw (Get-SsoCachePath) | Should -Be $before
    }

    It 'goes on with a sign-in that is about to expire when it cannot be renewed, and warns to sign in again' {
        $signIn = $endpoint.SignInToSso([timespan]::FromMinutes(5))
        Write-SsoSignIn $signIn -RefreshToken 'aor-not-a-refresh-token-the-endpoint-issued'
        $session = Connect-Onboard -ProfileName corp-admin -WarningVariable warnings -WarningAction SilentlyContinue
        $session.CallerArn | Should -Match ':assumed-role/OrganizationAccountAccessRole/'
        ($warnings | Out-String) | Should -Match "expires at .* could not be renewed: SSO OIDC refused to refresh it \(InvalidGrantException\).*aws sso login --profile corp-admin"
    }

    It 'reads the expiresAt the AWS CLI''s legacy sign-in writes (2026-12-06T05:32:17UTC)' {
        $token = ConvertTo-PlainText ($endpoint.IssueSsoAccessToken([timespan]::FromHours(1)))
        [ordered]@{ startUrl = 'https://corp.example/start'; region = 'us-east-1'; accessToken = $token; expiresAt = (Get-Date).AddHours(1).ToUniversalTime().ToString('yyyy-MM-ddTHH:mm:ss') + 'UTC' } |
            ConvertTo-Json | Set-Content (Get-SsoCachePath)
        (Connect-Onboard -ProfileName corp-admin).CallerArn | Should -Match ':assumed-role/OrganizationAccountAccessRole/'
        [ordered]@{ startUrl = 'https://corp.example/start'; region = 'us-east-1'; accessToken = $token; expiresAt = 'next Tuesday' } | ConvertTo-Json | Set-Content (Get-SsoCachePath)
        { Connect-Onboard -ProfileName corp-admin -ErrorAction Stop } | Should -Throw -ExpectedMessage "*expiresAt 'next Tuesday' is not a date*"
    }

    It 'says to run aws sso login when the cached sign-in has expired' {
        Write-SsoCache -Token 'expired-token' -ExpiresAt (Get-Date).AddHours(-1)
        { Connect-Onboard -ProfileName corp-admin -ErrorAction Stop } | Should -Throw -ExpectedMessage "*aws sso login --profile corp-admin*"
    }

    It 'says to run aws sso login when there is no cached sign-in or the portal refuses it' {
        { Connect-Onboard -ProfileName corp-admin -ErrorAction Stop } | Should -Throw -ExpectedMessage "*aws sso login --profile corp-admin*"
        Write-SsoCache -Token 'not-issued-by-the-portal' -ExpiresAt (Get-Date).AddHours(1)
        { Connect-Onboard -ProfileName corp-admin -ErrorAction Stop } | Should -Throw -ExpectedMessage "*refused*aws sso login --profile corp-admin*"
    }
}

Describe 'The suite reaches loopback only' {
    BeforeEach { Reset-AwsEnvironment }

    It 'runs with IAMONBOARD_LOOPBACK_ONLY=1' {
        $env:IAMONBOARD_LOOPBACK_ONLY | Should -Be '1'
    }

    It 'refuses an AWS endpoint under the switch before any request leaves' {
        $secret = ConvertTo-SecureString 'not-a-real-secret' -AsPlainText -Force
        { Connect-Onboard -AccessKey AKIAEXAMPLEEXAMPLE00 -SecretKey $secret -Region eu-west-1 -ErrorAction Stop } |
            Should -Throw -ExpectedMessage '*IAMONBOARD_LOOPBACK_ONLY=1 refuses STS endpoint*sts.eu-west-1.amazonaws.com*'
    }
}
