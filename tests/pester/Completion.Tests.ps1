# Tab completion through PowerShell's own TabExpansion2, as a person at the prompt gets it: groups and policies from
# a local endpoint, profiles from temporary shared files, regions from the SDK.
BeforeAll {
    Import-Module $env:IAMONBOARD_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:savedEnvironment = @{}
    foreach ($name in 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_CONFIG_FILE') { $savedEnvironment[$name] = [Environment]::GetEnvironmentVariable($name) }

    $null = Connect-Onboard -Local
    $script:endpoint = Get-OnboardLocalIam | Select-Object -First 1
    $script:groupPrefix = New-TestName -Prefix 'cmpl'
    $null = New-OnboardGroup -GroupName "$groupPrefix-Developers"
    $null = New-OnboardGroup -GroupName "$groupPrefix-Operators"
    $script:customerPolicy = New-TestName -Prefix 'custpol'
    $policy = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}]}'
    $created = Invoke-AwsCli -Endpoint $endpoint -Arguments @('iam', 'create-policy', '--policy-name', $customerPolicy, '--policy-document', $policy)
    if ($created.ExitCode -ne 0) { throw "create-policy failed: $($created.StdErr)" }

    function script:Get-Completion([string] $InputScript) {
        @((TabExpansion2 -inputScript $InputScript -cursorColumn $InputScript.Length).CompletionMatches | ForEach-Object CompletionText)
    }
}

AfterAll {
    foreach ($name in $savedEnvironment.Keys) { [Environment]::SetEnvironmentVariable($name, $savedEnvironment[$name]) }
    Disconnect-Onboard
    Stop-OnboardLocalIam -All -Confirm:$false
}

Describe 'Completion attributes' {
    It 'are on every parameter that names a group, policy, profile or region' {
        # New-OnboardGroup -GroupName names a group that does not exist yet: nothing to complete.
        $expected = @{ Group = 'GroupNameCompleter'; GroupName = 'GroupNameCompleter'; Policy = 'PolicyCompleter'; ProfileName = 'ProfileNameCompleter'; Region = 'RegionCompleter'
            UserName = 'UserNameCompleter'; PermissionsBoundary = 'PolicyArnCompleter' }
        $missing = foreach ($command in Get-Command -Module IamOnboard -CommandType Cmdlet) {
            foreach ($parameter in $command.Parameters.Values | Where-Object { $expected.ContainsKey($_.Name) }) {
                # New-OnboardGroup -GroupName and New-OnboardUser -UserName name what does not exist yet: nothing to complete.
                if ($command.Name -eq 'New-OnboardGroup' -and $parameter.Name -eq 'GroupName') { continue }
                if ($command.Name -eq 'New-OnboardUser' -and $parameter.Name -eq 'UserName') { continue }
                $completer = $parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.ArgumentCompleterAttribute] }
                if ($completer.Type.Name -ne $expected[$parameter.Name]) { "$($command.Name) -$($parameter.Name)" }
            }
        }
        $missing | Should -BeNullOrEmpty
    }
}

Describe 'Completion of user names and policy ARNs' {
    BeforeAll {
        $script:userPrefix = New-TestName -Prefix 'cmplu'
        $null = New-OnboardUser -UserName "$userPrefix-ana"
        $null = New-OnboardUser -UserName "$userPrefix-ben"
    }

    It 'completes <Line> from the account''s users' -ForEach @(
        @{ Line = 'Add-OnboardGroupMember -GroupName g -UserName {0}-a' }
        @{ Line = 'Enable-OnboardVirtualMfa -UserName {0}-a' }
        @{ Line = 'Add-OnboardInlinePolicy -UserName {0}-a' }
        @{ Line = 'Remove-OnboardUser -UserName {0}-a' }
    ) {
        Get-Completion ($Line -f $userPrefix) | Should -Be @("$userPrefix-ana")
    }

    It 'lists the users once per session while the list is fresh' {
        $before = $endpoint.GetStatistics().RequestsByAction
        $null = Get-Completion "Enable-OnboardVirtualMfa -UserName $userPrefix-"
        $null = Get-Completion "Remove-OnboardUser -UserName $userPrefix-b"
        $after = $endpoint.GetStatistics().RequestsByAction
        $listed = $after['ListUsers'] - $(if ($before.ContainsKey('ListUsers')) { $before['ListUsers'] } else { 0 })
        $listed | Should -BeLessOrEqual 1 -Because 'a Tab must not list thousands of users again seconds later'
    }

    It 'completes -PermissionsBoundary and an arn: word in -Policy to policy ARNs' {
        Get-Completion 'New-OnboardUser -UserName x -PermissionsBoundary arn:aws:iam::aws:policy/ReadOnlyAcc' | Should -Be @('arn:aws:iam::aws:policy/ReadOnlyAccess')
        Get-Completion 'New-OnboardUser -UserName x -Policy arn:aws:iam::aws:policy/job-function/ViewOnly' | Should -Be @('arn:aws:iam::aws:policy/job-function/ViewOnlyAccess')
        Get-Completion "New-OnboardUser -UserName x -PermissionsBoundary arn:aws:iam::$($endpoint.AccountId):policy/$customerPolicy" |
            Should -Be @("arn:aws:iam::$($endpoint.AccountId):policy/$customerPolicy")
    }
}

Describe 'Completion of group names' {
    It 'completes <Line> from the account''s groups' -ForEach @(
        @{ Line = 'Add-OnboardGroupMember -GroupName {0}-Dev' }
        @{ Line = 'New-OnboardUser -UserName someone -Group {0}-Dev' }
        @{ Line = 'Add-OnboardInlinePolicy -GroupName {0}-Dev' }
    ) {
        $matches_ = Get-Completion ($Line -f $groupPrefix)
        $matches_ | Should -Be @("$groupPrefix-Developers")
    }

    It 'offers every group for an empty word' {
        $matches_ = Get-Completion 'Add-OnboardGroupMember -GroupName '
        $matches_ | Should -Contain "$groupPrefix-Developers"
        $matches_ | Should -Contain "$groupPrefix-Operators"
    }
}

Describe 'Completion of policies' {
    It 'completes AWS managed policies by name' {
        Get-Completion 'New-OnboardUser -Policy ReadO' | Should -Contain 'ReadOnlyAccess'
    }

    It 'completes job-function policies by their path' {
        $matches_ = Get-Completion 'New-OnboardGroup -GroupName x -Policy job-function/View'
        $matches_ | Should -Contain 'job-function/ViewOnlyAccess'
        $matches_ | Where-Object { $_ -notlike 'job-function/View*' } | Should -BeNullOrEmpty
    }

    It 'completes the account''s customer managed policies' {
        Get-Completion "New-OnboardUser -Policy $($customerPolicy.Substring(0, 10))" | Should -Contain $customerPolicy
    }
}

Describe 'Completion at real account sizes' {
    # A real account: some 1,300 AWS managed policies, thousands of users, IAM's pages of 100 unless MaxItems says
    # otherwise, and every request a round trip. Each endpoint here is the session's for its It; the shared one after.
    AfterEach {
        $null = Connect-TestEndpoint -Endpoint $script:endpoint
        Get-OnboardLocalIam | Where-Object Url -ne $script:endpoint.Url | Stop-OnboardLocalIam -Confirm:$false
    }

    It 'asks for pages of 1,000: 150 users take one ListUsers, not two' {
        $many = Start-OnboardLocalIam
        $session = Connect-TestEndpoint -Endpoint $many
        $prefix = New-TestName -Prefix 'bulk'
        $null = 1..150 | ForEach-Object { "$prefix-$_" } | New-OnboardUser -Session $session
        $before = $many.GetStatistics().RequestsByAction['ListUsers']
        $matches_ = Get-Completion "Remove-OnboardUser -UserName $prefix-1"
        $matches_ | Should -HaveCount 62 -Because "$prefix-1, -10 to -19 and -100 to -150"
        $matches_ | Should -Contain "$prefix-150"
        $many.GetStatistics().RequestsByAction['ListUsers'] - $before | Should -Be 1
    }

    It 'goes on listing when the budget runs out, so the next Tab has the names' {
        # Every request takes longer than a Tab may wait (3 s).
        $slow = Start-OnboardLocalIam -Latency ([timespan]::FromSeconds(4))
        $null = Connect-TestEndpoint -Endpoint $slow
        Get-Completion 'Remove-OnboardUser -UserName onboard-ad' | Should -BeNullOrEmpty
        Get-Completion 'New-OnboardUser -Policy ReadOnlyAcc' | Should -BeNullOrEmpty
        Start-Sleep -Seconds 3
        Get-Completion 'Remove-OnboardUser -UserName onboard-ad' | Should -Be @('onboard-admin')
        Get-Completion 'New-OnboardUser -Policy ReadOnlyAcc' | Should -Be @('ReadOnlyAccess')
        Get-Completion 'New-OnboardUser -UserName x -PermissionsBoundary arn:aws:iam::aws:policy/ReadOnlyAcc' | Should -Be @('arn:aws:iam::aws:policy/ReadOnlyAccess')
        $requests = $slow.GetStatistics().RequestsByAction
        $requests['ListUsers'] | Should -Be 1
        $requests['ListPolicies'] | Should -Be 1
    }
}

Describe 'Completion of profiles' {
    It 'lists the profiles of the shared credentials file named after the session started' {
        # The SDK was already used above (Connect-Onboard); completion must still follow the variable.
        $credentials = Join-Path $TestDrive 'credentials'
        "[cmpl-onboarding]`naws_access_key_id = AKIAEXAMPLE`naws_secret_access_key = not-a-secret`n[cmpl-other]`naws_access_key_id = AKIAEXAMPLE2`naws_secret_access_key = not-a-secret`n" | Set-Content $credentials
        $env:AWS_SHARED_CREDENTIALS_FILE = $credentials
        $matches_ = Get-Completion 'Connect-Onboard -ProfileName cmpl-'
        $matches_ | Should -Contain 'cmpl-onboarding'
        $matches_ | Should -Contain 'cmpl-other'
        Get-Completion 'New-OnboardUser -UserName x -ProfileName cmpl-on' | Should -Be @('cmpl-onboarding')
    }

    It 'reads a relative AWS_SHARED_CREDENTIALS_FILE from the current location, as the command does, not the process directory' {
        $here = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'team-here')
        $elsewhere = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'process-dir')
        "[cmpl-here]`naws_access_key_id = AKIAEXAMPLE`naws_secret_access_key = not-a-secret`n" | Set-Content (Join-Path $here 'creds')
        "[cmpl-elsewhere]`naws_access_key_id = AKIAEXAMPLE`naws_secret_access_key = not-a-secret`n" | Set-Content (Join-Path $elsewhere 'creds')
        $savedDirectory = [Environment]::CurrentDirectory
        Push-Location $here
        try {
            # `cd` moves PowerShell's location, not the process's directory.
            [Environment]::CurrentDirectory = $elsewhere.FullName
            $env:AWS_SHARED_CREDENTIALS_FILE = 'creds'
            Get-Completion 'Connect-Onboard -ProfileName cmpl-' | Should -Be @('cmpl-here')
        }
        finally {
            Pop-Location
            [Environment]::CurrentDirectory = $savedDirectory
        }
    }

    It 'lists the profiles of the -ProfileLocation already typed, a PowerShell path' {
        "[cmpl-team]`naws_access_key_id = AKIAEXAMPLE`naws_secret_access_key = not-a-secret`n" | Set-Content (Join-Path $TestDrive 'team-credentials')
        $env:AWS_SHARED_CREDENTIALS_FILE = Join-Path $TestDrive 'nothing-here'
        Get-Completion "Connect-Onboard -ProfileLocation TestDrive:/team-credentials -ProfileName cmpl-" | Should -Be @('cmpl-team')
        Get-Completion "New-OnboardUser -UserName x -ProfileLocation '$TestDrive/team-credentials' -ProfileName cmpl-t" | Should -Be @('cmpl-team')
    }
}

Describe 'Completion of regions' {
    It 'completes <Line> with <Expected>' -ForEach @(
        @{ Line = 'New-OnboardUser -UserName x -Region eu-central'; Expected = 'eu-central-1' }
        @{ Line = 'Connect-Onboard -Region us-gov-w'; Expected = 'us-gov-west-1' }
        @{ Line = 'Remove-OnboardUser -UserName x -Region cn-north'; Expected = 'cn-north-1' }
    ) {
        $matches_ = Get-Completion $Line
        $matches_ | Should -Contain $Expected
        $prefix = ($Line -split ' ')[-1]
        $matches_ | Where-Object { $_ -notlike "$prefix*" } | Should -BeNullOrEmpty
    }
}
