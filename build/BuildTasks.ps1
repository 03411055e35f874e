# The tasks behind build.ps1. Each task is a function named Invoke-<Task>Task taking the build context.
Set-StrictMode -Version Latest

# Every file the module ships. Publishing anything else fails the build, so a new dependency is a decision.
$script:ShippedFiles = @(
    'IamOnboard.dll'
    'IamOnboard.Engine.dll'
    'IamOnboard.LocalIam.dll'
    'AWSSDK.Core.dll'
    'AWSSDK.SecurityToken.dll'
    'AWSSDK.SSO.dll'
    'AWSSDK.SSOOIDC.dll'
    'AWSSDK.Extensions.Numerics.dll'
    'Otp.NET.dll'
    'QRCoder.dll'
    'Microsoft.Bcl.AsyncInterfaces.dll'
    'Microsoft.Bcl.HashCode.dll'
    'System.Buffers.dll'
    'System.IO.Hashing.dll'
    'System.Memory.dll'
    'System.Numerics.Vectors.dll'
    'System.Runtime.CompilerServices.Unsafe.dll'
    'System.Text.Encodings.Web.dll'
    'System.Text.Json.dll'
    'System.Threading.Tasks.Extensions.dll'
)

# Shipped beside the manifest; every other shipped DLL goes into dependencies/, which the module loads into its own
# AssemblyLoadContext on PowerShell 7 (see src/IamOnboard/Infrastructure/DependencyIsolation.cs).
$script:ModuleRootFiles = @('IamOnboard.dll')

# Published by dependencies but deliberately not shipped: QRCoder's netstandard2.0 build references them only for
# its System.Drawing renderers, which the module never uses (it renders PNG bytes and text itself).
$script:PublishedNotShipped = @(
    'System.Drawing.Common.dll'
    'System.Text.Encoding.CodePages.dll'
)

# Compiled ahead of time (ReadyToRun) as well: what loads into the module's private context on PowerShell 7 and runs
# on every call. IamOnboard.dll stays IL only: PowerShell loads it by path, on Windows PowerShell 5.1 too.
$script:ReadyToRunFiles = @(
    'AWSSDK.Core.dll'
    'AWSSDK.SecurityToken.dll'
    'AWSSDK.SSO.dll'
    'AWSSDK.SSOOIDC.dll'
    'IamOnboard.Engine.dll'
    'IamOnboard.LocalIam.dll'
    'Otp.NET.dll'
    'QRCoder.dll'
)

# The .NET the images are compiled against: PowerShell 7.6's. DependencyIsolation.cs uses them on this .NET or later.
$script:ReadyToRunFramework = 'net10.0'

function New-BuildContext {
    param([string] $Root, [string] $Configuration, [string[]] $ReadyToRun = @())
    $manifest = Import-PowerShellDataFile -Path (Join-Path $Root 'IamOnboard.psd1')
    $version = $manifest.ModuleVersion
    $out = Join-Path $Root 'out'
    [pscustomobject]@{
        Root          = $Root
        Configuration = $Configuration
        Version       = $version
        Out           = $out
        ModuleDir     = Join-Path $out "IamOnboard/$version"
        ModuleManifest = Join-Path $out "IamOnboard/$version/IamOnboard.psd1"
        TestResults   = Join-Path $out 'test'
        ReadyToRun    = $ReadyToRun
    }
}

function Invoke-BuildTask {
    param([string] $Name, $Context, [string[]] $TestName, [int] $Users = 1000)
    Write-Host "==> $Name" -ForegroundColor Cyan
    switch ($Name) {
        'build'  { Invoke-BuildModuleTask -Context $Context }
        'test'   { Invoke-TestTask -Context $Context -TestName $TestName }
        'unit'   { $null = Invoke-UnitTestTask -Context $Context }
        'pester' { $null = Invoke-PesterTask -Context $Context -TestName $TestName }
        'demo'   { Invoke-DemoTask -Context $Context }
        'package' { Invoke-PackageTask -Context $Context }
        'netfx'  { Invoke-NetFrameworkCheckTask -Context $Context }
        'clean'  { Invoke-CleanTask -Context $Context }
        'bench'  { Invoke-BenchTask -Context $Context }
        'soak'   { Invoke-Native dotnet @('pwsh', '-NoProfile', '-NonInteractive', '-File', (Join-Path $Context.Root 'build/Invoke-Soak.ps1'), '-ModuleManifest', $Context.ModuleManifest, '-Users', $Users) }
    }
}

function Invoke-Native {
    # Runs a native command and stops the build when it fails.
    param([string] $FilePath, [string[]] $ArgumentList)
    & $FilePath @ArgumentList
    if ($LASTEXITCODE -ne 0) {
        throw "'$FilePath $($ArgumentList -join ' ')' failed with exit code $LASTEXITCODE."
    }
}

function Invoke-BuildModuleTask {
    param($Context)
    $publishDir = Join-Path $Context.Out 'publish'
    if (Test-Path $publishDir) { Remove-Item $publishDir -Recurse -Force }
    Invoke-Native dotnet @(
        'publish', (Join-Path $Context.Root 'src/IamOnboard/IamOnboard.csproj'),
        '-c', $Context.Configuration, '-o', $publishDir, "-p:Version=$($Context.Version)", '--nologo', '-v', 'quiet'
    )

    $published = Get-ChildItem -Path $publishDir -Filter '*.dll' | ForEach-Object Name
    $unexpected = $published | Where-Object { $_ -notin $script:ShippedFiles -and $_ -notin $script:PublishedNotShipped }
    if ($unexpected) {
        throw "Publish produced DLLs that are not on the ship list in build/BuildTasks.ps1: $($unexpected -join ', '). Add them deliberately or remove the dependency."
    }

    if (Test-Path $Context.ModuleDir) { Remove-Item $Context.ModuleDir -Recurse -Force }
    $dependencies = Join-Path $Context.ModuleDir 'dependencies'
    $null = New-Item -ItemType Directory -Path $dependencies -Force
    foreach ($file in $script:ShippedFiles) {
        $source = Join-Path $publishDir $file
        $destination = if ($file -in $script:ModuleRootFiles) { $Context.ModuleDir } else { $dependencies }
        if (Test-Path $source) { Copy-Item $source -Destination $destination }
    }
    Copy-Item (Join-Path $Context.Root 'IamOnboard.psd1') -Destination $Context.ModuleDir
    Copy-Item (Join-Path $Context.Root 'LICENSE') -Destination $Context.ModuleDir
    Copy-Item (Join-Path $Context.Root 'src/IamOnboard/IamOnboard.format.ps1xml') -Destination $Context.ModuleDir
    foreach ($runtime in $Context.ReadyToRun) {
        Add-ReadyToRunImages -Context $Context -Runtime $runtime
    }
    Invoke-HelpCompileTask -Context $Context
    Write-Host "Built module: $($Context.ModuleDir)"
}

function Add-ReadyToRunImages {
    # Publishing the throwaway project compiles the IL assemblies it references; only those images are kept.
    param($Context, [string] $Runtime)
    $dependencies = Join-Path $Context.ModuleDir 'dependencies'
    $staging = Join-Path $Context.Out "ready-to-run/$Runtime"
    if (Test-Path $staging) { Remove-Item $staging -Recurse -Force }
    # %3B: a literal ';' in a -p: value would end the property.
    $inputs = ($script:ReadyToRunFiles | ForEach-Object { Join-Path $dependencies $_ }) -join '%3B'
    Invoke-Native dotnet @(
        'publish', (Join-Path $Context.Root 'build/ReadyToRun/ReadyToRun.csproj'), '-c', 'Release', '-r', $Runtime,
        '-o', $staging, "-p:ReadyToRunInputs=$inputs", '--nologo', '-v', 'quiet'
    )
    $target = Join-Path $dependencies "ready-to-run/$script:ReadyToRunFramework-$Runtime"
    $null = New-Item -ItemType Directory -Path $target -Force
    foreach ($file in $script:ReadyToRunFiles) {
        Copy-Item (Join-Path $staging $file) -Destination $target
    }
    Write-Host "ReadyToRun images for $Runtime`: $target"
}

function Invoke-HelpCompileTask {
    # A fresh pwsh imports the built module, so the help's parameter facts come from the cmdlets themselves.
    param($Context)
    Invoke-Native dotnet @('pwsh', '-NoProfile', '-NonInteractive', '-File', (Join-Path $Context.Root 'build/Build-Help.ps1'),
        '-ModuleManifest', $Context.ModuleManifest, '-HelpSource', (Join-Path $Context.Root 'docs/help'), '-OutputDirectory', $Context.ModuleDir)
}

function Invoke-PackageTask {
    # The nupkg is what Install-PSResource/Save-PSResource take from a repository. The zip is what an Azure Automation
    # account imports: its documented layout has the zip, the folder inside it and the manifest all named after the
    # module (IamOnboard.zip holding IamOnboard/IamOnboard.psd1). Both are made from the built folder as is.
    param($Context)
    if (-not (Test-Path $Context.ModuleManifest)) { throw "The module is not built; run './build.ps1 build' first." }
    $null = Test-ModuleManifest -Path $Context.ModuleManifest -ErrorAction Stop
    $nupkg = Join-Path $Context.Out "IamOnboard.$($Context.Version).nupkg"
    $zip = Join-Path $Context.Out 'IamOnboard.zip'
    Remove-Item $nupkg, $zip, (Join-Path $Context.Out "IamOnboard.$($Context.Version).zip") -ErrorAction SilentlyContinue
    Compress-PSResource -Path $Context.ModuleDir -DestinationPath $Context.Out
    if (-not (Test-Path $nupkg)) { throw "Compress-PSResource did not write $nupkg." }
    $staging = Join-Path $Context.Out 'zip-staging'
    if (Test-Path $staging) { Remove-Item $staging -Recurse -Force }
    $folder = Join-Path $staging 'IamOnboard'
    $null = New-Item -ItemType Directory -Path $folder
    Copy-Item -Path (Join-Path $Context.ModuleDir '*') -Destination $folder -Recurse
    Compress-Archive -Path $folder -DestinationPath $zip
    Remove-Item $staging -Recurse -Force
    Write-Host "Packages: $nupkg, $zip"
}

function Invoke-NetFrameworkCheckTask {
    # Compiles the cmdlets, the engine and the local endpoint against .NET Framework 4.7.2's reference assemblies
    # (Directory.Build.props, IamOnboardNetFrameworkCheck): an API Windows PowerShell 5.1 lacks fails here, not there.
    param($Context)
    Invoke-Native dotnet @(
        'build', (Join-Path $Context.Root 'src/IamOnboard/IamOnboard.csproj'),
        '-c', $Context.Configuration, '-p:IamOnboardNetFrameworkCheck=true', "-p:Version=$($Context.Version)", '--nologo', '-v', 'quiet'
    )
    Write-Host 'The module compiles for .NET Framework 4.7.2 (Windows PowerShell 5.1).'
}

function Invoke-UnitTestTask {
    param($Context)
    $results = $Context.TestResults
    $null = New-Item -ItemType Directory -Path $results -Force
    $trx = Join-Path $results 'unit.trx'
    if (Test-Path $trx) { Remove-Item $trx }
    # No test may reach anything but loopback: every IAM, STS and SSO client refuses other endpoints under this switch.
    $env:IAMONBOARD_LOOPBACK_ONLY = '1'
    & dotnet test (Join-Path $Context.Root 'tests/IamOnboard.Tests/IamOnboard.Tests.csproj') `
        -c $Context.Configuration --nologo `
        --logger 'trx;LogFileName=unit.trx' --logger 'console;verbosity=minimal' --results-directory $results | Out-Host
    $exitCode = $LASTEXITCODE
    if (-not (Test-Path $trx)) {
        throw "xunit produced no results (dotnet test exit code $exitCode): the test project did not build or run."
    }
    [xml] $doc = Get-Content -Raw $trx
    $counters = $doc.TestRun.ResultSummary.Counters
    $failedNames = @($doc.TestRun.Results.UnitTestResult | Where-Object outcome -NE 'Passed' | ForEach-Object testName)
    [pscustomobject]@{
        Suite = 'xunit'; Passed = [int]$counters.passed
        Failed = [int]$counters.failed + [int]$counters.error + [int]$counters.timeout; FailedNames = $failedNames
    }
}

function Get-PesterModulePath {
    param($Context)
    Invoke-Native dotnet @('restore', (Join-Path $Context.Root 'build/Tools.proj'), '--nologo', '-v', 'quiet')
    $line = & dotnet nuget locals global-packages --list
    $packages = ($line -replace '^global-packages:\s*', '').Trim()
    $path = Join-Path $packages 'pester/5.7.1/tools/Pester.psd1'
    if (-not (Test-Path $path)) { throw "Pester was not restored to $path." }
    $path
}

function Invoke-PesterTask {
    param($Context, [string[]] $TestName)
    if (-not (Test-Path $Context.ModuleManifest)) { throw "The module is not built; run './build.ps1 build' first." }
    $pester = Get-PesterModulePath -Context $Context
    $null = New-Item -ItemType Directory -Path $Context.TestResults -Force
    $summary = Join-Path $Context.TestResults 'pester-summary.json'
    if (Test-Path $summary) { Remove-Item $summary }
    $runner = Join-Path $Context.Root 'build/Invoke-PesterTests.ps1'
    $arguments = @('pwsh', '-NoProfile', '-NonInteractive', '-File', $runner,
        '-PesterPath', $pester, '-ModuleManifest', $Context.ModuleManifest,
        '-TestPath', (Join-Path $Context.Root 'tests/pester'), '-SummaryPath', $summary)
    if ($TestName) { $arguments += @('-TestName', ($TestName -join '|')) }
    # A fresh pwsh: the tests see the built module exactly as a user would import it.
    Push-Location $Context.Root
    try { & dotnet @arguments | Out-Host } finally { Pop-Location }
    if (-not (Test-Path $summary)) { throw 'Pester did not run to completion (no summary written).' }
    $counts = Get-Content -Raw $summary | ConvertFrom-Json
    [pscustomobject]@{ Suite = 'Pester'; Passed = [int]$counts.Passed; Failed = [int]$counts.Failed; FailedNames = @($counts.FailedNames) }
}

function Invoke-TestTask {
    param($Context, [string[]] $TestName)
    Invoke-BuildModuleTask -Context $Context
    Invoke-NetFrameworkCheckTask -Context $Context
    Invoke-PackageTask -Context $Context
    $suites = @()
    $suites += Invoke-UnitTestTask -Context $Context
    $suites += Invoke-PesterTask -Context $Context -TestName $TestName
    $passed = ($suites | Measure-Object Passed -Sum).Sum
    $failed = ($suites | Measure-Object Failed -Sum).Sum
    foreach ($suite in $suites) {
        Write-Host ("{0}: {1} passed, {2} failed" -f $suite.Suite, $suite.Passed, $suite.Failed)
        foreach ($name in $suite.FailedNames) { if ($name) { Write-Host "  failed: $name" } }
    }
    if ($passed -eq 0) { $failed = [Math]::Max($failed, 1); Write-Host 'No test ran.' }
    # The one closing line CI reads.
    Write-Host "$passed passed, $failed failed"
    if ($failed -gt 0) { exit 1 }
}

function Invoke-DemoTask {
    param($Context)
    Invoke-BuildModuleTask -Context $Context
    Push-Location $Context.Root
    try {
        & dotnet pwsh -NoProfile -File (Join-Path $Context.Root 'examples/Demo.ps1') -ModuleManifest $Context.ModuleManifest -OutputDirectory (Join-Path $Context.Out 'demo')
        if ($LASTEXITCODE -ne 0) { throw "The demo failed (exit code $LASTEXITCODE)." }
    }
    finally { Pop-Location }
}

function Invoke-CleanTask {
    param($Context)
    if (Test-Path $Context.Out) { Remove-Item $Context.Out -Recurse -Force }
    Get-ChildItem -Path (Join-Path $Context.Root 'src'), (Join-Path $Context.Root 'tests') -Directory -Recurse -Include bin, obj |
        Remove-Item -Recurse -Force
}

function Invoke-BenchTask {
    # Onboarding throughput against the AWS CLI and the AWS SDK for JavaScript on a local endpoint (build/Bench.ps1).
    param($Context)
    Invoke-BuildModuleTask -Context $Context
    $js = Join-Path $Context.Root 'bench/js'
    $installed = Join-Path $js 'node_modules/.package-lock.json'
    if (-not (Test-Path $installed) -or (Get-Item (Join-Path $js 'package-lock.json')).LastWriteTimeUtc -gt (Get-Item $installed -Force).LastWriteTimeUtc) {
        Push-Location $js
        try { Invoke-Native npm @('ci', '--no-audit', '--no-fund') } finally { Pop-Location }
    }
    Push-Location $Context.Root
    try {
        & dotnet pwsh -NoProfile -File (Join-Path $Context.Root 'build/Bench.ps1') -ModuleManifest $Context.ModuleManifest -OutputDirectory (Join-Path $Context.Out 'bench')
        if ($LASTEXITCODE -ne 0) { throw "The benchmark failed (exit code $LASTEXITCODE)." }
    }
    finally { Pop-Location }
}
