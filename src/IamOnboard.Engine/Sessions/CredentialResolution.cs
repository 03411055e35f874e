using System;
using System.Globalization;
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

/// <summary>A web identity role the environment names (AWS_ROLE_ARN, AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_SESSION_NAME).</summary>
internal sealed record WebIdentityRole(string RoleArn, string TokenFile, string SessionName);

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
        WebIdentityRole? webIdentity = null)
    {
        WebIdentity = webIdentity;
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

    public static ResolvedCredentials Resolve(OnboardConnectOptions options)
    {
        var files = SharedConfigFiles.Load(options.ProfileLocation, options.ConfigFile);
        var (envProfile, envProfileVariable) = EnvironmentProfile();
        if (!string.IsNullOrEmpty(options.AccessKey) || options.SecretKey is not null)
        {
            CheckExplicitKeys(options);
            var key = AccessKeyIdText.ForDisplay(options.AccessKey!);
            var source = options.SessionToken is { Length: > 0 } ? "explicit access key " + key + " with session token" : "explicit access key " + key;
            return new ResolvedCredentials(SdkCredentials.FromKeys(options.AccessKey!, options.SecretKey!, options.SessionToken), source, files.Profile(envProfile ?? "default"), files);
        }

        if (!string.IsNullOrEmpty(options.ProfileName))
        {
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
        return section?["role_arn"] is null ? null : new ProfileRole(name!, section);
    }

    /// <summary>
    /// The profile the environment names, and the variable that named it: AWS_PROFILE, else AWS_DEFAULT_PROFILE, as
    /// the AWS CLI v2 reads them (AWS.Tools and the SDKs know the first only; ignoring the second signed in as the
    /// default profile where the CLI at the same prompt used another). Set is enough, as in the CLI: an empty one
    /// (inherited from <c>export AWS_PROFILE=</c>) names the profile "", which does not exist, never the default profile.
    /// </summary>
    private static (string? Name, string Variable) EnvironmentProfile()
    {
        var profile = Environment.GetEnvironmentVariable("AWS_PROFILE");
        if (profile is not null)
        {
            return (profile, "AWS_PROFILE");
        }

        profile = Environment.GetEnvironmentVariable("AWS_DEFAULT_PROFILE");
        return profile is null ? (null, "AWS_PROFILE") : (profile, "AWS_DEFAULT_PROFILE");
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

        // An easy slip when copying from the console's .csv; IAM would only say the signature is malformed. Neither
        // value is repeated here: one of them is a secret.
        if (!AccessKeyIdText.LooksLikeAwsKeyId(options.AccessKey!) && AccessKeyIdText.LooksLikeAwsKeyId(new System.Net.NetworkCredential(string.Empty, options.SecretKey).Password))
        {
            throw new OnboardConfigurationException("The access key and the secret key look swapped: the value given as the secret key is shaped like an access key id (AKIA... or ASIA...). Give the access key id as AccessKey and the secret access key as SecretKey.");
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
        if (section["role_arn"] is not null)
        {
            var role = new ProfileRole(name, section);
            var baseCredentials = SourceOfRole(name, section, files, depth: 0);
            return new ResolvedCredentials(baseCredentials, source, section, files, role);
        }

        if (section["sso_session"] is not null || section["sso_start_url"] is not null)
        {
            return new ResolvedCredentials(null, "SSO " + source, section, files, sso: SsoProfile.From(name, section, files));
        }

        return new ResolvedCredentials(StaticOrSdk(name, section, files), source, section, files);
    }

    /// <summary>The credentials a role profile starts from: its <c>source_profile</c> (chains allowed) or <c>credential_source = Environment</c>.</summary>
    private static AWSCredentials SourceOfRole(string name, ConfigSection section, SharedConfigFiles files, int depth)
    {
        var sourceProfile = section["source_profile"];
        if (sourceProfile is null)
        {
            if (string.Equals(section["credential_source"], "Environment", StringComparison.OrdinalIgnoreCase))
            {
                return FromEnvironment();
            }

            throw new OnboardConfigurationException("Profile '" + name + "' has role_arn but neither source_profile nor credential_source = Environment.");
        }

        var source = files.Profile(sourceProfile)
            ?? throw new OnboardConfigurationException("Profile '" + name + "' names source_profile '" + sourceProfile + "', which was not found in " + files.Searched + ".");
        if (source["role_arn"] is not null && sourceProfile != name)
        {
            throw new OnboardConfigurationException("Profile '" + name + "' chains through role profile '" + sourceProfile + "'; IamOnboard assumes one role per profile: point source_profile at a profile with keys.");
        }

        return StaticOrSdk(sourceProfile, source, files);
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
            + "aws_secret_access_key, credential_process, role_arn with source_profile (or credential_source = Environment), or an SSO sign-in (sso_session). " + ConnectHint);
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
            var webIdentity = new WebIdentityRole(roleArn!, tokenFile!, string.IsNullOrEmpty(sessionName)
                ? "IamOnboard-" + DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) : sessionName!);
            return new ResolvedCredentials(null, "web identity role " + roleArn + " (AWS_ROLE_ARN, token from AWS_WEB_IDENTITY_TOKEN_FILE)", null, files, webIdentity: webIdentity);
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
