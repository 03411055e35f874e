using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using IamOnboard.Diagnostics;
using IamOnboard.LocalIam;
using IamOnboard.Sessions;
using IamOnboard.Tests.Iam;
using Xunit;

namespace IamOnboard.Tests.Sessions;

/// <summary>
/// A profile with role_arn and web_identity_token_file (how CI systems configure a role), resolved as the AWS CLI does
/// (botocore's AssumeRoleWithWebIdentityProvider): its role is assumed with the token at the endpoint's STS
/// (AssumeRoleWithWebIdentity), before the profile's keys or source_profile; as a source_profile it gives its web identity
/// role's credentials. The endpoint issues the tokens (<see cref="LocalIamServer.IssueWebIdentityToken"/>).
/// </summary>
[Collection("Environment")]
public sealed class WebIdentityProfileTests : IClassFixture<LocalIamFixture>
{
    private const string WebIdentityAction = "AssumeRoleWithWebIdentity";

    private readonly LocalIamServer _server;

    public WebIdentityProfileTests(LocalIamFixture fixture) => _server = fixture.Server;

    private string RoleArn => $"arn:aws:iam::{_server.AccountId}:role/OrganizationAccountAccessRole";

    private string SessionArn(string sessionName) => $"arn:aws:sts::{_server.AccountId}:assumed-role/OrganizationAccountAccessRole/{sessionName}";

    [Fact]
    public async Task A_profile_with_role_arn_and_web_identity_token_file_assumes_its_role_with_the_token_before_its_keys_or_source_profile()
    {
        using var environment = new EnvironmentScope();
        var token = WriteToken(environment);
        // Keys and a source_profile beside the web identity settings: botocore's web identity provider comes first.
        File.WriteAllText(environment.CredentialsFile, "[ci]\naws_access_key_id = " + _server.AdminAccessKeyId + "\naws_secret_access_key = " + _server.AdminSecretAccessKey + "\n");
        File.WriteAllText(environment.ConfigFile, "[profile ci]\nrole_arn = " + RoleArn + "\nweb_identity_token_file = " + TokenFile(environment)
            + "\nrole_session_name = ci-run\nsource_profile = ci\nendpoint_url = " + _server.Url + "\n");
        var log = new CollectingLog();
        using var logScope = OnboardLog.Use(log);
        _server.StartRecordingRequests();

        using var session = await OnboardSessionFactory.ConnectAsync(new OnboardConnectOptions { ProfileName = "ci" });

        var requests = _server.StopRecordingRequests();
        var assumed = Assert.Single(requests, r => r.Action == WebIdentityAction);
        Assert.Equal(RoleArn, assumed.RoleArn);
        Assert.DoesNotContain(requests, r => r.Action == "AssumeRole");
        Assert.Equal(SessionArn("ci-run"), session.CallerArn);
        Assert.NotNull(await session.Iam.ListUsersAsync());
        Assert.Contains(log.Messages, m => m.StartsWith("V Credentials: web identity role " + RoleArn + " (token file from web_identity_token_file of profile 'ci') of profile 'ci'", StringComparison.Ordinal));
        Assert.All(log.Messages, m => Assert.DoesNotContain(token, m, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_web_identity_profile_session_assumes_its_role_again_with_the_token_file_read_afresh_when_its_credentials_run_out()
    {
        using var environment = new EnvironmentScope();
        WriteToken(environment);
        File.WriteAllText(environment.ConfigFile, "[profile ci]\nrole_arn = " + RoleArn + "\nweb_identity_token_file = " + TokenFile(environment) + "\nrole_session_name = ci-run\nendpoint_url = " + _server.Url + "\n");
        using var session = await OnboardSessionFactory.ConnectAsync(new OnboardConnectOptions { ProfileName = "ci", CredentialUtcNow = CredentialTime });
        Assert.NotNull(await session.Iam.ListUsersAsync());

        for (var hour = 1; hour <= 2; hour++)
        {
            // The platform rotates the token: each renewal reads the file again.
            WriteToken(environment);
            _server.MoveCredentialTimeAhead(TimeSpan.FromHours(1));
            var before = Count(WebIdentityAction);

            await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => session.Iam.ListUsersAsync()));

            Assert.Equal(1, Count(WebIdentityAction) - before);
        }

        Assert.Equal(SessionArn("ci-run"), (await session.Sts.GetCallerIdentityAsync(default)).Arn);
    }

    [Fact]
    public async Task A_role_profile_whose_source_profile_has_web_identity_assumes_its_role_with_the_web_identity_roles_credentials_and_renews_both_in_order()
    {
        using var environment = new EnvironmentScope();
        WriteToken(environment);
        File.WriteAllText(environment.ConfigFile, "[profile ci]\nrole_arn = " + RoleArn + "\nweb_identity_token_file = " + TokenFile(environment) + "\nrole_session_name = ci-run\n"
            + "[profile deploy]\nrole_arn = " + RoleArn + "\nsource_profile = ci\nrole_session_name = deploy\nendpoint_url = " + _server.Url + "\n");
        var log = new CollectingLog();
        using var logScope = OnboardLog.Use(log);
        _server.StartRecordingRequests();

        using var session = await OnboardSessionFactory.ConnectAsync(new OnboardConnectOptions { ProfileName = "deploy", CredentialUtcNow = CredentialTime });

        Assert.Equal(new[] { WebIdentityAction, "AssumeRole" }, Assumed(_server.StopRecordingRequests()).Select(r => r.Action));
        Assert.Equal(SessionArn("deploy"), session.CallerArn);
        Assert.Contains(log.Messages, m => m.Contains("renewed before then with web identity role " + RoleArn + " of profile 'ci'", StringComparison.Ordinal));

        _server.MoveCredentialTimeAhead(TimeSpan.FromHours(1));
        _server.StartRecordingRequests();
        Assert.NotNull(await session.Iam.ListUsersAsync());
        var renewed = Assumed(_server.StopRecordingRequests()).ToList();
        Assert.Equal(new[] { WebIdentityAction, "AssumeRole" }, renewed.Select(r => r.Action));
        Assert.Equal(SessionArn("ci-run"), renewed[1].CallerArn);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_web_identity_variables_win_over_the_keys_of_a_profile_named_by_AWS_PROFILE_but_not_of_one_named_by_ProfileName_as_in_the_AWS_CLI(bool namedByVariable)
    {
        using var environment = new EnvironmentScope();
        WriteToken(environment);
        File.WriteAllText(environment.CredentialsFile, "[keys]\naws_access_key_id = " + _server.AdminAccessKeyId + "\naws_secret_access_key = " + _server.AdminSecretAccessKey + "\n");
        File.WriteAllText(environment.ConfigFile, "[profile keys]\nendpoint_url = " + _server.Url + "\n");
        Environment.SetEnvironmentVariable("AWS_ROLE_ARN", RoleArn);
        Environment.SetEnvironmentVariable("AWS_WEB_IDENTITY_TOKEN_FILE", TokenFile(environment));
        Environment.SetEnvironmentVariable("AWS_PROFILE", namedByVariable ? "keys" : null);

        using var session = await OnboardSessionFactory.ConnectAsync(new OnboardConnectOptions { ProfileName = namedByVariable ? null : "keys" });

        if (namedByVariable)
        {
            Assert.StartsWith($"arn:aws:sts::{_server.AccountId}:assumed-role/OrganizationAccountAccessRole/IamOnboard-", session.CallerArn, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal($"arn:aws:iam::{_server.AccountId}:user/onboard-admin", session.CallerArn);
        }
    }

    [Fact]
    public async Task The_web_identity_variables_sign_in_when_the_default_profile_gives_only_settings_as_on_an_EKS_pod_with_a_config_file()
    {
        using var environment = new EnvironmentScope();
        WriteToken(environment);
        File.WriteAllText(environment.ConfigFile, "[default]\nregion = eu-west-1\nendpoint_url = " + _server.Url + "\n");
        Environment.SetEnvironmentVariable("AWS_ROLE_ARN", RoleArn);
        Environment.SetEnvironmentVariable("AWS_WEB_IDENTITY_TOKEN_FILE", TokenFile(environment));
        Environment.SetEnvironmentVariable("AWS_ROLE_SESSION_NAME", "pod");

        using var session = await OnboardSessionFactory.ConnectAsync(new OnboardConnectOptions());

        Assert.Equal(SessionArn("pod"), session.CallerArn);
        Assert.Equal("eu-west-1", session.Region);
        Assert.Contains("(token file from AWS_WEB_IDENTITY_TOKEN_FILE) of profile 'default'", session.CredentialSource, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_profile_with_web_identity_token_file_but_no_role_arn_is_refused_naming_the_profile_before_any_request()
    {
        using var environment = new EnvironmentScope();
        WriteToken(environment);
        File.WriteAllText(environment.CredentialsFile, "[ci]\naws_access_key_id = " + _server.AdminAccessKeyId + "\naws_secret_access_key = " + _server.AdminSecretAccessKey + "\n");
        File.WriteAllText(environment.ConfigFile, "[profile ci]\nweb_identity_token_file = " + TokenFile(environment) + "\nendpoint_url = " + _server.Url + "\n");
        var before = _server.GetStatistics().TotalRequests;

        var error = await Assert.ThrowsAsync<OnboardConfigurationException>(() => OnboardSessionFactory.ConnectAsync(new OnboardConnectOptions { ProfileName = "ci" }));

        Assert.Contains("web_identity_token_file of profile 'ci'", error.Message, StringComparison.Ordinal);
        Assert.Contains("has no role_arn", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, _server.GetStatistics().TotalRequests);
    }

    [Fact]
    public async Task AWS_WEB_IDENTITY_TOKEN_FILE_without_AWS_ROLE_ARN_is_refused_as_in_the_AWS_CLI_not_passed_over()
    {
        // Before: the variable was passed over and the credential chain went on to what it found next (here nothing,
        // so "no credentials"; on an instance, its role).
        using var environment = new EnvironmentScope();
        WriteToken(environment);
        Environment.SetEnvironmentVariable("AWS_WEB_IDENTITY_TOKEN_FILE", TokenFile(environment));

        var error = await Assert.ThrowsAsync<OnboardConfigurationException>(() => OnboardSessionFactory.ConnectAsync(new OnboardConnectOptions { EndpointUrl = _server.Url.ToString() }));

        Assert.StartsWith("AWS_WEB_IDENTITY_TOKEN_FILE is set, but AWS_ROLE_ARN is not", error.Message, StringComparison.Ordinal);
    }

    private static string TokenFile(EnvironmentScope environment) => Path.Combine(environment.Home, "ci-token.jwt");

    private string WriteToken(EnvironmentScope environment)
    {
        var token = _server.IssueWebIdentityToken(TimeSpan.FromHours(8));
        File.WriteAllText(TokenFile(environment), token + "\n");
        return token;
    }

    private static System.Collections.Generic.IEnumerable<RecordedRequest> Assumed(System.Collections.Generic.IEnumerable<RecordedRequest> requests)
        => requests.Where(r => r.Action is WebIdentityAction or "AssumeRole");

    private DateTime CredentialTime() => DateTime.UtcNow + _server.CredentialTimeAhead;

    private long Count(string action) => _server.GetStatistics().RequestsByAction.TryGetValue(action, out var count) ? count : 0;
}
