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
        Assert.Equal("http://127.0.0.1:2/", ServiceEndpoints.Resolve("IAM", null, profile, files));
        Assert.Equal("http://127.0.0.1:1/", ServiceEndpoints.Resolve("STS", null, profile, files));
        Assert.Equal("http://127.0.0.1:5/", ServiceEndpoints.Resolve("SSO", null, profile, files));
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
        Assert.Equal("http://127.0.0.1:3/", ServiceEndpoints.Resolve("IAM", null, profile, files));
        Assert.Equal("http://127.0.0.1:4/", ServiceEndpoints.Resolve("STS", null, profile, files));
        Assert.Equal("http://127.0.0.1:9/", ServiceEndpoints.Resolve("STS", "http://127.0.0.1:9/", profile, files));
    }

    [Fact]
    public void Ignoring_configured_endpoints_leaves_only_the_one_given_in_code()
    {
        using var environment = new EnvironmentScope();
        File.WriteAllText(environment.ConfigFile, Config);
        var files = SharedConfigFiles.Load();
        Environment.SetEnvironmentVariable("AWS_ENDPOINT_URL", "http://127.0.0.1:3/");
        Environment.SetEnvironmentVariable("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true");
        Assert.Null(ServiceEndpoints.Resolve("IAM", null, files.Profile("dev"), files));
        Assert.Equal("http://127.0.0.1:9/", ServiceEndpoints.Resolve("IAM", "http://127.0.0.1:9/", files.Profile("dev"), files));
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
}
