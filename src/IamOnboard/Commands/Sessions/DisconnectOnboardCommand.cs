using System.Management.Automation;
using IamOnboard.Commands.Infrastructure;

namespace IamOnboard.Commands;

/// <summary>Disconnect-Onboard: forgets the runspace's default session and the roles assumed with an MFA code in it.</summary>
[Cmdlet(VerbsCommunications.Disconnect, "Onboard")]
[OutputType(typeof(void))]
public sealed class DisconnectOnboardCommand : PSCmdlet
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
        var roleSessions = ModuleState.Current.MfaRoleSessions;
        if (roleSessions.Count > 0)
        {
            WriteVerbose($"Forgetting {roleSessions.Count} role session(s) assumed with an MFA code: the next command naming such a role profile asks for a new code.");
            roleSessions.Clear();
        }

        var session = ModuleState.Current.DefaultSession;
        if (session is null)
        {
            WriteVerbose("There was no session to disconnect.");
            return;
        }

        WriteVerbose($"Disconnecting {session.CallerArn}.");
        ModuleState.Current.SetDefaultSession(null);
    }
}
