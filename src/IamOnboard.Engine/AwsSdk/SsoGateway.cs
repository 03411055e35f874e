using System;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime;
using Amazon.SSO;
using Amazon.SSO.Model;
using Amazon.SSOOIDC;
using Amazon.SSOOIDC.Model;

namespace IamOnboard.AwsSdk;

/// <summary>
/// IAM Identity Center through the AWS SDK: the portal's GetRoleCredentials (AWSSDK.SSO) and SSO OIDC's CreateToken with
/// the refresh_token grant (AWSSDK.SSOOIDC), the two calls the SDKs' SSO credential providers make without a person.
/// The SDK does the wire work; this class gives both clients the session's endpoints (never the SDK's own reading of the
/// config), keeps the tokens out of the SDK's response logs, and turns failures into <see cref="SsoCallException"/>.
/// </summary>
/// <remarks>
/// Not the SDK's <c>SSOAWSCredentials</c>: it builds its clients from the region alone, so the portal and SSO OIDC would
/// not follow -ProfileName's endpoint settings nor IAMONBOARD_LOOPBACK_ONLY; and its token manager renews in the last
/// 6 minutes only (the CLI: 15) and saves the cache with a plain file write. Both calls are unsigned (the bearer token
/// and the client secret authenticate them), and neither starts a sign-in: that is <c>aws sso login</c>'s.
/// </remarks>
internal sealed class SsoGateway : IDisposable
{
    private const string RefreshTokenGrant = "refresh_token";

    private readonly PortalClient _portal;
    private readonly OidcClient _oidc;

    public SsoGateway(string ssoRegion, string portalUrl, string oidcUrl, int maxAttempts, TimeSpan? timeout, SessionNetwork? network)
    {
        PortalUrl = portalUrl;
        OidcUrl = oidcUrl;
        network ??= SessionNetwork.FromEnvironment();
        _portal = new PortalClient(SdkClientSettings.Apply(new AmazonSSOConfig(), "SSO", portalUrl, ssoRegion, maxAttempts, timeout, network));
        _oidc = new OidcClient(SdkClientSettings.Apply(new AmazonSSOOIDCConfig(), "SSO OIDC", oidcUrl, ssoRegion, maxAttempts, timeout, network));
    }

    public string PortalUrl { get; }

    public string OidcUrl { get; }

    /// <summary>The role's temporary credentials for the holder of <paramref name="accessToken"/>, and when they expire.</summary>
    public async Task<(ImmutableCredentials Credentials, DateTime Expiration)> GetRoleCredentialsAsync(string accessToken, string accountId, string roleName, CancellationToken cancellationToken)
    {
        var request = new GetRoleCredentialsRequest { AccessToken = accessToken, AccountId = accountId, RoleName = roleName };
        var response = await CallAsync("the SSO portal", PortalUrl, "GetRoleCredentials", () => _portal.GetRoleCredentialsAsync(request, cancellationToken), cancellationToken).ConfigureAwait(false);
        var credentials = response.RoleCredentials;
        if (string.IsNullOrEmpty(credentials?.AccessKeyId) || string.IsNullOrEmpty(credentials!.SecretAccessKey) || string.IsNullOrEmpty(credentials.SessionToken))
        {
            throw new SsoCallException("The SSO portal's answer to GetRoleCredentials holds no role credentials.", null, 200, null);
        }

        // Epoch milliseconds; an answer without one counts as an hour, as STS's does (StsGateway).
        var expiration = credentials.Expiration is > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(credentials.Expiration.Value).UtcDateTime : DateTime.UtcNow.AddHours(1);
        return (new ImmutableCredentials(credentials.AccessKeyId, credentials.SecretAccessKey, credentials.SessionToken), expiration);
    }

    /// <summary>A new access token for a cached sign-in, from its client registration and refresh token.</summary>
    public async Task<RefreshedSsoToken> RefreshAsync(string clientId, string clientSecret, string refreshToken, CancellationToken cancellationToken)
    {
        var request = new CreateTokenRequest { ClientId = clientId, ClientSecret = clientSecret, GrantType = RefreshTokenGrant, RefreshToken = refreshToken };
        var asked = DateTimeOffset.UtcNow;
        var response = await CallAsync("SSO OIDC", OidcUrl, "CreateToken", () => _oidc.CreateTokenAsync(request, cancellationToken), cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrEmpty(response.AccessToken) || response.ExpiresIn is not > 0)
        {
            throw new SsoCallException("SSO OIDC's answer to CreateToken holds no access token and lifetime.", null, 200, null);
        }

        return new RefreshedSsoToken(response.AccessToken, asked.AddSeconds(response.ExpiresIn.Value), string.IsNullOrEmpty(response.RefreshToken) ? null : response.RefreshToken);
    }

    public void Dispose()
    {
        _portal.Dispose();
        _oidc.Dispose();
    }

    private static async Task<T> CallAsync<T>(string service, string url, string operation, Func<Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (AmazonServiceException exception) when (exception.StatusCode != 0)
        {
            var status = (int)exception.StatusCode;
            var code = string.IsNullOrEmpty(exception.ErrorCode) ? "HTTP " + status.ToString(CultureInfo.InvariantCulture) : exception.ErrorCode;
            var description = Description(exception);
            throw new SsoCallException(service + " at " + url + " answered " + operation + " with " + code + " (HTTP " + status.ToString(CultureInfo.InvariantCulture) + ")"
                + (description is { Length: > 0 } ? ": " + description.TrimEnd('.') + "." : "."), code, status, exception);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception exception) when (exception is not SsoCallException)
        {
            throw new SsoCallException(service + " at " + url + " did not answer " + operation + ": " + SdkErrors.Innermost(exception).Message, null, 0, exception);
        }
    }

    /// <summary>
    /// The service's words: SSO OIDC's errors carry OAuth's <c>error_description</c> (the SDK's Error_description
    /// property of each OIDC exception type) rather than a message; the portal's carry a message.
    /// </summary>
    private static string? Description(AmazonServiceException exception) =>
        exception.GetType().GetProperty("Error_description")?.GetValue(exception) as string is { Length: > 0 } description ? description : exception.Message;

    // The responses carry the access token, the refresh token and the role's secret key: never in the SDK's response log.
    private sealed class PortalClient : AmazonSSOClient
    {
        public PortalClient(AmazonSSOConfig config)
            : base(new AnonymousAWSCredentials(), config)
        {
        }

        protected override bool SupportResponseLogging => false;
    }

    private sealed class OidcClient : AmazonSSOOIDCClient
    {
        public OidcClient(AmazonSSOOIDCConfig config)
            : base(new AnonymousAWSCredentials(), config)
        {
        }

        protected override bool SupportResponseLogging => false;
    }
}

/// <summary>A refreshed access token (and the refresh token that replaces the used one, when the service sent one). ToString shows no token.</summary>
internal sealed class RefreshedSsoToken
{
    public RefreshedSsoToken(string accessToken, DateTimeOffset expiresAt, string? refreshToken)
    {
        AccessToken = accessToken;
        ExpiresAt = expiresAt;
        RefreshToken = refreshToken;
    }

    public string AccessToken { get; }
    public DateTimeOffset ExpiresAt { get; }
    public string? RefreshToken { get; }

    public override string ToString() => "SSO access token valid until " + ExpiresAt.ToString("u", CultureInfo.InvariantCulture);
}

/// <summary>A call to IAM Identity Center that failed: refused (<see cref="ErrorCode"/> and <see cref="StatusCode"/> set) or unanswered (status 0).</summary>
internal sealed class SsoCallException : Exception
{
    public SsoCallException(string message, string? errorCode, int statusCode, Exception? innerException)
        : base(message, innerException)
    {
        ErrorCode = errorCode;
        StatusCode = statusCode;
    }

    public string? ErrorCode { get; }

    /// <summary>The HTTP status of the answer; 0 when none came.</summary>
    public int StatusCode { get; }

    /// <summary>The service answered with an error (as opposed to no answer, or an answer without what was asked for).</summary>
    public bool Refused => ErrorCode is not null && StatusCode >= 400;
}
