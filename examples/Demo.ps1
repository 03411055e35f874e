<#
.SYNOPSIS
    The onboarding walk-through, end to end, against a local IAM endpoint (no AWS account needed).
.DESCRIPTION
    Run through `./build.ps1 demo`, which builds the module first. Creates a Developers group with a job-role
    policy, onboards users with console and programmatic access, gives an Audit user an inline policy, enrols
    the console users in virtual MFA, and writes the credentials file the console's "Download .csv" gives.
#>
param(
    [Parameter(Mandatory)] [string] $ModuleManifest,
    [Parameter(Mandatory)] [string] $OutputDirectory
)
$ErrorActionPreference = 'Stop'
Import-Module $ModuleManifest -Force

if (Test-Path $OutputDirectory) { Remove-Item $OutputDirectory -Recurse -Force }
$null = New-Item -ItemType Directory -Path $OutputDirectory
$qrFolder = Join-Path $OutputDirectory 'qr'
$credentialsFile = Join-Path $OutputDirectory 'credentials.csv'

function Show-Step([string] $Text) { Write-Host "`n== $Text" -ForegroundColor Cyan }

Show-Step 'Connect to a local IAM endpoint as its administrator'
$session = Connect-Onboard -Local
$session | Format-List AccountId, CallerArn, CredentialSource, ConsoleSignInUrl

Show-Step 'A group with a job-role policy (best practice: grant through groups, not users)'
New-OnboardGroup -GroupName Developers -Policy 'job-function/ViewOnlyAccess', 'AmazonS3ReadOnlyAccess' | Format-Table

Show-Step 'Users with console access (reset at first sign-in) and an access key, added to the group'
$people = @(
    [pscustomobject]@{ 'User name' = 'ana.lima'; Tag = 'team=platform;cost-center=1001'; ConsoleAccess = 'yes'; PasswordResetRequired = 'yes'; ProgrammaticAccess = 'yes' }
    [pscustomobject]@{ 'User name' = 'ben.okafor'; Tag = 'team=data'; ConsoleAccess = 'yes'; PasswordResetRequired = 'yes'; ProgrammaticAccess = 'no' }
    [pscustomobject]@{ 'User name' = 'audit'; Tag = 'team=security'; ConsoleAccess = 'no'; PasswordResetRequired = 'no'; ProgrammaticAccess = 'yes' }
)
$users = $people | New-OnboardUser | Add-OnboardGroupMember -GroupName Developers
$users | Format-Table

Show-Step 'An inline policy for the Audit user, checked before it is sent'
$auditPolicy = @{
    Version   = '2012-10-17'
    Statement = @(@{ Sid = 'ReadCloudTrail'; Effect = 'Allow'; Action = @('cloudtrail:LookupEvents', 'cloudtrail:GetTrail*'); Resource = '*' })
}
Add-OnboardInlinePolicy -UserName audit -PolicyName AuditReadOnly -PolicyDocument $auditPolicy | Format-Table

Show-Step 'Virtual MFA for every console user (unattended here; a person would scan the QR code)'
$enrolled = $users | Where-Object ConsoleAccess | Enable-OnboardVirtualMfa -Unattended -QrCodePath $qrFolder
$enrolled | Format-Table

Show-Step 'The credentials file (as the console''s Download .csv gives it)'
$users | Export-OnboardCredential -Path $credentialsFile

Show-Step 'Done'
Write-Host "Credentials (owner-only):   $credentialsFile"
Write-Host "QR codes (owner-only):      $qrFolder"
Write-Host "Console sign-in link:       $($session.ConsoleSignInUrl)"
Disconnect-Onboard
