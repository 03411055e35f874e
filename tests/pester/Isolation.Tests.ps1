# Dependency isolation: with another AWSSDK.Core of the same assembly version (4.0.0.0) already loaded - as AWS.Tools
# would load it - the module still works, on its own AWSSDK.Core in its private load context.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $packages = ((& dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', '').Trim()
    # Restored by build/Tools.proj (PackageDownload), which the pester task restores.
    $script:otherSdk = Join-Path $packages 'awssdk.core/4.0.100.2/lib/netstandard2.0/AWSSDK.Core.dll'
    $script:moduleDir = Split-Path $env:IAMONBOARD_MODULE
}

Describe 'Isolation from another AWSSDK.Core' {
    It 'imports and onboards with a different AWSSDK.Core loaded first' {
        Test-Path $otherSdk | Should -BeTrue
        $ours = Get-ModuleDependencyPath -ModuleDir $moduleDir -Name 'AWSSDK.Core'
        # The hard case: same assembly version, different build. Only a private context tells them apart.
        [Reflection.AssemblyName]::GetAssemblyName($otherSdk).Version | Should -Be ([Reflection.AssemblyName]::GetAssemblyName($ours).Version)
        (Get-Item $otherSdk).VersionInfo.FileVersion | Should -Not -Be (Get-Item $ours).VersionInfo.FileVersion

        $script = @'
param($OtherSdk, $Module)
$ErrorActionPreference = 'Stop'
Add-Type -Path $OtherSdk
Import-Module $Module
$null = Connect-Onboard -Local
$user = New-OnboardUser -UserName isolated.user -ProgrammaticAccess
$loaded = foreach ($context in [System.Runtime.Loader.AssemblyLoadContext]::All) {
    foreach ($assembly in $context.Assemblies | Where-Object { $_.GetName().Name -in 'AWSSDK.Core', 'IamOnboard.Engine' }) {
        [pscustomobject]@{ Context = $context.Name; Name = $assembly.GetName().Name; Path = $assembly.Location }
    }
}
[pscustomobject]@{ Status = $user.Status; Loaded = @($loaded) } | ConvertTo-Json -Depth 4 -Compress
'@
        $scriptPath = Join-Path $TestDrive 'isolation.ps1'
        Set-Content -Path $scriptPath -Value $script
        $result = Invoke-ChildPwsh -Arguments @('-NoProfile', '-NonInteractive', '-File', $scriptPath, $otherSdk, $env:IAMONBOARD_MODULE) | ConvertFrom-Json

        $result.Status | Should -Be 'Created'
        $sdk = @($result.Loaded | Where-Object Name -EQ 'AWSSDK.Core')
        $sdk | Should -HaveCount 2
        ($sdk | Where-Object Context -EQ 'Default').Path | Should -Be $otherSdk
        ($sdk | Where-Object Context -EQ 'IamOnboard').Path | Should -Be $ours
        ($result.Loaded | Where-Object Name -EQ 'IamOnboard.Engine').Context | Should -Be 'IamOnboard'
    }
}

Describe 'AWSSDK.SSO and AWSSDK.SSOOIDC in the private load context' {
    It 'ships them in dependencies/ and signs in through an SSO profile with them from the IamOnboard context' {
        foreach ($name in 'AWSSDK.SSO', 'AWSSDK.SSOOIDC') {
            Test-Path (Join-Path $moduleDir "dependencies/$name.dll") | Should -BeTrue
            Test-Path (Join-Path $moduleDir "$name.dll") | Should -BeFalse -Because 'only IamOnboard.dll sits beside the manifest'
        }

        # A fresh process: an SSO profile whose cached sign-in has expired, renewed through SSO OIDC and exchanged at the
        # portal, so both SDK clients run; then where each AWSSDK assembly was loaded from.
        $script = @'
param($Module, $AwsHome)
$ErrorActionPreference = 'Stop'
Import-Module $Module
$endpoint = Start-OnboardLocalIam
$null = New-Item -ItemType Directory (Join-Path $AwsHome '.aws/sso/cache') -Force
$env:HOME = $AwsHome
$env:AWS_CONFIG_FILE = Join-Path $AwsHome 'config'
$env:AWS_SHARED_CREDENTIALS_FILE = Join-Path $AwsHome 'credentials'
Set-Content $env:AWS_SHARED_CREDENTIALS_FILE ''
Set-Content $env:AWS_CONFIG_FILE "[profile sso]`nsso_session = iso`nsso_account_id = $($endpoint.AccountId)`nsso_role_name = OrganizationAccountAccessRole`nendpoint_url = $($endpoint.Url)`n[sso-session iso]`nsso_start_url = https://iso.example/start`nsso_region = eu-west-1`n"
$signIn = $endpoint.SignInToSso([timespan]::FromHours(-1))
$plain = { param($secure) [System.Net.NetworkCredential]::new('', $secure).Password }
$name = -join ([System.Security.Cryptography.SHA1]::Create().ComputeHash([Text.Encoding]::UTF8.GetBytes('iso')) | ForEach-Object { $_.ToString('x2') })
@{ accessToken = (& $plain $signIn.AccessToken); expiresAt = $signIn.ExpiresAt.ToString('yyyy-MM-ddTHH:mm:ssZ'); clientId = $signIn.ClientId
   clientSecret = (& $plain $signIn.ClientSecret); registrationExpiresAt = $signIn.RegistrationExpiresAt.ToString('yyyy-MM-ddTHH:mm:ssZ')
   refreshToken = (& $plain $signIn.RefreshToken) } | ConvertTo-Json | Set-Content (Join-Path $AwsHome ".aws/sso/cache/$name.json")
$session = Connect-Onboard -ProfileName sso
$loaded = foreach ($context in [System.Runtime.Loader.AssemblyLoadContext]::All) {
    foreach ($assembly in $context.Assemblies | Where-Object { $_.GetName().Name -like 'AWSSDK.*' }) {
        [pscustomobject]@{ Context = $context.Name; Name = $assembly.GetName().Name; Path = $assembly.Location }
    }
}
[pscustomobject]@{ Caller = $session.CallerArn; Loaded = @($loaded) } | ConvertTo-Json -Depth 4 -Compress
'@
        $scriptPath = Join-Path $TestDrive 'isolation-sso.ps1'
        Set-Content -Path $scriptPath -Value $script
        $result = Invoke-ChildPwsh -Arguments @('-NoProfile', '-NonInteractive', '-File', $scriptPath, $env:IAMONBOARD_MODULE, (Join-Path $TestDrive 'sso-home')) | ConvertFrom-Json

        $result.Caller | Should -Match ':assumed-role/OrganizationAccountAccessRole/'
        foreach ($name in 'AWSSDK.SSO', 'AWSSDK.SSOOIDC', 'AWSSDK.Core') {
            $copies = @($result.Loaded | Where-Object Name -EQ $name)
            $copies | Should -HaveCount 1 -Because "$name is loaded once, by the module"
            $copies[0].Context | Should -Be 'IamOnboard'
            $copies[0].Path | Should -Be (Get-ModuleDependencyPath -ModuleDir $moduleDir -Name $name)
        }
    }
}
