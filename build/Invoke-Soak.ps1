# The fault matrix at scale (build.ps1 soak): a batch of users with console access, a key and unattended MFA
# against a local endpoint that throttles, fails and drops responses, one re-run, then a table of what was injected
# and what (if anything) was lost. Then the exactly-once modes, each with the README's pipeline for people: two runs
# of the same file at once (two processes, as two admins would), and a run stopped at a random point followed by
# re-runs; every key must sign as its user and sit in exactly one credentials file. Not part of 'test': it takes minutes.
param(
    [Parameter(Mandatory)] [string] $ModuleManifest,
    [int] $Users = 1000
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
Import-Module $ModuleManifest -Force
# The debug stream carries the client's "attempt N of M" lines, one per retry; the switch would prompt in a non-interactive pwsh.
$DebugPreference = 'Continue'

# The read-back uses the session's own IAM client, which the module keeps internal: reached by reflection, here only.
function Get-IamClient($Session) {
    $Session.GetType().GetProperty('Iam', [Reflection.BindingFlags]'NonPublic,Public,Instance').GetValue($Session)
}

$modes = @(
    @{ Mode = 'throttling storm'; Options = @{ ThrottleRate = 50; ThrottleBurst = 100 } }
    @{ Mode = 'failures + dropped responses'; Options = @{ FailureRate = 0.05; DropResponseRate = 0.05 } }
    @{ Mode = 'both'; Options = @{ ThrottleRate = 50; ThrottleBurst = 100; FailureRate = 0.05; DropResponseRate = 0.05 } }
)

$work = Join-Path ([IO.Path]::GetTempPath()) "iamonboard-soak-$PID"
$null = New-Item -ItemType Directory -Path $work -Force
$file = Join-Path $work 'starters.csv'
@('User name,ConsoleAccess,PasswordResetRequired,ProgrammaticAccess') +
    (1..$Users | ForEach-Object { "soak-$_,yes,yes,yes" }) | Set-Content -Path $file -Encoding utf8NoBOM

function Get-AwsCliV2 {
    # An older AWS CLI v1 may come first on PATH: the one whose --version says aws-cli/2.
    foreach ($candidate in @(@(Get-Command aws -All -CommandType Application -ErrorAction SilentlyContinue | ForEach-Object Source) + '/usr/bin/aws' | Select-Object -Unique)) {
        if ((Test-Path $candidate) -and ((& $candidate --version 2>&1 | Out-String) -match '^aws-cli/2\.')) { return $candidate }
    }
    throw 'The AWS CLI v2 is not installed (Debian package awscli).'
}

function Test-ConsolePassword($Endpoint, $Key, [string] $Password) {
    # Whether the password in a credentials line is the user's console password now: ChangePassword to the same
    # password is refused for a wrong old one ("incorrect"), and accepted for the right one, changing nothing.
    $env:AWS_ACCESS_KEY_ID = $Key.'Access key ID'; $env:AWS_SECRET_ACCESS_KEY = $Key.'Secret access key'
    try {
        $said = & $script:AwsCli iam change-password --endpoint-url $Endpoint.Url --region us-east-1 --old-password $Password --new-password $Password 2>&1 | Out-String
        if ($LASTEXITCODE -eq 0) { return $true }
        if ($said -match 'incorrect') { return $false }
        throw "ChangePassword failed: $said"
    }
    finally { $env:AWS_ACCESS_KEY_ID = $null; $env:AWS_SECRET_ACCESS_KEY = $null }
}

function Invoke-ExactlyOnceMode {
    # Runs the README's pipeline for people the way the mode says, then the same pipeline once more to converge, and
    # checks every user against the credentials files all those runs wrote.
    param([string] $Mode, [string] $Work, [string] $File, [int] $Users, [string] $ModuleManifest)
    $folder = Join-Path $Work ($Mode -replace '\W', '-')
    $qr = Join-Path $folder 'qr/'
    $null = New-Item -ItemType Directory -Path $folder -Force
    $state = Join-Path $folder 'state.json'
    $endpoint = Start-OnboardLocalIam -StatePath $state -Latency ([timespan]::FromMilliseconds(20)) -FailureRate 0.02 -DropResponseRate 0.02
    $readme = 'Import-Module $env:T_MODULE; $s = Connect-Onboard -EndpointUrl $env:T_URL -AccessKey $env:T_KEY -SecretKey (ConvertTo-SecureString $env:T_SECRET -AsPlainText -Force); ' +
        'Import-OnboardCsv $env:T_FILE | New-OnboardUser -Session $s -ErrorAction SilentlyContinue | Enable-OnboardVirtualMfa -Unattended -QrCodePath $env:T_QR -Session $s -ErrorAction SilentlyContinue | Export-OnboardCredential -Path $env:T_OUT'
    $secret = [Net.NetworkCredential]::new('', $endpoint.SecretAccessKey).Password
    $files = [Collections.Generic.List[string]]::new()
    $clock = [Diagnostics.Stopwatch]::StartNew()
    function Start-Run([string] $Out) {
        $files.Add($Out)
        $start = [Diagnostics.ProcessStartInfo]::new([Environment]::ProcessPath)
        if ([IO.Path]::GetFileNameWithoutExtension([Environment]::ProcessPath) -eq 'dotnet') { $start.ArgumentList.Add([Environment]::GetCommandLineArgs()[0]) }
        foreach ($a in '-NoProfile', '-NonInteractive', '-Command', $readme) { $start.ArgumentList.Add($a) }
        $start.UseShellExecute = $false
        $start.RedirectStandardOutput = $true
        $start.RedirectStandardError = $true
        $values = @{ T_MODULE = $ModuleManifest; T_URL = $endpoint.Url; T_KEY = $endpoint.AccessKeyId; T_SECRET = $secret; T_FILE = $File; T_QR = $qr; T_OUT = $Out }
        foreach ($k in $values.Keys) { $start.Environment[$k] = $values[$k] }
        $process = [Diagnostics.Process]::Start($start)
        $null = $process.StandardOutput.ReadToEndAsync(); $null = $process.StandardError.ReadToEndAsync()
        $process
    }
    try {
        if ($Mode -eq 'two runs at once') {
            $runs = @(Start-Run (Join-Path $folder 'a.csv'); Start-Run (Join-Path $folder 'b.csv'))
            $runs | ForEach-Object { $_.WaitForExit() }
        }
        else {
            $run = Start-Run (Join-Path $folder 'stopped.csv')
            Start-Sleep -Milliseconds (Get-Random -Minimum 2000 -Maximum 15000)
            $run.Kill($true)
            $run.WaitForExit()
        }
        foreach ($again in 1, 2) { (Start-Run (Join-Path $folder "again-$again.csv")).WaitForExit() }
        $clock.Stop()

        # Read back from the same state without faults, so every read answers.
        $endpoint | Stop-OnboardLocalIam -Confirm:$false
        $endpoint = Start-OnboardLocalIam -StatePath $state
        $session = Connect-Onboard -EndpointUrl $endpoint.Url -AccessKey $endpoint.AccessKeyId -SecretKey $endpoint.SecretAccessKey
        $iam = Get-IamClient $session
        $rows = @(foreach ($f in $files) { if (Test-Path $f) { Import-Csv $f } })
        $none = [Threading.CancellationToken]::None
        function Wait-Iam($Task) { $Task.GetAwaiter().GetResult() }
        $assigned = @{}
        foreach ($device in (Wait-Iam ($iam.ListVirtualMfaDevicesAsync('Assigned', $none)))) { $assigned[$device.UserName] = 1 + [int]$assigned[$device.UserName] }
        $result = [ordered]@{ Mode = $Mode; Rows = $Users; Seconds = [int]$clock.Elapsed.TotalSeconds; Incomplete = 0; KeysNotInOneFile = 0; KeysNotWorking = 0; PasswordsNotInOneFile = 0; StalePasswordRows = 0; MarksLeft = 0; QrMissing = 0
            UnassignedMfa = @(Wait-Iam ($iam.ListVirtualMfaDevicesAsync('Unassigned', $none))).Count }
        foreach ($n in 1..$Users) {
            $name = "soak-$n"
            $keys = @(try { Wait-Iam ($iam.ListAccessKeysAsync($name, $none)) } catch { })
            if ($keys.Count -ne 1 -or $assigned[$name] -ne 1) { $result.Incomplete++ }
            foreach ($key in $keys) {
                $holders = @($rows | Where-Object { $_.'Access key ID' -eq $key.AccessKeyId })
                if ($holders.Count -ne 1) { $result.KeysNotInOneFile++; continue }
                # The secret in the file must sign as the user: STS says whose key it is (a starter may call nothing else).
                try {
                    $who = Connect-Onboard -EndpointUrl $endpoint.Url -AccessKey $key.AccessKeyId -SecretKey $holders[0].'Secret access key'
                    if ($who.CallerArn -notlike "*:user/$name") { $result.KeysNotWorking++ }
                    $who.Dispose()
                }
                catch { $result.KeysNotWorking++ }
            }
            $passwordRows = @($rows | Where-Object { $_.'User name' -eq $name -and $_.Password })
            if ($passwordRows.Count -gt 1 -and $keys.Count -eq 1) {
                # A run killed after writing a user's line but before removing the mark: the re-run made a new password,
                # so the first line's no longer works. Which ones do: IAM's ChangePassword, signed as the starter, takes
                # only the current one (and is then given it back unchanged).
                $key = @($rows | Where-Object { $_.'Access key ID' -eq $keys[0].AccessKeyId })
                $working = @($passwordRows | Where-Object { $key.Count -eq 1 -and (Test-ConsolePassword -Endpoint $endpoint -Key $key[0] -Password $_.Password) })
                $result.StalePasswordRows += $passwordRows.Count - $working.Count
                $passwordRows = $working
            }
            if ($passwordRows.Count -ne 1) { $result.PasswordsNotInOneFile++ }
            $user = Wait-Iam ($iam.GetUserAsync($name, $none))
            # The hand-off mark or a run's claim (iamonboard:claim:...): no IamOnboard bookkeeping tag may be left.
            if (@($user.Tags | Where-Object { $_.Key -like 'iamonboard:*' }).Count) { $result.MarksLeft++ }
            if (-not (Test-Path (Join-Path $qr "$name.png"))) { $result.QrMissing++ }
        }
        [pscustomobject]$result
    }
    finally {
        $endpoint | Stop-OnboardLocalIam -Confirm:$false
    }
}

$table = foreach ($mode in $modes) {
    $options = $mode.Options
    $endpoint = Start-OnboardLocalIam @options
    try {
        $session = Connect-Onboard -EndpointUrl $endpoint.Url -AccessKey $endpoint.AccessKeyId -SecretKey $endpoint.SecretAccessKey
        $iam = Get-IamClient $session
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $handed = [Collections.Generic.HashSet[string]]::new()
        $withPassword = [Collections.Generic.HashSet[string]]::new()
        $retries = 0
        foreach ($pass in 1, 2) {
            $out = Import-OnboardCsv $file | New-OnboardUser -Session $session -ErrorAction SilentlyContinue 5>&1 |
                ForEach-Object {
                    if ($_ -is [System.Management.Automation.DebugRecord]) { if ($_.Message -match ' attempt \d+ of ') { $retries++ }; return }
                    if ($_.AccessKeyId) { $null = $handed.Add($_.AccessKeyId) }
                    if ($_.Password) { $null = $withPassword.Add($_.UserName) }
                    $_
                } |
                Enable-OnboardVirtualMfa -Unattended -IncludeSeed -SkipIfEnabled -Session $session -ErrorAction SilentlyContinue -WarningAction SilentlyContinue 5>&1
            $retries += @($out | Where-Object { $_ -is [System.Management.Automation.DebugRecord] -and $_.Message -match ' attempt \d+ of ' }).Count
        }
        $clock.Stop()
        $stats = $endpoint.GetStatistics()

        # Read back through the session's IAM client (reached by reflection: the engine lives in the module's own
        # AssemblyLoadContext); the AWS CLI would take a Python start per call, hours for thousands of reads.
        $none = [Threading.CancellationToken]::None
        function Wait-Iam($Task) { $Task.GetAwaiter().GetResult() }
        $assignedTo = @{}
        foreach ($device in (Wait-Iam ($iam.ListVirtualMfaDevicesAsync('Assigned', $none)))) { $assignedTo[$device.UserName] = 1 + [int]$assignedTo[$device.UserName] }
        $unassigned = @(Wait-Iam ($iam.ListVirtualMfaDevicesAsync('Unassigned', $none))).Count
        $incomplete = 0; $orphanKeys = 0; $unknownPasswords = 0
        foreach ($n in 1..$Users) {
            $name = "soak-$n"
            $complete = $true
            try { $null = Wait-Iam ($iam.GetLoginProfileAsync($name, $none)); if (-not $withPassword.Contains($name)) { $unknownPasswords++ } }
            catch { $complete = $false }
            $keys = @(try { Wait-Iam ($iam.ListAccessKeysAsync($name, $none)) } catch { })
            if ($keys.Count -ne 1) { $complete = $false }
            $orphanKeys += @($keys | Where-Object { -not $handed.Contains($_.AccessKeyId) }).Count
            if ($assignedTo[$name] -ne 1) { $complete = $false }
            if (-not $complete) { $incomplete++ }
        }
        [pscustomobject]@{
            Mode = $mode.Mode; Rows = $Users; Completed = $Users - $incomplete; Seconds = [int]$clock.Elapsed.TotalSeconds
            Throttled = $stats.Throttled; FailuresInjected = $stats.FailuresInjected; ResponsesDropped = $stats.ResponsesDropped
            Retries = $retries; Incomplete = $incomplete; OrphanKeys = $orphanKeys; UnknownPasswords = $unknownPasswords
            UnassignedMfa = $unassigned
        }
    }
    finally {
        $endpoint | Stop-OnboardLocalIam -Confirm:$false
    }
}
$table | Format-Table -Property * -AutoSize | Out-String -Width 250 | Write-Host
$lost = @($table | Where-Object { $_.Incomplete -or $_.OrphanKeys -or $_.UnknownPasswords -or $_.UnassignedMfa })

$script:AwsCli = Get-AwsCliV2
$exactlyOnce = @(
    Invoke-ExactlyOnceMode -Mode 'two runs at once' -Work $work -File $file -Users $Users -ModuleManifest $ModuleManifest
    Invoke-ExactlyOnceMode -Mode 'stopped, then re-run' -Work $work -File $file -Users $Users -ModuleManifest $ModuleManifest
)
$exactlyOnce | Format-Table -Property * -AutoSize | Out-String -Width 250 | Write-Host
$lost += @($exactlyOnce | Where-Object { $_.Incomplete -or $_.KeysNotInOneFile -or $_.KeysNotWorking -or $_.PasswordsNotInOneFile -or $_.MarksLeft -or $_.QrMissing -or $_.UnassignedMfa })
Remove-Item $work -Recurse -Force
if ($lost) { throw "The soak lost something: $(($lost | ForEach-Object Mode) -join ', ')." }
