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

    private DateTime CredentialTime() => DateTime.UtcNow + _server.CredentialTimeAhead;

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
