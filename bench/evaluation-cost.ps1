<#
.SYNOPSIS
    What policy evaluation costs the local endpoint: signed GetUser requests per second with evaluation on and off.
.DESCRIPTION
    Starts endpoints from the built module's LocalIam assembly, alternately with LocalIamOptions.EvaluatePolicies true
    (the default: every request is authorised by evaluating the caller's policies) and false (authenticated requests
    pass unchecked; exists only for this comparison), and drives each with bench/js/getuser-loop.mjs signing as the
    endpoint's administrator. Rounds alternate so a busy machine's noise falls on both. Run after build.ps1 build:
        dotnet pwsh ./bench/evaluation-cost.ps1 -Seconds 3 -Rounds 7
#>
param(
    [int] $Seconds = 5,
    [int] $Rounds = 3,
    [int] $InFlight = 1
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
$root = Split-Path -Parent $PSScriptRoot
$dependencies = Get-ChildItem (Join-Path $root 'out/IamOnboard') -Directory | Sort-Object Name | Select-Object -Last 1 |
    ForEach-Object { Join-Path $_.FullName 'dependencies' }
Add-Type -Path (Join-Path $dependencies 'IamOnboard.LocalIam.dll')

function Measure-GetUser([bool] $Evaluate) {
    $options = [IamOnboard.LocalIam.LocalIamOptions]::new()
    $options.EvaluatePolicies = $Evaluate
    $server = [IamOnboard.LocalIam.LocalIamServer]::Start($options)
    try {
        $env:AWS_ACCESS_KEY_ID = $server.AdminAccessKeyId
        $env:AWS_SECRET_ACCESS_KEY = $server.AdminSecretAccessKey
        $cpuBefore = [System.Diagnostics.Process]::GetCurrentProcess().TotalProcessorTime
        $line = & node (Join-Path $root 'bench/js/getuser-loop.mjs') --endpoint $server.Url.ToString() --user onboard-admin --seconds $Seconds --inflight $InFlight
        if ($LASTEXITCODE -ne 0) { throw "getuser-loop.mjs failed (exit $LASTEXITCODE)." }
        $cpu = [System.Diagnostics.Process]::GetCurrentProcess().TotalProcessorTime - $cpuBefore
        $result = $line | ConvertFrom-Json
        # This process hosts the endpoint and little else, so its CPU time per request is the endpoint's cost,
        # a steadier figure than requests per second on a shared machine.
        [pscustomobject]@{ PerSecond = $result.requestsPerSecond; CpuMsPerRequest = $cpu.TotalMilliseconds / [Math]::Max(1, $result.requests) }
    }
    finally {
        Remove-Item Env:AWS_ACCESS_KEY_ID, Env:AWS_SECRET_ACCESS_KEY -ErrorAction SilentlyContinue
        $server.Dispose()
    }
}

# Warm-up (JIT, connection pools), not counted.
$null = Measure-GetUser $true
$null = Measure-GetUser $false
$on = [System.Collections.Generic.List[object]]::new()
$off = [System.Collections.Generic.List[object]]::new()
for ($round = 1; $round -le $Rounds; $round++) {
    $on.Add((Measure-GetUser $true))
    $off.Add((Measure-GetUser $false))
    Write-Host ("round {0}: evaluation on {1:0} GetUser/s ({2:0.000} ms CPU each), off {3:0} GetUser/s ({4:0.000} ms CPU each)" -f
        $round, $on[-1].PerSecond, $on[-1].CpuMsPerRequest, $off[-1].PerSecond, $off[-1].CpuMsPerRequest)
}

$median = { param($values) $sorted = @($values | Sort-Object); $sorted[[int][Math]::Floor($sorted.Count / 2)] }
$rateOn = & $median $on.PerSecond
$rateOff = & $median $off.PerSecond
$cpuOn = & $median $on.CpuMsPerRequest
$cpuOff = & $median $off.CpuMsPerRequest
[pscustomobject]@{
    GetUserPerSecondOn  = [Math]::Round($rateOn, 0)
    GetUserPerSecondOff = [Math]::Round($rateOff, 0)
    RateDropPercent     = [Math]::Round(100 * (1 - $rateOn / $rateOff), 1)
    CpuMsPerRequestOn   = [Math]::Round($cpuOn, 3)
    CpuMsPerRequestOff  = [Math]::Round($cpuOff, 3)
    CpuIncreasePercent  = [Math]::Round(100 * ($cpuOn / $cpuOff - 1), 1)
    # Best of the rounds: what each configuration does when the shared machine leaves it alone.
    BestPerSecondOn     = [Math]::Round(($on.PerSecond | Measure-Object -Maximum).Maximum, 0)
    BestPerSecondOff    = [Math]::Round(($off.PerSecond | Measure-Object -Maximum).Maximum, 0)
    BestCpuMsOn         = [Math]::Round(($on.CpuMsPerRequest | Measure-Object -Minimum).Minimum, 3)
    BestCpuMsOff        = [Math]::Round(($off.CpuMsPerRequest | Measure-Object -Minimum).Minimum, 3)
    Rounds              = $Rounds
    Seconds             = $Seconds
}
