using System;
using System.Globalization;
using System.Security;

namespace IamOnboard.LocalIam;

/// <summary>
/// What <c>aws sso login</c> with an sso-session caches, as the endpoint's IAM Identity Center issued it: an access token
/// its portal accepts, a refresh token its SSO OIDC service (<c>POST /token</c>) exchanges for a new one, and the client
/// registration both belong to. Tokens and the client secret are secrets; ToString shows neither.
/// </summary>
public sealed class SsoSignIn
{
    internal SsoSignIn(string accessToken, DateTime expiresAt, string refreshToken, string clientId, string clientSecret, DateTime registrationExpiresAt)
    {
        AccessToken = Protect(accessToken);
        ExpiresAt = expiresAt;
        RefreshToken = Protect(refreshToken);
        ClientId = clientId;
        ClientSecret = Protect(clientSecret);
        RegistrationExpiresAt = registrationExpiresAt;
    }

    public SecureString AccessToken { get; }

    /// <summary>When the access token expires (UTC).</summary>
    public DateTime ExpiresAt { get; }

    public SecureString RefreshToken { get; }

    /// <summary>The registered client's id (the cache's <c>clientId</c>).</summary>
    public string ClientId { get; }

    public SecureString ClientSecret { get; }

    /// <summary>When the client registration expires (UTC); a refresh after it is refused.</summary>
    public DateTime RegistrationExpiresAt { get; }

    public override string ToString() => "SSO sign-in of client " + ClientId + " (access token expires " + ExpiresAt.ToString("u", CultureInfo.InvariantCulture) + ")";

    private static SecureString Protect(string value)
    {
        var secure = new SecureString();
        foreach (var c in value)
        {
            secure.AppendChar(c);
        }

        secure.MakeReadOnly();
        return secure;
    }
}
