# Remove-OnboardUser as IAM sees it: every credential kind a user can hold is gone in one call, -Disable leaves the
# user with nothing usable, and the identity the session signs with is never removed. Read back with the AWS CLI v2.
BeforeAll {
    Import-Module $env:IAMONBOARD_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:endpoint = Start-OnboardLocalIam
    $script:session = Connect-TestEndpoint -Endpoint $endpoint
    function script:Aws([string[]] $Arguments) { Invoke-AwsCli -Endpoint $script:endpoint -Arguments $Arguments }

    # A user with every kind of credential and attachment IAM refuses DeleteUser for.
    function script:New-FullyEquippedUser {
        $group = New-TestName 'group'
        $null = New-OnboardGroup -GroupName $group
        $name = New-TestName
        $user = New-OnboardUser -UserName $name -ConsoleAccess -ProgrammaticAccess -Policy ReadOnlyAccess -Group $group |
            Enable-OnboardVirtualMfa -Unattended -IncludeSeed
        $null = Add-OnboardInlinePolicy -UserName $name -PolicyName Extra -PolicyDocument '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}'

        # ssh-ed25519 public key blob: string "ssh-ed25519", then the 32-byte key, each with a 4-byte length.
        $type = [Text.Encoding]::ASCII.GetBytes('ssh-ed25519')
        $key = [byte[]]::new(32); [Security.Cryptography.RandomNumberGenerator]::Fill($key)
        $blob = [byte[]](0, 0, 0, 11) + $type + [byte[]](0, 0, 0, 32) + $key
        (Aws @('iam', 'upload-ssh-public-key', '--user-name', $name, '--ssh-public-key-body', "ssh-ed25519 $([Convert]::ToBase64String($blob)) $name")).ExitCode | Should -Be 0

        $rsa = [Security.Cryptography.RSA]::Create(2048)
        $request = [Security.Cryptography.X509Certificates.CertificateRequest]::new("CN=$name", $rsa, 'SHA256', [Security.Cryptography.RSASignaturePadding]::Pkcs1)
        $certificate = $request.CreateSelfSigned([DateTimeOffset]::UtcNow.AddDays(-1), [DateTimeOffset]::UtcNow.AddDays(30))
        $pem = "-----BEGIN CERTIFICATE-----`n" + [Convert]::ToBase64String($certificate.RawData, 'InsertLineBreaks') + "`n-----END CERTIFICATE-----"
        (Aws @('iam', 'upload-signing-certificate', '--user-name', $name, '--certificate-body', $pem)).ExitCode | Should -Be 0

        (Aws @('iam', 'create-service-specific-credential', '--user-name', $name, '--service-name', 'codecommit.amazonaws.com')).ExitCode | Should -Be 0
        $user
    }
}

AfterAll {
    Disconnect-Onboard
    $script:endpoint | Stop-OnboardLocalIam -Confirm:$false
}

Describe 'Remove-OnboardUser offboarding' {
    It 'removes a user with SSH key, signing certificate, service credential, policies, groups, MFA and keys in one call and says what it removed' {
        $user = New-FullyEquippedUser
        $name = $user.UserName
        (Aws @('iam', 'delete-user', '--user-name', $name)).StdErr | Should -Match 'DeleteConflict'

        Remove-OnboardUser -UserName $name -Confirm:$false -InformationVariable said -ErrorAction Stop
        (Aws @('iam', 'get-user', '--user-name', $name)).StdErr | Should -Match 'NoSuchEntity'
        $said.Count | Should -Be 1
        $line = "$($said[0].MessageData)"
        $line | Should -Match "^Removed IAM user '$name': "
        foreach ($part in 'login profile', 'access key', 'MFA device', 'SSH public key', 'signing certificate', 'service-specific credential', 'inline policy Extra', 'attachment of', 'membership of', "user $name") {
            $line | Should -BeLike "*$part*"
        }
    }

    It '-Disable keeps the user, tagged, with nothing usable: the key no longer signs' {
        $user = New-FullyEquippedUser
        $name = $user.UserName
        # A second key, made by the AWS CLI, whose secret this test holds.
        $key = (Aws @('iam', 'create-access-key', '--user-name', $name)).Json.AccessKey
        $user = [pscustomobject]@{ AccessKeyId = $key.AccessKeyId }
        $secret = $key.SecretAccessKey
        (Invoke-AwsCli -Endpoint $endpoint -AccessKeyId $user.AccessKeyId -SecretAccessKey $secret -Arguments @('sts', 'get-caller-identity')).ExitCode | Should -Be 0

        Remove-OnboardUser -UserName $name -Disable -Confirm:$false -InformationVariable said -ErrorAction Stop
        "$($said[0].MessageData)" | Should -Match "^Disabled IAM user '$name': "

        (Aws @('iam', 'get-user', '--user-name', $name)).ExitCode | Should -Be 0
        $tags = (Aws @('iam', 'list-user-tags', '--user-name', $name)).Json.Tags
        ($tags | Where-Object Key -eq 'onboard:disabled-by').Value | Should -Be $session.CallerArn
        # The raw answer: ConvertFrom-Json turns a date-like value into a DateTime.
        (Aws @('iam', 'list-user-tags', '--user-name', $name)).StdOut | Should -Match '"Key": "onboard:disabled-at",\s*"Value": "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"'
        (Aws @('iam', 'list-access-keys', '--user-name', $name)).Json.AccessKeyMetadata.Status | Should -Be @('Inactive', 'Inactive')
        (Invoke-AwsCli -Endpoint $endpoint -AccessKeyId $user.AccessKeyId -SecretAccessKey $secret -Arguments @('sts', 'get-caller-identity')).StdErr | Should -Match 'InvalidClientTokenId'
        (Aws @('iam', 'get-login-profile', '--user-name', $name)).StdErr | Should -Match 'NoSuchEntity'
        (Aws @('iam', 'list-mfa-devices', '--user-name', $name)).Json.MFADevices | Should -BeNullOrEmpty
        (Aws @('iam', 'list-ssh-public-keys', '--user-name', $name)).Json.SSHPublicKeys | Should -BeNullOrEmpty
        (Aws @('iam', 'list-signing-certificates', '--user-name', $name)).Json.Certificates | Should -BeNullOrEmpty
        (Aws @('iam', 'list-service-specific-credentials', '--user-name', $name)).Json.ServiceSpecificCredentials | Should -BeNullOrEmpty
        # Kept for the audit trail: policies and groups.
        (Aws @('iam', 'list-attached-user-policies', '--user-name', $name)).Json.AttachedPolicies.PolicyName | Should -Contain 'ReadOnlyAccess'
    }

    It '-Disable tags the time in ISO 8601 UTC whatever the culture, and a second -Disable keeps the first time and says so' {
        $name = New-TestName 'keeper'
        $null = New-OnboardUser -UserName $name
        $culture = [Threading.Thread]::CurrentThread.CurrentCulture
        try {
            [Threading.Thread]::CurrentThread.CurrentCulture = 'de-DE'
            Remove-OnboardUser -UserName $name -Disable -Confirm:$false -InformationVariable first -ErrorAction Stop
        }
        finally {
            [Threading.Thread]::CurrentThread.CurrentCulture = $culture
        }
        # The raw answer: ConvertFrom-Json turns a date-like value into a DateTime.
        $tagged = (Aws @('iam', 'list-user-tags', '--user-name', $name)).StdOut
        $tagged | Should -Match '"Key": "onboard:disabled-at",\s*"Value": "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"'
        "$($first[0].MessageData)" | Should -BeLike "Disabled IAM user '$name': *tagged onboard:disabled-at*"

        Start-Sleep -Seconds 1.1
        Remove-OnboardUser -UserName $name -Disable -Confirm:$false -InformationVariable second -ErrorAction Stop
        (Aws @('iam', 'list-user-tags', '--user-name', $name)).StdOut | Should -Be $tagged -Because 'when and by whom it was first disabled is what the audit needs'
        $at = [regex]::Match($tagged, '"Key": "onboard:disabled-at",\s*"Value": "([^"]+)"').Groups[1].Value
        "$($second[0].MessageData)" | Should -BeLike "IAM user '$name' unchanged: already disabled at $at by $($session.CallerArn)*kept*"
    }

    It 'a user disabled with -Disable is refused by a re-run of New-OnboardUser, in its plan too, and the rest of the batch goes on' {
        # Before: the batch run again that still listed the leaver gave it a new console password, "Completed", no warning.
        $leaver = New-TestName 'leaver'
        $held = New-OnboardUser -UserName $leaver -ConsoleAccess -ProgrammaticAccess
        Remove-OnboardUser -UserName $leaver -Disable -Confirm:$false -ErrorAction Stop
        $tagged = (Aws @('iam', 'list-user-tags', '--user-name', $leaver)).StdOut
        $at = [regex]::Match($tagged, '"Key": "onboard:disabled-at",\s*"Value": "([^"]+)"').Groups[1].Value
        $starter = New-TestName 'starter'
        $refusal = "row 1: UserName: IAM user '$leaver' was disabled at $at by $($session.CallerArn) (Remove-OnboardUser -Disable), so it is not onboarded again; nothing of it was changed. " +
            "To onboard it again on purpose, remove its onboard:disabled-at and onboard:disabled-by tags (aws iam untag-user --user-name $leaver --tag-keys onboard:disabled-at onboard:disabled-by), then run it again."

        $leaver, $starter | New-OnboardUser -ConsoleAccess -ProgrammaticAccess -Tag @{ team = 'data' } -WhatIf -ErrorVariable planned -ErrorAction SilentlyContinue 6>$null
        $planned | Should -HaveCount 1
        $planned[0].FullyQualifiedErrorId | Should -Be 'UserDisabled,IamOnboard.Commands.NewOnboardUserCommand'
        "$($planned[0])" | Should -BeExactly $refusal

        $done = $leaver, $starter | New-OnboardUser -ConsoleAccess -ProgrammaticAccess -Tag @{ team = 'data' } -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures | Should -HaveCount 1
        $failures[0].FullyQualifiedErrorId | Should -Be 'UserDisabled,IamOnboard.Commands.NewOnboardUserCommand'
        $failures[0].TargetObject | Should -Be $leaver
        "$($failures[0])" | Should -BeExactly $refusal
        @($done).UserName | Should -Be @($starter)
        $done.Status | Should -Be 'Created'
        (Aws @('iam', 'get-login-profile', '--user-name', $leaver)).StdErr | Should -Match 'NoSuchEntity'
        (Aws @('iam', 'list-access-keys', '--user-name', $leaver)).Json.AccessKeyMetadata | ForEach-Object { "$($_.AccessKeyId):$($_.Status)" } |
            Should -Be "$($held.AccessKeyId):Inactive"
        (Aws @('iam', 'list-user-tags', '--user-name', $leaver)).StdOut | Should -Be $tagged
    }

    It '-Disable removes the hand-off mark of credentials never handed out, so a run after re-enabling the user does not replace its key' {
        # Before: the mark stayed on the disabled user, and the next run deleted the key and made a new, active one.
        $name = New-TestName 'keeper'
        $null = New-OnboardUser -UserName $name -ConsoleAccess -ProgrammaticAccess 3>$null
        (Aws @('iam', 'list-user-tags', '--user-name', $name)).Json.Tags.Key | Should -Contain 'iamonboard:handoff'
        $key = (Aws @('iam', 'list-access-keys', '--user-name', $name)).Json.AccessKeyMetadata.AccessKeyId

        Remove-OnboardUser -UserName $name -Disable -Confirm:$false -InformationVariable said -ErrorAction Stop
        (Aws @('iam', 'list-user-tags', '--user-name', $name)).Json.Tags.Key | Should -Not -Contain 'iamonboard:handoff'
        "$($said[0].MessageData)" | Should -BeExactly "Disabled IAM user '$name': login profile, access key $key deactivated, tagged onboard:disabled-at and onboard:disabled-by, hand-off mark iamonboard:handoff removed."

        # Re-enabled on purpose: the key it had stays, as the disabling left it.
        (Aws @('iam', 'untag-user', '--user-name', $name, '--tag-keys', 'onboard:disabled-at', 'onboard:disabled-by')).ExitCode | Should -Be 0
        $again = New-OnboardUser -UserName $name -ProgrammaticAccess -ErrorAction Stop
        $again.AccessKeyId | Should -BeNullOrEmpty
        (Aws @('iam', 'list-access-keys', '--user-name', $name)).Json.AccessKeyMetadata.AccessKeyId | Should -Be $key

        # Disabled before the mark was removed (a -Disable stopped in between): -Disable again removes it, keeping the first tags.
        $null = New-OnboardUser -UserName $name -ConsoleAccess 3>$null
        (Aws @('iam', 'tag-user', '--user-name', $name, '--tags', 'Key=onboard:disabled-at,Value=2026-01-02T03:04:05Z', 'Key=onboard:disabled-by,Value=someone')).ExitCode | Should -Be 0
        Remove-OnboardUser -UserName $name -Disable -Confirm:$false -InformationVariable disabledAgain -ErrorAction Stop
        "$($disabledAgain[0].MessageData)" | Should -BeExactly "Disabled IAM user '$name': login profile, hand-off mark iamonboard:handoff removed; already disabled at 2026-01-02T03:04:05Z by someone; its onboard:disabled-at and onboard:disabled-by tags were kept."
        (Aws @('iam', 'list-user-tags', '--user-name', $name)).Json.Tags.Key | Should -Not -Contain 'iamonboard:handoff'
    }

    It 're-enabled on purpose, a user whose keys -Disable deactivated is told they are inactive and how to get a new one, never given one back' {
        # Before: a note said "already has access key ...; use -AdditionalAccessKey", as if the inactive key signed, and no warning.
        $name = New-TestName 'returner'
        $held = New-OnboardUser -UserName $name -ProgrammaticAccess
        Remove-OnboardUser -UserName $name -Disable -Confirm:$false -ErrorAction Stop
        (Aws @('iam', 'untag-user', '--user-name', $name, '--tag-keys', 'onboard:disabled-at', 'onboard:disabled-by')).ExitCode | Should -Be 0
        $key = $held.AccessKeyId
        $told = "has no active access key: access key $key is inactive (Remove-OnboardUser -Disable deactivates keys, and a key is never reactivated here: its secret may have left with whoever held it); " +
            "no new key created. To give it a new key, delete the inactive one (aws iam delete-access-key --user-name $name --access-key-id $key) and run this again, or add one beside it with -AdditionalAccessKey"

        $again = New-OnboardUser -UserName $name -ProgrammaticAccess -WarningVariable warned -ErrorAction Stop 3>$null
        $again.AccessKeyId | Should -BeNullOrEmpty
        $again.Notes | Should -Contain $told
        @($warned) | Should -HaveCount 1
        "$($warned[0])" | Should -BeExactly "IAM user '$name': $told."
        (Aws @('iam', 'list-access-keys', '--user-name', $name)).Json.AccessKeyMetadata | ForEach-Object { "$($_.AccessKeyId):$($_.Status)" } | Should -Be "${key}:Inactive"

        # Its advice followed: the run gives it a new key, and the old one stays gone.
        (Aws @('iam', 'delete-access-key', '--user-name', $name, '--access-key-id', $key)).ExitCode | Should -Be 0
        $renewed = New-OnboardUser -UserName $name -ProgrammaticAccess -ErrorAction Stop
        $renewed.AccessKeyId | Should -Not -BeNullOrEmpty
        (Aws @('iam', 'list-access-keys', '--user-name', $name)).Json.AccessKeyMetadata | ForEach-Object { "$($_.AccessKeyId):$($_.Status)" } | Should -Be "$($renewed.AccessKeyId):Active"
    }

    It 'a removal that fails partway names the user, the failed step, what it removed and what is left, and a re-run finishes it' {
        $group = New-TestName 'group'
        $null = New-OnboardGroup -GroupName $group
        $name = New-TestName 'leaver'
        $null = New-OnboardUser -UserName $name -ConsoleAccess -ProgrammaticAccess -Policy ReadOnlyAccess -Group $group |
            Enable-OnboardVirtualMfa -Unattended -IncludeSeed
        $serial = (Aws @('iam', 'list-mfa-devices', '--user-name', $name)).Json.MFADevices[0].SerialNumber
        $keyId = (Aws @('iam', 'list-access-keys', '--user-name', $name)).Json.AccessKeyMetadata[0].AccessKeyId
        $once = Connect-Onboard -EndpointUrl $endpoint.Url -AccessKey $endpoint.AccessKeyId -SecretKey $endpoint.SecretAccessKey -MaxAttempts 1
        try {
            $endpoint.FailNextRequests('DeleteAccessKey', 1)
            Remove-OnboardUser -UserName $name -Session $once -Confirm:$false -ErrorVariable failed -ErrorAction SilentlyContinue -InformationVariable said
        }
        finally {
            $endpoint.FailNextRequests('DeleteAccessKey', 0)
            $script:session = Connect-TestEndpoint -Endpoint $endpoint
        }

        # Before: IAM's "An internal error occurred. Please try again." and nothing else.
        $failed | Should -HaveCount 1
        $failed[0].FullyQualifiedErrorId | Should -Be 'ServiceFailure,IamOnboard.Commands.RemoveOnboardUserCommand'
        $failed[0].TargetObject | Should -Be $name
        $said | Should -BeNullOrEmpty
        $message = "$($failed[0])"
        $message | Should -BeLike "IAM user '$name' was only partly removed: DeleteAccessKey failed (*internal error*)*"
        $message | Should -BeLike "*Removed before it: login profile, MFA device $serial*"
        $message | Should -BeLike "*Left: access key $keyId (Active)*the user itself*"
        $message | Should -BeLike "*Run Remove-OnboardUser '$name' again*"
        (Aws @('iam', 'list-access-keys', '--user-name', $name)).Json.AccessKeyMetadata.Status | Should -Be 'Active'

        Remove-OnboardUser -UserName $name -Confirm:$false -InformationVariable finished -ErrorAction Stop
        "$($finished[0].MessageData)" | Should -BeLike "Removed IAM user '$name': access key $keyId, *user $name."
        (Aws @('iam', 'get-user', '--user-name', $name)).StdErr | Should -Match 'NoSuchEntity'
    }

    It 'a re-run of a removal stopped between deactivating and deleting the virtual MFA device deletes the device<Label>' -ForEach @(
        @{ Label = ''; Disable = $false }, @{ Label = ' (-Disable)'; Disable = $true }) {
        # Ctrl+C while DeactivateMFADevice was at IAM: the device was deactivated and DeleteVirtualMFADevice never sent.
        # No longer the user's, the device was not found by the re-run, which reported the removal complete and left it
        # in the account, unassigned and with a live seed.
        $name = New-TestName 'leaver'
        $null = New-OnboardUser -UserName $name -ConsoleAccess | Enable-OnboardVirtualMfa -Unattended -QrCodePath (Join-Path $TestDrive "leaver-qr$Disable/")
        $serial = (Aws @('iam', 'list-mfa-devices', '--user-name', $name)).Json.MFADevices[0].SerialNumber
        $serial | Should -BeLike "*:mfa/$name"
        (Aws @('iam', 'deactivate-mfa-device', '--user-name', $name, '--serial-number', $serial)).ExitCode | Should -Be 0
        # Another user's unassigned device, and one whose name only ends like this user's, are not touched.
        $other = (Aws @('iam', 'create-virtual-mfa-device', '--virtual-mfa-device-name', "x$name", '--outfile', (Join-Path $TestDrive "x$name.png"), '--bootstrap-method', 'QRCodePNG')).Json.VirtualMFADevice.SerialNumber

        Remove-OnboardUser -UserName $name -Disable:$Disable -Confirm:$false -InformationVariable said -ErrorAction Stop

        "$($said[0].MessageData)" | Should -BeLike "*unassigned virtual MFA device $serial*"
        $left = @((Aws @('iam', 'list-virtual-mfa-devices')).Json.VirtualMFADevices.SerialNumber)
        $left | Should -Not -Contain $serial
        $left | Should -Contain $other
        (Aws @('iam', 'delete-virtual-mfa-device', '--serial-number', $other)).ExitCode | Should -Be 0
    }

    It 'lists the account''s unassigned virtual MFA devices once for a batch of removals, and still deletes each user''s left device' {
        $names = 1..3 | ForEach-Object { New-TestName 'batch' }
        $names | ForEach-Object { $null = New-OnboardUser -UserName $_ -ProgrammaticAccess | Export-OnboardCredential -Path (Join-Path $TestDrive "$_.csv") }
        # A device each of two users' interrupted removals left: unassigned, named as the user.
        $left = $names[0, 2] | ForEach-Object { (Aws @('iam', 'create-virtual-mfa-device', '--virtual-mfa-device-name', $_, '--outfile', (Join-Path $TestDrive "$_.seed"), '--bootstrap-method', 'Base32StringSeed')).Json.VirtualMFADevice.SerialNumber }
        $before = $endpoint.GetStatistics().RequestsByAction['ListVirtualMFADevices']
        $names | Remove-OnboardUser -Confirm:$false -InformationVariable removed -ErrorAction Stop
        $endpoint.GetStatistics().RequestsByAction['ListVirtualMFADevices'] - $before | Should -Be 1
        @($removed).Count | Should -Be 3
        $unassigned = @((Aws @('iam', 'list-virtual-mfa-devices', '--assignment-status', 'Unassigned')).Json.VirtualMFADevices.SerialNumber)
        $left | ForEach-Object { $unassigned | Should -Not -Contain $_ }
        $names | ForEach-Object { (Aws @('iam', 'get-user', '--user-name', $_)).StdErr | Should -Match 'NoSuchEntity' }
    }

    It 'names the user as IAM spells it when it was typed in another case' {
        # IAM user names are unique without regard to case: ALICE finds Alice, and the messages say Alice.
        $name = New-TestName 'Mixed'
        $null = New-OnboardUser -UserName $name -ProgrammaticAccess | Export-OnboardCredential -Path (Join-Path $TestDrive 'mixed.csv')
        Remove-OnboardUser -UserName $name.ToUpperInvariant() -Disable -Confirm:$false -InformationVariable disabled -ErrorAction Stop
        "$($disabled[0].MessageData)" | Should -BeLikeExactly "Disabled IAM user '$name': *"
        Remove-OnboardUser -UserName $name.ToUpperInvariant() -Confirm:$false -InformationVariable removed -ErrorAction Stop
        "$($removed[0].MessageData)" | Should -BeLikeExactly "Removed IAM user '$name': *, user $name."
        (Aws @('iam', 'get-user', '--user-name', $name)).StdErr | Should -Match 'NoSuchEntity'
    }

    Context 'a user disabled with -Disable, given access by another command' {
        # Before: each command gave the leaver what it asked for without a word: a group's permissions, an enabled MFA
        # device, an inline policy.
        BeforeAll {
            $script:group = New-TestName 'group'
            $null = New-OnboardGroup -GroupName $group
            $script:leaver = New-TestName 'leaver'
            $script:held = New-OnboardUser -UserName $leaver # an earlier run's output, still in a variable when the user leaves
            Remove-OnboardUser -UserName $leaver -Disable -Confirm:$false -ErrorAction Stop
            $script:tagged = (Aws @('iam', 'list-user-tags', '--user-name', $leaver)).StdOut
            $at = [regex]::Match($tagged, '"Key": "onboard:disabled-at",\s*"Value": "([^"]+)"').Groups[1].Value
            $script:refusal = "UserName: IAM user '$leaver' was disabled at $at by $($session.CallerArn) (Remove-OnboardUser -Disable), so it is not {0}; nothing of it was changed. " +
                "To re-enable it on purpose, remove its onboard:disabled-at and onboard:disabled-by tags (aws iam untag-user --user-name $leaver --tag-keys onboard:disabled-at onboard:disabled-by), then run it again."
            $script:starters = 1..2 | ForEach-Object { New-TestName 'starter' }
            $null = $starters | New-OnboardUser
            $script:rows = $starters[0], $leaver, $starters[1] | ForEach-Object { [pscustomobject]@{ UserName = $_ } }
            $script:document = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}'

            function script:Assert-Refused($Failures, [string] $Command, [string] $NotDone, $Target = $leaver) {
                $Failures | Should -HaveCount 1
                $Failures[0].FullyQualifiedErrorId | Should -Be "UserDisabled,IamOnboard.Commands.$Command"
                $Failures[0].TargetObject | Should -Be $Target
                "$($Failures[0])" | Should -BeExactly ($refusal -f $NotDone)
            }
        }

        AfterEach {
            (Aws @('iam', 'list-user-tags', '--user-name', $leaver)).StdOut | Should -Be $tagged
        }

        It 'Add-OnboardGroupMember refuses it, by name, in its plan and from a variable, and adds the rest of the batch' {
            $added = $rows | Add-OnboardGroupMember -GroupName $group -ErrorVariable failures -ErrorAction SilentlyContinue
            Assert-Refused $failures 'AddOnboardGroupMemberCommand' "added to group '$group'"
            @($added.UserName) | Sort-Object | Should -Be @($starters | Sort-Object)
            $added.Status | Should -Be @('Added', 'Added')

            Add-OnboardGroupMember -UserName $leaver -GroupName $group -WhatIf -ErrorVariable planFailures -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            Assert-Refused $planFailures 'AddOnboardGroupMemberCommand' "added to group '$group'"
            $held | Add-OnboardGroupMember -GroupName $group -ErrorVariable heldFailures -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            Assert-Refused $heldFailures 'AddOnboardGroupMemberCommand' "added to group '$group'" $held
            (Aws @('iam', 'list-groups-for-user', '--user-name', $leaver)).Json.Groups | Should -BeNullOrEmpty
        }

        It 'Enable-OnboardVirtualMfa refuses it, by name and from a variable, before any device is made, and enrols the rest of the batch' {
            $enrolled = $rows | Enable-OnboardVirtualMfa -Unattended -IncludeSeed -ErrorVariable failures -ErrorAction SilentlyContinue
            Assert-Refused $failures 'EnableOnboardVirtualMfaCommand' 'given a virtual MFA device'
            @($enrolled.UserName) | Sort-Object | Should -Be @($starters | Sort-Object)
            $held | Enable-OnboardVirtualMfa -Unattended -IncludeSeed -ErrorVariable heldFailures -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            Assert-Refused $heldFailures 'EnableOnboardVirtualMfaCommand' 'given a virtual MFA device' $held
            (Aws @('iam', 'list-mfa-devices', '--user-name', $leaver)).Json.MFADevices | Should -BeNullOrEmpty
            @((Aws @('iam', 'list-virtual-mfa-devices')).Json.VirtualMFADevices.SerialNumber) | Should -Not -Contain "arn:aws:iam::$($session.AccountId):mfa/$leaver"
        }

        It 'warns that the check was not made, and goes on, when the identity may not GetUser' {
            # GetUser is how the disabled check reads the user's tags; an identity denied it may still be allowed the
            # command's own call, so the command goes on and says what it could not check, and how to check it by hand.
            $limited = (New-RestrictedCaller -Endpoint $endpoint -Deny 'iam:GetUser').Session
            $script:session = Connect-TestEndpoint -Endpoint $endpoint
            $starter = New-TestName 'starter'
            $null = New-OnboardUser -UserName $starter -ErrorAction Stop

            $added = Add-OnboardGroupMember -UserName $starter -GroupName $group -Session $limited -WarningVariable warned -WarningAction SilentlyContinue -ErrorAction Stop
            $added.Status | Should -Be 'Added'
            $warned | Should -HaveCount 1
            "$($warned[0])" | Should -BeLike "$starter`: could not check whether Remove-OnboardUser -Disable disabled this user (*iam:GetUser*); went on without the check (a disabled user has the tag onboard:disabled-at: aws iam list-user-tags --user-name $starter)."
        }

        It 'Enable-OnboardVirtualMfa -WhatIf says the run would refuse it, by name and in a batch, as the run does' {
            # Before: the plan showed the leaver's device as any other's, and only the real run refused it.
            Enable-OnboardVirtualMfa -UserName $leaver -Unattended -IncludeSeed -WhatIf -ErrorVariable planFailures -ErrorAction SilentlyContinue 6>$null |
                Should -BeNullOrEmpty
            Assert-Refused $planFailures 'EnableOnboardVirtualMfaCommand' 'given a virtual MFA device'
            # The starters were enrolled above: the plan, as the run, refuses them again unless -SkipIfEnabled.
            $rows | Enable-OnboardVirtualMfa -Unattended -IncludeSeed -SkipIfEnabled -WhatIf -ErrorVariable batchFailures -ErrorAction SilentlyContinue 6>$null | Should -BeNullOrEmpty
            Assert-Refused $batchFailures 'EnableOnboardVirtualMfaCommand' 'given a virtual MFA device'
            $held | Enable-OnboardVirtualMfa -Unattended -IncludeSeed -WhatIf -ErrorVariable heldFailures -ErrorAction SilentlyContinue 6>$null | Should -BeNullOrEmpty
            Assert-Refused $heldFailures 'EnableOnboardVirtualMfaCommand' 'given a virtual MFA device' $held
            @((Aws @('iam', 'list-virtual-mfa-devices')).Json.VirtualMFADevices.SerialNumber) | Should -Not -Contain "arn:aws:iam::$($session.AccountId):mfa/$leaver"
        }

        It 'Add-OnboardInlinePolicy -WhatIf says the run would refuse it, as Add-OnboardGroupMember -WhatIf does' {
            Add-OnboardInlinePolicy -UserName $leaver -PolicyName Reader -PolicyDocument $document -WhatIf -ErrorVariable planFailures -ErrorAction SilentlyContinue 6>$null |
                Should -BeNullOrEmpty
            Assert-Refused $planFailures 'AddOnboardInlinePolicyCommand' "given the inline policy 'Reader'"
            (Aws @('iam', 'list-user-policies', '--user-name', $leaver)).Json.PolicyNames | Should -BeNullOrEmpty
        }

        It 'Add-OnboardInlinePolicy refuses it and puts the policy on the rest of the batch, and on a group as before' {
            $put = $rows | Add-OnboardInlinePolicy -PolicyName Reader -PolicyDocument $document -ErrorVariable failures -ErrorAction SilentlyContinue
            Assert-Refused $failures 'AddOnboardInlinePolicyCommand' "given the inline policy 'Reader'"
            @($put.OwnerName) | Sort-Object | Should -Be @($starters | Sort-Object)
            (Aws @('iam', 'list-user-policies', '--user-name', $leaver)).Json.PolicyNames | Should -BeNullOrEmpty
            (Add-OnboardInlinePolicy -GroupName $group -PolicyName Reader -PolicyDocument $document -ErrorAction Stop).Status | Should -Be 'Created'
        }

        It 'users that came down the pipeline from New-OnboardUser cost no read to check; a user named costs one GetUser' {
            # New-OnboardUser refuses a disabled user, so the users it writes need no read of their own downstream.
            function Get-Calls([string] $Action) { $calls = 0; $null = $endpoint.GetStatistics().RequestsByAction.TryGetValue($Action, [ref] $calls); $calls }
            $alone = 1..3 | ForEach-Object { New-TestName 'alone' }
            $before = Get-Calls 'GetUser'
            $null = $alone | New-OnboardUser -ErrorAction Stop
            $newUserReads = (Get-Calls 'GetUser') - $before

            $piped = 1..3 | ForEach-Object { New-TestName 'piped' }
            $before = Get-Calls 'GetUser'
            $enrolled = $piped | New-OnboardUser -ConsoleAccess -PasswordResetRequired | Add-OnboardGroupMember -GroupName $group |
                Add-OnboardInlinePolicy -PolicyName Reader -PolicyDocument $document |
                Enable-OnboardVirtualMfa -Unattended -IncludeSeed -ErrorAction Stop
            @($enrolled).Count | Should -Be 3
            (Get-Calls 'GetUser') - $before | Should -Be $newUserReads -Because 'the users came down this pipeline from New-OnboardUser, which checked them'

            $before = Get-Calls 'GetUser'
            $null = Add-OnboardGroupMember -UserName $alone[0] -GroupName $group -ErrorAction Stop
            (Get-Calls 'GetUser') - $before | Should -Be 1
        }
    }
}

Describe "Remove-OnboardUser -Force, as AWS.Tools' Remove-IAMUser takes it" {
    It 'removes without asking where nobody can answer, and still only plans under -WhatIf, $WhatIfPreference or a -Confirm given too' {
        # Before: "A parameter cannot be found that matches parameter name 'Force'", the habit of every AWS.Tools Remove-*
        # cmdlet. A child pwsh -NonInteractive under the default $ConfirmPreference ('High', Remove-OnboardUser's impact):
        # a question there fails (ConfirmationNotPossible) instead of waiting for an answer.
        $names = 1..4 | ForEach-Object { New-TestName 'forced' }
        $null = $names | New-OnboardUser
        $script = @'
param($Module, $Url, $Key, $Secret, $Forced, $WhatIf, $Preference, $Confirm)
Import-Module $Module
$null = Connect-Onboard -EndpointUrl $Url -AccessKey $Key -SecretKey $Secret
function Say($label, [scriptblock] $run) {
    try { $null = & $run; "$label ran" } catch { "$label $($_.FullyQualifiedErrorId)"; "$label SAYS $_" }
}
Say 'FORCED' { Remove-OnboardUser $Forced -Force -Verbose 4>&1 | ForEach-Object { "VERBOSE $_" } | Write-Host }
Say 'WHATIF' { Remove-OnboardUser $WhatIf -Force -WhatIf }
Say 'PREFERENCE' { $WhatIfPreference = $true; Remove-OnboardUser $Preference -Force }
Say 'CONFIRM' { Remove-OnboardUser $Confirm -Force -Confirm }
'@
        $scriptPath = Join-Path $TestDrive 'force.ps1'
        Set-Content -Path $scriptPath -Value $script
        $child = Invoke-ChildPwshResult -Arguments (@('-NoProfile', '-NonInteractive', '-File', $scriptPath, $env:IAMONBOARD_MODULE, $endpoint.Url, $endpoint.AccessKeyId,
                (ConvertTo-PlainText $endpoint.SecretAccessKey)) + $names)
        $lines = $child.StdOut -split '\r?\n'
        $because = $child.StdOut + ($child.StdErr -replace '\e\[[0-9;]*m')
        ($lines -match '^FORCED ') | Should -Be 'FORCED ran' -Because $because
        ($lines -match '^VERBOSE ') -join "`n" | Should -BeLike "*Performing the operation*Remove the user*on target*IAM user '$($names[0])'*"
        ($lines -match '^WHATIF ') | Should -Be 'WHATIF ran' -Because $because
        ($lines -match '^PREFERENCE ') | Should -Be 'PREFERENCE ran' -Because $because
        ($lines -match '^CONFIRM C') | Should -Be 'CONFIRM ConfirmationNotPossible,IamOnboard.Commands.RemoveOnboardUserCommand' -Because 'an explicit -Confirm still asks'
        ($lines -match '^CONFIRM SAYS ') | Should -BeLike "*Add -Confirm:`$false to Remove-OnboardUser (or -Force, without -Confirm)*"

        $left = (Invoke-AwsCli -Endpoint $endpoint -Arguments @('iam', 'list-users')).Json.Users.UserName
        $left | Should -Not -Contain $names[0]
        $names[1..3] | ForEach-Object { $left | Should -Contain $_ }
    }

    It 'is described by Get-Help, with what it does not skip' {
        $help = (Get-Help Remove-OnboardUser -Parameter Force).description.Text -join ' '
        $help | Should -BeLike '*without asking*'
        $help | Should -BeLike '*-WhatIf*still only says*'
        $help | Should -BeLike '*RemovingSessionIdentity*'
    }
}

Describe 'Remove-OnboardUser and the session identity' {
    It 'gives under -WhatIf the refusals the run would give: a user that does not exist, a bad name, the session''s own identity' {
        # An offboarding runbook's dry run of its leavers list. Before, the plan said "Remove the user ..." for each of
        # them, and only the run refused them.
        $leaver = New-TestName 'leaver'
        $null = New-OnboardUser -UserName $leaver -ProgrammaticAccess 3>$null
        $missing = New-TestName 'gone'
        $self = $session.CallerArn.Split('/')[-1]
        $leaver, $missing, 'bad name!', $self | Remove-OnboardUser -WhatIf -ErrorVariable planned -ErrorAction SilentlyContinue 6>$null
        $planned | Should -HaveCount 3
        ($planned | Where-Object TargetObject -eq $missing).FullyQualifiedErrorId | Should -Be 'NoSuchEntity,IamOnboard.Commands.RemoveOnboardUserCommand'
        ($planned | Where-Object TargetObject -eq 'bad name!').FullyQualifiedErrorId | Should -Be 'InvalidUserName,IamOnboard.Commands.RemoveOnboardUserCommand'
        ($planned | Where-Object TargetObject -eq $self).FullyQualifiedErrorId | Should -Be 'RemovingSessionIdentity,IamOnboard.Commands.RemoveOnboardUserCommand'
        $leaver | Remove-OnboardUser -Disable -WhatIf -ErrorVariable disabling -ErrorAction SilentlyContinue 6>$null
        $disabling | Should -BeNullOrEmpty
        (Aws @('iam', 'list-access-keys', '--user-name', $leaver)).Json.AccessKeyMetadata.Status | Should -Be 'Active'
    }

    It 'refuses to remove the user the session signs in as and leaves its key working' {
        # Its own endpoint: on failure the shared endpoint's administrator would lose its key.
        $own = Start-OnboardLocalIam
        try {
            $ownSession = Connect-TestEndpoint -Endpoint $own
            $self = $ownSession.CallerArn.Split('/')[-1]
            Remove-OnboardUser -UserName $self -Confirm:$false -ErrorVariable failures -ErrorAction SilentlyContinue
            $failures.Count | Should -Be 1
            $failures[0].FullyQualifiedErrorId | Should -Be 'RemovingSessionIdentity,IamOnboard.Commands.RemoveOnboardUserCommand'
            "$($failures[0].Exception.Message)" | Should -Match 'signed in as'
            (Invoke-AwsCli -Endpoint $own -Arguments @('iam', 'list-access-keys', '--user-name', $self)).Json.AccessKeyMetadata.Count | Should -Be 1
            (Invoke-AwsCli -Endpoint $own -Arguments @('sts', 'get-caller-identity')).ExitCode | Should -Be 0
        }
        finally {
            $null = Connect-TestEndpoint -Endpoint $endpoint
            $own | Stop-OnboardLocalIam -Confirm:$false
        }
    }
}
