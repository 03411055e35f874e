using System;
using System.Globalization;
using System.IO;
using System.Net;
using System.Security;
using System.Text.Json;
using IamOnboard.LocalIam;

namespace IamOnboard.Tests.Sessions;

/// <summary>
/// A sign-in to the local endpoint's portal, cached as <c>aws sso login</c> caches it for the sso-session 'corp'
/// (<see cref="SessionSection"/>), under an <see cref="EnvironmentScope"/>'s HOME.
/// </summary>
internal static class SsoLoginCache
{
    /// <summary>The config section of the sso-session the cache file belongs to.</summary>
    public const string SessionSection = "[sso-session corp]\nsso_start_url = https://corp.example/start\nsso_region = eu-west-1\n";

    /// <summary>
    /// Writes the cache file and returns its path. With <paramref name="renewable"/> it also holds the client
    /// registration and the refresh token that let the sign-in be renewed; the expiries default to the sign-in's own.
    /// </summary>
    public static string Write(EnvironmentScope environment, SsoSignIn signIn, bool renewable = true, DateTimeOffset? expiresAt = null, string? registrationExpiresAt = null)
    {
        var cache = Path.Combine(environment.Home, ".aws", "sso", "cache", "ee0bfd2552fbd840c02cc48b6e823320543c450f.json"); // SHA-1 of "corp"
        Directory.CreateDirectory(Path.GetDirectoryName(cache)!);
        var accessToken = Plain(signIn.AccessToken);
        var expires = Time(expiresAt ?? signIn.ExpiresAt);
        object entry = renewable
            ? new
            {
                startUrl = "https://corp.example/start",
                region = "eu-west-1",
                accessToken,
                expiresAt = expires,
                clientId = signIn.ClientId,
                clientSecret = Plain(signIn.ClientSecret),
                registrationExpiresAt = registrationExpiresAt ?? Time(signIn.RegistrationExpiresAt),
                refreshToken = Plain(signIn.RefreshToken),
            }
            : new { startUrl = "https://corp.example/start", region = "eu-west-1", accessToken, expiresAt = expires };
        File.WriteAllText(cache, JsonSerializer.Serialize(entry));
        return cache;
    }

    /// <summary>A time as the CLI writes it in the cache.</summary>
    public static string Time(DateTimeOffset time) => time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string Plain(SecureString secure) => new NetworkCredential(string.Empty, secure).Password;
}
