# Formatting: a default view for every public output type, and no view - default table or Format-List * - ever shows
# a secret value.
BeforeAll {
    Import-Module $env:IAMONBOARD_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:session = Connect-Onboard -Local
    $script:endpoint = Get-OnboardLocalIam | Select-Object -First 1

    function script:Assert-NoSecretShown($InputObject, [string[]] $Secrets) {
        $Secrets | Should -Not -BeNullOrEmpty -Because 'a test of hidden secrets needs secrets to look for'
        foreach ($text in @(($InputObject | Out-String -Width 400), ($InputObject | Format-List * | Out-String -Width 400), ($InputObject | Format-Table * | Out-String -Width 400))) {
            # A plain substring test: a generated password may hold wildcard characters such as [ or *.
            foreach ($secret in $Secrets) { $text.Contains($secret) | Should -BeFalse -Because 'no view may show a secret' }
        }
    }
}

AfterAll {
    Disconnect-Onboard
    Stop-OnboardLocalIam -All -Confirm:$false
}

Describe 'Format views' {
    It 'exist for every output type of every cmdlet and for the batch summary' {
        $types = @(Get-Command -Module IamOnboard -CommandType Cmdlet | ForEach-Object OutputType | ForEach-Object Name |
            Where-Object { $_ -notlike 'System.*' } | Select-Object -Unique) + 'IamOnboard.Commands.OnboardBatchSummary'
        $types | Should -Contain 'IamOnboard.Commands.OnboardUser'
        $missing = $types | Where-Object { -not (Get-FormatData -TypeName $_) }
        $missing | Should -BeNullOrEmpty
    }
}

Describe 'Format views fit' {
    It 'the batch summary shows Plan and every outcome, so its counts add up to Total' {
        $file = Join-Path $TestDrive 'summary.csv'
        @('User name,Console access', "$(New-TestName 'sum'),no", "$(New-TestName 'sum'),maybe") | Set-Content $file
        $null = Import-OnboardCsv $file -ErrorAction SilentlyContinue | New-OnboardUser -InformationVariable information
        $summary = ($information | Where-Object { $_.Tags -contains 'IamOnboard.Summary' }).MessageData
        $lines = @(($summary | Out-String -Width 120) -split '\r?\n' | Where-Object { $_.Trim() })
        $lines[0] | Should -Match '^Plan\s+Total\s+Created\s+Completed\s+Unchanged\s+Failed\s+Rejected\s+Declined\s+Elapsed\s*$'
        $lines[2] | Should -Match '^False\s+2\s+1\s+0\s+0\s+0\s+1\s+0\s+\d+\.\d s\s*$'
    }

    It 'the <Name> table keeps each header on one line at <Width> columns' -TestCases @(
        foreach ($width in 60, 80, 120) {
            @{ Name = 'session'; Width = $width; Headers = 'AccountId', 'CallerArn', 'CredentialSource' }
            @{ Name = 'endpoint'; Width = $width; Headers = 'Url', 'AccountId', 'AccessKeyId' }
        }
    ) {
        $item = if ($Name -eq 'session') { $session } else { $endpoint }
        $lines = @(($item | Out-String -Width $Width) -split '\r?\n' | Where-Object { $_.Trim() })
        $lines | Should -HaveCount 3 -Because "a header that does not fit is wrapped onto lines of its own:`n$($lines -join "`n")"
        -split $lines[0] | Should -Be $Headers
        ($lines | Measure-Object Length -Maximum).Maximum | Should -BeLessOrEqual $Width
    }
}

Describe 'Format views hide secrets' {
    It 'a user shows neither the password nor the secret access key' {
        $user = New-OnboardUser -UserName (New-TestName) -ConsoleAccess -ProgrammaticAccess
        $secrets = @((ConvertTo-PlainText $user.Password), (ConvertTo-PlainText $user.SecretAccessKey))
        Assert-NoSecretShown $user $secrets
        ($user | Out-String) | Should -Match ([regex]::Escape($user.AccessKeyId))
    }

    It 'an MFA device shows no seed' {
        $device = New-OnboardUser -UserName (New-TestName) -ConsoleAccess | Enable-OnboardVirtualMfa -Unattended -IncludeSeed
        Assert-NoSecretShown $device @(ConvertTo-PlainText $device.Seed)
        ($device | Out-String) | Should -Match ([regex]::Escape($device.SerialNumber))
    }

    It 'a local endpoint shows neither secret access key' {
        Assert-NoSecretShown $endpoint @((ConvertTo-PlainText $endpoint.SecretAccessKey), (ConvertTo-PlainText $endpoint.RootSecretAccessKey))
    }

    It 'a session shows no secret of the credentials it was made with' {
        Assert-NoSecretShown $session @(ConvertTo-PlainText $endpoint.SecretAccessKey)
        ($session | Out-String) | Should -Match $session.AccountId
    }

    It 'groups, memberships and inline policies show their useful columns' {
        $groupName = New-TestName -Prefix 'fmt'
        $group = New-OnboardGroup -GroupName $groupName -Policy ReadOnlyAccess
        ($group | Out-String) | Should -Match "$groupName\s+Created\s+/\s+ReadOnlyAccess"
        $userName = New-TestName
        $null = New-OnboardUser -UserName $userName
        $membership = Add-OnboardGroupMember -GroupName $groupName -UserName $userName
        ($membership | Out-String) | Should -Match "$userName\s+$groupName\s+Added"
        $policy = Add-OnboardInlinePolicy -UserName $userName -PolicyName Fmt -PolicyDocument '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}]}'
        ($policy | Out-String) | Should -Match "User\s+$userName\s+Fmt\s+Created\s+\d+/\d+"
    }
}
