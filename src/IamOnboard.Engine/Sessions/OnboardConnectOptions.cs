using System;
using System.Security;
using IamOnboard.Iam;

namespace IamOnboard.Sessions;

/// <summary>What Connect-Onboard was told: where the credentials come from, an optional role to assume, and retry settings.</summary>
public sealed class OnboardConnectOptions
{
    /// <summary>A profile of the shared credentials/config files; one that does not exist is an error, never a fallback.</summary>
    public string? ProfileName { get; set; }

    /// <summary>The working region; picks the partition. Default: AWS_REGION, AWS_DEFAULT_REGION, the profile's region, else us-east-1.</summary>
    public string? Region { get; set; }

    public string? AccessKey { get; set; }

    public SecureString? SecretKey { get; set; }

    /// <summary>Session token of temporary explicit credentials; a secret, hence a SecureString.</summary>
    public SecureString? SessionToken { get; set; }

    /// <summary>Where the explicit keys came from when nobody typed them (AWS.Tools' shell credentials); said in the session's CredentialSource.</summary>
    public string? KeysOrigin { get; set; }

    /// <summary>An explicit endpoint serving IAM and STS (the local endpoint, a proxy); beats every configured endpoint setting.</summary>
    public string? EndpointUrl { get; set; }

    public string? RoleArn { get; set; }

    /// <summary>The current code of the MFA device a role profile's <c>mfa_serial</c> names.</summary>
    public string? TokenCode { get; set; }

    /// <summary>
    /// The shared credentials file to read instead of AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials (AWS.Tools'
    /// -ProfileLocation). The cmdlets give -ProfileLocation, else AWS_SHARED_CREDENTIALS_FILE, as a full path: a relative
    /// one is PowerShell's current location's, which the process's directory is not.
    /// </summary>
    public string? ProfileLocation { get; set; }

    /// <summary>Whether <see cref="ProfileLocation"/> is the user's -ProfileLocation (a file that must exist), not AWS_SHARED_CREDENTIALS_FILE.</summary>
    public bool ProfileLocationGiven { get; set; }

    /// <summary>The shared config file to read instead of AWS_CONFIG_FILE or ~/.aws/config (the cmdlets give AWS_CONFIG_FILE as a full path).</summary>
    public string? ConfigFile { get; set; }

    public string? ExternalId { get; set; }

    /// <summary>Default <c>IamOnboard-{yyyyMMddHHmmss}</c>.</summary>
    public string? RoleSessionName { get; set; }

    /// <summary>Lifetime of the assumed-role credentials; null keeps STS's default (1 h).</summary>
    public TimeSpan? RoleDuration { get; set; }

    /// <summary><c>Standard</c> or <c>Adaptive</c>; null means Standard.</summary>
    public string? RetryModeName { get; set; }

    /// <summary>Attempts per call, first included; null means <see cref="IamClientOptions.DefaultMaxAttempts"/>.</summary>
    public int? MaxAttempts { get; set; }

    /// <summary>Per-attempt HTTP timeout; null keeps the SDK's default.</summary>
    public TimeSpan? Timeout { get; set; }

    /// <summary>A proxy for every request that is not to loopback, instead of the one HTTPS_PROXY/HTTP_PROXY name (NO_PROXY then does not apply).</summary>
    public Uri? ProxyUrl { get; set; }

    /// <summary>The user and password <see cref="ProxyUrl"/> asks for.</summary>
    public System.Net.NetworkCredential? ProxyCredential { get; set; }

    /// <summary>
    /// The session's budget of requests in flight (its <see cref="Iam.RequestBudget.DefaultLimit"/>), in force from the
    /// connection's own first requests on; null keeps the budget's default.
    /// </summary>
    public int? ThrottleLimit { get; set; }

    /// <summary>
    /// Roles assumed with an MFA code earlier (in this runspace), used again while they last instead of asking for a
    /// new code; a role assumed now is kept there. Null: none are kept.
    /// </summary>
    public MfaRoleSessions? MfaRoleSessions { get; set; }

    /// <summary>
    /// The clock (UTC) the session's temporary credentials are renewed by; null: the AWS SDK's. For tests, which step it
    /// past an expiry rather than wait for one.
    /// </summary>
    internal Func<DateTime>? CredentialUtcNow { get; set; }

    public override string ToString()
        => "OnboardConnectOptions(" + (ProfileName is null ? string.Empty : "profile " + ProfileName + " ") + (AccessKey is null ? string.Empty : "access key " + AccessKeyIdText.ForDisplay(AccessKey) + " ")
            + (RoleArn is null ? string.Empty : "role " + RoleArn + " ") + (EndpointUrl ?? string.Empty) + ")";
}

/// <summary>The connection cannot be set up as asked: missing profile, no credentials, bad option combination.</summary>
public class OnboardConfigurationException : Exception
{
    public OnboardConfigurationException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
