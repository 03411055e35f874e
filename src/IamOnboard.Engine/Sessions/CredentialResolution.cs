using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using IamOnboard.AwsSdk;
using IamOnboard.Diagnostics;

namespace IamOnboard.Sessions;

/// <summary>A role a profile says to assume (<c>role_arn</c>), with the settings the profile gives for it.</summary>
internal sealed class ProfileRole
{
    public ProfileRole(string profileName, ConfigSection section)
    {
        ProfileName = profileName;
        RoleArn = section["role_arn"]!;
        MfaSerial = section["mfa_serial"];
        ExternalId = section["external_id"];
        RoleSessionName = section["role_session_name"];
        if (section["duration_seconds"] is { } seconds)
        {
            if (!int.TryParse(seconds, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                throw new OnboardConfigurationException("Profile '" + profileName + "': duration_seconds '" + seconds + "' is not a whole number of seconds.");
            }

            Duration = TimeSpan.FromSeconds(value);
        }
    }

    public string ProfileName { get; }
    public string RoleArn { get; }
    public string? MfaSerial { get; }
    public string? ExternalId { get; }
    public string? RoleSessionName { get; }
    public TimeSpan? Duration { get; }
}

/// <summary>
/// What a role profile's role is assumed with: credentials at hand or an SSO profile's to fetch, after the roles of a
/// chain (innermost first), and where they come from.
/// </summary>
internal sealed record RoleSource(AWSCredentials? Credentials, SsoProfile? Sso, WebIdentityRole? WebIdentity, IReadOnlyList<ProfileRole> Hops, string Description);

/// <summary>
/// A web identity role: role_arn, web_identity_token_file and role_session_name of a profile, or AWS_ROLE_ARN,
/// AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_SESSION_NAME. <see cref="TokenFileSetting"/> names where the token file was
/// given, for messages.
/// </summary>
internal sealed record WebIdentityRole(string RoleArn, string TokenFile, string SessionName, string TokenFileSetting);

/// <summary>
/// Where the credentials come from, the profile whose settings (region, endpoints) apply, and a role still to assume.
/// Credentials are found in the SDKs' order: explicit keys; environment keys; the named profile (-ProfileName, else
/// AWS_PROFILE, else AWS_DEFAULT_PROFILE: an error when missing, never a fall-back); the default profile; the SDK chain
/// (container, instance).
/// </summary>
internal sealed class ResolvedCredentials
{
    private const string ConnectHint = "Run Connect-Onboard with -ProfileName <name>, or with -AccessKey and -SecretKey.";

    private ResolvedCredentials(AWSCredentials? credentials, string source, ConfigSection? profile, SharedConfigFiles files, ProfileRole? role = null, SsoProfile? sso = null,
        WebIdentityRole? webIdentity = null, RoleSource? roleSource = null)
    {
        WebIdentity = webIdentity ?? roleSource?.WebIdentity;
        SourceRoles = roleSource?.Hops ?? Array.Empty<ProfileRole>();
        SourceDescription = roleSource?.Description ?? source;
        Credentials = credentials;
        Source = source;
        Profile = profile;
        Files = files;
        Role = role;
        Sso = sso;
    }

    /// <summary>Null while an SSO profile's or a web identity role's credentials are still to be fetched.</summary>
    public AWSCredentials? Credentials { get; }
    public string Source { get; }
    public ConfigSection? Profile { get; }
    public SharedConfigFiles Files { get; }
    public ProfileRole? Role { get; }
    public SsoProfile? Sso { get; }
    public WebIdentityRole? WebIdentity { get; }

    /// <summary>
    /// The roles to assume, innermost first, before <see cref="Role"/> when its source_profile is itself a role profile
    /// (a role chain); empty otherwise.
    /// </summary>
    public IReadOnlyList<ProfileRole> SourceRoles { get; }

    /// <summary>Where the credentials the first role is assumed with come from (the innermost source profile), never a secret.</summary>
    public string SourceDescription { get; }

    /// <summary>
    /// For -RoleArn with a role profile: the profile's own role becomes the last hop of the chain, and -RoleArn is
    /// assumed with its credentials, as <c>aws sts assume-role --profile</c> and AWS.Tools' <c>Use-STSRole -ProfileName</c>
    /// do. Replacing the profile's role instead would skip its mfa_serial and external_id and sign in as its source.
    /// </summary>
    public ResolvedCredentials WithOwnRoleAsHop() => Role is null
        ? this
        : new ResolvedCredentials(Credentials, Source, Profile, Files, Role, Sso, WebIdentity, new RoleSource(Credentials, Sso, WebIdentity, SourceRoles.Concat(new[] { Role }).ToList(), SourceDescription));

    public static ResolvedCredentials Resolve(OnboardConnectOptions options)
    {
        var files = SharedConfigFiles.Load(options.ProfileLocation, options.ConfigFile);
        var (envProfile, envProfileVariable) = EnvironmentProfile();
        if (!string.IsNullOrEmpty(options.AccessKey) || options.SecretKey is not null)
        {
            CheckExplicitKeys(options);
            var key = AccessKeyIdText.ForDisplay(options.AccessKey!);
            var source = (options.KeysOrigin is { } origin ? origin + ": access key " + key : "explicit access key " + key)
                + (options.SessionToken is { Length: > 0 } ? " with session token" : string.Empty);
            return new ResolvedCredentials(SdkCredentials.FromKeys(options.AccessKey!, options.SecretKey!, options.SessionToken), source, files.Profile(envProfile ?? "default"), files);
        }

        if (!string.IsNullOrEmpty(options.ProfileName))
        {
            RequireGivenProfileFile(options, files);
            return FromProfile(options.ProfileName!, "-ProfileName", files);
        }

        var envKey = Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID");
        var envSecret = Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY");
        if (string.IsNullOrEmpty(envKey) != string.IsNullOrEmpty(envSecret))
        {
            // As the AWS CLI: half a key pair in the environment is a mistake to report (a misspelt variable), never a
            // reason to sign in with the next source in the chain, another account's default profile.
            throw new OnboardConfigurationException("Partial credentials in the environment: " + (string.IsNullOrEmpty(envKey) ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID")
                + " is set, but " + (string.IsNullOrEmpty(envKey) ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY") + " is not. Set both, or clear both to use a profile. " + ConnectHint);
        }

        if (!string.IsNullOrEmpty(envKey))
        {
            // AWS_PROFILE still supplies the settings (region, endpoints); one that does not exist is an error, as in the
            // AWS CLI, not a profile silently left out.
            var settings = envProfile is null ? files.Profile("default")
                : files.Profile(envProfile!) ?? throw new OnboardConfigurationException("Profile '" + envProfile + "' (named by " + envProfileVariable + ") was not found in "
                    + files.Searched + ". Correct " + envProfileVariable + " or clear it: the keys in AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY sign in either way, and the profile gives the region and endpoints.");
            return new ResolvedCredentials(FromEnvironment(), "environment variables", settings, files);
        }

        RequireGivenProfileFile(options, files);
        if (envProfile is not null)
        {
            return FromProfile(envProfile, envProfileVariable, files);
        }

        return files.Profile("default") is not null ? FromProfile("default", "the default profile", files) : FromSdkChain(files);
    }

    /// <summary>The role profile these options resolve to, read from the files alone (no credential provider runs).</summary>
    public static ProfileRole? RoleProfile(OnboardConnectOptions options)
    {
        if (!string.IsNullOrEmpty(options.AccessKey) || options.SecretKey is not null)
        {
            return null;
        }

        var envProfile = EnvironmentProfile().Name;
        var name = !string.IsNullOrEmpty(options.ProfileName) ? options.ProfileName!
            : !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID")) ? null
            : envProfile ?? "default";
        var section = name is null ? null : SharedConfigFiles.Load(options.ProfileLocation, options.ConfigFile).Profile(name);
        // A profile with web_identity_token_file assumes its role with the token, never with AssumeRole (botocore's AssumeRoleProvider skips it).
        return section?["role_arn"] is null || section["web_identity_token_file"] is not null ? null : new ProfileRole(name!, section);
    }

    /// <summary>
    /// The role whose MFA code connecting with these options takes: the role profile's own (a hop of the chain when
    /// <paramref name="ownRole"/> is false, under -RoleArn), else a role it is assumed through (a role chain), read
    /// from the files alone. Null when no role asks; a chain the files get wrong is left to the connect to report.
    /// </summary>
    public static (ProfileRole Role, bool Own, SharedConfigFiles Files)? MfaRoleOfChain(OnboardConnectOptions options, bool ownRole)
    {
        if (RoleProfile(options) is not { } role)
        {
            return null;
        }

        var files = SharedConfigFiles.Load(options.ProfileLocation, options.ConfigFile);
        if (role.MfaSerial is not null)
        {
            // Under -RoleArn the profile's role is a hop of the chain, not the role the session ends with.
            return (role, ownRole, files);
        }

        var visited = new HashSet<string>(StringComparer.Ordinal) { role.ProfileName };
        var section = files.Profile(role.ProfileName);
        while (section?["source_profile"] is { } sourceProfile && visited.Add(sourceProfile))
        {
            section = files.Profile(sourceProfile);
            if (section is null || section["role_arn"] is null || HasStaticKeys(section) || section["web_identity_token_file"] is not null)
            {
                return null; // the chain ends here: these credentials are not a role assumed with AssumeRole
            }

            if (section["mfa_serial"] is not null)
            {
                return (new ProfileRole(sourceProfile, section), false, files);
            }
        }

        return null;
    }

    /// <summary>
    /// The profile the environment names, and the variable that named it: AWS_PROFILE, else AWS_DEFAULT_PROFILE, as
    /// the AWS CLI v2 reads them (AWS.Tools and the SDKs know the first only; ignoring the second signed in as the
    /// default profile where the CLI at the same prompt used another). Set is enough, as in the CLI: an empty one
    /// (inherited from <c>export AWS_PROFILE=</c>) names the profile "", which does not exist, never the default profile.
    /// </summary>
    internal static (string? Name, string Variable) EnvironmentProfile()
    {
        var profile = Environment.GetEnvironmentVariable("AWS_PROFILE");
        if (profile is not null)
        {
            return (profile, "AWS_PROFILE");
        }

        profile = Environment.GetEnvironmentVariable("AWS_DEFAULT_PROFILE");
        return profile is null ? (null, "AWS_PROFILE") : (profile, "AWS_DEFAULT_PROFILE");
    }

    /// <summary>
    /// A -ProfileLocation the credentials are to be read from must exist: a mistyped path, read as an empty file, said
    /// the profile was missing or held no credentials. (With keys given, it is not read for credentials.)
    /// </summary>
    private static void RequireGivenProfileFile(OnboardConnectOptions options, SharedConfigFiles files)
    {
        if (options.ProfileLocationGiven && !System.IO.File.Exists(files.CredentialsPath))
        {
            throw new OnboardConfigurationException("-ProfileLocation names " + files.CredentialsPath + (System.IO.Directory.Exists(files.CredentialsPath)
                ? ", which is a folder. Give the path of the shared credentials file in it, such as " + System.IO.Path.Combine(files.CredentialsPath, "credentials") + "."
                : ", which does not exist. Give the path of a shared credentials file, such as ~/.aws/credentials."));
        }
    }

    private static void CheckExplicitKeys(OnboardConnectOptions options)
    {
        if (string.IsNullOrEmpty(options.AccessKey) || options.SecretKey is null || options.SecretKey.Length == 0)
        {
            throw new OnboardConfigurationException("Explicit credentials need both an access key and a secret key. " + ConnectHint);
        }

        if (!string.IsNullOrEmpty(options.ProfileName))
        {
            throw new OnboardConfigurationException("Give either a profile name or an access key, not both.");
        }

        RefuseSwapped(options.AccessKey!, new System.Net.NetworkCredential(string.Empty, options.SecretKey).Password, string.Empty, "AccessKey", "SecretKey", "Give");
    }

    /// <summary>
    /// An easy slip when copying from the console's .csv; IAM would only say the token is invalid, and the secret would
    /// have gone out as the signature's key id. Neither value is repeated here: one of them is a secret. Other IAM
    /// emulators accept any id ("test"), so only a secret shaped like an AWS key id is taken for a swap.
    /// </summary>
    private static void RefuseSwapped(string key, string secret, string where, string keyName, string secretName, string verb)
    {
        if (!AccessKeyIdText.LooksLikeAwsKeyId(key) && AccessKeyIdText.LooksLikeAwsKeyId(secret))
        {
            throw new OnboardConfigurationException("The access key and the secret key look swapped" + where + ": the value given as the secret key is shaped like an access key id (AKIA... or ASIA...). "
                + verb + " the access key id as " + keyName + " and the secret access key as " + secretName + ".");
        }
    }

    private static ResolvedCredentials FromProfile(string name, string namedBy, SharedConfigFiles files)
    {
        var section = files.Profile(name)
            ?? throw new OnboardConfigurationException(name.Length == 0
                ? namedBy + " is set but empty, which names no profile (the AWS CLI refuses it too: \"The config profile () could not be found\"). Name a profile in it, or remove it to use the default profile."
                : "Profile '" + name + "' (named by " + namedBy + ") was not found in " + files.Searched + ". " + ConnectHint);
        // Which variable chose the profile is said: a profile nobody named on the command line is the one to question.
        var source = "profile '" + name + "'" + (namedBy is "AWS_PROFILE" or "AWS_DEFAULT_PROFILE" ? " (named by " + namedBy + ")" : string.Empty) + " from " + files.Searched;
        if (section["role_arn"] is not null && section["web_identity_token_file"] is null)
        {
            var role = new ProfileRole(name, section);
            var roleSource = SourceOfRole(name, section, files);
            return new ResolvedCredentials(roleSource.Credentials, source, section, files, role, roleSource.Sso, roleSource: roleSource);
        }

        // As botocore's chain for the profile: the web identity provider before SSO, keys and credential_process. The
        // AWS_ROLE_ARN, AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_SESSION_NAME variables stand in for the profile's settings,
        // one by one, unless the profile was named explicitly (the CLI's --profile turns them off).
        if (WebIdentityOf(name, section, environmentOverrides: namedBy != "-ProfileName") is { } webIdentity)
        {
            return new ResolvedCredentials(null, "web identity role " + webIdentity.RoleArn + " (token file from " + webIdentity.TokenFileSetting + ") of " + source, section, files,
                webIdentity: webIdentity);
        }

        if (section["sso_session"] is not null || section["sso_start_url"] is not null)
        {
            return new ResolvedCredentials(null, "SSO " + source, section, files, sso: SsoProfile.From(name, section, files));
        }

        return new ResolvedCredentials(StaticOrSdk(name, section, files), source, section, files);
    }

    /// <summary>
    /// The credentials a role profile starts from, and the roles to assume with them first, as the AWS CLI (botocore's
    /// AssumeRoleProvider) finds them: <c>credential_source = Environment</c>, or <c>source_profile</c>, followed while it
    /// names a profile with role_arn and without keys (a role chain). A source profile with keys, or without role_arn
    /// (SSO, credential_process), gives its own credentials and ends the chain: its role_arn, if any, is not assumed. A
    /// profile met twice is a loop, refused; except a profile naming itself when it has keys (keys and role in one profile).
    /// Any one role of the chain may ask for an MFA code (mfa_serial); more than one is refused: one code per connection.
    /// </summary>
    private static RoleSource SourceOfRole(string name, ConfigSection section, SharedConfigFiles files)
    {
        var ownRole = new ProfileRole(name, section);
        var visited = new List<string> { name };
        var hops = new List<ProfileRole>();
        var current = name;
        while (true)
        {
            var sourceProfile = section["source_profile"];
            var credentialSource = section["credential_source"];
            if (sourceProfile is not null && credentialSource is not null)
            {
                throw new OnboardConfigurationException("Profile '" + current + "' has both source_profile and credential_source; give one (the AWS CLI refuses it too).");
            }

            if (sourceProfile is null)
            {
                if (string.Equals(credentialSource, "Environment", StringComparison.OrdinalIgnoreCase))
                {
                    return new RoleSource(FromEnvironment(), null, null, InnermostFirst(hops), "environment variables (credential_source of profile '" + current + "')");
                }

                throw new OnboardConfigurationException("Profile '" + current + "' has role_arn but neither source_profile nor credential_source = Environment.");
            }

            var source = files.Profile(sourceProfile)
                ?? throw new OnboardConfigurationException("Profile '" + current + "' names source_profile '" + sourceProfile + "', which was not found in " + files.Searched + ".");
            if (visited.Contains(sourceProfile, StringComparer.Ordinal) && (sourceProfile != current || !HasStaticKeys(source)))
            {
                throw new OnboardConfigurationException("The source_profile settings of profile '" + name + "' loop: " + string.Join(" -> ", visited.Select(p => "'" + p + "'"))
                    + " -> '" + sourceProfile + "' (the AWS CLI refuses it too: \"Infinite loop in credential configuration detected\"). "
                    + (sourceProfile == current ? "A profile may name itself as source_profile only when it has aws_access_key_id and aws_secret_access_key. " : string.Empty)
                    + "Point the last one at a profile with keys, credential_process or an SSO sign-in.");
            }

            visited.Add(sourceProfile);
            if (source["web_identity_token_file"] is not null && WebIdentityOf(sourceProfile, source, environmentOverrides: false) is { } webIdentity)
            {
                // As botocore: a source profile with web_identity_token_file gives the credentials of its web identity
                // role (its own role_arn, assumed with the token), whatever keys it also has, and ends the chain.
                return new RoleSource(null, null, webIdentity, InnermostFirst(hops), "web identity role " + webIdentity.RoleArn + " of profile '" + sourceProfile + "'");
            }

            if (HasStaticKeys(source) || source["role_arn"] is null)
            {
                if (source["role_arn"] is not null && sourceProfile != current)
                {
                    OnboardLog.Current.Verbose("Profile '" + sourceProfile + "' (source_profile of '" + current + "') has keys and role_arn: its keys are used and its role is not assumed, as in the AWS CLI.");
                }

                var description = "profile '" + sourceProfile + "'";
                return source["sso_session"] is not null || source["sso_start_url"] is not null
                    ? new RoleSource(null, SsoProfile.From(sourceProfile, source, files, files.Profile(name)), null, InnermostFirst(hops), "SSO " + description)
                    : new RoleSource(StaticOrSdk(sourceProfile, source, files), null, null, InnermostFirst(hops), description);
            }

            var hop = new ProfileRole(sourceProfile, source);
            if (hop.MfaSerial is not null)
            {
                // As the AWS CLI, a role inside a chain may ask for an MFA code (the usual case: keys, then a role that asks
                // for MFA, then a role in another account). IamOnboard takes one code per connection (-TokenCode).
                var askers = hops.Prepend(ownRole).Where(r => r.MfaSerial is not null).Append(hop).ToList();
                if (askers.Count > 1)
                {
                    throw new OnboardConfigurationException("Profile '" + name + "' is assumed through more than one role that asks for an MFA code: "
                        + string.Join(" and ", askers.Select(r => "role profile '" + r.ProfileName + "' (mfa_serial " + r.MfaSerial + ")"))
                        + ". IamOnboard takes one code per connection (-TokenCode). Keep mfa_serial on the role whose trust policy asks for MFA only, or connect with -ProfileName "
                        + askers[askers.Count - 1].ProfileName + " to assume that role alone.");
                }
            }

            hops.Add(hop);
            current = sourceProfile;
            section = source;
        }
    }

    /// <summary>
    /// The web identity role of a profile, as botocore's AssumeRoleWithWebIdentityProvider reads it: each of role_arn,
    /// web_identity_token_file and role_session_name from its environment variable when that is set and
    /// <paramref name="environmentOverrides"/>, else from the profile. Null without a token file; a token file without a
    /// role is an error, as in the AWS CLI.
    /// </summary>
    private static WebIdentityRole? WebIdentityOf(string name, ConfigSection section, bool environmentOverrides)
    {
        (string? Value, string Setting) Setting(string key, string variable)
            => environmentOverrides && !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(variable))
                ? (Environment.GetEnvironmentVariable(variable), variable)
                : (section[key], key + " of profile '" + name + "'");

        var tokenFile = Setting("web_identity_token_file", "AWS_WEB_IDENTITY_TOKEN_FILE");
        if (tokenFile.Value is null)
        {
            return null;
        }

        var roleArn = Setting("role_arn", "AWS_ROLE_ARN");
        if (roleArn.Value is null)
        {
            throw new OnboardConfigurationException("The web identity token file named by " + tokenFile.Setting + " goes with a role to assume, but profile '" + name + "' has no role_arn"
                + (environmentOverrides ? " and AWS_ROLE_ARN is not set" : string.Empty) + " (the AWS CLI refuses it too). Add role_arn to profile '" + name + "'.");
        }

        var sessionName = Setting("role_session_name", "AWS_ROLE_SESSION_NAME").Value;
        return new WebIdentityRole(roleArn.Value, tokenFile.Value, sessionName ?? DefaultSessionName(), tokenFile.Setting);
    }

    private static string DefaultSessionName() => "IamOnboard-" + DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);

    /// <summary>As botocore's _has_static_credentials: either key of a pair, in either file.</summary>
    private static bool HasStaticKeys(ConfigSection section) => section["aws_access_key_id"] is not null || section["aws_secret_access_key"] is not null;

    private static IReadOnlyList<ProfileRole> InnermostFirst(List<ProfileRole> outermostFirst)
    {
        outermostFirst.Reverse();
        return outermostFirst;
    }

    /// <summary>
    /// A profile's own credentials, in the AWS CLI's order (botocore's providers): keys in the credentials file, then
    /// credential_process (from either file), then keys in the config file. Merging the files first, as the settings
    /// are merged, would sign in with config-file keys where the CLI runs the process.
    /// </summary>
    private static AWSCredentials StaticOrSdk(string name, ConfigSection section, SharedConfigFiles files)
    {
        var command = section["credential_process"];
        if (KeysIn(name, section, configFile: false, files) is { } fromCredentialsFile)
        {
            if (command is not null)
            {
                OnboardLog.Current.Verbose("Profile '" + name + "' has keys in " + files.CredentialsPath + " and a credential_process: the keys sign in and the process is not run, as in the AWS CLI.");
            }

            return fromCredentialsFile;
        }

        // credential_process: our provider, given the command read from the files named now. The SDK's profile store is
        // not asked: it keeps the file paths it first read for the life of the process, and would read another (or an
        // older) file's profile of the same name.
        if (command is not null)
        {
            if (section.InFile(configFile: true, "aws_access_key_id") is not null)
            {
                OnboardLog.Current.Verbose("Profile '" + name + "' has keys in " + files.ConfigPath + " and a credential_process: the process signs in, as in the AWS CLI.");
            }

            return new CredentialProcessCredentials(name, command);
        }

        if (KeysIn(name, section, configFile: true, files) is { } fromConfigFile)
        {
            return fromConfigFile;
        }

        throw new OnboardConfigurationException("Profile '" + name + "' in " + files.Searched + " holds no credentials IamOnboard can use: it needs aws_access_key_id and "
            + "aws_secret_access_key, credential_process, role_arn with source_profile (or credential_source = Environment), role_arn with web_identity_token_file, or an SSO sign-in (sso_session). " + ConnectHint);
    }

    /// <summary>The key pair one file gives the profile; an access key without its secret there is an error, as in the AWS CLI ("Partial credentials found").</summary>
    private static AWSCredentials? KeysIn(string name, ConfigSection section, bool configFile, SharedConfigFiles files)
    {
        var key = section.InFile(configFile, "aws_access_key_id");
        if (key is null)
        {
            return null;
        }

        var secret = section.InFile(configFile, "aws_secret_access_key")
            ?? throw new OnboardConfigurationException("Profile '" + name + "' has aws_access_key_id but no aws_secret_access_key in " + (configFile ? files.ConfigPath : files.CredentialsPath)
                + ". Put the pair in the same file (the AWS CLI refuses the profile too: \"Partial credentials found\").");
        RefuseSwapped(key, secret, " in profile '" + name + "' of " + (configFile ? files.ConfigPath : files.CredentialsPath), "aws_access_key_id", "aws_secret_access_key", "Put");
        // aws_security_token is the older name the AWS CLI still reads, before aws_session_token.
        var token = section.InFile(configFile, "aws_security_token") ?? section.InFile(configFile, "aws_session_token");
        return token is null ? new BasicAWSCredentials(key, secret) : new SessionAWSCredentials(key, secret, token);
    }

    private static AWSCredentials FromEnvironment()
    {
        var key = Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID");
        var secret = Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY");
        if (string.IsNullOrEmpty(key) || string.IsNullOrEmpty(secret))
        {
            throw new OnboardConfigurationException("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not both set. " + ConnectHint);
        }

        RefuseSwapped(key, secret, " in the environment", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "Set");
        // AWS_SECURITY_TOKEN is the older name the AWS CLI still reads, before AWS_SESSION_TOKEN (botocore's EnvProvider).
        var token = Environment.GetEnvironmentVariable("AWS_SECURITY_TOKEN") ?? Environment.GetEnvironmentVariable("AWS_SESSION_TOKEN");
        return string.IsNullOrEmpty(token) ? new BasicAWSCredentials(key, secret) : new SessionAWSCredentials(key, secret, token);
    }

    private static ResolvedCredentials FromSdkChain(SharedConfigFiles files)
    {
        // A web identity role is assumed by the session, through its own STS endpoint (see WebIdentityCredentials).
        var roleArn = Environment.GetEnvironmentVariable("AWS_ROLE_ARN");
        var tokenFile = Environment.GetEnvironmentVariable("AWS_WEB_IDENTITY_TOKEN_FILE");
        if (!string.IsNullOrEmpty(roleArn) && !string.IsNullOrEmpty(tokenFile))
        {
            var sessionName = Environment.GetEnvironmentVariable("AWS_ROLE_SESSION_NAME");
            var webIdentity = new WebIdentityRole(roleArn!, tokenFile!, string.IsNullOrEmpty(sessionName) ? DefaultSessionName() : sessionName!, "AWS_WEB_IDENTITY_TOKEN_FILE");
            return new ResolvedCredentials(null, "web identity role " + roleArn + " (AWS_ROLE_ARN, token from AWS_WEB_IDENTITY_TOKEN_FILE)", null, files, webIdentity: webIdentity);
        }

        if (!string.IsNullOrEmpty(tokenFile))
        {
            // botocore refuses a token with no role too; going on would sign in with whatever the chain finds next.
            throw new OnboardConfigurationException("AWS_WEB_IDENTITY_TOKEN_FILE is set, but AWS_ROLE_ARN is not: the web identity token has no role to be assumed with "
                + "(the AWS CLI refuses it too). Set AWS_ROLE_ARN to the role, or clear AWS_WEB_IDENTITY_TOKEN_FILE. " + ConnectHint);
        }

        AWSCredentials? credentials;
        try
        {
            using var resolver = new DefaultAWSCredentialsIdentityResolver();
            credentials = resolver.ResolveIdentity(null);
        }
        catch (Exception exception) when (SdkErrors.SharedFileRefused(exception) is { } refused)
        {
            throw refused;
        }
        catch (AmazonClientException exception)
        {
            throw new OnboardConfigurationException("No AWS credentials found (environment variables, " + files.Searched + ", container or instance role). " + ConnectHint, exception);
        }

        if (credentials is null)
        {
            throw new OnboardConfigurationException("No AWS credentials found. " + ConnectHint);
        }

        // Only the roles of the machine it runs on come from the SDK's chain. Environment keys and profiles were looked
        // for above, in the files named now; the SDK's own profile step keeps the credentials file it first read for the
        // life of the process, so after AWS_SHARED_CREDENTIALS_FILE changes it would sign in from the old file's default
        // profile: another account, without a word.
        var source = credentials.GetType().Name switch
        {
            "DefaultInstanceProfileAWSCredentials" or "InstanceProfileAWSCredentials" => "EC2 instance role",
            "GenericContainerCredentials" or "ECSTaskCredentials" => "container role",
            _ => null,
        };
        if (source is null)
        {
            throw new OnboardConfigurationException("No AWS credentials found: no keys in the environment, no profile 'default' in " + files.Searched
                + ", and no container, instance or web identity role. " + ConnectHint);
        }

        return new ResolvedCredentials(credentials, source, null, files);
    }
}
