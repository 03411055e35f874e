<#
.SYNOPSIS
    The onboarding walk-through, end to end, against a local IAM endpoint (no AWS account needed).
.DESCRIPTION
    Run through `./build.ps1 demo`, which builds the module first. Creates a Developers group with a job-role
    policy, plans and then runs the batch in examples/starters.csv (console and programmatic access, tags,
    policies, memberships), gives an Audit user an inline policy, enrols the console users in virtual MFA, writes
    the credentials file the console's "Download .csv" gives, and runs the batch again to show it converges.
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
$starters = Join-Path $PSScriptRoot 'starters.csv'

# Colours only for a person at a terminal: redirected to a file or a CI log (or with NO_COLOR set), the output is plain
# text. PowerShell itself would still colour table headers when redirected, so its rendering is set here too.
$colour = -not ([Console]::IsOutputRedirected -or $env:NO_COLOR -or $PSStyle.OutputRendering -eq 'PlainText')
if (-not $colour) { $PSStyle.OutputRendering = 'PlainText' }
function Show-Step([string] $Text) {
    if ($colour) { Write-Host "`n== $Text" -ForegroundColor Cyan } else { Write-Host "`n== $Text" }
}

# What the credentials file holds, without its secrets: who is in it and which credentials each line carries.
function Show-CredentialsFile([string] $Path) {
    $rows = @(Import-Csv -Path $Path)
    $mode = if ($IsWindows) { 'the folder''s ACL' } else { (Get-Item $Path).UnixFileMode }
    Write-Host ("{0}: {1} users, columns: {2} (mode: {3})" -f $Path, $rows.Count, ((Get-Content -TotalCount 1 -Path $Path) -replace ',', ', '), $mode)
    $rows | ForEach-Object {
        [pscustomobject]@{
            'User name'         = $_.'User name'
            Password            = if ($_.Password) { '******** (set)' } else { '' }
            'Access key ID'     = $_.'Access key ID'
            'Secret access key' = if ($_.'Secret access key') { '******** (set)' } else { '' }
        }
    } | Format-Table -AutoSize
}

Show-Step 'Connect to a local IAM endpoint as its administrator'
$session = Connect-Onboard -Local
$session | Format-List AccountId, CallerArn, CredentialSource, ConsoleSignInUrl

Show-Step 'A group with a job-role policy (best practice: grant through groups, not users)'
New-OnboardGroup -GroupName Developers -Policy 'job-function/ViewOnlyAccess', 'AmazonS3ReadOnlyAccess' | Format-Table

Show-Step "The plan for $starters (-WhatIf: nothing is changed)"
Import-OnboardCsv $starters | New-OnboardUser -WhatIf -InformationAction Continue

Show-Step 'The run: users with tags, console access (reset at first sign-in), access keys, policies, groups'
$users = @(Import-OnboardCsv $starters | New-OnboardUser -InformationAction Continue)
$users | Format-Table

Show-Step 'An Audit user with an inline policy, checked before it is sent'
$users += New-OnboardUser -UserName audit -ProgrammaticAccess -Tag @{ team = 'security' }
$auditPolicy = @{
    Version   = '2012-10-17'
    Statement = @(@{ Sid = 'ReadCloudTrail'; Effect = 'Allow'; Action = @('cloudtrail:LookupEvents', 'cloudtrail:GetTrail*'); Resource = '*' })
}
Add-OnboardInlinePolicy -UserName audit -PolicyName AuditReadOnly -PolicyDocument $auditPolicy | Format-Table

Show-Step 'Virtual MFA for every console user (unattended here; a person would scan the QR code)'
$users | Where-Object ConsoleAccess | Enable-OnboardVirtualMfa -Unattended -QrCodePath "$qrFolder/" | Format-Table

Show-Step 'The credentials file (as the console''s Download .csv gives it)'
$users | Export-OnboardCredential -Path $credentialsFile
Show-CredentialsFile $credentialsFile

Show-Step 'The same batch again: it converges, nothing is duplicated'
Import-OnboardCsv $starters | New-OnboardUser -InformationAction Continue |
    Format-Table UserName, Status, @{ Label = 'Notes'; Expression = { $_.Notes -join '; ' } } -Wrap

Show-Step 'Done'
Write-Host "Credentials (owner-only):   $credentialsFile"
Write-Host "QR codes (owner-only):      $qrFolder$(if (-not $IsWindows) { " (mode: $((Get-Item $qrFolder).UnixFileMode))" })"
Write-Host "Console sign-in link:       $($session.ConsoleSignInUrl)"
Disconnect-Onboard
