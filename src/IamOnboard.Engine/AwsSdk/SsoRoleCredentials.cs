using System;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime;
using Amazon.Util.Internal;
using IamOnboard.Diagnostics;
using IamOnboard.Sessions;

namespace IamOnboard.AwsSdk;

/// <summary>
/// An SSO profile's role credentials, fetched again from the SSO portal with the cached sign-in before they expire, as
/// the AWS SDKs' SSO providers do (the sign-in itself renewed through SSO OIDC when it can be: <see cref="SsoProfile"/>).
/// The cache is read afresh for each renewal, so a session picks up an <c>aws sso login</c> run meanwhile. The base class
/// lets one renewal run at a time, in the background in the last <see cref="CredentialClock.RenewalWindow"/>.
/// </summary>
internal sealed class SsoRoleCredentials : RefreshingAWSCredentials
{
    private readonly SsoProfile _profile;
    private readonly int _maxAttempts;
    private readonly TimeSpan? _timeout;
    private readonly SessionNetwork? _network;
    private DateTime? _expiration;

    public SsoRoleCredentials(SsoProfile profile, int maxAttempts, TimeSpan? timeout, SessionNetwork? network, ITimeProvider clock)
        : base(clock)
    {
        _profile = profile;
        _maxAttempts = maxAttempts;
        _timeout = timeout;
        _network = network;
        PreemptExpiryTime = CredentialClock.RenewalWindow;
    }

    protected override CredentialsRefreshState GenerateNewCredentials() => GenerateNewCredentialsAsync().GetAwaiter().GetResult();

    protected override async Task<CredentialsRefreshState> GenerateNewCredentialsAsync()
    {
        (ImmutableCredentials Credentials, DateTime Expiration) fetched;
        try
        {
            fetched = await _profile.GetRoleCredentialsAsync(_maxAttempts, _timeout, _network, CancellationToken.None).ConfigureAwait(false);
        }
        catch (OnboardConfigurationException exception) when (_expiration is { } expired)
        {
            // The first fetch's error is Connect-Onboard's to report as it is; a renewal's says that the session ran out.
            throw new OnboardConfigurationException("The session's role credentials from SSO profile '" + _profile.ProfileName + "' (role " + _profile.RoleName + " in account "
                + _profile.AccountId + ") expire at " + CredentialClock.Utc(expired) + " and could not be renewed. " + exception.Message, exception);
        }

        _expiration = fetched.Expiration;
        OnboardLog.Current.Verbose("SSO profile '" + _profile.ProfileName + "': role credentials valid until " + CredentialClock.Utc(fetched.Expiration) + ", renewed before then with the cached sign-in.");
        return new CredentialsRefreshState(fetched.Credentials, fetched.Expiration, _timeProvider);
    }
}
