using System;
using System.Management.Automation;
using System.Security;
using IamOnboard.Iam;
using IamOnboard.Sessions;

namespace IamOnboard.Commands.Infrastructure;

/// <summary>
/// The base of every cmdlet that talks to IAM. Takes AWS.Tools' common parameters; <see cref="SessionResolver"/> picks the session.
/// </summary>
/// <remarks>
/// -Session carries its own credentials, so it lives in parameter sets of its own and the binder refuses it with the
/// parameters that name credentials for one call (-ProfileName, -ProfileLocation, -AccessKey, -SecretKey, -SessionToken,
/// -TokenCode, -Credential). -Region and -EndpointUrl apply to either kind of session, so they are in every set.
/// A cmdlet without parameter sets of its own has two: <see cref="DefaultSet"/> and <see cref="SessionSet"/>. A cmdlet
/// with sets of its own (ByName, ByUser, ...) has each twice, X and X + <see cref="WithSession"/>: it overrides the
/// virtual parameters below with those set names, after its own parameters (so they come after them in the syntax), and
/// every attribute but [Parameter] must be repeated there, because PowerShell reads an overriding property's attributes
/// only. Cmdlets whose sets are ByName and ByUser derive from <see cref="ByNameOrUserCmdletBase"/>, which does this once.
/// Sessions.ParameterSets.Tests.ps1 checks every cmdlet against these rules.
/// The credential parameters carry AWS.Tools' aliases (-StoredCredentials, -ProfilesLocation, -AK, -SK, -SecretAccessKey,
/// -ST), so its scripts bind unchanged.
/// </remarks>
public abstract class OnboardCmdletBase : AsyncCmdletBase, IDynamicParameters
{
    /// <summary>The set of a cmdlet without sets of its own when it is not given -Session.</summary>
    protected internal const string DefaultSet = "Default";

    /// <summary>The set of a cmdlet without sets of its own when it is given -Session.</summary>
    protected internal const string SessionSet = "Session";

    /// <summary>The suffix of the twin, with -Session, of a cmdlet's own parameter set.</summary>
    protected internal const string WithSession = "WithSession";

    private OnboardSession? _session;
    private bool _ownsSession;
    private IDisposable? _budgetLease;

    /// <summary>The IAM session to use instead of the default from Connect-Onboard (not combinable with other credentials).</summary>
    [Parameter(Mandatory = true, ParameterSetName = SessionSet)]
    [Transformations.LiveSession]
    public virtual OnboardSession? Session { get; set; }

    /// <summary>A shared credentials/config profile to use for this call only: a new session, the default one left as it is.</summary>
    [Parameter(ParameterSetName = DefaultSet)]
    [ArgumentCompleter(typeof(ProfileNameCompleter))]
    [ValidateNotNullOrEmpty]
    [Alias("StoredCredentials", "AWSProfileName")]
    public virtual string? ProfileName { get; set; }

    /// <summary>The shared credentials file to read profiles from, for this call only (as in AWS.Tools).</summary>
    [Parameter(ParameterSetName = DefaultSet)]
    [ValidateNotNullOrEmpty]
    [Alias("ProfilesLocation", "AWSProfilesLocation")]
    public virtual string? ProfileLocation { get; set; }

    /// <summary>An access key id for this call only (with -SecretKey), as in AWS.Tools.</summary>
    [Parameter(ParameterSetName = DefaultSet)]
    [ValidateNotNullOrEmpty]
    [Alias("AK")]
    public virtual string? AccessKey { get; set; }

    /// <summary>The secret access key for -AccessKey: a SecureString, or a string (kept as a SecureString from then on).</summary>
    [Parameter(ParameterSetName = DefaultSet)]
    [Transformations.SecureStringFromText]
    [Alias("SK", "SecretAccessKey")]
    public virtual SecureString? SecretKey { get; set; }

    /// <summary>The session token of temporary -AccessKey or -Credential credentials.</summary>
    [Parameter(ParameterSetName = DefaultSet)]
    [Transformations.SecureStringFromText]
    [Alias("ST")]
    public virtual SecureString? SessionToken { get; set; }

    /// <summary>The current code of the MFA device a role profile's mfa_serial names, for this call's sign-in.</summary>
    [Parameter(ParameterSetName = DefaultSet)]
    [ValidatePattern("^[0-9]{6}$")]
    public virtual string? TokenCode { get; set; }

    /// <summary>Credentials for this call only: a PSCredential (access key id and secret) or AWS.Tools' AWSCredentials.</summary>
    [Parameter(ParameterSetName = DefaultSet)]
    [Transformations.AwsCredentialArgument]
    [ValidateNotNull]
    public virtual object? Credential { get; set; }

    /// <summary>The region for this call only; the session's credentials and endpoints stay.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(RegionCompleter))]
    [ValidateNotNullOrEmpty]
    public string? Region { get; set; }

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
            TokenCode = TokenCode,
            Credential = Credential,
            EndpointUrl = EndpointUrl,
        };
        _session = new SessionResolver(this, work => RunToCompletion(work, ProfileName ?? AccessKeyIdText.ForErrorTarget(AccessKey) ?? EndpointUrl)).Resolve(parameters, out _ownsSession);

        // -ThrottleLimit is the session's budget of requests in flight, shared by every stage of the pipeline: each stage
        // works on twice that many items, so the stages overlap while the requests stay within it.
        _budgetLease = _session.RequestBudget.Join(NamedThrottleLimit);
        if (ConcurrentItems > 1)
        {
            Dispatcher.ItemLimit = 2 * _session.RequestBudget.Limit;
        }
    }

    /// <summary>
    /// A user made (or found) in one account and piped to a command whose session is another account's would be acted
    /// on by name in the wrong account: a namesake there, or NoSuchEntity after the user was made elsewhere. Refused,
    /// naming both accounts; the user's ARN says where it lives.
    /// </summary>
    private protected override bool AcceptsItemFrom(object source)
    {
        var (userName, arn) = source switch
        {
            OnboardUser user => (user.UserName, user.Arn),
            OnboardMfaDevice { User: { } user } => (user.UserName, user.Arn),
            OnboardMfaDevice device => (device.UserName, device.SerialNumber),
            _ => (null, null),
        };
        return userName is null || IsInSessionAccount(userName, arn, source, "the command that made the user");
    }

    /// <summary>
    /// Whether this command acts on existing users and so checks the Arn of another tool's user object piped in
    /// (AWS.Tools' Get-IAMUser, the AWS CLI's JSON through ConvertFrom-Json, a CSV with an Arn column). Not for commands
    /// that make users: copying users from one account into another is New-OnboardUser's business.
    /// </summary>
    private protected virtual bool ChecksUsersFromOtherTools => false;

    private readonly UserArnParameter _userArn = new();

    /// <summary>
    /// The hidden -UserArn, offered only when -UserName is not given on the command line: then the piped object names
    /// the user, and its Arn says where the user lives. With -UserName given, a piped object's Arn says nothing of
    /// that user, and binding it would make an object that binds to nothing else run the command.
    /// </summary>
    public object? GetDynamicParameters()
        => ChecksUsersFromOtherTools && MyInvocation?.BoundParameters.ContainsKey("UserName") != true ? _userArn : null;

    /// <summary>
    /// `Get-IAMUser -ProfileName prod | Remove-OnboardUser`, connected to another account, would act on a namesake
    /// there. Refused as an IamOnboard object from another account is; a group's or role's ARN says nothing of the user.
    /// </summary>
    private protected override bool AcceptsItemFromAnotherTool()
    {
        var arn = _userArn.UserArn?.Value;
        var nameAt = arn?.IndexOf(":user/", StringComparison.Ordinal) ?? -1;
        if (arn is null || nameAt < 0)
        {
            return true;
        }

        return IsInSessionAccount(arn.Substring(arn.LastIndexOf('/') + 1), arn, arn, "the command that read the user");
    }

    private bool IsInSessionAccount(string userName, string? arn, object target, string maker)
    {
        if (!IamArn.TryGetAccount(arn, out var partition, out var account))
        {
            return true; // a plan's user has no ARN yet
        }

        var session = OnboardSession;
        if (string.Equals(account, session.AccountId, StringComparison.Ordinal) && string.Equals(partition, session.Partition, StringComparison.Ordinal))
        {
            return true;
        }

        WriteError(OnboardErrors.Create("AccountMismatch", ErrorCategory.InvalidOperation, target,
            $"IAM user '{userName}' came down the pipeline from account {account} ({arn}), but {MyInvocation.MyCommand.Name} works in " +
            $"account {session.AccountId} ({session.CallerArn}); nothing was done for it. Give this command the same -ProfileName, " +
            $"-EndpointUrl, credentials or -Session as {maker}, or Connect-Onboard to that account."));
        return false;
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

/// <summary>The hidden -UserArn of the commands that act on existing users (<see cref="OnboardCmdletBase.GetDynamicParameters"/>).</summary>
public sealed class UserArnParameter
{
    /// <summary>The Arn of a user object another tool wrote, bound by property name; checked against the session's account.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true, DontShow = true)]
    [Alias("Arn")]
    public PipedArn? UserArn { get; set; }
}

/// <summary>
/// The text of a piped object's Arn. A type of its own rather than string so that the binder takes it only in its pass
/// with type conversion, after every parameter that binds without: as a string it bound first, in the default set, and
/// a group with an Arn (New-OnboardGroup's output, AWS.Tools' Get-IAMGroup) piped to Add-OnboardInlinePolicy was held
/// to that set, a user one, and failed for want of a UserName instead of binding its GroupName.
/// </summary>
public sealed class PipedArn
{
    public PipedArn(string value) => Value = value;

    public string Value { get; }

    public override string ToString() => Value;
}
