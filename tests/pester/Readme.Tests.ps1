# Every ```powershell block of README.md runs as written, in order, in one fresh pwsh, against a local endpoint.
# The only changes to what the README says, each needed because a test has no AWS profile and no person:
#   - `Import-Module <path>/IamOnboard.psd1` imports the built module under test;
#   - `Connect-Onboard -ProfileName <name>` becomes `Connect-Onboard -Local`;
#   - `-ShowQrCode` also gets `-ShowSecret`, so the test can read the seed and type the two codes a person would;
#   - `$ConfirmPreference = 'None'` answers Yes to confirmation prompts (Remove-OnboardUser asks);
#   - `$ErrorActionPreference = 'Stop'`, so any error fails the run.
# It runs in a scratch folder that holds a copy of examples/, as the repository root does.
# examples/README.md's blocks run the same way in a copy of examples/ (where they say `starters.csv`), after the
# module is imported and `Connect-Onboard -Local` connected, as the Use section of README.md does first.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:readme = Join-Path $PSScriptRoot '../../README.md'
    $script:examplesReadme = Join-Path $PSScriptRoot '../../examples/README.md'

    function script:Get-ReadmePowerShell([string] $Path) {
        $text = (Get-Content -Raw -Path $Path) -replace "`r`n", "`n"
        @([regex]::Matches($text, '(?ms)^```powershell\n(.*?)^```') | ForEach-Object { $_.Groups[1].Value })
    }

    function script:ConvertTo-TestScript([string[]] $Blocks, [string] $Module, [string] $Prelude = '') {
        $body = ($Blocks -join "`n") `
            -replace '(?m)^(\s*)Import-Module\s+\S*IamOnboard\.psd1', ('$1Import-Module ''' + $Module.Replace("'", "''") + "'") `
            -replace 'Connect-Onboard\s+-ProfileName\s+\S+', 'Connect-Onboard -Local' `
            -replace '-ShowQrCode\b', '-ShowQrCode -ShowSecret'
        "`$ErrorActionPreference = 'Stop'`n`$ConfirmPreference = 'None'`n" + $Prelude + $body + "`n'README-DONE'`n"
    }

    # Runs the script in a fresh pwsh in $Work, as a person at the keyboard would: reads the seed an enrolment shows
    # and types two consecutive codes. Fails unless it ends without an error.
    function script:Invoke-ReadmeScript([string] $Script, [string] $Work) {
        $scriptPath = Join-Path $Work 'readme.ps1'
        $Script | Set-Content -Path $scriptPath -Encoding utf8NoBOM
        $start = New-ChildPwshStartInfo -Arguments @('-NoProfile', '-NoLogo', '-File', $scriptPath)
        $start.WorkingDirectory = $Work
        $start.RedirectStandardInput = $true
        $start.RedirectStandardOutput = $true
        $start.RedirectStandardError = $true
        $child = [System.Diagnostics.Process]::Start($start)
        try {
            $stderr = $child.StandardError.ReadToEndAsync()
            $output = [System.Text.StringBuilder]::new()
            # An unanswered prompt would wait forever: the run is stopped after 5 minutes without a line.
            while ($true) {
                $next = $child.StandardOutput.ReadLineAsync()
                if (-not $next.Wait(300000)) { $child.Kill($true); throw "README run stalled (a prompt the test does not answer?). Output so far:`n$output" }
                $line = $next.Result
                if ($null -eq $line) { break }
                $null = $output.AppendLine($line)
                if ($line -match 'Secret key for .+: ([A-Z2-7]+)') {
                    $child.StandardInput.WriteLine((Get-TestTotpCode -Base32Seed $Matches[1]))
                    $child.StandardInput.WriteLine((Get-TestTotpCode -Base32Seed $Matches[1] -At ([DateTimeOffset]::UtcNow.AddSeconds(30))))
                    $child.StandardInput.Flush()
                }
            }
            $child.WaitForExit(120000) | Should -BeTrue
            $errors = $stderr.GetAwaiter().GetResult()
            $because = "README's commands must run as written.`nOutput:`n$output`nErrors:`n$errors"
            $child.ExitCode | Should -Be 0 -Because $because
            $errors | Should -BeNullOrEmpty -Because $because
            $output.ToString() | Should -Match 'README-DONE'
        }
        finally {
            if (-not $child.HasExited) { $child.Kill($true) }
            $child.Dispose()
        }
    }
}

Describe 'README.md' {
    It 'has PowerShell blocks, and they run as written against a local endpoint' {
        $blocks = Get-ReadmePowerShell $readme
        $blocks.Count | Should -BeGreaterThan 0
        $work = Join-Path $TestDrive 'root'
        $null = New-Item -ItemType Directory -Path $work
        Copy-Item -Recurse -Path (Join-Path $PSScriptRoot '../../examples') -Destination (Join-Path $work 'examples')
        Invoke-ReadmeScript -Script (ConvertTo-TestScript -Blocks $blocks -Module $env:IAMONBOARD_MODULE) -Work $work
    }

    It 'examples/README.md has PowerShell blocks, and they run as written in examples/ against a local endpoint' {
        # Its pipeline enrolled console users in unattended MFA with nowhere for the seed to go: MfaSeedWouldBeLost.
        $blocks = Get-ReadmePowerShell $examplesReadme
        $blocks.Count | Should -BeGreaterThan 0
        $work = Join-Path $TestDrive 'examples'
        Copy-Item -Recurse -Path (Join-Path $PSScriptRoot '../../examples') -Destination $work
        $prelude = "Import-Module '$($env:IAMONBOARD_MODULE.Replace("'", "''"))'`nConnect-Onboard -Local | Out-Null`n"
        Invoke-ReadmeScript -Script (ConvertTo-TestScript -Blocks $blocks -Module $env:IAMONBOARD_MODULE -Prelude $prelude) -Work $work
        Join-Path $work 'creds.csv' | Should -Exist
    }
}
