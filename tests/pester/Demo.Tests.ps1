# The demo (examples/Demo.ps1, what `build.ps1 demo` runs) with its output redirected, as in a CI log or a file:
# plain text, every section shows something, notes are not cut off, and what it calls owner-only is.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:outputDirectory = Join-Path $TestDrive 'demo'
    $start = New-ChildPwshStartInfo -Arguments @('-NoProfile', '-NonInteractive', '-File', (Join-Path $PSScriptRoot '../../examples/Demo.ps1'),
        '-ModuleManifest', $env:IAMONBOARD_MODULE, '-OutputDirectory', $outputDirectory)
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    $start.Environment.Remove('NO_COLOR')
    $process = [System.Diagnostics.Process]::Start($start)
    $stderr = $process.StandardError.ReadToEndAsync()
    $script:output = $process.StandardOutput.ReadToEnd()
    $process.WaitForExit()
    $script:errors = $stderr.GetAwaiter().GetResult()
    $script:exitCode = $process.ExitCode
    # The lines between a section's heading and the next one.
    function script:Get-Section([string] $Heading) {
        $lines = $output -split "`r?`n"
        $at = [array]::FindIndex($lines, [Predicate[string]] { param($l) $l -like "== $Heading*" })
        if ($at -lt 0) { throw "No section '$Heading' in:`n$output" }
        @($lines[($at + 1)..($lines.Count - 1)] | ForEach-Object -Begin { $more = $true } -Process { if ($_ -like '== *') { $more = $false }; if ($more) { $_ } } |
            Where-Object { $_.Trim() })
    }
}

Describe 'The demo, redirected' {
    It 'runs to the end without errors' {
        $exitCode | Should -Be 0 -Because "$output`n$errors"
        $errors | Should -BeNullOrEmpty
        $output | Should -Match '== Done'
    }

    It 'writes plain text: no ANSI escape sequences' {
        $output.IndexOf([char]27) | Should -Be -1 -Because 'redirected output is read in logs and files, where escape codes are noise'
    }

    It 'shows what the credentials file holds, without its secrets' {
        $section = Get-Section 'The credentials file'
        $section | Should -Not -BeNullOrEmpty
        ($section -join "`n") | Should -Match 'ana\.lima'
        ($section -join "`n") | Should -Match '\(mode: (UserRead, UserWrite|UserWrite, UserRead)\)'
        $secrets = Import-Csv (Join-Path $outputDirectory 'credentials.csv')
        foreach ($row in $secrets | Where-Object Password) { $output | Should -Not -Match ([regex]::Escape($row.Password)) }
        foreach ($row in $secrets | Where-Object 'Secret access key') { $output | Should -Not -Match ([regex]::Escape($row.'Secret access key')) }
    }

    It 'shows the re-run''s notes in full' {
        $section = (Get-Section 'The same batch again') -join "`n"
        $section | Should -Not -Match '…'
        $section | Should -Match 'Unchanged'
    }

    It 'keeps the QR codes in an owner-only folder (Unix modes; on Windows the folder inherits its ACL)' {
        if (-not $IsWindows) {
            (Get-Item (Join-Path $outputDirectory 'qr')).UnixFileMode | Should -Be ([System.IO.UnixFileMode]'UserRead, UserWrite, UserExecute')
        }
        $output | Should -Match 'QR codes \(owner-only\)'
    }
}
