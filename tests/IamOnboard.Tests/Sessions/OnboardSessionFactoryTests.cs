using System;
using System.Collections.Generic;
using System.IO;
using System.Threading.Tasks;
using IamOnboard.AwsSdk;
using IamOnboard.Iam;
using IamOnboard.LocalIam;
using IamOnboard.Sessions;
using IamOnboard.Tests.Iam;
using Xunit;

namespace IamOnboard.Tests.Sessions;

[CollectionDefinition("Environment", DisableParallelization = true)]
public sealed class EnvironmentCollection
{
}

/// <summary>Changes process environment variables; restores them on dispose.</summary>
internal sealed class EnvironmentScope : IDisposable
{
    private static readonly string[] Isolated =
    {
        "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION",
        "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE", "AWS_EC2_METADATA_DISABLED", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_ROLE_SESSION_NAME", "AWS_MAX_ATTEMPTS", "AWS_RETRY_MODE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_IAM", "AWS_ENDPOINT_URL_STS",
        "AWS_ENDPOINT_URL_SSO", "AWS_ENDPOINT_URL_SSO_OIDC", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "HOME",
        "AWS_USE_FIPS_ENDPOINT", "AWS_USE_DUALSTACK_ENDPOINT", "AWS_CA_BUNDLE",
    };

    private readonly Dictionary<string, string?> _saved = new();
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "iamonboard-env-" + Guid.NewGuid().ToString("N"));

    public EnvironmentScope()
    {
        Directory.CreateDirectory(_directory);
        foreach (var name in Isolated)
        {
            _saved[name] = Environment.GetEnvironmentVariable(name);
            Environment.SetEnvironmentVariable(name, null);
        }

        // Empty credential files and no instance metadata: nothing leaks in from the machine, nothing hangs.
        CredentialsFile = Path.Combine(_directory, "credentials");
        ConfigFile = Path.Combine(_directory, "config");
        File.WriteAllText(CredentialsFile, string.Empty);
        File.WriteAllText(ConfigFile, string.Empty);
        Environment.SetEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE", CredentialsFile);
        Environment.SetEnvironmentVariable("AWS_CONFIG_FILE", ConfigFile);
        Environment.SetEnvironmentVariable("AWS_EC2_METADATA_DISABLED", "true");
        // A home of its own: the AWS CLI's SSO token cache is found under it.
        Environment.SetEnvironmentVariable("HOME", _directory);
    }

    public string Home => _directory;
    public string CredentialsFile { get; }
    public string ConfigFile { get; }

    public void Dispose()
    {
        foreach (var pair in _saved)
        {
            Environment.SetEnvironmentVariable(pair.Key, pair.Value);
        }

        Directory.Delete(_directory, recursive: true);
    }
}

[Collection("Environment")]
public sealed class OnboardSessionFactoryTests : IClassFixture<LocalIamFixture>
{
    private readonly LocalIamServer _server;

    public OnboardSessionFactoryTests(LocalIamFixture fixture) => _server = fixture.Server;

    [Fact]
    public async Task ExplicitKeysConnectAndDescribeTheSession()
    {
        using var environment = new EnvironmentScope();
        var log = new CollectingLog();
        OnboardSession session;
        using (IamOnboard.Diagnostics.OnboardLog.Use(log))
        {
            session = await OnboardSessionFactory.ConnectAsync(new OnboardConnectOptions
            {
                AccessKey = _server.AdminAccessKeyId,
                SecretKey = SdkCredentials.Protect(_server.AdminSecretAccessKey),
                EndpointUrl = _server.Url.ToString(),
            });
        }

        using (session)
        {
            Assert.Equal(_server.AccountId, session.AccountId);
            Assert.EndsWith(":user/onboard-admin", session.CallerArn, StringComparison.Ordinal);
            Assert.False(session.IsRootCaller);
            Assert.Equal("aws", session.Partition);
            Assert.Equal("us-east-1", session.Region);
            Assert.Equal("explicit access key " + _server.AdminAccessKeyId, session.CredentialSource);
            Assert.Equal($"https://{_server.AccountId}.signin.aws.amazon.com/console", session.ConsoleSignInUrl);
            Assert.DoesNotContain(_server.AdminSecretAccessKey, session.ToString(), StringComparison.Ordinal);
            Assert.NotNull(await session.Iam.GetUserAsync());
        }

        Assert.All(log.Messages, m => Assert.DoesNotContain(_server.AdminSecretAccessKey, m, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Swapped_keys_are_refused_before_any_request_without_repeating_either()
    {
        using var environment = new EnvironmentScope();
        var log = new CollectingLog();
        var requestsBefore = _server.GetStatistics().TotalRequests;
        OnboardConfigurationException refused;
        using (IamOnboard.Diagnostics.OnboardLog.Use(log))
        {
            refused = await Assert.ThrowsAsync<OnboardConfigurationException>(() => OnboardSessionFactory.ConnectAsync(new OnboardConnectOptions
            {
                AccessKey = _server.AdminSecretAccessKey,
                SecretKey = SdkCredentials.Protect(_server.AdminAccessKeyId),
                EndpointUrl = _server.Url.ToString(),
            }));
        }

        Assert.Contains("look swapped", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_server.AdminSecretAccessKey, refused.Message, StringComparison.Ordinal);
        Assert.All(log.Messages, m => Assert.DoesNotContain(_server.AdminSecretAccessKey, m, StringComparison.Ordinal));
        Assert.Equal(requestsBefore, _server.GetStatistics().TotalRequests);
    }

    [Theory]
    [InlineData("profile")]
    [InlineData("environment")]
    public async Task Swapped_keys_in_a_profile_or_the_environment_are_refused_before_the_secret_goes_out_as_a_key_id(string where)
    {
        using var environment = new EnvironmentScope();
        if (where == "profile")
        {
            File.WriteAllText(environment.CredentialsFile, "[swapped]\naws_access_key_id = " + _server.AdminSecretAccessKey + "\naws_secret_access_key = " + _server.AdminAccessKeyId + "\n");
        }
        else
        {
            Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", _server.AdminSecretAccessKey);
            Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", _server.AdminAccessKeyId);
        }

        var requestsBefore = _server.GetStatistics().TotalRequests;
        var refused = await Assert.ThrowsAsync<OnboardConfigurationException>(() => OnboardSessionFactory.ConnectAsync(new OnboardConnectOptions
        {
            ProfileName = where == "profile" ? "swapped" : null,
            EndpointUrl = _server.Url.ToString(),
        }));

        Assert.Equal("The access key and the secret key look swapped " + (where == "profile" ? "in profile 'swapped' of " + environment.CredentialsFile : "in the environment")
            + ": the value given as the secret key is shaped like an access key id (AKIA... or ASIA...). "
            + (where == "profile" ? "Put the access key id as aws_access_key_id and the secret access key as aws_secret_access_key." : "Set the access key id as AWS_ACCESS_KEY_ID and the secret access key as AWS_SECRET_ACCESS_KEY."),
            refused.Message);
        Assert.Equal(requestsBefore, _server.GetStatistics().TotalRequests);
    }

    [Theory]
    [InlineData("AKIAIOSFODNN7EXAMPLE", "AKIAIOSFODNN7EXAMPLE")]
    [InlineData("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "(a value of 40 characters, not shown: it is not shaped like an access key id)")]
    [InlineData("test", "(a value of 4 characters, not shown: it is not shaped like an access key id)")]
    public void An_access_key_id_is_shown_only_when_shaped_like_one(string given, string shown) =>
        Assert.Equal(shown, AccessKeyIdText.ForDisplay(given));

    [Fact]
    public void Connect_options_never_show_a_secret_given_as_the_access_key()
    {
        const string secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
        Assert.DoesNotContain(secret, new OnboardConnectOptions { AccessKey = secret }.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(4, 2)]
    public async Task ConnectingKeepsToTheBudgetItIsGiven(int throttleLimit, int expectedPeak)
    {
        // GetCallerIdentity and the alias lookup go together only when the budget allows two requests in flight.
        using var environment = new EnvironmentScope();
        using var server = LocalIamServer.Start(new LocalIamOptions { Latency = TimeSpan.FromMilliseconds(100) });
        var alias = Names.Unique("budget");
        using (var admin = LocalIamFixture.CreateClient(server))
        {
            await admin.CreateAccountAliasAsync(alias);
        }

        server.ResetPeakInFlight();
        using var session = await OnboardSessionFactory.ConnectAsync(new OnboardConnectOptions
        {
            AccessKey = server.AdminAccessKeyId,
            SecretKey = SdkCredentials.Protect(server.AdminSecretAccessKey),
            EndpointUrl = server.Url.ToString(),
            ThrottleLimit = throttleLimit,
        });

        Assert.Equal(expectedPeak, server.GetStatistics().PeakInFlight);
        Assert.Equal(throttleLimit, session.RequestBudget.DefaultLimit);
        Assert.Equal($"https://{alias}.signin.aws.amazon.com/console", session.ConsoleSignInUrl);
    }

    [Fact]
    public async Task RootKeyIsDetectedAndAliasFeedsTheSignInUrl()
    {
        using var environment = new EnvironmentScope();
        using var session = await OnboardSessionFactory.ConnectAsync(new OnboardConnectOptions
        {
            AccessKey = _server.RootAccessKeyId,
            SecretKey = SdkCredentials.Protect(_server.RootSecretAccessKey),
            EndpointUrl = _server.Url.ToString(),
            Region = "eu-west-1",
        });
        Assert.True(session.IsRootCaller);
        Assert.Equal($"arn:aws:iam::{_server.AccountId}:root", session.CallerArn);

        var alias = Names.Unique("corp");
        await session.Iam.CreateAccountAliasAsync(alias);
        try
        {
            using var again = await OnboardSessionFactory.ConnectAsync(new OnboardConnectOptions
            {
                AccessKey = _server.RootAccessKeyId,
                SecretKey = SdkCredentials.Protect(_server.RootSecretAccessKey),
                EndpointUrl = _server.Url.ToString(),
                Region = "cn-north-1",
            });
            Assert.Equal(alias, again.AccountAlias);
            Assert.Equal("aws-cn", again.Partition);
            Assert.Equal($"https://{alias}.signin.amazonaws.cn/console", again.ConsoleSignInUrl);
        }
        finally
        {
            await session.Iam.DeleteAccountAliasAsync(alias);
        }
    }

    [Fact]
    public async Task EnvironmentVariablesAreUsedByTheDefaultChain()
    {
        using var environment = new EnvironmentScope();
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", _server.AdminAccessKeyId);
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", _server.AdminSecretAccessKey);
        using var session = await OnboardSessionFactory.ConnectAsync(new OnboardConnectOptions { EndpointUrl = _server.Url.ToString() });
        Assert.Equal("environment variables", session.CredentialSource);
        Assert.EndsWith(":user/onboard-admin", session.CallerArn, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NamedProfileFromTheSharedCredentialsFile()
    {
        using var environment = new EnvironmentScope();
        // The SDK fixes the config file's location at its first use in the process, so the region goes in the credentials file.
        var credentialsFile = environment.CredentialsFile + "-dev";
        File.WriteAllText(credentialsFile,
            "[dev]\naws_access_key_id = " + _server.AdminAccessKeyId + "\naws_secret_access_key = " + _server.AdminSecretAccessKey + "\nregion = us-gov-west-1\n");
        Environment.SetEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE", credentialsFile);
        using var session = await OnboardSessionFactory.ConnectAsync(new OnboardConnectOptions { ProfileName = "dev", EndpointUrl = _server.Url.ToString() });
        Assert.StartsWith("profile 'dev' from " + credentialsFile, session.CredentialSource, StringComparison.Ordinal);
        Assert.Equal("us-gov-west-1", session.Region);
        Assert.Equal("aws-us-gov", session.Partition);
        Assert.Equal($"https://{_server.AccountId}.signin.amazonaws-us-gov.com/console", session.ConsoleSignInUrl);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Temporary_keys_take_their_token_from_aws_security_token_as_the_AWS_CLI_reads_it(bool inConfigFile)
    {
        using var environment = new EnvironmentScope();
        TemporaryCredentials temporary;
        using (var sts = new StsGateway(new Amazon.Runtime.BasicAWSCredentials(_server.AdminAccessKeyId, _server.AdminSecretAccessKey), "us-east-1", _server.Url.ToString(), 1))
        {
            temporary = await sts.AssumeRoleAsync($"arn:aws:iam::{_server.AccountId}:role/OrganizationAccountAccessRole", "legacy-token", null, null, null, null, default);
        }

        using (temporary)
        {
            // The legacy name, as older tools (and the CLI's own aws configure of old) wrote it.
            File.WriteAllText(inConfigFile ? environment.ConfigFile : environment.CredentialsFile, "[default]\naws_access_key_id = " + temporary.AccessKeyId
                + "\naws_secret_access_key = " + SdkCredentials.Reveal(temporary.SecretAccessKey) + "\naws_security_token = " + SdkCredentials.Reveal(temporary.SessionToken) + "\n");
        }

        using var session = await OnboardSessionFactory.ConnectAsync(new OnboardConnectOptions { EndpointUrl = _server.Url.ToString() });
        Assert.EndsWith(":assumed-role/OrganizationAccountAccessRole/legacy-token", session.CallerArn, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Temporary_keys_in_the_environment_take_their_token_from_AWS_SECURITY_TOKEN_as_the_AWS_CLI_reads_it()
    {
        using var environment = new EnvironmentScope();
        TemporaryCredentials temporary;
        using (var sts = new StsGateway(new Amazon.Runtime.BasicAWSCredentials(_server.AdminAccessKeyId, _server.AdminSecretAccessKey), "us-east-1", _server.Url.ToString(), 1))
        {
            temporary = await sts.AssumeRoleAsync($"arn:aws:iam::{_server.AccountId}:role/OrganizationAccountAccessRole", "legacy-env-token", null, null, null, null, default);
        }

        using (temporary)
        {
            // The older name, still set by some tools; the AWS CLI reads it before AWS_SESSION_TOKEN.
            Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", temporary.AccessKeyId);
            Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", SdkCredentials.Reveal(temporary.SecretAccessKey));
            Environment.SetEnvironmentVariable("AWS_SECURITY_TOKEN", SdkCredentials.Reveal(temporary.SessionToken));
        }

        using var session = await OnboardSessionFactory.ConnectAsync(new OnboardConnectOptions { EndpointUrl = _server.Url.ToString() });
        Assert.EndsWith(":assumed-role/OrganizationAccountAccessRole/legacy-env-token", session.CallerArn, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Credential_process_is_split_into_words_as_the_AWS_CLI_splits_it_and_run_through_no_shell()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // cmd.exe runs it there, as before.
        }

        using var environment = new EnvironmentScope();
        var folder = Path.Combine(environment.Home, "my tools");
        Directory.CreateDirectory(folder);
        var script = Path.Combine(folder, "creds.sh");
        // The arguments must arrive as the CLI passes them: one word with a space, and $HOME not expanded by any shell.
        File.WriteAllText(script, "#!/bin/sh\n[ \"$1\" = 'two words' ] && [ \"$2\" = '$HOME' ] && [ \"$3\" = 'back\\slash' ] || { echo \"arguments arrived as: $*\" >&2; exit 3; }\n"
            + "echo '{\"Version\": 1, \"AccessKeyId\": \"" + _server.AdminAccessKeyId + "\", \"SecretAccessKey\": \"" + _server.AdminSecretAccessKey + "\"}'\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.WriteAllText(environment.ConfigFile, "[default]\ncredential_process = " + script.Replace(" ", "\\ ", StringComparison.Ordinal) + " \"two words\" $HOME 'back\\slash'\n");
        using var session = await OnboardSessionFactory.ConnectAsync(new OnboardConnectOptions { EndpointUrl = _server.Url.ToString() });
        Assert.EndsWith(":user/onboard-admin", session.CallerArn, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AWS_DEFAULT_PROFILE_names_the_profile_when_AWS_PROFILE_is_not_set_and_the_source_says_which_variable_did()
    {
        using var environment = new EnvironmentScope();
        // The default profile's keys are no one's: signing in with them fails.
        File.WriteAllText(environment.CredentialsFile, "[default]\naws_access_key_id = AKIANOBODY\naws_secret_access_key = nobody\n"
            + "[prod]\naws_access_key_id = " + _server.AdminAccessKeyId + "\naws_secret_access_key = " + _server.AdminSecretAccessKey + "\n");
        Environment.SetEnvironmentVariable("AWS_DEFAULT_PROFILE", "prod");
        using (var session = await OnboardSessionFactory.ConnectAsync(new OnboardConnectOptions { EndpointUrl = _server.Url.ToString() }))
        {
            Assert.EndsWith(":user/onboard-admin", session.CallerArn, StringComparison.Ordinal);
            Assert.StartsWith("profile 'prod' (named by AWS_DEFAULT_PROFILE) from " + environment.CredentialsFile, session.CredentialSource, StringComparison.Ordinal);
        }

        // AWS_PROFILE wins when both are set, as in the AWS CLI.
        Environment.SetEnvironmentVariable("AWS_PROFILE", "prod");
        Environment.SetEnvironmentVariable("AWS_DEFAULT_PROFILE", "default");
        using (var session = await OnboardSessionFactory.ConnectAsync(new OnboardConnectOptions { EndpointUrl = _server.Url.ToString() }))
        {
            Assert.StartsWith("profile 'prod' (named by AWS_PROFILE) from ", session.CredentialSource, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AWS_DEFAULT_PROFILE_naming_no_profile_is_an_error_not_a_fall_back_to_default()
    {
        using var environment = new EnvironmentScope();
        File.WriteAllText(environment.CredentialsFile, "[default]\naws_access_key_id = " + _server.AdminAccessKeyId + "\naws_secret_access_key = " + _server.AdminSecretAccessKey + "\n");
        Environment.SetEnvironmentVariable("AWS_DEFAULT_PROFILE", "prod-typo");
        var error = await Assert.ThrowsAsync<OnboardConfigurationException>(() => OnboardSessionFactory.ConnectAsync(new OnboardConnectOptions { EndpointUrl = _server.Url.ToString() }));
        Assert.Contains("Profile 'prod-typo' (named by AWS_DEFAULT_PROFILE) was not found", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingProfileIsAnErrorNamingProfileAndFiles()
    {
        using var environment = new EnvironmentScope();
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", _server.AdminAccessKeyId);
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", _server.AdminSecretAccessKey);
        var error = await Assert.ThrowsAsync<OnboardConfigurationException>(() =>
            OnboardSessionFactory.ConnectAsync(new OnboardConnectOptions { ProfileName = "nope", EndpointUrl = _server.Url.ToString() }));
        Assert.Contains("'nope'", error.Message, StringComparison.Ordinal);
        Assert.Contains(environment.CredentialsFile, error.Message, StringComparison.Ordinal);
        Assert.Contains("config", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoCredentialsTellsHowToConnect()
    {
        using var environment = new EnvironmentScope();
        var error = await Assert.ThrowsAsync<OnboardConfigurationException>(() =>
            OnboardSessionFactory.ConnectAsync(new OnboardConnectOptions { EndpointUrl = _server.Url.ToString() }));
        Assert.Contains("-ProfileName", error.Message, StringComparison.Ordinal);
        Assert.Contains("-AccessKey", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_line_the_AWS_SDK_cannot_parse_is_named_by_file_and_line_never_shown_even_as_an_inner_exception()
    {
        // No keys and no default profile: the AWS SDK's chain looks for a container or instance role, and its own reader
        // of the shared files refuses a line the AWS CLI reads, quoting it.
        const string secret = "colon/separated+secret0000000000000000000";
        using var environment = new EnvironmentScope();
        var text = "[other]\naws_secret_access_key: " + secret + "\naws_access_key_id: AKIAOTHER\n";
        File.WriteAllText(environment.CredentialsFile, text);
        // The SDK fixes the file's path at its first use in the process (SdkSharedFiles pins it to a temporary file of the
        // tests', or an earlier test's). Never any other file: the machine's own ~/.aws.
        var sdkPath = Amazon.Runtime.CredentialManagement.SharedCredentialsFile.DefaultFilePath;
        if (!sdkPath.StartsWith(Path.Combine(Path.GetTempPath(), "iamonboard-env-"), StringComparison.Ordinal))
        {
            sdkPath = environment.CredentialsFile;
        }

        var sdkFolderMade = !Directory.Exists(Path.GetDirectoryName(sdkPath));
        Directory.CreateDirectory(Path.GetDirectoryName(sdkPath)!);
        File.WriteAllText(sdkPath, text);
        try
        {
            var error = await Assert.ThrowsAsync<OnboardConfigurationException>(() =>
                OnboardSessionFactory.ConnectAsync(new OnboardConnectOptions { EndpointUrl = _server.Url.ToString() }));
            Assert.DoesNotContain(secret, error.ToString(), StringComparison.Ordinal);
            Assert.Contains(sdkPath + ", line 2", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            if (sdkFolderMade)
            {
                Directory.Delete(Path.GetDirectoryName(sdkPath)!, recursive: true);
            }
            else if (sdkPath != environment.CredentialsFile)
            {
                File.Delete(sdkPath);
            }
        }
    }

    [Fact]
    public async Task A_web_identity_role_is_assumed_at_the_sessions_STS_endpoint_never_where_the_AWS_SDK_would_send_it()
    {
        using var environment = new EnvironmentScope();
        var tokenFile = Path.Combine(environment.Home, "token.jwt");
        File.WriteAllText(tokenFile, _server.IssueWebIdentityToken(TimeSpan.FromHours(1)));
        Environment.SetEnvironmentVariable("AWS_WEB_IDENTITY_TOKEN_FILE", tokenFile);
        Environment.SetEnvironmentVariable("AWS_ROLE_ARN", $"arn:aws:iam::{_server.AccountId}:role/OrganizationAccountAccessRole");
        Environment.SetEnvironmentVariable("AWS_ROLE_SESSION_NAME", "eks-pod");
        // Where the SDK's own STS client would go (AWS_ENDPOINT_URL beats its default host): loopback, nothing listens.
        Environment.SetEnvironmentVariable("AWS_ENDPOINT_URL", "http://127.0.0.1:9/");
        _server.StartRecordingRequests();
        OnboardSession session;
        try
        {
            session = await OnboardSessionFactory.ConnectAsync(new OnboardConnectOptions { EndpointUrl = _server.Url.ToString(), MaxAttempts = 1 });
        }
        finally
        {
            Assert.Contains(_server.StopRecordingRequests(), r => r.Action == "AssumeRoleWithWebIdentity");
        }

        using (session)
        {
            Assert.Equal($"arn:aws:sts::{_server.AccountId}:assumed-role/OrganizationAccountAccessRole/eks-pod", session.CallerArn);
            Assert.Contains("web identity role", session.CredentialSource, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_web_identity_token_the_identity_provider_did_not_issue_is_refused_saying_which_STS_refused_it()
    {
        using var environment = new EnvironmentScope();
        var tokenFile = Path.Combine(environment.Home, "token.jwt");
        File.WriteAllText(tokenFile, "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln");
        Environment.SetEnvironmentVariable("AWS_WEB_IDENTITY_TOKEN_FILE", tokenFile);
        Environment.SetEnvironmentVariable("AWS_ROLE_ARN", $"arn:aws:iam::{_server.AccountId}:role/OrganizationAccountAccessRole");

        var error = await Assert.ThrowsAsync<OnboardConfigurationException>(() => OnboardSessionFactory.ConnectAsync(new OnboardConnectOptions { EndpointUrl = _server.Url.ToString(), MaxAttempts = 1 }));

        Assert.Contains("web identity role", error.Message, StringComparison.Ordinal);
        Assert.Contains("STS at " + _server.Url + " refused AssumeRoleWithWebIdentity", error.Message, StringComparison.Ordinal);
        Assert.Contains("InvalidIdentityToken", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AssumeRoleUsesTheRoleForIam()
    {
        using var environment = new EnvironmentScope();
        var roleArn = $"arn:aws:iam::{_server.AccountId}:role/OrganizationAccountAccessRole";
        using var session = await OnboardSessionFactory.ConnectAsync(new OnboardConnectOptions
        {
            AccessKey = _server.AdminAccessKeyId,
            SecretKey = SdkCredentials.Protect(_server.AdminSecretAccessKey),
            EndpointUrl = _server.Url.ToString(),
            RoleArn = roleArn,
            RoleSessionName = "onboarding-test",
        });
        Assert.Contains(":assumed-role/OrganizationAccountAccessRole/onboarding-test", session.CallerArn, StringComparison.Ordinal);
        Assert.Equal("assumed role " + roleArn + " (from explicit access key " + _server.AdminAccessKeyId + ")", session.CredentialSource);
        Assert.NotNull(await session.Iam.ListUsersAsync());
    }

    [Fact]
    public async Task A_token_code_nothing_asks_for_is_refused_before_any_request()
    {
        using var environment = new EnvironmentScope();
        var before = _server.GetStatistics().TotalRequests;
        var withKeys = await Assert.ThrowsAsync<OnboardConfigurationException>(() => OnboardSessionFactory.ConnectAsync(new OnboardConnectOptions
        {
            AccessKey = _server.AdminAccessKeyId,
            SecretKey = SdkCredentials.Protect(_server.AdminSecretAccessKey),
            EndpointUrl = _server.Url.ToString(),
            TokenCode = "123456",
        }));
        Assert.Contains("-TokenCode was given, but no MFA device asks for it", withKeys.Message, StringComparison.Ordinal);
        Assert.Contains("explicit access key " + _server.AdminAccessKeyId, withKeys.Message, StringComparison.Ordinal);

        var withRole = await Assert.ThrowsAsync<OnboardConfigurationException>(() => OnboardSessionFactory.ConnectAsync(new OnboardConnectOptions
        {
            AccessKey = _server.AdminAccessKeyId,
            SecretKey = SdkCredentials.Protect(_server.AdminSecretAccessKey),
            EndpointUrl = _server.Url.ToString(),
            RoleArn = $"arn:aws:iam::{_server.AccountId}:role/OrganizationAccountAccessRole",
            TokenCode = "123456",
        }));
        Assert.Contains("is assumed without one", withRole.Message, StringComparison.Ordinal);
        Assert.Equal(before, _server.GetStatistics().TotalRequests);
    }

    [Fact]
    public async Task An_expired_session_token_fails_once_with_ExpiredToken_and_says_to_get_new_credentials()
    {
        using var environment = new EnvironmentScope();
        var assumed = (await Tests.LocalIam.SignedIamClient.Admin(_server).StsAsync("AssumeRole",
            ("RoleArn", $"arn:aws:iam::{_server.AccountId}:role/OrganizationAccountAccessRole"), ("RoleSessionName", "expiring"))).EnsureSuccess();
        var options = new OnboardConnectOptions
        {
            AccessKey = assumed.Value("AccessKeyId"),
            SecretKey = SdkCredentials.Protect(assumed.Value("SecretAccessKey")!),
            SessionToken = SdkCredentials.Protect(assumed.Value("SessionToken")!),
            EndpointUrl = _server.Url.ToString(),
        };
        using var session = await OnboardSessionFactory.ConnectAsync(options);
        Assert.True(_server.ExpireTemporaryCredentials() >= 1);

        long before = _server.GetStatistics().AuthenticationFailures;
        var failure = await Assert.ThrowsAsync<IamAccessDeniedException>(() => session.Iam.ListUsersAsync());
        Assert.Equal(1, _server.GetStatistics().AuthenticationFailures - before);
        Assert.Equal("ExpiredToken", failure.ErrorCode);
        Assert.Contains("expired", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Get new temporary credentials", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Connect-Onboard", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(assumed.Value("SessionToken")!, failure.Message, StringComparison.Ordinal);

        // Connecting again with the same expired credentials fails the same way, also at once.
        before = _server.GetStatistics().AuthenticationFailures;
        var again = await Assert.ThrowsAsync<IamAccessDeniedException>(() => OnboardSessionFactory.ConnectAsync(options));
        // GetCallerIdentity and the account alias lookup sent beside it, each once: neither is retried.
        Assert.Equal(2, _server.GetStatistics().AuthenticationFailures - before);
        Assert.Equal("ExpiredToken", again.ErrorCode);
        Assert.Contains("Connect-Onboard", again.Message, StringComparison.Ordinal);
    }
}
