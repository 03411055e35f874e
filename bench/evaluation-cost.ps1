<#
.SYNOPSIS
    What policy evaluation costs the local endpoint: signed GetUser requests per second with evaluation on and off.
.DESCRIPTION
    Starts endpoints from the built module's LocalIam assembly, alternately with LocalIamOptions.EvaluatePolicies true
    (the default: every request is authorised by evaluating the caller's policies) and false (authenticated requests
    pass unchecked; exists only for this comparison), and drives each with bench/js/getuser-loop.mjs signing as the
    endpoint's administrator. Rounds alternate so a busy machine's noise falls on both. Run after build.ps1 build:
        dotnet pwsh ./bench/evaluation-cost.ps1 -Seconds 5 -Rounds 3
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
        $line = & node (Join-Path $root 'bench/js/getuser-loop.mjs') --endpoint $server.Url.ToString() --user onboard-admin --seconds $Seconds --inflight $InFlight
        if ($LASTEXITCODE -ne 0) { throw "getuser-loop.mjs failed (exit $LASTEXITCODE)." }
        ($line | ConvertFrom-Json).requestsPerSecond
    }
    finally {
        Remove-Item Env:AWS_ACCESS_KEY_ID, Env:AWS_SECRET_ACCESS_KEY -ErrorAction SilentlyContinue
        $server.Dispose()
    }
}

$on = [System.Collections.Generic.List[double]]::new()
$off = [System.Collections.Generic.List[double]]::new()
for ($round = 1; $round -le $Rounds; $round++) {
    $on.Add((Measure-GetUser $true))
    $off.Add((Measure-GetUser $false))
    Write-Host ("round {0}: evaluation on {1:0} GetUser/s, off {2:0} GetUser/s" -f $round, $on[-1], $off[-1])
}

$median = { param($values) $sorted = @($values | Sort-Object); $sorted[[int][Math]::Floor($sorted.Count / 2)] }
$medianOn = & $median $on
$medianOff = & $median $off
[pscustomobject]@{
    EvaluationOn  = [Math]::Round($medianOn, 0)
    EvaluationOff = [Math]::Round($medianOff, 0)
    DropPercent   = [Math]::Round(100 * (1 - $medianOn / $medianOff), 1)
    Rounds        = $Rounds
    Seconds       = $Seconds
}
