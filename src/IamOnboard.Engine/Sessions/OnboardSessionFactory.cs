using System;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime;
using IamOnboard.Diagnostics;
using IamOnboard.Iam;
using IamOnboard.AwsSdk;

namespace IamOnboard.Sessions;

/// <summary>Resolves credentials, optionally assumes a role, learns who the caller is, and returns a ready <see cref="OnboardSession"/>.</summary>
public static class OnboardSessionFactory
{
    private const string DefaultRegion = "us-east-1";

    /// <summary>
    /// Credentials as <see cref="ResolvedCredentials"/> finds them; region: -Region, AWS_REGION, AWS_DEFAULT_REGION, the
    /// profile's, us-east-1; IAM and STS endpoints each by <see cref="ServiceEndpoints"/>.
    /// </summary>
    public static async Task<OnboardSession> ConnectAsync(OnboardConnectOptions options, CancellationToken cancellationToken = default)
    {
        if (options is null)
        {
            throw new ArgumentNullException(nameof(options));
        }

        var log = OnboardLog.Current;
        var resolved = ResolvedCredentials.Resolve(options);
        if (!string.IsNullOrEmpty(options.RoleArn))
        {
            resolved = resolved.WithOwnRoleAsHop();
        }

        var retries = RetrySettings.Resolve(options, resolved.Profile, resolved.Files);
        var maxAttempts = retries.MaxAttempts;
        var retryMode = retries.Mode;
        var region = RegionOf(options, resolved.Profile);
        var partition = AwsPartition.ForRegion(region);
        var iamEndpoint = ServiceEndpoints.Resolve("IAM", options.EndpointUrl, resolved.Profile, resolved.Files, region);
        var stsEndpoint = ServiceEndpoints.Resolve("STS", options.EndpointUrl, resolved.Profile, resolved.Files, region);
        if (options.ProxyCredential is not null && options.ProxyUrl is null)
        {
            throw new OnboardConfigurationException("-ProxyCredential was given without -ProxyUrl: name the proxy it is for with -ProxyUrl (a proxy HTTPS_PROXY or HTTP_PROXY names takes its user and password in its URL).");
        }

        var proxy = options.ProxyUrl is { } proxyUrl ? ProxyRoute.Explicit(proxyUrl, options.ProxyCredential, "-ProxyUrl") : ProxyRoute.FromEnvironment();
        var network = new SessionNetwork(proxy, CaBundleFor(resolved, iamEndpoint, stsEndpoint));
        log.Verbose("Credentials: " + resolved.Source + "; region " + region + " (partition " + partition.Name + "); IAM endpoint "
            + (iamEndpoint ?? partition.IamEndpoint) + "; STS endpoint " + (stsEndpoint ?? partition.StsEndpointFor(region)) + "; proxies: " + network.Route.Description
            + (network.CaBundle is not { } bundle ? string.Empty : "; TLS: the system's certificate authorities and " + bundle.Count.ToString(CultureInfo.InvariantCulture) + " from " + bundle.Path + " (" + bundle.Source + ")") + ".");
        log.Verbose("Retries: " + retries.Description + ".");

        var clock = new CredentialClock(options.CredentialUtcNow);
        // A role assumed with an MFA code by an earlier command of this runspace, used again while it lasts: AWS takes a code once.
        var keptOwnRole = resolved.Role is { MfaSerial: not null } ownRole && string.IsNullOrEmpty(options.RoleArn)
            ? KeptMfaSession(options, resolved.Files, ownRole, own: true, clock)
            : null;
        var role = RoleToAssume(options, resolved, codeNeeded: keptOwnRole is null);
        // A role the profile's role is assumed through (a role chain) may be the one asking for the code.
        var mfaSourceRole = resolved.SourceRoles.FirstOrDefault(r => r.MfaSerial is not null);
        var keptSourceRole = mfaSourceRole is null || keptOwnRole is not null ? null : KeptMfaSession(options, resolved.Files, mfaSourceRole, own: false, clock);
        if (!string.IsNullOrEmpty(options.TokenCode) && role?.MfaSerial is null && mfaSourceRole is null)
        {
            // A code nothing asks for is a sign the call signs in elsewhere than meant; never dropped silently.
            throw new OnboardConfigurationException("-TokenCode was given, but no MFA device asks for it: " + (role is null
                ? "the credentials come from " + resolved.Source + ", with no role to assume"
                : "role " + role.RoleArn + " is assumed without one, and so is every role of its chain")
                + ". Name the role profile that has mfa_serial with -ProfileName, or leave -TokenCode out.");
        }

        if (mfaSourceRole is not null && string.IsNullOrEmpty(options.TokenCode) && keptSourceRole is null && keptOwnRole is null)
        {
            throw new OnboardConfigurationException((string.IsNullOrEmpty(options.RoleArn) ? "Profile '" + (resolved.Role?.ProfileName ?? options.ProfileName) + "' is" : "-RoleArn " + options.RoleArn + " is")
                + " assumed through role profile '" + mfaSourceRole.ProfileName
                + "', which assumes role " + mfaSourceRole.RoleArn + " with MFA device " + mfaSourceRole.MfaSerial + ": give its current code with -TokenCode (an interactive session asks for it).");
        }

        if (keptOwnRole is not null)
        {
            // The role's session stands on its own: the credentials and roles it was assumed with are not needed again.
            var reused = keptOwnRole.For(role!.ProfileName!, clock);
            log.Verbose("Role " + role.RoleArn + " of profile '" + role.ProfileName + "' was assumed with MFA device " + role.MfaSerial
                + " earlier in this PowerShell session; its credentials, valid until " + CredentialClock.Utc(reused.Expiration!.Value) + ", are used again: no new code is needed.");
            var keptSettings = new SessionSettings(reused, iamEndpoint, stsEndpoint, maxAttempts, retryMode, options.Timeout, network);
            return await OpenAsync(keptSettings, region, "assumed role " + role.RoleArn + " (with MFA device " + role.MfaSerial + ", assumed earlier in this PowerShell session)",
                knownCaller: null, cancellationToken, options.ThrottleLimit).ConfigureAwait(false);
        }

        var credentials = resolved.Credentials
            ?? (resolved.WebIdentity is { } webIdentity
                ? new WebIdentityCredentials(webIdentity.RoleArn, webIdentity.TokenFile, webIdentity.TokenFileSetting, webIdentity.SessionName, region, stsEndpoint, maxAttempts, options.Timeout, network, clock)
                : new SsoRoleCredentials(resolved.Sso!, maxAttempts, options.Timeout, network, clock));
        await FetchOnceAsync(credentials, resolved.Source).ConfigureAwait(false);
        var credentialSource = resolved.Source;
        // What the role is assumed with, for messages: a role profile's source (the last role of a chain), else the credentials found.
        var roleSource = resolved.Role is null ? resolved.Source : resolved.SourceDescription;
        if (resolved.SourceRoles.Count > 0)
        {
            var from = roleSource;
            var hops = (resolved.SourceRoles.Count + 1).ToString(CultureInfo.InvariantCulture);
            var hop = 0;
            var reachedKeptRole = keptSourceRole is null;
            foreach (var sourceRole in resolved.SourceRoles)
            {
                hop++;
                reachedKeptRole |= ReferenceEquals(sourceRole, mfaSourceRole);
                if (!reachedKeptRole)
                {
                    continue; // a role before the one kept from earlier is only there to reach it
                }

                log.Verbose("Role chain of profile '" + resolved.Role!.ProfileName + "', hop " + hop.ToString(CultureInfo.InvariantCulture) + " of " + hops + ".");
                if (keptSourceRole is not null && ReferenceEquals(sourceRole, mfaSourceRole))
                {
                    credentials = keptSourceRole.For(resolved.Role!.ProfileName, clock, chainProfileName: sourceRole.ProfileName);
                    log.Verbose("Role " + sourceRole.RoleArn + " of profile '" + sourceRole.ProfileName + "' was assumed with MFA device " + sourceRole.MfaSerial
                        + " earlier in this PowerShell session; its credentials, valid until " + CredentialClock.Utc(credentials.Expiration!.Value) + ", are used again: no new code is needed.");
                }
                else
                {
                    var spentFor = sourceRole.MfaSerial is null ? null : options.MfaRoleSessions?.SpentFor(sourceRole.MfaSerial, options.TokenCode, clock);
                    credentials = await AssumeSourceRoleAsync(sourceRole, credentials, from, region, stsEndpoint, maxAttempts, options.Timeout, network, clock, resolved.Role!.ProfileName,
                        sourceRole.MfaSerial is null ? null : options.TokenCode, spentFor, cancellationToken).ConfigureAwait(false);
                    if (credentials is MfaRoleCredentials assumedWithCode && options.MfaRoleSessions is { } keep)
                    {
                        keep.Remember(MfaSessionKey(options, resolved.Files, sourceRole, own: false), options.TokenCode!, assumedWithCode);
                        keep.RememberSpent(sourceRole.MfaSerial!, options.TokenCode!, sourceRole.ProfileName, clock);
                    }
                }

                from = "role " + sourceRole.RoleArn + " (profile '" + sourceRole.ProfileName + "')";
            }

            roleSource = from;
            log.Verbose("Role chain of profile '" + resolved.Role!.ProfileName + "', hop " + hops + " of " + hops + ": "
                + (string.IsNullOrEmpty(options.RoleArn) ? "its own role" : "-RoleArn " + options.RoleArn) + ", with the credentials of " + from + ".");
        }

        if (role is not null)
        {
            using var sourceSts = new StsGateway(credentials, region, stsEndpoint, maxAttempts, options.Timeout, network);
            var sessionName = role.SessionName ?? "IamOnboard-" + DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
            log.Verbose("Assuming role " + role.RoleArn + " as session '" + sessionName + "'" + (role.MfaSerial is null ? string.Empty : " with MFA device " + role.MfaSerial) + ".");
            var spentFor = role.MfaSerial is null ? null : options.MfaRoleSessions?.SpentFor(role.MfaSerial, options.TokenCode, clock);
            using var temporary = await WithRoleRefusalNamed(() => WithConfigurationErrors(
                () => sourceSts.AssumeRoleAsync(role.RoleArn, sessionName, role.ExternalId, role.Duration, role.MfaSerial, options.TokenCode, cancellationToken),
                roleSource, "AssumeRole " + role.RoleArn), role.RoleArn, role.ProfileName, role.MfaSerial, spentFor, roleSource).ConfigureAwait(false);
            if (role.MfaSerial is null)
            {
                var renewal = new RoleRenewal(credentials, roleSource, role.RoleArn, sessionName, role.ExternalId, role.Duration, region, stsEndpoint, maxAttempts, options.Timeout, network,
                    resolved.Role?.ProfileName ?? options.ProfileName);
                credentials = new AssumedRoleCredentials(renewal, temporary, clock);
                log.Verbose("The role's credentials are valid until " + CredentialClock.Utc(temporary.Expiration) + " and are renewed before then with " + roleSource + ".");
            }
            else
            {
                var mfaCredentials = new MfaRoleCredentials(temporary, role.ProfileName!, role.RoleArn, role.MfaSerial, clock);
                credentials = mfaCredentials;
                options.MfaRoleSessions?.Remember(MfaSessionKey(options, resolved.Files, resolved.Role!, own: true), options.TokenCode!, mfaCredentials);
                options.MfaRoleSessions?.RememberSpent(role.MfaSerial, options.TokenCode!, role.ProfileName!, clock);
                log.Verbose("The role's credentials are valid until " + CredentialClock.Utc(temporary.Expiration) + ". Assumed with an MFA code, they cannot be renewed without a new one: "
                    + "calls fail from a minute before then on, saying to run " + mfaCredentials.WayOut + ".");
            }

            credentialSource = "assumed role " + role.RoleArn + " (from " + (resolved.SourceRoles.Count > 0 ? roleSource + ", from " : string.Empty) + resolved.Source + ")";
        }

        var settings = new SessionSettings(credentials, iamEndpoint, stsEndpoint, maxAttempts, retryMode, options.Timeout, network);
        return await OpenAsync(settings, region, credentialSource, knownCaller: null, cancellationToken, options.ThrottleLimit).ConfigureAwait(false);
    }

    /// <summary>
    /// The session for one call that names -Region or -EndpointUrl over a session: the same credentials and, unless
    /// -EndpointUrl names another, the same endpoints. A region in another partition is refused while the session uses
    /// AWS's own endpoints: its credentials belong to the session's partition, and the call would land elsewhere.
    /// </summary>
    public static Task<OnboardSession> ForCallAsync(OnboardSession session, string? region, string? endpointUrl, CancellationToken cancellationToken = default)
    {
        if (session is null)
        {
            throw new ArgumentNullException(nameof(session));
        }

        var newRegion = region is null ? session.Region : RegionName.Checked(region, "-Region");
        var settings = endpointUrl is null ? session.Settings : session.Settings.WithEndpoint(ServiceEndpoints.Checked(endpointUrl, "-EndpointUrl"));
        var samePlace = endpointUrl is null || (endpointUrl == session.Settings.IamEndpointUrl && endpointUrl == session.Settings.StsEndpointUrl);
        if (settings.IamEndpointUrl is null && AwsPartition.ForRegion(newRegion).Name != session.Partition)
        {
            throw new OnboardConfigurationException("-Region " + newRegion + " is in partition " + AwsPartition.ForRegion(newRegion).Name + ", but the session (" + session.CallerArn
                + ") is in partition " + session.Partition + ". Connect to that partition with Connect-Onboard -Region " + newRegion + ", or give -ProfileName.");
        }

        OnboardLog.Current.Verbose("For this call: " + session.CallerArn + " in region " + newRegion + (samePlace ? string.Empty : " at endpoint " + endpointUrl) + ".");
        return OpenAsync(settings, newRegion, session.CredentialSource, samePlace ? session : null, cancellationToken);
    }

    private static async Task<OnboardSession> OpenAsync(SessionSettings settings, string region, string credentialSource, OnboardSession? knownCaller, CancellationToken cancellationToken, int? throttleLimit = null)
    {
        var log = OnboardLog.Current;
        var partition = AwsPartition.ForRegion(region);
        var sts = new StsGateway(settings.Credentials, region, settings.StsEndpointUrl, settings.MaxAttempts, settings.Timeout, settings.Network);
        IamClient? iam = null;
        try
        {
            iam = new IamClient(new IamClientOptions
            {
                Region = region,
                EndpointUrl = settings.IamEndpointUrl,
                MaxAttempts = settings.MaxAttempts,
                RetryMode = settings.RetryMode,
                Timeout = settings.Timeout,
                Network = settings.Network,
            }, settings.Credentials);

            if (throttleLimit is { } limit)
            {
                iam.Budget.DefaultLimit = limit;
            }

            // The alias is asked for beside the caller's identity, so connecting takes one round trip, not two; but
            // only when the budget allows two requests in flight (STS's GetCallerIdentity takes no permit of it).
            var aliasBeside = knownCaller is null && iam.Budget.DefaultLimit >= 2 ? AccountAliasAsync(iam, cancellationToken) : null;
            CallerIdentity caller;
            try
            {
                caller = knownCaller?.Caller ?? await WithConfigurationErrors(() => sts.GetCallerIdentityAsync(cancellationToken), credentialSource, "GetCallerIdentity").ConfigureAwait(false);
            }
            catch
            {
                // The identity's failure is the one to report; the alias lookup failed for the same reason or is moot.
                // It is let finish first, so the client is not disposed under it.
                if (aliasBeside is not null)
                {
                    await Task.WhenAny(aliasBeside).ConfigureAwait(false);
                    _ = aliasBeside.Exception;
                }

                throw;
            }

            if (knownCaller is null)
            {
                log.Verbose("Connected as " + caller.Arn + " in account " + caller.Account + (caller.IsRoot ? " (root credentials)" : string.Empty) + ".");
            }

            string? alias;
            try
            {
                alias = knownCaller is not null
                    ? knownCaller.AccountAlias
                    : await (aliasBeside ?? AccountAliasAsync(iam, cancellationToken)).ConfigureAwait(false);
            }
            catch (IamAccessDeniedException refused) when (refused.ErrorCode == IamErrorCodes.InvalidClientTokenId)
            {
                throw await TokenRefusedByIamAsync(refused, caller, settings, credentialSource).ConfigureAwait(false);
            }

            if (partition.SignInHost is null)
            {
                log.Verbose("Partition " + partition.Name + " has no public console sign-in host: ConsoleSignInUrl is empty and no sign-in link can be handed out.");
            }

            return new OnboardSession(iam, sts, settings, caller, partition, region, credentialSource, alias, DateTimeOffset.UtcNow);
        }
        catch
        {
            iam?.Dispose();
            sts.Dispose();
            throw;
        }
    }

    private static async Task<string?> AccountAliasAsync(IamClient iam, CancellationToken cancellationToken)
    {
        try
        {
            var aliases = await iam.ListAccountAliasesAsync(cancellationToken).ConfigureAwait(false);
            return aliases.Count > 0 ? aliases[0] : null;
        }
        catch (IamAccessDeniedException exception) when (exception.ErrorCode != IamErrorCodes.InvalidClientTokenId)
        {
            OnboardLog.Current.Verbose("Cannot list the account alias (" + exception.ErrorCode + "); the sign-in URL uses the account id.");
            return null;
        }
    }

    /// <summary>
    /// IAM refusing as a bad token the credentials STS has just accepted, said with its cause: IAM's words ("The security
    /// token included in the request is invalid") point at a mistyped key that STS has just proven right, and a session
    /// that connected anyway would fail every command after.
    /// </summary>
    private static async Task<OnboardConfigurationException> TokenRefusedByIamAsync(IamAccessDeniedException refused, CallerIdentity caller, SessionSettings settings, string credentialSource)
    {
        var withToken = (await settings.Credentials.GetCredentialsAsync().ConfigureAwait(false)).UseToken;
        string cause;
        if (caller.Arn.Contains(":federated-user/"))
        {
            cause = "they are federation credentials (GetFederationToken), with which IAM takes no call. Connect with the keys of an IAM user, or a role (-ProfileName of a role profile, -RoleArn).";
        }
        else if (withToken && (caller.IsRoot || caller.Arn.Contains(":user/")))
        {
            cause = "they are temporary credentials of " + caller.Arn + " made without an MFA code (as 'aws sts get-session-token' gives them without --serial-number and --token-code), "
                + "and IAM takes such credentials only when they were made with a code. Get them with the code, connect with the user's own keys, or use a role profile "
                + "(role_arn, with mfa_serial to be asked for the code).";
        }
        else
        {
            cause = "is the IAM endpoint (" + (settings.IamEndpointUrl ?? "AWS's") + ") the same service as the STS endpoint (" + (settings.StsEndpointUrl ?? "AWS's") + ")?";
        }

        return new OnboardConfigurationException("IAM refuses the credentials of " + credentialSource + " (" + refused.ErrorCode + ": " + refused.Message + "), which STS accepts as "
            + caller.Arn + ": " + cause, refused);
    }

    /// <summary>
    /// Assumes a role inside a chain (the role of a source_profile) with the credentials before it, and returns its
    /// credentials, renewed before they expire with those (which may renew themselves), so a chained session outlives the
    /// hour each role's credentials last. A role that asks for an MFA code is assumed with <paramref name="tokenCode"/>
    /// once: its credentials are not renewed (that takes a new code), and the roles after it are renewed with them until
    /// they end.
    /// </summary>
    private static async Task<AWSCredentials> AssumeSourceRoleAsync(ProfileRole sourceRole, AWSCredentials credentials, string from, string region, string? stsEndpoint, int maxAttempts,
        TimeSpan? timeout, SessionNetwork? network, CredentialClock clock, string connectProfileName, string? tokenCode, string? spentFor, CancellationToken cancellationToken)
    {
        using var sts = new StsGateway(credentials, region, stsEndpoint, maxAttempts, timeout, network);
        var sessionName = sourceRole.RoleSessionName ?? "IamOnboard-" + DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
        OnboardLog.Current.Verbose("Assuming role " + sourceRole.RoleArn + " of profile '" + sourceRole.ProfileName + "' as session '" + sessionName + "' with the credentials of " + from
            + (sourceRole.MfaSerial is null ? string.Empty : " and MFA device " + sourceRole.MfaSerial) + ".");
        using var temporary = await WithRoleRefusalNamed(() => WithConfigurationErrors(
            () => sts.AssumeRoleAsync(sourceRole.RoleArn, sessionName, sourceRole.ExternalId, sourceRole.Duration, sourceRole.MfaSerial, tokenCode, cancellationToken),
            from, "AssumeRole " + sourceRole.RoleArn + " (profile '" + sourceRole.ProfileName + "')"), sourceRole.RoleArn, sourceRole.ProfileName, sourceRole.MfaSerial, spentFor, from).ConfigureAwait(false);
        if (sourceRole.MfaSerial is not null)
        {
            var mfaCredentials = new MfaRoleCredentials(temporary, connectProfileName, sourceRole.RoleArn, sourceRole.MfaSerial, clock, chainProfileName: sourceRole.ProfileName);
            OnboardLog.Current.Verbose("Role " + sourceRole.RoleArn + " of profile '" + sourceRole.ProfileName + "': credentials valid until " + CredentialClock.Utc(temporary.Expiration)
                + ". Assumed with an MFA code, they cannot be renewed without a new one: the roles after it are renewed with them until then, and calls fail after that, saying to run "
                + mfaCredentials.WayOut + ".");
            return mfaCredentials;
        }

        var renewal = new RoleRenewal(credentials, from, sourceRole.RoleArn, sessionName, sourceRole.ExternalId, sourceRole.Duration, region, stsEndpoint, maxAttempts, timeout, network,
            connectProfileName);
        OnboardLog.Current.Verbose("Role " + sourceRole.RoleArn + " of profile '" + sourceRole.ProfileName + "': credentials valid until " + CredentialClock.Utc(temporary.Expiration)
            + ", renewed before then with the credentials of " + from + ".");
        return new AssumedRoleCredentials(renewal, temporary, clock);
    }

    /// <summary>Connect-Onboard's -RoleArn wins over a role profile's role_arn; the profile's MFA device goes with its own role only.</summary>
    private static RoleRequest? RoleToAssume(OnboardConnectOptions options, ResolvedCredentials resolved, bool codeNeeded)
    {
        if (!string.IsNullOrEmpty(options.RoleArn))
        {
            return new RoleRequest(options.RoleArn!, options.RoleSessionName, options.ExternalId, options.RoleDuration, null, null);
        }

        if (resolved.Role is not { } role)
        {
            return null;
        }

        if (role.MfaSerial is not null && string.IsNullOrEmpty(options.TokenCode) && codeNeeded)
        {
            throw new OnboardConfigurationException("Profile '" + role.ProfileName + "' assumes role " + role.RoleArn + " with MFA device " + role.MfaSerial
                + ": give its current code with -TokenCode (an interactive session asks for it).");
        }

        return new RoleRequest(role.RoleArn, options.RoleSessionName ?? role.RoleSessionName, options.ExternalId ?? role.ExternalId, options.RoleDuration ?? role.Duration, role.MfaSerial,
            role.ProfileName);
    }

    /// <summary>The MFA device whose code connecting with these options takes (the role profile's, or a role's of its chain), when the code is still missing; null otherwise.</summary>
    public static string? MfaSerialNeeded(OnboardConnectOptions options)
    {
        if (options is null || !string.IsNullOrEmpty(options.TokenCode) || !string.IsNullOrEmpty(options.AccessKey))
        {
            return null;
        }

        try
        {
            // Under -RoleArn the profile's own role is a hop of the chain (ResolvedCredentials.WithOwnRoleAsHop).
            if (ResolvedCredentials.MfaRoleOfChain(options, ownRole: string.IsNullOrEmpty(options.RoleArn)) is not { } asking)
            {
                return null;
            }

            // A role session kept from an earlier command takes no code.
            return KeptMfaSession(options, asking.Files, asking.Role, asking.Own, new CredentialClock(options.CredentialUtcNow)) is null ? asking.Role.MfaSerial : null;
        }
        catch (OnboardConfigurationException)
        {
            return null; // ConnectAsync reports it.
        }
    }

    /// <summary>
    /// When this runspace has already assumed a role with <paramref name="tokenCode"/> of <paramref name="mfaSerial"/>
    /// (STS would refuse it), what to tell the person who typed it: that it was used, for which profile, and to wait for
    /// the device's next code; else null. The code is not repeated.
    /// </summary>
    public static string? UsedCodeNote(OnboardConnectOptions options, string mfaSerial, string tokenCode)
    {
        if (options?.MfaRoleSessions is not { } sessions || string.IsNullOrEmpty(mfaSerial))
        {
            return null;
        }

        return sessions.SpentFor(mfaSerial, tokenCode?.Trim(), new CredentialClock(options.CredentialUtcNow)) is { } profileName
            ? MfaRoleSessions.SpentNote(mfaSerial, profileName) + "."
            : null;
    }

    /// <summary>
    /// The CA bundle AWS_CA_BUNDLE or the profile names. One that cannot be read is an error, unless IAM and STS are both
    /// reached over plain HTTP (a local endpoint, an emulator), which makes no TLS: as with the AWS CLI, which reads it
    /// for HTTPS only, the session goes on without it, with a warning.
    /// </summary>
    private static CaBundle? CaBundleFor(ResolvedCredentials resolved, string? iamEndpoint, string? stsEndpoint)
    {
        try
        {
            return CaBundle.Resolve(resolved.Profile);
        }
        catch (OnboardConfigurationException exception) when (resolved.Sso is null && IsPlainHttp(iamEndpoint) && IsPlainHttp(stsEndpoint))
        {
            OnboardLog.Current.Warning(exception.Message + " It is not needed here: IAM and STS are reached over plain HTTP, without TLS.");
            return null;
        }
    }

    private static bool IsPlainHttp(string? endpointUrl) => endpointUrl is not null && endpointUrl.StartsWith("http://", StringComparison.OrdinalIgnoreCase);

    /// <summary>The role session <paramref name="options"/> keep for <paramref name="role"/> (its profile's own role when <paramref name="own"/>), if it can be used again.</summary>
    private static MfaRoleCredentials? KeptMfaSession(OnboardConnectOptions options, SharedConfigFiles files, ProfileRole role, bool own, CredentialClock clock)
        => options.MfaRoleSessions?.Reusable(MfaSessionKey(options, files, role, own), options.TokenCode, clock);

    // The role as AssumeRole gets it: Connect-Onboard's -RoleSessionName, -ExternalId and -DurationSeconds go with the profile's own role only.
    private static string MfaSessionKey(OnboardConnectOptions options, SharedConfigFiles files, ProfileRole role, bool own)
        => MfaRoleSessions.Key(files, role.ProfileName, role.RoleArn, role.MfaSerial!, own ? options.RoleSessionName ?? role.RoleSessionName : role.RoleSessionName,
            own ? options.ExternalId ?? role.ExternalId : role.ExternalId, own ? options.RoleDuration ?? role.Duration : role.Duration, options.EndpointUrl);

    /// <summary>A role to assume; <see cref="ProfileName"/> is the role profile's, null for -RoleArn.</summary>
    private sealed record RoleRequest(string RoleArn, string? SessionName, string? ExternalId, TimeSpan? Duration, string? MfaSerial, string? ProfileName);

    /// <summary>
    /// Fetches credentials that come from a provider (credential_process, an instance, container or web identity role)
    /// once, before any request: a provider that fails is reported as what it is, once. Fetched by the first requests
    /// instead, its failure read as an endpoint that gave no answer, and a credential_process ran once per request
    /// sent beside another.
    /// </summary>
    private static async Task FetchOnceAsync(AWSCredentials credentials, string credentialSource)
    {
        if (credentials is BasicAWSCredentials or SessionAWSCredentials)
        {
            return;
        }

        try
        {
            _ = await credentials.GetCredentialsAsync().ConfigureAwait(false);
        }
        catch (OnboardConfigurationException)
        {
            throw; // Ours (an SSO profile's): it says what to do already.
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            throw SdkErrors.SharedFileRefused(exception) ?? new OnboardConfigurationException("The credentials from " + credentialSource + " could not be fetched: " + Innermost(exception).Message, exception);
        }
    }

    /// <summary>
    /// STS refusing a role to root credentials, whose source it does not name (<paramref name="from"/>), or refusing the
    /// MFA code of a role, which it says only as "MultiFactorAuthentication failed ...": in a chain, or beside a
    /// profile named by AWS_PROFILE, which role and device the code was for is what the person needs to know; and when
    /// this runspace had already used the code (<paramref name="spentFor"/>, the profile it was used for), that STS
    /// takes a code once, so the person waits for the next one instead of giving the same "current code" again. The
    /// refusal keeps its type and code; the code itself is never repeated.
    /// </summary>
    private static async Task<T> WithRoleRefusalNamed<T>(Func<Task<T>> call, string roleArn, string? profileName, string? mfaSerial, string? spentFor, string from)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (IamAccessDeniedException refused) when (refused.Message.StartsWith("Roles may not be assumed by root accounts", StringComparison.Ordinal))
        {
            // STS's words name neither the role nor whose keys they were; a source_profile often holds root keys from before
            // the account had an IAM user.
            throw new IamAccessDeniedException("AssumeRole " + roleArn + (profileName is null ? string.Empty : " (profile '" + profileName + "')") + " was refused: the credentials of "
                + from + " are the account's root user's, and STS lets no root user assume a role (\"" + refused.Message.TrimEnd('.') + "\"). Give the role the keys of an "
                + "IAM user, or of a role, that its trust policy allows.",
                refused.ErrorCode, refused.ErrorType, refused.StatusCode, refused.RequestId, refused.Operation, refused);
        }
        catch (IamAccessDeniedException refused) when (mfaSerial is not null && refused.Message.StartsWith("MultiFactorAuthentication failed", StringComparison.Ordinal))
        {
            var whatToDo = refused is MfaCodeTakenByLostAnswerException lost
                ? "That was the AWS SDK's resend of the request, after the first attempt got no answer that says whether STS took the code (\"" + lost.LostAnswer + "\"): STS takes each code once, so if "
                  + "that attempt reached STS it took the code, and the resend was refused whether or not the code was right. Wait for the next code of MFA device "
                  + mfaSerial + " and give it with -TokenCode."
                : spentFor is null
                ? "Give the current code of MFA device " + mfaSerial + " with -TokenCode (each code is good for its 30 seconds only)."
                : MfaRoleSessions.SpentNote(mfaSerial, spentFor) + " and give it with -TokenCode.";
            throw new IamAccessDeniedException("AssumeRole " + roleArn + (profileName is null ? string.Empty : " (profile '" + profileName + "')") + " was refused for its MFA code: "
                + refused.Message.TrimEnd('.') + ". " + whatToDo,
                refused.ErrorCode, refused.ErrorType, refused.StatusCode, refused.RequestId, refused.Operation, refused);
        }
    }

    private static async Task<T> WithConfigurationErrors<T>(Func<Task<T>> call, string credentialSource, string what)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (AmazonClientException exception)
        {
            // Credential providers fail lazily (instance metadata, credential_process) with a client exception on first use.
            throw SdkErrors.SharedFileRefused(exception) ?? new OnboardConfigurationException("The credentials from " + credentialSource + " could not be used for " + what + ": " + Innermost(exception).Message, exception);
        }
    }

    private static Exception Innermost(Exception exception)
    {
        while (exception.InnerException is not null)
        {
            exception = exception.InnerException;
        }

        return exception;
    }

    /// <summary>The region as the AWS CLI chooses it, checked: -Region, AWS_REGION, AWS_DEFAULT_REGION, the profile's, us-east-1.</summary>
    private static string RegionOf(OnboardConnectOptions options, ConfigSection? profile)
    {
        if (options.Region is { } given)
        {
            return RegionName.Checked(given, "-Region");
        }

        foreach (var variable in new[] { "AWS_REGION", "AWS_DEFAULT_REGION" })
        {
            if (FromEnvironment(variable) is { } fromEnvironment)
            {
                return RegionName.Checked(fromEnvironment, "The environment variable " + variable);
            }
        }

        return profile?["region"] is { } fromProfile
            ? RegionName.Checked(fromProfile, "The region of profile '" + profile.Name + "'")
            : DefaultRegion;
    }

    private static string? FromEnvironment(string name)
    {
        var value = Environment.GetEnvironmentVariable(name);
        return string.IsNullOrEmpty(value) ? null : value;
    }
}
