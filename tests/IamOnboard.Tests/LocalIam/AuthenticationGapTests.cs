using System;
using System.Globalization;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Tasks;
using IamOnboard.LocalIam;
using Xunit;

namespace IamOnboard.Tests.LocalIam;

/// <summary>Signing rules IAM and STS enforce that a hostile client would probe: a signed payload, a real signing region, and a state file that is one.</summary>
public sealed class AuthenticationGapTests : LocalIamTestBase
{
    /// <summary>
    /// A SigV4 request whose payload hash is UNSIGNED-PAYLOAD, signed by hand (the SDK refuses to leave the payload
    /// unsigned over plain HTTP): the headers are signed, the body is not.
    /// </summary>
    private HttpRequestMessage SignWithoutPayload(string service, byte[] body)
    {
        var now = DateTime.UtcNow;
        var amzDate = now.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var date = amzDate.Substring(0, 8);
        var host = Server.Url.Authority;
        var canonical = "POST\n/\n\nhost:" + host + "\nx-amz-content-sha256:UNSIGNED-PAYLOAD\nx-amz-date:" + amzDate
            + "\n\nhost;x-amz-content-sha256;x-amz-date\nUNSIGNED-PAYLOAD";
        var scope = date + "/us-east-1/" + service + "/aws4_request";
        var toSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n" + Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
        var key = Encoding.UTF8.GetBytes("AWS4" + Server.AdminSecretAccessKey);
        foreach (var part in new[] { date, "us-east-1", service, "aws4_request" })
        {
            key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(part));
        }

        var signature = Hex(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(toSign)));
        var message = new HttpRequestMessage(HttpMethod.Post, Server.Url) { Content = new ByteArrayContent(body) };
        message.Content.Headers.TryAddWithoutValidation("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
        message.Headers.TryAddWithoutValidation("X-Amz-Date", amzDate);
        message.Headers.TryAddWithoutValidation("X-Amz-Content-SHA256", "UNSIGNED-PAYLOAD");
        message.Headers.TryAddWithoutValidation("Authorization", "AWS4-HMAC-SHA256 Credential=" + Server.AdminAccessKeyId + "/" + scope
            + ", SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=" + signature);
        return message;
    }

    private static string Hex(byte[] bytes) => Convert.ToHexString(bytes).ToLowerInvariant();

    private static byte[] Form(string action, params (string Name, string Value)[] parameters)
    {
        var text = new StringBuilder("Action=" + action + "&Version=2010-05-08");
        foreach (var (name, value) in parameters)
        {
            text.Append('&').Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static async Task<QueryResponse> SendAsync(HttpRequestMessage message)
    {
        using var http = new HttpClient();
        using var response = await http.SendAsync(message);
        return new QueryResponse(response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Unsigned_payload_cannot_carry_another_body()
    {
        // Headers signed for a GetUser, with the body left out of the signature, then a CreateUser body sent instead.
        // Nothing in the signature covers the body, so any body rides on these headers.
        using var message = SignWithoutPayload("iam", Form("CreateUser", ("UserName", "smuggled")));
        var answer = await SendAsync(message);

        var created = (await Admin.IamAsync("GetUser", ("UserName", "smuggled"))).Status == HttpStatusCode.OK;
        Assert.False(created, "the smuggled CreateUser was carried out; the answer was " + (int)answer.Status + " " + answer.ErrorCode + ": " + answer.ErrorMessage);
        AssertError(answer, 403, "SignatureDoesNotMatch");
        Assert.Contains("UNSIGNED-PAYLOAD", answer.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unsigned_payload_is_refused_for_STS_too()
    {
        var body = Encoding.UTF8.GetBytes("Action=GetCallerIdentity&Version=2011-06-15");
        using var message = SignWithoutPayload("sts", body);
        AssertError(await SendAsync(message), 403, "SignatureDoesNotMatch");
    }

    [Theory]
    [InlineData("zz")]
    [InlineData("eu-west-1")]
    [InlineData("us-east-7")]
    public async Task IAM_refuses_a_scope_region_that_is_not_a_partitions_IAM_region(string region)
    {
        using var message = Admin.Sign("iam", Form("ListUsers"), region);
        var answer = await SendAsync(message);
        AssertError(answer, 403, "SignatureDoesNotMatch");
        Assert.Contains("'" + region + "'", answer.ErrorMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("us-east-1")]
    [InlineData("cn-north-1")]
    [InlineData("us-gov-west-1")]
    public async Task IAM_accepts_each_partitions_signing_region(string region)
    {
        using var message = Admin.Sign("iam", Form("ListUsers"), region);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(message)).Status);
    }

    [Theory]
    [InlineData("eu-west-1", HttpStatusCode.OK)]
    [InlineData("ap-southeast-2", HttpStatusCode.OK)]
    [InlineData("zz", HttpStatusCode.Forbidden)]
    [InlineData("eu-west-99", HttpStatusCode.Forbidden)]
    public async Task STS_accepts_real_regions_only(string region, HttpStatusCode expected)
    {
        var body = Encoding.UTF8.GetBytes("Action=GetCallerIdentity&Version=2011-06-15");
        using var message = Admin.Sign("sts", body, region);
        Assert.Equal(expected, (await SendAsync(message)).Status);
    }

    [Fact]
    public void A_JSON_file_that_is_not_a_state_file_is_refused_and_left_as_it_was()
    {
        var path = Path.Combine(Path.GetTempPath(), "not-state-" + Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, "{\"name\":\"app\"}");
        try
        {
            var error = Assert.Throws<InvalidDataException>(() => LocalIamServer.Start(new LocalIamOptions { StatePath = path }));
            Assert.Contains(path, error.Message, StringComparison.Ordinal);
            Assert.Contains("not a local IAM state file", error.Message, StringComparison.Ordinal);
            Assert.Equal("{\"name\":\"app\"}", File.ReadAllText(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_state_file_written_by_an_endpoint_is_served_again()
    {
        var path = Path.Combine(Path.GetTempPath(), "state-" + Guid.NewGuid().ToString("N") + ".json");
        try
        {
            string account;
            using (var first = LocalIamServer.Start(new LocalIamOptions { StatePath = path }))
            {
                account = first.AccountId;
            }

            using var second = LocalIamServer.Start(new LocalIamOptions { StatePath = path });
            Assert.Equal(account, second.AccountId);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
