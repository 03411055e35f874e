#Requires -Modules Pester
# Every starter's credentials reach an output exactly once, whatever happens to the run: the reproductions of issue 13,
# run as an admin would, read back with the AWS CLI v2.

BeforeAll {
    Import-Module $env:IAMONBOARD_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force

    function Get-Keys($Endpoint, [string] $UserName) {
        @((Invoke-AwsCli -Endpoint $Endpoint -Arguments @('iam', 'list-access-keys', '--user-name', $UserName)).Json.AccessKeyMetadata)
    }

    function Get-TagKeys($Endpoint, [string] $UserName) {
        @((Invoke-AwsCli -Endpoint $Endpoint -Arguments @('iam', 'list-user-tags', '--user-name', $UserName)).Json.Tags | ForEach-Object Key)
    }

    function Start-StoppablePipeline([scriptblock] $Script, [object[]] $Arguments) {
        $shell = [powershell]::Create()
        $null = $shell.AddScript($Script)
        foreach ($argument in $Arguments) { $null = $shell.AddArgument($argument) }
        $output = [System.Management.Automation.PSDataCollection[psobject]]::new()
        [pscustomobject]@{ Shell = $shell; Output = $output; Handle = $shell.BeginInvoke([System.Management.Automation.PSDataCollection[psobject]]::new(), $output) }
    }

    function Wait-ForCalls($Endpoint, [string] $Action, [int] $Count, [int] $TimeoutSeconds = 120) {
        $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
        while ([DateTime]::UtcNow -lt $deadline) {
            $calls = 0
            $null = $Endpoint.GetStatistics().RequestsByAction.TryGetValue($Action, [ref] $calls)
            if ($calls -ge $Count) { return }
            Start-Sleep -Milliseconds 100
        }
        throw "The endpoint saw fewer than $Count $Action calls in $TimeoutSeconds s."
    }

    # The endpoint holds the next request of the action this long before carrying it out (its InterruptNext test hook,
    # reached through the endpoint object's internal server): a slow or throttled IAM at one exact call.
    function Suspend-NextRequest($Endpoint, [string] $Action, [int] $Milliseconds) {
        if (-not ('IamOnboardTests.Hold' -as [type])) {
            Add-Type -TypeDefinition 'namespace IamOnboardTests { public static class Hold { public static System.Action For(int milliseconds) { return () => System.Threading.Thread.Sleep(milliseconds); } } }'
        }
        $server = $Endpoint.GetType().GetProperty('Server', [System.Reflection.BindingFlags]'NonPublic, Instance').GetValue($Endpoint)
        $server.InterruptNext($Action, [IamOnboardTests.Hold]::For($Milliseconds))
    }

    # Every user: exactly one key, whose secret is in exactly one credentials file and signs as that user; its password
    # in exactly one file; no hand-off mark left. The admin's reads go through one CLI process; each key signs its own.
    function Assert-DeliveredExactlyOnce($Endpoint, [string[]] $UserNames, [string[]] $Files) {
        $rows = @(foreach ($file in $Files) { if (Test-Path $file) { Import-Csv $file | Add-Member -NotePropertyName File -NotePropertyValue $file -PassThru } })
        $reads = @(Invoke-AwsCliBatch -Endpoint $Endpoint -Commands @($UserNames | ForEach-Object {
                    , @('iam', 'list-access-keys', '--user-name', $_); , @('iam', 'list-user-tags', '--user-name', $_) }))
        for ($n = 0; $n -lt $UserNames.Count; $n++) {
            $name = $UserNames[$n]
            $keys = @($reads[2 * $n].Json.AccessKeyMetadata | Where-Object { $_ })
            $keys | Should -HaveCount 1 -Because "$name must end with exactly one access key"
            $keys[0].Status | Should -Be 'Active'
            $withKey = @($rows | Where-Object { $_.'Access key ID' -eq $keys[0].AccessKeyId })
            # File names only in the assertions: a failing test must not print the secrets into the log.
            @($withKey.File) | Should -HaveCount 1 -Because "the secret of $name's key must be in exactly one output file"
            $withPassword = @($rows | Where-Object { $_.'User name' -eq $name -and $_.Password })
            @($withPassword.File) | Should -HaveCount 1 -Because "$name's password must be in exactly one output file"
            $caller = Invoke-AwsCli -Endpoint $Endpoint -Arguments @('sts', 'get-caller-identity') -AccessKeyId $keys[0].AccessKeyId -SecretAccessKey $withKey[0].'Secret access key'
            $caller.ExitCode | Should -Be 0 -Because "the key in $($withKey[0].File) must work: $($caller.StdErr)"
            $caller.Json.Arn | Should -BeLike "*:user/$name"
            # Neither the hand-off mark nor a run's claim (iamonboard:claim:...) is left once the credentials are out.
            @($reads[2 * $n + 1].Json.Tags | ForEach-Object Key | Where-Object { $_ -like 'iamonboard:*' }) | Should -BeNullOrEmpty -Because "$name must keep no IamOnboard bookkeeping tag"
        }
    }
}

Describe 'Exactly once: credentials and interrupted runs' {
    BeforeAll {
        $endpoint = Start-OnboardLocalIam -Latency ([timespan]::FromMilliseconds(100))
        $session = Connect-TestEndpoint -Endpoint $endpoint
    }

    AfterAll {
        $endpoint | Stop-OnboardLocalIam -Confirm:$false
    }

    It 'a batch stopped midway and re-run twice with the plain README pipeline delivers every credential exactly once' {
        $prefix = New-TestName 'rerun'
        $names = 1..6 | ForEach-Object { "$prefix-$_" }
        $csv = Join-Path $TestDrive 'rerun.csv'
        @('User name,Console access,Programmatic access') + ($names | ForEach-Object { "$_,yes,yes" }) | Set-Content $csv
        $qr = Join-Path $TestDrive 'qr/'
        $files = 1..3 | ForEach-Object { Join-Path $TestDrive "c$_.csv" }
        $readme = {
            param($Module, $Csv, $Session, $Qr, $Out)
            Import-Module $Module
            Import-OnboardCsv $Csv | New-OnboardUser -Session $Session |
                Enable-OnboardVirtualMfa -Unattended -QrCodePath $Qr -Session $Session |
                Export-OnboardCredential -Path $Out
        }

        $before = 0
        $null = $endpoint.GetStatistics().RequestsByAction.TryGetValue('EnableMFADevice', [ref] $before)
        $run = Start-StoppablePipeline $readme @($env:IAMONBOARD_MODULE, $csv, $session, $qr, $files[0])
        Wait-ForCalls $endpoint 'EnableMFADevice' ($before + 3)
        $run.Shell.Stop()
        $run.Shell.Dispose()

        foreach ($out in $files[1], $files[2]) {
            & $readme $env:IAMONBOARD_MODULE $csv $session $qr $out -ErrorVariable failures -ErrorAction SilentlyContinue | Out-Null
            $failures | Should -BeNullOrEmpty
        }

        Assert-DeliveredExactlyOnce -Endpoint $endpoint -UserNames $names -Files $files
        foreach ($name in $names) {
            Join-Path $qr "$name.png" | Should -Exist
            (Invoke-AwsCli -Endpoint $endpoint -Arguments @('iam', 'list-mfa-devices', '--user-name', $name)).Json.MFADevices | Should -HaveCount 1
        }
    }

    It 'two runs of the same file at once (two processes) never delete each other''s keys, and every credential arrives once' {
        $prefix = New-TestName 'twice'
        $names = 1..16 | ForEach-Object { "$prefix-$_" }
        $csv = Join-Path $TestDrive 'twice.csv'
        @('User name,Console access,Programmatic access') + ($names | ForEach-Object { "$_,yes,yes" }) | Set-Content $csv
        $files = 'a', 'b', 'again' | ForEach-Object { Join-Path $TestDrive "twice-$_.csv" }
        # Both runs connect, then wait at a start line, so their batches really overlap (process start takes seconds).
        $go = Join-Path $TestDrive 'go'
        $script = 'Import-Module $env:T_MODULE; $s = Connect-Onboard -EndpointUrl $env:T_URL -AccessKey $env:T_KEY -SecretKey (ConvertTo-SecureString $env:T_SECRET -AsPlainText -Force); ' +
            'New-Item -ItemType File -Path $env:T_READY | Out-Null; while (-not (Test-Path $env:T_GO)) { Start-Sleep -Milliseconds 10 }; ' +
            'Import-OnboardCsv $env:T_CSV | New-OnboardUser -Session $s -ErrorAction SilentlyContinue | Export-OnboardCredential -Path $env:T_OUT'
        $runs = foreach ($out in $files[0], $files[1]) {
            $start = New-ChildPwshStartInfo -Arguments @('-NoProfile', '-NonInteractive', '-Command', $script)
            $values = @{ T_MODULE = $env:IAMONBOARD_MODULE; T_URL = $endpoint.Url; T_KEY = $endpoint.AccessKeyId; T_SECRET = (ConvertTo-PlainText $endpoint.SecretAccessKey)
                T_CSV = $csv; T_OUT = $out; T_READY = "$out.ready"; T_GO = $go }
            foreach ($key in $values.Keys) { $start.Environment[$key] = $values[$key] }
            [System.Diagnostics.Process]::Start($start)
        }
        $deadline = [DateTime]::UtcNow.AddMinutes(3)
        while (-not ((Test-Path "$($files[0]).ready") -and (Test-Path "$($files[1]).ready")) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
        $null = New-Item -ItemType File -Path $go
        foreach ($run in $runs) { $run.WaitForExit(300000) | Should -BeTrue }
        # A row one run refused (the other was handing it out) was delivered by the other; a plain re-run finds nothing to do.
        $null = Import-OnboardCsv $csv | New-OnboardUser -Session $session -WarningAction SilentlyContinue | Export-OnboardCredential -Path $files[2] -WarningAction SilentlyContinue
        Assert-DeliveredExactlyOnce -Endpoint $endpoint -UserNames $names -Files $files
    }

    It 'Export-OnboardCredential -Force refuses a file another run is writing, and that run''s lines all stay in it' {
        # Before: the -Force run renamed its new file over the path; the first run went on writing into the old, nameless
        # file and removed its users' hand-off marks, so every key it handed out after that was in no file at all.
        $prefix = New-TestName 'livefile'
        $names = 1..6 | ForEach-Object { "$prefix-$_" }
        $file = Join-Path $TestDrive 'livefile.csv'
        $writing = Start-StoppablePipeline {
            param($Module, $Names, $Session, $Out)
            Import-Module $Module
            $Names | New-OnboardUser -ProgrammaticAccess -ThrottleLimit 1 -Session $Session | Export-OnboardCredential -Path $Out
        } @($env:IAMONBOARD_MODULE, $names, $session, $file)
        $deadline = [DateTime]::UtcNow.AddMinutes(2)
        while (-not ((Test-Path $file) -and @(Get-Content $file).Count -ge 2) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 20 }
        @(Get-Content $file).Count | Should -BeLessThan ($names.Count + 1) -Because 'the first run must still be writing'

        $colleague = New-TestName 'livefile-other'
        $refused = $null
        try { New-OnboardUser $colleague -ProgrammaticAccess -Session $session | Export-OnboardCredential -Path $file -Force }
        catch { $refused = $_ }
        $refused | Should -Not -BeNullOrEmpty -Because 'a file another run is writing must not be replaced'
        $refused.FullyQualifiedErrorId | Should -BeLike 'CredentialFileInUse,*'
        $refused.Exception.Message | Should -BeLike "*'$file'*open in another process or run*"
        (Invoke-AwsCli -Endpoint $endpoint -Arguments @('iam', 'get-user', '--user-name', $colleague)).ExitCode | Should -Not -Be 0 -Because 'the refusal comes before any user is made'

        $writing.Shell.EndInvoke($writing.Handle) | Out-Null
        $writing.Shell.HadErrors | Should -BeFalse
        $writing.Shell.Dispose()
        Assert-DeliveredExactlyOnce -Endpoint $endpoint -UserNames $names -Files $file

        # Once that run is done, -Force replaces the file as before.
        New-OnboardUser $colleague -ProgrammaticAccess -Session $session | Export-OnboardCredential -Path $file -Force
        Assert-DeliveredExactlyOnce -Endpoint $endpoint -UserNames $colleague -Files $file
    }

    It 'Export-OnboardCredential -WhatIf keeps the credentials marked, so a re-run replaces them' {
        $name = New-TestName 'whatif'
        $file = Join-Path $TestDrive 'whatif.csv'
        $first = New-OnboardUser $name -ConsoleAccess -ProgrammaticAccess -Session $session | Export-OnboardCredential -Path $file -WhatIf
        $file | Should -Not -Exist
        Get-TagKeys $endpoint $name | Should -Contain 'iamonboard:handoff'

        $again = New-OnboardUser $name -ConsoleAccess -ProgrammaticAccess -Session $session -WarningAction SilentlyContinue | Export-OnboardCredential -Path $file -PassThru
        $again | Should -Not -BeNullOrEmpty
        Assert-DeliveredExactlyOnce -Endpoint $endpoint -UserNames $name -Files $file
    }

    It 'removes the mark of handed-out credentials even when UntagUser takes over a minute, as under throttling' {
        # The endpoint holds the next UntagUser for 65 s before carrying it out: under throttling, a removal that waits for
        # the budget and backs off takes as long. A fixed 60 s limit cut it short, reported the mark as not removed, and
        # left it for the next run, which would have replaced credentials someone already had.
        Suspend-NextRequest $endpoint 'UntagUser' 65000
        $name = New-TestName 'slowmark'
        $user = New-OnboardUser $name -ProgrammaticAccess -Session $session -ErrorVariable failures -ErrorAction SilentlyContinue
        @($failures | ForEach-Object { "$($_.FullyQualifiedErrorId): $_" }) | Should -BeNullOrEmpty
        $user.AccessKeyId | Should -Not -BeNullOrEmpty
        $endpoint.GetStatistics().RequestsByAction['UntagUser'] | Should -BeGreaterOrEqual 1
        Get-TagKeys $endpoint $name | Should -Not -Contain 'iamonboard:handoff'
    }

    It 'credentials sent to the screen, Out-Null or Format-* count as not handed out: a warning, the mark stays, and the re-run delivers them' {
        # The help's first example used to be New-OnboardUser typed alone: the password went to the screen as a
        # SecureString's type name, the mark was removed, and the starter's password was lost for good.
        $sinks = [ordered]@{
            'Out-Null'    = { param($n) New-OnboardUser $n -ConsoleAccess -ProgrammaticAccess -Session $session -WarningVariable +script:sinkWarnings -WarningAction SilentlyContinue | Out-Null }
            'Out-Default' = { param($n) New-OnboardUser $n -ConsoleAccess -Session $session -WarningVariable +script:sinkWarnings -WarningAction SilentlyContinue | Out-Default 6>&1 | Out-Null }
            'Format-Table' = { param($n) New-OnboardUser $n -ProgrammaticAccess -Session $session -WarningVariable +script:sinkWarnings -WarningAction SilentlyContinue | Format-Table | Out-Null }
        }
        $names = @()
        foreach ($sink in $sinks.Keys) {
            $script:sinkWarnings = @()
            $name = New-TestName 'sink'
            $names += $name
            & $sinks[$sink] $name
            ($script:sinkWarnings -join "`n") | Should -Match ([regex]::Escape("$($name): the new credentials went to $sink"))
            Get-TagKeys $endpoint $name | Should -Contain 'iamonboard:handoff' -Because "credentials sent to $sink reached nobody"
        }

        # Anything that may keep the object takes it: the mark goes, and no warning is given.
        $kept = New-TestName 'kept'
        $picked = New-OnboardUser $kept -ProgrammaticAccess -Session $session -WarningVariable keptWarnings | Select-Object UserName, AccessKeyId, SecretAccessKey
        $picked.SecretAccessKey | Should -BeOfType [securestring]
        $keptWarnings | Should -BeNullOrEmpty
        Get-TagKeys $endpoint $kept | Should -Not -Contain 'iamonboard:handoff'

        $file = Join-Path $TestDrive 'sinks.csv'
        $names | ForEach-Object { [pscustomobject]@{ UserName = $_; ConsoleAccess = 'yes'; ProgrammaticAccess = 'yes' } } |
            New-OnboardUser -Session $session -WarningAction SilentlyContinue | Export-OnboardCredential -Path $file
        Assert-DeliveredExactlyOnce -Endpoint $endpoint -UserNames $names -Files $file
    }

    It 'credentials passed through Sort-Object, Where-Object or Select-Object to a sink count as not handed out; an -OutVariable keeps them' {
        # The sink at the end decides: these commands pass objects on and keep none.
        $chains = [ordered]@{
            'Sort-Object, then Out-Null' = { param($n) New-OnboardUser $n -ProgrammaticAccess -Session $session -WarningVariable +script:chainWarnings -WarningAction SilentlyContinue | Sort-Object UserName | Out-Null }
            'Where-Object, then Format-Table' = { param($n) New-OnboardUser $n -ProgrammaticAccess -Session $session -WarningVariable +script:chainWarnings -WarningAction SilentlyContinue | Where-Object UserName | Format-Table | Out-Null }
            'Select-Object, then Sort-Object, then Out-Default (the screen)' = { param($n) New-OnboardUser $n -ProgrammaticAccess -Session $session -WarningVariable +script:chainWarnings -WarningAction SilentlyContinue | Select-Object UserName, SecretAccessKey | Sort-Object UserName | Out-Default 6>&1 | Out-Null }
        }
        foreach ($chain in $chains.Keys) {
            $script:chainWarnings = @()
            $name = New-TestName 'chain'
            & $chains[$chain] $name
            ($script:chainWarnings -join "`n") | Should -Match ([regex]::Escape("$($name): the new credentials went to $chain, which keeps no secret"))
            Get-TagKeys $endpoint $name | Should -Contain 'iamonboard:handoff' -Because "credentials sent through to $chain reached nobody"
        }

        # The same to a variable: kept, no warning, the mark goes.
        $kept = New-TestName 'chainkept'
        $picked = New-OnboardUser $kept -ProgrammaticAccess -Session $session -WarningVariable keptWarnings | Sort-Object UserName | Select-Object -First 1
        $picked.SecretAccessKey | Should -BeOfType [securestring]
        $keptWarnings | Should -BeNullOrEmpty
        Get-TagKeys $endpoint $kept | Should -Not -Contain 'iamonboard:handoff'

        # -OutVariable keeps the output whatever follows: Out-Null here.
        $outVariableName = New-TestName 'outvar'
        New-OnboardUser $outVariableName -ProgrammaticAccess -Session $session -OutVariable held -WarningVariable heldWarnings | Out-Null
        $held[0].SecretAccessKey | Should -BeOfType [securestring]
        $heldWarnings | Should -BeNullOrEmpty
        Get-TagKeys $endpoint $outVariableName | Should -Not -Contain 'iamonboard:handoff'
    }

    It 'a user Where-Object or Select-Object -Skip leaves out before Export-OnboardCredential counts as not handed out, with a warning' {
        # Before, New-OnboardUser removed the mark of the user the filter left out (its write returned, no IamOnboard
        # command had it, so "someone else" was taken to): its password reached nobody, and no re-run replaced it.
        $prefix = New-TestName 'filtered'
        $kept, $left = "$prefix-kept", "$prefix-left"
        $file = Join-Path $TestDrive 'filtered.csv'
        $kept, $left | New-OnboardUser -ConsoleAccess -ThrottleLimit 1 -Session $session -WarningVariable filterWarnings -WarningAction SilentlyContinue |
            Where-Object UserName -NE $left | Export-OnboardCredential -Path $file
        (Import-Csv $file).'User name' | Should -Be $kept
        Get-TagKeys $endpoint $kept | Should -Not -Contain 'iamonboard:handoff'
        Get-TagKeys $endpoint $left | Should -Contain 'iamonboard:handoff' -Because 'its password reached nobody, so the next run must replace it'
        @($filterWarnings | ForEach-Object { "$_" }) | Should -Be @(
            "$($left): Where-Object left the user out before it reached Export-OnboardCredential, so the new credentials reached nobody. They count as not handed out: the user keeps its tag 'iamonboard:handoff', and running the command again replaces them. To keep them, assign the output to a variable or pipe it to Export-OnboardCredential.")

        $skipped = New-TestName 'skipped'
        $skipFile = Join-Path $TestDrive 'skipped.csv'
        $skipped | New-OnboardUser -ConsoleAccess -Session $session -WarningVariable skipWarnings -WarningAction SilentlyContinue |
            Select-Object -Skip 1 | Export-OnboardCredential -Path $skipFile -WarningAction SilentlyContinue
        Get-TagKeys $endpoint $skipped | Should -Contain 'iamonboard:handoff'
        "$skipWarnings" | Should -BeLike "$($skipped): Select-Object left the user out before it reached Export-OnboardCredential*"
    }

    It 'through Sort-Object, a user Export-OnboardCredential refuses, or one left out after the sort, keeps its mark; the users written lose theirs' {
        # Sort-Object holds the users back until its end: New-OnboardUser's writes returned with nobody holding them, and
        # their marks were removed there, before Export-OnboardCredential had them. A user it then refused (its error
        # says "no password is lost": the user stays marked) or one Where-Object left out reached nobody, unmarked.
        $prefix = New-TestName 'sorted'
        $refused, $keyHolder = "$prefix-a-console", "$prefix-b-key"
        $keys = Join-Path $TestDrive 'sorted-keys.csv'
        @([pscustomobject]@{ UserName = $keyHolder; ProgrammaticAccess = 'yes' }, [pscustomobject]@{ UserName = $refused; ConsoleAccess = 'yes' }) |
            New-OnboardUser -Session $session | Sort-Object UserName |
            Export-OnboardCredential -Path $keys -Format AwsCliImport -ErrorVariable refusals -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        @($refusals).FullyQualifiedErrorId | Should -Be 'CredentialNotExportable,IamOnboard.Commands.ExportOnboardCredentialCommand'
        (Import-Csv $keys).'User name' | Should -Be $keyHolder
        Get-TagKeys $endpoint $refused | Should -Contain 'iamonboard:handoff' -Because 'its password reached no file, so the next run must replace it'
        Get-TagKeys $endpoint $keyHolder | Should -Not -Contain 'iamonboard:handoff'

        $kept, $left = "$prefix-c-kept", "$prefix-d-left"
        $file = Join-Path $TestDrive 'sorted.csv'
        $kept, $left | New-OnboardUser -ConsoleAccess -Session $session | Sort-Object UserName | Where-Object UserName -NE $left |
            Export-OnboardCredential -Path $file -WarningVariable leftWarnings -WarningAction SilentlyContinue
        (Import-Csv $file).'User name' | Should -Be $kept
        Get-TagKeys $endpoint $kept | Should -Not -Contain 'iamonboard:handoff'
        Get-TagKeys $endpoint $left | Should -Contain 'iamonboard:handoff'
        @($leftWarnings | ForEach-Object { "$_" }) | Should -Be @(
            "$($left): Sort-Object, then Where-Object did not pass the user on to Export-OnboardCredential, so the new credentials reached nobody. They count as not handed out: the user keeps its tag 'iamonboard:handoff', and running the onboarding again replaces them.")
    }

    It 'credentials passed through Tee-Object -FilePath to a sink count as not handed out; Tee-Object -Variable keeps them' {
        # Tee-Object -FilePath writes text (a SecureString as its type name) and passes the objects on: as with Sort-Object,
        # where it sends them decides. It used to count as keeping them: the mark went, and the key reached nobody.
        $script:teeWarnings = @()
        $lost = New-TestName 'teefile'
        New-OnboardUser $lost -ProgrammaticAccess -Session $session -WarningVariable +script:teeWarnings -WarningAction SilentlyContinue |
            Tee-Object -FilePath (Join-Path $TestDrive "$lost.txt") | Out-Null
        ($script:teeWarnings -join "`n") | Should -Match ([regex]::Escape("$($lost): the new credentials went to Tee-Object (its file keeps text), then Out-Null, which keeps no secret"))
        Get-TagKeys $endpoint $lost | Should -Contain 'iamonboard:handoff' -Because 'the key reached only a text file and Out-Null'

        $teed = New-TestName 'teevar'
        New-OnboardUser $teed -ProgrammaticAccess -Session $session -WarningVariable teedWarnings | Tee-Object -Variable teeHeld | Out-Null
        $teeHeld[0].SecretAccessKey | Should -BeOfType [securestring]
        $teedWarnings | Should -BeNullOrEmpty
        Get-TagKeys $endpoint $teed | Should -Not -Contain 'iamonboard:handoff'
    }

    It 'credentials thrown away ($null =, [void], > $null) or turned into text (Export-Csv, ConvertTo-Json, > file) count as not handed out' {
        # Each of these used to remove the mark: a re-run then said "Unchanged", and the starter's password was lost.
        $csv = Join-Path $TestDrive 'lossy.csv'
        $text = Join-Path $TestDrive 'lossy.txt'
        $lossy = [ordered]@{
            '$null ='        = { param($n) $null = New-OnboardUser $n -ConsoleAccess -Session $session -WarningVariable +script:lossyWarnings -WarningAction SilentlyContinue }
            '[void]'         = { param($n) [void](New-OnboardUser $n -ProgrammaticAccess -Session $session -WarningVariable +script:lossyWarnings -WarningAction SilentlyContinue) }
            '> $null'        = { param($n) New-OnboardUser $n -ProgrammaticAccess -Session $session -WarningVariable +script:lossyWarnings -WarningAction SilentlyContinue > $null }
            'Export-Csv'     = { param($n) New-OnboardUser $n -ConsoleAccess -Session $session -WarningVariable +script:lossyWarnings -WarningAction SilentlyContinue | Export-Csv $csv }
            'ConvertTo-Json' = { param($n) $null = New-OnboardUser $n -ProgrammaticAccess -Session $session -WarningVariable +script:lossyWarnings -WarningAction SilentlyContinue | ConvertTo-Json }
            '> file'         = { param($n) New-OnboardUser $n -ProgrammaticAccess -Session $session -WarningVariable +script:lossyWarnings -WarningAction SilentlyContinue > $text }
        }
        foreach ($way in $lossy.Keys) {
            $script:lossyWarnings = @()
            $name = New-TestName 'lossy'
            & $lossy[$way] $name
            ($script:lossyWarnings -join "`n") | Should -Match ([regex]::Escape("$($name): the new credentials went to")) -Because "$way keeps no secret"
            Get-TagKeys $endpoint $name | Should -Contain 'iamonboard:handoff' -Because "credentials sent through $way reached nobody"
        }

        # A variable keeps them: the same statement shape with a variable removes the mark.
        $kept = New-TestName 'kept'
        $held = New-OnboardUser $kept -ProgrammaticAccess -Session $session -WarningVariable keptWarnings
        $held.SecretAccessKey | Should -BeOfType [securestring]
        $keptWarnings | Should -BeNullOrEmpty
        Get-TagKeys $endpoint $kept | Should -Not -Contain 'iamonboard:handoff'
    }

    It 'credentials kept with Export-Clixml or ConvertTo-CliXml where it does not encrypt them (Linux, macOS) are handed out with a warning naming the file' -Skip:$IsWindows {
        # There a SecureString is written as the hex of its text: the file holds the password or key for anyone who can
        # read it. Before, the credentials counted as handed out without a word.
        $xml = Join-Path $TestDrive 'kept.xml'
        $name = New-TestName 'clixml'
        New-OnboardUser $name -ConsoleAccess -ProgrammaticAccess -Session $session -WarningVariable clixmlWarnings -WarningAction SilentlyContinue |
            Where-Object UserName | Export-Clixml -Path $xml
        $warning = $clixmlWarnings -join "`n"
        $warning | Should -Match ([regex]::Escape("$($name): the new credentials went to Where-Object, then Export-Clixml ($xml), which on this platform writes a SecureString unencrypted"))
        $warning | Should -Match 'Export-OnboardCredential'
        Get-TagKeys $endpoint $name | Should -Not -Contain 'iamonboard:handoff' -Because 'the file holds them: they were handed out'

        $text = New-TestName 'clixmltext'
        $kept = New-OnboardUser $text -ProgrammaticAccess -Session $session -WarningVariable textWarnings -WarningAction SilentlyContinue | ConvertTo-CliXml
        $kept | Should -Match "<SS N=.SecretAccessKey.>"
        ($textWarnings -join "`n") | Should -Match ([regex]::Escape("$($text): the new credentials went to ConvertTo-CliXml, which on this platform writes a SecureString unencrypted"))

        # Output without a secret says nothing.
        $plain = New-TestName 'clixmlplain'
        New-OnboardUser $plain -Session $session -WarningVariable plainWarnings | Export-Clixml -Path "$xml.2"
        $plainWarnings | Should -BeNullOrEmpty
    }

    It 'credentials a Start-Job writes to its own output count as not handed out, with a warning; kept in the job they count' {
        # The job's output reaches this process only as a deserialized copy, which Export-OnboardCredential refuses. Before,
        # writing it removed the mark: a re-run said Unchanged and made no new password, so the starter had none.
        $lost = New-TestName 'joblost'
        $kept = New-TestName 'jobkept'
        $file = Join-Path $TestDrive 'job-kept.csv'
        $env:TEST_JOB_SECRET = ConvertTo-PlainText $endpoint.SecretAccessKey # the job's process inherits it
        $job = Start-Job {
            Import-Module $using:env:IAMONBOARD_MODULE
            $null = Connect-Onboard -EndpointUrl $using:endpoint.Url -AccessKey $using:endpoint.AccessKeyId -SecretKey $env:TEST_JOB_SECRET
            $users = $using:kept | New-OnboardUser -ConsoleAccess
            $users | Export-OnboardCredential -Path $using:file
            $using:lost | New-OnboardUser -ConsoleAccess
        }
        try {
            $null = $job | Wait-Job -Timeout 120
            $job.State | Should -Be 'Completed'
            $copies = @($job | Receive-Job -WarningVariable jobWarnings -WarningAction SilentlyContinue)
        }
        finally {
            $job | Remove-Job -Force
            Remove-Item env:TEST_JOB_SECRET
        }
        $copies.UserName | Should -Be $lost
        ($jobWarnings -join "`n") | Should -Match ([regex]::Escape("$($lost): the new credentials went to the output of a job in another process"))
        ($jobWarnings -join "`n") | Should -Not -Match ([regex]::Escape($kept))
        Get-TagKeys $endpoint $lost | Should -Contain 'iamonboard:handoff' -Because 'only a deserialized copy left the job'
        Get-TagKeys $endpoint $kept | Should -Not -Contain 'iamonboard:handoff'
        (Import-Csv $file).'User name' | Should -Be $kept

        $again = $lost | New-OnboardUser -ConsoleAccess -Session $session -WarningAction SilentlyContinue
        $again.Password | Should -BeOfType [securestring] -Because 'the re-run replaces the password nobody received'
    }

    It 'an IamOnboard command that binds the user by name only passes the credentials on, or says it did not' {
        $group = New-OnboardGroup (New-TestName 'g') -Session $session
        $qr = Join-Path $TestDrive 'qr-byname'
        $null = New-Item -ItemType Directory $qr
        $policy = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"*"}]}'
        $file = Join-Path $TestDrive 'byname.csv'

        # The MFA stage before the group stage: Add-OnboardGroupMember binds the device's UserName and passes the device on.
        $mfaFirst = New-TestName 'mfafirst'
        New-OnboardUser $mfaFirst -ConsoleAccess -ProgrammaticAccess -Session $session |
            Enable-OnboardVirtualMfa -Unattended -QrCodePath $qr -Session $session |
            Add-OnboardGroupMember -GroupName $group.GroupName -Session $session |
            Export-OnboardCredential -Path $file
        # Add-OnboardInlinePolicy binds the user's UserName and passes the user on.
        $inline = New-TestName 'inline'
        New-OnboardUser $inline -ProgrammaticAccess -Session $session |
            Add-OnboardInlinePolicy -PolicyName Reader -PolicyDocument $policy -Session $session |
            Export-OnboardCredential -Path "$file.2"
        Assert-DeliveredExactlyOnce -Endpoint $endpoint -UserNames $mfaFirst, $inline -Files $file, "$file.2"
        (Invoke-AwsCli -Endpoint $endpoint -Arguments @('iam', 'list-groups-for-user', '--user-name', $mfaFirst)).Json.Groups.GroupName | Should -Be $group.GroupName
        (Invoke-AwsCli -Endpoint $endpoint -Arguments @('iam', 'list-user-policies', '--user-name', $inline)).Json.PolicyNames | Should -Be 'Reader'

        # A command that does not pass users on (Test-OnboardAccess), and one that declines (-WhatIf), name the user and keep the mark.
        $tested = New-TestName 'tested'
        $results = New-OnboardUser $tested -ProgrammaticAccess -Session $session | Test-OnboardAccess -Action iam:GetUser -Session $session -WarningVariable testWarnings
        $results.Decision | Should -Not -BeNullOrEmpty
        ($testWarnings -join "`n") | Should -Match ([regex]::Escape("$($tested): Test-OnboardAccess did not hand on the new credentials"))
        Get-TagKeys $endpoint $tested | Should -Contain 'iamonboard:handoff'
        $declined = New-TestName 'declined'
        New-OnboardUser $declined -ConsoleAccess -Session $session | Enable-OnboardVirtualMfa -Unattended -QrCodePath $qr -Session $session -WhatIf -WarningVariable mfaWarnings | Out-Null
        ($mfaWarnings -join "`n") | Should -Match ([regex]::Escape("$($declined): Enable-OnboardVirtualMfa did not hand on the new credentials"))
        Get-TagKeys $endpoint $declined | Should -Contain 'iamonboard:handoff'

        # An IamOnboard command the user cannot bind to (-UserName given for another user) never took it: the mark stays.
        $unbound = New-TestName 'unbound'
        New-OnboardUser $unbound -ProgrammaticAccess -Session $session -WarningVariable unboundWarnings -WarningAction SilentlyContinue |
            Test-OnboardAccess -UserName $tested -Action iam:GetUser -Session $session -ErrorAction SilentlyContinue | Out-Null
        ($unboundWarnings -join "`n") | Should -Match ([regex]::Escape("$($unbound): Test-OnboardAccess did not take the user"))
        Get-TagKeys $endpoint $unbound | Should -Contain 'iamonboard:handoff'
    }

    It 'a command that fails to take the user (an error in the next command) leaves the mark' {
        $name = New-TestName 'dropped'
        { New-OnboardUser $name -ProgrammaticAccess -Session $session | ForEach-Object { throw 'not taken' } } | Should -Throw
        Get-TagKeys $endpoint $name | Should -Contain 'iamonboard:handoff'
    }

    It 'Select-Object -First 1 downstream: the user taken loses its mark and keeps its key on a re-run; every other user made is named' {
        # Select-Object stops the commands before it once it has its object. That stop used to cut New-OnboardUser short:
        # the user in $first kept its mark, so the next run deleted the key the admin held, and the others were named nowhere.
        $names = 1..4 | ForEach-Object { New-TestName 'first' }
        $first = $names | New-OnboardUser -ProgrammaticAccess -Session $session -ThrottleLimit 4 -WarningVariable stopWarnings -WarningAction SilentlyContinue |
            Select-Object -First 1
        @($first).Count | Should -Be 1
        Get-TagKeys $endpoint $first.UserName | Should -Not -Contain 'iamonboard:handoff'
        $made = @((Invoke-AwsCli -Endpoint $endpoint -Arguments @('iam', 'list-users')).Json.Users.UserName | Where-Object { $names -contains $_ })
        foreach ($other in $made | Where-Object { $_ -ne $first.UserName }) {
            Get-TagKeys $endpoint $other | Should -Contain 'iamonboard:handoff'
            ($stopWarnings -join "`n") | Should -Match ([regex]::Escape("$($other): New-OnboardUser did not hand on the new credentials (Select-Object stopped it"))
        }

        $again = $first.UserName | New-OnboardUser -ProgrammaticAccess -Session $session
        $again.Status | Should -Be 'Unchanged'
        (Get-Keys $endpoint $first.UserName).AccessKeyId | Should -Be $first.AccessKeyId
    }

    It 'Select-Object -First 1 downstream: a row the stop cut short is rolled back and told in a warning, not as an error, with or without -ErrorAction Stop' {
        # Taking one user is what the pipeline asked for: no row failed, so $? and a runbook's exit code must not say one did.
        # A row cut short was an error without -ErrorAction Stop; with it, a warning, except the first, which was told nowhere.
        foreach ($action in 'Stop', 'SilentlyContinue') {
            $names = 1..4 | ForEach-Object { New-TestName 'cutshort' }
            Suspend-NextRequest $endpoint 'CreateAccessKey' 1500 # that user is still at IAM when another is taken
            $cutShort = $null
            $first = $names | New-OnboardUser -ProgrammaticAccess -Session $session -ThrottleLimit 4 -ErrorAction $action -ErrorVariable cutShort -WarningVariable cutWarnings -WarningAction SilentlyContinue |
                Select-Object -First 1
            @($first).Count | Should -Be 1
            $cutShort | Should -BeNullOrEmpty -Because "-ErrorAction $action"
            ($cutWarnings -join "`n") | Should -Match "IAM user 'cutshort-\w+' was not onboarded: the operation was stopped\. Everything this call had created was removed" -Because "-ErrorAction $action"
        }
    }

    It 'a command further down that stops the pipeline with an error: every user still held is named and keeps its mark' {
        $names = 1..3 | ForEach-Object { New-TestName 'downfail' }
        { $names | New-OnboardUser -ProgrammaticAccess -Session $session -WarningVariable +script:downWarnings -WarningAction SilentlyContinue |
            ForEach-Object { throw 'the next command failed' } } | Should -Throw '*the next command failed*'
        $made = @((Invoke-AwsCli -Endpoint $endpoint -Arguments @('iam', 'list-users')).Json.Users.UserName | Where-Object { $names -contains $_ })
        $made | Should -Not -BeNullOrEmpty
        foreach ($user in $made) {
            Get-TagKeys $endpoint $user | Should -Contain 'iamonboard:handoff'
        }

        # The user whose write met the error (taken back from the command that failed on it) and every other user held are named.
        $named = @($made | Where-Object { ($script:downWarnings -join "`n") -match [regex]::Escape("$($_): New-OnboardUser did not hand on the new credentials (the pipeline stopped on ") })
        $named.Count | Should -Be $made.Count
    }

    It '-ErrorAction Stop on a failing row creates no user after the failure' {
        $prefix = New-TestName 'stoprow'
        $rows = @(
            [pscustomobject]@{ UserName = "$prefix-1"; Group = '' }
            [pscustomobject]@{ UserName = "$prefix-2"; Group = 'no-such-group' }
        ) + (3..8 | ForEach-Object { [pscustomobject]@{ UserName = "$prefix-$_"; Group = '' } })
        { $rows | New-OnboardUser -Session $session -ThrottleLimit 1 -ErrorAction Stop } | Should -Throw -ErrorId 'GroupNotFound*'
        $existing = @((Invoke-AwsCli -Endpoint $endpoint -Arguments @('iam', 'list-users')).Json.Users.UserName | Where-Object { $_ -like "$prefix-*" })
        foreach ($n in 3..8) { $existing | Should -Not -Contain "$prefix-$n" }
    }

    It 'a stop while CreateUser is at IAM leaves no user behind: the create finishes and is rolled back' {
        # The endpoint holds the CreateUser 2 s before carrying it out; the run is stopped meanwhile. Abandoned in flight,
        # the create was still carried out after the run had stopped looking, and a user was left that no error named
        # (found with -ErrorAction Stop on another row of a batch, as with Ctrl+C).
        $name = New-TestName 'stopmidcreate'
        Suspend-NextRequest $endpoint 'CreateUser' 2000
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $run = Start-StoppablePipeline {
            param($Module, $Name, $Session)
            Import-Module $Module
            New-OnboardUser -UserName $Name -ProgrammaticAccess -Session $Session
        } @($env:IAMONBOARD_MODULE, $name, $session)
        # The new user's first request is its CreateUser (the key follows it): once one is in flight, it is the held one.
        while ($endpoint.GetStatistics().InFlight -lt 1 -and $clock.Elapsed.TotalSeconds -lt 60) { Start-Sleep -Milliseconds 20 }
        $endpoint.GetStatistics().InFlight | Should -Be 1
        Start-Sleep -Milliseconds 500
        $run.Shell.Stop()
        $run.Shell.Dispose()
        # Past the hold, when an abandoned create would have been carried out.
        while ($clock.Elapsed.TotalSeconds -lt 3 -or $endpoint.GetStatistics().InFlight -gt 0) { Start-Sleep -Milliseconds 100 }
        $left = Invoke-AwsCli -Endpoint $endpoint -Arguments @('iam', 'get-user', '--user-name', $name)
        $left.ExitCode | Should -Not -Be 0 -Because "the stopped run must leave no user '$name'"
        $left.StdErr | Should -Match 'NoSuchEntity'
    }

    It 'a stop while the last step (CreateAccessKey) is at IAM rolls the new user back, as a stop at any other step does' {
        # It was left made, with a password and an active key nobody had: no step after it looked at the stop.
        $name = New-TestName 'stoplast'
        Suspend-NextRequest $endpoint 'CreateAccessKey' 2000
        $before = 0
        $null = $endpoint.GetStatistics().RequestsByAction.TryGetValue('CreateAccessKey', [ref] $before)
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $run = Start-StoppablePipeline {
            param($Module, $Name, $Session)
            Import-Module $Module
            New-OnboardUser -UserName $Name -ConsoleAccess -ProgrammaticAccess -Session $Session
        } @($env:IAMONBOARD_MODULE, $name, $session)
        Wait-ForCalls $endpoint 'CreateAccessKey' ($before + 1)
        Start-Sleep -Milliseconds 500
        $run.Shell.Stop()
        $run.Shell.Dispose()
        while ($clock.Elapsed.TotalSeconds -lt 3 -or $endpoint.GetStatistics().InFlight -gt 0) { Start-Sleep -Milliseconds 100 }
        $left = Invoke-AwsCli -Endpoint $endpoint -Arguments @('iam', 'get-user', '--user-name', $name)
        $left.StdErr | Should -Match 'NoSuchEntity' -Because "the stopped run must leave no user '$name'"
    }

    It 'a user deleted by someone else while its credentials are handed out is reported as such, not with advice to untag it' {
        $name = New-TestName 'gone'
        $file = Join-Path $TestDrive "$name.csv"
        Suspend-NextRequest $endpoint 'UntagUser' 4000
        $before = 0
        $null = $endpoint.GetStatistics().RequestsByAction.TryGetValue('UntagUser', [ref] $before)
        $run = Start-StoppablePipeline {
            param($Module, $Name, $Session, $File)
            Import-Module $Module
            New-OnboardUser -UserName $Name -ProgrammaticAccess -Session $Session | Export-OnboardCredential -Path $File -ErrorVariable +failures -ErrorAction SilentlyContinue
            $failures | ForEach-Object { "$($_.FullyQualifiedErrorId)|$_" }
        } @($env:IAMONBOARD_MODULE, $name, $session, $file)
        Wait-ForCalls $endpoint 'UntagUser' ($before + 1)
        Remove-OnboardUser -UserName $name -Confirm:$false -Session $session
        $null = $run.Shell.EndInvoke($run.Handle)
        $run.Shell.Dispose()
        $reported = @($run.Output) -join "`n"
        $reported | Should -Match 'UserRemovedWhileHandedOut'
        $reported | Should -Match ([regex]::Escape("$($name): the new credentials were handed out, but the user was deleted meanwhile"))
        $reported | Should -Not -Match 'untag-user'
    }

    It 'Ctrl+C ends a slow three-stage run within seconds, and what it made stays marked for the next run' {
        $prefix = New-TestName 'ctrlc'
        $rows = 1..30 | ForEach-Object { [pscustomobject]@{ UserName = "$prefix-$_"; ConsoleAccess = 'yes'; ProgrammaticAccess = 'yes' } }
        $before = 0
        $null = $endpoint.GetStatistics().RequestsByAction.TryGetValue('CreateAccessKey', [ref] $before)
        $run = Start-StoppablePipeline {
            param($Module, $Rows, $Session, $Out)
            Import-Module $Module
            $Rows | New-OnboardUser -Session $Session | Enable-OnboardVirtualMfa -Unattended -IncludeSeed -Session $Session | Export-OnboardCredential -Path $Out
        } @($env:IAMONBOARD_MODULE, $rows, $session, (Join-Path $TestDrive 'ctrlc.csv'))
        Wait-ForCalls $endpoint 'CreateAccessKey' ($before + 6)
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $run.Shell.Stop()
        $clock.Stop()
        $run.Shell.Dispose()
        # Before: a stopped run waited up to 60 s per stage for writes that could no longer happen.
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 20

        $written = @(if (Test-Path (Join-Path $TestDrive 'ctrlc.csv')) { Import-Csv (Join-Path $TestDrive 'ctrlc.csv') | ForEach-Object 'User name' })
        $users = @((Invoke-AwsCli -Endpoint $endpoint -Arguments @('iam', 'list-users')).Json.Users.UserName | Where-Object { $_ -like "$prefix-*" })
        foreach ($name in $users | Where-Object { $_ -notin $written }) {
            $keys = Get-Keys $endpoint $name
            if ($keys.Count -gt 0) {
                Get-TagKeys $endpoint $name | Should -Contain 'iamonboard:handoff' -Because "$name has a key that reached no file"
            }
        }
    }

    It 'after Stop-Job on a thread job (a runbook''s timeout), the job''s warnings give the batch''s account, naming every user the stop left' {
        $prefix = New-TestName 'stopjob'
        $session = Connect-TestEndpoint -Endpoint $endpoint
        # The command after New-OnboardUser takes a while per user, so forty rows cannot end before the stop, whatever the
        # machine's speed.
        $job = Start-ThreadJob -ArgumentList $env:IAMONBOARD_MODULE, $prefix, $session -ScriptBlock {
            param($Module, $Prefix, $Session)
            Import-Module $Module
            1..40 | ForEach-Object { [pscustomobject]@{ UserName = "$Prefix-$_" } } |
                New-OnboardUser -Session $Session -ConsoleAccess -ThrottleLimit 2 |
                ForEach-Object { Start-Sleep -Milliseconds 250; $_.UserName }
        }
        try {
            # Stopped once two users have reached the command after New-OnboardUser, with more rows under way.
            $deadline = [DateTime]::UtcNow.AddSeconds(120)
            while ($job.Output.Count -lt 2 -and $job.State -in 'NotStarted', 'Running' -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
            $job.Output.Count | Should -BeGreaterOrEqual 2
            Stop-Job $job
            $null = Wait-Job $job -Timeout 60
            $job.State | Should -Be 'Stopped'
            # The account comes once the rows under way have had their grace, after the job is already Stopped.
            $deadline = [DateTime]::UtcNow.AddSeconds(60)
            do {
                Start-Sleep -Milliseconds 100
                $warnings = @($job.Warning | ForEach-Object Message)
            } while (-not ($warnings -like 'New-OnboardUser stopped before the end of its input:*') -and [DateTime]::UtcNow -lt $deadline)
        }
        finally { Remove-Job $job -Force }

        $account = @($warnings | Where-Object { $_ -like 'New-OnboardUser stopped before the end of its input: Ctrl+C or Stop-Job stopped it. Batch: *' })
        $account.Count | Should -Be 1 -Because "the job's warnings were: $($warnings -join ' | ')"
        $users = @((Invoke-AwsCli -Endpoint $endpoint -Arguments @('iam', 'list-users')).Json.Users.UserName | Where-Object { $_ -like "$prefix-*" })
        $users.Count | Should -BeGreaterOrEqual 2 -Because "the account was: $($account[0])"
        foreach ($name in $users) {
            # Each user the stop left is in the account: created, or cut short with its own warning of what its row left.
            $account[0] | Should -Match "(Created|Cut short \([^)]*\)): [^.]*\b$([regex]::Escape($name))\b" -Because "$name exists after Stop-Job"
        }
    }

    It 'after Stop-Job on a Start-Job (another process), Receive-Job gives the batch''s account, naming every user the stop left; a re-run finishes them' {
        $prefix = New-TestName 'startjob'
        $file = Join-Path $TestDrive 'startjob.csv'
        $env:TEST_JOB_SECRET = ConvertTo-PlainText $endpoint.SecretAccessKey # the job's process inherits it
        # The session is made in the job's process (a copy of one from here holds no credentials). The command after
        # New-OnboardUser takes a while per user, so forty rows cannot end before the stop, whatever the machine's speed.
        $job = Start-Job -ArgumentList $env:IAMONBOARD_MODULE, $endpoint.Url, $endpoint.AccessKeyId, $prefix -ScriptBlock {
            param($Module, $Url, $AccessKey, $Prefix)
            Import-Module $Module
            $null = Connect-Onboard -EndpointUrl $Url -AccessKey $AccessKey -SecretKey $env:TEST_JOB_SECRET
            1..40 | ForEach-Object { [pscustomobject]@{ UserName = "$Prefix-$_"; ConsoleAccess = 'yes' } } |
                New-OnboardUser -ThrottleLimit 2 |
                ForEach-Object { Start-Sleep -Milliseconds 250; $_.UserName }
        }
        try {
            # Stopped once two users have reached the command after New-OnboardUser, with more rows under way.
            $deadline = [DateTime]::UtcNow.AddSeconds(120)
            while ($job.ChildJobs[0].Output.Count -lt 2 -and $job.State -in 'NotStarted', 'Running' -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
            $job.ChildJobs[0].Output.Count | Should -BeGreaterOrEqual 2
            # Stop-Job returns once the job's process has stopped the pipeline, and so disposed New-OnboardUser, whose
            # account (written to the host then) came back over the job's channel before the job's Stopped state.
            Stop-Job $job
            $job.State | Should -Be 'Stopped'
            $taken = @(Receive-Job $job -WarningVariable jobWarnings -WarningAction SilentlyContinue 6>$null)
        }
        finally {
            Remove-Job $job -Force
            Remove-Item env:TEST_JOB_SECRET
        }

        $warnings = @($jobWarnings | ForEach-Object Message)
        $account = @($warnings | Where-Object { $_ -like 'New-OnboardUser stopped before the end of its input: Ctrl+C or Stop-Job stopped it. Batch: *' })
        $account.Count | Should -Be 1 -Because "Receive-Job's warnings were: $($warnings -join ' | ')"
        $users = @((Invoke-AwsCli -Endpoint $endpoint -Arguments @('iam', 'list-users')).Json.Users.UserName | Where-Object { $_ -like "$prefix-*" })
        $users.Count | Should -BeGreaterOrEqual 2 -Because "the account was: $($account[0])"
        $held = @()
        foreach ($name in $users) {
            $account[0] | Should -Match "(Created|Cut short \([^)]*\)): [^.]*\b$([regex]::Escape($name))\b" -Because "$name exists after Stop-Job"
            if ($name -notin $taken -and (Get-TagKeys $endpoint $name) -contains 'iamonboard:handoff') {
                # Its password reached nobody: named so, and left marked for the next run.
                $warnings | Should -Contain "$($name): New-OnboardUser did not hand on the new credentials (stopped by Ctrl+C or Stop-Job). They count as not handed out: the user keeps its tag 'iamonboard:handoff', and running the onboarding again replaces them."
                $held += $name
            }
        }

        # The same input run again gives the held users a new password that reaches the file.
        if ($held.Count -gt 0) {
            $held | ForEach-Object { [pscustomobject]@{ UserName = $_; ConsoleAccess = 'yes' } } |
                New-OnboardUser -Session $session -WarningAction SilentlyContinue | Export-OnboardCredential -Path $file
            @(Import-Csv $file | Where-Object Password | ForEach-Object 'User name' | Sort-Object) | Should -Be @($held | Sort-Object)
            foreach ($name in $held) { Get-TagKeys $endpoint $name | Should -Not -Contain 'iamonboard:handoff' }
        }
    }

    It 'after Ctrl+C the console still says what the stop left: the batch''s account and every user whose credentials reached nobody' {
        $prefix = New-TestName 'ctrlchost'
        $out = Join-Path $TestDrive 'ctrlchost.csv'
        $taken = Join-Path $TestDrive 'ctrlchost.taken'
        $go = Join-Path $TestDrive 'ctrlchost.stop'
        $keysBefore = 0
        $null = $endpoint.GetStatistics().RequestsByAction.TryGetValue('CreateAccessKey', [ref] $keysBefore)
        # Ctrl+C as the console gives it: the batch runs in a pipeline on the child's own console host, and Stop() is
        # called on it while the first user is being taken (the command after New-OnboardUser holds it) and the rows
        # after it go on. PowerShell then takes no more writes from the commands: only the host is left.
        $batch = {
            param($Module, $Url, $AccessKey, $Prefix, $Out, $Taken)
            Import-Module $Module
            $null = Connect-Onboard -EndpointUrl $Url -AccessKey $AccessKey -SecretKey (ConvertTo-SecureString $env:TEST_IAM_SECRET -AsPlainText -Force)
            1..30 | ForEach-Object { [pscustomobject]@{ UserName = "$Prefix-$_"; ConsoleAccess = 'yes'; ProgrammaticAccess = 'yes' } } |
                New-OnboardUser -ThrottleLimit 4 |
                ForEach-Object { $null = New-Item -ItemType File -Path $Taken -Force; while ($true) { Start-Sleep -Milliseconds 20 } } |
                Export-OnboardCredential -Path $Out
        }
        $script = @"
`$inner = [powershell]::Create()
`$inner.Runspace = [runspacefactory]::CreateRunspace(`$Host)
`$inner.Runspace.Open()
`$null = `$inner.AddScript([scriptblock]::Create(`$env:TEST_BATCH))
foreach (`$argument in '$($env:IAMONBOARD_MODULE)', '$($endpoint.Url)', '$($endpoint.AccessKeyId)', '$prefix', '$out', '$taken') { `$null = `$inner.AddArgument(`$argument) }
`$null = `$inner.BeginInvoke()
while (-not (Test-Path '$go')) { Start-Sleep -Milliseconds 20 }
`$inner.Stop()
'STOPPED ' + `$inner.InvocationStateInfo.State
"@
        $start = New-ChildPwshStartInfo -Arguments @('-NoProfile', '-NoLogo', '-NonInteractive', '-Command', $script)
        $start.RedirectStandardOutput = $true
        $start.RedirectStandardError = $true
        $start.Environment['TEST_IAM_SECRET'] = ConvertTo-PlainText $endpoint.SecretAccessKey
        $start.Environment['TEST_BATCH'] = $batch.ToString()
        $child = [System.Diagnostics.Process]::Start($start)
        $stdout = $child.StandardOutput.ReadToEndAsync()
        $stderr = $child.StandardError.ReadToEndAsync()
        try {
            $deadline = [DateTime]::UtcNow.AddSeconds(120)
            while (-not (Test-Path $taken) -and -not $child.HasExited -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 20 }
            Test-Path $taken | Should -BeTrue -Because 'the first user reaches the command after New-OnboardUser'
            # The three rows begun with it (-ThrottleLimit 4) go on to their end and are held behind the one being taken;
            # no row after them begins, as the pipeline thread is with the taking. The stop comes once they have ended.
            Wait-ForCalls $endpoint 'CreateAccessKey' ($keysBefore + 4)
            $deadline = [DateTime]::UtcNow.AddSeconds(60)
            while ($endpoint.GetStatistics().InFlight -gt 0 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 20 }
            $null = New-Item -ItemType File -Path $go
            $child.WaitForExit(120000) | Should -BeTrue
        }
        finally {
            if (-not $child.HasExited) { $child.Kill($true) }
        }
        $told = ($stdout.Result + "`n" + $stderr.Result) -replace "\e\[[0-9;]*m", ''
        $told | Should -Match 'STOPPED Stopped'
        # Before: nothing but STOPPED; the users made, and those whose credentials reached nobody, were named nowhere.
        $told | Should -Match 'New-OnboardUser stopped before the end of its input: Ctrl\+C or Stop-Job stopped it\. Batch: \d+ rows: [3-9] created'
        Test-Path $out | Should -BeFalse -Because 'nothing reached Export-OnboardCredential'
        # The four rows begun: the three that ended behind the one being taken were held, so their credentials reached
        # nobody; the one being taken reached nobody either: named so too, or, when its row had not yet ended, as cut
        # short, with the row's own error (on the console too) saying it was undone.
        $held = @(1..4 | Where-Object { $told -match "(?m)^WARNING: $([regex]::Escape("$prefix-$_")): New-OnboardUser did not hand on the new credentials \(stopped by Ctrl\+C or Stop-Job\)" })
        $held.Count | Should -BeGreaterOrEqual 3 -Because 'the rows that had ended were held behind the one being taken'
        foreach ($row in 1..4 | Where-Object { $_ -notin $held }) {
            $name = [regex]::Escape("$prefix-$row")
            $told | Should -Match "Cut short \([^)]*\): [^.]*\b$name\b[\s\S]*row $($row): IAM user '$name' was not onboarded: the operation was stopped\."
        }
        $users = @((Invoke-AwsCli -Endpoint $endpoint -Arguments @('iam', 'list-users')).Json.Users.UserName | Where-Object { $_ -like "$prefix-*" })
        foreach ($name in $users) {
            # Each user the stop left is named as one whose credentials reached nobody (it keeps its mark, so the next run
            # replaces them), or as cut short with its own warning of what its row left.
            $told | Should -Match "(?m)^WARNING: $([regex]::Escape($name)): New-OnboardUser did not hand on the new credentials \(stopped by Ctrl\+C or Stop-Job\)|Cut short \([^)]*\): [^.]*\b$([regex]::Escape($name))\b" -Because "$name exists after the stop"
            if ((Get-Keys $endpoint $name).Count -gt 0) {
                Get-TagKeys $endpoint $name | Should -Contain 'iamonboard:handoff' -Because "$name's key reached nobody"
            }
        }
    }

    It 'SIGTERM (a runbook''s timeout, docker stop) stops a batch as Ctrl+C does, says what it left, and ends the process with 143' -Skip:$IsWindows {
        # Before, .NET ended the process at once: exit 143 and not a word of the users made, cut short or never handed out.
        $prefix = New-TestName 'sigterm'
        $out = Join-Path $TestDrive 'sigterm.csv'
        $script = Join-Path $TestDrive 'sigterm.ps1'
        Set-Content $script @'
param($Module, $Url, $AccessKey, $Prefix, $Out)
Import-Module $Module
$null = Connect-Onboard -EndpointUrl $Url -AccessKey $AccessKey -SecretKey (ConvertTo-SecureString $env:TEST_IAM_SECRET -AsPlainText -Force)
1..40 | ForEach-Object { [pscustomobject]@{ UserName = "$Prefix-$_"; ConsoleAccess = 'yes'; ProgrammaticAccess = 'yes' } } |
    New-OnboardUser -ThrottleLimit 2 | Export-OnboardCredential -Path $Out
'NOT STOPPED'
'@
        $keysBefore = 0
        $null = $endpoint.GetStatistics().RequestsByAction.TryGetValue('CreateAccessKey', [ref] $keysBefore)
        $start = New-ChildPwshStartInfo -Arguments @('-NoProfile', '-NoLogo', '-NonInteractive', '-File', $script, $env:IAMONBOARD_MODULE, $endpoint.Url, $endpoint.AccessKeyId, $prefix, $out)
        $start.RedirectStandardOutput = $true
        $start.RedirectStandardError = $true
        $start.Environment['TEST_IAM_SECRET'] = ConvertTo-PlainText $endpoint.SecretAccessKey
        $child = [System.Diagnostics.Process]::Start($start)
        $stdout = $child.StandardOutput.ReadToEndAsync()
        $stderr = $child.StandardError.ReadToEndAsync()
        try {
            Wait-ForCalls $endpoint 'CreateAccessKey' ($keysBefore + 2)
            $kill = (Get-Command kill -CommandType Application | Select-Object -First 1).Source
            & $kill -TERM $child.Id
            $child.WaitForExit(120000) | Should -BeTrue
        }
        finally {
            if (-not $child.HasExited) { $child.Kill($true) }
        }
        $child.ExitCode | Should -Be 143 -Because 'the exit status of a process SIGTERM ended, as before'
        $told = ($stdout.Result + "`n" + $stderr.Result) -replace "\e\[[0-9;]*m", ''
        $told | Should -Not -Match 'NOT STOPPED' -Because 'the script goes no further, as SIGTERM asked'
        $told | Should -Match 'New-OnboardUser stopped before the end of its input: SIGTERM \(the process was asked to end\) stopped it\. Batch: \d+ rows: \d+ created'
        $written = if (Test-Path $out) { @(Import-Csv $out).'User name' } else { @() }
        $users = @((Invoke-AwsCli -Endpoint $endpoint -Arguments @('iam', 'list-users')).Json.Users.UserName | Where-Object { $_ -like "$prefix-*" })
        $users | Should -Not -BeNullOrEmpty
        foreach ($name in $users) {
            # Every user the run left is in the credentials file, or named: cut short, or credentials that reached nobody.
            if ($name -notin $written) {
                $told | Should -Match "(?m)^WARNING: $([regex]::Escape($name)): New-OnboardUser did not hand on the new credentials \(stopped by SIGTERM|Cut short \([^)]*\): [^.]*\b$([regex]::Escape($name))\b" -Because "$name exists after the stop"
            }
        }
    }
}

Describe 'Exactly once: MFA seeds and QR codes' {
    BeforeAll {
        $endpoint = Start-OnboardLocalIam
        $session = Connect-TestEndpoint -Endpoint $endpoint
    }

    AfterAll {
        $endpoint | Stop-OnboardLocalIam -Confirm:$false
    }

    It 'a re-run of the pipeline passes users whose MFA is already enabled on, with their new secrets' {
        $name = New-TestName 'mfaagain'
        $first = New-OnboardUser $name -ConsoleAccess -Session $session | Enable-OnboardVirtualMfa -Unattended -IncludeSeed -Session $session # taken, seed and all
        # The hand-off mark as a killed run leaves it: a password that reached nobody.
        $null = Invoke-AwsCli -Endpoint $endpoint -Arguments @('iam', 'tag-user', '--user-name', $name, '--tags', 'Key=iamonboard:handoff,Value=password')
        $again = New-OnboardUser $name -ConsoleAccess -Session $session -WarningAction SilentlyContinue |
            Enable-OnboardVirtualMfa -Unattended -IncludeSeed -Session $session -ErrorVariable failed -ErrorAction SilentlyContinue
        $failed | Should -BeNullOrEmpty
        $again.Status | Should -Be 'AlreadyEnabled'
        $again.User.Password | Should -Not -BeNullOrEmpty
        Get-TagKeys $endpoint $name | Should -Not -Contain 'iamonboard:handoff'
    }

    It 'unattended enrolment of a console user without a way for the seed to reach them is refused before anything is made' {
        $name = New-TestName 'noseed'
        $null = New-OnboardUser $name -ConsoleAccess -Session $session |
            Enable-OnboardVirtualMfa -Unattended -Session $session -ErrorVariable refused -ErrorAction SilentlyContinue
        $refused | Should -HaveCount 1
        $refused[0].FullyQualifiedErrorId | Should -BeLike 'MfaSeedWouldBeLost*'
        $refused[0].Exception.Message | Should -Match 'QrCodePath'
        (Invoke-AwsCli -Endpoint $endpoint -Arguments @('iam', 'list-virtual-mfa-devices')).Json.VirtualMFADevices.SerialNumber | Should -Not -BeLike "*/$name"
        # By name too: the login profile says it is a person.
        Enable-OnboardVirtualMfa -UserName $name -Unattended -Session $session -ErrorVariable byName -ErrorAction SilentlyContinue | Out-Null
        $byName[0].FullyQualifiedErrorId | Should -BeLike 'MfaSeedWouldBeLost*'
    }

    It '-QrCodePath naming one file serves one user; the others get an error before anything is created' {
        $prefix = New-TestName 'qr'
        $png = Join-Path $TestDrive 'one.png'
        $out = 'g1', 'g2', 'g3' | ForEach-Object { "$prefix-$_" } | New-OnboardUser -ConsoleAccess -Session $session |
            Enable-OnboardVirtualMfa -Unattended -QrCodePath $png -Session $session -ErrorVariable clashes -ErrorAction SilentlyContinue
        $out | Should -HaveCount 1
        $clashes | Should -HaveCount 2
        $clashes.FullyQualifiedErrorId | ForEach-Object { $_ | Should -BeLike 'QrCodePathIsOneFile*' }
        # The users themselves were made upstream: before, the error said "Nothing was created for <user>".
        $clashes | ForEach-Object { "$_" | Should -BeLike "*for more than one user give a folder (each gets <user>.png). No MFA device was created for $prefix-g?." }
        $devices = (Invoke-AwsCli -Endpoint $endpoint -Arguments @('iam', 'list-virtual-mfa-devices')).Json.VirtualMFADevices.SerialNumber
        @($devices | Where-Object { $_ -like "*/$prefix-*" }) | Should -HaveCount 1
    }

    It 'a QR file left by an enrolment killed before enabling does not block the re-run; a file of an enabled device still does' {
        $name = New-TestName 'qrkilled'
        $folder = Join-Path $TestDrive 'killed-qr/'
        $png = Join-Path $folder "$name.png"
        # A person's enrolment in a process of its own: it writes the QR code, then waits at the prompt for two codes,
        # and is killed there (a closed terminal, a stopped runbook), before the device is enabled.
        $script = 'Import-Module $env:T_MODULE; $null = Connect-Onboard -EndpointUrl $env:T_URL -AccessKey $env:T_KEY -SecretKey (ConvertTo-SecureString $env:T_SECRET -AsPlainText -Force); ' +
            'New-OnboardUser $env:T_NAME -ConsoleAccess | Enable-OnboardVirtualMfa -QrCodePath $env:T_QR'
        $start = New-ChildPwshStartInfo -Arguments @('-NoProfile', '-Command', $script)
        $values = @{ T_MODULE = $env:IAMONBOARD_MODULE; T_URL = $endpoint.Url; T_KEY = $endpoint.AccessKeyId; T_SECRET = (ConvertTo-PlainText $endpoint.SecretAccessKey); T_NAME = $name; T_QR = $folder }
        foreach ($key in $values.Keys) { $start.Environment[$key] = $values[$key] }
        $start.RedirectStandardInput = $true
        $start.RedirectStandardOutput = $true
        $start.RedirectStandardError = $true
        $child = [Diagnostics.Process]::Start($start)
        try {
            $null = $child.StandardOutput.ReadToEndAsync(); $null = $child.StandardError.ReadToEndAsync()
            $deadline = [DateTime]::UtcNow.AddSeconds(60)
            while (-not (Test-Path $png) -and -not $child.HasExited -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
            Test-Path $png | Should -BeTrue -Because 'the enrolment writes the QR code before it asks for codes'
        }
        finally {
            $child.Kill($true)
            $child.WaitForExit()
        }
        $left = (Invoke-AwsCli -Endpoint $endpoint -Arguments @('iam', 'list-virtual-mfa-devices', '--assignment-status', 'Unassigned')).Json.VirtualMFADevices.SerialNumber |
            Where-Object { $_ -like "*/$name" }
        $left | Should -HaveCount 1

        # The README's pipeline again: the dead enrolment's code signs no one in, so its file gives way, with a warning.
        $again = New-OnboardUser $name -ConsoleAccess -Session $session -WarningAction SilentlyContinue |
            Enable-OnboardVirtualMfa -Unattended -QrCodePath $folder -Session $session -WarningVariable warned -WarningAction SilentlyContinue -ErrorVariable failed -ErrorAction SilentlyContinue
        $failed | Should -BeNullOrEmpty
        $again.Status | Should -Be 'Enabled'
        "$warned" | Should -BeLike "*$left*enabled for nobody*replaced*"
        $devices = (Invoke-AwsCli -Endpoint $endpoint -Arguments @('iam', 'list-mfa-devices', '--user-name', $name)).Json.MFADevices
        $devices | Should -HaveCount 1
        $bytes = [IO.File]::ReadAllBytes($png)
        [Text.Encoding]::ASCII.GetString($bytes).Contains("IamOnboard-MFA-device$([char]0)$($devices[0].SerialNumber)") | Should -BeTrue -Because 'the new file names the new, enabled device'

        # That file now holds the code of an enabled device: another user's enrolment must not take its place.
        $other = New-TestName 'qrother'
        Copy-Item $png (Join-Path $folder "$other.png")
        $null = New-OnboardUser $other -ConsoleAccess -Session $session |
            Enable-OnboardVirtualMfa -Unattended -QrCodePath $folder -Session $session -ErrorVariable refused -ErrorAction SilentlyContinue
        $refused[0].FullyQualifiedErrorId | Should -BeLike 'QrCodeFileExists*'
        [IO.File]::ReadAllBytes((Join-Path $folder "$other.png")) | Should -Be $bytes
    }

    It '-QrCodePath never replaces an existing file without -Force' {
        $name = New-TestName 'qrkeep'
        $png = Join-Path $TestDrive 'precious.png'
        Set-Content -Path $png -Value 'not mine'
        $null = New-OnboardUser $name -ConsoleAccess -Session $session |
            Enable-OnboardVirtualMfa -Unattended -QrCodePath $png -Session $session -ErrorVariable refused -ErrorAction SilentlyContinue
        $refused[0].FullyQualifiedErrorId | Should -BeLike 'QrCodeFileExists*'
        Get-Content $png | Should -Be 'not mine'
        (Invoke-AwsCli -Endpoint $endpoint -Arguments @('iam', 'list-mfa-devices', '--user-name', $name)).Json.MFADevices | Should -BeNullOrEmpty

        $null = Enable-OnboardVirtualMfa -UserName $name -Unattended -QrCodePath $png -Force -Session $session
        [IO.File]::ReadAllBytes($png)[1..3] | Should -Be ([byte[]][char[]]'PNG')
    }
}
