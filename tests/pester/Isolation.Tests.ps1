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
        $ours = Join-Path $moduleDir 'dependencies/AWSSDK.Core.dll'
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
        $start = New-ChildPwshStartInfo -Arguments @('-NoProfile', '-NonInteractive', '-File', $scriptPath, $otherSdk, $env:IAMONBOARD_MODULE)
        $start.RedirectStandardOutput = $true
        $start.RedirectStandardError = $true
        $process = [System.Diagnostics.Process]::Start($start)
        $stderr = $process.StandardError.ReadToEndAsync()
        $stdout = $process.StandardOutput.ReadToEnd()
        $process.WaitForExit()
        $stderr.Result | Should -BeNullOrEmpty
        $process.ExitCode | Should -Be 0
        $result = $stdout | ConvertFrom-Json

        $result.Status | Should -Be 'Created'
        $sdk = @($result.Loaded | Where-Object Name -EQ 'AWSSDK.Core')
        $sdk | Should -HaveCount 2
        ($sdk | Where-Object Context -EQ 'Default').Path | Should -Be $otherSdk
        ($sdk | Where-Object Context -EQ 'IamOnboard').Path | Should -Be $ours
        ($result.Loaded | Where-Object Name -EQ 'IamOnboard.Engine').Context | Should -Be 'IamOnboard'
    }
}
