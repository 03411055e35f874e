using System;
using System.Collections.Concurrent;
using System.Globalization;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime;
using IamOnboard.AwsSdk;
using IamOnboard.Diagnostics;
using IamOnboard.Iam;

namespace IamOnboard.Sessions;

/// <summary>
/// An IAM Identity Center profile: the sign-in <c>aws sso login</c> cached, renewed through SSO OIDC when it is about to
/// expire and the cache holds a refresh token (written back as the CLI does), and exchanged for role credentials at the
/// SSO portal. Never an interactive sign-in: without a usable token the error says to run <c>aws sso login</c>.
/// The calls go through the AWS SDK (<see cref="SsoGateway"/>) to endpoints resolved like IAM's and STS's.
/// </summary>
internal sealed class SsoProfile
{
    /// <summary>As the AWS CLI: a token with less than this left is refreshed first (and used as is if that fails).</summary>
    internal static readonly TimeSpan RefreshWindow = TimeSpan.FromMinutes(15);

    // One refresh at a time per cache file in this process: a refresh token is used once, so two runspaces refreshing the
    // same sign-in at once would have the second refused.
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> RefreshLocks = new(StringComparer.Ordinal);

    private SsoProfile(string profileName, string startUrl, string region, string accountId, string roleName, string cacheKey, string? portalEndpoint, string? oidcEndpoint)
    {
        ProfileName = profileName;
        StartUrl = startUrl;
        Region = region;
        AccountId = accountId;
        RoleName = roleName;
        CacheKey = cacheKey;
        var partition = AwsPartition.ForRegion(region);
        PortalUrl = portalEndpoint ?? partition.RegionalEndpoint("portal.sso", region);
        OidcUrl = oidcEndpoint ?? partition.RegionalEndpoint("oidc", region);
    }

    public string ProfileName { get; }
    public string StartUrl { get; }
    /// <summary>sso_region: where the portal and SSO OIDC are.</summary>
    public string Region { get; }
    public string AccountId { get; }
    public string RoleName { get; }
    /// <summary>The sso-session name, or the start URL for a legacy profile: its SHA-1 names the cache file.</summary>
    public string CacheKey { get; }
    public string PortalUrl { get; }
    public string OidcUrl { get; }
    private string LoginHint => "Run 'aws sso login --profile " + ProfileName + "', then try again (or Connect-Onboard -ProfileName " + ProfileName + " again).";

    /// <summary>
    /// The SSO settings of profile <c>name</c>; the SSO endpoints come from <c>settings</c>, the profile connected with,
    /// when that is another: a role profile whose source_profile is this one, as in the AWS CLI, whose clients all take
    /// the session profile's endpoints.
    /// </summary>
    public static SsoProfile From(string name, ConfigSection profile, SharedConfigFiles files, ConfigSection? settings = null)
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

        region = RegionName.Checked(region, "The sso_region of " + (sessionName is null ? "profile '" + name + "'" : "sso-session '" + sessionName + "'"));
        return new SsoProfile(name, startUrl, region, accountId, roleName, cacheKey,
            ServiceEndpoints.Resolve("SSO", null, settings ?? profile, files, region), ServiceEndpoints.Resolve("SSO OIDC", null, settings ?? profile, files, region));
    }

    /// <summary>The role credentials for this profile and their expiry, or a configuration error saying what to do (usually: sign in again).</summary>
    public async Task<(ImmutableCredentials Credentials, DateTime Expiration)> GetRoleCredentialsAsync(int maxAttempts, TimeSpan? timeout, AwsSdk.SessionNetwork? network, CancellationToken cancellationToken)
    {
        var path = SsoTokenCache.PathFor(CacheKey);
        using var gateway = new SsoGateway(Region, PortalUrl, OidcUrl, maxAttempts, timeout, network);
        var token = await CurrentTokenAsync(path, gateway, cancellationToken).ConfigureAwait(false);
        OnboardLog.Current.Verbose("SSO profile '" + ProfileName + "': signed in until " + Utc(token.ExpiresAt) + "; role " + RoleName + " in account " + AccountId + " from " + PortalUrl + ".");
        try
        {
            return await gateway.GetRoleCredentialsAsync(token.AccessToken, AccountId, RoleName, cancellationToken).ConfigureAwait(false);
        }
        catch (SsoCallException exception) when (exception.StatusCode is 401)
        {
            throw new OnboardConfigurationException("The SSO portal refused the cached sign-in token of profile '" + ProfileName + "' (" + exception.ErrorCode + "). " + LoginHint, exception);
        }
        catch (SsoCallException exception)
        {
            throw new OnboardConfigurationException("Profile '" + ProfileName + "': " + exception.Message + " (role " + RoleName + " in account " + AccountId + ")", exception);
        }
    }

    /// <summary>The cached token, refreshed first when it has less than <see cref="RefreshWindow"/> left and can be.</summary>
    private async Task<CachedSsoToken> CurrentTokenAsync(string path, SsoGateway gateway, CancellationToken cancellationToken)
    {
        var cached = ReadCache(path) ?? throw new OnboardConfigurationException("SSO profile '" + ProfileName + "' has no cached sign-in (" + path + "). " + LoginHint);
        if (cached.ExpiresAt - DateTimeOffset.UtcNow >= RefreshWindow)
        {
            return cached;
        }

        var refreshLock = RefreshLocks.GetOrAdd(path, _ => new SemaphoreSlim(1, 1));
        await refreshLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Another runspace may have refreshed it while this one waited.
            cached = ReadCache(path) ?? cached;
            var now = DateTimeOffset.UtcNow;
            if (cached.ExpiresAt - now >= RefreshWindow)
            {
                return cached;
            }

            var notRefreshed = cached.WhyNotRefreshable(now);
            if (notRefreshed is null)
            {
                var (renewed, whyNot) = await TryRefreshAsync(path, cached, gateway, cancellationToken).ConfigureAwait(false);
                if (renewed is not null)
                {
                    return renewed;
                }

                notRefreshed = whyNot;
            }

            // A refresh token is used once: another process may have refreshed this sign-in and written it meanwhile.
            var current = ReadCache(path);
            if (current is not null && current.AccessToken != cached.AccessToken && current.ExpiresAt > now)
            {
                return current;
            }

            if (cached.ExpiresAt > now)
            {
                OnboardLog.Current.Warning("The SSO sign-in of profile '" + ProfileName + "' expires at " + Utc(cached.ExpiresAt) + " and could not be renewed: "
                    + notRefreshed + ". " + LoginHint);
                return cached;
            }

            throw new OnboardConfigurationException("The SSO sign-in of profile '" + ProfileName + "' expired at " + Utc(cached.ExpiresAt) + " and could not be renewed: "
                + notRefreshed + ". " + LoginHint);
        }
        finally
        {
            refreshLock.Release();
        }
    }

    /// <summary>The renewed token (written back to the cache), or why there is none.</summary>
    private async Task<(CachedSsoToken? Renewed, string? WhyNot)> TryRefreshAsync(string path, CachedSsoToken cached, SsoGateway gateway, CancellationToken cancellationToken)
    {
        RefreshedSsoToken refreshed;
        try
        {
            refreshed = await gateway.RefreshAsync(cached.ClientId!, cached.ClientSecret!, cached.RefreshToken!, cancellationToken).ConfigureAwait(false);
        }
        catch (SsoCallException exception)
        {
            return (null, exception.Refused ? "SSO OIDC refused to refresh it (" + exception.ErrorCode + ")" : exception.Message.TrimEnd('.'));
        }

        var renewed = new CachedSsoToken
        {
            StartUrl = StartUrl,
            Region = Region,
            AccessToken = refreshed.AccessToken,
            ExpiresAt = refreshed.ExpiresAt,
            ClientId = cached.ClientId,
            ClientSecret = cached.ClientSecret,
            RegistrationExpiresAt = cached.RegistrationExpiresAt,
            RefreshToken = refreshed.RefreshToken,
        };
        try
        {
            SsoTokenCache.Write(path, renewed);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // The old refresh token may be spent already: say so, but this run can go on with the new token.
            OnboardLog.Current.Warning("The renewed SSO sign-in of profile '" + ProfileName + "' could not be saved to " + path + " (" + exception.Message + "); the next run may have to sign in again.");
            return (renewed, null);
        }

        OnboardLog.Current.Verbose("SSO profile '" + ProfileName + "': the cached sign-in was renewed through SSO OIDC at " + OidcUrl + " and saved to " + path + ".");
        return (renewed, null);
    }

    private CachedSsoToken? ReadCache(string path)
    {
        try
        {
            return SsoTokenCache.Read(path);
        }
        catch (Exception exception) when (exception is FormatException or IOException or UnauthorizedAccessException)
        {
            throw new OnboardConfigurationException("The cached SSO sign-in of profile '" + ProfileName + "' cannot be read: " + exception.Message + " " + LoginHint, exception);
        }
    }

    private static string Utc(DateTimeOffset time) => time.ToString("u", CultureInfo.InvariantCulture);
}
