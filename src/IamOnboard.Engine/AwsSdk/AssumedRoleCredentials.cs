using System;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime;
using Amazon.Util.Internal;
using IamOnboard.Diagnostics;
using IamOnboard.Sessions;

namespace IamOnboard.AwsSdk;

/// <summary>What to ask STS for when a role is assumed again: the same role, session name, external id and duration.</summary>
internal sealed record RoleRenewal(AWSCredentials SourceCredentials, string SourceDescription, string RoleArn, string SessionName, string? ExternalId, TimeSpan? Duration,
    string Region, string? StsEndpoint, int MaxAttempts, TimeSpan? Timeout);

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
        using var sts = new StsGateway(_renewal.SourceCredentials, _renewal.Region, _renewal.StsEndpoint, _renewal.MaxAttempts, _renewal.Timeout);
        TemporaryCredentials renewed;
        try
        {
            renewed = await sts.AssumeRoleAsync(_renewal.RoleArn, _renewal.SessionName, _renewal.ExternalId, _renewal.Duration, null, null, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // A configuration error: the request it holds up cannot succeed until the source credentials are fixed.
            throw new OnboardConfigurationException("The credentials of role " + _renewal.RoleArn + " (session '" + _renewal.SessionName + "', from " + _renewal.SourceDescription + ")"
                + (expired is { } at ? " expire at " + CredentialClock.Utc(at) : string.Empty) + " and could not be renewed: " + exception.Message.TrimEnd('.')
                + ". Check the source credentials, then run Connect-Onboard again.", exception);
        }

        using (renewed)
        {
            OnboardLog.Current.Verbose("Assumed role " + _renewal.RoleArn + " again as session '" + _renewal.SessionName + "': its credentials are valid until " + CredentialClock.Utc(renewed.Expiration) + ".");
            return State(renewed);
        }
    }

    private CredentialsRefreshState State(TemporaryCredentials credentials) =>
        new(new ImmutableCredentials(credentials.AccessKeyId, SdkCredentials.Reveal(credentials.SecretAccessKey), SdkCredentials.Reveal(credentials.SessionToken)),
            credentials.Expiration, _timeProvider);
}
