using System;
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
/// Sessions whose credentials are temporary outlive them: a role profile's and an SSO profile's are renewed before they
/// run out. No test waits: the endpoint's credential time and the session's credential clock are stepped an hour ahead
/// together (<see cref="LocalIamServer.MoveCredentialTimeAhead"/>), so the endpoint answers the old credentials with
/// ExpiredToken, as STS would an hour later, and issues new ones that expire an hour after the stepped time.
/// </summary>
[Collection("Environment")]
public sealed class SessionRenewalTests : IClassFixture<LocalIamFixture>
{
    private readonly LocalIamServer _server;

    public SessionRenewalTests(LocalIamFixture fixture) => _server = fixture.Server;

    private string RoleArn => $"arn:aws:iam::{_server.AccountId}:role/OrganizationAccountAccessRole";

    [Fact]
    public async Task A_role_profile_session_assumes_the_role_again_once_for_the_requests_in_flight_when_its_credentials_run_out()
    {
        using var environment = new EnvironmentScope();
        File.WriteAllText(environment.CredentialsFile, "[base]\naws_access_key_id = " + _server.AdminAccessKeyId + "\naws_secret_access_key = " + _server.AdminSecretAccessKey + "\n");
        File.WriteAllText(environment.ConfigFile, "[profile admin-role]\nrole_arn = " + RoleArn + "\nsource_profile = base\nrole_session_name = renewing\nendpoint_url = " + _server.Url + "\n");
        var log = new CollectingLog();
        using var logScope = OnboardLog.Use(log);
        using var session = await OnboardSessionFactory.ConnectAsync(new OnboardConnectOptions { ProfileName = "admin-role", CredentialUtcNow = CredentialTime });
        Assert.NotNull(await session.Iam.ListUsersAsync());
        var assumedBefore = Count("AssumeRole");

        for (var hour = 1; hour <= 2; hour++)
        {
            _server.MoveCredentialTimeAhead(TimeSpan.FromHours(1));

            // Requests sent together share one renewal.
            await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => session.Iam.ListUsersAsync()));
            Assert.NotNull(await session.Iam.GetUserAsync("onboard-admin"));
            Assert.Equal(hour, Count("AssumeRole") - assumedBefore);
        }

        // The same role and session name as at Connect-Onboard.
        var caller = await session.Sts.GetCallerIdentityAsync(default);
        Assert.Equal($"arn:aws:sts::{_server.AccountId}:assumed-role/OrganizationAccountAccessRole/renewing", caller.Arn);
        Assert.Contains(log.Messages, m => m.StartsWith("V The role's credentials are valid until ", StringComparison.Ordinal));
        AssertNoSecretIn(log, session);
    }

    [Fact]
    public async Task An_SSO_profile_session_fetches_new_role_credentials_with_the_cached_sign_in_when_they_run_out()
    {
        using var environment = new EnvironmentScope();
        var signIn = _server.SignInToSso(TimeSpan.FromHours(8));
        WriteSsoProfile(environment, signIn, signIn.ExpiresAt, signIn.RegistrationExpiresAt);
        var log = new CollectingLog();
        using var logScope = OnboardLog.Use(log);
        using var session = await OnboardSessionFactory.ConnectAsync(new OnboardConnectOptions { ProfileName = SsoProfileName, CredentialUtcNow = CredentialTime });
        Assert.NotNull(await session.Iam.ListUsersAsync());
        var fetchedBefore = Count("GetRoleCredentials");

        _server.MoveCredentialTimeAhead(TimeSpan.FromHours(1));

        await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => session.Iam.ListUsersAsync()));
        Assert.Equal(1, Count("GetRoleCredentials") - fetchedBefore);
        Assert.Contains(log.Messages, m => m.StartsWith("V SSO profile '" + SsoProfileName + "': role credentials valid until ", StringComparison.Ordinal));
        AssertNoSecretIn(log, session, Plain(signIn.AccessToken), Plain(signIn.RefreshToken), Plain(signIn.ClientSecret));
    }

    [Fact]
    public async Task An_SSO_session_whose_sign_in_expired_and_cannot_be_renewed_says_to_sign_in_again_and_picks_the_new_sign_in_up()
    {
        using var environment = new EnvironmentScope();
        var signIn = _server.SignInToSso(TimeSpan.FromHours(8));
        WriteSsoProfile(environment, signIn, signIn.ExpiresAt, signIn.RegistrationExpiresAt);
        var log = new CollectingLog();
        using var logScope = OnboardLog.Use(log);
        using var session = await OnboardSessionFactory.ConnectAsync(new OnboardConnectOptions { ProfileName = SsoProfileName, CredentialUtcNow = CredentialTime });
        Assert.NotNull(await session.Iam.ListUsersAsync());

        // The sign-in ran out meanwhile, and its client registration too: nothing can renew it without a person.
        WriteSsoProfile(environment, signIn, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.Parse("2020-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        _server.MoveCredentialTimeAhead(TimeSpan.FromHours(1));
        var createTokenBefore = Count("CreateToken");

        var error = await Assert.ThrowsAsync<OnboardConfigurationException>(() => session.Iam.ListUsersAsync());

        Assert.Contains("SSO profile '" + SsoProfileName + "' (role OrganizationAccountAccessRole in account " + _server.AccountId + ")", error.Message, StringComparison.Ordinal);
        Assert.Contains("could not be renewed", error.Message, StringComparison.Ordinal);
        Assert.Contains("The SSO sign-in of profile '" + SsoProfileName + "' expired at ", error.Message, StringComparison.Ordinal);
        Assert.Contains("aws sso login --profile " + SsoProfileName, error.Message, StringComparison.Ordinal);
        Assert.Contains("Connect-Onboard -ProfileName " + SsoProfileName, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("ExpiredToken", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, Count("CreateToken") - createTokenBefore);
        var secrets = new[] { Plain(signIn.AccessToken), Plain(signIn.RefreshToken), Plain(signIn.ClientSecret) };
        Assert.All(secrets, secret => Assert.DoesNotContain(secret, error.ToString(), StringComparison.Ordinal));

        // 'aws sso login' again: the same session goes on with the new sign-in.
        var again = _server.SignInToSso(TimeSpan.FromHours(8));
        WriteSsoProfile(environment, again, again.ExpiresAt, again.RegistrationExpiresAt);
        Assert.NotNull(await session.Iam.ListUsersAsync());
        AssertNoSecretIn(log, session, secrets.Concat(new[] { Plain(again.AccessToken) }).ToArray());
    }

    [Fact]
    public async Task A_role_profile_session_whose_source_key_was_deleted_fails_its_renewal_naming_the_profile_role_source_and_cause()
    {
        using var environment = new EnvironmentScope();
        using var admin = LocalIamFixture.CreateClient(_server);
        var user = Names.Unique("renewal-source");
        await admin.CreateUserAsync(user);
        await admin.AttachUserPolicyAsync(user, "arn:aws:iam::aws:policy/AdministratorAccess");
        string keyId;
        string secret;
        using (var key = await admin.CreateAccessKeyAsync(user))
        {
            keyId = key.AccessKeyId;
            secret = SsoLoginCache.Plain(key.SecretAccessKey);
        }

        File.WriteAllText(environment.CredentialsFile, "[ci-key]\naws_access_key_id = " + keyId + "\naws_secret_access_key = " + secret + "\n");
        File.WriteAllText(environment.ConfigFile, "[profile deploy-role]\nrole_arn = " + RoleArn + "\nsource_profile = ci-key\nrole_session_name = deploy\nendpoint_url = " + _server.Url + "\n");
        var log = new CollectingLog();
        using var logScope = OnboardLog.Use(log);
        using var session = await OnboardSessionFactory.ConnectAsync(new OnboardConnectOptions { ProfileName = "deploy-role", CredentialUtcNow = CredentialTime });
        Assert.NotNull(await session.Iam.ListUsersAsync());

        // The source key is deleted (rotated away, or the user offboarded) while the session runs; then its hour ends.
        await admin.DeleteAccessKeyAsync(user, keyId);
        _server.MoveCredentialTimeAhead(TimeSpan.FromHours(1));

        var error = await Assert.ThrowsAsync<OnboardConfigurationException>(() => session.Iam.ListUsersAsync());

        Assert.Contains("role " + RoleArn + " (session 'deploy', from profile 'ci-key')", error.Message, StringComparison.Ordinal);
        Assert.Contains("could not be renewed", error.Message, StringComparison.Ordinal);
        Assert.Contains("InvalidClientTokenId", error.Message, StringComparison.Ordinal);
        Assert.Contains("access key " + keyId + " of profile 'ci-key'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Connect-Onboard -ProfileName deploy-role", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, error.ToString(), StringComparison.Ordinal);
        Assert.All(log.Messages, m => Assert.DoesNotContain(secret, m, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_role_profile_session_whose_source_is_an_SSO_profile_fetches_the_SSO_role_credentials_and_assumes_the_role_again_when_they_run_out()
    {
        using var environment = new EnvironmentScope();
        var signIn = _server.SignInToSso(TimeSpan.FromHours(8));
        WriteSsoProfile(environment, signIn, signIn.ExpiresAt, signIn.RegistrationExpiresAt);
        File.AppendAllText(environment.ConfigFile, "[profile via-sso]\nrole_arn = " + RoleArn + "\nsource_profile = " + SsoProfileName + "\nrole_session_name = via-sso\nendpoint_url = " + _server.Url + "\n");
        var log = new CollectingLog();
        using var logScope = OnboardLog.Use(log);
        using var session = await OnboardSessionFactory.ConnectAsync(new OnboardConnectOptions { ProfileName = "via-sso", CredentialUtcNow = CredentialTime });
        Assert.NotNull(await session.Iam.ListUsersAsync());

        for (var hour = 1; hour <= 2; hour++)
        {
            _server.MoveCredentialTimeAhead(TimeSpan.FromHours(1));
            _server.StartRecordingRequests();

            // Requests sent together share one renewal of each.
            await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => session.Iam.ListUsersAsync()));

            var renewal = _server.StopRecordingRequests().Where(r => r.Action is "GetRoleCredentials" or "AssumeRole").ToList();
            Assert.Equal(new[] { "GetRoleCredentials", "AssumeRole" }, renewal.Select(r => r.Action));
            // Assumed with the SSO role's new credentials, not a user's.
            Assert.Contains(":assumed-role/OrganizationAccountAccessRole/", renewal[1].CallerArn, StringComparison.Ordinal);
        }

        Assert.Equal($"arn:aws:sts::{_server.AccountId}:assumed-role/OrganizationAccountAccessRole/via-sso", (await session.Sts.GetCallerIdentityAsync(default)).Arn);
        AssertNoSecretIn(log, session, Plain(signIn.AccessToken), Plain(signIn.RefreshToken), Plain(signIn.ClientSecret));
    }

    [Fact]
    public async Task A_role_assumed_with_MFA_is_not_renewed_and_its_expiry_fails_calls_saying_to_connect_with_a_new_code()
    {
        using var environment = new EnvironmentScope();
        using var admin = LocalIamFixture.CreateClient(_server);
        var device = await admin.CreateVirtualMfaDeviceAsync(Names.Unique("renewal"));
        var key = Totp.KeyFromBase32(System.Text.Encoding.ASCII.GetString(device.Base32StringSeed));
        var now = DateTimeOffset.UtcNow;
        await admin.EnableMfaDeviceAsync("onboard-admin", device.SerialNumber, Totp.ComputeCode(key, now - Totp.StepLength), Totp.ComputeCode(key, now));
        File.WriteAllText(environment.CredentialsFile, "[base]\naws_access_key_id = " + _server.AdminAccessKeyId + "\naws_secret_access_key = " + _server.AdminSecretAccessKey + "\n");
        File.WriteAllText(environment.ConfigFile, "[profile admin-mfa]\nrole_arn = " + RoleArn + "\nsource_profile = base\nmfa_serial = " + device.SerialNumber
            + "\nrole_session_name = with-mfa\nendpoint_url = " + _server.Url + "\n");
        var log = new CollectingLog();
        using var logScope = OnboardLog.Use(log);
        // The next step's code: enabling the device took this step's, and STS takes a code once.
        var code = Totp.ComputeCode(key, DateTimeOffset.UtcNow + Totp.StepLength);
        using var session = await OnboardSessionFactory.ConnectAsync(new OnboardConnectOptions { ProfileName = "admin-mfa", TokenCode = code, CredentialUtcNow = CredentialTime });
        Assert.NotNull(await session.Iam.ListUsersAsync());
        Assert.Contains(log.Messages, m => m.StartsWith("V The role's credentials are valid until ", StringComparison.Ordinal) && m.Contains("cannot be renewed", StringComparison.Ordinal));
        var assumedBefore = Count("AssumeRole");

        // Four minutes before the end: the calls go on, with one warning.
        _server.MoveCredentialTimeAhead(TimeSpan.FromMinutes(56));
        Assert.NotNull(await session.Iam.ListUsersAsync());
        Assert.NotNull(await session.Iam.ListUsersAsync());
        var warning = Assert.Single(log.Messages, m => m.StartsWith("W ", StringComparison.Ordinal));
        Assert.Contains("Connect-Onboard -ProfileName admin-mfa -TokenCode", warning, StringComparison.Ordinal);

        _server.MoveCredentialTimeAhead(TimeSpan.FromMinutes(4));
        var failuresBefore = _server.GetStatistics().AuthenticationFailures;

        var error = await Assert.ThrowsAsync<OnboardConfigurationException>(() => session.Iam.ListUsersAsync());
        Assert.Contains("role profile 'admin-mfa'", error.Message, StringComparison.Ordinal);
        Assert.Contains("role " + RoleArn, error.Message, StringComparison.Ordinal);
        Assert.Matches("expired at [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8}Z", error.Message);
        Assert.Contains("Connect-Onboard -ProfileName admin-mfa -TokenCode", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("ExpiredToken", error.Message, StringComparison.Ordinal);
        Assert.DoesNotMatch(AsNumberOfItsOwn(code), error.Message);
        // Nothing was sent with the old credentials, and the role was not assumed again (it would need a new code).
        Assert.Equal(0, Count("AssumeRole") - assumedBefore);
        Assert.Equal(failuresBefore, _server.GetStatistics().AuthenticationFailures);
        await Assert.ThrowsAsync<OnboardConfigurationException>(() => session.Sts.GetCallerIdentityAsync(default));
        Assert.All(log.Messages, m => Assert.DoesNotMatch(AsNumberOfItsOwn(code), m));
    }

    [Fact]
    public async Task ExpiredToken_for_credentials_this_machines_clock_holds_valid_names_both_times_and_does_not_blame_a_clock_the_answers_Date_agrees_with()
    {
        using var environment = new EnvironmentScope();
        File.WriteAllText(environment.CredentialsFile, "[base]\naws_access_key_id = " + _server.AdminAccessKeyId + "\naws_secret_access_key = " + _server.AdminSecretAccessKey + "\n");
        File.WriteAllText(environment.ConfigFile, "[profile skewed]\nrole_arn = " + RoleArn + "\nsource_profile = base\nrole_session_name = skewed\nendpoint_url = " + _server.Url + "\n");
        // The session keeps the machine's clock (no CredentialUtcNow): when the endpoint's credential time moves an hour
        // ahead, the credentials are over by the endpoint's reckoning while its clock, and so its Date header, stays with
        // this machine's (ClockOffTests has the clock that is off).
        using var session = await OnboardSessionFactory.ConnectAsync(new OnboardConnectOptions { ProfileName = "skewed" });
        Assert.NotNull(await session.Iam.ListUsersAsync());
        var assumedBefore = Count("AssumeRole");

        _server.MoveCredentialTimeAhead(TimeSpan.FromHours(1));

        var error = await Assert.ThrowsAsync<IamAccessDeniedException>(() => session.Iam.ListUsersAsync());
        Assert.Equal("ExpiredToken", error.ErrorCode);
        Assert.Matches("by this machine's clock \\([0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8}Z\\) the session's temporary credentials are valid until [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8}Z", error.Message);
        Assert.Contains("by the service's clock (its Date header), which agrees with this machine's, so the clock is not the cause", error.Message, StringComparison.Ordinal);
        var sts = await Assert.ThrowsAsync<IamAccessDeniedException>(() => session.Sts.GetCallerIdentityAsync(default));
        Assert.Contains("which agrees with this machine's, so the clock is not the cause", sts.Message, StringComparison.Ordinal);
        // Not renewed: by this machine's clock nothing has expired.
        Assert.Equal(0, Count("AssumeRole") - assumedBefore);
    }

    [Fact]
    public async Task ExpiredToken_for_credentials_of_unknown_expiry_from_a_credential_process_keeps_the_generic_message_not_the_clock_one()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // The script is a shell script.
        }

        using var environment = new EnvironmentScope();
        File.WriteAllText(environment.CredentialsFile, "[base]\naws_access_key_id = " + _server.AdminAccessKeyId + "\naws_secret_access_key = " + _server.AdminSecretAccessKey + "\n");
        File.WriteAllText(environment.ConfigFile, "[profile role]\nrole_arn = " + RoleArn + "\nsource_profile = base\nendpoint_url = " + _server.Url + "\n");
        using var roleSession = await OnboardSessionFactory.ConnectAsync(new OnboardConnectOptions { ProfileName = "role", CredentialUtcNow = CredentialTime });
        var temporary = roleSession.Settings.Credentials.GetCredentials();
        // A credential_process printing temporary credentials without their Expiration: their expiry is unknown here.
        var script = Path.Combine(environment.Home, "creds.sh");
        File.WriteAllText(script, "#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": \"" + temporary.AccessKey + "\", \"SecretAccessKey\": \"" + temporary.SecretKey
            + "\", \"SessionToken\": \"" + temporary.Token + "\"}'\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.AppendAllText(environment.ConfigFile, "[profile vault]\ncredential_process = " + script + "\nendpoint_url = " + _server.Url + "\n");
        using var session = await OnboardSessionFactory.ConnectAsync(new OnboardConnectOptions { ProfileName = "vault" });
        Assert.Contains(":assumed-role/OrganizationAccountAccessRole/", session.CallerArn, StringComparison.Ordinal);

        Assert.True(_server.ExpireTemporaryCredentials() > 0);

        var error = await Assert.ThrowsAsync<IamAccessDeniedException>(() => session.Iam.ListUsersAsync());
        Assert.Equal("ExpiredToken", error.ErrorCode);
        Assert.Contains("the session's temporary credentials are no longer valid", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("clock", error.Message, StringComparison.Ordinal);
    }

    /// <summary>The code as a number of its own: six digits may occur inside an account id.</summary>
    private static string AsNumberOfItsOwn(string code) => "(?<![0-9])" + code + "(?![0-9])";

    private DateTime CredentialTime() => DateTime.UtcNow + _server.CredentialTimeAhead;

    private const string SsoProfileName = "corp-admin";

    /// <summary>An SSO profile reaching the endpoint, and its sign-in cached as <c>aws sso login</c> caches it.</summary>
    private void WriteSsoProfile(EnvironmentScope environment, SsoSignIn signIn, DateTimeOffset expiresAt, DateTimeOffset registrationExpiresAt)
    {
        File.WriteAllText(environment.ConfigFile,
            "[profile " + SsoProfileName + "]\nsso_session = corp\nsso_account_id = " + _server.AccountId + "\nsso_role_name = OrganizationAccountAccessRole\nendpoint_url = " + _server.Url + "\n"
            + SsoLoginCache.SessionSection);
        SsoLoginCache.Write(environment, signIn, expiresAt: expiresAt, registrationExpiresAt: SsoLoginCache.Time(registrationExpiresAt));
    }

    private static string Plain(System.Security.SecureString secure) => SsoLoginCache.Plain(secure);

    private long Count(string action) => _server.GetStatistics().RequestsByAction.TryGetValue(action, out var count) ? count : 0;

    /// <summary>Neither the source's secret key nor the session's current temporary secret key and token reach the log.</summary>
    private void AssertNoSecretIn(CollectingLog log, OnboardSession session, params string[] moreSecrets)
    {
        var current = session.Settings.Credentials.GetCredentials();
        var secrets = new[] { _server.AdminSecretAccessKey, current.SecretKey, current.Token }.Concat(moreSecrets).Where(s => !string.IsNullOrEmpty(s)).ToList();
        Assert.Equal(3 + moreSecrets.Length, secrets.Count);
        Assert.All(log.Messages, message => Assert.All(secrets, secret => Assert.DoesNotContain(secret, message, StringComparison.Ordinal)));
    }
}
