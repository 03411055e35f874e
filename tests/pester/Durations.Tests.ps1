# Duration parameters (Start-OnboardLocalIam -Latency) bind from durations as PowerShell users write them.
BeforeAll {
    Import-Module $env:IAMONBOARD_MODULE -Force
    $script:duration = [IamOnboard.Commands.Transformations.DurationTransformationAttribute]::new()
    function script:ConvertTo-Duration($Value) { $script:duration.Transform($ExecutionContext, $Value) }
}

Describe 'A duration parameter' {
    It 'reads <Text> as <Expected> ms' -ForEach @(
        @{ Text = '25ms'; Expected = 25 }
        @{ Text = '2s'; Expected = 2000 }
        @{ Text = '1.5s'; Expected = 1500 }
        @{ Text = '500us'; Expected = 0.5 }
        @{ Text = '100'; Expected = 100 }
        @{ Text = ' 1m '; Expected = 60000 }
        @{ Text = '00:00:00.050'; Expected = 50 }
        @{ Text = '0'; Expected = 0 }
    ) {
        (ConvertTo-Duration $Text).TotalMilliseconds | Should -Be $Expected
    }

    It 'reads a bare number as milliseconds, not ticks, and keeps a TimeSpan' {
        (ConvertTo-Duration 100).TotalMilliseconds | Should -Be 100
        (ConvertTo-Duration ([timespan]::FromSeconds(3))).TotalSeconds | Should -Be 3
    }

    It 'refuses <Text> naming the value' -ForEach @(
        @{ Text = 'soon' }
        @{ Text = '5 parsecs' }
        @{ Text = '-5ms' }
    ) {
        { ConvertTo-Duration $Text } | Should -Throw -ExpectedMessage "*'$Text'*"
    }

    It 'reads the literals PowerShell makes of unquoted 2s and 2us (Int16 and UInt16) as seconds and microseconds' {
        (ConvertTo-Duration ([int16]2)).TotalSeconds | Should -Be 2
        (ConvertTo-Duration ([uint16]2)).Ticks | Should -Be 20
        # What the parser hands a command for the unquoted words.
        function Get-Argument { param($Value) $Value }
        (ConvertTo-Duration (Get-Argument 2s)).TotalSeconds | Should -Be 2
        (ConvertTo-Duration (Get-Argument 25ms)).TotalMilliseconds | Should -Be 25
    }

    It 'binds Start-OnboardLocalIam -Latency 25ms and -Latency 2s, as people write them, and refuses -Latency soon' {
        foreach ($endpoint in (Start-OnboardLocalIam -Latency 25ms), (Start-OnboardLocalIam -Latency 2s)) {
            try { $endpoint.Url | Should -Match '^http://127\.0\.0\.1:' }
            finally { $endpoint | Stop-OnboardLocalIam -Confirm:$false }
        }
        { Start-OnboardLocalIam -Latency soon -ErrorAction Stop } |
            Should -Throw -ErrorId 'ParameterArgumentTransformationError,IamOnboard.Commands.StartOnboardLocalIamCommand' -ExpectedMessage "*'soon' is not a duration*"
    }
}
