@{
    # The one source of truth for the module's version and exports; build.ps1 copies it into the built module.
    RootModule           = 'IamOnboard.dll'
    ModuleVersion        = '0.1.0'
    CompatiblePSEditions = @('Core', 'Desktop')
    GUID                 = '5f0c6a52-3a1e-4b8e-9d57-2f1c8f7b9e41'
    Author               = 'IamOnboard contributors'
    CompanyName          = 'IamOnboard contributors'
    Copyright            = '(c) IamOnboard contributors. Apache-2.0.'
    Description          = 'Onboards people into AWS IAM safely, in bulk and repeatably: users, console and programmatic access, groups, policies and virtual MFA, with a local IAM-compatible endpoint for tests and demos.'
    PowerShellVersion    = '5.1'
    DotNetFrameworkVersion = '4.7.2'
    FormatsToProcess     = @('IamOnboard.format.ps1xml')
    CmdletsToExport      = @(
        'Connect-Onboard'
        'Disconnect-Onboard'
        'Get-OnboardSession'
        'Import-OnboardCsv'
        'New-OnboardUser'
        'Remove-OnboardUser'
        'New-OnboardGroup'
        'Add-OnboardGroupMember'
        'Add-OnboardInlinePolicy'
        'Enable-OnboardVirtualMfa'
        'Export-OnboardCredential'
        'Start-OnboardLocalIam'
        'Stop-OnboardLocalIam'
        'Get-OnboardLocalIam'
        'Test-OnboardAccess'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('AWS', 'IAM', 'Onboarding', 'MFA', 'Identity', 'PSEdition_Core', 'PSEdition_Desktop', 'Linux', 'Windows', 'MacOS')
            # The license's own page; there is no public project site or repository yet, so no ProjectUri (see README).
            LicenseUri   = 'https://www.apache.org/licenses/LICENSE-2.0'
            ReleaseNotes = '0.1.0 - Initial release: local IAM endpoint, IAM client on AWSSDK.Core, onboarding cmdlets and virtual MFA enrolment. Full help (Get-Help <cmdlet> -Full, about_IamOnboard), tab completion of groups, policies, profiles and regions, and dependencies isolated in their own load context so the module lives beside AWS.Tools. Help ships inside the module (no updatable help: Update-Help has nothing to fetch). The LICENSE file (Apache-2.0) ships beside the manifest.'
        }
    }
}
