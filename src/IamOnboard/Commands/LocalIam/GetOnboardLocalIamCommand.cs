using System.Management.Automation;
using IamOnboard.Commands.Infrastructure;

namespace IamOnboard.Commands;

/// <summary>
/// <para type="synopsis">Lists the local IAM endpoints running in this session.</para>
/// <para type="description">Returns the objects Start-OnboardLocalIam returned, for the endpoints of the current runspace that are still running.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "OnboardLocalIam")]
[OutputType(typeof(LocalIamEndpoint))]
public sealed class GetOnboardLocalIamCommand : PSCmdlet
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
        foreach (var endpoint in LocalIamEndpoints.List())
        {
            WriteObject(endpoint);
        }
    }
}
