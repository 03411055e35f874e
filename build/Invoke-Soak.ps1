# The fault matrix at scale (build.ps1 soak): a batch of users with console access, a key and unattended MFA
# against a local endpoint that throttles, fails and drops responses, one re-run, then a table of what was injected
# and what (if anything) was lost. Not part of 'test': it takes minutes.
param(
    [Parameter(Mandatory)] [string] $ModuleManifest,
    [int] $Users = 1000
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
Import-Module $ModuleManifest -Force
# The debug stream carries the client's "attempt N of M" lines, one per retry; the switch would prompt in a non-interactive pwsh.
$DebugPreference = 'Continue'

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

$table = foreach ($mode in $modes) {
    $options = $mode.Options
    $endpoint = Start-OnboardLocalIam @options
    try {
        $session = Connect-Onboard -EndpointUrl $endpoint.Url -AccessKey $endpoint.AccessKeyId -SecretKey $endpoint.SecretAccessKey
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
                Enable-OnboardVirtualMfa -Unattended -SkipIfEnabled -Session $session -ErrorAction SilentlyContinue -WarningAction SilentlyContinue 5>&1
            $retries += @($out | Where-Object { $_ -is [System.Management.Automation.DebugRecord] -and $_.Message -match ' attempt \d+ of ' }).Count
        }
        $clock.Stop()
        $stats = $endpoint.GetStatistics()

        # Read back through the session's IAM client (reached by reflection: the engine lives in the module's own
        # AssemblyLoadContext); the AWS CLI would take a Python start per call, hours for thousands of reads.
        $none = [Threading.CancellationToken]::None
        function Wait-Iam($Task) { $Task.GetAwaiter().GetResult() }
        $assignedTo = @{}
        foreach ($device in (Wait-Iam ($session.Iam.ListVirtualMfaDevicesAsync('Assigned', $none)))) { $assignedTo[$device.UserName] = 1 + [int]$assignedTo[$device.UserName] }
        $unassigned = @(Wait-Iam ($session.Iam.ListVirtualMfaDevicesAsync('Unassigned', $none))).Count
        $incomplete = 0; $orphanKeys = 0; $unknownPasswords = 0
        foreach ($n in 1..$Users) {
            $name = "soak-$n"
            $complete = $true
            try { $null = Wait-Iam ($session.Iam.GetLoginProfileAsync($name, $none)); if (-not $withPassword.Contains($name)) { $unknownPasswords++ } }
            catch { $complete = $false }
            $keys = @(try { Wait-Iam ($session.Iam.ListAccessKeysAsync($name, $none)) } catch { })
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
Remove-Item $work -Recurse -Force
$lost = @($table | Where-Object { $_.Incomplete -or $_.OrphanKeys -or $_.UnknownPasswords -or $_.UnassignedMfa })
if ($lost) { throw "The soak lost something: $(($lost | ForEach-Object Mode) -join ', ')." }
