using System;
using System.Management.Automation;
using System.Security;
using IamOnboard.Sessions;

namespace IamOnboard.Commands.Infrastructure;

/// <summary>
/// The base of every cmdlet that talks to IAM. Takes AWS.Tools' common parameters; <see cref="SessionResolver"/> picks the session.
/// </summary>
public abstract class OnboardCmdletBase : AsyncCmdletBase
{
    private OnboardSession? _session;
    private bool _ownsSession;
    private IDisposable? _budgetLease;

    /// <summary>The IAM session to use instead of the default from Connect-Onboard (not combinable with other credentials).</summary>
    [Parameter]
    public OnboardSession? Session { get; set; }

    /// <summary>A shared credentials/config profile to use for this call only: a new session, the default one left as it is.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(ProfileNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string? ProfileName { get; set; }

    /// <summary>The shared credentials file to read profiles from, for this call only (as in AWS.Tools).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ProfileLocation { get; set; }

    /// <summary>The region for this call only; the session's credentials and endpoints stay.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(RegionCompleter))]
    [ValidateNotNullOrEmpty]
    public string? Region { get; set; }

    /// <summary>An access key id for this call only (with -SecretKey), as in AWS.Tools.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? AccessKey { get; set; }

    /// <summary>The secret access key for -AccessKey: a SecureString, or a string (kept as a SecureString from then on).</summary>
    [Parameter]
    [Transformations.SecureStringFromText]
    public SecureString? SecretKey { get; set; }

    /// <summary>The session token of temporary -AccessKey credentials.</summary>
    [Parameter]
    [Transformations.SecureStringFromText]
    public SecureString? SessionToken { get; set; }

    /// <summary>An endpoint serving IAM and STS for this call only; the session's credentials stay.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? EndpointUrl { get; set; }

    /// <summary>The session this call runs against.</summary>
    protected OnboardSession OnboardSession =>
        _session ?? throw new InvalidOperationException("The session is resolved in BeginProcessing.");

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        var parameters = new SessionParameters
        {
            Session = Session,
            ProfileName = ProfileName,
            ProfileLocation = ProfileLocation,
            Region = Region,
            AccessKey = AccessKey,
            SecretKey = SecretKey,
            SessionToken = SessionToken,
            EndpointUrl = EndpointUrl,
        };
        _session = new SessionResolver(this, work => RunToCompletion(work, ProfileName ?? AccessKey ?? EndpointUrl)).Resolve(parameters, out _ownsSession);

        // -ThrottleLimit is the session's budget of requests in flight, shared by every stage of the pipeline: each stage
        // works on twice that many items, so the stages overlap while the requests stay within it.
        _budgetLease = _session.RequestBudget.Join(NamedThrottleLimit);
        if (ConcurrentItems > 1)
        {
            Dispatcher.ItemLimit = 2 * _session.RequestBudget.Limit;
        }
    }

    /// <summary>The -ThrottleLimit given to this command, if any.</summary>
    private int? NamedThrottleLimit =>
        MyInvocation.BoundParameters.TryGetValue("ThrottleLimit", out var limit) && limit is int named ? named : null;

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _budgetLease?.Dispose();
            if (_ownsSession)
            {
                _session?.Dispose();
            }
        }

        base.Dispose(disposing);
    }
}
