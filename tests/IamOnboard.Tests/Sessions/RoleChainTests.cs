using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using IamOnboard.Diagnostics;
using IamOnboard.Iam;
using IamOnboard.LocalIam;
using IamOnboard.Mfa;
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
    public async Task A_role_inside_a_chain_that_asks_for_MFA_is_assumed_with_the_code_and_the_roles_after_it_are_renewed_with_it_until_it_ends()
    {
        using var environment = new EnvironmentScope();
        var (serial, key) = await EnrolAdminMfaAsync("chain");
        WriteChain(environment, hopOneExtra: "mfa_serial = " + serial + "\n", hopTwoExtra: "duration_seconds = 900\n");
        var log = new CollectingLog();
        using var logScope = OnboardLog.Use(log);
        Assert.Equal(serial, OnboardSessionFactory.MfaSerialNeeded(new OnboardConnectOptions { ProfileName = "hop-two" }));
        _server.StartRecordingRequests();

        // The next step's code: enabling the device took this step's, and STS takes a code once.
        var code = Totp.ComputeCode(key, DateTimeOffset.UtcNow + Totp.StepLength);
        using var session = await OnboardSessionFactory.ConnectAsync(new OnboardConnectOptions { ProfileName = "hop-two", TokenCode = code, CredentialUtcNow = CredentialTime });

        var assumed = _server.StopRecordingRequests().Where(r => r.Action == "AssumeRole").ToList();
        Assert.Equal(new[] { AdminArn, SessionArn("hop-one") }, assumed.Select(r => r.CallerArn));
        Assert.Equal(SessionArn("hop-two"), session.CallerArn);
        Assert.Contains("V Assuming role " + RoleArn + " of profile 'hop-one' as session 'hop-one' with the credentials of profile 'base' and MFA device " + serial + ".", log.Messages);

        // The outer role (15 minutes) is renewed with the MFA role's credentials (an hour) while they last: no new code,
        // hop-one is not assumed again.
        _server.MoveCredentialTimeAhead(TimeSpan.FromMinutes(16));
        _server.StartRecordingRequests();
        Assert.NotNull(await session.Iam.ListUsersAsync());
        var renewed = _server.StopRecordingRequests().Where(r => r.Action == "AssumeRole").ToList();
        Assert.Equal(new[] { SessionArn("hop-one") }, renewed.Select(r => r.CallerArn));
        AssertNoSecretIn(log, session);

        // Once the MFA role has ended, the outer role cannot be renewed: the error says to connect again with a new code.
        _server.MoveCredentialTimeAhead(TimeSpan.FromMinutes(45));
        var assumedBefore = Count("AssumeRole");
        var error = await Assert.ThrowsAsync<OnboardConfigurationException>(() => session.Iam.ListUsersAsync());
        Assert.StartsWith("The session of role profile 'hop-two' has ended: the credentials of role " + RoleArn + " (profile 'hop-one', which 'hop-two' is assumed through), assumed with MFA device "
            + serial, error.Message, StringComparison.Ordinal);
        Assert.Contains("Connect-Onboard -ProfileName hop-two -TokenCode <current code of " + serial + ">", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, Count("AssumeRole") - assumedBefore);
        Assert.All(log.Messages.Append(error.Message), m => Assert.DoesNotMatch("(?<![0-9])" + code + "(?![0-9])", m));
    }

    [Fact]
    public async Task The_code_for_a_role_inside_a_chain_goes_to_that_roles_AssumeRole_and_a_wrong_one_is_refused_there()
    {
        using var environment = new EnvironmentScope();
        var (serial, key) = await EnrolAdminMfaAsync("chain-wrong");
        WriteChain(environment, hopOneExtra: "mfa_serial = " + serial + "\n");
        var wrong = ((int.Parse(Totp.ComputeCode(key, DateTimeOffset.UtcNow), CultureInfo.InvariantCulture) + 500000) % 1000000).ToString("D6", CultureInfo.InvariantCulture);
        _server.StartRecordingRequests();

        var error = await Assert.ThrowsAsync<IamAccessDeniedException>(() => OnboardSessionFactory.ConnectAsync(new OnboardConnectOptions { ProfileName = "hop-two", TokenCode = wrong }));

        // The only AssumeRole sent is hop-one's, signed by the keys of 'base', and STS refused its code.
        Assert.Equal("AssumeRole", error.Operation);
        Assert.Equal("AssumeRole " + RoleArn + " (profile 'hop-one') was refused for its MFA code: MultiFactorAuthentication failed with invalid MFA one time pass code. "
            + "Give the current code of MFA device " + serial + " with -TokenCode (each code is good for its 30 seconds only).", error.Message);
        Assert.Equal(new[] { AdminArn }, _server.StopRecordingRequests().Where(r => r.Action == "AssumeRole").Select(r => r.CallerArn));
    }

    [Fact]
    public async Task A_role_inside_a_chain_that_asks_for_MFA_without_a_code_is_refused_before_anything_is_assumed_naming_its_device()
    {
        using var environment = new EnvironmentScope();
        WriteChain(environment, hopOneExtra: "mfa_serial = arn:aws:iam::" + _server.AccountId + ":mfa/someone\n");
        var assumedBefore = Count("AssumeRole");

        var error = await Assert.ThrowsAsync<OnboardConfigurationException>(() => OnboardSessionFactory.ConnectAsync(new OnboardConnectOptions { ProfileName = "hop-two" }));

        Assert.Equal("Profile 'hop-two' is assumed through role profile 'hop-one', which assumes role " + RoleArn + " with MFA device arn:aws:iam::" + _server.AccountId
            + ":mfa/someone: give its current code with -TokenCode (an interactive session asks for it).", error.Message);
        Assert.Equal(0, Count("AssumeRole") - assumedBefore);
    }

    [Fact]
    public async Task A_chain_where_two_roles_ask_for_MFA_is_refused_before_anything_is_assumed_naming_both()
    {
        using var environment = new EnvironmentScope();
        WriteChain(environment, hopOneExtra: "mfa_serial = arn:aws:iam::" + _server.AccountId + ":mfa/first\n", hopTwoExtra: "mfa_serial = arn:aws:iam::" + _server.AccountId + ":mfa/second\n");
        var assumedBefore = Count("AssumeRole");

        var error = await Assert.ThrowsAsync<OnboardConfigurationException>(() => OnboardSessionFactory.ConnectAsync(new OnboardConnectOptions { ProfileName = "hop-two", TokenCode = "123456" }));

        Assert.StartsWith("Profile 'hop-two' is assumed through more than one role that asks for an MFA code: role profile 'hop-two' (mfa_serial arn:aws:iam::" + _server.AccountId
            + ":mfa/second) and role profile 'hop-one' (mfa_serial arn:aws:iam::" + _server.AccountId + ":mfa/first).", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, Count("AssumeRole") - assumedBefore);
    }

    [Fact]
    public async Task RoleArn_with_a_role_profile_is_assumed_with_the_profiles_role_as_the_AWS_CLI_and_AWS_Tools_do_not_with_its_source()
    {
        using var environment = new EnvironmentScope();
        WriteChain(environment);
        var log = new CollectingLog();
        using var logScope = OnboardLog.Use(log);
        _server.StartRecordingRequests();

        using var session = await OnboardSessionFactory.ConnectAsync(new OnboardConnectOptions { ProfileName = "hop-one", RoleArn = RoleArn, RoleSessionName = "given", EndpointUrl = _server.Url.ToString() });

        // hop-one's role from the keys of 'base', then -RoleArn with hop-one's credentials.
        var assumed = _server.StopRecordingRequests().Where(r => r.Action == "AssumeRole").ToList();
        Assert.Equal(new[] { AdminArn, SessionArn("hop-one") }, assumed.Select(r => r.CallerArn));
        Assert.Equal(SessionArn("given"), session.CallerArn);
        Assert.Contains(log.Messages, m => m.StartsWith("V Role chain of profile 'hop-one', hop 2 of 2: -RoleArn " + RoleArn + ", with the credentials of role " + RoleArn + " (profile 'hop-one')", StringComparison.Ordinal));
        Assert.StartsWith("assumed role " + RoleArn + " (from role " + RoleArn + " (profile 'hop-one'), from ", session.CredentialSource, StringComparison.Ordinal);
        AssertNoSecretIn(log, session);
    }

    [Fact]
    public async Task RoleArn_with_a_role_profile_that_asks_for_MFA_takes_its_code_for_the_profiles_role()
    {
        using var environment = new EnvironmentScope();
        var (serial, key) = await EnrolAdminMfaAsync("rolearn-mfa");
        WriteChain(environment, hopOneExtra: "mfa_serial = " + serial + "\n");
        var options = new OnboardConnectOptions { ProfileName = "hop-one", RoleArn = RoleArn, RoleSessionName = "given", EndpointUrl = _server.Url.ToString() };
        Assert.Equal(serial, OnboardSessionFactory.MfaSerialNeeded(options));
        var assumedBefore = Count("AssumeRole");

        // Without a code nothing is assumed: neither the role skipped nor -RoleArn assumed from the keys of 'base'.
        var error = await Assert.ThrowsAsync<OnboardConfigurationException>(() => OnboardSessionFactory.ConnectAsync(options));
        Assert.Equal("-RoleArn " + RoleArn + " is assumed through role profile 'hop-one', which assumes role " + RoleArn + " with MFA device " + serial
            + ": give its current code with -TokenCode (an interactive session asks for it).", error.Message);
        Assert.Equal(0, Count("AssumeRole") - assumedBefore);

        _server.StartRecordingRequests();
        options.TokenCode = Totp.ComputeCode(key, DateTimeOffset.UtcNow + Totp.StepLength);
        using var session = await OnboardSessionFactory.ConnectAsync(options);
        var assumed = _server.StopRecordingRequests().Where(r => r.Action == "AssumeRole").ToList();
        Assert.Equal(new[] { AdminArn, SessionArn("hop-one") }, assumed.Select(r => r.CallerArn));
        Assert.Equal(SessionArn("given"), session.CallerArn);
    }

    /// <summary>A virtual MFA device enabled for onboard-admin (whose keys profile 'base' holds), and its key.</summary>
    private async Task<(string Serial, byte[] Key)> EnrolAdminMfaAsync(string name)
    {
        using var admin = LocalIamFixture.CreateClient(_server);
        var device = await admin.CreateVirtualMfaDeviceAsync(Names.Unique(name));
        var key = Totp.KeyFromBase32(System.Text.Encoding.ASCII.GetString(device.Base32StringSeed));
        var now = DateTimeOffset.UtcNow;
        await admin.EnableMfaDeviceAsync("onboard-admin", device.SerialNumber, Totp.ComputeCode(key, now - Totp.StepLength), Totp.ComputeCode(key, now));
        return (device.SerialNumber, key);
    }

    /// <summary>base (keys) &lt;- hop-one (role) &lt;- hop-two (role), each role session named after its profile.</summary>
    private void WriteChain(EnvironmentScope environment, string hopOneExtra = "", string hopTwoExtra = "")
    {
        File.WriteAllText(environment.CredentialsFile, "[base]\naws_access_key_id = " + _server.AdminAccessKeyId + "\naws_secret_access_key = " + _server.AdminSecretAccessKey + "\n");
        File.WriteAllText(environment.ConfigFile,
            "[profile hop-one]\nrole_arn = " + RoleArn + "\nsource_profile = base\nrole_session_name = hop-one\n" + hopOneExtra
            + "[profile hop-two]\nrole_arn = " + RoleArn + "\nsource_profile = hop-one\nrole_session_name = hop-two\nendpoint_url = " + _server.Url + "\n" + hopTwoExtra);
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
