using System;
using System.Collections.Generic;
using IamOnboard.LocalIam.Auth;
using IamOnboard.LocalIam.State;

namespace IamOnboard.LocalIam.Sso;

/// <summary>
/// The endpoint's IAM Identity Center sign-ins, in memory only: registered clients (id, secret, when the registration
/// ends), the access tokens the portal accepts until they expire, and the refresh tokens SSO OIDC exchanges for new
/// ones. A refresh token is used once: the exchange replaces it with a new one (rotation), so a stolen or replayed
/// refresh token is refused.
/// </summary>
internal sealed class IdentityCenterTokens
{
    /// <summary>How long an access token issued by a refresh lasts.</summary>
    public static readonly TimeSpan RefreshedTokenLifetime = TimeSpan.FromHours(1);

    /// <summary>How long a client registration lasts (the real service registers clients for 90 days).</summary>
    public static readonly TimeSpan RegistrationLifetime = TimeSpan.FromDays(90);

    private readonly object _gate = new();
    private readonly Dictionary<string, DateTime> _accessTokens = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RegisteredClient> _clients = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _refreshTokens = new(StringComparer.Ordinal);

    /// <summary>Why a refresh was refused: the error the service answers with, and its OAuth error name.</summary>
    public enum Refusal
    {
        None,
        /// <summary>Unknown client, wrong secret, or an expired registration (InvalidClientException, 401).</summary>
        InvalidClient,
        /// <summary>Unknown, used or another client's refresh token (InvalidGrantException, 400).</summary>
        InvalidGrant,
    }

    public string IssueAccessToken(TimeSpan lifetime)
    {
        var token = "aoa" + IdGenerator.SessionToken();
        lock (_gate)
        {
            _accessTokens[token] = DateTime.UtcNow + lifetime;
        }

        return token;
    }

    /// <summary>Stands in for <c>aws sso login</c>: registers a client and signs in, as the device authorization flow would.</summary>
    public SsoSignIn SignIn(TimeSpan accessTokenLifetime)
    {
        var now = DateTime.UtcNow;
        var clientId = IdGenerator.UniqueId("client-");
        var client = new RegisteredClient(IdGenerator.SessionToken(), now + RegistrationLifetime);
        var refreshToken = NewRefreshToken();
        lock (_gate)
        {
            _clients[clientId] = client;
            _refreshTokens[refreshToken] = clientId;
        }

        return new SsoSignIn(IssueAccessToken(accessTokenLifetime), now + accessTokenLifetime, refreshToken, clientId, client.Secret, client.ExpiresAt);
    }

    public bool Accepts(string accessToken, DateTime now)
    {
        lock (_gate)
        {
            return _accessTokens.TryGetValue(accessToken, out var expiry) && expiry > now;
        }
    }

    /// <summary>
    /// The refresh_token grant: checks the client and its secret, then the refresh token, and on success replaces the
    /// refresh token with a new one and issues a new access token.
    /// </summary>
    public Refusal Refresh(string clientId, string clientSecret, string refreshToken, DateTime now, out string accessToken, out string newRefreshToken)
    {
        accessToken = newRefreshToken = string.Empty;
        lock (_gate)
        {
            if (!_clients.TryGetValue(clientId, out var client) || !SigV4Verifier.FixedTimeEquals(client.Secret, clientSecret) || client.ExpiresAt <= now)
            {
                return Refusal.InvalidClient;
            }

            if (!_refreshTokens.TryGetValue(refreshToken, out var owner) || owner != clientId)
            {
                return Refusal.InvalidGrant;
            }

            _refreshTokens.Remove(refreshToken);
            newRefreshToken = NewRefreshToken();
            _refreshTokens[newRefreshToken] = clientId;
            accessToken = "aoa" + IdGenerator.SessionToken();
            _accessTokens[accessToken] = now + RefreshedTokenLifetime;
            return Refusal.None;
        }
    }

    private static string NewRefreshToken() => "aor" + IdGenerator.SessionToken();

    private sealed record RegisteredClient(string Secret, DateTime ExpiresAt);
}
