using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime;
using IamOnboard.Diagnostics;

namespace IamOnboard.Sessions;

/// <summary>
/// An IAM Identity Center profile: the token <c>aws sso login</c> cached, exchanged for role credentials with the SSO
/// portal's GetRoleCredentials. Done here rather than by the SDK's SSO provider so the portal's endpoint follows the
/// same settings as IAM and STS (AWS_ENDPOINT_URL_SSO, services sections) and the cache is read from the current HOME.
/// </summary>
internal sealed class SsoProfile
{
    private SsoProfile(string profileName, string startUrl, string region, string accountId, string roleName, string cacheKey, string? endpointUrl)
    {
        ProfileName = profileName;
        StartUrl = startUrl;
        Region = region;
        AccountId = accountId;
        RoleName = roleName;
        CacheKey = cacheKey;
        EndpointUrl = endpointUrl;
    }

    public string ProfileName { get; }
    public string StartUrl { get; }
    public string Region { get; }
    public string AccountId { get; }
    public string RoleName { get; }
    /// <summary>The sso-session name, or the start URL for a legacy profile: its SHA-1 names the cache file.</summary>
    public string CacheKey { get; }
    public string? EndpointUrl { get; }
    public string PortalUrl => EndpointUrl ?? "https://portal.sso." + Region + ".amazonaws.com";
    private string LoginHint => "Run 'aws sso login --profile " + ProfileName + "' and try again.";

    public static SsoProfile From(string name, ConfigSection profile, SharedConfigFiles files)
    {
        string? startUrl, region, cacheKey;
        var sessionName = profile["sso_session"];
        if (sessionName is not null)
        {
            var session = files.SsoSession(sessionName)
                ?? throw new OnboardConfigurationException("Profile '" + name + "' names sso_session '" + sessionName + "', but " + files.ConfigPath + " has no [sso-session " + sessionName + "] section.");
            startUrl = session["sso_start_url"];
            region = session["sso_region"];
            cacheKey = sessionName;
        }
        else
        {
            startUrl = profile["sso_start_url"];
            region = profile["sso_region"];
            cacheKey = startUrl;
        }

        var accountId = profile["sso_account_id"];
        var roleName = profile["sso_role_name"];
        if (startUrl is null || region is null || accountId is null || roleName is null || cacheKey is null)
        {
            throw new OnboardConfigurationException("SSO profile '" + name + "' needs sso_start_url and sso_region (in the profile or its sso-session) and sso_account_id and sso_role_name.");
        }

        return new SsoProfile(name, startUrl, region, accountId, roleName, cacheKey, ServiceEndpoints.Resolve("SSO", null, profile, files));
    }

    /// <summary>The role credentials for this profile, or a configuration error saying to log in again.</summary>
    public async Task<AWSCredentials> GetRoleCredentialsAsync(TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var token = ReadCachedToken();
        LoopbackGuard.Check(PortalUrl, "SSO");
        var url = PortalUrl.TrimEnd('/') + "/federation/credentials?role_name=" + Uri.EscapeDataString(RoleName) + "&account_id=" + Uri.EscapeDataString(AccountId);
        using var http = new HttpClient { Timeout = timeout ?? TimeSpan.FromSeconds(100) };
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.TryAddWithoutValidation("x-amz-sso_bearer_token", token);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException exception)
        {
            throw new OnboardConfigurationException("The SSO portal " + PortalUrl + " did not answer for profile '" + ProfileName + "': " + exception.Message, exception);
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                throw new OnboardConfigurationException("The SSO portal refused the cached sign-in token of profile '" + ProfileName + "' (" + (int)response.StatusCode + "). " + LoginHint);
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new OnboardConfigurationException("The SSO portal " + PortalUrl + " answered " + (int)response.StatusCode + " to GetRoleCredentials for role " + RoleName + " in account " + AccountId + ".");
            }

            return ParseRoleCredentials(body);
        }
    }

    private string ReadCachedToken()
    {
        var home = Environment.GetEnvironmentVariable("HOME") ?? Environment.GetEnvironmentVariable("USERPROFILE") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var path = Path.Combine(home, ".aws", "sso", "cache", Sha1Hex(CacheKey) + ".json");
        if (!File.Exists(path))
        {
            throw new OnboardConfigurationException("SSO profile '" + ProfileName + "' has no cached sign-in (" + path + "). " + LoginHint);
        }

        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var root = document.RootElement;
        if (!root.TryGetProperty("accessToken", out var accessToken) || accessToken.ValueKind != JsonValueKind.String
            || !root.TryGetProperty("expiresAt", out var expiresAt) || expiresAt.ValueKind != JsonValueKind.String
            || !DateTimeOffset.TryParse(expiresAt.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var expiry))
        {
            throw new OnboardConfigurationException("The cached SSO sign-in of profile '" + ProfileName + "' (" + path + ") has no accessToken or expiresAt. " + LoginHint);
        }

        if (expiry <= DateTimeOffset.UtcNow)
        {
            throw new OnboardConfigurationException("The SSO sign-in of profile '" + ProfileName + "' expired at " + expiry.ToString("u", CultureInfo.InvariantCulture) + ". " + LoginHint);
        }

        OnboardLog.Current.Verbose("SSO profile '" + ProfileName + "': cached sign-in valid until " + expiry.ToString("u", CultureInfo.InvariantCulture) + "; role " + RoleName + " in account " + AccountId + " from " + PortalUrl + ".");
        return accessToken.GetString()!;
    }

    private AWSCredentials ParseRoleCredentials(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var credentials = document.RootElement.GetProperty("roleCredentials");
            return new SessionAWSCredentials(
                credentials.GetProperty("accessKeyId").GetString(),
                credentials.GetProperty("secretAccessKey").GetString(),
                credentials.GetProperty("sessionToken").GetString());
        }
        catch (Exception exception) when (exception is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new OnboardConfigurationException("The SSO portal's answer to GetRoleCredentials for profile '" + ProfileName + "' holds no role credentials.", exception);
        }
    }

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
