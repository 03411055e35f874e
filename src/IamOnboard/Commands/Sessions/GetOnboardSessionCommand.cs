using System.Management.Automation;
using IamOnboard.Commands.Infrastructure;
using IamOnboard.Sessions;

namespace IamOnboard.Commands;

/// <summary>Get-OnboardSession: the runspace's default session from Connect-Onboard, if any.</summary>
[Cmdlet(VerbsCommon.Get, "OnboardSession")]
[OutputType(typeof(OnboardSession))]
public sealed class GetOnboardSessionCommand : PSCmdlet
{
    protected override void EndProcessing()
    {
        var session = ModuleState.Current.DefaultSession;
        if (session is not null)
        {
            WriteObject(session);
        }
    }
}
