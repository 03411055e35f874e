using System;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime;
using Amazon.Util.Internal;
using IamOnboard.Diagnostics;
using IamOnboard.Iam;
using IamOnboard.Sessions;

namespace IamOnboard.AwsSdk;

/// <summary>
/// What to ask STS for when a role is assumed again: the same role, session name, external id and duration.
/// <see cref="ConnectProfileName"/> is the profile the session was connected with (null without one), for the way out.
/// </summary>
internal sealed record RoleRenewal(AWSCredentials SourceCredentials, string SourceDescription, string RoleArn, string SessionName, string? ExternalId, TimeSpan? Duration,
    string Region, string? StsEndpoint, int MaxAttempts, TimeSpan? Timeout, SessionNetwork? Network, string? ConnectProfileName);

/// <summary>
/// An assumed role's credentials, assumed again with the source credentials (which may renew themselves) before they
/// expire, as the AWS SDKs' and CLI's role providers do: a session outlives the role's one hour. The base class lets one
/// renewal run at a time, starts it in the background in the last <see cref="CredentialClock.RenewalWindow"/>, and makes requests wait
/// for it only once the credentials have run out.
/// </summary>
internal sealed class AssumedRoleCredentials : RefreshingAWSCredentials
{
    private readonly RoleRenewal _renewal;

    /// <summary>Starts from the credentials Connect-Onboard got (<paramref name="first"/>, which the caller disposes).</summary>
    public AssumedRoleCredentials(RoleRenewal renewal, TemporaryCredentials first, ITimeProvider clock)
        : base(clock)
    {
        _renewal = renewal;
        PreemptExpiryTime = CredentialClock.RenewalWindow;
        var state = State(first);
        // Kept as the base class keeps the credentials it generates: their expiry less ExpirationBuffer.
        state.Expiration -= ExpirationBuffer;
        currentState = state;
    }

    protected override CredentialsRefreshState GenerateNewCredentials() => GenerateNewCredentialsAsync().GetAwaiter().GetResult();

    protected override async Task<CredentialsRefreshState> GenerateNewCredentialsAsync()
    {
        var expired = currentState?.Expiration.Add(ExpirationBuffer);
        using var sts = new StsGateway(_renewal.SourceCredentials, _renewal.Region, _renewal.StsEndpoint, _renewal.MaxAttempts, _renewal.Timeout, _renewal.Network);
        TemporaryCredentials renewed;
        try
        {
            renewed = await sts.AssumeRoleAsync(_renewal.RoleArn, _renewal.SessionName, _renewal.ExternalId, _renewal.Duration, null, null, CancellationToken.None).ConfigureAwait(false);
        }
        catch (OnboardConfigurationException ended) when (_renewal.SourceCredentials is MfaRoleCredentials)
        {
            // The role before it in the chain was assumed with an MFA code and has ended: its own error says what to run.
            throw new OnboardConfigurationException(ended.Message, ended);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // A configuration error: the request it holds up cannot succeed until the source credentials are fixed.
            throw new OnboardConfigurationException("The credentials of role " + _renewal.RoleArn + " (session '" + _renewal.SessionName + "', from " + _renewal.SourceDescription + ")"
                + (expired is { } at ? " expire at " + CredentialClock.Utc(at) : string.Empty) + " and could not be renewed: " + Cause(exception)
                + ". Fix them, then run Connect-Onboard" + (_renewal.ConnectProfileName is { } profile ? " -ProfileName " + profile : string.Empty) + " again.", exception);
        }

        using (renewed)
        {
            OnboardLog.Current.Verbose("Assumed role " + _renewal.RoleArn + " again as session '" + _renewal.SessionName + "': its credentials are valid until " + CredentialClock.Utc(renewed.Expiration) + ".");
            return State(renewed);
        }
    }

    /// <summary>
    /// Why the role could not be assumed again: STS's error code and words, and, when STS no longer knows the source's
    /// key (deleted, deactivated or replaced since Connect-Onboard), which key that is. A key id is not a secret.
    /// </summary>
    private string Cause(Exception exception)
    {
        if (exception is not IamServiceException refused)
        {
            return exception.Message.TrimEnd('.') + "; check the source credentials";
        }

        var cause = "STS refused AssumeRole (" + refused.ErrorCode + "): " + refused.Message.TrimEnd('.');
        if (refused.ErrorCode is IamErrorCodes.InvalidClientTokenId or IamErrorCodes.SignatureDoesNotMatch
            && _renewal.SourceCredentials is BasicAWSCredentials or SessionAWSCredentials)
        {
            var keyId = AccessKeyIdText.ForDisplay(_renewal.SourceCredentials.GetCredentials().AccessKey);
            cause += ". The source credentials, access key " + keyId + " of " + _renewal.SourceDescription + ", no longer work: the key was deleted, deactivated or replaced since Connect-Onboard";
        }

        return cause;
    }

    private CredentialsRefreshState State(TemporaryCredentials credentials) =>
        new(new ImmutableCredentials(credentials.AccessKeyId, SdkCredentials.Reveal(credentials.SecretAccessKey), SdkCredentials.Reveal(credentials.SessionToken)),
            credentials.Expiration, _timeProvider);
}
