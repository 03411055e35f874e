using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using IamOnboard.Onboarding;
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
    }

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

    /// <summary>
    /// Writes output that carries a user from New-OnboardUser and, once the next command has taken it, removes the
    /// user's hand-off mark, unless an IamOnboard cmdlet downstream has taken the user over (it does this itself later).
    /// Called from item work; the waiting happens outside the item's slot, so the next item starts meanwhile.
    /// </summary>
    internal void HandOn(object output, OnboardUser? user, CancellationToken ct) =>
        Dispatcher.Track(WriteHandingOnAsync(output, user, ct));

    private async Task WriteHandingOnAsync(object output, OnboardUser? user, CancellationToken ct)
    {
        await Dispatcher.WriteObjectAsync(output, ct).ConfigureAwait(false);
        if (user?.HandOff is { } handOff && handOff.IsHeldBy(this))
        {
            await Dispatcher.InSlotAsync(() => FinishHandOffAsync(user)).ConfigureAwait(false);
        }
    }

    /// <summary>The same after a write made on the pipeline thread.</summary>
    internal void FinishHandOff(OnboardUser? user)
    {
        if (user?.HandOff is { } handOff && handOff.IsHeldBy(this))
        {
            Dispatcher.Run(async _ =>
            {
                await FinishHandOffAsync(user).ConfigureAwait(false);
                return true;
            });
        }
    }

    /// <summary>Called in ProcessRecord by a cmdlet that will write the user on itself, later.</summary>
    internal void TakeOverHandOff(OnboardUser? user) => user?.HandOff?.TakeOver(this);

    private async Task FinishHandOffAsync(OnboardUser? user)
    {
        if (user?.HandOff is not { } handOff || !handOff.IsHeldBy(this))
        {
            return;
        }

        try
        {
            await handOff.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception failure)
        {
            Dispatcher.WriteError(OnboardErrors.Create("HandOffMarkNotRemoved", ErrorCategory.WriteError, user,
                $"{user.UserName}: the new credentials were handed out, but the tag '{HandOffMark.TagKey}' that marks them as not yet handed out " +
                $"could not be removed ({failure.Message}). Remove it (aws iam untag-user --user-name {user.UserName} --tag-keys {HandOffMark.TagKey}), " +
                "or the next run will replace these credentials."));
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && _ownsSession)
        {
            _session?.Dispose();
        }

        base.Dispose(disposing);
    }
}
