using System;
using System.IO;
using IamOnboard.Sessions;
using Xunit;

namespace IamOnboard.Tests.Sessions;

/// <summary>The reading of the shared files: what the AWS CLI refuses is refused here too, never read one way or another.</summary>
[Collection("Environment")]
public sealed class SharedConfigFilesTests
{
    private const string FirstSecret = "first/secret+value0000000000000000000000";
    private const string SecondSecret = "second/secret+value000000000000000000000";

    [Theory]
    [InlineData(false, "[ops]\naws_access_key_id = AKIAFIRST\naws_secret_access_key = " + FirstSecret + "\n# the vault's keys\nAWS_SECRET_ACCESS_KEY = " + SecondSecret + "\n", 5, "[ops]", "aws_secret_access_key", 3)]
    [InlineData(true, "[default]\nregion = eu-west-1\n[profile ops]\nregion = eu-west-2\nendpoint_url = http://127.0.0.1:1/\nregion = " + SecondSecret + "\n", 6, "[profile ops]", "region", 4)]
    public void A_key_given_twice_in_a_section_is_an_error_naming_file_line_section_and_key(bool inConfigFile, string text, int line, string section, string key, int firstLine)
    {
        using var environment = new EnvironmentScope();
        var path = inConfigFile ? environment.ConfigFile : environment.CredentialsFile;
        File.WriteAllText(path, text);
        var error = AssertRefusedNaming(path, line, section, firstLine);
        Assert.Contains("'" + key + "'", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData(false, "[ops]\naws_access_key_id = AKIAFIRST\naws_secret_access_key = " + FirstSecret + "\n\n[ops]\naws_access_key_id = AKIASECOND\naws_secret_access_key = " + SecondSecret + "\n", 5, "[ops]", 1)]
    [InlineData(true, "[profile ops]\nregion = eu-west-1\n[sso-session corp]\nsso_region = eu-west-1\n[profile ops]\nregion = eu-west-2\n", 5, "[profile ops]", 1)]
    public void A_section_given_twice_in_a_file_is_an_error_naming_file_line_and_section(bool inConfigFile, string text, int line, string section, int firstLine)
    {
        using var environment = new EnvironmentScope();
        var path = inConfigFile ? environment.ConfigFile : environment.CredentialsFile;
        File.WriteAllText(path, text);
        AssertRefusedNaming(path, line, section, firstLine);
    }

    /// <summary>Loading refuses the files, naming the file, the line, the section and the line it repeats, and no value.</summary>
    private static OnboardConfigurationException AssertRefusedNaming(string path, int line, string section, int firstLine)
    {
        var error = Assert.Throws<OnboardConfigurationException>(() => SharedConfigFiles.Load());
        Assert.Contains(path + ", line " + line + ":", error.Message, StringComparison.Ordinal);
        Assert.Contains(section, error.Message, StringComparison.Ordinal);
        Assert.Contains("line " + firstLine, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(FirstSecret, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(SecondSecret, error.Message, StringComparison.Ordinal);
        return error;
    }

    [Fact]
    public void A_profile_in_both_files_and_one_key_in_several_sections_or_nested_settings_are_no_repeats()
    {
        using var environment = new EnvironmentScope();
        File.WriteAllText(environment.ConfigFile, "[profile ops]\nregion = eu-west-1\nservices = local\n[profile dev]\nregion = eu-west-2\n"
            + "[services local]\niam =\n  endpoint_url = http://127.0.0.1:1/\nsts =\n  endpoint_url = http://127.0.0.1:2/\n");
        File.WriteAllText(environment.CredentialsFile, "[ops]\naws_access_key_id = AKIAOPS\naws_secret_access_key = " + FirstSecret + "\nregion = us-west-2\n");
        var files = SharedConfigFiles.Load();
        Assert.Equal("us-west-2", files.Profile("ops")!["region"]);
        Assert.Equal("eu-west-2", files.Profile("dev")!["region"]);
        Assert.Equal("http://127.0.0.1:2/", files.Services("local")!.Nested("sts", "endpoint_url"));
    }

    [Fact]
    public void A_colon_separates_a_key_from_its_value_as_the_AWS_CLI_reads_it_whichever_separator_comes_first()
    {
        using var environment = new EnvironmentScope();
        File.WriteAllText(environment.CredentialsFile, "[default]\naws_access_key_id: AKIADEFAULT\naws_secret_access_key: " + FirstSecret + "=\n");
        File.WriteAllText(environment.ConfigFile, "[default]\nregion: eu-west-1\nendpoint_url = http://127.0.0.1:5000/\nservices = local\n"
            + "[services local]\niam =\n  endpoint_url = http://127.0.0.1:5001/\n");
        var profile = SharedConfigFiles.Load().Profile("default")!;
        Assert.Equal("AKIADEFAULT", profile["aws_access_key_id"]);
        Assert.Equal(FirstSecret + "=", profile["aws_secret_access_key"]);
        Assert.Equal("eu-west-1", profile["region"]);
        Assert.Equal("http://127.0.0.1:5000/", profile["endpoint_url"]);
        Assert.Equal("http://127.0.0.1:5001/", SharedConfigFiles.Load().Services("local")!.Nested("iam", "endpoint_url"));
    }

    [Theory]
    [InlineData(false, "[bob]  # bob's keys", "bob")]
    [InlineData(false, "[bob]; bob's keys", "bob")]
    [InlineData(true, "[profile bob]   # production", "bob")]
    public void A_comment_after_a_section_header_is_ignored_as_the_AWS_CLI_ignores_it(bool inConfigFile, string headerLine, string profile)
    {
        using var environment = new EnvironmentScope();
        File.WriteAllText(inConfigFile ? environment.ConfigFile : environment.CredentialsFile,
            "[default]\naws_access_key_id = AKIADEFAULT\naws_secret_access_key = " + FirstSecret + "\n" + headerLine + "\naws_access_key_id = AKIABOB\naws_secret_access_key = " + SecondSecret + "\n");
        var files = SharedConfigFiles.Load();
        Assert.Equal("AKIADEFAULT", files.Profile("default")!["aws_access_key_id"]);
        Assert.Equal("AKIABOB", files.Profile(profile)!["aws_access_key_id"]);
        Assert.Equal(SecondSecret, files.Profile(profile)!["aws_secret_access_key"]);
    }

    [Fact]
    public void A_config_section_name_is_split_as_the_AWS_CLI_splits_it_so_a_quoted_name_may_hold_a_space()
    {
        using var environment = new EnvironmentScope();
        File.WriteAllText(environment.ConfigFile, "[profile \"ops admin\"]\nregion = eu-west-1\n[profile dev\\ team]\nregion = eu-west-2\n"
            + "[profile two words]\nregion = eu-west-3\n[sso-session 'corp sso']\nsso_region = eu-west-1\n");
        var files = SharedConfigFiles.Load();
        Assert.Equal("eu-west-1", files.Profile("ops admin")?["region"]);
        Assert.Equal("eu-west-2", files.Profile("dev team")?["region"]);
        Assert.Equal("eu-west-1", files.SsoSession("corp sso")?["sso_region"]);
        // Three words name no profile in the CLI ("The config profile (two words) could not be found").
        Assert.Null(files.Profile("two words"));
        Assert.DoesNotContain(files.ProfileNames, name => name.Contains("\""));
    }

    [Fact]
    public void A_leading_tilde_is_the_home_directory_and_the_files_are_named_by_their_full_paths()
    {
        using var environment = new EnvironmentScope();
        Directory.CreateDirectory(Path.Combine(environment.Home, "team"));
        File.WriteAllText(Path.Combine(environment.Home, "team", "credentials"), "[ops]\naws_access_key_id = AKIAOPS\n");
        File.WriteAllText(Path.Combine(environment.Home, "team", "config"), "[profile ops]\nregion = eu-west-1\n");
        Environment.SetEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE", "~/team/credentials");
        Environment.SetEnvironmentVariable("AWS_CONFIG_FILE", "~/team/config");
        var files = SharedConfigFiles.Load();
        Assert.Equal("AKIAOPS", files.Profile("ops")!["aws_access_key_id"]);
        Assert.Equal("eu-west-1", files.Profile("ops")!["region"]);
        Assert.Equal(Path.Combine(environment.Home, "team", "credentials"), files.CredentialsPath);
        Assert.Equal(Path.Combine(environment.Home, "team", "config"), files.ConfigPath);
        Assert.Equal(Path.Combine(environment.Home, "team", "credentials"), SharedConfigFiles.Load("~/team/credentials").CredentialsPath);
    }
}
