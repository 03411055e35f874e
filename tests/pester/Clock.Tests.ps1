# A machine whose clock is off, played by the local endpoint's ShiftClock: its clock set apart from this machine's. Each
# test has an endpoint of its own, since the AWS SDK keeps what it learned of an endpoint's clock for the process.
BeforeAll {
    Import-Module $env:IAMONBOARD_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
}

Describe 'A machine whose clock is off' {
    BeforeEach {
        $script:endpoint = Start-OnboardLocalIam
    }

    AfterEach {
        $script:endpoint | Stop-OnboardLocalIam -Confirm:$false
    }

    It 'connects and creates a user with the clock 20 minutes <Direction>, through the AWS SDK''s clock correction' -ForEach @(
        @{ Direction = 'behind'; Minutes = 20 }
        @{ Direction = 'ahead'; Minutes = -20 }
    ) {
        $endpoint.ShiftClock([TimeSpan]::FromMinutes($Minutes))
        $session = Connect-TestEndpoint -Endpoint $endpoint
        $name = New-TestName 'clock'
        $user = New-OnboardUser -UserName $name -Session $session -ErrorAction Stop
        $user.UserName | Should -Be $name
        # Read back by the AWS CLI, a process of its own, with the clocks together again.
        $endpoint.ShiftClock([TimeSpan]::Zero)
        (Invoke-AwsCli -Endpoint $endpoint -Arguments @('iam', 'get-user', '--user-name', $name)).Json.User.UserName | Should -Be $name
    }

    It 'enrols MFA unattended with the clock 3 minutes <Direction>: the codes follow IAM''s time, and a verbose line says how far off the clock is' -ForEach @(
        @{ Direction = 'behind'; Minutes = 3; Word = 'behind' }
        @{ Direction = 'ahead'; Minutes = -3; Word = 'ahead of' }
    ) {
        $endpoint.ShiftClock([TimeSpan]::FromMinutes($Minutes))
        $session = Connect-TestEndpoint -Endpoint $endpoint
        $name = New-TestName 'clockmfa'
        $null = New-OnboardUser -UserName $name -Session $session
        $everything = Enable-OnboardVirtualMfa -UserName $name -Unattended -Session $session -Verbose -ErrorAction Stop 4>&1
        $device = $everything | Where-Object { $_ -is [IamOnboard.Commands.OnboardMfaDevice] }
        $device.Status | Should -Be 'Enabled'
        $verbose = @($everything | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
        @($verbose | Where-Object { $_ -match "^This machine's clock is (2 min 5[89] s|3 min|3 min [12] s) $Word IAM's .* the MFA codes for '$name' are computed for IAM's time\.$" }).Count | Should -Be 1
    }
}
