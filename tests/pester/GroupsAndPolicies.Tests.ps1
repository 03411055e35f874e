# New-OnboardGroup, Add-OnboardGroupMember and Add-OnboardInlinePolicy, verified through the AWS CLI v2.
BeforeAll {
    Import-Module $env:IAMONBOARD_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:endpoint = Start-OnboardLocalIam
    $script:session = Connect-TestEndpoint -Endpoint $endpoint
    function script:Aws([string[]] $Arguments) { Invoke-AwsCli -Endpoint $script:endpoint -Arguments $Arguments }
    $script:readS3 = '{"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":"*"}]}'
}

AfterAll {
    Disconnect-Onboard
    $script:endpoint | Stop-OnboardLocalIam -Confirm:$false
}

Describe 'New-OnboardGroup' {
    It 'creates a group with attached job-role policies' {
        $name = New-TestName 'group'
        $group = New-OnboardGroup -GroupName $name -Path '/teams/' -Policy 'job-function/ViewOnlyAccess', 'AmazonS3ReadOnlyAccess'
        $group.Status | Should -Be 'Created'
        $group.Arn | Should -Be "arn:aws:iam::$($endpoint.AccountId):group/teams/$name"
        $attached = (Aws @('iam', 'list-attached-group-policies', '--group-name', $name)).Json.AttachedPolicies.PolicyArn
        $attached | Should -Contain 'arn:aws:iam::aws:policy/job-function/ViewOnlyAccess'
        $attached | Should -Contain 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess'
    }

    It 'completes an existing group and is idempotent' {
        $name = New-TestName 'group'
        $null = New-OnboardGroup -GroupName $name
        (New-OnboardGroup -GroupName $name -Policy ReadOnlyAccess).Status | Should -Be 'Completed'
        (New-OnboardGroup -GroupName $name -Policy ReadOnlyAccess).Status | Should -Be 'Unchanged'
        (Aws @('iam', 'list-attached-group-policies', '--group-name', $name)).Json.AttachedPolicies.Count | Should -Be 1
    }

    It 'warns on a re-run that asks for another path, which it leaves as it is' {
        $name = New-TestName 'group'
        $null = New-OnboardGroup -GroupName $name -Path /teams/
        $again = New-OnboardGroup -GroupName $name -Path /engineering/ -WarningVariable warnings -WarningAction SilentlyContinue
        $again.Status | Should -Be 'Unchanged'
        ($warnings -join "`n") | Should -Match ([regex]::Escape("IAM group '$name': path is /teams/, not /engineering/; left unchanged"))
        (Aws @('iam', 'get-group', '--group-name', $name)).Json.Group.Path | Should -Be '/teams/'
        New-OnboardGroup -GroupName $name -Path /teams/ -WarningVariable same -WarningAction SilentlyContinue | Out-Null
        $same | Should -BeNullOrEmpty
    }

    It 'explains that groups cannot be tagged' {
        $name = New-TestName 'group'
        New-OnboardGroup -GroupName $name -Tag @{ team = 'x' } -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].FullyQualifiedErrorId | Should -Be 'GroupTagsNotSupported,IamOnboard.Commands.NewOnboardGroupCommand'
        (Aws @('iam', 'get-group', '--group-name', $name)).StdErr | Should -Match 'NoSuchEntity'
    }

    It 'refuses more managed policies than the group quota before any change, in the plan too, counting those attached' {
        $eleven = 'AdministratorAccess', 'IAMReadOnlyAccess', 'job-function/ViewOnlyAccess', 'AmazonS3ReadOnlyAccess', 'AmazonEC2ReadOnlyAccess',
            'IAMUserChangePassword', 'IAMFullAccess', 'AmazonS3FullAccess', 'PowerUserAccess', 'SecurityAudit', 'AmazonEC2FullAccess'
        $name = New-TestName 'group'
        New-OnboardGroup -GroupName $name -Policy $eleven -WhatIf -ErrorVariable planned -ErrorAction SilentlyContinue
        $planned[0].FullyQualifiedErrorId | Should -Be 'PolicyQuotaExceeded,IamOnboard.Commands.NewOnboardGroupCommand'
        New-OnboardGroup -GroupName $name -Policy $eleven -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].FullyQualifiedErrorId | Should -Be 'PolicyQuotaExceeded,IamOnboard.Commands.NewOnboardGroupCommand'
        $failures[0].Exception.Message | Should -BeLike "Policy: the group '$name' would have 11 managed policies (none attached yet, 11 to attach: *AmazonEC2FullAccess), more than the account's quota of 10 per group; nothing was changed.*"
        (Aws @('iam', 'get-group', '--group-name', $name)).StdErr | Should -Match 'NoSuchEntity'
        $null = New-OnboardGroup -GroupName $name -Policy $eleven[0..8]
        New-OnboardGroup -GroupName $name -Policy $eleven[8..10] -ErrorVariable more -ErrorAction SilentlyContinue
        $more[0].Exception.Message | Should -BeLike "*would have 11 managed policies (9 already attached, 2 to attach: *), more than the account's quota of 10 per group; nothing was changed. Attach at most 1 more*"
        (Aws @('iam', 'list-attached-group-policies', '--group-name', $name)).Json.AttachedPolicies.Count | Should -Be 9
    }

    It 'names the group and the policies attached and not when IAM refuses an attach, and a re-run attaches only what is missing' {
        # No rollback: the group and the policies attached stay, and the error is the account of them.
        $s3 = 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess'
        $viewOnly = 'arn:aws:iam::aws:policy/job-function/ViewOnlyAccess'
        $limited = (New-RestrictedCaller -Endpoint $endpoint -Deny @{ Action = 'iam:AttachGroupPolicy'; Condition = @{ ArnEquals = @{ 'iam:PolicyARN' = $s3 } } }).Session
        $script:session = Connect-TestEndpoint -Endpoint $endpoint
        $name = New-TestName 'group'

        $made = New-OnboardGroup -GroupName $name -Policy 'job-function/ViewOnlyAccess', 'AmazonS3ReadOnlyAccess' -Session $limited -ErrorVariable failures -ErrorAction SilentlyContinue
        $made | Should -BeNullOrEmpty
        $failures | Should -HaveCount 1
        $failures[0].FullyQualifiedErrorId | Should -Be 'AccessDenied,IamOnboard.Commands.NewOnboardGroupCommand'
        $failures[0].TargetObject | Should -Be $name
        "$($failures[0])" | Should -BeLike "IAM group '$name': policy $s3 was not attached: *iam:AttachGroupPolicy*. So far the group '$name' was created; attached: $viewOnly; not attached: $s3. Run the same command again once the cause is fixed: it attaches only what is missing."
        (Aws @('iam', 'get-group', '--group-name', $name)).ExitCode | Should -Be 0
        (Aws @('iam', 'list-attached-group-policies', '--group-name', $name)).Json.AttachedPolicies.PolicyArn | Should -Be @($viewOnly)

        $completed = New-OnboardGroup -GroupName $name -Policy 'job-function/ViewOnlyAccess', 'AmazonS3ReadOnlyAccess' -ErrorAction Stop
        $completed.Status | Should -Be 'Completed'
        @((Aws @('iam', 'list-attached-group-policies', '--group-name', $name)).Json.AttachedPolicies.PolicyArn) | Sort-Object | Should -Be @($s3, $viewOnly)
    }

    It 'says how to give several policies joined in one value, and offers the policy a misspelt name or ARN is near' -TestCases @(
        @{ Policy = 'ReadOnlyAccess,IAMUserChangePassword'; Expect = "No managed policy in the account or AWS's catalogue is named 'ReadOnlyAccess,IAMUserChangePassword'; it is 2 policies in one value: give each as its own value, as in -Policy ReadOnlyAccess, IAMUserChangePassword (in a CSV cell, separate them with ';': ReadOnlyAccess;IAMUserChangePassword)." }
        @{ Policy = 'ReadOnlyAcess'; Expect = "No managed policy in the account or AWS's catalogue is named 'ReadOnlyAcess'; did you mean 'ReadOnlyAccess'?" }
        @{ Policy = 'arn:aws:iam::aws:policy/ReadOnlyAcess'; Expect = "Policy: no managed policy has the ARN 'arn:aws:iam::aws:policy/ReadOnlyAcess'; did you mean 'arn:aws:iam::aws:policy/ReadOnlyAccess'? ARNs are case-sensitive." }
    ) {
        $name = New-TestName 'group'
        New-OnboardGroup -GroupName $name -Policy $Policy -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].FullyQualifiedErrorId | Should -Be 'PolicyNotFound,IamOnboard.Commands.NewOnboardGroupCommand'
        $failures[0].Exception.Message | Should -Be $Expect
        $user = New-TestName
        New-OnboardUser -UserName $user -Policy $Policy -ErrorVariable userFailures -ErrorAction SilentlyContinue
        $userFailures[0].Exception.Message | Should -Be $Expect
    }

    It 'changes nothing with -WhatIf' {
        $name = New-TestName 'group'
        New-OnboardGroup -GroupName $name -Policy ReadOnlyAccess -WhatIf
        (Aws @('iam', 'get-group', '--group-name', $name)).StdErr | Should -Match 'NoSuchEntity'
    }
}

Describe 'Add-OnboardGroupMember' {
    It 'adds piped users, passes them on, and is idempotent' {
        $group = New-TestName 'group'
        $null = New-OnboardGroup -GroupName $group
        $names = (New-TestName), (New-TestName)
        $users = $names | New-OnboardUser | Add-OnboardGroupMember -GroupName $group
        $users | Should -HaveCount 2
        $users[0] | Should -BeOfType ([IamOnboard.Commands.OnboardUser])
        $users[0].Groups | Should -Contain $group
        $again = $users | Add-OnboardGroupMember -GroupName $group
        $again | Should -HaveCount 2
        $members = (Aws @('iam', 'get-group', '--group-name', $group)).Json.Users.UserName
        $members | Should -HaveCount 2
        $members | Should -Contain $names[1]
    }

    It 'refuses a user already in as many groups as IAM allows, by name and piped, in the -WhatIf plan too, and adds the rest' {
        # Before, the plan said Planned and only the run failed, with IAM's LimitExceeded.
        $groups = 1..11 | ForEach-Object { (New-OnboardGroup -GroupName (New-TestName 'group')).GroupName }
        $full = New-TestName
        $held = New-OnboardUser -UserName $full -Group $groups[0..9]
        $other = New-TestName
        $null = New-OnboardUser -UserName $other
        foreach ($whatIf in $true, $false) {
            $added = $full, $other | Add-OnboardGroupMember -GroupName $groups[10] -WhatIf:$whatIf -ErrorVariable failures -ErrorAction SilentlyContinue 6>$null
            $failures | Should -HaveCount 1
            $failures[0].FullyQualifiedErrorId | Should -Be 'GroupQuotaExceeded,IamOnboard.Commands.AddOnboardGroupMemberCommand'
            $failures[0].TargetObject | Should -Be $full
            "$($failures[0])" | Should -BeExactly ("GroupName: IAM user '$full' is in 10 groups, the account's quota of 10 per user, so it was not added to group '$($groups[10])'; " +
                'nothing was changed. Remove it from a group it no longer needs (Remove-IAMUserFromGroup, aws iam remove-user-from-group) first.')
            $added.UserName | Should -Be $other
            $added.Status | Should -Be ($whatIf ? 'Planned' : 'Added')
        }

        $held | Add-OnboardGroupMember -GroupName $groups[10] -WhatIf -ErrorVariable heldFailures -ErrorAction SilentlyContinue 6>$null | Should -BeNullOrEmpty
        $heldFailures[0].FullyQualifiedErrorId | Should -Be 'GroupQuotaExceeded,IamOnboard.Commands.AddOnboardGroupMemberCommand'
        (Aws @('iam', 'list-groups-for-user', '--user-name', $full)).Json.Groups | Should -HaveCount 10

        # Two groups for a user in nine: the plan counts the first one's planned add, as the run counts its real one.
        # Before, the plan said Planned for both, and only the run refused the eleventh.
        $nine = New-TestName
        $nineUser = New-OnboardUser -UserName $nine -Group $groups[0..8]
        foreach ($whatIf in $true, $false) {
            foreach ($given in 'name', 'piped') {
                if ($given -eq 'name') {
                    $planned = Add-OnboardGroupMember -UserName $nine -GroupName $groups[9], $groups[10] -WhatIf:$whatIf -ErrorVariable overQuota -ErrorAction SilentlyContinue 6>$null
                    $planned.GroupName | Should -Be $groups[9]
                }
                else {
                    $null = $nineUser | Add-OnboardGroupMember -GroupName $groups[9], $groups[10] -WhatIf:$whatIf -ErrorVariable overQuota -ErrorAction SilentlyContinue 6>$null
                }
                $overQuota | Should -HaveCount 1 -Because "-WhatIf:$whatIf, user given by $given"
                $overQuota[0].FullyQualifiedErrorId | Should -Be 'GroupQuotaExceeded,IamOnboard.Commands.AddOnboardGroupMemberCommand'
                "$($overQuota[0])" | Should -BeLike "GroupName: IAM user '$nine' is in 10 groups*not added to group '$($groups[10])'*"
                if (-not $whatIf) { break }
            }
        }
        (Aws @('iam', 'list-groups-for-user', '--user-name', $nine)).Json.Groups | Should -HaveCount 10
    }

    It 'says what a CSV row brings that PowerShell''s binding passes over: a column no parameter takes, a cell a parameter replaces' {
        # Before, both were dropped without a word: the row's Policy gave way to -Policy, its GroupName to -GroupName.
        $prefix = New-TestName 'rowcols'
        $file = Join-Path $TestDrive 'groups.csv'
        @('GroupName,Policy,Department', "$prefix-a,ReadOnlyAccess,Finance", "$prefix-b,,Finance", "$prefix-c,SecurityAudit,IT") | Set-Content $file
        $made = Import-Csv $file | New-OnboardGroup -Policy 'job-function/ViewOnlyAccess' -WarningVariable warned -WarningAction SilentlyContinue -Verbose 4>&1
        $verbose = @($made | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like '*given on the command line*' })
        @($warned.Message) | Should -Be @(
            "row 1: the Policy cell (ReadOnlyAccess) is replaced by -Policy given on the command line (job-function/ViewOnlyAccess), which applies to every row and wins over its cells. Later rows whose Policy cell is replaced are said in verbose output. To use each row's own, leave out -Policy."
            "row 1: the input's column 'Department' is not one New-OnboardGroup takes from a row, so it is ignored (said once per batch). Columns it takes: GroupName, Path, Policy, RequireMfa, Tag.")
        $verbose.Message | Should -Be "row 3: the Policy cell (SecurityAudit) is replaced by -Policy given on the command line (job-function/ViewOnlyAccess), which applies to every row and wins over its cells."
        @($made | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }) | Should -HaveCount 3

        # Add-OnboardGroupMember: a row's GroupName beside -GroupName; a row that gives the same group (IAM names ignore case) is not told.
        $user = New-TestName
        $null = New-OnboardUser $user
        $rows = @([pscustomobject]@{ UserName = $user; GroupName = "$prefix-b" }, [pscustomobject]@{ UserName = $user; GroupName = "$prefix-A".ToUpperInvariant() })
        $added = $rows | Add-OnboardGroupMember -GroupName "$prefix-a" -WarningVariable memberWarned -WarningAction SilentlyContinue
        @($memberWarned.Message) | Should -Be "row 1: the GroupName cell ($prefix-b) is replaced by -GroupName given on the command line ($prefix-a), which applies to every row and wins over its cells. Later rows whose GroupName cell is replaced are said in verbose output. To use each row's own, leave out -GroupName."
        @($added.GroupName | Sort-Object -Unique) | Should -Be "$prefix-a"
        (Aws @('iam', 'list-groups-for-user', '--user-name', $user)).Json.Groups.GroupName | Should -Be "$prefix-a"

        # An object of another tool's (the AWS CLI's get-user) is passed over in verbose output; Enable-OnboardVirtualMfa
        # names a column it does not take.
        $cliUser = (Aws @('iam', 'get-user', '--user-name', $user)).Json.User
        $null = $cliUser | Add-OnboardGroupMember -GroupName "$prefix-b" -WarningVariable cliWarned -WarningAction SilentlyContinue
        $cliWarned | Should -BeNullOrEmpty
        $null = [pscustomobject]@{ UserName = $user; Device = 'phone' } | Enable-OnboardVirtualMfa -Unattended -IncludeSeed -WarningVariable mfaWarned -WarningAction SilentlyContinue
        @($mfaWarned.Message) | Should -Contain "row 1: the input's column 'Device' is not one Enable-OnboardVirtualMfa takes from a row, so it is ignored (said once per batch). Columns it takes: UserName, DeviceName."

        # An inline policy's name and document are given on the command line only: a row's cells for them are named.
        $document = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}]}'
        $null = [pscustomobject]@{ UserName = $user; PolicyName = 'FromRow' } | Add-OnboardInlinePolicy -PolicyName Given -PolicyDocument $document -WarningVariable inlineWarned -WarningAction SilentlyContinue
        @($inlineWarned.Message) | Should -Be "row 1: the input's column 'PolicyName' is not one Add-OnboardInlinePolicy takes from a row, so it is ignored (said once per batch). Columns it takes: UserName."

        # Offboarding and checking access from a leavers' file too.
        $null = [pscustomobject]@{ UserName = $user; Reason = 'left' } | Remove-OnboardUser -WhatIf -WarningVariable removeWarned -WarningAction SilentlyContinue 6>$null
        @($removeWarned.Message) | Should -Be "row 1: the input's column 'Reason' is not one Remove-OnboardUser takes from a row, so it is ignored (said once per batch). Columns it takes: UserName."
        $null = [pscustomobject]@{ UserName = $user; Team = 'data' } | Test-OnboardAccess -Action iam:GetUser -WarningVariable accessWarned -WarningAction SilentlyContinue
        @($accessWarned.Message | Where-Object { $_ -like '*Team*' }) | Should -HaveCount 1

        # A row that gives nothing beyond what the command line gives is refused, not taken as a reason to run the command
        # for the command line's user once more (before the hidden parameter PowerShell refused it as InputObjectNotBound).
        $other = New-TestName
        $null = [pscustomobject]@{ UserName = $other } | Remove-OnboardUser -UserName $user -Force -ErrorVariable notUsed -ErrorAction SilentlyContinue 6>$null
        @($notUsed) | Should -HaveCount 1
        $notUsed[0].FullyQualifiedErrorId | Should -Be 'InputObjectNotBound,IamOnboard.Commands.RemoveOnboardUserCommand'
        "$($notUsed[0])" | Should -Be "row 1: nothing of the row is used, so Remove-OnboardUser did not run for it: the UserName cell ($other) is replaced by -UserName given on the command line ($user), and the row gives no other column Remove-OnboardUser takes. To use the rows' own, leave -UserName out of the command line."
        (Aws @('iam', 'get-user', '--user-name', $user)).Json.User.UserName | Should -Be $user

        # Objects of IamOnboard are not rows: their other properties are not columns, and they bind as before.
        $piped = New-OnboardUser (New-TestName) | Add-OnboardGroupMember -GroupName "$prefix-a" -WarningVariable userWarned -WarningAction SilentlyContinue
        $piped | Should -BeOfType ([IamOnboard.Commands.OnboardUser])
        $userWarned | Should -BeNullOrEmpty
    }

    It 'takes user names and reports memberships' {
        $group = New-TestName 'group'
        $null = New-OnboardGroup -GroupName $group
        $name = New-TestName
        $null = New-OnboardUser -UserName $name
        $membership = [pscustomobject]@{ 'User name' = $name } | Add-OnboardGroupMember -GroupName $group
        $membership.Status | Should -Be 'Added'
        $membership.GroupName | Should -Be $group
        (Add-OnboardGroupMember -GroupName $group -UserName $name).Status | Should -Be 'AlreadyMember' -Because 'the help promises it for a second run'
        (Aws @('iam', 'get-group', '--group-name', $group)).Json.Users.UserName | Should -Be $name
    }

    It 'refuses a -GroupName that does not exist before New-OnboardUser upstream makes anyone, in the plan too' {
        # Before: every user was made, with credentials then not handed out, and each got IAM's bare "cannot be found".
        $names = 1..2 | ForEach-Object { New-TestName }
        $refusal = "GroupName: the group 'NoSuchGroupHere' does not exist. Create it first with New-OnboardGroup."
        $thrown = { $names | New-OnboardUser -ConsoleAccess | Add-OnboardGroupMember -GroupName 'NoSuchGroupHere' | Export-OnboardCredential -Path (Join-Path $TestDrive 'none.csv') } |
            Should -Throw -ErrorId 'GroupNotFound,IamOnboard.Commands.AddOnboardGroupMemberCommand' -PassThru
        $thrown.Exception.Message | Should -BeExactly $refusal
        $thrown.TargetObject | Should -Be 'NoSuchGroupHere'
        $names | ForEach-Object { (Aws @('iam', 'get-user', '--user-name', $_)).StdErr | Should -Match 'NoSuchEntity' }
        Test-Path (Join-Path $TestDrive 'none.csv') | Should -BeFalse

        $group = New-TestName 'group'
        $null = New-OnboardGroup -GroupName $group
        { Add-OnboardGroupMember -GroupName $group, 'NoSuchGroupHere', 'NoSuchGroupEither' -UserName $names[0] -WhatIf } |
            Should -Throw -ErrorId 'GroupNotFound,IamOnboard.Commands.AddOnboardGroupMemberCommand' `
                -ExpectedMessage "GroupName: the groups 'NoSuchGroupHere', 'NoSuchGroupEither' do not exist. Create them first with New-OnboardGroup."
    }

    It 'refuses a -GroupName that names one group twice, in any case, before New-OnboardUser upstream makes anyone' {
        # Before: both were sent; the second answered AlreadyMember, and the output's Groups showed the first spelling only.
        $group = New-TestName 'twice'
        $null = New-OnboardGroup -GroupName $group
        $name = New-TestName
        $thrown = { New-OnboardUser -UserName $name -ConsoleAccess | Add-OnboardGroupMember -GroupName $group, $group.ToUpperInvariant() } |
            Should -Throw -ErrorId 'GroupNamedTwice,IamOnboard.Commands.AddOnboardGroupMemberCommand' -PassThru
        $thrown.Exception.Message | Should -BeExactly "GroupName: '$group' and '$($group.ToUpperInvariant())' name the same group (IAM names ignore case); give each group once."
        (Aws @('iam', 'get-user', '--user-name', $name)).StdErr | Should -Match 'NoSuchEntity'
        { Add-OnboardGroupMember -GroupName $group, $group -UserName $name -WhatIf } |
            Should -Throw -ErrorId 'GroupNamedTwice,IamOnboard.Commands.AddOnboardGroupMemberCommand' -ExpectedMessage "GroupName: '$group' is named twice; give each group once."
    }

    It 'says to give a group''s name alone when given its ARN or its path and name, in each command that takes a group' {
        $group = New-TestName 'group'
        $null = New-OnboardGroup -GroupName $group -Path /teams/
        $arn = "arn:aws:iam::$($endpoint.AccountId):group/teams/$group"
        $byArn = "GroupName: '$arn' is a group's ARN; give the group's name alone: $group."
        $byPath = "GroupName: '/teams/$group' is a path and a name; give the group's name alone: $group (a group is named without its path, which New-OnboardGroup -Path sets)."
        $user = New-TestName
        $null = New-OnboardUser -UserName $user
        { Add-OnboardGroupMember -UserName $user -GroupName $arn } | Should -Throw -ExpectedMessage $byArn
        { Add-OnboardGroupMember -UserName $user -GroupName "/teams/$group" } | Should -Throw -ExpectedMessage $byPath
        New-OnboardGroup -GroupName "/teams/$group" -ErrorVariable created -ErrorAction SilentlyContinue
        $created[0].Exception.Message | Should -Be $byPath
        Add-OnboardInlinePolicy -GroupName $arn -PolicyName ReadS3 -PolicyDocument $readS3 -ErrorVariable inline -ErrorAction SilentlyContinue
        $inline[0].Exception.Message | Should -Be $byArn
        New-OnboardUser -UserName (New-TestName) -Group $arn -ErrorVariable joined -ErrorAction SilentlyContinue
        $joined[0].Exception.Message | Should -Be ($byArn -replace '^GroupName:', 'Group:')
        (Aws @('iam', 'list-groups-for-user', '--user-name', $user)).Json.Groups | Should -BeNullOrEmpty
    }

    It 'says how to give several groups joined in one value, in Add-OnboardGroupMember and New-OnboardUser -Group' {
        $groups = (New-TestName 'group'), (New-TestName 'group')
        $groups | ForEach-Object { $null = New-OnboardGroup -GroupName $_ }
        $joined = $groups -join ','
        $user = New-TestName
        $null = New-OnboardUser -UserName $user
        { Add-OnboardGroupMember -UserName $user -GroupName $joined } | Should -Throw -ExpectedMessage "GroupName: there is no group named '$joined'; it is 2 groups in one value: give each as its own value, as in -GroupName $($groups -join ', ') (in a CSV cell, separate them with ';': $($groups -join ';'))."
        New-OnboardUser -UserName (New-TestName) -Group "$($groups[0]), $($groups[1])" -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].Exception.Message | Should -Be "Group: '$($groups[0]), $($groups[1])' is 2 groups in one value: give each as its own value, as in -Group $($groups -join ', ') (in a CSV cell, separate them with ';': $($groups -join ';'))."
        { Add-OnboardGroupMember -UserName $user -GroupName "$($groups[0]),NoSuchGroup" } | Should -Throw -ExpectedMessage "GroupName: the group '$($groups[0]),NoSuchGroup' does not exist. Create it first with New-OnboardGroup."
    }

    It 'takes a starters file''s Group column, as New-OnboardUser does, several groups separated by ;' {
        # Before, every row failed with PowerShell's "The input object cannot be bound ... mandatory parameters: GroupName",
        # naming no row: the column New-OnboardUser takes was not one Add-OnboardGroupMember did.
        $groups = (New-TestName 'group'), (New-TestName 'group')
        $groups | ForEach-Object { $null = New-OnboardGroup -GroupName $_ }
        $users = (New-TestName), (New-TestName)
        $users | ForEach-Object { $null = New-OnboardUser -UserName $_ }
        $file = Join-Path $TestDrive 'group-column.csv'
        @('User name,Group', "$($users[0]),$($groups[0])", "$($users[1]),""$($groups[0]); $($groups[1])""") | Set-Content $file
        $added = Import-Csv $file | Add-OnboardGroupMember -ErrorVariable failed -ErrorAction SilentlyContinue -WarningVariable warned -WarningAction SilentlyContinue
        $failed | Should -BeNullOrEmpty
        $warned | Should -BeNullOrEmpty
        @($added | ForEach-Object { "$($_.UserName) $($_.GroupName) $($_.Status)" }) | Sort-Object | Should -Be (@("$($users[0]) $($groups[0]) Added", "$($users[1]) $($groups[0]) Added", "$($users[1]) $($groups[1]) Added") | Sort-Object)
        (Aws @('iam', 'list-groups-for-user', '--user-name', $users[1])).Json.Groups.GroupName | Sort-Object | Should -Be ($groups | Sort-Object)

        [pscustomobject]@{ UserName = $users[0]; Group = ' ; ' } | Add-OnboardGroupMember -ErrorVariable empty -ErrorAction SilentlyContinue
        $empty[0].FullyQualifiedErrorId | Should -Be 'GroupNameEmpty,IamOnboard.Commands.AddOnboardGroupMemberCommand'
        "$($empty[0])" | Should -Be "$($users[0]): the input's GroupName (' ; ') names no group, so the user was not added to any. Name the groups, separated by ';'."
    }

    It 'names the user and the group in each user''s error, and goes on' {
        # A group bound from the pipeline is not known before the first record, so IAM's refusal comes per user.
        $names = 1..2 | ForEach-Object { New-TestName }
        $names | ForEach-Object { $null = New-OnboardUser -UserName $_ }
        $names | ForEach-Object { [pscustomobject]@{ UserName = $_; GroupName = 'NoSuchGroupHere' } } |
            Add-OnboardGroupMember -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures | Should -HaveCount 2
        foreach ($name in $names) {
            $failure = @($failures | Where-Object TargetObject -eq $name)
            $failure | Should -HaveCount 1
            $failure[0].FullyQualifiedErrorId | Should -Be 'NoSuchEntity,IamOnboard.Commands.AddOnboardGroupMemberCommand'
            "$($failure[0])" | Should -BeExactly "IAM user '$name' was not added to group 'NoSuchGroupHere': The group with name NoSuchGroupHere cannot be found."
        }
    }

    It 'warns, and adds the user, when the identity may not GetGroup to check the group first' {
        $limited = (New-RestrictedCaller -Endpoint $endpoint -Deny 'iam:GetGroup').Session
        $script:session = Connect-TestEndpoint -Endpoint $endpoint
        $group = New-TestName 'group'
        $null = New-OnboardGroup -GroupName $group
        $name = New-TestName
        $null = New-OnboardUser -UserName $name

        $membership = Add-OnboardGroupMember -GroupName $group -UserName $name -Session $limited -WarningVariable warned -WarningAction SilentlyContinue -ErrorAction Stop
        $membership.Status | Should -Be 'Added'
        $warned | Should -HaveCount 1
        "$($warned[0])" | Should -BeLike "GroupName: could not check that the group '$group' exists (*iam:GetGroup*); if it does not, adding each user to it fails."
    }
}

Describe 'Add-OnboardInlinePolicy' {
    It 'puts a policy given as JSON text on a user' {
        $name = New-TestName
        $null = New-OnboardUser -UserName $name
        $result = Add-OnboardInlinePolicy -UserName $name -PolicyName ReadS3 -PolicyDocument $readS3
        $result.Status | Should -Be 'Created'
        $read = Aws @('iam', 'get-user-policy', '--user-name', $name, '--policy-name', 'ReadS3')
        $read.Json.PolicyDocument.Statement[0].Action | Should -Contain 's3:GetObject'
        (Add-OnboardInlinePolicy -UserName $name -PolicyName ReadS3 -PolicyDocument $readS3).Status | Should -Be 'Unchanged'
    }

    It 'puts a policy given as a hashtable or a file on a group' {
        $group = New-TestName 'group'
        $null = New-OnboardGroup -GroupName $group
        $table = @{ Version = '2012-10-17'; Statement = @(@{ Effect = 'Allow'; Action = 'ec2:Describe*'; Resource = '*' }) }
        (Add-OnboardInlinePolicy -GroupName $group -PolicyName Describe -PolicyDocument $table).Status | Should -Be 'Created'
        $file = Join-Path $TestDrive 'policy.json'
        $readS3 | Set-Content $file
        (Add-OnboardInlinePolicy -GroupName $group -PolicyName FromFile -Path $file).Status | Should -Be 'Created'
        (Aws @('iam', 'list-group-policies', '--group-name', $group)).Json.PolicyNames | Should -Be @('Describe', 'FromFile')
    }

    It 'puts a policy on groups piped in with their Arn: New-OnboardGroup''s output, AWS.Tools'' Get-IAMGroup, with and without -Session' {
        # Before: "The input object cannot be bound because it did not contain the information required to bind all
        # mandatory parameters: UserName". The hidden -UserArn (alias Arn, which checks the account of users other tools
        # read) bound the group's Arn first and held the object to the default set, a user one.
        $made = New-OnboardGroup -GroupName (New-TestName 'pipedgroup')
        $shaped = [pscustomobject]@{ GroupName = (New-OnboardGroup -GroupName (New-TestName 'iamgroup')).GroupName; Path = '/'
            Arn = "arn:aws:iam::$($endpoint.AccountId):group/iamgroup"; GroupId = 'AGPAEXAMPLE' }
        ($made | Add-OnboardInlinePolicy -PolicyName Piped -PolicyDocument $readS3).OwnerType | Should -Be 'Group'
        ($shaped | Add-OnboardInlinePolicy -PolicyName Piped -PolicyDocument $readS3 -Session $session).OwnerName | Should -Be $shaped.GroupName
        foreach ($group in $made.GroupName, $shaped.GroupName) {
            (Aws @('iam', 'list-group-policies', '--group-name', $group)).Json.PolicyNames | Should -Be @('Piped')
        }
    }

    It 'refuses a malformed document before sending it, saying where' -TestCases @(
        @{ Document = 'not json'; Expect = 'line|position|JSON' }
        @{ Document = '{"Version":"2012-10-17","Statement":[{"Effect":"allow","Action":"s3:*","Resource":"*"}]}'; Expect = 'Statement\[0\].*Effect' }
        @{ Document = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Principal":"*"}]}'; Expect = 'Principal' }
        @{ Document = '{"Version":"2020-01-01","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}'; Expect = 'Version' }
        # IAM refuses an operator it does not know; the endpoint used to keep it and then leave the whole policy out.
        @{ Document = '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:ListUsers","Resource":"*"},{"Effect":"Deny","Action":"iam:GetUser","Resource":"*","Condition":{"NotIpAddres":{"aws:SourceIp":"10.0.0.0/8"}}}]}'; Expect = 'Statement\[1\].*"NotIpAddres" is not a condition operator' }
        # IAM and the AWS CLI keep the last of two same-named members; the local evaluator read both.
        @{ Document = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:username":"ana"},"StringEquals":{"aws:username":"bea"}}}]}'; Expect = 'Statement\[0\]\.Condition: condition operator "StringEquals" appears more than once' }
        @{ Document = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:username":"ana","aws:username":"bea"}}}]}'; Expect = 'condition key "aws:username" appears more than once' }
        # Pasted from a web page: a no-break space shown as it is reads as an ordinary space.
        @{ Document = "{`n`u{00A0}`u{00A0}" + '"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}}'; Expect = 'line 2, position 1: U\+00A0 \(no-break space\)' }
    ) {
        $name = New-TestName
        $null = New-OnboardUser -UserName $name
        Add-OnboardInlinePolicy -UserName $name -PolicyName Bad -PolicyDocument $Document -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].FullyQualifiedErrorId | Should -Be 'MalformedPolicyDocument,IamOnboard.Commands.AddOnboardInlinePolicyCommand'
        $failures[0].Exception.Message | Should -Match $Expect
        (Aws @('iam', 'list-user-policies', '--user-name', $name)).Json.PolicyNames | Should -BeNullOrEmpty
    }

    It 'writes a [datetime] in a hashtable policy in ISO 8601 UTC, the form IAM''s date operators take' {
        $name = New-TestName
        $null = New-OnboardUser -UserName $name
        $until = [datetime]::new(2026, 12, 31, 0, 0, 0, [DateTimeKind]::Utc)
        $table = @{ Version = '2012-10-17'; Statement = @(@{ Effect = 'Allow'; Action = 's3:GetObject'; Resource = '*'
                    Condition = @{ DateLessThan = @{ 'aws:CurrentTime' = $until; 'aws:TokenIssueTime' = [datetimeoffset]::new(2026, 6, 1, 9, 30, 0, [timespan]::FromHours(2)) } } }) }
        $null = Add-OnboardInlinePolicy -UserName $name -PolicyName Until -PolicyDocument $table
        # The text as stored: ConvertFrom-Json would turn an ISO date back into a [datetime].
        $stored = (Aws @('iam', 'get-user-policy', '--user-name', $name, '--policy-name', 'Until', '--query', 'PolicyDocument.Statement[0].Condition.DateLessThan')).StdOut
        $stored | Should -Match '"aws:CurrentTime": "2026-12-31T00:00:00Z"'
        $stored | Should -Match '"aws:TokenIssueTime": "2026-06-01T07:30:00Z"'
    }

    It 'counts a hashtable policy as the same policy given as text: ampersands, apostrophes, angle brackets, plus signs and Latin-1 letters are not escaped' {
        $name = New-TestName
        $null = New-OnboardUser -UserName $name
        $teams = 'R&D', "O'Brien", '<ops>', 'Sales+Marketing', 'Recherche&Développement', 'quote " and tab `t stay escaped'
        $table = [ordered]@{ Version = '2012-10-17'; Statement = @([ordered]@{ Effect = 'Allow'; Action = 's3:GetObject'; Resource = 'arn:aws:s3:::reports/*'
                    Condition = @{ StringEquals = @{ 'aws:PrincipalTag/team' = $teams } } }) }
        $text = $table | ConvertTo-Json -Depth 9 -Compress
        $asTable = Add-OnboardInlinePolicy -UserName $name -PolicyName AsTable -PolicyDocument $table
        $asTable.Document | Should -Not -Match '\\u00'
        $asText = Add-OnboardInlinePolicy -UserName $name -PolicyName AsText -PolicyDocument $text
        $asTable.AggregateSize | Should -Be ($asText.AggregateSize / 2)
        $stored = (Aws @('iam', 'get-user-policy', '--user-name', $name, '--policy-name', 'AsTable')).Json.PolicyDocument.Statement[0].Condition.StringEquals.'aws:PrincipalTag/team'
        $stored | Should -Be $teams
    }

    It 'reports a -Path that is a folder as PolicyFileUnreadable for each row, and goes on' {
        $names = (New-TestName), (New-TestName)
        $names | ForEach-Object { $null = New-OnboardUser -UserName $_ }
        $folder = Join-Path $TestDrive 'policies'
        $null = New-Item -ItemType Directory -Path $folder
        $names | ForEach-Object { [pscustomobject]@{ UserName = $_ } } |
            Add-OnboardInlinePolicy -PolicyName Audit -Path $folder -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures.Count | Should -Be 2
        $failures.FullyQualifiedErrorId | Should -Be (@('PolicyFileUnreadable,IamOnboard.Commands.AddOnboardInlinePolicyCommand') * 2)
        $failures[1].Exception.Message | Should -Be "Path: cannot read the policy file '$folder': it is a folder; name the policy's .json file."
    }

    It 'takes the lines Get-Content gives, a [pscustomobject] and ConvertFrom-Json''s output, also inside a hashtable' {
        $name = New-TestName
        $null = New-OnboardUser -UserName $name
        $file = Join-Path $TestDrive 'read-s3-lines.json'
        ($readS3 | ConvertFrom-Json | ConvertTo-Json -Depth 9) | Set-Content $file
        (Add-OnboardInlinePolicy -UserName $name -PolicyName Lines -PolicyDocument (Get-Content $file)).Status | Should -Be 'Created'
        (Add-OnboardInlinePolicy -UserName $name -PolicyName Parsed -PolicyDocument (Get-Content $file -Raw | ConvertFrom-Json)).Status | Should -Be 'Created'
        $statement = [pscustomobject]@{ Effect = 'Allow'; Action = 's3:GetObject', 's3:ListBucket'; Resource = '*' }
        (Add-OnboardInlinePolicy -UserName $name -PolicyName Shaped -PolicyDocument ([pscustomobject]@{ Version = '2012-10-17'; Statement = @($statement) })).Status | Should -Be 'Created'
        (Add-OnboardInlinePolicy -UserName $name -PolicyName Mixed -PolicyDocument @{ Version = '2012-10-17'; Statement = @($statement) }).Status | Should -Be 'Created'
        foreach ($policy in 'Lines', 'Parsed', 'Shaped', 'Mixed') {
            (Aws @('iam', 'get-user-policy', '--user-name', $name, '--policy-name', $policy)).Json.PolicyDocument.Statement[0].Action | Should -Be @('s3:GetObject', 's3:ListBucket')
        }
        Add-OnboardInlinePolicy -UserName $name -PolicyName Number -PolicyDocument 42 -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].Exception.Message | Should -Be 'PolicyDocument: got a value of type Int32, which is not a policy; give the policy as JSON text, a hashtable or a [pscustomobject], or use -Path for a .json file.'
    }

    It 'refuses a hashtable policy that ConvertTo-Json cut short at its default depth, saying where and what to do' {
        $name = New-TestName
        $null = New-OnboardUser -UserName $name
        $table = @{ Version = '2012-10-17'; Statement = @(@{ Effect = 'Allow'; Action = 's3:GetObject'; Resource = 'arn:aws:s3:::reports', 'arn:aws:s3:::reports/*'
                    Condition = @{ Bool = @{ 'aws:MultiFactorAuthPresent' = 'true' } } }) }
        $text = $table | ConvertTo-Json -WarningAction SilentlyContinue
        Add-OnboardInlinePolicy -UserName $name -PolicyName Reports -PolicyDocument $text -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].FullyQualifiedErrorId | Should -Be 'MalformedPolicyDocument,IamOnboard.Commands.AddOnboardInlinePolicyCommand'
        # A hashtable's keys come in no set order, so each place is matched on its own.
        $failures[0].Exception.Message | Should -BeLike "The policy document 'Reports' was cut short by ConvertTo-Json, which writes what is nested deeper than its -Depth (2 by default) as text: *. Give the hashtable itself as -PolicyDocument, or convert it with ConvertTo-Json -Depth 10."
        $failures[0].Exception.Message | Should -BeLike '*Statement`[0`].Resource: "arn:aws:s3:::reports arn:aws:s3:::reports/`*" is a list joined by spaces*'
        $failures[0].Exception.Message | Should -BeLike '*Statement`[0`].Condition: "System.Collections.Hashtable" is the name of an object, not its content*'

        (Aws @('iam', 'list-user-policies', '--user-name', $name)).Json.PolicyNames | Should -BeNullOrEmpty
        (Add-OnboardInlinePolicy -UserName $name -PolicyName Reports -PolicyDocument ($table | ConvertTo-Json -Depth 10)).Status | Should -Be 'Created'
    }

    It 'reads -PolicyDocument file://PATH and fileb://PATH as the AWS CLI does, relative to the current location' {
        $name = New-TestName
        $null = New-OnboardUser -UserName $name
        $folder = Join-Path $TestDrive 'cli'
        $null = New-Item -ItemType Directory -Path $folder
        $readS3 | Set-Content (Join-Path $folder 'read-s3.json')
        Push-Location $folder
        try {
            (Add-OnboardInlinePolicy -UserName $name -PolicyName Relative -PolicyDocument file://read-s3.json).Status | Should -Be 'Created'
            (Add-OnboardInlinePolicy -UserName $name -PolicyName Binary -PolicyDocument fileb://read-s3.json).Status | Should -Be 'Created'
        }
        finally { Pop-Location }
        (Add-OnboardInlinePolicy -UserName $name -PolicyName Absolute -PolicyDocument "file://$folder/read-s3.json").Status | Should -Be 'Created'
        (Add-OnboardInlinePolicy -UserName $name -PolicyName FromPath -Path "file://$folder/read-s3.json").Status | Should -Be 'Created'
        $stored = (Aws @('iam', 'get-user-policy', '--user-name', $name, '--policy-name', 'Relative')).Json.PolicyDocument.Statement[0].Action
        $stored | Should -Be @('s3:GetObject', 's3:ListBucket')
    }

    It 'refuses a relative policy file while the location is Env:, instead of reading the file of that name in the process''s directory' {
        # PowerShell gives back the Environment provider's own path ("policy.json"), which .NET read against the
        # process's directory: before, another folder's policy was put on the user without a word.
        $name = New-TestName
        $null = New-OnboardUser -UserName $name
        $processDirectory = Join-Path $TestDrive 'policy-process-directory'
        $null = New-Item -ItemType Directory $processDirectory
        $readS3 | Set-Content (Join-Path $processDirectory 'policy.json')
        $savedDirectory = [Environment]::CurrentDirectory
        [Environment]::CurrentDirectory = $processDirectory
        Push-Location Env:
        try {
            Add-OnboardInlinePolicy -UserName $name -PolicyName FromPath -Path policy.json -ErrorVariable byPath -ErrorAction SilentlyContinue
            Add-OnboardInlinePolicy -UserName $name -PolicyName FromCli -PolicyDocument file://policy.json -ErrorVariable byCli -ErrorAction SilentlyContinue
        }
        finally {
            Pop-Location
            [Environment]::CurrentDirectory = $savedDirectory
        }

        $byPath[0].FullyQualifiedErrorId | Should -Be 'PathNotInFileSystem,IamOnboard.Commands.AddOnboardInlinePolicyCommand'
        "$($byPath[0])" | Should -BeLike "Path: 'policy.json' is relative to the current location 'Env:?', which is in PowerShell's Environment provider, not a folder of the file system.*"
        $byCli[0].FullyQualifiedErrorId | Should -Be 'PathNotInFileSystem,IamOnboard.Commands.AddOnboardInlinePolicyCommand'
        "$($byCli[0])" | Should -BeLike "PolicyDocument: 'policy.json' is relative to the current location 'Env:?'*"
        (Aws @('iam', 'list-user-policies', '--user-name', $name)).Json.PolicyNames | Should -BeNullOrEmpty
    }

    It 'says to use -Path when -PolicyDocument is given a file''s name' {
        $name = New-TestName
        $null = New-OnboardUser -UserName $name
        $readS3 | Set-Content (Join-Path $TestDrive 'read-s3.txt')
        Push-Location $TestDrive
        try {
            Add-OnboardInlinePolicy -UserName $name -PolicyName Named -PolicyDocument ./policies/read-s3.json -ErrorVariable byExtension -ErrorAction SilentlyContinue
            Add-OnboardInlinePolicy -UserName $name -PolicyName Named -PolicyDocument read-s3.txt -ErrorVariable byFile -ErrorAction SilentlyContinue
        }
        finally { Pop-Location }
        $byExtension[0].FullyQualifiedErrorId | Should -Be 'InvalidPolicyDocument,IamOnboard.Commands.AddOnboardInlinePolicyCommand'
        $byExtension[0].Exception.Message | Should -Be "PolicyDocument: './policies/read-s3.json' is a file's name, not a policy; to read the policy from the file, use -Path ./policies/read-s3.json (or the AWS CLI's form, -PolicyDocument file://./policies/read-s3.json)."
        $byFile[0].Exception.Message | Should -BeLike "PolicyDocument: 'read-s3.txt' is a file's name, not a policy; to read the policy from the file, use -Path read-s3.txt *"
        # Text that is not JSON and names no file is still the grammar's to explain.
        Add-OnboardInlinePolicy -UserName $name -PolicyName Named -PolicyDocument 'not json' -ErrorVariable notJson -ErrorAction SilentlyContinue
        $notJson[0].FullyQualifiedErrorId | Should -Be 'MalformedPolicyDocument,IamOnboard.Commands.AddOnboardInlinePolicyCommand'
    }

    It 'reports a file:// that cannot be read, or a -Path on a drive that does not exist, naming the parameter, for each row, and goes on' {
        $names = (New-TestName), (New-TestName)
        $names | ForEach-Object { $null = New-OnboardUser -UserName $_ }
        $missing = Join-Path $TestDrive 'missing.json'
        $names | ForEach-Object { [pscustomobject]@{ UserName = $_ } } |
            Add-OnboardInlinePolicy -PolicyName Audit -PolicyDocument "file://$missing" -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures.FullyQualifiedErrorId | Should -Be (@('PolicyFileUnreadable,IamOnboard.Commands.AddOnboardInlinePolicyCommand') * 2)
        $failures[1].Exception.Message | Should -BeLike "PolicyDocument: cannot read the policy file 'file://$missing': Could not find file*"
        $names | ForEach-Object { [pscustomobject]@{ UserName = $_ } } |
            Add-OnboardInlinePolicy -PolicyName Audit -Path 'nosuchdrive:/policy.json' -ErrorVariable onDrive -ErrorAction SilentlyContinue
        $onDrive.FullyQualifiedErrorId | Should -Be (@('PolicyFileUnreadable,IamOnboard.Commands.AddOnboardInlinePolicyCommand') * 2)
        $onDrive[1].Exception.Message | Should -BeLike "Path: cannot read the policy file 'nosuchdrive:/policy.json': *nosuchdrive*"
        (Aws @('iam', 'list-user-policies', '--user-name', $names[1])).Json.PolicyNames | Should -BeNullOrEmpty
    }

    It 'warns, and puts the policy, when a policy variable is used without Version 2012-10-17' {
        # IAM accepts it but reads ${aws:username} as literal text: the grant matches nothing.
        $name = New-TestName
        $null = New-OnboardUser -UserName $name
        $self = '{"Statement":[{"Effect":"Allow","Action":"iam:ChangePassword","Resource":"arn:aws:iam::*:user/${aws:username}"}]}'
        $result = Add-OnboardInlinePolicy -UserName $name -PolicyName Self -PolicyDocument $self -WarningVariable warned -WarningAction SilentlyContinue
        $result.Status | Should -Be 'Created'
        "$warned" | Should -BeLike "The policy document 'Self': Statement[[]0].Resource: the policy variable `${aws:username} is replaced only under ""Version"": ""2012-10-17""; this policy has no Version*"
        Add-OnboardInlinePolicy -UserName $name -PolicyName Self -PolicyDocument $readS3 -WarningVariable none -WarningAction SilentlyContinue | Out-Null
        $none | Should -BeNullOrEmpty
    }

    It 'refuses a policy that would take the user past the inline size limit' {
        $name = New-TestName
        $null = New-OnboardUser -UserName $name
        $actions = (1..80 | ForEach-Object { '"s3:GetObjectVersionTagging{0:d3}"' -f $_ }) -join ','
        $big = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":[' + $actions + '],"Resource":"*"}]}'
        Add-OnboardInlinePolicy -UserName $name -PolicyName Big -PolicyDocument $big -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].FullyQualifiedErrorId | Should -Be 'InlinePolicySizeExceeded,IamOnboard.Commands.AddOnboardInlinePolicyCommand'
        $failures[0].Exception.Message | Should -Match '2048'
    }
}

Describe 'Groups piped into Add-OnboardGroupMember -UserName' {
    It 'adds the named user to every group piped in, while the groups before it are still being made' {
        # Latency keeps New-OnboardGroup waiting for later groups while Add-OnboardGroupMember has a result ready: the
        # hand-over of the pipeline thread (a pump) must not be sent to a stage whose -UserName rules out user objects.
        $endpoint = Start-OnboardLocalIam -Latency ([timespan]::FromMilliseconds(150))
        try {
            $session = Connect-TestEndpoint -Endpoint $endpoint
            $name = New-TestName 'piped'
            $null = New-OnboardUser -UserName $name -Session $session
            $groups = 1..6 | ForEach-Object { New-TestName 'pg' }
            $out = $groups | New-OnboardGroup -Session $session | Add-OnboardGroupMember -UserName $name -Session $session -ErrorVariable failed -ErrorAction SilentlyContinue
            $failed | Should -BeNullOrEmpty
            @($out) | Should -HaveCount 6
            $member = (Invoke-AwsCli -Endpoint $endpoint -Arguments @('iam', 'list-groups-for-user', '--user-name', $name)).Json.Groups.GroupName
            foreach ($group in $groups) { $member | Should -Contain $group }
        }
        finally {
            $endpoint | Stop-OnboardLocalIam -Confirm:$false
        }
    }
}
