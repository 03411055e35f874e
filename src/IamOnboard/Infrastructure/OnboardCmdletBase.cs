using System;
using System.Management.Automation;
using IamOnboard.Sessions;

namespace IamOnboard.Commands.Infrastructure;

/// <summary>
/// The base of every cmdlet that talks to IAM. Resolves the session: explicit -Session, then per-call
/// -ProfileName/-Region, then the runspace default from Connect-Onboard, then the SDK's default credential chain.
/// </summary>
public abstract class OnboardCmdletBase : AsyncCmdletBase
{
    private OnboardSession? _session;
    private bool _ownsSession;
    private IDisposable? _budgetLease;

    /// <summary>The IAM session to use instead of the default from Connect-Onboard.</summary>
    [Parameter]
    public OnboardSession? Session { get; set; }

    /// <summary>A shared credentials/config profile to use for this call only.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(ProfileNameCompleter))]
    public string? ProfileName { get; set; }

    /// <summary>The region for this call only (it selects the partition: aws, aws-cn or aws-us-gov).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(RegionCompleter))]
    public string? Region { get; set; }

    /// <summary>The session this call runs against.</summary>
    protected OnboardSession OnboardSession =>
        _session ?? throw new InvalidOperationException("The session is resolved in BeginProcessing.");

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        _session = ResolveSession();

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

    private OnboardSession ResolveSession()
    {
        if (Session is not null)
        {
            WriteVerbose($"Using the session given with -Session: {Session.CallerArn} ({Session.CredentialSource}).");
            return Session;
        }

        if (ProfileName is null && Region is null)
        {
            var fromConnect = ModuleState.Current.DefaultSession;
            if (fromConnect is not null)
            {
                WriteVerbose($"Using the session from Connect-Onboard: {fromConnect.CallerArn} ({fromConnect.CredentialSource}).");
                return fromConnect;
            }
        }

        // No Connect-Onboard: resolve credentials for this call only, like the AWS tools do.
        var options = new OnboardConnectOptions { ProfileName = ProfileName, Region = Region };
        var session = RunToCompletion(ct => OnboardSessionFactory.ConnectAsync(options, ct), ProfileName);
        _ownsSession = true;
        WriteVerbose($"Using credentials from {session.CredentialSource} for this call: {session.CallerArn}.");
        if (session.IsRootCaller)
        {
            session.Dispose();
            ThrowTerminatingError(OnboardErrors.Create(
                "RootCredentialRefused", ErrorCategory.SecurityError, session.CallerArn,
                "These are the account's root user credentials. Onboarding should not run as root: use an IAM " +
                "user or role with IAM permissions, or run Connect-Onboard -AllowRootCredential to accept the risk."));
        }

        return session;
    }

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
