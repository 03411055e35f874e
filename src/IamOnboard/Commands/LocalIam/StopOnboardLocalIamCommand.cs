using System.Linq;
using System.Management.Automation;
using IamOnboard.Commands.Infrastructure;

namespace IamOnboard.Commands;

/// <summary>
/// <para type="synopsis">Stops local IAM endpoints started in this session.</para>
/// <para type="description">Stops the endpoints given (or piped), or all of this runspace's with -All. State already written to a
/// -StatePath file stays there for the next Start-OnboardLocalIam.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Stop, "OnboardLocalIam", SupportsShouldProcess = true, DefaultParameterSetName = EndpointSet)]
[OutputType(typeof(void))]
public sealed class StopOnboardLocalIamCommand : PSCmdlet
{
    private const string EndpointSet = "Endpoint";
    private const string AllSet = "All";

    /// <summary><para type="description">The endpoints to stop, as Start-OnboardLocalIam or Get-OnboardLocalIam returned them.</para></summary>
    [Parameter(ParameterSetName = EndpointSet, Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ValidateNotNull]
    public LocalIamEndpoint[] Endpoint { get; set; } = System.Array.Empty<LocalIamEndpoint>();

    /// <summary><para type="description">Stops every endpoint started in this runspace.</para></summary>
    [Parameter(ParameterSetName = AllSet, Mandatory = true)]
    public SwitchParameter All { get; set; }

    /// <summary>-Debug in a runbook without its questions; a stream set to ask, refused (see <see cref="InteractiveHost.RefuseQuestionsNobodyCanAnswer"/>).</summary>
    protected override void BeginProcessing()
    {
        if (InteractiveHost.RefuseQuestionsNobodyCanAnswer(this) is { } refusal)
        {
            ThrowTerminatingError(refusal);
        }
    }

    protected override void ProcessRecord()
    {
        var targets = All ? LocalIamEndpoints.List().ToArray() : Endpoint;
        foreach (var endpoint in targets)
        {
            if (ShouldProcess(endpoint.Url, "Stop local IAM endpoint"))
            {
                LocalIamEndpoints.Stop(endpoint);
                WriteVerbose("Stopped the local IAM endpoint " + endpoint.Url + ".");
            }
        }
    }
}
