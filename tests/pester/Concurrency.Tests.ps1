#Requires -Modules Pester
# -ThrottleLimit is one budget of IAM requests in flight for the whole pipeline, counted by the endpoint itself.

BeforeAll {
    Import-Module $env:IAMONBOARD_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
}

Describe 'One request budget for the whole pipeline' {
    BeforeAll {
        # Latency makes requests overlap, so stages competing for the budget really do meet at the endpoint.
        $endpoint = Start-OnboardLocalIam -Latency ([timespan]::FromMilliseconds(60))
        $session = Connect-TestEndpoint -Endpoint $endpoint
        $null = New-OnboardGroup -GroupName budget-team -Session $session
    }

    AfterAll {
        $endpoint | Stop-OnboardLocalIam -Confirm:$false
    }

    It 'a four-stage pipeline never has more requests in flight than -ThrottleLimit, named on one stage only' {
        $prefix = New-TestName 'budget'
        $rows = 1..12 | ForEach-Object { [pscustomobject]@{ UserName = "$prefix-$_"; ConsoleAccess = 'yes'; ProgrammaticAccess = 'yes' } }
        $endpoint.ResetPeakInFlight()
        $file = Join-Path $TestDrive 'budget.csv'
        $rows | New-OnboardUser -Session $session -ThrottleLimit 3 |
            Add-OnboardGroupMember -GroupName budget-team -Session $session |
            Enable-OnboardVirtualMfa -Unattended -IncludeSeed -Session $session |
            Export-OnboardCredential -Path $file
        (Import-Csv $file) | Should -HaveCount 12
        $peak = $endpoint.GetStatistics().PeakInFlight
        $peak | Should -BeLessOrEqual 3
        # Twelve users at once in four stages want far more than three requests: the budget was used, and held.
        $peak | Should -BeGreaterOrEqual 2
    }

    It 'without -ThrottleLimit, the session''s budget from Connect-Onboard -ThrottleLimit holds' {
        $limited = Connect-Onboard -EndpointUrl $endpoint.Url -AccessKey $endpoint.AccessKeyId -SecretKey $endpoint.SecretAccessKey -ThrottleLimit 2
        $prefix = New-TestName 'sessionbudget'
        $endpoint.ResetPeakInFlight()
        $null = 1..10 | ForEach-Object { "$prefix-$_" } | New-OnboardUser -ProgrammaticAccess -Session $limited |
            Add-OnboardGroupMember -GroupName budget-team -Session $limited
        $endpoint.GetStatistics().PeakInFlight | Should -BeLessOrEqual 2
    }
}
