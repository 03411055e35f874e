# Bulk onboarding from a starters CSV: whole-file checks, the -WhatIf plan, the run, re-runs and an interrupted run,
# each verified by reading state back through the AWS CLI v2.
BeforeAll {
    Import-Module $env:IAMONBOARD_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:endpoint = Start-OnboardLocalIam
    $script:session = Connect-TestEndpoint -Endpoint $endpoint
    function script:Aws([string[]] $Arguments) { Invoke-AwsCli -Endpoint $script:endpoint -Arguments $Arguments }
    function script:Get-UserNames { @((Aws @('iam', 'list-users')).Json.Users.UserName) }

    $script:group = New-TestName 'group'
    $null = New-OnboardGroup -GroupName $group -Policy 'job-function/ViewOnlyAccess'
    $script:prefix = New-TestName 'b'
    $script:existing = "$prefix-existing"
    $null = Aws @('iam', 'create-user', '--user-name', $existing)

    $script:valid = "$prefix-ana", "$prefix-ben", "$prefix-chen", $existing
    $script:file = Join-Path $TestDrive 'starters.csv'
    $bom = [char]0xFEFF
    @(
        "${bom}User name,Path,Tag,ConsoleAccess,PasswordResetRequired,ProgrammaticAccess,Policy,Group"
        "$prefix-ana,/engineering/,team=platform;cost-center=1001,yes,yes,yes,,$group"
        "$prefix-ben,/engineering/,""team=data;note=starts in March"",yes,no,no,ReadOnlyAccess,$group"
        "bad name!,/,,no,no,no,,"
        "$prefix-long$('x' * 64),/,,no,no,no,,"
        "$prefix-path,engineering,,no,no,no,,"
        "$prefix-tag,/,aws:team=x,no,no,no,,"
        "$prefix-bool,/,,maybe,no,no,,"
        "$prefix-stray,/,,no,no,no,,,extra"
        "$($prefix.ToUpperInvariant())-ANA,/,,no,no,no,,"
        "$prefix-chen,/,,no,no,yes,,"
        "$existing,/,team=legacy,no,no,yes,,$group"
        ""
    ) | Set-Content -Path $file -Encoding utf8NoBOM
}

AfterAll {
    Disconnect-Onboard
    $script:endpoint | Stop-OnboardLocalIam -Confirm:$false
}

Describe 'Import-OnboardCsv' {
    It 'refuses every bad row with its row, line, field and value, and passes on only the valid ones' {
        $rows = Import-OnboardCsv $file -ErrorVariable failures -ErrorAction SilentlyContinue
        $rows.UserName | Should -Be $valid
        $rows[0].Row | Should -Be 1
        $rows[0].BatchSize | Should -Be 11
        $failures | Should -HaveCount 7
        $messages = $failures | ForEach-Object { "$_" }   # the error record names the row; the exception carries it as data
        $messages | Where-Object { $_ -match "^row 3 \(line 4 of starters\.csv\): .*bad name!" } | Should -Not -BeNullOrEmpty
        $messages | Where-Object { $_ -match '^row 4 .*userName' } | Should -Not -BeNullOrEmpty
        $messages | Where-Object { $_ -match '^row 5 .*engineering' } | Should -Not -BeNullOrEmpty
        $messages | Where-Object { $_ -match '^row 6 .*aws:' } | Should -Not -BeNullOrEmpty
        $messages | Where-Object { $_ -match "^row 7 .*ConsoleAccess: 'maybe'" } | Should -Not -BeNullOrEmpty
        $messages | Where-Object { $_ -match '^row 8 .*9 fields' } | Should -Not -BeNullOrEmpty
        $messages | Where-Object { $_ -match '^row 9 .*repeats row 1' } | Should -Not -BeNullOrEmpty
        ($failures | ForEach-Object { $_.FullyQualifiedErrorId.Split(',')[0] }) | Should -Contain 'DuplicateUserName'
        ($failures | ForEach-Object { $_.FullyQualifiedErrorId.Split(',')[0] }) | Should -Contain 'InvalidYesNo'
    }

    It 'refuses a file that is not UTF-8, naming the line' {
        $latin1 = Join-Path $TestDrive 'latin1.csv'
        [IO.File]::WriteAllBytes($latin1, [Text.Encoding]::Latin1.GetBytes("User name,Path`nok-user,/`nJos$([char]0xE9),/`n"))
        { Import-OnboardCsv $latin1 -ErrorAction Stop } | Should -Throw -ErrorId 'CsvUnreadable,IamOnboard.Commands.ImportOnboardCsvCommand' -ExpectedMessage '*line 3*UTF-8*'
    }

    It 'refuses an unknown column and a password column' {
        $typo = Join-Path $TestDrive 'typo.csv'
        "User name,Grup`nx,y`n" | Set-Content $typo
        { Import-OnboardCsv $typo -ErrorAction Stop } | Should -Throw -ErrorId 'CsvColumnUnknown,IamOnboard.Commands.ImportOnboardCsvCommand' -ExpectedMessage "*'Grup'*"
        $secret = Join-Path $TestDrive 'password.csv'
        "User name,Password`nx,Secret123!`n" | Set-Content $secret
        { Import-OnboardCsv $secret -ErrorAction Stop } | Should -Throw -ErrorId 'CsvPasswordColumn,IamOnboard.Commands.ImportOnboardCsvCommand'
    }

    It 'refuses a relative path while the location is Env:, instead of reading the file of that name in the process''s directory' {
        # PowerShell gives back the Environment provider's own path ("starters.csv"), which .NET read against the
        # process's directory: before, another folder's starters became users without a word.
        $processDirectory = Join-Path $TestDrive 'import-process-directory'
        $null = New-Item -ItemType Directory $processDirectory
        "User name`nnot-meant-to-be-read`n" | Set-Content (Join-Path $processDirectory 'starters.csv')
        $savedDirectory = [Environment]::CurrentDirectory
        [Environment]::CurrentDirectory = $processDirectory
        Push-Location Env:
        try {
            $rows = Import-OnboardCsv 'starters.csv' -ErrorVariable refused -ErrorAction SilentlyContinue
        }
        finally {
            Pop-Location
            [Environment]::CurrentDirectory = $savedDirectory
        }

        $rows | Should -BeNullOrEmpty
        @($refused) | Should -HaveCount 1
        $refused[0].FullyQualifiedErrorId | Should -Be 'PathNotInFileSystem,IamOnboard.Commands.ImportOnboardCsvCommand'
        "$($refused[0])" | Should -BeLike "Path: 'starters.csv' is relative to the current location 'Env:?', which is in PowerShell's Environment provider, not a folder of the file system.*"
    }
}

Describe 'A batch from CSV' {
    It 'plans with -WhatIf without changing anything' {
        $before = Get-UserNames
        $plan = Import-OnboardCsv $file -ErrorAction SilentlyContinue | New-OnboardUser -WhatIf -InformationVariable information
        $plan | Should -BeNullOrEmpty
        Get-UserNames | Should -Be $before
        $summary = ($information | Where-Object { $_.Tags -contains 'IamOnboard.Summary' }).MessageData
        $summary.Plan | Should -BeTrue
        $summary.Created | Should -Be 3
        $summary.Completed | Should -Be 1
        $summary.Rejected | Should -Be 7
        $summary.Total | Should -Be 11
    }

    It 'names the file of each refused row when several files are read, a user repeated across files, and a bad header' {
        $dir = Join-Path $TestDrive 'several'
        $null = New-Item -ItemType Directory $dir
        $name = New-TestName 'across'
        "User name,Console access`n$name-1,yes`n$name-2,no`n" | Set-Content (Join-Path $dir 'a.csv')
        "User name,Console access`n$name-3,maybe`n$($name.ToUpperInvariant())-1,no`n" | Set-Content (Join-Path $dir 'b.csv')
        $null = Get-ChildItem $dir -Filter *.csv | Sort-Object Name | Import-OnboardCsv -ErrorVariable importErrors -ErrorAction SilentlyContinue |
            New-OnboardUser -WhatIf -ErrorVariable runErrors -ErrorAction SilentlyContinue
        # Both files have a row 1: the line alone would not say which file to fix.
        @($importErrors | ForEach-Object { "$_" }) | Should -Be @("row 1 (line 2 of b.csv): ConsoleAccess: 'maybe' is not yes or no (use yes/no, true/false, 1/0, or leave it empty).")
        $importErrors[0].TargetObject.File | Should -Be (Join-Path $dir 'b.csv')
        $runErrors | Should -HaveCount 1
        "$($runErrors[0])" | Should -BeLike "row 2 (line 3 of b.csv): UserName: '$($name.ToUpperInvariant())-1' repeats row 1 of a.csv (IAM user names are not case-sensitive)."

    }

    It 'refuses a file it cannot read as a whole with one error naming it, and goes on with the other files' {
        $dir = Join-Path $TestDrive 'one-bad-file'
        $null = New-Item -ItemType Directory $dir, (Join-Path $dir 'z-folder.csv')
        $name = New-TestName 'goes-on'
        "User name,Grup`nx,y`n" | Set-Content (Join-Path $dir 'a.csv')
        "User name`n$name-1`n" | Set-Content (Join-Path $dir 'b.csv')
        $rows = Get-ChildItem $dir -Filter *.csv | Sort-Object Name | Import-OnboardCsv -ErrorVariable refused -ErrorAction SilentlyContinue
        $rows.UserName | Should -Be @("$name-1")
        @($refused | ForEach-Object { $_.FullyQualifiedErrorId.Split(',')[0] }) | Should -Be @('CsvColumnUnknown', 'CsvUnreadable')
        "$($refused[0])" | Should -BeLike "$(Join-Path $dir 'a.csv'): line 1: column 'Grup' is not one New-OnboardUser takes*"
        "$($refused[1])" | Should -Be "$(Join-Path $dir 'z-folder.csv'): it is a folder, not a file"
        { Import-OnboardCsv (Join-Path $dir 'a.csv') -ErrorAction Stop } | Should -Throw -ErrorId 'CsvColumnUnknown,*'
    }

    It 'counts in the summary the rows of a file whose every row it refused' {
        $dir = Join-Path $TestDrive 'all-refused'
        $null = New-Item -ItemType Directory $dir
        $name = New-TestName 'counted'
        "User name,Console access`n$name-1,maybe`n$name-2,nah`n" | Set-Content (Join-Path $dir 'a.csv')
        "User name,Console access`n$name-3,no`n$name-4,perhaps`n" | Set-Content (Join-Path $dir 'b.csv')
        $null = Get-ChildItem $dir -Filter *.csv | Sort-Object Name | Import-OnboardCsv -ErrorAction SilentlyContinue |
            New-OnboardUser -WhatIf -InformationVariable told
        $summary = ($told | Where-Object { $_.Tags -contains 'IamOnboard.Summary' }).MessageData
        ($summary.Total, $summary.Rejected, $summary.NotReceived) | Should -Be @(4, 3, 0)
    }

    It 'keeps a spreadsheet''s unnamed empty columns, and skips its blank lines through plain Import-Csv as Import-OnboardCsv does' {
        $name = New-TestName 'excel'
        $file = Join-Path $TestDrive 'excel.csv'
        "User name,Console access,,`r`n$name-1,no,,`r`n,,,`r`n$name-2,no,,`r`n,,,`r`n" | Set-Content $file -NoNewline
        (Import-OnboardCsv $file -ErrorAction Stop).UserName | Should -Be @("$name-1", "$name-2")
        $made = Import-Csv $file | New-OnboardUser -WhatIf -ErrorVariable failed -InformationVariable told -WarningVariable warned
        $failed | Should -BeNullOrEmpty
        $summary = ($told | Where-Object { $_.Tags -contains 'IamOnboard.Summary' }).MessageData
        $summary.Total | Should -Be 2
    }

    It 'reads a file Export-Csv wrote as UTF-16 (-Encoding <Encoding>), as Import-Csv reads it' -TestCases @(
        @{ Encoding = 'unicode' }, @{ Encoding = 'bigendianunicode' }
    ) {
        param($Encoding)
        $name = New-TestName 'utf16'
        $file = Join-Path $TestDrive "utf16-$Encoding.csv"
        @([pscustomobject]@{ 'User name' = "$name-1"; Tag = 'team=data'; 'Console access' = 'no' }
            [pscustomobject]@{ 'User name' = "$name-2"; Tag = ''; 'Console access' = 'no' }) | Export-Csv $file -Encoding $Encoding
        $rows = Import-OnboardCsv $file -ErrorVariable refused -ErrorAction SilentlyContinue
        $refused | Should -BeNullOrEmpty
        $rows.UserName | Should -Be @("$name-1", "$name-2")
        $made = $rows | New-OnboardUser
        ($made | Sort-Object UserName).Tags[0].team | Should -Be 'data'
        (Aws @('iam', 'get-user', '--user-name', "$name-1")).Json.User.Tags.Value | Should -Contain 'data'
    }

    It 'counts rows left out by a filter as not received, not rejected, and sums several files' {
        $plan = Import-OnboardCsv $file -ErrorAction SilentlyContinue | Where-Object Path -eq '/engineering/' |
            New-OnboardUser -WhatIf -InformationVariable filtered
        $summary = ($filtered | Where-Object { $_.Tags -contains 'IamOnboard.Summary' }).MessageData
        $summary.Rejected | Should -Be 7 -Because 'Import-OnboardCsv refused 7 rows, each with its error'
        $summary.Total | Should -Be 11
        $summary.NotReceived | Should -Be (11 - 7 - ($summary.Created + $summary.Completed + $summary.Unchanged + $summary.Failed + $summary.Declined))
        $summary.NotReceived | Should -BeGreaterThan 0
        "$summary" | Should -BeLike "*, $($summary.NotReceived) not received*"

        $second = Join-Path $TestDrive 'second.csv'
        "User name`n$prefix-second-1`n$prefix-second-2`n" | Set-Content $second
        $null = (Get-Item $file), (Get-Item $second) | Import-OnboardCsv -ErrorAction SilentlyContinue | New-OnboardUser -WhatIf -InformationVariable both
        $summary = ($both | Where-Object { $_.Tags -contains 'IamOnboard.Summary' }).MessageData
        $summary.Total | Should -Be 13
        $summary.Rejected | Should -Be 7
        $summary.NotReceived | Should -Be 0
    }

    It 'writes a plan''s errors in row order, among its rows' {
        # Rows are planned at once; with each IAM request taking 200 ms, a row refused on sight (row 4) or planned fast
        # would otherwise be reported before the rows above it. A child pwsh: the plan's "What if:" lines go to its host.
        $script = @"
Import-Module '$($env:IAMONBOARD_MODULE)'
`$endpoint = Start-OnboardLocalIam -Latency ([timespan]::FromMilliseconds(200))
`$null = Connect-Onboard -EndpointUrl `$endpoint.Url -AccessKey `$endpoint.AccessKeyId -SecretKey `$endpoint.SecretAccessKey
@(
    [pscustomobject]@{ UserName = 'order-1'; Policy = 'ReadOnlyAccess'; Group = '' }
    [pscustomobject]@{ UserName = 'order-2'; Policy = 'NoSuchPolicyA'; Group = '' }
    [pscustomobject]@{ UserName = 'order-3'; Policy = 'ReadOnlyAccess'; Group = '' }
    [pscustomobject]@{ UserName = 'bad name!'; Policy = ''; Group = '' }
    [pscustomobject]@{ UserName = 'order-5'; Policy = ''; Group = 'NoSuchGroup' }
    [pscustomobject]@{ UserName = 'order-6'; Policy = 'NoSuchPolicyB'; Group = '' }
) | New-OnboardUser -WhatIf 2>&1 | ForEach-Object { 'ERROR ' + `$_ }
`$endpoint | Stop-OnboardLocalIam -Confirm:`$false
"@
        $output = Invoke-ChildPwsh -Arguments @('-NoProfile', '-NoLogo', '-Command', $script)
        $rows = @($output -split '\r?\n' | Where-Object { $_ -match '^(ERROR|What if:.*"row \d)' } | ForEach-Object {
                if ($_ -match '^ERROR row (\d+):') { "error $($Matches[1])" } elseif ($_ -match '"row (\d+):') { "plan $($Matches[1])" } })
        $rows | Should -Be @('plan 1', 'error 2', 'plan 3', 'error 4', 'error 5', 'error 6')
    }

    It 'runs, ending every row exactly once, and a second run changes nothing' {
        $users = Import-OnboardCsv $file -ErrorAction SilentlyContinue | New-OnboardUser -InformationVariable information |
            Enable-OnboardVirtualMfa -Unattended -IncludeSeed
        $users | Should -HaveCount 4
        $summary = ($information | Where-Object { $_.Tags -contains 'IamOnboard.Summary' }).MessageData
        $summary.Created | Should -Be 3
        $summary.Completed | Should -Be 1
        $summary.Failed | Should -Be 0
        ($summary.Created + $summary.Completed + $summary.Unchanged + $summary.Failed + $summary.Declined + $summary.Rejected + $summary.NotReceived) | Should -Be $summary.Total
        $summary.NotReceived | Should -Be 0

        (Aws @('iam', 'get-user', '--user-name', "$prefix-ana")).Json.User.Path | Should -Be '/engineering/'
        (Aws @('iam', 'get-group', '--group-name', $group)).Json.Users.UserName | Should -Contain $existing
        (Aws @('iam', 'list-access-keys', '--user-name', $existing)).Json.AccessKeyMetadata | Should -HaveCount 1
        (Aws @('iam', 'list-mfa-devices', '--user-name', "$prefix-ben")).Json.MFADevices | Should -HaveCount 1

        $again = Import-OnboardCsv $file -ErrorAction SilentlyContinue | New-OnboardUser -InformationVariable second |
            Enable-OnboardVirtualMfa -Unattended -IncludeSeed -SkipIfEnabled -WarningAction SilentlyContinue
        $again.Status | Sort-Object -Unique | Should -Be 'AlreadyEnabled'
        $secondSummary = ($second | Where-Object { $_.Tags -contains 'IamOnboard.Summary' }).MessageData
        $secondSummary.Unchanged | Should -Be 4
        foreach ($name in "$prefix-ana", "$prefix-chen", $existing) {
            (Aws @('iam', 'list-access-keys', '--user-name', $name)).Json.AccessKeyMetadata | Should -HaveCount 1
        }
        (Aws @('iam', 'list-virtual-mfa-devices', '--assignment-status', 'Unassigned')).Json.VirtualMFADevices | Should -BeNullOrEmpty
    }

    It 'converges after a run stopped midway' {
        $slow = Start-OnboardLocalIam -Latency ([timespan]::FromMilliseconds(150))
        try {
            $slowSession = Connect-TestEndpoint -Endpoint $slow
            $null = New-OnboardGroup -GroupName team -Session $slowSession
            $many = Join-Path $TestDrive 'many.csv'
            @('User name,ConsoleAccess,ProgrammaticAccess,Group') + (1..24 | ForEach-Object { "stop-user-$_,yes,yes,team" }) | Set-Content $many

            $shell = [powershell]::Create()
            $null = $shell.AddScript({
                    param($Module, $File, $Session)
                    Import-Module $Module
                    Import-OnboardCsv $File | New-OnboardUser -Session $Session | Enable-OnboardVirtualMfa -Unattended -IncludeSeed -Session $Session
                }).AddArgument($env:IAMONBOARD_MODULE).AddArgument($many).AddArgument($slowSession)
            $stoppedOutput = [System.Management.Automation.PSDataCollection[psobject]]::new()
            $async = $shell.BeginInvoke([System.Management.Automation.PSDataCollection[psobject]]::new(), $stoppedOutput)
            Start-Sleep -Seconds 3
            $shell.Stop()
            $async.IsCompleted | Should -BeTrue
            $shell.Dispose()

            $done = Import-OnboardCsv $many | New-OnboardUser -Session $slowSession |
                Enable-OnboardVirtualMfa -Unattended -IncludeSeed -SkipIfEnabled -Session $slowSession -WarningAction SilentlyContinue
            $done | Should -HaveCount 24
            # Every key that exists was handed out, by the stopped run or by the re-run.
            $handed = @(@($stoppedOutput) + @($done) | ForEach-Object { $_.User.AccessKeyId } | Where-Object { $_ })
            # All reads in one AWS CLI process: two per user, then the unassigned devices.
            $reads = Invoke-AwsCliBatch -Endpoint $slow -Commands (@(1..24 | ForEach-Object {
                        , @('iam', 'list-access-keys', '--user-name', "stop-user-$_"); , @('iam', 'list-mfa-devices', '--user-name', "stop-user-$_") }) +
                    @(, @('iam', 'list-virtual-mfa-devices', '--assignment-status', 'Unassigned')))
            foreach ($n in 1..24) {
                $name = "stop-user-$n"
                $keys = $reads[2 * $n - 2].Json.AccessKeyMetadata
                $keys | Should -HaveCount 1 -Because "$name must have exactly one access key"
                $handed | Should -Contain $keys[0].AccessKeyId -Because "the secret of $name's key must have been handed out"
                $reads[2 * $n - 1].Json.MFADevices | Should -HaveCount 1
            }
            $reads[-1].ExitCode | Should -Be 0
            $reads[-1].Json.VirtualMFADevices | Should -BeNullOrEmpty
        }
        finally {
            $slow | Stop-OnboardLocalIam -Confirm:$false
        }
    }
}

Describe 'A batch stopped before its end' {
    # The session of this file's endpoint, named: a test before this one connects elsewhere. With -ThrottleLimit 1 the next row starts only once the row before has ended, so where the stop falls is fixed.
    It 'writes its summary and a warning naming what was made, failed and cut short when a row''s error stops it (<How>)' -TestCases @(
        @{ How = '-ErrorAction Stop' }
        @{ How = '$ErrorActionPreference = ''Stop''' }
    ) {
        $name = New-TestName 'stop'
        $rows = @(
            [pscustomobject]@{ UserName = "$name-1" }
            [pscustomobject]@{ UserName = "$name-2"; Group = "$name-no-such-group" }
            [pscustomobject]@{ UserName = "$name-3" }
            [pscustomobject]@{ UserName = "$name-4" }
        )
        $stopped = $null
        try {
            if ($How -eq '-ErrorAction Stop') {
                $null = $rows | New-OnboardUser -Session $session -ThrottleLimit 1 -ErrorAction Stop -InformationVariable told -WarningVariable warned -WarningAction SilentlyContinue
            }
            else {
                $ErrorActionPreference = 'Stop'
                $null = $rows | New-OnboardUser -Session $session -ThrottleLimit 1 -InformationVariable told -WarningVariable warned -WarningAction SilentlyContinue
            }
        }
        catch { $stopped = $_ }
        finally { $ErrorActionPreference = 'Continue' }

        "$stopped" | Should -BeLike "row 2: Group: *$name-no-such-group*"
        $summary = ($told | Where-Object { $_.Tags -contains 'IamOnboard.Summary' }).MessageData
        $summary | Should -HaveCount 1
        # Row 4 never reached New-OnboardUser: rows from Import-Csv do not say how many there are.
        ($summary.Total, $summary.Created, $summary.Failed, $summary.CutShort, $summary.Unchanged) | Should -Be @(3, 1, 1, 1, 0)
        $summary.CreatedUsers | Should -Be @("$name-1")
        $summary.FailedUsers | Should -Be @("$name-2")
        $summary.CutShortUsers | Should -Be @("$name-3")
        $summary.StoppedBy | Should -BeLike "*-ErrorAction Stop: row 2: Group: *"
        $warning = @($warned | Where-Object { "$_" -like 'New-OnboardUser stopped before the end of its input*' })
        $warning | Should -HaveCount 1
        "$($warning[0])" | Should -BeLike "*Batch: 3 rows: 1 created, 0 completed, 0 unchanged, 1 failed, 0 declined, 0 rejected, 1 cut short*Created: $name-1. Failed: $name-2. Cut short (*): $name-3.*"
        $users = Get-UserNames
        $users | Should -Contain "$name-1"
        $users | Should -Not -Contain "$name-3"
    }

    It 'stops with the row''s error, not with its own warning, under -WarningAction Stop' {
        $name = New-TestName 'warnstop'
        $rows = @([pscustomobject]@{ UserName = "$name-1" }, [pscustomobject]@{ UserName = "$name-2"; Group = "$name-no-such-group" })
        $stopped = $null
        try { $null = $rows | New-OnboardUser -Session $session -ThrottleLimit 1 -ErrorAction Stop -WarningAction Stop -InformationVariable told 3>$null }
        catch { $stopped = $_ }
        $stopped.FullyQualifiedErrorId | Should -Be 'GroupNotFound,IamOnboard.Commands.NewOnboardUserCommand'
        "$stopped" | Should -BeLike "row 2: Group: *$name-no-such-group*"
        ($told | Where-Object { $_.Tags -contains 'IamOnboard.Summary' }).MessageData.Created | Should -Be 1
    }

    It 'under $WarningPreference = ''Stop'' the row''s error still stops it, naming every user whose credentials it held' {
        # Row 3's group is looked up only once rows 1, 2 and 4 have ended and the command after New-OnboardUser holds the
        # pipeline thread with the first of them: the other two wait to be written on when row 3's error stops the batch.
        if (-not ('IamOnboardTests.Gate' -as [type])) {
            Add-Type -TypeDefinition 'namespace IamOnboardTests { public static class Gate { public static System.Action Until(System.Threading.ManualResetEventSlim gate) { return () => gate.Wait(System.TimeSpan.FromSeconds(120)); } } }'
        }
        $server = $endpoint.GetType().GetProperty('Server', [System.Reflection.BindingFlags]'NonPublic, Instance').GetValue($endpoint)
        function Get-Calls([string] $Action) { $calls = 0; $null = $endpoint.GetStatistics().RequestsByAction.TryGetValue($Action, [ref] $calls); $calls }
        function Wait-Until([scriptblock] $Condition) {
            $deadline = [DateTime]::UtcNow.AddSeconds(120)
            while (-not (& $Condition) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 20 }
        }
        $name = New-TestName 'warnheld'
        $rows = 1..4 | ForEach-Object { [pscustomobject]@{ UserName = "$name-$_"; ConsoleAccess = 'yes' } }
        $rows[2] | Add-Member -NotePropertyName Group -NotePropertyValue "$name-no-such-group"
        $gate = [System.Threading.ManualResetEventSlim]::new()
        $profiles = Get-Calls 'CreateLoginProfile'
        $lookups = Get-Calls 'GetGroup'
        $server.InterruptNext('GetGroup', [IamOnboardTests.Gate]::Until($gate))
        $stopped = $null
        $WarningPreference = 'Stop'
        try {
            $rows | New-OnboardUser -Session $session -ThrottleLimit 4 -ErrorAction Stop |
                ForEach-Object {
                    if (-not $gate.IsSet) {
                        Wait-Until { (Get-Calls 'CreateLoginProfile') -ge $profiles + 3 -and $endpoint.GetStatistics().InFlight -le 1 }
                        $gate.Set()
                        Wait-Until { (Get-Calls 'GetGroup') -gt $lookups -and $endpoint.GetStatistics().InFlight -eq 0 }
                    }
                    $_
                } |
                Export-OnboardCredential -Path (Join-Path $TestDrive 'warnheld.csv')
        }
        catch { $stopped = $_ }
        finally { $WarningPreference = 'Continue'; $gate.Set() }

        # Before: the first held user's warning ended the batch in place of row 3's error, and the other held user was named nowhere.
        $stopped.FullyQualifiedErrorId | Should -Be 'GroupNotFound,IamOnboard.Commands.NewOnboardUserCommand' -Because "the batch stopped with: $stopped"
        "$stopped" | Should -BeLike "row 3: Group: *$name-no-such-group*"
        $held = @(Get-UserNames | Where-Object { $_ -like "$name-*" } | Where-Object { (Aws @('iam', 'list-user-tags', '--user-name', $_)).Json.Tags.Key -contains 'iamonboard:handoff' })
        foreach ($user in $held) {
            "$stopped" | Should -Match "\b$([regex]::Escape($user))\b[^.]*: New-OnboardUser did not hand on" -Because "$user keeps its hand-off mark"
        }
    }

    It 'under $WarningPreference = ''Stop'' a later stage that failed for two rows ends with an error naming both users it holds' {
        $name = New-TestName 'laterheld'
        $joined = New-OnboardGroup -GroupName "$name-g" -Session $session
        $once = Connect-Onboard -EndpointUrl $endpoint.Url -AccessKey $endpoint.AccessKeyId -SecretKey $endpoint.SecretAccessKey -MaxAttempts 1
        $endpoint.FailNextRequests('AddUserToGroup', 2)
        $stopped = $null
        $WarningPreference = 'Stop'
        try {
            1..3 | ForEach-Object { [pscustomobject]@{ UserName = "$name-$_"; ConsoleAccess = 'yes' } } |
                New-OnboardUser -Session $once -ThrottleLimit 1 |
                Add-OnboardGroupMember -GroupName $joined.GroupName -Session $once -ErrorVariable failed -ErrorAction SilentlyContinue |
                Export-OnboardCredential -Path (Join-Path $TestDrive 'laterheld.csv')
        }
        catch { $stopped = $_ }
        finally { $WarningPreference = 'Continue' }

        @($failed | Where-Object FullyQualifiedErrorId -Like 'ServiceFailure,*') | Should -HaveCount 2
        $stopped.FullyQualifiedErrorId | Should -BeLike 'ActionPreferenceStop,*AddOnboardGroupMemberCommand'
        $held = @(Get-UserNames | Where-Object { $_ -like "$name-*" } | Where-Object { (Aws @('iam', 'list-user-tags', '--user-name', $_)).Json.Tags.Key -contains 'iamonboard:handoff' })
        $held | Should -HaveCount 2
        foreach ($user in $held) {
            # Before: only the first held user was named; the second kept its mark, named nowhere.
            "$stopped" | Should -Match "\b$([regex]::Escape($user))\b[^.]*: Add-OnboardGroupMember did not hand on" -Because "the batch stopped with: $stopped"
        }
    }

    It 'under $WarningPreference = ''Stop'' Select-Object -First still gets the summary, and one warning names every user held' {
        # Rows 2 and 3 are under way when row 1 is taken; they end after it and wait to be written on.
        $name = New-TestName 'firstheld'
        $WarningPreference = 'Stop'
        try {
            $taken = 1..3 | ForEach-Object { [pscustomobject]@{ UserName = "$name-$_"; ConsoleAccess = 'yes' } } |
                New-OnboardUser -Session $session -ThrottleLimit 3 -InformationVariable told -WarningVariable warned |
                Select-Object -First 1
        }
        finally { $WarningPreference = 'Continue' }

        $taken | Should -HaveCount 1
        $held = @(Get-UserNames | Where-Object { $_ -like "$name-*" } | Where-Object { (Aws @('iam', 'list-user-tags', '--user-name', $_)).Json.Tags.Key -contains 'iamonboard:handoff' })
        $held | Should -Not -Contain $taken.UserName
        # Before: the first held user's warning ended the command before its summary was written, and named that user only.
        $summary = ($told | Where-Object { $_.Tags -contains 'IamOnboard.Summary' }).MessageData
        $summary | Should -HaveCount 1 -Because "the warnings were: $($warned -join ' | ')"
        $summary.StoppedBy | Should -Be 'Select-Object stopped it after it took all the input it wanted'
        foreach ($user in $held) {
            ($warned -join "`n") | Should -Match "\b$([regex]::Escape($user))\b[^.]*: New-OnboardUser did not hand on" -Because "$user keeps its hand-off mark"
        }
    }

    It 'writes its summary and the warning when Select-Object -First takes all it wants, counting the rows not received' {
        $name = New-TestName 'first'
        $file = Join-Path $TestDrive 'first.csv'
        @('User name') + (1..4 | ForEach-Object { "$name-$_" }) | Set-Content $file
        $taken = Import-OnboardCsv $file | New-OnboardUser -Session $session -ThrottleLimit 1 -InformationVariable told -WarningVariable warned -WarningAction SilentlyContinue |
            Select-Object -First 1
        $taken.UserName | Should -Be "$name-1"
        $summary = ($told | Where-Object { $_.Tags -contains 'IamOnboard.Summary' }).MessageData
        $summary | Should -HaveCount 1
        ($summary.Total, $summary.Created, $summary.Failed, $summary.CutShort, $summary.NotReceived) | Should -Be @(4, 1, 0, 1, 2)
        $summary.CreatedUsers | Should -Be @("$name-1")
        $summary.CutShortUsers | Should -Be @("$name-2")
        $summary.StoppedBy | Should -Be 'Select-Object stopped it after it took all the input it wanted'
        $warning = @($warned | Where-Object { "$_" -like 'New-OnboardUser stopped before the end of its input*' })
        $warning | Should -HaveCount 1
        "$($warning[0])" | Should -BeLike "*: Select-Object stopped it*Batch: 4 rows: 1 created, *, 0 failed, *, 1 cut short, 2 not received*Created: $name-1.*Cut short (*): $name-2.*"
        Get-UserNames | Should -Not -Contain "$name-2"
    }

    It 'leaves a runbook''s exit code as it was: 1 for a stop on an error, 0 for Select-Object -First (pwsh -NonInteractive -Command)' {
        $name = New-TestName 'exit'
        $results = foreach ($pipeline in @(
                "@([pscustomobject]@{ UserName = '$name-1' }, [pscustomobject]@{ UserName = '$name-2'; Group = '$name-none' }, [pscustomobject]@{ UserName = '$name-3' }) | New-OnboardUser -ThrottleLimit 1 -ErrorAction Stop"
                "'$name-4', '$name-5', '$name-6' | New-OnboardUser -ThrottleLimit 1 | Select-Object -First 1 | ForEach-Object { 'TAKEN ' + `$_.UserName }"
            )) {
            $script = "`$PSStyle.OutputRendering = 'PlainText'; Import-Module '$($env:IAMONBOARD_MODULE)'; `$null = Connect-Onboard -Local; $pipeline"
            $child = Invoke-ChildPwshResult -Arguments @('-NoProfile', '-NonInteractive', '-Command', $script)
            @{ ExitCode = $child.ExitCode; Output = $child.StdOut + $child.StdErr }
        }
        $results[0].ExitCode | Should -Be 1 -Because $results[0].Output
        $results[0].Output | Should -BeLike "*New-OnboardUser stopped before the end of its input*1 created*1 failed*1 cut short*$name-none*"
        $results[1].ExitCode | Should -Be 0 -Because $results[1].Output
        $results[1].Output | Should -BeLike "*New-OnboardUser stopped before the end of its input: Select-Object*1 created*1 cut short*"
        $results[1].Output | Should -BeLike "*TAKEN $name-4*"
    }
}

Describe 'Rows declined at -Confirm' {
    It 'counts them as Declined, not Unchanged, and creates none of them' {
        # A child pwsh whose standard input answers the prompts as a person would: No, Yes, then No to All.
        $script = @"
Import-Module '$($env:IAMONBOARD_MODULE)'
`$null = Connect-Onboard -Local
`$users = 'c1', 'c2', 'c3', 'c4' | New-OnboardUser -Confirm -InformationVariable information
`$summary = (`$information | Where-Object { `$_.Tags -contains 'IamOnboard.Summary' }).MessageData
'RESULT ' + ((`$users | ForEach-Object { `$_.UserName + '=' + `$_.Status }) -join ' ')
'COUNTS ' + ((`$summary.Total, `$summary.Created, `$summary.Completed, `$summary.Unchanged, `$summary.Failed, `$summary.Declined, `$summary.Rejected) -join ' ')
'TEXT ' + `$summary
`$null = 'c1', 'c3', 'c4' | New-OnboardUser -WhatIf -InformationVariable plan 6>`$null
'PLAN ' + (`$plan | Where-Object { `$_.Tags -contains 'IamOnboard.Summary' }).MessageData.Created
"@
        $child = Invoke-ChildPwshResult -Arguments @('-NoProfile', '-NoLogo', '-Command', $script) -InputText "N`nY`nL`n"
        $child.StdErr | Should -BeNullOrEmpty
        $lines = $child.StdOut -split '\r?\n'
        ($lines -match '^RESULT ') | Should -Be 'RESULT c2=Created'
        ($lines -match '^COUNTS ') | Should -Be 'COUNTS 4 1 0 0 0 3 0' -Because 'Total Created Completed Unchanged Failed Declined Rejected'
        ($lines -match '^TEXT ') | Should -BeLike 'TEXT Batch: 4 rows: 1 created, 0 completed, 0 unchanged, 0 failed, 3 declined, 0 rejected*'
        ($lines -match '^PLAN ') | Should -Be 'PLAN 3' -Because 'the declined users do not exist: a plan would create them'
    }
}

Describe 'A confirmation a runbook cannot give' {
    It 'fails before anything is made when a later stage would ask ($ConfirmPreference = Low under pwsh -NonInteractive)' {
        # Asked per user, the prompt failed only once the first user reached Export-OnboardCredential: by then
        # New-OnboardUser (told -Confirm:$false) had made users whose credentials reached no file.
        $script = @"
Import-Module '$($env:IAMONBOARD_MODULE)'
`$null = Connect-Onboard -Local
`$ConfirmPreference = 'Low'
try {
    'nc1', 'nc2', 'nc3' | New-OnboardUser -ProgrammaticAccess -Confirm:`$false -WarningAction SilentlyContinue | Export-OnboardCredential -Path '$(Join-Path $TestDrive 'never.csv')'
    'ERROR none'
}
catch { 'ERROR ' + `$_.FullyQualifiedErrorId + ' ' + `$_ }
`$ConfirmPreference = 'High'
`$null = 'nc1', 'nc2', 'nc3' | New-OnboardUser -WhatIf -InformationVariable plan 6>`$null
'PLAN ' + (`$plan | Where-Object { `$_.Tags -contains 'IamOnboard.Summary' }).MessageData.Created
"@
        $child = Invoke-ChildPwshResult -Arguments @('-NoProfile', '-NonInteractive', '-Command', $script)
        $lines = $child.StdOut -split '\r?\n'
        ($lines -match '^ERROR ') | Should -BeLike 'ERROR ConfirmationNotPossible,IamOnboard.Commands.ExportOnboardCredentialCommand Export-OnboardCredential would ask to confirm*-Confirm:$false*' -Because $child.StdErr
        ($lines -match '^PLAN ') | Should -Be 'PLAN 3' -Because 'no user may be made before the refusal'
        Join-Path $TestDrive 'never.csv' | Should -Not -Exist
    }

    It 'fails at once in a Start-Job, where nobody watches, instead of blocking the job; -ShowSecret is refused there' {
        # A Start-Job runs in PowerShell's job server (pwsh -s): a prompt blocked the job until someone ran Receive-Job
        # (Wait-Job then fails: "blocked waiting for user interaction"), and -ShowSecret sent the seed to the job's output.
        $script = @"
`$job = Start-Job {
    Import-Module '$($env:IAMONBOARD_MODULE)'
    `$null = Connect-Onboard -Local
    `$null = New-OnboardUser -UserName jobleaver -ConsoleAccess
    try { Remove-OnboardUser jobleaver; 'REMOVE none' } catch { 'REMOVE ' + `$_.FullyQualifiedErrorId }
    try { `$null = Enable-OnboardVirtualMfa -UserName jobleaver -Unattended -ShowSecret; 'SHOWN none' } catch { 'SHOWN ' + `$_.FullyQualifiedErrorId }
}
`$null = Wait-Job `$job -Timeout 90 -ErrorAction SilentlyContinue
'STATE ' + `$job.State
if (`$job.State -eq 'Completed') { Receive-Job `$job }
Remove-Job `$job -Force
"@
        $child = Invoke-ChildPwshResult -Arguments @('-NoProfile', '-NonInteractive', '-Command', $script)
        $lines = $child.StdOut -split '\r?\n'
        ($lines -match '^STATE ') | Should -Be 'STATE Completed' -Because ($child.StdErr -replace '\e\[[0-9;]*m')
        ($lines -match '^REMOVE ') | Should -Be 'REMOVE ConfirmationNotPossible,IamOnboard.Commands.RemoveOnboardUserCommand'
        ($lines -match '^SHOWN ') | Should -Be 'SHOWN MfaSeedNotOnScreen,IamOnboard.Commands.EnableOnboardVirtualMfaCommand'
    }

    It 'names a $ConfirmPreference that lets Remove-OnboardUser run (its impact is High, the default preference)' {
        # The advice was "set `$ConfirmPreference = 'High'", the value that already made Remove-OnboardUser ask.
        $script = @"
Import-Module '$($env:IAMONBOARD_MODULE)'
`$null = Connect-Onboard -Local
`$null = New-OnboardUser -UserName leaver1
try { Remove-OnboardUser leaver1; 'FIRST none' } catch { 'FIRST ' + `$_.FullyQualifiedErrorId + ' ' + `$_ }
`$advised = if ("`$(`$Error[0])" -match 'set \`$ConfirmPreference = ''(\w+)''') { `$Matches[1] }
'ADVISED ' + `$advised
`$ConfirmPreference = `$advised
try { Remove-OnboardUser leaver1 | Out-Null; 'AFTER removed' } catch { 'AFTER ' + `$_.FullyQualifiedErrorId + ' ' + `$_ }
"@
        $child = Invoke-ChildPwshResult -Arguments @('-NoProfile', '-NonInteractive', '-Command', $script)
        $lines = $child.StdOut -split '\r?\n'
        ($lines -match '^FIRST ') | Should -BeLike 'FIRST ConfirmationNotPossible,*Remove-OnboardUser would ask to confirm each change*' -Because ($child.StdErr -replace '\e\[[0-9;]*m')
        ($lines -match '^AFTER ') | Should -Be 'AFTER removed' -Because "the advice was: $($lines -match '^ADVISED ')"
    }
}

Describe 'A question a runbook cannot answer' {
    It 'writes -Debug''s warnings without asking under pwsh -NonInteractive, and the batch goes on to its file' {
        # PowerShell asks whether to continue after each warning of a compiled command given -Debug (and, without
        # -Verbose, each verbose message). Where nobody can answer, the first warning ended New-OnboardUser mid-batch
        # with PowerShell's bare "NonInteractive mode" error: no summary, and no user reached the credentials file.
        $file = Join-Path $TestDrive 'debug-run.csv'
        $script = @"
Import-Module '$($env:IAMONBOARD_MODULE)'
`$null = Connect-Onboard -Local
`$names = 'dq1', 'dq2', 'dq3'
`$null = `$names | New-OnboardUser -Tag @{ team = 'a' }
try {
    `$names | New-OnboardUser -ProgrammaticAccess -Tag @{ team = 'b' } -Debug -WarningVariable told 5>`$null 4>`$null 3>`$null | Export-OnboardCredential -Path '$file'
    'ERROR none'
}
catch { 'ERROR ' + `$_.FullyQualifiedErrorId + ' ' + `$_ }
'WARNINGS ' + @(`$told | Where-Object { "`$_" -like '*tag team is a, not b*' }).Count
'WRITTEN ' + (((Import-Csv '$file').'User name' | Sort-Object) -join ',')
"@
        $child = Invoke-ChildPwshResult -Arguments @('-NoProfile', '-NonInteractive', '-Command', $script)
        $lines = $child.StdOut -split '\r?\n'
        ($lines -match '^ERROR ') | Should -Be 'ERROR none' -Because ($child.StdErr -replace '\e\[[0-9;]*m')
        ($lines -match '^WARNINGS ') | Should -Be 'WARNINGS 3' -Because 'each row''s warning is written, not asked about'
        ($lines -match '^WRITTEN ') | Should -Be 'WRITTEN dq1,dq2,dq3'
    }

    It 'lets -Debug through on the commands that only start, stop or read (Start-OnboardLocalIam, Disconnect-Onboard, ...)' {
        # Their first verbose line asked: Start-OnboardLocalIam failed with the endpoint already started, Disconnect-Onboard
        # after saying it was disconnecting.
        $script = @"
Import-Module '$($env:IAMONBOARD_MODULE)'
foreach (`$step in {
        `$script:endpoint = Start-OnboardLocalIam -Debug 5>`$null 4>`$null
        `$null = Connect-Onboard -EndpointUrl `$endpoint.Url -AccessKey `$endpoint.AccessKeyId -SecretKey `$endpoint.SecretAccessKey
    }, { `$null = Get-OnboardSession -Debug 5>`$null 4>`$null }, { Disconnect-Onboard -Debug 5>`$null 4>`$null },
    { `$null = Get-OnboardLocalIam -Debug 5>`$null 4>`$null }, { `$endpoint | Stop-OnboardLocalIam -Confirm:`$false -Debug 5>`$null 4>`$null }) {
    try { & `$step } catch { 'ERROR ' + `$_.FullyQualifiedErrorId + ' ' + `$_ }
}
'LEFT ' + @(Get-OnboardLocalIam).Count
"@
        $child = Invoke-ChildPwshResult -Arguments @('-NoProfile', '-NonInteractive', '-Command', $script)
        $lines = $child.StdOut -split '\r?\n'
        ($lines -match '^ERROR ') | Should -BeNullOrEmpty -Because ($child.StdErr -replace '\e\[[0-9;]*m')
        ($lines -match '^LEFT ') | Should -Be 'LEFT 0' -Because 'the endpoint started is the one stopped'
    }

    It 'fails before anything is made when a stream is set to ask (-WarningAction Inquire under pwsh -NonInteractive)' {
        $script = @"
Import-Module '$($env:IAMONBOARD_MODULE)'
`$null = Connect-Onboard -Local
try {
    'iq1', 'iq2' | New-OnboardUser -ProgrammaticAccess | Export-OnboardCredential -Path '$(Join-Path $TestDrive 'never-asked.csv')' -WarningAction Inquire
    'ERROR none'
}
catch { 'ERROR ' + `$_.FullyQualifiedErrorId + ' ' + `$_ }
`$null = 'iq1', 'iq2' | New-OnboardUser -WhatIf -InformationVariable plan 6>`$null
'PLAN ' + (`$plan | Where-Object { `$_.Tags -contains 'IamOnboard.Summary' }).MessageData.Created
"@
        $child = Invoke-ChildPwshResult -Arguments @('-NoProfile', '-NonInteractive', '-Command', $script)
        $lines = $child.StdOut -split '\r?\n'
        ($lines -match '^ERROR ') | Should -BeLike 'ERROR PromptNotPossible,IamOnboard.Commands.ExportOnboardCredentialCommand Export-OnboardCredential would ask whether to continue after each warning (-WarningAction Inquire)*cannot prompt*' -Because ($child.StdErr -replace '\e\[[0-9;]*m')
        ($lines -match '^PLAN ') | Should -Be 'PLAN 2' -Because 'no user may be made before the refusal'
        Join-Path $TestDrive 'never-asked.csv' | Should -Not -Exist
    }

    It 'fails before anything is made when New-OnboardUser''s progress is set to ask ($ProgressPreference = ''Inquire'' under pwsh -NonInteractive)' {
        # Before, the batch ran, and its progress bar's first or last update ended New-OnboardUser with PowerShell's bare
        # "PowerShell is in NonInteractive mode. Read and Prompt functionality is not available.": users made with
        # passwords, only some of them in the credentials file, and no account of the rest.
        $file = Join-Path $TestDrive 'progress-asked.csv'
        $script = @"
Import-Module '$($env:IAMONBOARD_MODULE)'
`$null = Connect-Onboard -Local
foreach (`$run in { `$ProgressPreference = 'Inquire'; 'pq1', 'pq2', 'pq3' | New-OnboardUser -ConsoleAccess | Export-OnboardCredential -Path '$file' },
    { 'pq1', 'pq2', 'pq3' | New-OnboardUser -ConsoleAccess -ProgressAction Inquire | Export-OnboardCredential -Path '$file' }) {
    try { & `$run; 'ERROR none' } catch { 'ERROR ' + `$_.FullyQualifiedErrorId + ' ' + `$_ }
}
`$null = 'pq1', 'pq2', 'pq3' | New-OnboardUser -WhatIf -InformationVariable plan 6>`$null
'PLAN ' + (`$plan | Where-Object { `$_.Tags -contains 'IamOnboard.Summary' }).MessageData.Created
"@
        $child = Invoke-ChildPwshResult -Arguments @('-NoProfile', '-NonInteractive', '-Command', $script)
        $lines = $child.StdOut -split '\r?\n'
        $because = $child.StdOut + ($child.StdErr -replace '\e\[[0-9;]*m')
        $errors = @($lines -match '^ERROR ')
        $errors | Should -HaveCount 2 -Because $because
        $errors[0] | Should -BeLike 'ERROR PromptNotPossible,IamOnboard.Commands.NewOnboardUserCommand New-OnboardUser would ask whether to continue after each progress update ($ProgressPreference is ''Inquire''), but this session cannot prompt*Nothing in this pipeline was changed.' -Because $because
        $errors[1] | Should -BeLike 'ERROR PromptNotPossible,IamOnboard.Commands.NewOnboardUserCommand New-OnboardUser would ask whether to continue after each progress update (-ProgressAction Inquire)*' -Because $because
        ($lines -match '^PLAN ') | Should -Be 'PLAN 3' -Because 'no user may be made before the refusal'
        $file | Should -Not -Exist
    }
}

Describe 'Batch progress' {
    It 'completes every progress bar it shows, for a single call as for a piped batch' {
        $shell = [powershell]::Create()
        try {
            $null = $shell.AddScript({
                    param($Module, $Session, $Single, $Piped)
                    Import-Module $Module
                    $null = New-OnboardUser -UserName $Single -Session $Session
                    $null = $Piped | New-OnboardUser -Session $Session
                }).AddArgument($env:IAMONBOARD_MODULE).AddArgument($session).AddArgument((New-TestName 'single')).AddArgument(@((New-TestName 'piped1'), (New-TestName 'piped2')))
            $null = $shell.Invoke()
            $shell.Streams.Error | Should -BeNullOrEmpty
            $records = @($shell.Streams.Progress | Where-Object Activity -EQ 'Onboarding IAM users')
            $records | Should -Not -BeNullOrEmpty
            # Each call's bar: shown, then completed before the next call shows its own.
            $shown = 0
            $calls = 0
            foreach ($record in $records) {
                if ($record.RecordType -eq 'Completed') {
                    $shown | Should -BeGreaterThan 0 -Because 'a Completed record closes a bar that was shown'
                    $shown = 0
                    $calls++
                }
                else {
                    $shown++
                }
            }

            $shown | Should -Be 0 -Because 'the last bar shown was completed'
            $calls | Should -Be 2 -Because 'the single call and the piped batch each showed progress and completed it'
        }
        finally {
            $shell.Dispose()
        }
    }
}
