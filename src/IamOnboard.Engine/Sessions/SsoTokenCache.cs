using System;
using System.Globalization;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using IamOnboard.IO;

namespace IamOnboard.Sessions;

/// <summary>
/// One sign-in as the AWS CLI v2 caches it under <c>~/.aws/sso/cache/</c>: the access token and its expiry and, for an
/// sso-session, the client registration and refresh token that renew it. Holds secrets; ToString shows none.
/// </summary>
internal sealed class CachedSsoToken
{
    public string AccessToken { get; init; } = string.Empty;
    public DateTimeOffset ExpiresAt { get; init; }
    public string? RefreshToken { get; init; }
    public string? ClientId { get; init; }
    public string? ClientSecret { get; init; }
    /// <summary>As the file has it (the CLI copies it through unchanged).</summary>
    public string? RegistrationExpiresAt { get; init; }
    public string? Region { get; init; }
    public string? StartUrl { get; init; }

    /// <summary>Null when the token can be refreshed now; otherwise why not, in words for the user.</summary>
    public string? WhyNotRefreshable(DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(RefreshToken) || string.IsNullOrEmpty(ClientId) || string.IsNullOrEmpty(ClientSecret) || string.IsNullOrEmpty(RegistrationExpiresAt))
        {
            return "the cached sign-in holds no refresh token and client registration";
        }

        if (!SsoTokenCache.TryParseTime(RegistrationExpiresAt!, out var registrationEnd))
        {
            return "the cached client registration's expiry '" + RegistrationExpiresAt + "' is not a date";
        }

        return registrationEnd <= now ? "its client registration expired at " + registrationEnd.ToString("u", CultureInfo.InvariantCulture) : null;
    }

    public override string ToString() => "cached SSO sign-in valid until " + ExpiresAt.ToString("u", CultureInfo.InvariantCulture);
}

/// <summary>
/// The AWS CLI's SSO token cache: <c>~/.aws/sso/cache/&lt;SHA-1 hex of the sso-session name, or of the start URL for a
/// legacy profile&gt;.json</c>, read and written as the CLI (botocore's SSOTokenProvider) does: a refreshed token
/// replaces the file with the same fields (startUrl, region, accessToken, expiresAt as <c>yyyy-MM-ddTHH:mm:ssZ</c>,
/// clientId, clientSecret, registrationExpiresAt, and refreshToken when the service sent one). The file is replaced as a
/// whole, readable by its owner only.
/// </summary>
internal static class SsoTokenCache
{
    /// <summary>The cache file for <paramref name="cacheKey"/> (the sso-session name, or the start URL) in the current user's home.</summary>
    public static string PathFor(string cacheKey)
    {
        var home = Environment.GetEnvironmentVariable("HOME") ?? Environment.GetEnvironmentVariable("USERPROFILE") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return Path.Combine(home, ".aws", "sso", "cache", Sha1Hex(cacheKey) + ".json");
    }

    /// <summary>
    /// A time in a cache file: ISO 8601 (<c>...Z</c>, <c>+00:00</c>, with or without fractions), and the form the AWS
    /// CLI's legacy SSO sign-in writes, <c>2026-12-06T05:32:17UTC</c> (Python's <c>%Z</c> of a UTC time).
    /// </summary>
    internal static bool TryParseTime(string text, out DateTimeOffset time)
    {
        var trimmed = text.Trim();
        if (trimmed.EndsWith("UTC", StringComparison.OrdinalIgnoreCase))
        {
            trimmed = trimmed.Substring(0, trimmed.Length - 3).TrimEnd() + "Z";
        }

        return DateTimeOffset.TryParse(trimmed, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time);
    }

    /// <summary>The cached sign-in, or null when there is no file.</summary>
    /// <exception cref="FormatException">The file is not a cached sign-in (no accessToken or expiresAt). The message names the file, never a token.</exception>
    public static CachedSsoToken? Read(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = document.RootElement;
            var accessToken = Text(root, "accessToken");
            var expiresAt = Text(root, "expiresAt");
            if (string.IsNullOrEmpty(accessToken) || string.IsNullOrEmpty(expiresAt))
            {
                throw new FormatException(path + " has no accessToken or no expiresAt date.");
            }

            if (!TryParseTime(expiresAt!, out var expiry))
            {
                throw new FormatException(path + ": its expiresAt '" + expiresAt + "' is not a date and time IamOnboard can read.");
            }

            return new CachedSsoToken
            {
                AccessToken = accessToken!,
                ExpiresAt = expiry,
                RefreshToken = Text(root, "refreshToken"),
                ClientId = Text(root, "clientId"),
                ClientSecret = Text(root, "clientSecret"),
                RegistrationExpiresAt = Text(root, "registrationExpiresAt"),
                Region = Text(root, "region"),
                StartUrl = Text(root, "startUrl"),
            };
        }
        catch (JsonException)
        {
            throw new FormatException(path + " is not JSON.");
        }
    }

    /// <summary>Replaces the file with <paramref name="token"/>, owner-only, as a whole or not at all.</summary>
    public static void Write(string path, CachedSsoToken token)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            WriteIfSet(json, "startUrl", token.StartUrl);
            WriteIfSet(json, "region", token.Region);
            json.WriteString("accessToken", token.AccessToken);
            json.WriteString("expiresAt", token.ExpiresAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            WriteIfSet(json, "clientId", token.ClientId);
            WriteIfSet(json, "clientSecret", token.ClientSecret);
            WriteIfSet(json, "registrationExpiresAt", token.RegistrationExpiresAt);
            WriteIfSet(json, "refreshToken", token.RefreshToken);
            json.WriteEndObject();
        }

        OwnerOnlyFile.WriteAllBytesAtomic(path, buffer.ToArray());
    }

    private static void WriteIfSet(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, value);
        }
    }

    private static string? Text(JsonElement root, string name) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string Sha1Hex(string value)
    {
        using var sha1 = SHA1.Create();
        var hash = sha1.ComputeHash(Encoding.UTF8.GetBytes(value));
        var text = new StringBuilder(hash.Length * 2);
        foreach (var b in hash)
        {
            text.Append(b.ToString("x2", CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }
}
