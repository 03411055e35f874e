# Packaging: the manifest passes Test-ModuleManifest, and the nupkg from 'build.ps1 package' installs from a local
# PSResource repository into a temporary folder and works in a fresh pwsh. The zip holds the module folder.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:moduleDir = Split-Path $env:IAMONBOARD_MODULE
    $script:version = (Import-PowerShellDataFile $env:IAMONBOARD_MODULE).ModuleVersion
    $script:outDir = Split-Path (Split-Path $moduleDir)
    $script:nupkg = Join-Path $outDir "IamOnboard.$version.nupkg"
    $script:repositoryName = 'IamOnboardPackageTest-' + [guid]::NewGuid().ToString('N').Substring(0, 8)
    $script:repositoryDir = Join-Path $TestDrive 'repository'
    $script:installDir = Join-Path $TestDrive 'modules'
    $null = New-Item -ItemType Directory -Path $repositoryDir, $installDir
}

AfterAll {
    Unregister-PSResourceRepository -Name $repositoryName -ErrorAction SilentlyContinue
}

Describe 'Package manifest' {
    It 'passes Test-ModuleManifest with explicit exports, both editions and no invented links' {
        $manifest = Test-ModuleManifest -Path $env:IAMONBOARD_MODULE -ErrorAction Stop
        $manifest.CompatiblePSEditions | Should -Be @('Core', 'Desktop')
        $manifest.PowerShellVersion | Should -Be ([version]'5.1')
        $data = Import-PowerShellDataFile $env:IAMONBOARD_MODULE
        $data.CmdletsToExport | Should -Not -Contain '*'
        $data.FunctionsToExport.Count + $data.VariablesToExport.Count + $data.AliasesToExport.Count | Should -Be 0
        @($manifest.ExportedCmdlets.Keys) | Sort-Object | Should -Be (@($data.CmdletsToExport) | Sort-Object)
        $data.PrivateData.PSData.Tags | Should -Contain 'IAM'
        $data.PrivateData.PSData.ReleaseNotes | Should -Not -BeNullOrEmpty
        # The license's own page is real; there is no public project site, icon or updatable help to point at.
        $data.PrivateData.PSData.LicenseUri | Should -Be 'https://www.apache.org/licenses/LICENSE-2.0'
        foreach ($key in 'ProjectUri', 'IconUri', 'HelpInfoUri') {
            $data.PrivateData.PSData.ContainsKey($key) -or $data.ContainsKey($key) | Should -BeFalse -Because "$key would have to point somewhere real"
        }
    }

    It 'ships the Apache-2.0 LICENSE the manifest names, and says help ships inside the module' {
        $license = Join-Path $moduleDir 'LICENSE'
        Test-Path $license | Should -BeTrue
        Get-Content -Raw $license | Should -Match 'Apache License\s+Version 2\.0, January 2004'
        (Import-PowerShellDataFile $env:IAMONBOARD_MODULE).Copyright | Should -Match 'Apache-2\.0'
        Import-Module $env:IAMONBOARD_MODULE -Force
        (Get-Help about_IamOnboard | Out-String) | Should -Match 'Update-Help'
    }
}

Describe 'Package install from a local PSResource repository' {
    It 'installs the nupkg into a temporary folder and runs from a fresh pwsh' {
        Test-Path $nupkg | Should -BeTrue -Because "'build.ps1 package' writes $nupkg"
        Register-PSResourceRepository -Name $repositoryName -Uri $repositoryDir -Trusted
        Copy-Item $nupkg -Destination $repositoryDir
        $found = Find-PSResource -Name IamOnboard -Repository $repositoryName
        $found.Version.ToString() | Should -Be $version

        Save-PSResource -Name IamOnboard -Repository $repositoryName -Path $installDir -TrustRepository
        $installed = Join-Path $installDir "IamOnboard/$version"
        Test-Path (Join-Path $installed 'IamOnboard.psd1') | Should -BeTrue
        Test-Path (Join-Path $installed 'dependencies/IamOnboard.Engine.dll') | Should -BeTrue
        Test-Path (Join-Path $installed 'IamOnboard.dll-Help.xml') | Should -BeTrue

        # Found by name through PSModulePath, as an installed module is: nothing of the build output is used.
        $script = @'
$ErrorActionPreference = 'Stop'
Import-Module IamOnboard
$null = Connect-Onboard -Local
$user = New-OnboardUser -UserName packaged.user -ConsoleAccess
'{0}|{1}|{2}' -f (Get-Module IamOnboard).ModuleBase, $user.UserName, $user.Status
'@
        $stdout = Invoke-ChildPwsh -Arguments @('-NoProfile', '-NonInteractive', '-Command', $script) -Environment @{ PSModulePath = $installDir }
        $base, $userName, $status = $stdout.Trim() -split '\|'
        $base | Should -Be (Resolve-Path $installed).Path
        $userName | Should -Be 'packaged.user'
        $status | Should -Be 'Created'
    }
}

Describe 'Package zip for automation accounts' {
    It 'is IamOnboard.zip holding IamOnboard/IamOnboard.psd1, and imports by name once unpacked as Azure Automation does' {
        $zip = Join-Path $outDir 'IamOnboard.zip'
        Test-Path $zip | Should -BeTrue -Because "'build.ps1 package' writes $zip"
        Add-Type -AssemblyName System.IO.Compression.FileSystem
        $archive = [System.IO.Compression.ZipFile]::OpenRead($zip)
        try { $entries = @($archive.Entries | ForEach-Object { $_.FullName -replace '\\', '/' }) } finally { $archive.Dispose() }
        $entries | Should -Contain 'IamOnboard/IamOnboard.psd1'
        $entries | Should -Contain 'IamOnboard/IamOnboard.dll'
        $entries | Should -Contain 'IamOnboard/dependencies/AWSSDK.Core.dll'
        $entries | Should -Contain 'IamOnboard/en-US/about_IamOnboard.help.txt'
        $entries | Should -Contain 'IamOnboard/LICENSE'
        $entries | Where-Object { $_ -notlike 'IamOnboard/*' } | Should -BeNullOrEmpty -Because 'everything is inside the module folder'

        # The service unpacks the zip into a modules folder and finds the module there by its name.
        $modules = Join-Path $TestDrive 'automation-modules'
        Expand-Archive -Path $zip -DestinationPath $modules
        $script = @'
$ErrorActionPreference = 'Stop'
Import-Module IamOnboard
$null = Connect-Onboard -Local
'{0}|{1}' -f (Get-Module IamOnboard).ModuleBase, (New-OnboardUser -UserName zipped.user).Status
'@
        $stdout = Invoke-ChildPwsh -Arguments @('-NoProfile', '-NonInteractive', '-Command', $script) -Environment @{ PSModulePath = $modules }
        $base, $status = $stdout.Trim() -split '\|'
        $base | Should -Be (Join-Path (Resolve-Path $modules).Path 'IamOnboard')
        $status | Should -Be 'Created'
    }
}
