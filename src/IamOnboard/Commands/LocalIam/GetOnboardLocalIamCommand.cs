using System.Management.Automation;

namespace IamOnboard.Commands;

/// <summary>
/// <para type="synopsis">Lists the local IAM endpoints running in this session.</para>
/// <para type="description">Returns the objects Start-OnboardLocalIam returned, for the endpoints of the current runspace that are still running.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "OnboardLocalIam")]
[OutputType(typeof(LocalIamEndpoint))]
public sealed class GetOnboardLocalIamCommand : PSCmdlet
{
    protected override void EndProcessing()
    {
        foreach (var endpoint in LocalIamEndpoints.List())
        {
            WriteObject(endpoint);
        }
    }
}
