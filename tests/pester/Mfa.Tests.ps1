# Enable-OnboardVirtualMfa: unattended, given codes, interactive (scripted answers), non-interactive, recovery.
BeforeAll {
    Import-Module $env:IAMONBOARD_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:endpoint = Start-OnboardLocalIam
    $script:session = Connect-TestEndpoint -Endpoint $endpoint
    function script:Aws([string[]] $Arguments) { Invoke-AwsCli -Endpoint $script:endpoint -Arguments $Arguments }
    function script:Get-UnassignedDevices { (Aws @('iam', 'list-virtual-mfa-devices', '--assignment-status', 'Unassigned')).Json.VirtualMFADevices.SerialNumber }

    # Runs Enable-OnboardVirtualMfa in a child pwsh whose standard input the test writes, like a person typing.
    function script:Start-EnrolmentProcess([string] $UserName, [string[]] $ExtraSwitches, [switch] $NonInteractive) {
        $script = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$($env:IAMONBOARD_MODULE)'
`$secret = ConvertTo-SecureString `$env:TEST_IAM_SECRET -AsPlainText -Force
`$null = Connect-Onboard -EndpointUrl '$($endpoint.Url)' -AccessKey '$($endpoint.AccessKeyId)' -SecretKey `$secret
`$device = Enable-OnboardVirtualMfa -UserName '$UserName' $($ExtraSwitches -join ' ') -ErrorAction Stop
'RESULT ' + `$device.Status + ' ' + `$device.SerialNumber
"@
        $arguments = @('-NoProfile', '-NoLogo')
        if ($NonInteractive) { $arguments += '-NonInteractive' }
        $start = New-ChildPwshStartInfo -Arguments ($arguments + @('-Command', $script))
        $start.RedirectStandardInput = $true
        $start.RedirectStandardOutput = $true
        $start.RedirectStandardError = $true
        $start.Environment['TEST_IAM_SECRET'] = ConvertTo-PlainText $endpoint.SecretAccessKey
        [System.Diagnostics.Process]::Start($start)
    }

    # Every read from the child has a deadline: a child left waiting at its prompt must fail the test, not hang the run.
    function script:Stop-Child($Process, [string] $Why) {
        $Process.Kill($true)
        $Process.WaitForExit()
        throw "$Why Errors: $($Process.StandardError.ReadToEnd())"
    }

    function script:Read-UntilSecret($Process) {
        $deadline = [DateTime]::UtcNow.AddSeconds(60)
        while ($true) {
            $read = $Process.StandardOutput.ReadLineAsync()
            $left = [Math]::Max(0, ($deadline - [DateTime]::UtcNow).TotalMilliseconds)
            if (-not $read.Wait([int]$left)) { Stop-Child $Process 'The child never showed the secret within 60 s.' }
            if ($null -eq $read.Result) { Stop-Child $Process 'The child ended without showing the secret.' }
            if ($read.Result -match 'Secret key for .+: ([A-Z2-7]+)') { return $Matches[1] }
        }
    }

    function script:Read-Rest($Process) {
        $rest = $Process.StandardOutput.ReadToEndAsync()
        if (-not $rest.Wait(90000)) { Stop-Child $Process 'The child was still asking for codes after 90 s.' }
        $rest.Result
    }

    # The code $StepOffset 30-second steps from $At: the codes a test types are all taken at one moment, so a step
    # boundary between two of them cannot make a consecutive pair into a gap.
    # The endpoint holds the next request of the action this long before carrying it out (its InterruptNext test hook).
    function script:Suspend-NextRequest([string] $Action, [int] $Milliseconds) {
        if (-not ('IamOnboardTests.MfaHold' -as [type])) {
            Add-Type -TypeDefinition 'namespace IamOnboardTests { public static class MfaHold { public static System.Action For(int milliseconds) { return () => System.Threading.Thread.Sleep(milliseconds); } } }'
        }
        $server = $script:endpoint.GetType().GetProperty('Server', [System.Reflection.BindingFlags]'NonPublic, Instance').GetValue($script:endpoint)
        $server.InterruptNext($Action, [IamOnboardTests.MfaHold]::For($Milliseconds))
    }

    function script:Get-Code([string] $Seed, [int] $StepOffset = 0, [DateTimeOffset] $At = [DateTimeOffset]::UtcNow) {
        Get-TestTotpCode -Base32Seed $Seed -At $At.AddSeconds(30 * $StepOffset)
    }
}

AfterAll {
    Disconnect-Onboard
    $script:endpoint | Stop-OnboardLocalIam -Confirm:$false
}

Describe 'Enable-OnboardVirtualMfa -Unattended -IncludeSeed' {
    It 'enrols a batch of users piped from New-OnboardUser' {
        $names = 1..3 | ForEach-Object { New-TestName }
        $folder = Join-Path $TestDrive 'qr'
        $devices = $names | New-OnboardUser -ConsoleAccess | Enable-OnboardVirtualMfa -Unattended -QrCodePath "$folder/"
        $devices | Should -HaveCount 3
        if (-not $IsWindows) {
            (Get-Item $folder).UnixFileMode | Should -Be ([System.IO.UnixFileMode]'UserRead, UserWrite, UserExecute') -Because 'the folder it made for QR codes is owner-only too'
        }
        # One read for all three users (each AWS CLI process start costs seconds on a busy machine).
        $listedByUser = @(Invoke-AwsCliBatch -Endpoint $endpoint -Commands @($devices | ForEach-Object { , @('iam', 'list-mfa-devices', '--user-name', $_.UserName) }))
        $index = 0
        foreach ($device in $devices) {
            $device.Status | Should -Be 'Enabled'
            $device.Seed | Should -BeNullOrEmpty
            $device.User.MfaSerialNumber | Should -Be $device.SerialNumber
            $listed = $listedByUser[$index++].Json.MFADevices
            $listed.SerialNumber | Should -Be "arn:aws:iam::$($endpoint.AccountId):mfa/$($device.UserName)"
            $png = [IO.File]::ReadAllBytes($device.QrCodePath)
            $png[1..3] | Should -Be @(0x50, 0x4E, 0x47) -Because 'the QR code file is a PNG'
            (Get-Item $device.QrCodePath).UnixFileMode | Should -Be ([System.IO.UnixFileMode]'UserRead, UserWrite')
        }
        $assigned = (Aws @('iam', 'list-virtual-mfa-devices', '--assignment-status', 'Assigned')).Json.VirtualMFADevices.User.UserName
        foreach ($name in $names) { $assigned | Should -Contain $name }
    }

    It 'returns the seed as a SecureString with -IncludeSeed, and the seed reaches no stream' {
        $name = New-TestName
        $null = New-OnboardUser -UserName $name
        $DebugPreference = 'Continue'
        $everything = Enable-OnboardVirtualMfa -UserName $name -Unattended -IncludeSeed -Verbose *>&1
        $device = $everything | Where-Object { $_ -is [IamOnboard.Commands.OnboardMfaDevice] }
        $device.Seed | Should -BeOfType [securestring]
        $seed = ConvertTo-PlainText $device.Seed
        $seed | Should -Match '^[A-Z2-7]{16,}$'
        $text = ($everything | Out-String) + ($device | Format-List * | Out-String)
        $text | Should -Not -Match $seed
    }

    It 'reports a user who already has the device, or skips them with -SkipIfEnabled' {
        $name = New-TestName
        $first = New-OnboardUser -UserName $name | Enable-OnboardVirtualMfa -Unattended -IncludeSeed # taken: a seed thrown away would be replaced by the next run
        Enable-OnboardVirtualMfa -UserName $name -Unattended -IncludeSeed -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].FullyQualifiedErrorId | Should -Be 'MfaAlreadyEnabled,IamOnboard.Commands.EnableOnboardVirtualMfaCommand'
        $skipped = Enable-OnboardVirtualMfa -UserName $name -Unattended -IncludeSeed -SkipIfEnabled -WarningVariable warnings -WarningAction SilentlyContinue
        $skipped.Status | Should -Be 'AlreadyEnabled'
        $warnings | Should -Not -BeNullOrEmpty
    }

    It 'counts a device enabled under another -DeviceName as enrolled: -SkipIfEnabled leaves the user as is, and no second device is made' {
        # A re-run with the naming convention changed gave the user a second working factor and a second seed, in silence.
        $name = New-TestName
        $first = New-OnboardUser -UserName $name | Enable-OnboardVirtualMfa -Unattended -IncludeSeed -DeviceName "$name-phone" # taken: a seed thrown away would be replaced
        $skipped = Enable-OnboardVirtualMfa -UserName $name -DeviceName "$name-yubi" -Unattended -IncludeSeed -SkipIfEnabled -WarningAction SilentlyContinue
        $skipped.Status | Should -Be 'AlreadyEnabled'
        Enable-OnboardVirtualMfa -UserName $name -DeviceName "$name-yubi" -Unattended -IncludeSeed -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].FullyQualifiedErrorId | Should -Be 'MfaAlreadyEnabled,IamOnboard.Commands.EnableOnboardVirtualMfaCommand'
        "$($failures[0])" | Should -Match ([regex]::Escape("mfa/$name-phone"))
        @((Aws @('iam', 'list-mfa-devices', '--user-name', $name)).Json.MFADevices.SerialNumber) | Should -HaveCount 1
        @((Aws @('iam', 'list-virtual-mfa-devices')).Json.VirtualMFADevices.SerialNumber | Where-Object { $_ -like "*mfa/$name-yubi" }) | Should -BeNullOrEmpty
    }

    It 'replaces an unassigned device left by an abandoned enrolment' {
        $name = New-TestName
        $null = New-OnboardUser -UserName $name
        $outfile = Join-Path $TestDrive "$name.txt"
        $abandoned = Aws @('iam', 'create-virtual-mfa-device', '--virtual-mfa-device-name', $name, '--outfile', $outfile, '--bootstrap-method', 'Base32StringSeed')
        $abandoned.ExitCode | Should -Be 0
        Get-UnassignedDevices | Should -Contain $abandoned.Json.VirtualMFADevice.SerialNumber
        (Enable-OnboardVirtualMfa -UserName $name -Unattended -IncludeSeed).Status | Should -Be 'Enabled'
        Get-UnassignedDevices | Should -Not -Contain $abandoned.Json.VirtualMFADevice.SerialNumber
    }

    It 'a seed given out only with -IncludeSeed whose output was never taken is not lost: the re-run replaces the device, with a warning' {
        $name = New-TestName
        $null = New-OnboardUser -UserName $name
        # Ctrl+C after EnableMFADevice, while the output carrying the only copy of the seed is being written (the next
        # command has not finished with it): the device is enabled, and nobody has its seed.
        $null = Stop-WhileOutputTaken -Arguments $env:IAMONBOARD_MODULE, $name, $script:session -Script {
            param($Module, $Name, $Session, $Taken)
            Import-Module $Module
            Enable-OnboardVirtualMfa -UserName $Name -Unattended -IncludeSeed -Session $Session | ForEach-Object { $null = New-Item -ItemType File -Path $Taken; Start-Sleep -Seconds 60 }
        }
        $lost = (Aws @('iam', 'list-mfa-devices', '--user-name', $name)).Json.MFADevices.SerialNumber
        $lost | Should -HaveCount 1
        (Aws @('iam', 'list-mfa-device-tags', '--serial-number', $lost)).Json.Tags.Key | Should -Contain 'iamonboard:handoff' -Because 'the device says its seed was not handed out'

        # The re-run (even with -SkipIfEnabled) enrols anew, saying so, instead of "already enabled" with a seed nobody has.
        $again = Enable-OnboardVirtualMfa -UserName $name -Unattended -IncludeSeed -SkipIfEnabled -WarningVariable warned -WarningAction SilentlyContinue
        $again.Status | Should -Be 'Enabled'
        $again.Seed | Should -Not -BeNullOrEmpty
        $seed = ConvertTo-PlainText $again.Seed
        "$warned" | Should -BeLike "*$name*$lost*nobody has the seed*deactivated and deleted*"
        "$warned" | Should -Not -Match $seed
        $now = [DateTimeOffset]::UtcNow
        (Aws @('iam', 'resync-mfa-device', '--user-name', $name, '--serial-number', $again.SerialNumber,
            '--authentication-code1', (Get-Code $seed -1 $now), '--authentication-code2', (Get-Code $seed 0 $now))).ExitCode | Should -Be 0 -Because 'the seed returned is the enabled device''s'
        (Aws @('iam', 'list-mfa-devices', '--user-name', $name)).Json.MFADevices | Should -HaveCount 1
        # Taken by the variable: the device's mark is gone, so a further run leaves it as it is.
        (Aws @('iam', 'list-mfa-device-tags', '--serial-number', $again.SerialNumber)).Json.Tags.Key | Should -Not -Contain 'iamonboard:handoff'
        (Enable-OnboardVirtualMfa -UserName $name -Unattended -IncludeSeed -SkipIfEnabled -WarningAction SilentlyContinue).Status | Should -Be 'AlreadyEnabled'
    }

    It 'a seed given out with the user''s new password rides on the user''s hand-off mark: one UntagUser hands out both, no UntagMFADevice' {
        $name = New-TestName
        $file = Join-Path $TestDrive "$name-ride.csv"
        $before = $endpoint.GetStatistics().RequestsByAction
        New-OnboardUser -UserName $name -ConsoleAccess | Enable-OnboardVirtualMfa -Unattended -IncludeSeed | Export-OnboardCredential -Path $file
        $after = $endpoint.GetStatistics().RequestsByAction
        function Delta([string] $Action) { $was = 0; $now = 0; $null = $before.TryGetValue($Action, [ref] $was); $null = $after.TryGetValue($Action, [ref] $now); $now - $was }
        # Before: the device carried a mark of its own, removed by one more call per user once the file had the seed.
        Delta 'UntagMFADevice' | Should -Be 0
        Delta 'UntagUser' | Should -Be 1
        Delta 'TagMFADevice' | Should -Be 0
        (Import-Csv $file).'MFA seed' | Should -Match '^[A-Z2-7]{32,}$'
        (Aws @('iam', 'list-user-tags', '--user-name', $name)).Json.Tags.Key | Should -Not -Contain 'iamonboard:handoff'
    }

    It 'a seed thrown away inside ForEach-Object loses only the seed: the password the outer pipeline writes to the file counts as handed out' {
        $name = New-TestName
        $file = Join-Path $TestDrive "$name-outer.csv"
        $warned = & {
            New-OnboardUser -UserName $name -ConsoleAccess |
                ForEach-Object { $_ | Enable-OnboardVirtualMfa -Unattended -IncludeSeed | Out-Null; $_ } |
                Export-OnboardCredential -Path $file
        } 3>&1
        (Import-Csv $file).Password | Should -Not -BeNullOrEmpty
        "$warned" | Should -BeLike "*$name*Out-Null*password or key stay with New-OnboardUser*MFA seed made here counts as not handed out*"
        # Before: the inner command dropped the user's hand-off with its own, so the password in the file kept its mark
        # and the next run replaced it.
        (Aws @('iam', 'list-user-tags', '--user-name', $name)).Json.Tags.Key | Should -Not -Contain 'iamonboard:handoff'
        $serial = "arn:aws:iam::$($endpoint.AccountId):mfa/$name"
        ((Aws @('iam', 'list-mfa-device-tags', '--serial-number', $serial)).Json.Tags | Where-Object Key -EQ 'iamonboard:handoff').Value -split ' ' | Should -Contain 'mfa-seed'

        # Run again: the password in the file stays, the seed nobody has is replaced.
        $again = Join-Path $TestDrive "$name-again.csv"
        New-OnboardUser -UserName $name -ConsoleAccess | Enable-OnboardVirtualMfa -Unattended -IncludeSeed -SkipIfEnabled -WarningAction SilentlyContinue |
            Export-OnboardCredential -Path $again
        $row = Import-Csv $again
        $row.Password | Should -BeNullOrEmpty -Because 'the password handed out in the first file was not reset'
        $row.'MFA seed' | Should -Match '^[A-Z2-7]{32,}$'

        # Through ForEach-Object, or a function, in the same pipeline, the user reaches Out-Null only: everything counts as
        # not handed out.
        $viaForEach = New-TestName
        New-OnboardUser -UserName $viaForEach -ConsoleAccess | ForEach-Object { $_ } | Enable-OnboardVirtualMfa -Unattended -IncludeSeed -WarningAction SilentlyContinue | Out-Null
        filter Pass { $_ }
        $viaFunction = New-TestName
        New-OnboardUser -UserName $viaFunction -ConsoleAccess | Pass | Enable-OnboardVirtualMfa -Unattended -IncludeSeed -WarningAction SilentlyContinue | Out-Null
        foreach ($other in $viaForEach, $viaFunction) {
            ((Aws @('iam', 'list-user-tags', '--user-name', $other)).Json.Tags | Where-Object Key -EQ 'iamonboard:handoff').Value | Should -Match 'password' -Because "$other's only output went to Out-Null"
        }
    }

    It 'a second Enable-OnboardVirtualMfa in the same pipeline passes the first one''s output on, seed and password with it' {
        $name = New-TestName
        $file = Join-Path $TestDrive "$name-twice.csv"
        # Before: the second one looked the device up, found its seed still on its way out and refused (HandOffInProgress),
        # so nothing reached Export-OnboardCredential.
        New-OnboardUser -UserName $name -ConsoleAccess | Enable-OnboardVirtualMfa -Unattended -IncludeSeed |
            Enable-OnboardVirtualMfa -Unattended -IncludeSeed -SkipIfEnabled -WarningVariable warned -ErrorVariable failed -ErrorAction SilentlyContinue |
            Export-OnboardCredential -Path $file
        $failed | Should -BeNullOrEmpty
        "$warned" | Should -BeLike "*$name*already enrolled in this pipeline*passed on*"
        $row = Import-Csv $file
        $row.Password | Should -Not -BeNullOrEmpty
        $now = [DateTimeOffset]::UtcNow
        (Aws @('iam', 'resync-mfa-device', '--user-name', $name, '--serial-number', $row.'MFA device',
            '--authentication-code1', (Get-Code $row.'MFA seed' -1 $now), '--authentication-code2', (Get-Code $row.'MFA seed' 0 $now))).ExitCode | Should -Be 0
        (Aws @('iam', 'list-mfa-devices', '--user-name', $name)).Json.MFADevices | Should -HaveCount 1
        (Aws @('iam', 'list-user-tags', '--user-name', $name)).Json.Tags.Key | Should -Not -Contain 'iamonboard:handoff'
    }

    It 'when no answer to EnableMFADevice says whether it was applied, the error says what is left: nothing' {
        $name = New-TestName
        $null = New-OnboardUser -UserName $name
        # Every attempt answered 500: each time the device is looked up and found not enabled.
        $endpoint.FailNextRequests('EnableMFADevice', 8)
        $device = Enable-OnboardVirtualMfa -UserName $name -Unattended -IncludeSeed -ErrorVariable failed -ErrorAction SilentlyContinue
        $device | Should -BeNullOrEmpty
        $failed | Should -HaveCount 1
        # Before: "... It was not retried, to avoid a duplicate; check what exists before repeating it", though the
        # device had been found not enabled and deleted.
        "$failed" | Should -BeLike "*$name*EnableMFADevice*arn:aws:iam::$($endpoint.AccountId):mfa/$name was found not enabled and was deleted, so the command can be run again*"
        "$failed" | Should -Not -BeLike '*check what exists*'
        Get-UnassignedDevices | Should -Not -Contain "arn:aws:iam::$($endpoint.AccountId):mfa/$name"
        (Enable-OnboardVirtualMfa -UserName $name -Unattended -IncludeSeed).Status | Should -Be 'Enabled'
    }

    It 'when the hand-off tag cannot be removed, the error names exactly the tags to remove by hand' {
        $once = Connect-Onboard -EndpointUrl $endpoint.Url -AccessKey $endpoint.AccessKeyId -SecretKey $endpoint.SecretAccessKey -MaxAttempts 1
        # The seed rode on the user's mark: one tag, the user's. Before: the error also said to untag the device.
        $name = New-TestName
        $endpoint.FailNextRequests('UntagUser', 1)
        New-OnboardUser -UserName $name -ConsoleAccess -Session $once | Enable-OnboardVirtualMfa -Unattended -IncludeSeed -Session $once |
            Export-OnboardCredential -Path (Join-Path $TestDrive "$name.csv") -ErrorVariable failed -ErrorAction SilentlyContinue
        $failed | Should -HaveCount 1
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'HandOffMarkNotRemoved,*'
        "$failed" | Should -BeLike "*aws iam untag-user --user-name $name --tag-keys iamonboard:handoff*"
        "$failed" | Should -Not -BeLike '*untag-mfa-device*'

        # Enrolled by name, the device carries its own mark: that one only.
        $byName = New-TestName
        $null = New-OnboardUser -UserName $byName -Session $once
        $endpoint.FailNextRequests('UntagMFADevice', 1)
        Enable-OnboardVirtualMfa -UserName $byName -Unattended -IncludeSeed -Session $once |
            Export-OnboardCredential -Path (Join-Path $TestDrive "$byName.csv") -ErrorVariable failed -ErrorAction SilentlyContinue
        $failed | Should -HaveCount 1
        "$failed" | Should -BeLike "*aws iam untag-mfa-device --serial-number arn:aws:iam::$($endpoint.AccountId):mfa/$byName --tag-keys iamonboard:handoff*"
        "$failed" | Should -Not -BeLike '*untag-user*'
    }

    It 'a seed that rode on the user''s mark of a stopped run is replaced by the README''s pipeline run again, and by an enrolment by name' {
        # Ctrl+C while the output carrying the new password and the seed is being taken: the user keeps the stopped run's
        # mark, and the device (enabled) says its seed went with it.
        function Stop-WhileTaking([string] $Name) {
            $null = Stop-WhileOutputTaken -Arguments $env:IAMONBOARD_MODULE, $Name, $script:session -Script {
                param($Module, $Name, $Session, $Taken)
                Import-Module $Module
                New-OnboardUser -UserName $Name -ConsoleAccess -Session $Session | Enable-OnboardVirtualMfa -Unattended -IncludeSeed -Session $Session |
                    ForEach-Object { $null = New-Item -ItemType File -Path $Taken; Start-Sleep -Seconds 60 }
            }
            $serial = (Aws @('iam', 'list-mfa-devices', '--user-name', $Name)).Json.MFADevices.SerialNumber
            $serial | Should -HaveCount 1
            (Aws @('iam', 'list-user-tags', '--user-name', $Name)).Json.Tags.Key | Should -Contain 'iamonboard:handoff'
            ((Aws @('iam', 'list-mfa-device-tags', '--serial-number', $serial)).Json.Tags | Where-Object Key -EQ 'iamonboard:handoff').Value | Should -Match 'mfa-seed-with='
            $serial
        }

        function Assert-SeedWorks([string] $Name, [string] $Serial, [string] $Seed) {
            $now = [DateTimeOffset]::UtcNow
            (Aws @('iam', 'resync-mfa-device', '--user-name', $Name, '--serial-number', $Serial,
                '--authentication-code1', (Get-Code $Seed -1 $now), '--authentication-code2', (Get-Code $Seed 0 $now))).ExitCode | Should -Be 0 -Because 'the seed handed out is the enabled device''s'
            (Aws @('iam', 'list-mfa-devices', '--user-name', $Name)).Json.MFADevices | Should -HaveCount 1
        }

        # The whole pipeline again: the password is replaced, and so is the device, with a warning naming it.
        $name = New-TestName
        $lost = Stop-WhileTaking $name
        $file = Join-Path $TestDrive "$name-again.csv"
        New-OnboardUser -UserName $name -ConsoleAccess | Enable-OnboardVirtualMfa -Unattended -IncludeSeed -SkipIfEnabled -WarningVariable warned -WarningAction SilentlyContinue |
            Export-OnboardCredential -Path $file
        "$warned" | Should -BeLike "*$name*$lost*nobody has the seed*deactivated and deleted*"
        $row = Import-Csv $file
        $row.Password | Should -Not -BeNullOrEmpty
        Assert-SeedWorks $name $row.'MFA device' $row.'MFA seed'
        (Aws @('iam', 'list-user-tags', '--user-name', $name)).Json.Tags.Key | Should -Not -Contain 'iamonboard:handoff'
        $again = New-OnboardUser -UserName $name -ConsoleAccess | Enable-OnboardVirtualMfa -Unattended -IncludeSeed -SkipIfEnabled -WarningAction SilentlyContinue
        $again.Status | Should -Be 'AlreadyEnabled' -Because 'the file has the seed'

        # Enrolled again by name alone: the user still carries the stopped run's mark, so the seed counts as lost.
        $name = New-TestName
        $lost = Stop-WhileTaking $name
        $device = Enable-OnboardVirtualMfa -UserName $name -Unattended -IncludeSeed -SkipIfEnabled -WarningVariable warned -WarningAction SilentlyContinue
        $device.Status | Should -Be 'Enabled'
        "$warned" | Should -BeLike "*$name*$lost*nobody has the seed*"
        Assert-SeedWorks $name $device.SerialNumber (ConvertTo-PlainText $device.Seed)

        # A run that removes the stopped run's mark with nothing new to mark (its password is gone, none is asked for)
        # first moves the seed's pending state onto the device, so the seed does not look taken.
        $name = New-TestName
        $lost = Stop-WhileTaking $name
        (Aws @('iam', 'delete-login-profile', '--user-name', $name)).ExitCode | Should -Be 0
        $user = New-OnboardUser -UserName $name
        (Aws @('iam', 'list-user-tags', '--user-name', $name)).Json.Tags.Key | Should -Not -Contain 'iamonboard:handoff'
        $device = Enable-OnboardVirtualMfa -UserName $name -Unattended -IncludeSeed -SkipIfEnabled -WarningVariable warned -WarningAction SilentlyContinue
        $device.Status | Should -Be 'Enabled'
        "$warned" | Should -BeLike "*$name*$lost*nobody has the seed*"
    }

    It 'Export-OnboardCredential writes the seed of -IncludeSeed next to the password, and that counts as handed out' {
        $name = New-TestName
        $byName = New-TestName
        $null = New-OnboardUser -UserName $byName
        $file = Join-Path $TestDrive "$name-seeds.csv"
        New-OnboardUser -UserName $name -ConsoleAccess | Enable-OnboardVirtualMfa -Unattended -IncludeSeed | Export-OnboardCredential -Path $file -WarningVariable warned
        $warned | Should -BeNullOrEmpty
        $lines = Get-Content $file
        $lines[0] | Should -Be 'User name,Password,Access key ID,Secret access key,Console login link,MFA device,MFA seed'
        $row = Import-Csv $file
        $row.'User name' | Should -Be $name
        $row.Password | Should -Not -BeNullOrEmpty
        $row.'MFA device' | Should -Be "arn:aws:iam::$($endpoint.AccountId):mfa/$name"
        $now = [DateTimeOffset]::UtcNow
        (Aws @('iam', 'resync-mfa-device', '--user-name', $name, '--serial-number', $row.'MFA device',
            '--authentication-code1', (Get-Code $row.'MFA seed' -1 $now), '--authentication-code2', (Get-Code $row.'MFA seed' 0 $now))).ExitCode | Should -Be 0 -Because 'the seed in the file is the enabled device''s'
        if (-not $IsWindows) { (Get-Item $file).UnixFileMode | Should -Be ([System.IO.UnixFileMode]'UserRead, UserWrite') }
        # The seed rode on the user's mark: that mark is gone, and the device's own tag says nothing is pending on it.
        (Aws @('iam', 'list-user-tags', '--user-name', $name)).Json.Tags.Key | Should -Not -Contain 'iamonboard:handoff'
        $deviceTag = (Aws @('iam', 'list-mfa-device-tags', '--serial-number', $row.'MFA device')).Json.Tags | Where-Object Key -EQ 'iamonboard:handoff'
        $deviceTag.Value -split ' ' | Should -Not -Contain 'mfa-seed'
        (Enable-OnboardVirtualMfa -UserName $name -Unattended -IncludeSeed -SkipIfEnabled -WarningAction SilentlyContinue).Status | Should -Be 'AlreadyEnabled' -Because 'the seed was taken'

        # Enrolled by name: the device alone carries the seed.
        Enable-OnboardVirtualMfa -UserName $byName -Unattended -IncludeSeed | Export-OnboardCredential -Path "$file.byname.csv"
        $row = Import-Csv "$file.byname.csv"
        $row.'User name' | Should -Be $byName
        $row.'MFA seed' | Should -Match '^[A-Z2-7]{32,}$'
        $row.'Console login link' | Should -Be $script:session.ConsoleSignInUrl -Because 'the line of a device enrolled by name has the link the user''s own line has'
        $row.'Console login link' | Should -Not -BeNullOrEmpty
        (Aws @('iam', 'list-mfa-device-tags', '--serial-number', $row.'MFA device')).Json.Tags.Key | Should -Not -Contain 'iamonboard:handoff'

        # The AWS CLI's import file has no place for it: an error naming the user, and the mark stays for the re-run.
        $cli = New-TestName
        New-OnboardUser -UserName $cli -ProgrammaticAccess | Enable-OnboardVirtualMfa -Unattended -IncludeSeed |
            Export-OnboardCredential -Path "$file.cli.csv" -Format AwsCliImport -WarningAction SilentlyContinue -ErrorVariable refusals -ErrorAction SilentlyContinue
        $refused = @($refusals)[0]
        $refused.FullyQualifiedErrorId | Should -BeLike 'CredentialNotExportable*'
        $refused.Exception.Message | Should -BeLike "$cli*MFA seed*"
        (Aws @('iam', 'list-mfa-device-tags', '--serial-number', "arn:aws:iam::$($endpoint.AccountId):mfa/$cli")).Json.Tags.Key | Should -Contain 'iamonboard:handoff'
    }

    It 'never deletes the device of another run still enrolling the same user: that run finishes, this one says so' {
        $name = New-TestName
        $null = New-OnboardUser -UserName $name
        # Run A has created its device and its EnableMFADevice is held at the endpoint; run B (a colleague) starts then.
        Suspend-NextRequest 'EnableMFADevice' 3000
        $a = [powershell]::Create()
        $null = $a.AddScript({
            param($Module, $Name, $Session)
            Import-Module $Module
            $device = Enable-OnboardVirtualMfa -UserName $Name -Unattended -IncludeSeed -Session $Session
            "$($device.Status) $($device.SerialNumber) $([bool]$device.Seed)"
        }).AddArgument($env:IAMONBOARD_MODULE).AddArgument($name).AddArgument($script:session)
        $handle = $a.BeginInvoke()
        $deadline = [DateTime]::UtcNow.AddSeconds(60)
        while ($script:endpoint.GetStatistics().InFlight -lt 1 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 20 }
        $script:endpoint.GetStatistics().InFlight | Should -Be 1 -Because 'run A''s EnableMFADevice is held'

        $b = Enable-OnboardVirtualMfa -UserName $name -Unattended -IncludeSeed -ErrorVariable refused -ErrorAction SilentlyContinue
        $fromA = $a.EndInvoke($handle)
        $a.Streams.Error | ForEach-Object { "A: $($_.FullyQualifiedErrorId): $_" } | Should -BeNullOrEmpty
        $a.Dispose()

        $b | Should -BeNullOrEmpty
        $refused | Should -HaveCount 1
        $refused[0].FullyQualifiedErrorId | Should -BeLike 'HandOffInProgress,*'
        $refused[0].Exception.Message | Should -BeLike "*'$name'*another run is enrolling*not deleted*"
        "$fromA" | Should -Be "Enabled arn:aws:iam::$($script:endpoint.AccountId):mfa/$name True"
        (Aws @('iam', 'list-mfa-devices', '--user-name', $name)).Json.MFADevices | Should -HaveCount 1
    }

    It 'a device of an ended run that is enabled just before it is deleted stays, and counts as enabled' {
        $name = New-TestName
        $null = New-OnboardUser -UserName $name
        # A device left by a run that has ended (its tag names a process that does not exist on this host).
        $seedFile = Join-Path $TestDrive "$name.seed"
        $dead = "run=$([Environment]::MachineName.ToLowerInvariant() -replace '[^a-z0-9._-]', '')/999999/1/1 set=2026-01-01T00:00:00Z"
        $made = Aws @('iam', 'create-virtual-mfa-device', '--virtual-mfa-device-name', $name, '--outfile', $seedFile, '--bootstrap-method', 'Base32StringSeed',
            '--tags', "Key=iamonboard:handoff,Value=$dead")
        $made.ExitCode | Should -Be 0
        $serial = $made.Json.VirtualMFADevice.SerialNumber
        # The enrolment finds it unassigned and nobody's; its delete is held while that run's person enables it after all.
        Suspend-NextRequest 'DeleteVirtualMFADevice' 3000
        $b = [powershell]::Create()
        $null = $b.AddScript({
            param($Module, $Name, $Session)
            Import-Module $Module
            Enable-OnboardVirtualMfa -UserName $Name -Unattended -IncludeSeed -SkipIfEnabled -Session $Session -WarningAction SilentlyContinue
        }).AddArgument($env:IAMONBOARD_MODULE).AddArgument($name).AddArgument($script:session)
        $handle = $b.BeginInvoke()
        $deadline = [DateTime]::UtcNow.AddSeconds(60)
        while ($script:endpoint.GetStatistics().InFlight -lt 1 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 20 }
        $seed = (Get-Content $seedFile -Raw).Trim()
        $now = [DateTimeOffset]::UtcNow
        (Aws @('iam', 'enable-mfa-device', '--user-name', $name, '--serial-number', $serial,
            '--authentication-code1', (Get-Code $seed -1 $now), '--authentication-code2', (Get-Code $seed 0 $now))).ExitCode | Should -Be 0
        $out = $b.EndInvoke($handle)
        @($b.Streams.Error | ForEach-Object { "$($_.FullyQualifiedErrorId): $_" }) | Should -BeNullOrEmpty -Because 'the device was enabled meanwhile: in use, not an error'
        $b.Dispose()
        $out.Status | Should -Be 'AlreadyEnabled'
        (Aws @('iam', 'list-mfa-devices', '--user-name', $name)).Json.MFADevices.SerialNumber | Should -Be $serial
    }

    It 'says that -Force, which only lets -QrCodePath replace a file, has no effect without it' {
        # Before: AWS.Tools' habit, -Force to skip questions, was taken without a word and did nothing.
        $name = New-TestName
        $null = New-OnboardUser -UserName $name
        $device = Enable-OnboardVirtualMfa -UserName $name -Unattended -IncludeSeed -Force -WarningVariable warnings -WarningAction SilentlyContinue
        $device.SerialNumber | Should -Match "mfa/$name$"
        @($warnings) | Should -HaveCount 1
        "$($warnings[0])" | Should -BeLike '-Force has no effect without -QrCodePath: it only lets -QrCodePath replace an existing file, and skips no question; leave out -Force.'

        $qrFile = Join-Path $TestDrive "$name.png"
        Set-Content -Path $qrFile -Value 'someone else''s file'
        $second = New-TestName
        $null = New-OnboardUser -UserName $second
        $null = Enable-OnboardVirtualMfa -UserName $second -Unattended -QrCodePath $qrFile -Force -WarningVariable none -WarningAction SilentlyContinue
        $none | Should -BeNullOrEmpty -Because 'with -QrCodePath, -Force replaces the file'
        [IO.File]::ReadAllBytes($qrFile)[1..3] | Should -Be ([byte[]][char[]]'PNG')
    }

    It 'refuses a relative -QrCodePath while the location is Env:, before any device is made, instead of writing the seed into the process''s directory' {
        # PowerShell gives back the Environment provider's own path ("qr/"), which .NET wrote against the process's
        # directory: before, the QR code (the seed) landed in a folder the admin never named.
        $processDirectory = Join-Path $TestDrive 'mfa-process-directory'
        $null = New-Item -ItemType Directory $processDirectory
        $name = New-TestName
        $null = New-OnboardUser -UserName $name
        $savedDirectory = [Environment]::CurrentDirectory
        [Environment]::CurrentDirectory = $processDirectory
        Push-Location Env:
        try {
            $refusal = { Enable-OnboardVirtualMfa -UserName $name -Unattended -QrCodePath 'qr/' -ErrorAction Stop } |
                Should -Throw -ErrorId 'PathNotInFileSystem,IamOnboard.Commands.EnableOnboardVirtualMfaCommand' -PassThru
            $refusal.Exception.Message | Should -BeLike "QrCodePath: 'qr/' is relative to the current location 'Env:?', which is in PowerShell's Environment provider, not a folder of the file system.*"
        }
        finally {
            Pop-Location
            [Environment]::CurrentDirectory = $savedDirectory
        }

        Get-ChildItem -Recurse $processDirectory | Should -BeNullOrEmpty
        (Aws @('iam', 'list-mfa-devices', '--user-name', $name)).Json.MFADevices | Should -BeNullOrEmpty
    }

    It 'refuses a -QrCodePath whose folder cannot be made (a file stands in its way) before any user or device is made' {
        # Before, New-OnboardUser made the user, and each enrolment then failed with "Could not create the folder
        # '...': File exists (errno 17)", naming no parameter: the new passwords reached nobody.
        $aFile = Join-Path $TestDrive 'qr-is-a-file'
        'x' | Set-Content $aFile
        $name = New-TestName
        foreach ($qrPath in "$aFile/codes/", "$aFile/") {
            $refusal = { New-OnboardUser -UserName $name -ConsoleAccess | Enable-OnboardVirtualMfa -Unattended -QrCodePath $qrPath -ErrorAction Stop } |
                Should -Throw -ErrorId 'QrCodeFolderNotCreatable,IamOnboard.Commands.EnableOnboardVirtualMfaCommand' -PassThru
            $refusal.Exception.Message | Should -BeLike "QrCodePath: the folder for '$qrPath' cannot be made: '$aFile' is a file. Give another -QrCodePath; nothing was made."
        }

        (Aws @('iam', 'get-user', '--user-name', $name)).StdErr | Should -Match 'NoSuchEntity'
        Get-Content $aFile | Should -Be 'x'
    }

    It 'changes nothing with -WhatIf' {
        $name = New-TestName
        $null = New-OnboardUser -UserName $name
        Enable-OnboardVirtualMfa -UserName $name -Unattended -IncludeSeed -WhatIf | Should -BeNullOrEmpty
        (Aws @('iam', 'list-mfa-devices', '--user-name', $name)).Json.MFADevices | Should -BeNullOrEmpty
        Get-UnassignedDevices | Where-Object { $_ -like "*/$name" } | Should -BeNullOrEmpty
    }

    It 'says when an unattended enrolment of a user without console access sends the seed nowhere: a warning, then verbose output' {
        # Allowed (an automation identity), but before it said nothing: the device was enabled and its seed dropped for good.
        $first, $second = (New-TestName 'keyonly'), (New-TestName 'keyonly')
        $enrolled = $first, $second | New-OnboardUser -ProgrammaticAccess -ThrottleLimit 1 | Enable-OnboardVirtualMfa -Unattended -ThrottleLimit 1 -WarningVariable warned -WarningAction SilentlyContinue -Verbose 4>&1
        $said = @($enrolled | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like '*its seed went nowhere*' })
        # Whichever user is enabled first gets the warning (two users of a stage may be under way at once), the other verbose output.
        $warning = @($warned | Where-Object { $_.Message -like '*seed went nowhere*' })
        $warning | Should -HaveCount 1
        $toldFirst = $warning[0].Message.Substring(0, $warning[0].Message.IndexOf(':'))
        $toldFirst | Should -BeIn @($first, $second)
        $warning[0].Message | Should -BeLike "$($toldFirst): MFA device arn:aws:iam::*:mfa/$toldFirst is enabled, but its seed went nowhere (no -IncludeSeed, -QrCodePath, -ShowQrCode or -ShowSecret), so no code can ever be made for it*To keep the seed (in a vault), add -IncludeSeed.*"
        $said | Should -HaveCount 1
        $said[0].Message | Should -BeLike "$(@($first, $second) | Where-Object { $_ -ne $toldFirst }): MFA device *is enabled, but its seed went nowhere*"
        @($enrolled | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }).Status | Should -Be @('Enabled', 'Enabled')

        # The plan says it too.
        $planned = New-TestName 'keyonly'
        $null = New-OnboardUser $planned -ProgrammaticAccess -WarningAction SilentlyContinue
        Enable-OnboardVirtualMfa -UserName $planned -Unattended -WhatIf -WarningVariable plannedWarned -WarningAction SilentlyContinue
        "$($plannedWarned | Where-Object { $_.Message -like '*seed would go nowhere*' })" | Should -BeLike "$($planned): its MFA device would be enabled, but its seed would go nowhere (no -IncludeSeed*"
        (Aws @('iam', 'list-mfa-devices', '--user-name', $planned)).Json.MFADevices | Should -BeNullOrEmpty

        # With the seed kept, nothing is said.
        $kept = New-TestName 'keyonly'
        $null = New-OnboardUser $kept -ProgrammaticAccess | Enable-OnboardVirtualMfa -Unattended -IncludeSeed -WarningVariable keptWarned -WarningAction SilentlyContinue
        @($keptWarned | Where-Object { $_.Message -like '*seed went nowhere*' }) | Should -BeNullOrEmpty
    }

    It 'gives under -WhatIf the refusals the run would give, and changes nothing' {
        # A dry run of users by name. Before, the plan said "Create virtual MFA device ... and enable it" for each of
        # them, and only the run refused them.
        $enrolled = New-TestName
        $null = New-OnboardUser -UserName $enrolled | Enable-OnboardVirtualMfa -Unattended
        $person = New-TestName
        $null = New-OnboardUser -UserName $person -ConsoleAccess 3>$null
        $missing = New-TestName 'gone'
        $fresh = New-TestName
        $null = New-OnboardUser -UserName $fresh
        $qrFolder = Join-Path $TestDrive 'whatif-qr'
        $null = New-Item -ItemType Directory -Path $qrFolder
        Set-Content -Path (Join-Path $qrFolder "$fresh.png") -Value 'someone else''s file'

        $enrolled, $person, $missing | Enable-OnboardVirtualMfa -Unattended -WhatIf -ErrorVariable planned -ErrorAction SilentlyContinue
        $planned | Should -HaveCount 3
        ($planned | Where-Object TargetObject -eq $enrolled).FullyQualifiedErrorId | Should -Be 'MfaAlreadyEnabled,IamOnboard.Commands.EnableOnboardVirtualMfaCommand'
        ($planned | Where-Object TargetObject -eq $person).FullyQualifiedErrorId | Should -Be 'MfaSeedWouldBeLost,IamOnboard.Commands.EnableOnboardVirtualMfaCommand'
        ($planned | Where-Object TargetObject -eq $missing).FullyQualifiedErrorId | Should -Be 'NoSuchEntity,IamOnboard.Commands.EnableOnboardVirtualMfaCommand'
        $fresh | Enable-OnboardVirtualMfa -Unattended -QrCodePath "$qrFolder/" -WhatIf -ErrorVariable qrPlanned -ErrorAction SilentlyContinue
        $qrPlanned | Should -HaveCount 1
        $qrPlanned[0].FullyQualifiedErrorId | Should -Be 'QrCodeFileExists,IamOnboard.Commands.EnableOnboardVirtualMfaCommand'

        # What the run passes over is not a refusal in the plan either.
        $enrolled | Enable-OnboardVirtualMfa -Unattended -SkipIfEnabled -WhatIf -ErrorVariable skipped -ErrorAction SilentlyContinue
        $skipped | Should -BeNullOrEmpty
        $fresh | Enable-OnboardVirtualMfa -Unattended -QrCodePath "$qrFolder/" -Force -WhatIf -ErrorVariable forced -ErrorAction SilentlyContinue
        $forced | Should -BeNullOrEmpty
        (Aws @('iam', 'list-mfa-devices', '--user-name', $fresh)).Json.MFADevices | Should -BeNullOrEmpty
        Get-Content (Join-Path $qrFolder "$fresh.png") | Should -Be 'someone else''s file'
        (Aws @('iam', 'list-mfa-devices', '--user-name', $person)).Json.MFADevices | Should -BeNullOrEmpty
    }
}

Describe 'Enable-OnboardVirtualMfa with codes' {
    It 'refuses codes that do not match the seed and deletes the device so the user can retry' {
        $name = New-TestName
        $null = New-OnboardUser -UserName $name
        Enable-OnboardVirtualMfa -UserName $name -Code1 000000 -Code2 000001 -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].FullyQualifiedErrorId | Should -Be 'InvalidMfaCodes,IamOnboard.Commands.EnableOnboardVirtualMfaCommand'
        Get-UnassignedDevices | Where-Object { $_ -like "*/$name" } | Should -BeNullOrEmpty
        (Enable-OnboardVirtualMfa -UserName $name -Unattended -IncludeSeed).Status | Should -Be 'Enabled'
    }

    It 'rejects codes that are not six digits at binding' {
        { Enable-OnboardVirtualMfa -UserName (New-TestName) -Code1 12a456 -Code2 123456 -ErrorAction Stop } | Should -Throw -ErrorId 'ParameterArgumentValidationError,IamOnboard.Commands.EnableOnboardVirtualMfaCommand'
    }

    It 'fails at once in a non-interactive session without codes, creating nothing' {
        $name = New-TestName
        $null = New-OnboardUser -UserName $name
        $process = Start-EnrolmentProcess -UserName $name -NonInteractive
        $process.StandardInput.Close()
        $process.WaitForExit(60000) | Should -BeTrue
        $process.ExitCode | Should -Not -Be 0
        $process.StandardError.ReadToEnd() | Should -Match 'Code1'
        Get-UnassignedDevices | Where-Object { $_ -like "*/$name" } | Should -BeNullOrEmpty
    }

    It 'refuses -ShowSecret and -ShowQrCode where nobody is at a screen and the output goes to a log, before creating anything' {
        # A runbook's job log (pwsh -NonInteractive, output redirected) would keep the seed; before, it was printed there.
        foreach ($shown in '-ShowSecret', '-ShowQrCode') {
            $name = New-TestName
            $null = New-OnboardUser -UserName $name
            $process = Start-EnrolmentProcess -UserName $name -NonInteractive -ExtraSwitches '-Unattended', '-IncludeSeed', $shown
            $process.StandardInput.Close()
            $output = $process.StandardOutput.ReadToEndAsync()
            $process.WaitForExit(60000) | Should -BeTrue
            $errors = $process.StandardError.ReadToEnd()
            $output.Result | Should -Not -Match 'Secret key for|otpauth|RESULT' -Because "$shown must not print the seed to a log"
            $process.ExitCode | Should -Not -Be 0
            $errors | Should -Match "$shown shows the MFA seed on the screen"
            $errors | Should -Match 'Nothing was created'
            Get-UnassignedDevices | Where-Object { $_ -like "*/$name" } | Should -BeNullOrEmpty
            (Aws @('iam', 'list-mfa-devices', '--user-name', $name)).Json.MFADevices | Should -BeNullOrEmpty
        }
    }
}

Describe 'Enable-OnboardVirtualMfa for a person at the keyboard' {
    It 'accepts two consecutive codes after a mistyped first attempt' {
        $name = New-TestName
        $null = New-OnboardUser -UserName $name
        $process = Start-EnrolmentProcess -UserName $name -ExtraSwitches '-ShowSecret', '-ShowQrCode'
        $seed = Read-UntilSecret $process
        $at = [DateTimeOffset]::UtcNow
        $process.StandardInput.WriteLine('123 456')       # a typo: not this device's code
        $process.StandardInput.WriteLine((Get-Code $seed 0 $at))
        $process.StandardInput.WriteLine((Get-Code $seed 1 $at))
        $process.StandardInput.Flush()
        $rest = Read-Rest $process
        $process.WaitForExit(60000) | Should -BeTrue
        $rest | Should -Match 'does not match'
        $rest | Should -Match "RESULT Enabled arn:aws:iam::$($endpoint.AccountId):mfa/$name"
        (Aws @('iam', 'list-mfa-devices', '--user-name', $name)).Json.MFADevices | Should -HaveCount 1
    }

    It 'explains codes that are not consecutive and asks again' {
        $name = New-TestName
        $null = New-OnboardUser -UserName $name
        $process = Start-EnrolmentProcess -UserName $name -ExtraSwitches '-ShowSecret'
        $seed = Read-UntilSecret $process
        $at = [DateTimeOffset]::UtcNow
        $process.StandardInput.WriteLine((Get-Code $seed 0 $at))
        $process.StandardInput.WriteLine((Get-Code $seed -2 $at))
        $process.StandardInput.WriteLine((Get-Code $seed 0 $at))
        $process.StandardInput.WriteLine((Get-Code $seed 1 $at))
        $process.StandardInput.Flush()
        $rest = Read-Rest $process
        $process.WaitForExit(60000) | Should -BeTrue
        $rest | Should -Match 'not consecutive'
        $rest | Should -Match 'RESULT Enabled'
    }

    It 'gives up cleanly when the input ends, deleting the device' {
        $name = New-TestName
        $null = New-OnboardUser -UserName $name
        $process = Start-EnrolmentProcess -UserName $name -ExtraSwitches '-ShowSecret'
        $null = Read-UntilSecret $process
        $process.StandardInput.Close()
        $process.WaitForExit(60000) | Should -BeTrue
        $process.ExitCode | Should -Not -Be 0
        Get-UnassignedDevices | Where-Object { $_ -like "*/$name" } | Should -BeNullOrEmpty
    }

    It 'stops at Ctrl+C during the create, before the secret is shown, and removes the device it created' {
        $name = New-TestName
        $null = New-OnboardUser -UserName $name
        $go = Join-Path $TestDrive "$name.stop"
        # Ctrl+C as the console gives it: the enrolment runs in a pipeline on the child's own host (so it may prompt),
        # and Stop() is called on it while the endpoint holds its CreateVirtualMFADevice.
        $script = @"
Import-Module '$($env:IAMONBOARD_MODULE)'
`$inner = [powershell]::Create()
`$inner.Runspace = [runspacefactory]::CreateRunspace(`$Host)
`$inner.Runspace.Open()
`$null = `$inner.AddScript('Import-Module ''$($env:IAMONBOARD_MODULE)''; `$null = Connect-Onboard -EndpointUrl ''$($endpoint.Url)'' -AccessKey ''$($endpoint.AccessKeyId)'' -SecretKey (ConvertTo-SecureString `$env:TEST_IAM_SECRET -AsPlainText -Force); Enable-OnboardVirtualMfa -UserName ''$name'' -ShowSecret')
`$handle = `$inner.BeginInvoke()
while (-not (Test-Path '$go')) { Start-Sleep -Milliseconds 20 }
`$inner.Stop()
'STOPPED ' + `$inner.InvocationStateInfo.State + ' outputs=' + `$inner.Streams.Error.Count
"@
        $start = New-ChildPwshStartInfo -Arguments @('-NoProfile', '-NoLogo', '-Command', $script)
        $start.RedirectStandardInput = $true
        $start.RedirectStandardOutput = $true
        $start.RedirectStandardError = $true
        $start.Environment['TEST_IAM_SECRET'] = ConvertTo-PlainText $endpoint.SecretAccessKey
        if (-not ('IamOnboardTests.MfaHold' -as [type])) {
            Add-Type -TypeDefinition 'namespace IamOnboardTests { public static class MfaHold { public static System.Action For(int milliseconds) { return () => System.Threading.Thread.Sleep(milliseconds); } } }'
        }
        $server = $endpoint.GetType().GetProperty('Server', [System.Reflection.BindingFlags]'NonPublic, Instance').GetValue($endpoint)
        $created = 0
        $null = $endpoint.GetStatistics().RequestsByAction.TryGetValue('CreateVirtualMFADevice', [ref] $created)
        $server.InterruptNext('CreateVirtualMFADevice', [IamOnboardTests.MfaHold]::For(2000))
        $process = [System.Diagnostics.Process]::Start($start)
        $deadline = [DateTime]::UtcNow.AddSeconds(60)
        while ($endpoint.GetStatistics().InFlight -lt 1 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 20 }
        $endpoint.GetStatistics().InFlight | Should -Be 1 -Because 'the child''s CreateVirtualMFADevice is held at the endpoint'
        $null = New-Item -ItemType File -Path $go
        # Before: the stopped command went on to show the secret and ask for codes; codes typed then enabled the device
        # with nothing written. A person typing codes is played here, so that case ends and shows.
        $shown = $null
        $lines = [System.Collections.Generic.List[string]]::new()
        while ([DateTime]::UtcNow -lt $deadline) {
            $read = $process.StandardOutput.ReadLineAsync()
            if (-not $read.Wait(30000) -or $null -eq $read.Result) { break }
            $lines.Add($read.Result)
            if ($read.Result -match 'Secret key for .+: ([A-Z2-7]+)') {
                $shown = $Matches[1]
                $at = [DateTimeOffset]::UtcNow
                $process.StandardInput.WriteLine((Get-Code $shown 0 $at))
                $process.StandardInput.WriteLine((Get-Code $shown 1 $at))
                $process.StandardInput.Flush()
            }
            if ($read.Result -like 'STOPPED*') { break }
        }
        $process.StandardInput.Close()
        if (-not $process.WaitForExit(60000)) { $process.Kill($true) }
        [bool]$shown | Should -BeFalse -Because 'a stopped enrolment must not show the secret or ask for codes (the seed is not repeated here)'
        ($lines -like 'STOPPED*') | Should -Be 'STOPPED Stopped outputs=0'
        (Aws @('iam', 'list-mfa-devices', '--user-name', $name)).Json.MFADevices | Should -BeNullOrEmpty
        Get-UnassignedDevices | Where-Object { $_ -like "*/$name" } | Should -BeNullOrEmpty -Because 'the device created for the stopped enrolment is removed'
    }

    It 'removes the QR code file of the device it deleted when no codes come, or wrong ones' {
        $name = New-TestName
        $null = New-OnboardUser -UserName $name
        $folder = Join-Path $TestDrive 'gave-up-qr/'
        $process = Start-EnrolmentProcess -UserName $name -ExtraSwitches '-ShowSecret', '-QrCodePath', "'$folder'"
        $null = Read-UntilSecret $process
        Join-Path $folder "$name.png" | Should -Exist -Because 'the QR code is written before the codes are asked for'
        $process.StandardInput.Close()
        $process.WaitForExit(60000) | Should -BeTrue
        Get-UnassignedDevices | Where-Object { $_ -like "*/$name" } | Should -BeNullOrEmpty
        # The file is what the admin hands out: one left for a deleted device sets a person up with a code that signs nothing in.
        Join-Path $folder "$name.png" | Should -Not -Exist

        # Three wrong first codes: the same.
        $process = Start-EnrolmentProcess -UserName $name -ExtraSwitches '-ShowSecret', '-QrCodePath', "'$folder'"
        $null = Read-UntilSecret $process
        1..3 | ForEach-Object { $process.StandardInput.WriteLine('000000') }
        $process.StandardInput.Flush()
        $rest = Read-Rest $process
        $process.WaitForExit(60000) | Should -BeTrue
        $rest | Should -Not -Match 'RESULT'
        Get-UnassignedDevices | Where-Object { $_ -like "*/$name" } | Should -BeNullOrEmpty
        Join-Path $folder "$name.png" | Should -Not -Exist
    }
}
