using System.Management.Automation;
using IamOnboard.Commands.Infrastructure;
using IamOnboard.Sessions;

namespace IamOnboard.Commands;

/// <summary>Get-OnboardSession: the runspace's default session from Connect-Onboard, if any.</summary>
[Cmdlet(VerbsCommon.Get, "OnboardSession")]
[OutputType(typeof(OnboardSession))]
public sealed class GetOnboardSessionCommand : PSCmdlet
{
    /// <summary>-Debug in a runbook without its questions; a stream set to ask, refused (see <see cref="InteractiveHost.RefuseQuestionsNobodyCanAnswer"/>).</summary>
    protected override void BeginProcessing()
    {
        if (InteractiveHost.RefuseQuestionsNobodyCanAnswer(this) is { } refusal)
        {
            ThrowTerminatingError(refusal);
        }
    }

    protected override void EndProcessing()
    {
        var session = ModuleState.Current.DefaultSession;
        if (session is not null)
        {
            WriteObject(session);
        }
    }
}
