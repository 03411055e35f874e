# Help: every exported cmdlet documented (synopsis, description, every module parameter, 2+ examples), and every
# example in the compiled help runs against a local endpoint.
BeforeDiscovery {
    Import-Module $env:IAMONBOARD_MODULE -Force
    $script:cmdletNames = @(Get-Command -Module IamOnboard -CommandType Cmdlet | ForEach-Object Name)
    $script:examples = foreach ($name in $cmdletNames) {
        $index = 0
        foreach ($example in (Get-Help $name -Examples).examples.example) {
            $index++
            @{ Cmdlet = $name; Index = $index; Title = ($example.title -replace '^-+\s*|\s*-+$', ''); Code = $example.code }
        }
    }
    $script:examplesByCmdlet = foreach ($name in $cmdletNames) { @{ Cmdlet = $name; Examples = @($examples | Where-Object Cmdlet -EQ $name) } }
}

BeforeAll {
    Import-Module $env:IAMONBOARD_MODULE -Force
    $script:commonParameters = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
}

Describe 'Help for <_>' -ForEach $cmdletNames {
    BeforeAll {
        $script:name = $_
        $script:help = Get-Help $name -Full
        $script:command = Get-Command $name
    }

    It 'comes from the compiled help file' {
        # Without a MAML entry Get-Help makes up a stub whose synopsis is the syntax line.
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -Match "^\s*$([regex]::Escape($name))\s"
    }

    It 'has a description' {
        ($help.description.Text -join '').Trim() | Should -Not -BeNullOrEmpty
    }

    It 'documents every parameter the module defines' {
        $undocumented = foreach ($parameter in $command.Parameters.Keys | Where-Object { $_ -notin $commonParameters }) {
            $entry = $help.parameters.parameter | Where-Object name -EQ $parameter
            if (-not $entry -or -not (($entry.description.Text -join '').Trim())) { $parameter }
        }
        $undocumented | Should -BeNullOrEmpty -Because "every parameter of $name needs help text"
    }

    It 'states the parameter facts the cmdlet has' {
        foreach ($parameter in $command.Parameters.Values | Where-Object { $_.Name -notin $commonParameters }) {
            $entry = $help.parameters.parameter | Where-Object name -EQ $parameter.Name
            $entry.type.name | Should -Be $parameter.ParameterType.FullName
            $aliases = if ($parameter.Aliases.Count) { $parameter.Aliases -join ', ' } else { 'none' }
            $entry.aliases | Should -Be $aliases
        }
    }

    It 'shows value types in its syntax and parameter list, never Nullable`1' {
        ($help.syntax | Out-String -Width 500) + ($help.parameters | Out-String -Width 500) | Should -Not -Match 'Nullable'
    }

    It 'has at least two examples with code' {
        $examples = @($help.examples.example)
        $examples.Count | Should -BeGreaterOrEqual 2
        $examples | ForEach-Object { $_.code | Should -Not -BeNullOrEmpty }
    }
}

Describe 'Help examples run: <Cmdlet> <Title>' -ForEach $examples {
    It 'runs without errors after Connect-Onboard -Local' {
        # A fresh runspace per example: nothing one example creates is there for the next.
        $folder = Join-Path $TestDrive ("{0}-{1}" -f $Cmdlet, $Index)
        $null = New-Item -ItemType Directory -Path $folder
        $shell = [powershell]::Create([initialsessionstate]::CreateDefault2())
        try {
            $null = $shell.AddScript("Set-Location -LiteralPath '$folder'; Import-Module '$env:IAMONBOARD_MODULE'; `$null = Connect-Onboard -Local").Invoke()
            $shell.Streams.Error | Should -BeNullOrEmpty
            $shell.Commands.Clear()
            $output = $shell.AddScript($Code).Invoke()
            $errors = @($shell.Streams.Error | ForEach-Object { "$($_.FullyQualifiedErrorId): $_" })
            $errors | Should -BeNullOrEmpty -Because "example '$Title' of $Cmdlet must run as written"
            $shell.HadErrors | Should -BeFalse
            $null = $output
        }
        finally {
            $shell.Runspace.Dispose()
            $shell.Dispose()
        }
    }
}

Describe 'Help examples run in order: <Cmdlet>' -ForEach $examplesByCmdlet {
    It 'runs every example, one after another in one session, as a newcomer working down Get-Help -Examples does' {
        # One runspace for all: what an example creates (a user, a group, a file) is there for the next, so two examples
        # writing one file or changing one user's access collide here, as they would for the reader.
        $folder = Join-Path $TestDrive "$Cmdlet-in-order"
        $null = New-Item -ItemType Directory -Path $folder
        $shell = [powershell]::Create([initialsessionstate]::CreateDefault2())
        try {
            $null = $shell.AddScript("Set-Location -LiteralPath '$folder'; Import-Module '$env:IAMONBOARD_MODULE'; `$null = Connect-Onboard -Local").Invoke()
            $shell.Streams.Error | Should -BeNullOrEmpty
            $errors = foreach ($example in $Examples) {
                $shell.Commands.Clear()
                $shell.Streams.Error.Clear()
                try {
                    $null = $shell.AddScript($example.Code).Invoke()
                }
                catch {
                    "$($example.Title): stopped: $_"
                }
                $shell.Streams.Error | ForEach-Object { "$($example.Title): $($_.FullyQualifiedErrorId): $_" }
            }
            $errors | Should -BeNullOrEmpty -Because "the examples of $Cmdlet must run in order as written"
        }
        finally {
            $shell.Runspace.Dispose()
            $shell.Dispose()
        }
    }
}

Describe 'Help topic about_IamOnboard' {
    It 'is found by Get-Help and covers its subjects' {
        $text = Get-Help about_IamOnboard | Out-String
        foreach ($subject in 'Sessions and credential resolution', 'The local endpoint', 'The CSV format', 'Unattended MFA', 'Security notes') {
            $text | Should -Match ([regex]::Escape($subject))
        }
    }

    It 'warns that Export-Clixml keeps SecureStrings reversible on Linux and macOS, and says what to use instead' {
        $text = (Get-Help about_IamOnboard | Out-String) -replace '\s+', ' '
        $text | Should -Match 'Export-Clixml on Linux or macOS'
        $text | Should -Match 'obfuscated, not encrypted'
        $text | Should -Match 'Export-OnboardCredential'
        $text | Should -Match 'SecretManagement'
    }
}
