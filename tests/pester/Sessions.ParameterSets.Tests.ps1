# -Session in parameter sets of its own: the binder, not the cmdlet, refuses it with the credentials of one call, and
# Get-Command -Syntax shows the two kinds of call apart. Input that binds without -Session binds the same with it.
BeforeDiscovery {
    Import-Module $env:IAMONBOARD_MODULE -Force
    # Every cmdlet on the base cmdlet that talks to IAM, directly or through an intermediate base (such as
    # ByNameOrUserCmdletBase): the rules hold for a cmdlet added later too.
    $script:sessionCmdlets = @(Get-Command -Module IamOnboard -CommandType Cmdlet | Where-Object {
            for ($type = $_.ImplementingType.BaseType; $type; $type = $type.BaseType) { if ($type.Name -eq 'OnboardCmdletBase') { return $true } }
            $false
        } | ForEach-Object Name)
    # The seven cmdlets that talk to IAM today; a refactoring that hid one from this list would hide it from every test here.
    if ($sessionCmdlets.Count -lt 7) { throw "Only $($sessionCmdlets.Count) cmdlets found on OnboardCmdletBase: $($sessionCmdlets -join ', ')" }
    $script:credentialParameters = 'ProfileName', 'ProfileLocation', 'AccessKey', 'SecretKey', 'SessionToken', 'TokenCode', 'Credential'
    $script:refusals = foreach ($cmdlet in $sessionCmdlets) {
        foreach ($parameter in $credentialParameters) { @{ Cmdlet = $cmdlet; Parameter = $parameter } }
    }
}

BeforeAll {
    Import-Module $env:IAMONBOARD_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:credentialParameters = 'ProfileName', 'ProfileLocation', 'AccessKey', 'SecretKey', 'SessionToken', 'TokenCode', 'Credential'
    $script:everySetParameters = 'Region', 'EndpointUrl'
    $script:commonParameters = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters

    function script:Get-SessionTwin([string] $Set) { if ($Set -eq 'Default') { 'Session' } else { "${Set}WithSession" } }
    function script:Test-SessionSet([string] $Set) { $Set -eq 'Session' -or $Set -like '*WithSession' }
    function script:Get-ParameterShape($Set) {
        # A set's own parameters as the binder sees them, connection parameters aside.
        $Set.Parameters | Where-Object { $_.Name -notin $commonParameters + $credentialParameters + $everySetParameters + 'Session' } |
            Sort-Object Name | ForEach-Object { '{0} m={1} p={2} v={3} n={4}' -f $_.Name, $_.IsMandatory, $_.Position, $_.ValueFromPipeline, $_.ValueFromPipelineByPropertyName }
    }
    function script:Get-AttributeShape($Parameter) {
        # What a parameter's declaration says besides [Parameter]: its type, aliases, validation, completion, transformation.
        @("type=$($Parameter.ParameterType.FullName)", "aliases=$($Parameter.Aliases -join ',')") +
        @($Parameter.Attributes | Where-Object { $_ -isnot [System.Management.Automation.ParameterAttribute] } |
                ForEach-Object { $_.GetType().Name + $(if ($_.RegexPattern) { ":$($_.RegexPattern)" } elseif ($_.Type) { ":$($_.Type.FullName)" }) } | Sort-Object)
    }

    # The mandatory input of each cmdlet, named, so that only the session parameters decide the set.
    $script:required = @{
        'Add-OnboardGroupMember'   = @{ GroupName = 'g'; UserName = 'u' }
        'Add-OnboardInlinePolicy'  = @{ UserName = 'u'; PolicyName = 'p'; PolicyDocument = '{}' }
        'Enable-OnboardVirtualMfa' = @{ UserName = 'u'; Unattended = $true }
        'New-OnboardGroup'         = @{ GroupName = 'g' }
        'New-OnboardUser'          = @{ UserName = 'u' }
        'Remove-OnboardUser'       = @{ UserName = 'u' }
        'Test-OnboardAccess'       = @{ UserName = 'u'; Action = 'iam:ListUsers' }
    }
    $script:conflicting = @{
        ProfileName     = 'other'
        ProfileLocation = './credentials'
        AccessKey       = 'AKIAIOSFODNN7EXAMPLE'
        SecretKey       = 'not-a-secret'
        SessionToken    = 'not-a-token'
        TokenCode       = '123456'
        Credential      = [pscredential]::new('AKIAIOSFODNN7EXAMPLE', (ConvertTo-SecureString 'not-a-secret' -AsPlainText -Force))
    }

    $script:endpoint = Start-OnboardLocalIam
    $script:session = Connect-TestEndpoint -Endpoint $endpoint
}

AfterAll {
    Disconnect-Onboard
    $endpoint | Stop-OnboardLocalIam -Confirm:$false
}

Describe 'The parameter sets of <_>' -ForEach $sessionCmdlets {
    BeforeAll {
        $script:command = Get-Command $_
        $script:sets = @($command.ParameterSets)
        $script:plainSets = @($sets | Where-Object { -not (Test-SessionSet $_.Name) })
        $script:sessionSets = @($sets | Where-Object { Test-SessionSet $_.Name })
    }

    It 'has each set twice, without and with -Session, and the default set takes no -Session' {
        $plainSets.Count | Should -BeGreaterThan 0
        @($plainSets | ForEach-Object { Get-SessionTwin $_.Name } | Sort-Object) | Should -Be @($sessionSets.Name | Sort-Object)
        $plainSets.Name | Should -Contain $command.DefaultParameterSet
    }

    It 'takes -Session, mandatory, in the session sets only' {
        foreach ($set in $sessionSets) { ($set.Parameters | Where-Object Name -EQ 'Session').IsMandatory | Should -BeTrue -Because $set.Name }
        foreach ($set in $plainSets) { $set.Parameters.Name | Should -Not -Contain 'Session' -Because $set.Name }
    }

    It 'takes the credentials of one call in the other sets only, and -Region and -EndpointUrl in every set' {
        foreach ($set in $plainSets) {
            foreach ($name in $credentialParameters) {
                ($set.Parameters | Where-Object Name -EQ $name).IsMandatory | Should -BeFalse -Because "$name in $($set.Name)"
            }
        }
        foreach ($set in $sessionSets) {
            foreach ($name in $credentialParameters) { $set.Parameters.Name | Should -Not -Contain $name -Because $set.Name }
        }
        foreach ($set in $sets) {
            foreach ($name in $everySetParameters) { $set.Parameters.Name | Should -Contain $name -Because $set.Name }
        }
    }

    It 'binds its own parameters alike in a set and in its -Session twin' {
        foreach ($set in $plainSets) {
            $twin = $sets | Where-Object Name -EQ (Get-SessionTwin $set.Name)
            Get-ParameterShape $twin | Should -Be (Get-ParameterShape $set) -Because "$($set.Name) and $($twin.Name)"
        }
    }

    It 'declares the connection parameters as the base cmdlet does (an override repeats every attribute)' {
        $base = Get-Command New-OnboardGroup   # overrides nothing
        foreach ($name in $credentialParameters + 'Session') {
            Get-AttributeShape $command.Parameters[$name] | Should -Be (Get-AttributeShape $base.Parameters[$name]) -Because $name
        }
    }

    It 'shows the calls with and without -Session apart in Get-Command -Syntax' {
        $lines = @((Get-Command $_ -Syntax) -split "`r?`n" | Where-Object { $_.Trim() })
        $withSession = @($lines | Where-Object { $_ -match '(?<!\[)-Session <OnboardSession>' })
        $without = @($lines | Where-Object { $_ -notmatch '-Session\b' })
        $withSession.Count | Should -Be $without.Count
        $withSession.Count + $without.Count | Should -Be $lines.Count
        $withSession | Should -Not -Match '-(ProfileName|ProfileLocation|AccessKey|SecretKey|SessionToken|TokenCode|Credential)\b'
        foreach ($line in $without) { $line | Should -Match '\[-ProfileName <string>\].*\[-TokenCode <string>\].*\[-Credential <Object>\]' }
        foreach ($line in $lines) { $line | Should -Match '\[-Region <string>\].*\[-EndpointUrl <string>\]' }
    }
}

Describe 'Binding refuses -Session with the credentials of one call' {
    It '<Cmdlet> -Session -<Parameter>' -ForEach $refusals {
        $command = Get-Command $Cmdlet
        $arguments = $required[$Cmdlet].Clone()
        $arguments.Session = $session
        $arguments[$Parameter] = $conflicting[$Parameter]
        if ($command.Parameters.ContainsKey('WhatIf')) { $arguments.WhatIf = $true }
        $thrown = { & $Cmdlet @arguments } | Should -Throw -ErrorId "AmbiguousParameterSet,IamOnboard.Commands.$($command.ImplementingType.Name)" -PassThru
        $thrown.Exception | Should -BeOfType System.Management.Automation.ParameterBindingException
    }

    It 'refuses them with pipeline input too' {
        { 'u' | New-OnboardUser -Session $session -ProfileName other -WhatIf } |
            Should -Throw -ErrorId 'AmbiguousParameterSet,IamOnboard.Commands.NewOnboardUserCommand'
        { [pscustomobject]@{ UserName = 'u'; GroupName = 'g' } | Add-OnboardGroupMember -Session $session -AccessKey AKIAIOSFODNN7EXAMPLE -WhatIf } |
            Should -Throw -ErrorId 'AmbiguousParameterSet,IamOnboard.Commands.AddOnboardGroupMemberCommand'
    }

    It 'takes -Region and -EndpointUrl with -Session, keeping its credentials' {
        $user = New-OnboardUser -UserName (New-TestName) -Session $session -Region eu-west-1 -EndpointUrl $endpoint.Url
        $user.Arn | Should -Match ":$($endpoint.AccountId):user/"
    }
}

Describe 'Input binds the same with and without -Session' {
    # A set twice over makes the binder weigh more sets; the default set is chosen so that rows and objects from the
    # pipeline still find theirs (with ByUser as default, a row with UserName and GroupName, or with UserName and
    # DeviceName, was sent to ByUser and failed for want of InputObject).
    BeforeAll {
        $script:group = (New-OnboardGroup -GroupName (New-TestName 'group')).GroupName
    }

    It 'binds a row with UserName and GroupName to Add-OnboardGroupMember<Label>' -ForEach @(@{ Label = '' }, @{ Label = ' -Session' }) {
        $Extra = if ($Label) { @{ Session = $session } } else { @{} }
        $user = (New-OnboardUser -UserName (New-TestName)).UserName
        $membership = [pscustomobject]@{ UserName = $user; GroupName = $group } | Add-OnboardGroupMember @Extra
        $membership.Status | Should -Be 'Added'
        $membership.UserName | Should -Be $user
    }

    It 'binds a row with UserName and DeviceName to Enable-OnboardVirtualMfa<Label>' -ForEach @(@{ Label = '' }, @{ Label = ' -Session' }) {
        $Extra = if ($Label) { @{ Session = $session } } else { @{} }
        $user = (New-OnboardUser -UserName (New-TestName)).UserName
        $device = [pscustomobject]@{ UserName = $user; DeviceName = "$user-phone" } | Enable-OnboardVirtualMfa -Unattended @Extra
        $device.SerialNumber | Should -Match "mfa/$user-phone$"
    }

    It 'passes a user object from New-OnboardUser on through Add-OnboardGroupMember and Enable-OnboardVirtualMfa with -Session' {
        $name = New-TestName
        $device = New-OnboardUser -UserName $name -Session $session | Add-OnboardGroupMember -GroupName $group -Session $session |
            Enable-OnboardVirtualMfa -Unattended -Session $session
        $device.User.UserName | Should -Be $name
        $device.User.Groups | Should -Contain $group
    }
}
