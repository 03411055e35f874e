# examples/onboarder-policy.json is what the identity that onboards needs: the README's commands, re-runs, repairs and
# roll-backs run as a user that holds that policy and nothing else, against an endpoint that evaluates it.
BeforeAll {
    Import-Module $env:IAMONBOARD_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:examples = Join-Path $PSScriptRoot '../../examples'
    $script:endpoint = Start-OnboardLocalIam
    function script:Aws([string[]] $Arguments) { Invoke-AwsCli -Endpoint $script:endpoint -Arguments $Arguments }

    # The onboarder: a customer managed policy from the file (an inline user policy holds 2,048 characters; it has more).
    $policy = Aws @('iam', 'create-policy', '--policy-name', 'IamOnboardOnboarder', '--policy-document', "file://$(Join-Path $examples 'onboarder-policy.json')")
    $policy.ExitCode | Should -Be 0
    (Aws @('iam', 'create-user', '--user-name', 'onboarder')).ExitCode | Should -Be 0
    (Aws @('iam', 'attach-user-policy', '--user-name', 'onboarder', '--policy-arn', $policy.Json.Policy.Arn)).ExitCode | Should -Be 0
    $key = (Aws @('iam', 'create-access-key', '--user-name', 'onboarder')).Json.AccessKey
    $script:onboarderKey = $key
    $script:session = Connect-Onboard -EndpointUrl $endpoint.Url -AccessKey $key.AccessKeyId -SecretKey (ConvertTo-SecureString $key.SecretAccessKey -AsPlainText -Force)
    $script:session.CallerArn | Should -BeLike '*:user/onboarder'

    # What the onboarder itself calls, from here on.
    $script:before = @{} + $endpoint.GetStatistics().RequestsByAction
    # The runs below build on each other in one account: each test runs what it stands on first, once per file, so it
    # also passes alone (-TestName).
    $script:runsDone = @{}
    function script:Invoke-RunOnce([string] $Name, [scriptblock] $Run) {
        if (-not $script:runsDone[$Name]) {
            & $Run
            $script:runsDone[$Name] = $true
        }
    }
    $script:policyActions = @((Get-Content -Raw (Join-Path $examples 'onboarder-policy.json') | ConvertFrom-Json).Statement.Action | ForEach-Object { $_ -replace '^iam:' } | Sort-Object -Unique)

    # Every error record of a block, as text: any AccessDenied fails the test with the call that was refused.
    function script:Assert-NotDenied([object[]] $Errors) {
        @($Errors | Where-Object { "$_" -match 'AccessDenied|not authorized' } | ForEach-Object { "$_" }) | Should -BeNullOrEmpty
    }
}

AfterAll {
    Disconnect-Onboard
    $script:endpoint | Stop-OnboardLocalIam -Confirm:$false
}

Describe 'examples/onboarder-policy.json' {
    BeforeAll {
        # The README's commands, re-run as runbooks are, as the onboarder.
        $script:readmeRun = {
            $dir = Join-Path $TestDrive 'readme'
            $ErrorActionPreference = 'Stop'
            $null = New-OnboardGroup -GroupName Developers -Policy 'job-function/ViewOnlyAccess' -RequireMfa
            Import-OnboardCsv (Join-Path $examples 'starters.csv') | New-OnboardUser -WhatIf 6>$null
            Import-OnboardCsv (Join-Path $examples 'starters.csv') | New-OnboardUser |
                Add-OnboardGroupMember -GroupName Developers |
                Enable-OnboardVirtualMfa -Unattended -QrCodePath "$dir/qr/" |
                Export-OnboardCredential -Path "$dir/creds.csv"
            @(Import-Csv "$dir/creds.csv").Count | Should -Be @(Import-Csv (Join-Path $examples 'starters.csv')).Count
            # Run again, as runbooks are: the group is complete, its IamOnboard-RequireMfa policy is read and found current.
            $null = New-OnboardGroup -GroupName Developers -Policy 'job-function/ViewOnlyAccess' -RequireMfa
            'ci-deployer', 'backup-agent' | New-OnboardUser -ProgrammaticAccess -Group Developers |
                Export-OnboardCredential -Path "$dir/keys.csv" -Format AwsCliImport
            $null = Add-OnboardInlinePolicy -UserName eli.ross -PolicyName Audit -Path (Join-Path $examples 'audit-policy.json')
            $null = Add-OnboardInlinePolicy -GroupName Developers -PolicyName Audit -Path (Join-Path $examples 'audit-policy.json')
            New-OnboardUser -UserName fay.adams -ConsoleAccess -PasswordResetRequired | Enable-OnboardVirtualMfa -Unattended -IncludeSeed |
                Export-OnboardCredential -Path "$dir/fay.csv"
            (Test-OnboardAccess -UserName fay.adams -Action iam:ChangePassword).Decision | Should -Be 'Allowed'
            # A re-run completes what the file asks for now: a new tag, a boundary added, console access for a key-only user.
            $null = New-OnboardUser -UserName ci-deployer -Tag @{ owner = 'platform' } -PermissionsBoundary ReadOnlyAccess -ConsoleAccess
            $null = Remove-OnboardUser ana.lima -Confirm:$false
            $null = Remove-OnboardUser eli.ross -Disable -Confirm:$false
        }

        # A stopped run repaired, lost responses recovered, a failed row rolled back, as the onboarder.
        $script:repairRun = {
            $errors = @()
            # Stopped while the output carrying the password and the seed was being taken, then the pipeline again.
            $errors += Stop-WhileOutputTaken -Arguments $env:IAMONBOARD_MODULE, $script:session -Script {
                param($Module, $Session, $Taken)
                Import-Module $Module
                New-OnboardUser -UserName gil.moss -ConsoleAccess -ProgrammaticAccess -Session $Session | Enable-OnboardVirtualMfa -Unattended -IncludeSeed -Session $Session |
                    ForEach-Object { $null = New-Item -ItemType File -Path $Taken; Start-Sleep -Seconds 60 }
            }
            $again = New-OnboardUser -UserName gil.moss -ConsoleAccess -ProgrammaticAccess -ErrorVariable +errors |
                Enable-OnboardVirtualMfa -Unattended -IncludeSeed -SkipIfEnabled -ErrorVariable +errors -WarningAction SilentlyContinue
            $again.Status | Should -Be 'Enabled'
            # The same, enrolled again by name alone.
            $null = New-OnboardUser -UserName hal.finch -ConsoleAccess -ErrorVariable +errors | Enable-OnboardVirtualMfa -Unattended -IncludeSeed | Out-Null 3>$null
            (Enable-OnboardVirtualMfa -UserName hal.finch -Unattended -IncludeSeed -SkipIfEnabled -ErrorVariable +errors -WarningAction SilentlyContinue).Status | Should -Be 'Enabled'

            # Responses lost on the way back: what each create may have made is looked for, and a key or device whose secret
            # never arrived is deleted before it is made again.
            foreach ($action in 'CreateUser', 'CreateAccessKey', 'CreateVirtualMFADevice', 'EnableMFADevice') { $endpoint.DropNextResponses($action, 1) }
            $lost = New-OnboardUser -UserName ida.wolfe -ConsoleAccess -ProgrammaticAccess -ErrorVariable +errors -WarningAction SilentlyContinue |
                Enable-OnboardVirtualMfa -Unattended -IncludeSeed -ErrorVariable +errors -WarningAction SilentlyContinue
            $lost.Status | Should -Be 'Enabled'

            # A row that fails after its user was made is rolled back: login profile, key, policy and user deleted.
            $once = Connect-Onboard -EndpointUrl $endpoint.Url -AccessKey $onboarderKey.AccessKeyId -SecretKey (ConvertTo-SecureString $onboarderKey.SecretAccessKey -AsPlainText -Force) -MaxAttempts 1
            $endpoint.FailNextRequests('AddUserToGroup', 1)
            $failed = $null
            $null = New-OnboardUser -UserName jo.lane -ConsoleAccess -ProgrammaticAccess -Policy ReadOnlyAccess -Group Developers -Session $once -ErrorVariable failed -ErrorAction SilentlyContinue
            $failed | Should -HaveCount 1
            "$failed" | Should -BeLike '*Everything this call had created was removed*'
            (Aws @('iam', 'get-user', '--user-name', 'jo.lane')).StdErr | Should -Match 'NoSuchEntity'

            Assert-NotDenied $errors
        }
    }

    It 'names only IAM actions of AWS''s published service model' {
        $model = '/usr/lib/python3/dist-packages/botocore/data/iam/2010-05-08/service-2.json'
        Test-Path $model | Should -BeTrue -Because 'Debian''s python3-botocore has it (.ci/run installs it); a missing model is a broken environment, never a reason to skip'
        $operations = (Get-Content -Raw $model | ConvertFrom-Json -AsHashtable).operations.Keys
        @($policyActions | Where-Object { $_ -cnotin $operations }) | Should -BeNullOrEmpty
    }

    It 'is enough for the README''s commands' {
        Invoke-RunOnce 'README' $readmeRun
    }

    It 'is enough to repair a stopped run, to recover lost responses and to roll back a failed row' {
        Invoke-RunOnce 'README' $readmeRun
        Invoke-RunOnce 'repair' $repairRun
    }

    It 'lists no action that none of these runs needed, but for the rare paths named here' {
        Invoke-RunOnce 'README' $readmeRun
        Invoke-RunOnce 'repair' $repairRun
        $after = $endpoint.GetStatistics().RequestsByAction
        $called = @($after.Keys | Where-Object { $after[$_] -gt $(if ($before.ContainsKey($_)) { $before[$_] } else { 0 }) })
        @($called | Where-Object { $_ -notin $policyActions -and $_ -notin 'GetCallerIdentity' }) | Should -BeNullOrEmpty -Because 'every call was allowed by the policy'
        # Needed only when the user has them (Remove-OnboardUser), when the IamOnboard-RequireMfa policy is out of date,
        # when an inline policy of that name is there, by tab completion, or when a user or group would have more managed
        # policies or groups than IAM's default quota (GetAccountSummary reads the account's own).
        $rare = 'GetAccountSummary', 'ListUsers', 'DeleteSSHPublicKey', 'DeleteSigningCertificate', 'DeleteServiceSpecificCredential', 'DeleteUserPolicy',
            'CreatePolicyVersion', 'DeletePolicyVersion', 'ListPolicyVersions', 'GetUserPolicy', 'GetGroupPolicy'
        @($policyActions | Where-Object { $_ -notin $called -and $_ -notin $rare }) | Should -BeNullOrEmpty
    }
}
