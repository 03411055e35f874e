# ReadyToRun images: the dependencies compiled ahead of time for this runtime (build.ps1 -ReadyToRun) are real images
# of the same assemblies, load on this runtime, and are passed over wherever they do not apply: another OS or
# processor, a .NET older than the one they were compiled against, or IAMONBOARD_NO_READYTORUN.
BeforeDiscovery {
    # The default build makes images for the runtime it runs on; a build with -ReadyToRun none has none to test.
    $noImages = -not (Test-Path (Join-Path (Split-Path $env:IAMONBOARD_MODULE) "dependencies/ready-to-run/net10.0-$([System.Runtime.InteropServices.RuntimeInformation]::RuntimeIdentifier)"))
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:moduleDir = Split-Path $env:IAMONBOARD_MODULE
    $script:runtime = [System.Runtime.InteropServices.RuntimeInformation]::RuntimeIdentifier
    $script:images = Join-Path $moduleDir "dependencies/ready-to-run/net10.0-$runtime"

    function Test-ReadyToRunImage([string] $Path) {
        # A ReadyToRun image carries native code, found through the CLI header's managed native header.
        $stream = [IO.File]::OpenRead($Path)
        try {
            $reader = [System.Reflection.PortableExecutable.PEReader]::new($stream)
            $reader.PEHeaders.CorHeader.ManagedNativeHeaderDirectory.Size -gt 0
        }
        finally { $stream.Dispose() }
    }

    function Invoke-LoadProbe([string] $Manifest, [hashtable] $Environment = @{}) {
        # A fresh pwsh imports the module, onboards a user on a local endpoint, and says where the engine came from.
        $script = @'
param($Module)
$ErrorActionPreference = 'Stop'
Import-Module $Module
$null = Connect-Onboard -Local
$user = New-OnboardUser -UserName r2r.probe -ProgrammaticAccess
$paths = foreach ($context in [System.Runtime.Loader.AssemblyLoadContext]::All) {
    foreach ($assembly in $context.Assemblies | Where-Object { $_.GetName().Name -in 'IamOnboard.Engine', 'AWSSDK.Core' }) { $assembly.Location }
}
[pscustomobject]@{ Status = $user.Status; Paths = @($paths) } | ConvertTo-Json -Compress
'@
        $scriptPath = Join-Path $TestDrive "probe-$([guid]::NewGuid().ToString('n')).ps1"
        Set-Content -Path $scriptPath -Value $script
        # The variable only where a case sets it: none inherited from the test run.
        $variables = @{ IAMONBOARD_NO_READYTORUN = $null }
        foreach ($name in $Environment.Keys) { $variables[$name] = $Environment[$name] }
        Invoke-ChildPwsh -Arguments @('-NoProfile', '-NonInteractive', '-File', $scriptPath, $Manifest) -Environment $variables | ConvertFrom-Json
    }

    function Copy-ModuleWithImagesAs([string] $FolderName) {
        # The built module, its images moved to another folder name, as a module built elsewhere would ship them.
        $copy = Join-Path $TestDrive "IamOnboard-$FolderName/IamOnboard"
        $null = New-Item -ItemType Directory -Path $copy -Force
        Copy-Item -Path (Join-Path $moduleDir '*') -Destination $copy -Recurse
        Rename-Item -Path (Join-Path $copy "dependencies/ready-to-run/net10.0-$runtime") -NewName $FolderName
        Join-Path $copy 'IamOnboard.psd1'
    }
}

Describe 'ReadyToRun images' {
    It 'are images of the same assemblies as the IL files beside them' -Skip:$noImages {
        $files = @(Get-ChildItem -Path $images -Filter '*.dll')
        $files.Name | Should -Contain 'AWSSDK.Core.dll'
        $files.Name | Should -Contain 'IamOnboard.Engine.dll'
        foreach ($file in $files) {
            $il = Join-Path $moduleDir "dependencies/$($file.Name)"
            Test-ReadyToRunImage $file.FullName | Should -BeTrue -Because "$($file.Name) is compiled ahead of time"
            Test-ReadyToRunImage $il | Should -BeFalse -Because "dependencies/$($file.Name) stays IL for every other runtime"
            [Reflection.AssemblyName]::GetAssemblyName($file.FullName).FullName | Should -Be ([Reflection.AssemblyName]::GetAssemblyName($il).FullName)
        }
    }

    It 'load on this runtime, and the module works from them' -Skip:$noImages {
        $result = Invoke-LoadProbe -Manifest $env:IAMONBOARD_MODULE
        $result.Status | Should -Be 'Created'
        $result.Paths | Should -Contain (Join-Path $images 'IamOnboard.Engine.dll')
        $result.Paths | Should -Contain (Join-Path $images 'AWSSDK.Core.dll')
    }

    It 'are passed over for <Case>, and the IL assemblies load' -Skip:$noImages -TestCases @(
        @{ Case = 'IAMONBOARD_NO_READYTORUN'; Folder = $null; Environment = @{ IAMONBOARD_NO_READYTORUN = '1' } }
        @{ Case = 'another processor'; Folder = 'net10.0-linux-riscv64'; Environment = @{} }
        @{ Case = 'another OS'; Folder = 'net10.0-win-arm64'; Environment = @{} }
        @{ Case = 'a later .NET than this one'; Folder = "net$([Environment]::Version.Major + 1).0-$([System.Runtime.InteropServices.RuntimeInformation]::RuntimeIdentifier)"; Environment = @{} }
    ) {
        param($Case, $Folder, $Environment)
        $manifest = if ($Folder) { Copy-ModuleWithImagesAs -FolderName $Folder } else { $env:IAMONBOARD_MODULE }
        $dependencies = Join-Path (Split-Path $manifest) 'dependencies'
        $result = Invoke-LoadProbe -Manifest $manifest -Environment $Environment
        $result.Status | Should -Be 'Created'
        $result.Paths | Should -Contain (Join-Path $dependencies 'IamOnboard.Engine.dll')
        $result.Paths | Should -Contain (Join-Path $dependencies 'AWSSDK.Core.dll')
    }
}
