using System;
using System.IO;
using System.Threading.Tasks;
using IamOnboard.Diagnostics;
using IamOnboard.Iam;
using IamOnboard.LocalIam;
using IamOnboard.Sessions;
using IamOnboard.Tests.Iam;
using Xunit;

namespace IamOnboard.Tests.Sessions;

/// <summary>
/// max_attempts and retry_mode of the profile, AWS_MAX_ATTEMPTS and AWS_RETRY_MODE, as the AWS CLI reads them, below
/// Connect-Onboard's -MaxAttempts and -RetryMode. The endpoint fails ListUsers on purpose and counts the attempts it got.
/// </summary>
[Collection("Environment")]
public sealed class RetrySettingsTests : IClassFixture<LocalIamFixture>
{
    private const string ProfileName = "retrying";

    private readonly LocalIamServer _server;

    public RetrySettingsTests(LocalIamFixture fixture) => _server = fixture.Server;

    [Theory]
    [InlineData("2", null, null, 2, "max_attempts of profile 'retrying' in ")]
    [InlineData("2", "3", null, 3, "AWS_MAX_ATTEMPTS")]
    [InlineData("2", "3", 1, 1, "-MaxAttempts")]
    [InlineData(null, null, null, IamClientOptions.DefaultMaxAttempts, "IamOnboard's default")]
    public async Task A_call_is_tried_as_many_times_as_MaxAttempts_else_AWS_MAX_ATTEMPTS_else_the_profiles_max_attempts_say(
        string? profileSetting, string? variable, int? parameter, int expectedAttempts, string from)
    {
        using var environment = new EnvironmentScope();
        WriteProfile(environment, profileSetting is null ? string.Empty : "max_attempts = " + profileSetting + "\n");
        Environment.SetEnvironmentVariable("AWS_MAX_ATTEMPTS", variable);
        var log = new CollectingLog();
        using var logScope = OnboardLog.Use(log);
        using var session = await OnboardSessionFactory.ConnectAsync(new OnboardConnectOptions { ProfileName = ProfileName, MaxAttempts = parameter });
        var before = Count("ListUsers");
        _server.FailNextRequests("ListUsers", IamClientOptions.DefaultMaxAttempts + 2);
        try
        {
            await Assert.ThrowsAsync<IamServiceFailureException>(() => session.Iam.ListUsersAsync());
        }
        finally
        {
            _server.FailNextRequests("ListUsers", 0);
        }

        Assert.Equal(expectedAttempts, Count("ListUsers") - before);
        Assert.Equal(expectedAttempts, session.Settings.MaxAttempts);
        Assert.Contains(log.Messages, m => m.StartsWith("V Retries: up to " + expectedAttempts + " attempts per call (" + from, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("adaptive", null, null, IamRetryMode.Adaptive, "retry mode adaptive (retry_mode of profile 'retrying' in ")]
    [InlineData("adaptive", "standard", null, IamRetryMode.Standard, "retry mode standard (AWS_RETRY_MODE)")]
    [InlineData("standard", "standard", "Adaptive", IamRetryMode.Adaptive, "retry mode adaptive (-RetryMode)")]
    [InlineData("legacy", null, null, IamRetryMode.Standard, "retry mode legacy (retry_mode of profile 'retrying' in ")]
    [InlineData(null, null, "Legacy", IamRetryMode.Standard, "retry mode legacy (-RetryMode), which IamOnboard does not offer (the AWS SDK for .NET has no legacy mode; the AWS CLI v2 refuses it, boto3 takes it): standard applies")]
    public async Task The_retry_mode_is_RetryMode_else_AWS_RETRY_MODE_else_the_profiles_retry_mode_and_legacy_is_said_to_run_as_standard(
        string? profileSetting, string? variable, string? parameter, IamRetryMode expected, string said)
    {
        using var environment = new EnvironmentScope();
        WriteProfile(environment, profileSetting is null ? string.Empty : "retry_mode = " + profileSetting + "\n");
        Environment.SetEnvironmentVariable("AWS_RETRY_MODE", variable);
        var log = new CollectingLog();
        using var logScope = OnboardLog.Use(log);

        using var session = await OnboardSessionFactory.ConnectAsync(new OnboardConnectOptions { ProfileName = ProfileName, RetryModeName = parameter });

        Assert.Equal(expected, session.Settings.RetryMode);
        Assert.Contains(log.Messages, m => m.StartsWith("V Retries: ", StringComparison.Ordinal) && m.Contains(said, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("max_attempts = many\n", null, null, "max_attempts 'many' (max_attempts of profile 'retrying' in {config})")]
    [InlineData("max_attempts = 0\n", null, null, "max_attempts 0 (max_attempts of profile 'retrying' in {config}) must be at least 1")]
    [InlineData("max_attempts = 2.5\n", null, null, "max_attempts '2.5' (max_attempts of profile 'retrying' in {config})")]
    [InlineData("", "AWS_MAX_ATTEMPTS", "lots", "AWS_MAX_ATTEMPTS 'lots' (the environment variable AWS_MAX_ATTEMPTS)")]
    [InlineData("retry_mode = turbo\n", null, null, "Retry mode 'turbo' (retry_mode of profile 'retrying' in {config}) is not known: it is legacy, standard or adaptive")]
    [InlineData("", "AWS_RETRY_MODE", "Standard", "Retry mode 'Standard' (the environment variable AWS_RETRY_MODE) is not known")]
    public async Task A_retry_setting_the_AWS_CLI_refuses_is_refused_naming_the_setting_its_value_and_where_it_is_before_any_request(
        string profileSettings, string? variableName, string? variableValue, string expected)
    {
        using var environment = new EnvironmentScope();
        WriteProfile(environment, profileSettings);
        if (variableName is not null)
        {
            Environment.SetEnvironmentVariable(variableName, variableValue);
        }

        var before = _server.GetStatistics().TotalRequests;

        var error = await Assert.ThrowsAsync<OnboardConfigurationException>(() => OnboardSessionFactory.ConnectAsync(new OnboardConnectOptions { ProfileName = ProfileName }));

        Assert.Contains(expected.Replace("{config}", environment.ConfigFile, StringComparison.Ordinal), error.Message, StringComparison.Ordinal);
        Assert.Equal(before, _server.GetStatistics().TotalRequests);
    }

    private void WriteProfile(EnvironmentScope environment, string settings)
    {
        File.WriteAllText(environment.CredentialsFile, "[" + ProfileName + "]\naws_access_key_id = " + _server.AdminAccessKeyId + "\naws_secret_access_key = " + _server.AdminSecretAccessKey + "\n");
        File.WriteAllText(environment.ConfigFile, "[profile " + ProfileName + "]\nendpoint_url = " + _server.Url + "\n" + settings);
    }

    private long Count(string action) => _server.GetStatistics().RequestsByAction.TryGetValue(action, out var count) ? count : 0;
}
