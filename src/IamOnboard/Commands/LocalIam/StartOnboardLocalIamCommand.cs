using System;
using System.IO;
using System.Management.Automation;
using IamOnboard.Commands.Infrastructure;
using System.Net.Sockets;
using IamOnboard.Commands.Transformations;
using IamOnboard.LocalIam;
using IamOnboard.Onboarding;

namespace IamOnboard.Commands;

/// <summary>
/// <para type="synopsis">Starts a local IAM- and STS-compatible endpoint on 127.0.0.1.</para>
/// <para type="description">The endpoint speaks IAM's Query API with SigV4 authentication and enforces IAM's rules, so the module,
/// the AWS CLI and the AWS SDKs can be pointed at it (--endpoint-url) for tests and demos without an AWS account.
/// It lives as long as the current runspace, or until Stop-OnboardLocalIam.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Start, "OnboardLocalIam")]
[OutputType(typeof(LocalIamEndpoint))]
public sealed class StartOnboardLocalIamCommand : PSCmdlet
{
    /// <summary><para type="description">The loopback port; 0 (the default) picks a free one.</para></summary>
    [Parameter(Position = 0)]
    [ValidateRange(0, 65535)]
    public int Port { get; set; }

    /// <summary><para type="description">A JSON file that keeps the account across restarts (written owner-only after every change, before the change is
    /// answered); one endpoint at a time may serve it.</para></summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? StatePath { get; set; }

    /// <summary><para type="description">Delay added to every request (within about a millisecond, never shorter): 25ms, 2s, 1.5s, a number of milliseconds, or a TimeSpan.</para></summary>
    [Parameter]
    [DurationTransformation]
    public TimeSpan Latency { get; set; }

    /// <summary><para type="description">Requests per second before answering Throttling; 0 turns throttling off.</para></summary>
    [Parameter]
    [ValidateRange(0, double.MaxValue)]
    public double ThrottleRate { get; set; }

    /// <summary><para type="description">How many requests may arrive at once before throttling starts.</para></summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int ThrottleBurst { get; set; }

    /// <summary><para type="description">Share (0 to 1) of requests answered with ServiceFailure (500).</para></summary>
    [Parameter]
    [ValidateRange(0.0, 1.0)]
    public double FailureRate { get; set; }

    /// <summary><para type="description">Share (0 to 1) of changes carried out whose response is then dropped.</para></summary>
    [Parameter]
    [ValidateRange(0.0, 1.0)]
    public double DropResponseRate { get; set; }

    /// <summary><para type="description">The 12-digit account id; random when omitted.</para></summary>
    [Parameter]
    [ValidatePattern("^[0-9]{12}$")]
    public string? AccountId { get; set; }

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
        string? statePath = null;
        try
        {
            statePath = StatePath is null ? null : FileSystemPath.Resolve(SessionState.Path, nameof(StatePath), StatePath);
        }
        catch (OnboardInputException notAFile)
        {
            ThrowTerminatingError(OnboardErrors.FromException(notAFile, StatePath));
        }

        var options = new LocalIamOptions
        {
            Port = Port,
            StatePath = statePath,
            Latency = Latency,
            ThrottleRate = ThrottleRate,
            ThrottleBurst = ThrottleBurst,
            FailureRate = FailureRate,
            DropResponseRate = DropResponseRate,
            AccountId = AccountId,
        };

        LocalIamEndpoint endpoint;
        try
        {
            endpoint = LocalIamEndpoints.Start(options);
        }
        catch (Exception error) when (error is SocketException or IOException or InvalidOperationException or InvalidDataException or UnauthorizedAccessException)
        {
            ThrowTerminatingError(new ErrorRecord(error, "LocalIamStartFailed", ErrorCategory.ResourceUnavailable, (object?)statePath ?? Port));
            return;
        }

        WriteVerbose("Local IAM endpoint listening on " + endpoint.Url + " for account " + endpoint.AccountId + ".");
        WriteObject(endpoint);
    }
}
