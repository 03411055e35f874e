using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Security;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using IamOnboard.LocalIam;
using Xunit;

namespace IamOnboard.Tests.LocalIam;

/// <summary>
/// The endpoint's IAM Identity Center on the wire: SSO OIDC's CreateToken (refresh_token grant) and the portal's
/// GetRoleCredentials, as the AWS SDK's clients call them (unsigned JSON, errors named in x-amzn-ErrorType).
/// </summary>
public sealed class IdentityCenterTests : IDisposable
{
    private readonly LocalIamServer _server = LocalIamServer.Start(new LocalIamOptions());
    private readonly HttpClient _http = new();

    [Fact]
    public async Task ARefreshIssuesAnAccessTokenThePortalAcceptsAndReplacesTheRefreshToken()
    {
        var signIn = _server.SignInToSso(TimeSpan.FromHours(-1));
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetRoleCredentialsAsync(Plain(signIn.AccessToken))).Status);

        var answer = await CreateTokenAsync(signIn.ClientId, Plain(signIn.ClientSecret), "refresh_token", Plain(signIn.RefreshToken));

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        var accessToken = answer.Body.GetProperty("accessToken").GetString()!;
        var refreshToken = answer.Body.GetProperty("refreshToken").GetString()!;
        Assert.Equal(3600, answer.Body.GetProperty("expiresIn").GetInt32());
        Assert.Equal("Bearer", answer.Body.GetProperty("tokenType").GetString());
        Assert.NotEqual(Plain(signIn.AccessToken), accessToken);
        Assert.NotEqual(Plain(signIn.RefreshToken), refreshToken);

        var credentials = await GetRoleCredentialsAsync(accessToken);
        Assert.Equal(HttpStatusCode.OK, credentials.Status);
        Assert.StartsWith("ASIA", credentials.Body.GetProperty("roleCredentials").GetProperty("accessKeyId").GetString(), StringComparison.Ordinal);

        // The new refresh token works in turn.
        Assert.Equal(HttpStatusCode.OK, (await CreateTokenAsync(signIn.ClientId, Plain(signIn.ClientSecret), "refresh_token", refreshToken)).Status);
    }

    [Fact]
    public async Task ARefreshTokenIsGoodForOneExchange()
    {
        var signIn = _server.SignInToSso(TimeSpan.FromHours(1));
        Assert.Equal(HttpStatusCode.OK, (await CreateTokenAsync(signIn.ClientId, Plain(signIn.ClientSecret), "refresh_token", Plain(signIn.RefreshToken))).Status);

        var again = await CreateTokenAsync(signIn.ClientId, Plain(signIn.ClientSecret), "refresh_token", Plain(signIn.RefreshToken));

        AssertError(again, HttpStatusCode.BadRequest, "InvalidGrantException", "invalid_grant");
    }

    [Fact]
    public async Task AWrongClientSecretOrAnUnknownClientIsInvalidClientAndSpendsNothing()
    {
        var signIn = _server.SignInToSso(TimeSpan.FromHours(1));

        AssertError(await CreateTokenAsync(signIn.ClientId, "not-the-secret", "refresh_token", Plain(signIn.RefreshToken)), HttpStatusCode.Unauthorized, "InvalidClientException", "invalid_client");
        AssertError(await CreateTokenAsync("client-UNKNOWN", Plain(signIn.ClientSecret), "refresh_token", Plain(signIn.RefreshToken)), HttpStatusCode.Unauthorized, "InvalidClientException", "invalid_client");

        Assert.Equal(HttpStatusCode.OK, (await CreateTokenAsync(signIn.ClientId, Plain(signIn.ClientSecret), "refresh_token", Plain(signIn.RefreshToken))).Status);
    }

    [Fact]
    public async Task AnotherClientsRefreshTokenIsInvalidGrant()
    {
        var mine = _server.SignInToSso(TimeSpan.FromHours(1));
        var theirs = _server.SignInToSso(TimeSpan.FromHours(1));

        var answer = await CreateTokenAsync(mine.ClientId, Plain(mine.ClientSecret), "refresh_token", Plain(theirs.RefreshToken));

        AssertError(answer, HttpStatusCode.BadRequest, "InvalidGrantException", "invalid_grant");
    }

    [Fact]
    public async Task OnlyTheRefreshTokenGrantIsServed()
    {
        var signIn = _server.SignInToSso(TimeSpan.FromHours(1));

        var answer = await CreateTokenAsync(signIn.ClientId, Plain(signIn.ClientSecret), "urn:ietf:params:oauth:grant-type:device_code", null);

        AssertError(answer, HttpStatusCode.BadRequest, "UnsupportedGrantTypeException", "unsupported_grant_type");
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[\"clientId\"]")]
    [InlineData("{\"clientSecret\":\"s\",\"grantType\":\"refresh_token\",\"refreshToken\":\"r\"}")]
    [InlineData("{\"clientId\":\"c\",\"clientSecret\":\"s\",\"grantType\":\"refresh_token\"}")]
    public async Task AMissingFieldOrABodyThatIsNotAJsonObjectIsInvalidRequest(string body)
    {
        var answer = await PostTokenAsync(body);

        AssertError(answer, HttpStatusCode.BadRequest, "InvalidRequestException", "invalid_request");
    }

    [Fact]
    public void ASignInShowsNoSecret()
    {
        var signIn = _server.SignInToSso(TimeSpan.FromHours(1));

        var shown = signIn.ToString();

        Assert.Contains(signIn.ClientId, shown, StringComparison.Ordinal);
        Assert.DoesNotContain(Plain(signIn.AccessToken), shown, StringComparison.Ordinal);
        Assert.DoesNotContain(Plain(signIn.RefreshToken), shown, StringComparison.Ordinal);
        Assert.DoesNotContain(Plain(signIn.ClientSecret), shown, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _http.Dispose();
        _server.Dispose();
    }

    private Task<Answer> CreateTokenAsync(string clientId, string clientSecret, string grantType, string? refreshToken)
    {
        var fields = new System.Collections.Generic.Dictionary<string, string> { ["clientId"] = clientId, ["clientSecret"] = clientSecret, ["grantType"] = grantType };
        if (refreshToken is not null)
        {
            fields["refreshToken"] = refreshToken;
        }

        return PostTokenAsync(JsonSerializer.Serialize(fields));
    }

    private async Task<Answer> PostTokenAsync(string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync(new Uri(_server.Url, "token"), content);
        return await Answer.ReadAsync(response);
    }

    private async Task<Answer> GetRoleCredentialsAsync(string accessToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_server.Url, "federation/credentials?role_name=OrganizationAccountAccessRole&account_id=" + _server.AccountId));
        request.Headers.Add("x-amz-sso_bearer_token", accessToken);
        using var response = await _http.SendAsync(request);
        return await Answer.ReadAsync(response);
    }

    private static void AssertError(Answer answer, HttpStatusCode status, string errorType, string oauthError)
    {
        Assert.Equal(status, answer.Status);
        Assert.Equal(errorType, answer.ErrorType);
        Assert.Equal(oauthError, answer.Body.GetProperty("error").GetString());
        Assert.False(string.IsNullOrEmpty(answer.Body.GetProperty("error_description").GetString()));
    }

    private static string Plain(SecureString secure) => new NetworkCredential(string.Empty, secure).Password;

    private sealed record Answer(HttpStatusCode Status, string? ErrorType, JsonElement Body)
    {
        public static async Task<Answer> ReadAsync(HttpResponseMessage response)
        {
            var text = await response.Content.ReadAsStringAsync();
            var errorType = response.Headers.TryGetValues("x-amzn-ErrorType", out var values) ? values.First() : null;
            return new Answer(response.StatusCode, errorType, JsonDocument.Parse(text).RootElement.Clone());
        }
    }
}
