# The local endpoint with -StatePath keeps every change it acknowledged, even when its process is killed (SIGKILL)
# rather than stopped: the endpoint runs in a child pwsh, is killed, and a new endpoint on the same file is read back
# through the AWS CLI v2.
BeforeAll {
    Import-Module $env:IAMONBOARD_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force

    # Creates the account in this process first (so the test knows its administrator key, which the state file keeps),
    # then serves the same file from a child pwsh. Returns the child and an endpoint for Invoke-AwsCli and Connect-Onboard.
    function script:Start-ChildEndpoint([string] $StatePath) {
        $seed = Start-OnboardLocalIam -StatePath $StatePath
        $seed | Stop-OnboardLocalIam -Confirm:$false
        $script = 'Import-Module $env:IAMONBOARD_MODULE; $e = Start-OnboardLocalIam -StatePath $env:T_STATE; ' +
            '[Console]::Out.WriteLine($e.Url); [Console]::Out.Flush(); while ($true) { Start-Sleep -Seconds 1 }'
        $start = New-ChildPwshStartInfo -Arguments @('-NoProfile', '-NonInteractive', '-Command', $script)
        $start.Environment['T_STATE'] = $StatePath
        $start.RedirectStandardOutput = $true
        $child = [Diagnostics.Process]::Start($start)
        $line = $child.StandardOutput.ReadLineAsync()
        if (-not $line.Wait(120000)) { $child.Kill($true); throw 'The child endpoint did not start within 120 s.' }
        $url = $line.Result
        if ($url -notlike 'http://127.0.0.1:*') { $child.Kill($true); throw "The child endpoint did not start: '$url'." }
        [pscustomobject]@{
            Process  = $child
            Endpoint = [pscustomobject]@{ Url = $url; AccountId = $seed.AccountId; AccessKeyId = $seed.AccessKeyId; SecretAccessKey = $seed.SecretAccessKey }
        }
    }

    # SIGKILL: no shutdown code runs in the child.
    function script:Stop-ChildHard($Child) {
        $Child.Process.Kill($true)
        $Child.Process.WaitForExit()
        $Child.Process.Dispose()
    }

    function script:Invoke-Cli($Endpoint, [string[]] $Arguments) {
        $result = Invoke-AwsCli -Endpoint $Endpoint -Arguments $Arguments
        $result.ExitCode | Should -Be 0 -Because "aws $($Arguments -join ' ') must succeed: $($result.StdErr)"
        $result.Json
    }

    # Runs the named AWS CLI commands in one CLI process; every one must succeed. Returns each one's JSON by name.
    function script:Invoke-CliBatch($Endpoint, [System.Collections.Specialized.OrderedDictionary] $Commands) {
        $results = @(Invoke-AwsCliBatch -Endpoint $Endpoint -Commands @($Commands.Values | ForEach-Object { , $_ }))
        $byName = [ordered]@{}
        $i = 0
        foreach ($name in $Commands.Keys) {
            $result = $results[$i++]
            $result.ExitCode | Should -Be 0 -Because "aws $($Commands[$name] -join ' ') must succeed: $($result.StdErr)"
            $byName[$name] = $result.Json
        }
        $byName
    }

    # Temporary files the atomic save may leave behind when killed between writing and renaming (mkstemp's '.<name>.XXXXXX').
    function script:Get-LeftoverTemp([string] $StatePath) {
        $pattern = '^\.' + [regex]::Escape((Split-Path -Leaf $StatePath)) + '\.[A-Za-z0-9]{6}$'
        @(Get-ChildItem -Force -Path (Split-Path $StatePath) | Where-Object Name -Match $pattern)
    }
}

Describe 'A local endpoint killed after acknowledged changes' {
    It 'has every change it acknowledged when restarted on the same state file' {
        $statePath = Join-Path $TestDrive 'killed-state.json'
        $child = Start-ChildEndpoint -StatePath $statePath
        try {
            $endpoint = $child.Endpoint
            $session = Connect-TestEndpoint -Endpoint $endpoint
            # Through the module: a group with a policy, a complete user, an inline policy, virtual MFA, a user removed.
            $null = New-OnboardGroup -GroupName durable-group -Policy ReadOnlyAccess -Session $session
            $user = New-OnboardUser -UserName durable-1 -Tag @{ team = 'blue'; site = 'lisbon' } -ConsoleAccess -PasswordResetRequired -ProgrammaticAccess `
                -Policy 'job-function/ViewOnlyAccess' -Group durable-group -Session $session
            $null = Add-OnboardInlinePolicy -UserName durable-1 -PolicyName Audit -Session $session `
                -PolicyDocument '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}]}'
            $mfa = Enable-OnboardVirtualMfa -UserName durable-1 -Unattended -IncludeSeed -Session $session
            $null = New-OnboardUser -UserName durable-gone -ProgrammaticAccess -Session $session
            Remove-OnboardUser -UserName durable-gone -Session $session -Confirm:$false
            # Through the AWS CLI: a user with tags, two keys (one made inactive), a membership, an inline policy.
            $null = Invoke-Cli $endpoint @('iam', 'create-user', '--user-name', 'durable-2', '--path', '/cli/')
            $null = Invoke-Cli $endpoint @('iam', 'tag-user', '--user-name', 'durable-2', '--tags', 'Key=cost,Value=42')
            $key1 = (Invoke-Cli $endpoint @('iam', 'create-access-key', '--user-name', 'durable-2')).AccessKey
            $key2 = (Invoke-Cli $endpoint @('iam', 'create-access-key', '--user-name', 'durable-2')).AccessKey
            $null = Invoke-Cli $endpoint @('iam', 'update-access-key', '--user-name', 'durable-2', '--access-key-id', $key1.AccessKeyId, '--status', 'Inactive')
            $null = Invoke-Cli $endpoint @('iam', 'add-user-to-group', '--user-name', 'durable-2', '--group-name', 'durable-group')
            # While the child serves the file, no second endpoint may (it would overwrite the child's changes).
            { Start-OnboardLocalIam -StatePath $statePath -ErrorAction Stop } | Should -Throw -ErrorId 'LocalIamStartFailed,IamOnboard.Commands.StartOnboardLocalIamCommand'
            $null = Invoke-Cli $endpoint @('iam', 'put-user-policy', '--user-name', 'durable-2', '--policy-name', 'Last',
                '--policy-document', '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:*","Resource":"*"}]}')
        }
        finally {
            # Right after the last acknowledged change.
            Stop-ChildHard $child
        }

        $restarted = Start-OnboardLocalIam -StatePath $statePath
        try {
            $restarted.AccountId | Should -Be $child.Endpoint.AccountId
            $restarted.AccessKeyId | Should -Be $child.Endpoint.AccessKeyId

            # Every read in one AWS CLI process (each process start costs seconds on a busy machine).
            $read = Invoke-CliBatch $restarted ([ordered]@{
                    Group          = @('iam', 'get-group', '--group-name', 'durable-group')
                    GroupPolicies  = @('iam', 'list-attached-group-policies', '--group-name', 'durable-group')
                    Tags1          = @('iam', 'list-user-tags', '--user-name', 'durable-1')
                    Profile1       = @('iam', 'get-login-profile', '--user-name', 'durable-1')
                    Keys1          = @('iam', 'list-access-keys', '--user-name', 'durable-1')
                    Attached1      = @('iam', 'list-attached-user-policies', '--user-name', 'durable-1')
                    Inline1        = @('iam', 'list-user-policies', '--user-name', 'durable-1')
                    Mfa1           = @('iam', 'list-mfa-devices', '--user-name', 'durable-1')
                    User2          = @('iam', 'get-user', '--user-name', 'durable-2')
                    Tags2          = @('iam', 'list-user-tags', '--user-name', 'durable-2')
                    Keys2          = @('iam', 'list-access-keys', '--user-name', 'durable-2')
                    Inline2        = @('iam', 'get-user-policy', '--user-name', 'durable-2', '--policy-name', 'Last')
                })
            @($read.Group.Users.UserName | Sort-Object) | Should -Be @('durable-1', 'durable-2')
            $read.GroupPolicies.AttachedPolicies.PolicyName | Should -Be 'ReadOnlyAccess'

            $tags = $read.Tags1.Tags
            ($tags | Where-Object Key -EQ 'team').Value | Should -Be 'blue'
            ($tags | Where-Object Key -EQ 'site').Value | Should -Be 'lisbon'
            $read.Profile1.LoginProfile.PasswordResetRequired | Should -BeTrue
            $read.Keys1.AccessKeyMetadata.AccessKeyId | Should -Be $user.AccessKeyId
            # IAMUserChangePassword comes with the password that must be reset at first sign-in.
            @($read.Attached1.AttachedPolicies.PolicyName | Sort-Object) | Should -Be @('IAMUserChangePassword', 'ViewOnlyAccess')
            $read.Inline1.PolicyNames | Should -Be 'Audit'
            $read.Mfa1.MFADevices.SerialNumber | Should -Be $mfa.SerialNumber
            # The key's secret survived too: the user's own key still signs.
            $caller = Invoke-AwsCli -Endpoint $restarted -Arguments @('sts', 'get-caller-identity') -AccessKeyId $user.AccessKeyId -SecretAccessKey (ConvertTo-PlainText $user.SecretAccessKey)
            $caller.ExitCode | Should -Be 0 -Because $caller.StdErr
            $caller.Json.Arn | Should -BeLike '*:user/durable-1'

            $gone = Invoke-AwsCli -Endpoint $restarted -Arguments @('iam', 'get-user', '--user-name', 'durable-gone')
            $gone.StdErr | Should -BeLike '*NoSuchEntity*'

            $read.User2.User.Path | Should -Be '/cli/'
            $read.Tags2.Tags | Where-Object Key -EQ 'cost' | ForEach-Object Value | Should -Be '42'
            $keys = $read.Keys2.AccessKeyMetadata
            ($keys | Where-Object AccessKeyId -EQ $key1.AccessKeyId).Status | Should -Be 'Inactive'
            ($keys | Where-Object AccessKeyId -EQ $key2.AccessKeyId).Status | Should -Be 'Active'
            $read.Inline2.PolicyName | Should -Be 'Last'
        }
        finally {
            $restarted | Stop-OnboardLocalIam -Confirm:$false
        }
    }

    It 'loads and has every change whose response arrived when killed during a stream of writes' {
        $statePath = Join-Path $TestDrive 'stream-state.json'
        $rows = 60
        $file = Join-Path $TestDrive 'stream.csv'
        @('User name,Tag,ConsoleAccess,PasswordResetRequired,ProgrammaticAccess') +
            (1..$rows | ForEach-Object { "stream-$_,n=$_,yes,yes,yes" }) | Set-Content -Path $file -Encoding utf8NoBOM
        $child = Start-ChildEndpoint -StatePath $statePath

        # The batch runs in a runspace of its own (8 rows at once), so this thread can kill the endpoint under it.
        $batch = [powershell]::Create()
        $null = $batch.AddScript({
                param($Module, $Url, $Key, $Secret, $File)
                Import-Module $Module
                $s = Connect-Onboard -EndpointUrl $Url -AccessKey $Key -SecretKey $Secret -MaxAttempts 1
                Import-OnboardCsv $File | New-OnboardUser -Session $s -ThrottleLimit 8 -ErrorAction SilentlyContinue
            }).AddParameters(@{ Module = $env:IAMONBOARD_MODULE; Url = $child.Endpoint.Url; Key = $child.Endpoint.AccessKeyId; Secret = $child.Endpoint.SecretAccessKey; File = $file })
        $output = [System.Management.Automation.PSDataCollection[psobject]]::new()
        $handle = $batch.BeginInvoke([System.Management.Automation.PSDataCollection[psobject]]::new(), $output)
        try {
            $deadline = [DateTime]::UtcNow.AddSeconds(180)
            while ($output.Count -lt 8 -and -not $handle.IsCompleted -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 20 }
        }
        finally {
            Stop-ChildHard $child
        }
        # Every user handed back had all of its responses before the kill: nothing answers after it.
        $batch.Stop()
        $batch.Dispose()
        $arrived = @($output | Where-Object { $_.Status -eq 'Created' })
        Write-Host ("stream: {0} of {1} users answered before the kill; leftover temporary files: {2}" -f $arrived.Count, $rows, (Get-LeftoverTemp $statePath).Count)
        $arrived.Count | Should -BeGreaterOrEqual 8
        $arrived.Count | Should -BeLessThan $rows -Because 'the endpoint must be killed while the batch is still writing'

        $restarted = Start-OnboardLocalIam -StatePath $statePath
        try {
            Get-LeftoverTemp $statePath | Should -BeNullOrEmpty -Because 'a restarted endpoint deletes what a killed save left'
            # One read of the login profile and tags, for the last user handed back; all reads in one CLI process.
            $last = $arrived[-1].UserName
            $reads = [ordered]@{
                Users   = @('iam', 'list-users')
                Profile = @('iam', 'get-login-profile', '--user-name', $last)
                Tags    = @('iam', 'list-user-tags', '--user-name', $last)
            }
            foreach ($user in $arrived) { $reads["Keys:$($user.UserName)"] = @('iam', 'list-access-keys', '--user-name', $user.UserName) }
            $read = Invoke-CliBatch $restarted $reads
            $names = @($read.Users.Users.UserName)
            foreach ($user in $arrived) {
                $names | Should -Contain $user.UserName
                $read["Keys:$($user.UserName)"].AccessKeyMetadata.AccessKeyId | Should -Contain $user.AccessKeyId
            }
            $read.Profile.LoginProfile.UserName | Should -Be $last
            $read.Tags.Tags.Key | Should -Contain 'n'
        }
        finally {
            $restarted | Stop-OnboardLocalIam -Confirm:$false
        }
    }
}
