using System;
using System.Globalization;
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
/// A role profile whose source_profile is an SSO profile or another role profile (a role chain), resolved as the AWS CLI
/// (botocore's AssumeRoleProvider) does: each role assumed with the credentials of the one before it, innermost first; a
/// source profile with keys gives its keys; a loop is refused. The endpoint records who signed each AssumeRole.
/// </summary>
[Collection("Environment")]
public sealed class RoleChainTests : IClassFixture<LocalIamFixture>
{
    private const string SsoProfileName = "corp-sso";

    private readonly LocalIamServer _server;

    public RoleChainTests(LocalIamFixture fixture) => _server = fixture.Server;

    private string RoleArn => $"arn:aws:iam::{_server.AccountId}:role/OrganizationAccountAccessRole";

    private string AdminArn => $"arn:aws:iam::{_server.AccountId}:user/onboard-admin";

    private string SessionArn(string sessionName) => $"arn:aws:sts::{_server.AccountId}:assumed-role/OrganizationAccountAccessRole/{sessionName}";

    [Fact]
    public async Task A_role_profile_whose_source_profile_is_an_SSO_profile_assumes_the_role_with_the_SSO_role_credentials()
    {
        using var environment = new EnvironmentScope();
        var signIn = _server.SignInToSso(TimeSpan.FromHours(8));
        SsoLoginCache.Write(environment, signIn, renewable: false);
        File.WriteAllText(environment.ConfigFile,
            "[profile " + SsoProfileName + "]\nsso_session = corp\nsso_account_id = " + _server.AccountId + "\nsso_role_name = OrganizationAccountAccessRole\n"
            + "[sso-session corp]\nsso_start_url = https://corp.example/start\nsso_region = eu-west-1\n"
            + "[profile via-sso]\nrole_arn = " + RoleArn + "\nsource_profile = " + SsoProfileName + "\nrole_session_name = from-sso\nendpoint_url = " + _server.Url + "\n");
        var log = new CollectingLog();
        using var logScope = OnboardLog.Use(log);
        var fetchedBefore = Count("GetRoleCredentials");
        _server.StartRecordingRequests();

        using var session = await OnboardSessionFactory.ConnectAsync(new OnboardConnectOptions { ProfileName = "via-sso" });

        var assumed = Assert.Single(_server.StopRecordingRequests(), r => r.Action == "AssumeRole");
        Assert.Equal(RoleArn, assumed.RoleArn);
        Assert.Contains(":assumed-role/OrganizationAccountAccessRole/", assumed.CallerArn, StringComparison.Ordinal); // the SSO role's session, not a user
        Assert.Equal(1, Count("GetRoleCredentials") - fetchedBefore);
        Assert.Equal(SessionArn("from-sso"), session.CallerArn);
        Assert.NotNull(await session.Iam.ListUsersAsync());
        Assert.All(log.Messages, m => Assert.DoesNotContain(SsoLoginCache.Plain(signIn.AccessToken), m, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_chain_of_two_role_profiles_from_keys_assumes_each_role_with_the_credentials_of_the_one_before_it()
    {
        using var environment = new EnvironmentScope();
        WriteChain(environment);
        var log = new CollectingLog();
        using var logScope = OnboardLog.Use(log);
        _server.StartRecordingRequests();

        using var session = await OnboardSessionFactory.ConnectAsync(new OnboardConnectOptions { ProfileName = "hop-two" });

        var assumed = _server.StopRecordingRequests().Where(r => r.Action == "AssumeRole").ToList();
        Assert.Equal(new[] { AdminArn, SessionArn("hop-one") }, assumed.Select(r => r.CallerArn));
        Assert.All(assumed, r => Assert.Equal(RoleArn, r.RoleArn));
        Assert.Equal(SessionArn("hop-two"), session.CallerArn);
        Assert.NotNull(await session.Iam.ListUsersAsync());
        Assert.Contains("V Assuming role " + RoleArn + " of profile 'hop-one' as session 'hop-one' with the credentials of profile 'base'.", log.Messages);
        Assert.Contains(log.Messages, m => m.StartsWith("V Role chain of profile 'hop-two', hop 2 of 2: its own role, with the credentials of role " + RoleArn + " (profile 'hop-one')", StringComparison.Ordinal));
        AssertNoSecretIn(log, session);
    }

    [Fact]
    public async Task A_chained_session_assumes_every_role_of_the_chain_again_in_order_when_its_credentials_run_out()
    {
        using var environment = new EnvironmentScope();
        WriteChain(environment);
        var log = new CollectingLog();
        using var logScope = OnboardLog.Use(log);
        using var session = await OnboardSessionFactory.ConnectAsync(new OnboardConnectOptions { ProfileName = "hop-two", CredentialUtcNow = CredentialTime });
        Assert.NotNull(await session.Iam.ListUsersAsync());

        for (var hour = 1; hour <= 2; hour++)
        {
            _server.MoveCredentialTimeAhead(TimeSpan.FromHours(1));
            _server.StartRecordingRequests();

            // Requests sent together share one renewal of each hop.
            await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => session.Iam.ListUsersAsync()));

            var assumed = _server.StopRecordingRequests().Where(r => r.Action == "AssumeRole").ToList();
            Assert.Equal(new[] { AdminArn, SessionArn("hop-one") }, assumed.Select(r => r.CallerArn));
        }

        Assert.Equal(SessionArn("hop-two"), (await session.Sts.GetCallerIdentityAsync(default)).Arn);
        AssertNoSecretIn(log, session);
    }

    [Fact]
    public async Task A_source_profile_with_keys_and_role_arn_gives_its_keys_and_its_role_is_not_assumed_as_in_the_AWS_CLI()
    {
        using var environment = new EnvironmentScope();
        File.WriteAllText(environment.CredentialsFile, "[both]\naws_access_key_id = " + _server.AdminAccessKeyId + "\naws_secret_access_key = " + _server.AdminSecretAccessKey + "\n");
        File.WriteAllText(environment.ConfigFile,
            "[profile both]\nrole_arn = " + RoleArn + "\nsource_profile = nowhere\n"
            + "[profile outer]\nrole_arn = " + RoleArn + "\nsource_profile = both\nrole_session_name = outer\nendpoint_url = " + _server.Url + "\n");
        _server.StartRecordingRequests();

        using var session = await OnboardSessionFactory.ConnectAsync(new OnboardConnectOptions { ProfileName = "outer" });

        var assumed = Assert.Single(_server.StopRecordingRequests(), r => r.Action == "AssumeRole");
        Assert.Equal(AdminArn, assumed.CallerArn);
        Assert.Equal(SessionArn("outer"), session.CallerArn);
    }

    [Theory]
    [InlineData("[profile a]\nrole_arn = {0}\nsource_profile = b\n[profile b]\nrole_arn = {0}\nsource_profile = a\n", "'a' -> 'b' -> 'a'")]
    [InlineData("[profile a]\nrole_arn = {0}\nsource_profile = b\n[profile b]\nrole_arn = {0}\nsource_profile = c\n[profile c]\nrole_arn = {0}\nsource_profile = b\n", "'a' -> 'b' -> 'c' -> 'b'")]
    [InlineData("[profile a]\nrole_arn = {0}\nsource_profile = a\n", "'a' -> 'a'")]
    public async Task A_source_profile_loop_is_refused_naming_the_profiles_of_the_loop(string config, string loop)
    {
        using var environment = new EnvironmentScope();
        File.WriteAllText(environment.ConfigFile, string.Format(CultureInfo.InvariantCulture, config, RoleArn));
        Environment.SetEnvironmentVariable("AWS_ENDPOINT_URL", _server.Url.ToString()); // nothing may go elsewhere, had a role been assumed
        var assumedBefore = Count("AssumeRole");

        var error = await Assert.ThrowsAsync<OnboardConfigurationException>(() => OnboardSessionFactory.ConnectAsync(new OnboardConnectOptions { ProfileName = "a" }));

        Assert.Contains("The source_profile settings of profile 'a' loop: " + loop, error.Message, StringComparison.Ordinal);
        Assert.Contains("Infinite loop in credential configuration detected", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, Count("AssumeRole") - assumedBefore);
    }

    [Fact]
    public async Task A_role_inside_a_chain_that_asks_for_MFA_is_refused_before_anything_is_assumed_saying_where_mfa_serial_goes()
    {
        using var environment = new EnvironmentScope();
        WriteChain(environment, hopOneExtra: "mfa_serial = arn:aws:iam::" + _server.AccountId + ":mfa/someone\n");
        var assumedBefore = Count("AssumeRole");

        var error = await Assert.ThrowsAsync<OnboardConfigurationException>(() => OnboardSessionFactory.ConnectAsync(new OnboardConnectOptions { ProfileName = "hop-two" }));

        Assert.Contains("Profile 'hop-two' chains through role profile 'hop-one', which has mfa_serial", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, Count("AssumeRole") - assumedBefore);
    }

    /// <summary>base (keys) &lt;- hop-one (role) &lt;- hop-two (role), each role session named after its profile.</summary>
    private void WriteChain(EnvironmentScope environment, string hopOneExtra = "")
    {
        File.WriteAllText(environment.CredentialsFile, "[base]\naws_access_key_id = " + _server.AdminAccessKeyId + "\naws_secret_access_key = " + _server.AdminSecretAccessKey + "\n");
        File.WriteAllText(environment.ConfigFile,
            "[profile hop-one]\nrole_arn = " + RoleArn + "\nsource_profile = base\nrole_session_name = hop-one\n" + hopOneExtra
            + "[profile hop-two]\nrole_arn = " + RoleArn + "\nsource_profile = hop-one\nrole_session_name = hop-two\nendpoint_url = " + _server.Url + "\n");
    }

    private DateTime CredentialTime() => DateTime.UtcNow + _server.CredentialTimeAhead;

    private long Count(string action) => _server.GetStatistics().RequestsByAction.TryGetValue(action, out var count) ? count : 0;

    /// <summary>Neither the source's secret key nor the session's current temporary secret key and token reach the log.</summary>
    private void AssertNoSecretIn(CollectingLog log, OnboardSession session)
    {
        var current = session.Settings.Credentials.GetCredentials();
        var secrets = new[] { _server.AdminSecretAccessKey, current.SecretKey, current.Token };
        Assert.All(log.Messages, message => Assert.All(secrets, secret => Assert.DoesNotContain(secret, message, StringComparison.Ordinal)));
    }
}
