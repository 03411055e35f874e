using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Amazon.Runtime.Credentials;
using IamOnboard.Diagnostics;
using IamOnboard.Iam;
using IamOnboard.Iam.Internal;
using IamOnboard.Sessions.Internal;

namespace IamOnboard.Sessions;

/// <summary>Resolves credentials, optionally assumes a role, learns who the caller is, and returns a ready <see cref="OnboardSession"/>.</summary>
public static class OnboardSessionFactory
{
    private const string DefaultRegion = "us-east-1";
    private const string ConnectHint = "Run Connect-Onboard with -ProfileName <name>, or with -AccessKey and -SecretKey.";

    /// <summary>
    /// Credentials, first match wins: explicit AccessKey+SecretKey[+SessionToken]; the named profile (an error if
    /// missing); the SDK's default chain (environment, default profile, SSO, container and instance roles).
    /// </summary>
    public static async Task<OnboardSession> ConnectAsync(OnboardConnectOptions options, CancellationToken cancellationToken = default)
    {
        if (options is null)
        {
            throw new ArgumentNullException(nameof(options));
        }

        var log = OnboardLog.Current;
        var maxAttempts = options.MaxAttempts ?? IamClientOptions.DefaultMaxAttempts;
        if (maxAttempts < 1)
        {
            throw new OnboardConfigurationException("MaxAttempts must be at least 1.");
        }

        var retryMode = ParseRetryMode(options.RetryModeName);
        var resolved = ResolveCredentials(options);
        var region = options.Region ?? resolved.ProfileRegion ?? RegionFromEnvironment() ?? DefaultRegion;
        var partition = AwsPartition.ForRegion(region);
        log.Verbose("Credentials: " + resolved.Source + "; region " + region + " (partition " + partition.Name + ")" + (options.EndpointUrl is null ? string.Empty : "; endpoint " + options.EndpointUrl) + ".");

        var credentials = resolved.Credentials;
        var credentialSource = resolved.Source;
        var sts = new StsGateway(credentials, region, options.EndpointUrl, maxAttempts, options.Timeout);
        IamClient? iam = null;
        try
        {
            if (!string.IsNullOrEmpty(options.RoleArn))
            {
                var sessionName = options.RoleSessionName ?? "IamOnboard-" + DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
                log.Verbose("Assuming role " + options.RoleArn + " as session '" + sessionName + "'.");
                using var temporary = await WithConfigurationErrors(() => sts.AssumeRoleAsync(options.RoleArn!, sessionName, options.ExternalId, options.RoleDuration, cancellationToken), resolved.Source).ConfigureAwait(false);
                credentials = temporary.ToSdkCredentials();
                credentialSource = "assumed role " + options.RoleArn + " (from " + resolved.Source + ")";
                sts.Dispose();
                sts = new StsGateway(credentials, region, options.EndpointUrl, maxAttempts, options.Timeout);
            }

            var caller = await WithConfigurationErrors(() => sts.GetCallerIdentityAsync(cancellationToken), credentialSource).ConfigureAwait(false);
            log.Verbose("Connected as " + caller.Arn + " in account " + caller.Account + (caller.IsRoot ? " (root credentials)" : string.Empty) + ".");

            iam = new IamClient(new IamClientOptions
            {
                Region = region,
                EndpointUrl = options.EndpointUrl,
                MaxAttempts = maxAttempts,
                RetryMode = retryMode,
                Timeout = options.Timeout,
            }, credentials);

            string? alias = null;
            try
            {
                var aliases = await iam.ListAccountAliasesAsync(cancellationToken).ConfigureAwait(false);
                alias = aliases.Count > 0 ? aliases[0] : null;
            }
            catch (IamAccessDeniedException exception)
            {
                log.Verbose("Cannot list the account alias (" + exception.ErrorCode + "); the sign-in URL uses the account id.");
            }

            return new OnboardSession(iam, sts, caller, partition, region, options.EndpointUrl, credentialSource, alias, DateTimeOffset.UtcNow);
        }
        catch
        {
            iam?.Dispose();
            sts.Dispose();
            throw;
        }
    }

    internal sealed class ResolvedCredentials
    {
        public ResolvedCredentials(AWSCredentials credentials, string source, string? profileRegion)
        {
            Credentials = credentials;
            Source = source;
            ProfileRegion = profileRegion;
        }

        public AWSCredentials Credentials { get; }
        public string Source { get; }
        public string? ProfileRegion { get; }
    }

    internal static ResolvedCredentials ResolveCredentials(OnboardConnectOptions options)
    {
        if (!string.IsNullOrEmpty(options.AccessKey) || options.SecretKey is not null)
        {
            if (string.IsNullOrEmpty(options.AccessKey) || options.SecretKey is null || options.SecretKey.Length == 0)
            {
                throw new OnboardConfigurationException("Explicit credentials need both an access key and a secret key. " + ConnectHint);
            }

            if (!string.IsNullOrEmpty(options.ProfileName))
            {
                throw new OnboardConfigurationException("Give either a profile name or an access key, not both.");
            }

            var source = options.SessionToken is { Length: > 0 } ? "explicit access key " + options.AccessKey + " with session token" : "explicit access key " + options.AccessKey;
            return new ResolvedCredentials(SdkCredentials.FromKeys(options.AccessKey!, options.SecretKey, options.SessionToken), source, null);
        }

        if (!string.IsNullOrEmpty(options.ProfileName))
        {
            return ResolveProfile(options.ProfileName!);
        }

        return ResolveDefaultChain();
    }

    private static ResolvedCredentials ResolveProfile(string profileName)
    {
        // AWSSDK.Core reads AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE once per process (a static constructor).
        // The credentials file is looked up again here so a change made in the session is honoured; the config
        // file's location cannot be passed in and stays what the process started with.
        var credentialsPath = Environment.GetEnvironmentVariable(SharedCredentialsFile.SharedCredentialsFileEnvVar);
        var files = string.IsNullOrEmpty(credentialsPath) ? new SharedCredentialsFile() : new SharedCredentialsFile(credentialsPath);
        var searched = files.FilePath + " and " + files.ConfigFilePath;
        var chain = string.IsNullOrEmpty(credentialsPath) ? new CredentialProfileStoreChain() : new CredentialProfileStoreChain(credentialsPath);
        if (!chain.TryGetProfile(profileName, out var profile))
        {
            throw new OnboardConfigurationException("Profile '" + profileName + "' was not found in " + searched + ". " + ConnectHint);
        }

        AWSCredentials? credentials;
        try
        {
            if (!chain.TryGetAWSCredentials(profileName, out credentials) || credentials is null)
            {
                throw new OnboardConfigurationException("Profile '" + profileName + "' in " + searched + " holds no usable credentials. " + ConnectHint);
            }
        }
        catch (AmazonClientException exception)
        {
            throw new OnboardConfigurationException("Profile '" + profileName + "' in " + searched + " cannot give credentials: " + exception.Message, exception);
        }

        return new ResolvedCredentials(credentials, "profile '" + profileName + "' from " + searched, profile.Region?.SystemName);
    }

    private static ResolvedCredentials ResolveDefaultChain()
    {
        AWSCredentials? credentials;
        try
        {
            using var resolver = new DefaultAWSCredentialsIdentityResolver();
            credentials = resolver.ResolveIdentity(null);
        }
        catch (AmazonClientException exception)
        {
            throw new OnboardConfigurationException("No AWS credentials found (environment variables, shared credentials and config files, SSO, container or instance role). " + ConnectHint, exception);
        }

        if (credentials is null)
        {
            throw new OnboardConfigurationException("No AWS credentials found. " + ConnectHint);
        }

        var source = credentials switch
        {
            EnvironmentVariablesAWSCredentials => "environment variables",
            _ => "SDK default chain: " + Describe(credentials),
        };
        string? profileRegion = null;
        var defaultProfile = Environment.GetEnvironmentVariable("AWS_PROFILE") ?? "default";
        if (credentials is not EnvironmentVariablesAWSCredentials && new CredentialProfileStoreChain().TryGetProfile(defaultProfile, out var profile))
        {
            profileRegion = profile.Region?.SystemName;
        }

        return new ResolvedCredentials(credentials, source, profileRegion);
    }

    private static string Describe(AWSCredentials credentials)
    {
        var name = credentials.GetType().Name;
        return name switch
        {
            "DefaultInstanceProfileAWSCredentials" or "InstanceProfileAWSCredentials" => "EC2 instance role",
            "GenericContainerCredentials" or "ECSTaskCredentials" => "container role",
            "SSOAWSCredentials" => "SSO profile '" + (Environment.GetEnvironmentVariable("AWS_PROFILE") ?? "default") + "'",
            "AssumeRoleWithWebIdentityCredentials" => "web identity role",
            _ => name + " (profile '" + (Environment.GetEnvironmentVariable("AWS_PROFILE") ?? "default") + "')",
        };
    }

    private static async Task<T> WithConfigurationErrors<T>(Func<Task<T>> call, string credentialSource)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (AmazonClientException exception)
        {
            // Credential providers fail lazily (instance metadata, SSO token, credential_process) with a client exception on first use.
            throw new OnboardConfigurationException("The credentials from " + credentialSource + " could not be used: " + exception.Message + " " + ConnectHint, exception);
        }
    }

    private static IamRetryMode ParseRetryMode(string? name)
    {
        if (string.IsNullOrEmpty(name) || string.Equals(name, "Standard", StringComparison.OrdinalIgnoreCase))
        {
            return IamRetryMode.Standard;
        }

        if (string.Equals(name, "Adaptive", StringComparison.OrdinalIgnoreCase))
        {
            return IamRetryMode.Adaptive;
        }

        throw new OnboardConfigurationException("Retry mode '" + name + "' is not known; use Standard or Adaptive.");
    }

    private static string? RegionFromEnvironment()
    {
        foreach (var name in new List<string> { "AWS_REGION", "AWS_DEFAULT_REGION" })
        {
            var value = Environment.GetEnvironmentVariable(name);
            if (!string.IsNullOrEmpty(value))
            {
                return value;
            }
        }

        return null;
    }
}
