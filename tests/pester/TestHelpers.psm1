# Shared helpers for the Pester suite: the AWS CLI v2 as an independent client of the local endpoint.
Set-StrictMode -Version Latest
$script:AwsCliV2 = $null

function Get-AwsCliV2 {
    <#
    The AWS CLI v2 executable. An older v1 may come first on PATH, so every candidate is asked its version, once per
    import of this module: asking starts Python, which costs seconds on a busy machine, and every CLI call needs it.
    #>
    if ($script:AwsCliV2) { return $script:AwsCliV2 }
    $candidates = @(Get-Command aws -All -CommandType Application -ErrorAction SilentlyContinue | ForEach-Object Source) +
        @('/usr/bin/aws', '/usr/local/bin/aws') | Select-Object -Unique
    foreach ($candidate in $candidates) {
        if (-not (Test-Path $candidate)) { continue }
        $version = & $candidate --version 2>&1 | Out-String
        if ($version -match '^aws-cli/2\.') { $script:AwsCliV2 = $candidate; return $candidate }
    }
    throw 'The AWS CLI v2 is not installed (Debian package awscli). The interoperability tests need it.'
}

function ConvertTo-PlainText {
    param([Parameter(Mandatory)] [securestring] $SecureString)
    [System.Net.NetworkCredential]::new('', $SecureString).Password
}

function Invoke-AwsCli {
    <#
    .SYNOPSIS
        Runs the AWS CLI v2 against a local endpoint and returns exit code, parsed JSON and stderr.
    .PARAMETER Endpoint
        An object from Start-OnboardLocalIam (Url, AccessKeyId, SecretAccessKey).
    .PARAMETER AccessKeyId
        Signs with this key instead of the endpoint's administrator key.
    #>
    param(
        [Parameter(Mandatory)] $Endpoint,
        [Parameter(Mandatory)] [string[]] $Arguments,
        [string] $AccessKeyId,
        [string] $SecretAccessKey,
        [string] $SessionToken
    )
    $start = [System.Diagnostics.ProcessStartInfo]::new((Get-AwsCliV2))
    foreach ($argument in (Get-AwsCliCommonArguments $Endpoint) + $Arguments) {
        $start.ArgumentList.Add($argument)
    }
    Set-AwsCliEnvironment -StartInfo $start -Endpoint $Endpoint -AccessKeyId $AccessKeyId -SecretAccessKey $SecretAccessKey -SessionToken $SessionToken

    $process = [System.Diagnostics.Process]::Start($start)
    $stderrTask = $process.StandardError.ReadToEndAsync()
    $stdout = $process.StandardOutput.ReadToEnd()
    $process.WaitForExit()
    $stderr = $stderrTask.GetAwaiter().GetResult()
    $json = $null
    if ($stdout.Trim()) { $json = $stdout | ConvertFrom-Json -Depth 20 }
    [pscustomobject]@{ ExitCode = $process.ExitCode; Json = $json; StdOut = $stdout; StdErr = $stderr }
}


function Get-AwsCliCommonArguments($Endpoint) { @('--endpoint-url', $Endpoint.Url, '--output', 'json', '--no-cli-pager') }

function Set-AwsCliEnvironment {
    <# Redirects the CLI's streams and gives it only the endpoint's key: no profile, config file or instance metadata. #>
    param($StartInfo, $Endpoint, [string] $AccessKeyId, [string] $SecretAccessKey, [string] $SessionToken)
    $StartInfo.RedirectStandardOutput = $true
    $StartInfo.RedirectStandardError = $true
    $StartInfo.UseShellExecute = $false
    $environment = $StartInfo.Environment
    foreach ($name in @($environment.Keys)) { if ($name -like 'AWS_*') { $null = $environment.Remove($name) } }
    $environment['AWS_ACCESS_KEY_ID'] = if ($AccessKeyId) { $AccessKeyId } else { $Endpoint.AccessKeyId }
    $environment['AWS_SECRET_ACCESS_KEY'] = if ($SecretAccessKey) { $SecretAccessKey } else { ConvertTo-PlainText $Endpoint.SecretAccessKey }
    if ($SessionToken) { $environment['AWS_SESSION_TOKEN'] = $SessionToken }
    $environment['AWS_DEFAULT_REGION'] = 'us-east-1'
    $environment['AWS_CONFIG_FILE'] = '/nonexistent/aws-config'
    $environment['AWS_SHARED_CREDENTIALS_FILE'] = '/nonexistent/aws-credentials'
    $environment['AWS_EC2_METADATA_DISABLED'] = 'true'
    $environment['AWS_MAX_ATTEMPTS'] = '1'
}

function Invoke-AwsCliBatch {
    <#
    .SYNOPSIS
        Runs many AWS CLI v2 commands in one process (aws_cli_batch.py runs the CLI's own entry point once per
        command) and returns one result per command, in order, shaped as Invoke-AwsCli's.
    .DESCRIPTION
        Each `aws` start costs seconds on a busy machine; reading back N users one process per call dominated the
        slow test files. The commands are the same, run by the same CLI, signed with the endpoint's administrator key unless -AccessKeyId says otherwise.
    .PARAMETER Commands
        Argument lists, each without 'aws' (for example ,@('iam', 'list-access-keys', '--user-name', 'ana')).
    .PARAMETER AccessKeyId
        Signs with this key (and -SecretAccessKey) instead of the endpoint's administrator key.
    #>
    param(
        [Parameter(Mandatory)] $Endpoint,
        [Parameter(Mandatory)] [object[]] $Commands,
        [string] $AccessKeyId,
        [string] $SecretAccessKey
    )
    $cli = Get-AwsCliV2
    # The CLI's own interpreter (its shebang line), which is the one that can import awscli.
    $python = ((Get-Content -TotalCount 1 -Path $cli) -replace '^#!\s*', '').Trim()
    $start = [System.Diagnostics.ProcessStartInfo]::new($python)
    $start.ArgumentList.Add((Join-Path $PSScriptRoot 'aws_cli_batch.py'))
    Set-AwsCliEnvironment -StartInfo $start -Endpoint $Endpoint -AccessKeyId $AccessKeyId -SecretAccessKey $SecretAccessKey
    $start.RedirectStandardInput = $true
    $common = Get-AwsCliCommonArguments $Endpoint
    $payload = ConvertTo-Json -Depth 5 -Compress -InputObject @($Commands | ForEach-Object { , @($common + @($_)) })

    $process = [System.Diagnostics.Process]::Start($start)
    $stderrTask = $process.StandardError.ReadToEndAsync()
    $process.StandardInput.Write($payload)
    $process.StandardInput.Close()
    $stdout = $process.StandardOutput.ReadToEnd()
    $process.WaitForExit()
    $stderr = $stderrTask.GetAwaiter().GetResult()
    if ($process.ExitCode -ne 0) { throw "aws_cli_batch.py failed (exit code $($process.ExitCode)): $stderr" }
    foreach ($result in @($stdout | ConvertFrom-Json -Depth 5)) {
        $json = $null
        if ($result.StdOut.Trim()) { $json = $result.StdOut | ConvertFrom-Json -Depth 20 }
        [pscustomobject]@{ ExitCode = $result.ExitCode; Json = $json; StdOut = $result.StdOut; StdErr = $result.StdErr }
    }
}

function Connect-TestEndpoint {
    <# Connects to a local endpoint as its administrator and returns the session. #>
    param([Parameter(Mandatory)] $Endpoint)
    Connect-Onboard -EndpointUrl $Endpoint.Url -AccessKey $Endpoint.AccessKeyId -SecretKey $Endpoint.SecretAccessKey
}

function New-RestrictedCaller {
    <#
    .SYNOPSIS
        An IAM user of the endpoint allowed everything (iam:*, sts:*) but what -Deny names, connected to as a session of
        its own, for tests of what a command does for a caller IAM refuses one call. The default session is left to the
        caller to set again (Connect-Onboard makes the new one the default).
    .PARAMETER Deny
        The Deny statement's Action (a name or names), or a whole statement as a hashtable (Action, Resource, Condition).
    #>
    param([Parameter(Mandatory)] $Endpoint, [Parameter(Mandatory)] $Deny)
    $statement = if ($Deny -is [hashtable]) { @{ Effect = 'Deny'; Resource = '*' } + $Deny } else { @{ Effect = 'Deny'; Action = @($Deny); Resource = '*' } }
    $policy = @{ Version = '2012-10-17'; Statement = @(@{ Effect = 'Allow'; Action = @('iam:*', 'sts:*'); Resource = '*' }, $statement) } | ConvertTo-Json -Depth 6 -Compress
    $name = New-TestName 'onboarder'
    $setup = Invoke-AwsCliBatch -Endpoint $Endpoint -Commands @(
        , @('iam', 'create-user', '--user-name', $name)
        , @('iam', 'put-user-policy', '--user-name', $name, '--policy-name', 'Onboarding', '--policy-document', $policy)
        , @('iam', 'create-access-key', '--user-name', $name))
    if (@($setup.ExitCode | Where-Object { $_ -ne 0 }).Count) { throw "Making the restricted caller $name failed: $($setup.StdErr -join ' ')" }
    $key = $setup[2].Json.AccessKey
    [pscustomobject]@{
        UserName = $name
        Session  = Connect-Onboard -EndpointUrl $Endpoint.Url -AccessKey $key.AccessKeyId -SecretKey $key.SecretAccessKey
    }
}

function New-TestName {
    <# A user or group name unique within a test run. #>
    param([string] $Prefix = 'user')
    '{0}-{1}' -f $Prefix, [guid]::NewGuid().ToString('N').Substring(0, 10)
}


function New-ChildPwshStartInfo {
    <# A ProcessStartInfo for a fresh pwsh like this one (it may run as 'dotnet pwsh.dll'), with the given arguments. #>
    param([string[]] $Arguments)
    $host_ = [Environment]::ProcessPath
    $start = [System.Diagnostics.ProcessStartInfo]::new($host_)
    if ([IO.Path]::GetFileNameWithoutExtension($host_) -eq 'dotnet') {
        $start.ArgumentList.Add([Environment]::GetCommandLineArgs()[0])
    }
    foreach ($argument in $Arguments) { $start.ArgumentList.Add($argument) }
    $start.UseShellExecute = $false
    $start
}

function Invoke-ChildPwsh {
    <#
    .SYNOPSIS
        Runs a fresh pwsh with the given arguments (and environment variables), insists that it wrote nothing to stderr
        and exited 0, and returns what it wrote to stdout.
    #>
    param([string[]] $Arguments, [hashtable] $Environment = @{})
    $start = New-ChildPwshStartInfo -Arguments $Arguments
    foreach ($name in $Environment.Keys) {
        if ($null -eq $Environment[$name]) { $null = $start.Environment.Remove($name) } else { $start.Environment[$name] = $Environment[$name] }
    }
    Invoke-CheckedProcess -StartInfo $start
}

function Invoke-ChildPwshResult {
    <#
    .SYNOPSIS
        Runs a fresh pwsh with the given arguments (and -InputText on its standard input), waits at most two minutes,
        and returns its exit code, stdout and stderr unchecked: for tests of exit codes and of what a runbook prints.
    #>
    param([string[]] $Arguments, [string] $InputText)
    $start = New-ChildPwshStartInfo -Arguments $Arguments
    $start.RedirectStandardInput = $PSBoundParameters.ContainsKey('InputText')
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    $child = [System.Diagnostics.Process]::Start($start)
    if ($start.RedirectStandardInput) {
        $child.StandardInput.Write($InputText)
        $child.StandardInput.Close()
    }
    $output = $child.StandardOutput.ReadToEndAsync()
    $errors = $child.StandardError.ReadToEndAsync()
    if (-not $child.WaitForExit(120000)) { $child.Kill($true); throw "The child was still running after 120 s: $($output.Result)" }
    [pscustomobject]@{ ExitCode = $child.ExitCode; StdOut = $output.Result; StdErr = $errors.Result }
}

function Invoke-CheckedProcess {
    <#
    .SYNOPSIS
        Starts a process, insists that it wrote nothing to stderr and exited 0, and returns what it wrote to stdout.
    #>
    param([Parameter(Mandatory)] [System.Diagnostics.ProcessStartInfo] $StartInfo)
    $StartInfo.RedirectStandardOutput = $true
    $StartInfo.RedirectStandardError = $true
    $process = [System.Diagnostics.Process]::Start($StartInfo)
    $stderr = $process.StandardError.ReadToEndAsync()
    $stdout = $process.StandardOutput.ReadToEnd()
    $process.WaitForExit()
    $stderr.Result | Should -BeNullOrEmpty
    $process.ExitCode | Should -Be 0
    $stdout
}

function Get-ModuleDependencyPath {
    <#
    .SYNOPSIS
        Where the built module loads a dependency from in a pwsh like this one: its ReadyToRun image when the build
        made images for this runtime (build.ps1 -ReadyToRun) and this .NET is the one they were compiled for or later,
        else the IL assembly in dependencies/.
    #>
    param([string] $ModuleDir, [string] $Name)
    $runtime = [System.Runtime.InteropServices.RuntimeInformation]::RuntimeIdentifier
    $image = Join-Path $ModuleDir "dependencies/ready-to-run/net10.0-$runtime/$Name.dll"
    if ([Environment]::Version.Major -ge 10 -and (Test-Path $image)) { $image } else { Join-Path $ModuleDir "dependencies/$Name.dll" }
}

function Get-TestTotpCode {
    <#
    .SYNOPSIS
        The 6-digit RFC 6238 code (SHA-1, 30-second steps) an authenticator app shows for a base32 seed.
    .DESCRIPTION
        Written here rather than borrowed from the engine: the engine's types live in the module's private
        AssemblyLoadContext, where PowerShell's type literals cannot see them, and an independent
        implementation is a better check of the module's codes anyway.
    #>
    param(
        [Parameter(Mandatory)] [string] $Base32Seed,
        [DateTimeOffset] $At = [DateTimeOffset]::UtcNow
    )
    $alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
    $bits = [System.Text.StringBuilder]::new()
    foreach ($char in ($Base32Seed.ToUpperInvariant() -replace '[\s=-]', '').ToCharArray()) {
        $null = $bits.Append([Convert]::ToString($alphabet.IndexOf($char), 2).PadLeft(5, '0'))
    }
    $key = [byte[]]::new([Math]::Floor($bits.Length / 8))
    for ($i = 0; $i -lt $key.Length; $i++) { $key[$i] = [Convert]::ToByte($bits.ToString($i * 8, 8), 2) }

    $step = [long][Math]::Floor($At.ToUnixTimeSeconds() / 30)
    $counter = [BitConverter]::GetBytes($step)
    if ([BitConverter]::IsLittleEndian) { [Array]::Reverse($counter) }
    $hmac = [System.Security.Cryptography.HMACSHA1]::new($key)
    try { $hash = $hmac.ComputeHash($counter) } finally { $hmac.Dispose() }
    $offset = $hash[19] -band 0x0F
    $binary = (([int]($hash[$offset] -band 0x7F)) -shl 24) -bor ([int]$hash[$offset + 1] -shl 16) -bor ([int]$hash[$offset + 2] -shl 8) -bor [int]$hash[$offset + 3]
    ($binary % 1000000).ToString('000000')
}

function Get-TestTotpStep {
    <# The RFC 6238 time step (whole 30-second steps since the Unix epoch) of $At. #>
    param([DateTimeOffset] $At = [DateTimeOffset]::UtcNow)
    [long][Math]::Floor($At.ToUnixTimeSeconds() / 30)
}

function New-TestMfaCodeSource {
    <#
    .SYNOPSIS
        Codes of one MFA device for a local endpoint that, as STS does, takes each code once.
    .DESCRIPTION
        The endpoint refuses a code of a step at or before the last one the device had accepted (EnableMFADevice's
        second code included). Get-UnusedTestTotpCode hands out the code of the step after the last one handed out,
        moving the endpoint's clock forward by whole steps (ShiftClock) when that step would be ahead of the one step
        of drift it allows: tests never wait for real time. The source owns the endpoint's clock offset: nothing else
        may shift that endpoint's clock while it is in use.
    .PARAMETER LastStep
        The step of the last code the device took (EnableMFADevice's second code).
    #>
    param([Parameter(Mandatory)] $Endpoint, [Parameter(Mandatory)] [string] $Base32Seed, [Parameter(Mandatory)] [long] $LastStep)
    @{ Endpoint = $Endpoint; Base32Seed = $Base32Seed; LastStep = $LastStep; Offset = [TimeSpan]::Zero }
}

function Get-UnusedTestTotpCode {
    <# The code of the step after the last one $Source handed out, which its endpoint accepts now (see New-TestMfaCodeSource). #>
    param([Parameter(Mandatory)] [hashtable] $Source)
    $current = Get-TestTotpStep -At ([DateTimeOffset]::UtcNow + $Source.Offset)
    $step = [Math]::Max($current, $Source.LastStep + 1)
    if ($step -gt $current + 1) {
        # Outside the endpoint's window: its clock goes forward to that step, as if the person had waited for it.
        $Source.Offset += [TimeSpan]::FromSeconds(30 * ($step - $current))
        $Source.Endpoint.ShiftClock($Source.Offset)
    }

    $Source.LastStep = $step
    Get-TestTotpCode -Base32Seed $Source.Base32Seed -At ([DateTimeOffset]::FromUnixTimeSeconds($step * 30))
}

function Stop-WhileOutputTaken {
    <#
    Ctrl+C while a pipeline's output is being taken: runs $Script in a runspace of its own with $Arguments and, last, the
    path of a file its final stage creates once it has an output object in hand (then it waits); stops the pipeline
    there. Returns the runspace's error records. Throws when that point is not reached within 60 s.
    #>
    param([Parameter(Mandatory)] [scriptblock] $Script, [object[]] $Arguments = @())
    $taken = Join-Path ([IO.Path]::GetTempPath()) ('taken-' + [guid]::NewGuid().ToString('n'))
    $run = [powershell]::Create()
    try {
        $null = $run.AddScript($Script)
        foreach ($argument in @($Arguments) + $taken) { $null = $run.AddArgument($argument) }
        $null = $run.BeginInvoke()
        $deadline = [DateTime]::UtcNow.AddSeconds(60)
        while (-not (Test-Path $taken) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 20 }
        $reached = Test-Path $taken
        $run.Stop()
        if (-not $reached) { throw "The pipeline did not reach the taking of its output within 60 s: $(@($run.Streams.Error) -join '; ')" }
        @($run.Streams.Error)
    }
    finally {
        $run.Dispose()
        Remove-Item -LiteralPath $taken -ErrorAction Ignore
    }
}

Export-ModuleMember -Function Get-AwsCliV2, ConvertTo-PlainText, Invoke-AwsCli, Invoke-AwsCliBatch, Connect-TestEndpoint, New-RestrictedCaller, New-TestName, New-ChildPwshStartInfo, Invoke-ChildPwsh, Invoke-ChildPwshResult, Invoke-CheckedProcess, Get-ModuleDependencyPath, Get-TestTotpCode, Get-TestTotpStep, New-TestMfaCodeSource, Get-UnusedTestTotpCode, Stop-WhileOutputTaken
