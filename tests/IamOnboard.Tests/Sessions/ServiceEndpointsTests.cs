using System;
using System.IO;
using IamOnboard.Sessions;
using Xunit;

namespace IamOnboard.Tests.Sessions;

/// <summary>The SDKs' precedence of endpoint settings, applied to every service alike.</summary>
[Collection("Environment")]
public sealed class ServiceEndpointsTests
{
    private const string Config = "[profile dev]\nendpoint_url = http://127.0.0.1:1/\nservices = local\n"
        + "[services local]\niam =\n  endpoint_url = http://127.0.0.1:2/\n# a comment\nsso =\n  endpoint_url = http://127.0.0.1:5/\n";

    [Fact]
    public void Profile_services_section_beats_the_profile_endpoint_url_and_falls_back_to_it()
    {
        using var environment = new EnvironmentScope();
        File.WriteAllText(environment.ConfigFile, Config);
        var files = SharedConfigFiles.Load();
        var profile = files.Profile("dev");
        Assert.Equal("http://127.0.0.1:2/", ServiceEndpoints.ResolveConfigured("IAM", null, profile, files));
        Assert.Equal("http://127.0.0.1:1/", ServiceEndpoints.ResolveConfigured("STS", null, profile, files));
        Assert.Equal("http://127.0.0.1:5/", ServiceEndpoints.ResolveConfigured("SSO", null, profile, files));
    }

    [Fact]
    public void A_services_name_with_no_such_section_is_refused_as_the_AWS_CLI_does_never_read_as_AWSs_own_endpoint()
    {
        using var environment = new EnvironmentScope();
        File.WriteAllText(environment.ConfigFile, "[profile dev]\nservices = local-iam\n[services locl-iam]\niam =\n  endpoint_url = http://127.0.0.1:2/\n");
        var files = SharedConfigFiles.Load();
        var profile = files.Profile("dev");

        var error = Assert.Throws<OnboardConfigurationException>(() => ServiceEndpoints.Resolve("IAM", null, profile, files, "us-east-1"));

        Assert.Equal("Profile 'dev' says services = local-iam, but " + environment.ConfigFile + " has no [services local-iam] section: correct the name or add the section. "
            + "No call goes to AWS's own IAM endpoint in its place; the AWS CLI refuses the profile too (\"The profile is configured to use the services section but the "
            + "\"local-iam\" services configuration does not exist.\").", error.Message);

        // As in botocore, the section is only looked for when nothing before it names the endpoint.
        Environment.SetEnvironmentVariable("AWS_ENDPOINT_URL_IAM", "http://127.0.0.1:3/");
        Assert.Equal("http://127.0.0.1:3/", ServiceEndpoints.Resolve("IAM", null, profile, files, "us-east-1"));
    }

    [Fact]
    public void Environment_beats_the_profile_and_the_service_variable_beats_the_global_one()
    {
        using var environment = new EnvironmentScope();
        File.WriteAllText(environment.ConfigFile, Config);
        var files = SharedConfigFiles.Load();
        var profile = files.Profile("dev");
        Environment.SetEnvironmentVariable("AWS_ENDPOINT_URL", "http://127.0.0.1:3/");
        Environment.SetEnvironmentVariable("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:4/");
        Assert.Equal("http://127.0.0.1:3/", ServiceEndpoints.ResolveConfigured("IAM", null, profile, files));
        Assert.Equal("http://127.0.0.1:4/", ServiceEndpoints.ResolveConfigured("STS", null, profile, files));
        Assert.Equal("http://127.0.0.1:9/", ServiceEndpoints.ResolveConfigured("STS", "http://127.0.0.1:9/", profile, files));
    }

    [Fact]
    public void Ignoring_configured_endpoints_leaves_only_the_one_given_in_code()
    {
        using var environment = new EnvironmentScope();
        File.WriteAllText(environment.ConfigFile, Config);
        var files = SharedConfigFiles.Load();
        Environment.SetEnvironmentVariable("AWS_ENDPOINT_URL", "http://127.0.0.1:3/");
        Environment.SetEnvironmentVariable("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true");
        Assert.Null(ServiceEndpoints.ResolveConfigured("IAM", null, files.Profile("dev"), files));
        Assert.Equal("http://127.0.0.1:9/", ServiceEndpoints.ResolveConfigured("IAM", "http://127.0.0.1:9/", files.Profile("dev"), files));
    }

    [Fact]
    public void The_credentials_file_names_profiles_without_the_profile_prefix_and_the_config_file_with_it()
    {
        using var environment = new EnvironmentScope();
        File.WriteAllText(environment.ConfigFile, "[default]\nregion = eu-west-1\n[profile a]\nregion = eu-west-2\n[b]\nregion = ignored\n");
        File.WriteAllText(environment.CredentialsFile, "[a]\naws_access_key_id = AKIAEXAMPLE\n");
        var files = SharedConfigFiles.Load();
        Assert.Equal("eu-west-1", files.Profile("default")!["region"]);
        Assert.Equal("eu-west-2", files.Profile("a")!["region"]);
        Assert.Equal("AKIAEXAMPLE", files.Profile("a")!["aws_access_key_id"]);
        Assert.Null(files.Profile("b"));
    }

    [Theory]
    [InlineData("us-iso-east-1", "aws-iso")]
    [InlineData("us-isob-east-1", "aws-iso-b")]
    [InlineData("eu-isoe-west-1", "aws-iso-e")]
    [InlineData("us-isof-south-1", "aws-iso-f")]
    [InlineData("cn-north-1", "aws-cn")]
    public void Iso_regions_map_to_their_partitions_which_have_no_sign_in_host(string region, string partition)
    {
        var found = IamOnboard.Iam.AwsPartition.ForRegion(region);
        Assert.Equal(partition, found.Name);
        Assert.Equal(region.StartsWith("cn-", StringComparison.Ordinal), found.SignInHost is not null);
    }

    [Fact]
    public void Fips_setting_from_the_environment_beats_the_profile_and_picks_the_partitions_fips_endpoints()
    {
        using var environment = new EnvironmentScope();
        File.WriteAllText(environment.ConfigFile, "[profile gov]\nuse_fips_endpoint = true\n[profile off]\nuse_fips_endpoint = false\n");
        var files = SharedConfigFiles.Load();
        Assert.Equal("https://iam-fips.amazonaws.com", ServiceEndpoints.Resolve("IAM", null, files.Profile("gov"), files, "eu-west-1"));
        Assert.Equal("https://sts-fips.eu-west-1.amazonaws.com", ServiceEndpoints.Resolve("STS", null, files.Profile("gov"), files, "eu-west-1"));
        Assert.Equal("https://iam.us-gov.amazonaws.com", ServiceEndpoints.Resolve("IAM", null, files.Profile("gov"), files, "us-gov-east-1"));
        Assert.Null(ServiceEndpoints.Resolve("IAM", null, files.Profile("off"), files, "us-east-1"));

        Environment.SetEnvironmentVariable("AWS_USE_FIPS_ENDPOINT", "true");
        Assert.Equal("https://iam-fips.amazonaws.com", ServiceEndpoints.Resolve("IAM", null, files.Profile("off"), files, "us-east-1"));
        Environment.SetEnvironmentVariable("AWS_USE_FIPS_ENDPOINT", "false");
        Assert.Null(ServiceEndpoints.Resolve("IAM", null, files.Profile("gov"), files, "us-east-1"));
    }

    [Fact]
    public void An_endpoint_given_or_configured_beats_the_fips_setting_as_in_the_AWS_CLI()
    {
        using var environment = new EnvironmentScope();
        File.WriteAllText(environment.ConfigFile, "[profile gov]\nuse_fips_endpoint = true\nendpoint_url = http://127.0.0.1:1/\n");
        var files = SharedConfigFiles.Load();
        Assert.Equal("http://127.0.0.1:9/", ServiceEndpoints.Resolve("IAM", "http://127.0.0.1:9/", files.Profile("gov"), files, "us-east-1"));
        Assert.Equal("http://127.0.0.1:1/", ServiceEndpoints.Resolve("STS", null, files.Profile("gov"), files, "us-east-1"));
    }

    [Fact]
    public void A_fips_or_dual_stack_setting_that_cannot_be_followed_is_an_error_never_another_endpoint()
    {
        using var environment = new EnvironmentScope();
        File.WriteAllText(environment.ConfigFile, "[profile typo]\nuse_fips_endpoint = yes\n[profile v6]\nuse_dualstack_endpoint = true\n[profile fips]\nuse_fips_endpoint = true\n");
        var files = SharedConfigFiles.Load();
        var typo = Assert.Throws<OnboardConfigurationException>(() => ServiceEndpoints.Resolve("IAM", null, files.Profile("typo"), files, "us-east-1"));
        Assert.Equal("use_fips_endpoint in profile 'typo' is 'yes'; it takes true or false, as in the AWS CLI.", typo.Message);
        var dualStack = Assert.Throws<OnboardConfigurationException>(() => ServiceEndpoints.Resolve("STS", null, files.Profile("v6"), files, "us-east-1"));
        Assert.StartsWith("use_dualstack_endpoint in profile 'v6' = true asks for AWS's dual-stack (IPv6) endpoints", dualStack.Message, StringComparison.Ordinal);
        Assert.Contains("AWS_ENDPOINT_URL_STS", dualStack.Message, StringComparison.Ordinal);
        var china = Assert.Throws<OnboardConfigurationException>(() => ServiceEndpoints.Resolve("IAM", null, files.Profile("fips"), files, "cn-north-1"));
        Assert.Contains("knows no FIPS endpoint of IAM in partition aws-cn (region cn-north-1)", china.Message, StringComparison.Ordinal);
        Assert.Contains("AWS_ENDPOINT_URL_IAM", china.Message, StringComparison.Ordinal);
        Environment.SetEnvironmentVariable("AWS_USE_FIPS_ENDPOINT", "1");
        Assert.Equal("AWS_USE_FIPS_ENDPOINT is '1'; it takes true or false, as in the AWS CLI.",
            Assert.Throws<OnboardConfigurationException>(() => ServiceEndpoints.Resolve("IAM", null, null, files, "us-east-1")).Message);
    }

    [Fact]
    public void A_session_with_the_fips_setting_calls_sts_at_its_fips_endpoint()
    {
        // Before: use_fips_endpoint was never read, and the session called https://sts.us-east-1.amazonaws.com. The
        // loopback guard stops the call before any connection and names the endpoint it was made for.
        using var environment = new EnvironmentScope();
        var guard = Environment.GetEnvironmentVariable("IAMONBOARD_LOOPBACK_ONLY");
        try
        {
            Environment.SetEnvironmentVariable("IAMONBOARD_LOOPBACK_ONLY", "1");
            Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE");
            Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "not-a-real-secret-for-this-test");
            File.WriteAllText(environment.ConfigFile, "[default]\nregion = us-west-2\nuse_fips_endpoint = true\n");
            var refused = Assert.Throws<OnboardConfigurationException>(() => OnboardSessionFactory.ConnectAsync(new OnboardConnectOptions()).GetAwaiter().GetResult());
            Assert.Contains("'https://sts-fips.us-west-2.amazonaws.com'", refused.Message, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable("IAMONBOARD_LOOPBACK_ONLY", guard);
        }
    }
}
