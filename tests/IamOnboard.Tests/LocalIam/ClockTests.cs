using System;
using System.Globalization;
using System.Net.Http;
using System.Text;
using System.Threading.Tasks;
using IamOnboard.Mfa;
using Xunit;

namespace IamOnboard.Tests.LocalIam;

/// <summary>The endpoint's clock: the Date header of every answer, and a test hook that sets it apart from the machine's.</summary>
public sealed class ClockTests : LocalIamTestBase
{
    private static readonly HttpClient Http = new();

    private static DateTime DateOf(HttpResponseMessage response)
    {
        Assert.True(response.Headers.TryGetValues("Date", out var values), "The answer has no Date header.");
        string value = string.Join(",", values);
        Assert.True(DateTime.TryParseExact(value, "r", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var date),
            "The Date header is not RFC 1123: " + value);
        return date;
    }

    private async Task<HttpResponseMessage> SendSignedAsync(SignedIamClient client, string service, string body)
    {
        using var message = client.Sign(service, Encoding.UTF8.GetBytes(body));
        return await Http.SendAsync(message);
    }

    /// <summary>The answer's Date lies within the machine's time read before and after the request, moved by <paramref name="offset"/>.</summary>
    private static void AssertDateBetween(DateTime date, DateTime before, DateTime after, TimeSpan offset)
    {
        // Date has whole seconds: the second the answer was made in.
        Assert.InRange(date, before.AddSeconds(-1) + offset, after + offset);
    }

    [Fact]
    public async Task Every_answer_carries_a_Date_header_of_the_endpoints_time_success_error_and_STS_alike()
    {
        var before = DateTime.UtcNow;
        using var iam = await SendSignedAsync(Admin, "iam", "Action=GetUser&Version=2010-05-08");
        using var sts = await SendSignedAsync(Admin, "sts", "Action=GetCallerIdentity&Version=2011-06-15");
        using var refused = await SendSignedAsync(Admin, "iam", "Action=GetUser&Version=2010-05-08&UserName=nobody");
        using var unsigned = await Http.PostAsync(Server.Url, new StringContent("Action=ListUsers&Version=2010-05-08", Encoding.UTF8, "application/x-www-form-urlencoded"));
        using var badMethod = await Http.SendAsync(new HttpRequestMessage(HttpMethod.Put, Server.Url));
        var after = DateTime.UtcNow;

        Assert.Equal(200, (int)iam.StatusCode);
        Assert.Equal(200, (int)sts.StatusCode);
        Assert.Equal(404, (int)refused.StatusCode);
        Assert.Equal(403, (int)unsigned.StatusCode);
        foreach (var response in new[] { iam, sts, refused, unsigned, badMethod })
        {
            AssertDateBetween(DateOf(response), before, after, TimeSpan.Zero);
        }
    }

    [Fact]
    public async Task A_shifted_clock_moves_the_Date_header_and_refuses_requests_signed_by_the_machines_time_as_IAM_does()
    {
        Server.ShiftClock(TimeSpan.FromMinutes(20));
        Assert.Equal(TimeSpan.FromMinutes(20), Server.ClockOffset);

        var before = DateTime.UtcNow;
        using var ahead = await SendSignedAsync(Admin, "iam", "Action=GetUser&Version=2010-05-08");
        var after = DateTime.UtcNow;
        var answer = new QueryResponse(ahead.StatusCode, await ahead.Content.ReadAsStringAsync());
        AssertError(answer, 403, "SignatureDoesNotMatch");
        Assert.StartsWith("Signature expired: ", answer.ErrorMessage, StringComparison.Ordinal);
        AssertDateBetween(DateOf(ahead), before, after, TimeSpan.FromMinutes(20));

        Server.ShiftClock(TimeSpan.FromMinutes(-20));
        AssertError(await Admin.IamAsync("GetUser"), 403, "SignatureDoesNotMatch");

        // Inside SigV4's 15 minutes a request signed by the machine's time is accepted.
        Server.ShiftClock(TimeSpan.FromMinutes(3));
        (await Admin.IamAsync("GetUser")).EnsureSuccess();
        Server.ShiftClock(TimeSpan.Zero);
        (await Admin.IamAsync("GetUser")).EnsureSuccess();
    }

    [Fact]
    public async Task MFA_codes_are_checked_against_the_endpoints_clock()
    {
        await CreateUserAsync("alice");
        var created = (await Admin.IamAsync("CreateVirtualMFADevice", ("VirtualMFADeviceName", "alice"))).EnsureSuccess();
        string serial = created.Value("SerialNumber")!;
        byte[] key = Totp.KeyFromBase32(Encoding.ASCII.GetString(Convert.FromBase64String(created.Value("Base32StringSeed")!)));
        var offset = TimeSpan.FromMinutes(3);
        Server.ShiftClock(offset);

        // Six steps of 30 seconds apart: the machine's codes are outside IAM's window, the endpoint's are inside.
        var machine = DateTimeOffset.UtcNow;
        AssertError(await Admin.IamAsync("EnableMFADevice", ("UserName", "alice"), ("SerialNumber", serial),
            ("AuthenticationCode1", Totp.ComputeCode(key, machine - Totp.StepLength)), ("AuthenticationCode2", Totp.ComputeCode(key, machine))), 403, "InvalidAuthenticationCode");

        var service = DateTimeOffset.UtcNow + offset;
        (await Admin.IamAsync("EnableMFADevice", ("UserName", "alice"), ("SerialNumber", serial),
            ("AuthenticationCode1", Totp.ComputeCode(key, service - Totp.StepLength)), ("AuthenticationCode2", Totp.ComputeCode(key, service)))).EnsureSuccess();
    }

    [Fact]
    public async Task Temporary_credentials_are_issued_and_judged_by_the_endpoints_clock()
    {
        string roleArn = $"arn:aws:iam::{Server.AccountId}:role/OrganizationAccountAccessRole";
        Server.ShiftClock(TimeSpan.FromMinutes(10));
        var before = DateTime.UtcNow;
        var assumed = (await Admin.StsAsync("AssumeRole", ("RoleArn", roleArn), ("RoleSessionName", "shifted"))).EnsureSuccess();
        var expiration = DateTime.Parse(assumed.Value("Expiration")!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal);
        Assert.InRange(expiration, before.AddMinutes(70).AddSeconds(-1), DateTime.UtcNow.AddMinutes(70));

        // An hour on by the endpoint's clock (the SigV4 window no longer matters: an expired token is refused first).
        var session = new SignedIamClient(Server.Url, assumed.Value("AccessKeyId")!, assumed.Value("SecretAccessKey")!, assumed.Value("SessionToken"));
        (await session.StsAsync("GetCallerIdentity")).EnsureSuccess();
        Server.ShiftClock(TimeSpan.FromMinutes(71));
        AssertError(await session.StsAsync("GetCallerIdentity"), 403, "ExpiredToken");
    }
}
