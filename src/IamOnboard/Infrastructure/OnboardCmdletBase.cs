using System;
using System.Management.Automation;
using System.Security;
using System.Threading;
using System.Threading.Tasks;
using IamOnboard.Onboarding;
using IamOnboard.Sessions;

namespace IamOnboard.Commands.Infrastructure;

/// <summary>
/// The base of every cmdlet that talks to IAM. Takes AWS.Tools' common parameters; <see cref="SessionResolver"/> picks the session.
/// </summary>
public abstract class OnboardCmdletBase : AsyncCmdletBase
{
    private OnboardSession? _session;
    private bool _ownsSession;

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
