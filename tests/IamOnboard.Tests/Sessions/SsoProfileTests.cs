using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Text.Json;
using System.Threading.Tasks;
using IamOnboard.LocalIam;
using IamOnboard.Sessions;
using IamOnboard.Tests.Iam;
using Xunit;

namespace IamOnboard.Tests.Sessions;

/// <summary>
/// IAM Identity Center profiles in the engine: when a cached sign-in is renewed through SSO OIDC and when it is not,
/// against the local endpoint's portal and SSO OIDC, with the AWS CLI's cache under a temporary HOME.
/// </summary>
[Collection("Environment")]
public sealed class SsoProfileTests : IClassFixture<LocalIamFixture>
{
    private const string Profile = "corp-admin";
    private readonly LocalIamServer _server;

    public SsoProfileTests(LocalIamFixture fixture) => _server = fixture.Server;

    [Fact]
    public async Task TwoConnectsAtOnceRenewAnExpiredSignInOnceAndBothWork()
    {
        using var environment = new EnvironmentScope();
        var cache = WriteConfigAndCache(environment, _server.SignInToSso(TimeSpan.FromHours(-1)));
        var before = CreateTokenCount();

        var sessions = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => OnboardSessionFactory.ConnectAsync(new OnboardConnectOptions { ProfileName = Profile })));

        foreach (var session in sessions)
        {
            using (session)
            {
                Assert.Contains(":assumed-role/OrganizationAccountAccessRole/", session.CallerArn, StringComparison.Ordinal);
            }
        }

        Assert.Equal(1, CreateTokenCount() - before);
        Assert.True(ExpiresAt(cache) > DateTimeOffset.UtcNow.AddMinutes(30));
    }

    [Fact]
    public async Task AnExpiredClientRegistrationIsNotSentForRenewalAndSaysToSignInAgain()
    {
        using var environment = new EnvironmentScope();
        var cache = WriteConfigAndCache(environment, _server.SignInToSso(TimeSpan.FromHours(-1)), registrationExpiresAt: "2020-01-01T00:00:00Z");
        var written = File.ReadAllText(cache);
        var before = CreateTokenCount();

        var error = await Assert.ThrowsAsync<OnboardConfigurationException>(() => OnboardSessionFactory.ConnectAsync(new OnboardConnectOptions { ProfileName = Profile }));

        Assert.Contains("client registration expired at 2020-01-01", error.Message, StringComparison.Ordinal);
        Assert.Contains("aws sso login --profile " + Profile, error.Message, StringComparison.Ordinal);
        Assert.Equal(0, CreateTokenCount() - before);
        Assert.Equal(written, File.ReadAllText(cache));
    }

    [Fact]
    public async Task SsoOidcFollowsItsOwnEndpointSettingAndAnUnansweredRenewalSaysWhere()
    {
        using var environment = new EnvironmentScope();
        WriteConfigAndCache(environment, _server.SignInToSso(TimeSpan.FromHours(-1)));
        Environment.SetEnvironmentVariable("AWS_ENDPOINT_URL_SSO_OIDC", "http://127.0.0.1:9/");

        var error = await Assert.ThrowsAsync<OnboardConfigurationException>(() => OnboardSessionFactory.ConnectAsync(new OnboardConnectOptions { ProfileName = Profile, MaxAttempts = 1 }));

        Assert.Contains("SSO OIDC at http://127.0.0.1:9/ did not answer CreateToken", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutEndpointSettingsTheLoopbackSwitchRefusesAwsOwnSsoEndpointsBeforeAnyRequest()
    {
        using var environment = new EnvironmentScope();
        WriteConfigAndCache(environment, _server.SignInToSso(TimeSpan.FromHours(1)), endpointUrl: null);
        var saved = Environment.GetEnvironmentVariable(Diagnostics.LoopbackGuard.VariableName);
        Environment.SetEnvironmentVariable(Diagnostics.LoopbackGuard.VariableName, "1");
        try
        {
            var error = await Assert.ThrowsAsync<OnboardConfigurationException>(() => OnboardSessionFactory.ConnectAsync(new OnboardConnectOptions { ProfileName = Profile }));

            Assert.Contains("refuses SSO endpoint 'https://portal.sso.eu-west-1.amazonaws.com'", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable(Diagnostics.LoopbackGuard.VariableName, saved);
        }
    }

    /// <summary>An SSO profile reaching the endpoint, and the sign-in cached as <c>aws sso login</c> would; returns the cache file.</summary>
    private string WriteConfigAndCache(EnvironmentScope environment, SsoSignIn signIn, string? registrationExpiresAt = null, string? endpointUrl = "")
    {
        var endpoint = endpointUrl == string.Empty ? _server.Url.ToString() : endpointUrl;
        File.WriteAllText(environment.ConfigFile,
            "[profile " + Profile + "]\nsso_session = corp\nsso_account_id = " + _server.AccountId + "\nsso_role_name = OrganizationAccountAccessRole\n"
            + (endpoint is null ? string.Empty : "endpoint_url = " + endpoint + "\n")
            + SsoLoginCache.SessionSection);
        return SsoLoginCache.Write(environment, signIn, registrationExpiresAt: registrationExpiresAt);
    }

    private long CreateTokenCount() => _server.GetStatistics().RequestsByAction.TryGetValue("CreateToken", out var count) ? count : 0;

    private static DateTimeOffset ExpiresAt(string cache)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(cache));
        return DateTimeOffset.Parse(document.RootElement.GetProperty("expiresAt").GetString()!, CultureInfo.InvariantCulture);
    }

    private static string Plain(System.Security.SecureString secure) => new NetworkCredential(string.Empty, secure).Password;
}
