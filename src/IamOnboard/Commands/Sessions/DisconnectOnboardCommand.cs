using System.Management.Automation;
using IamOnboard.Commands.Infrastructure;

namespace IamOnboard.Commands;

/// <summary>Disconnect-Onboard: forgets the runspace's default session and releases its clients.</summary>
[Cmdlet(VerbsCommunications.Disconnect, "Onboard")]
[OutputType(typeof(void))]
public sealed class DisconnectOnboardCommand : PSCmdlet
{
    protected override void EndProcessing()
    {
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
