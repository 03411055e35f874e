using System;
using System.Text;
using System.Threading.Tasks;
using IamOnboard.Mfa;
using Xunit;

namespace IamOnboard.Tests.LocalIam;

public sealed class MfaTests : LocalIamTestBase
{
    private async Task<(string Serial, string Base32, byte[] Png)> CreateDeviceAsync(string name)
    {
        var created = (await Admin.IamAsync("CreateVirtualMFADevice", ("VirtualMFADeviceName", name))).EnsureSuccess();
        string base32 = Encoding.ASCII.GetString(Convert.FromBase64String(created.Value("Base32StringSeed")!));
        return (created.Value("SerialNumber")!, base32, Convert.FromBase64String(created.Value("QRCodePNG")!));
    }

    private static (string, string) ConsecutiveCodes(string base32)
    {
        byte[] key = Totp.KeyFromBase32(base32);
        var now = DateTimeOffset.UtcNow;
        return (Totp.ComputeCode(key, now - Totp.StepLength), Totp.ComputeCode(key, now));
    }

    [Fact]
    public async Task A_new_device_has_a_64_character_seed_and_a_QR_code_of_its_otpauth_uri()
    {
        var (serial, base32, png) = await CreateDeviceAsync("alice-phone");

        Assert.Equal($"arn:aws:iam::{Server.AccountId}:mfa/alice-phone", serial);
        Assert.Matches("^[A-Z2-7]{64}$", base32);
        string? decoded = IamOnboard.Tests.Mfa.QrDecoding.DecodePng(png);
        Assert.Equal(OtpAuthUri.Create("alice-phone", Server.AccountId, base32), decoded);

        AssertError(await Admin.IamAsync("CreateVirtualMFADevice", ("VirtualMFADeviceName", "ALICE-PHONE")), 409, "EntityAlreadyExists");
    }

    [Fact]
    public async Task Enabling_needs_two_consecutive_codes_and_an_assigned_device_cannot_be_reused_or_deleted()
    {
        await CreateUserAsync("alice");
        await CreateUserAsync("bob");
        var (serial, base32, _) = await CreateDeviceAsync("alice-phone");

        var wrong = await Admin.IamAsync("EnableMFADevice", ("UserName", "alice"), ("SerialNumber", serial), ("AuthenticationCode1", "123456"), ("AuthenticationCode2", "654321"));
        AssertError(wrong, 403, "InvalidAuthenticationCode");
        var (now, _) = ConsecutiveCodes(base32);
        AssertError(await Admin.IamAsync("EnableMFADevice", ("UserName", "alice"), ("SerialNumber", serial), ("AuthenticationCode1", now), ("AuthenticationCode2", now)), 403, "InvalidAuthenticationCode");
        AssertError(await Admin.IamAsync("EnableMFADevice", ("UserName", "alice"), ("SerialNumber", serial), ("AuthenticationCode1", "12345"), ("AuthenticationCode2", "123456")), 400, "ValidationError");

        var (code1, code2) = ConsecutiveCodes(base32);
        (await Admin.IamAsync("EnableMFADevice", ("UserName", "alice"), ("SerialNumber", serial), ("AuthenticationCode1", code1), ("AuthenticationCode2", code2))).EnsureSuccess();
        AssertError(await Admin.IamAsync("EnableMFADevice", ("UserName", "bob"), ("SerialNumber", serial), ("AuthenticationCode1", code1), ("AuthenticationCode2", code2)), 409, "EntityAlreadyExists");

        var listed = (await Admin.IamAsync("ListMFADevices", ("UserName", "alice"))).EnsureSuccess();
        Assert.Equal(new[] { serial }, listed.Values("SerialNumber"));
        Assert.Equal(new[] { serial }, (await Admin.IamAsync("ListVirtualMFADevices", ("AssignmentStatus", "Assigned"))).Values("SerialNumber"));
        Assert.Empty((await Admin.IamAsync("ListVirtualMFADevices", ("AssignmentStatus", "Unassigned"))).Values("SerialNumber"));

        AssertError(await Admin.IamAsync("DeleteVirtualMFADevice", ("SerialNumber", serial)), 409, "DeleteConflict");
        AssertError(await Admin.IamAsync("DeleteUser", ("UserName", "alice")), 409, "DeleteConflict");
        (await Admin.IamAsync("DeactivateMFADevice", ("UserName", "alice"), ("SerialNumber", serial))).EnsureSuccess();
        Assert.Equal(new[] { serial }, (await Admin.IamAsync("ListVirtualMFADevices", ("AssignmentStatus", "Unassigned"))).Values("SerialNumber"));
        (await Admin.IamAsync("DeleteVirtualMFADevice", ("SerialNumber", serial))).EnsureSuccess();
        AssertError(await Admin.IamAsync("DeleteVirtualMFADevice", ("SerialNumber", serial)), 404, "NoSuchEntity");
    }

    [Fact]
    public async Task A_user_holds_at_most_eight_devices()
    {
        await CreateUserAsync("carol");
        for (int i = 1; i <= 9; i++)
        {
            var (serial, base32, _) = await CreateDeviceAsync("carol-" + i);
            var (code1, code2) = ConsecutiveCodes(base32);
            var enabled = await Admin.IamAsync("EnableMFADevice", ("UserName", "carol"), ("SerialNumber", serial), ("AuthenticationCode1", code1), ("AuthenticationCode2", code2));
            if (i <= 8)
            {
                enabled.EnsureSuccess();
            }
            else
            {
                AssertError(enabled, 409, "LimitExceeded");
            }
        }
    }

    private const string InvalidCode = "MultiFactorAuthentication failed with invalid MFA one time pass code.";

    /// <summary>
    /// A user with an access key and a device enabled with the codes of the endpoint's previous and current steps; the
    /// step EnableMFADevice took last (the endpoint's now, as the test saw it) comes back.
    /// </summary>
    private async Task<(SignedIamClient Client, string Serial, byte[] Key, DateTimeOffset EnabledAt)> UserWithDeviceAsync(string name)
    {
        var client = await UserClientAsync(name);
        var (serial, base32, _) = await CreateDeviceAsync(name + "-phone");
        byte[] key = Totp.KeyFromBase32(base32);
        var now = new DateTimeOffset(Server.UtcNow);
        (await Admin.IamAsync("EnableMFADevice", ("UserName", name), ("SerialNumber", serial),
            ("AuthenticationCode1", Totp.ComputeCode(key, now - Totp.StepLength)), ("AuthenticationCode2", Totp.ComputeCode(key, now)))).EnsureSuccess();
        return (client, serial, key, now);
    }

    private static void AssertCodeRefused(QueryResponse response)
    {
        AssertError(response, 403, "AccessDenied");
        Assert.Equal(InvalidCode, response.ErrorMessage);
    }

    [Fact]
    public async Task GetSessionToken_takes_a_code_once_and_the_code_EnableMFADevice_took_counts_as_used()
    {
        var (client, serial, key, enabledAt) = await UserWithDeviceAsync("gina");

        // RFC 6238 5.2: a code accepted once is not accepted again, even inside its window.
        AssertCodeRefused(await client.StsAsync("GetSessionToken", ("SerialNumber", serial), ("TokenCode", Totp.ComputeCode(key, enabledAt))));

        string next = Totp.ComputeCode(key, enabledAt + Totp.StepLength);
        (await client.StsAsync("GetSessionToken", ("SerialNumber", serial), ("TokenCode", next))).EnsureSuccess();
        AssertCodeRefused(await client.StsAsync("GetSessionToken", ("SerialNumber", serial), ("TokenCode", next)));

        // An older code still inside the window is refused too: the device's last step moved past it.
        Server.ShiftClock(Totp.StepLength);
        AssertCodeRefused(await client.StsAsync("GetSessionToken", ("SerialNumber", serial), ("TokenCode", Totp.ComputeCode(key, enabledAt))));
        (await client.StsAsync("GetSessionToken", ("SerialNumber", serial), ("TokenCode", Totp.ComputeCode(key, enabledAt + Totp.StepLength + Totp.StepLength)))).EnsureSuccess();
    }

    [Fact]
    public async Task AssumeRole_takes_a_code_once_so_a_second_role_assumed_with_the_same_code_is_refused_as_STS_does()
    {
        var (client, serial, key, enabledAt) = await UserWithDeviceAsync("hank");
        (await Admin.IamAsync("AttachUserPolicy", ("UserName", "hank"), ("PolicyArn", "arn:aws:iam::aws:policy/AdministratorAccess"))).EnsureSuccess();
        string trust = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::" + Server.AccountId
            + ":root\"},\"Action\":\"sts:AssumeRole\",\"Condition\":{\"Bool\":{\"aws:MultiFactorAuthPresent\":\"true\"}}}]}";
        foreach (var role in new[] { "deploy", "audit" })
        {
            (await Admin.IamAsync("CreateRole", ("RoleName", role), ("AssumeRolePolicyDocument", trust))).EnsureSuccess();
        }

        string code = Totp.ComputeCode(key, enabledAt + Totp.StepLength);
        (await client.StsAsync("AssumeRole", ("RoleArn", $"arn:aws:iam::{Server.AccountId}:role/deploy"), ("RoleSessionName", "first"), ("SerialNumber", serial), ("TokenCode", code))).EnsureSuccess();

        // aws-cli#2279: the second role with the same code.
        AssertCodeRefused(await client.StsAsync("AssumeRole", ("RoleArn", $"arn:aws:iam::{Server.AccountId}:role/audit"), ("RoleSessionName", "second"), ("SerialNumber", serial), ("TokenCode", code)));

        // The code is spent for GetSessionToken as well: one device, one record.
        AssertCodeRefused(await client.StsAsync("GetSessionToken", ("SerialNumber", serial), ("TokenCode", code)));

        // Another user's device is a device of its own.
        var (other, otherSerial, otherKey, otherEnabledAt) = await UserWithDeviceAsync("ivy");
        (await other.StsAsync("GetSessionToken", ("SerialNumber", otherSerial), ("TokenCode", Totp.ComputeCode(otherKey, otherEnabledAt + Totp.StepLength)))).EnsureSuccess();

        Server.ShiftClock(Totp.StepLength);
        (await client.StsAsync("AssumeRole", ("RoleArn", $"arn:aws:iam::{Server.AccountId}:role/audit"), ("RoleSessionName", "second"), ("SerialNumber", serial),
            ("TokenCode", Totp.ComputeCode(key, enabledAt + Totp.StepLength + Totp.StepLength)))).EnsureSuccess();
    }

    [Fact]
    public async Task The_codes_ResyncMFADevice_took_count_as_used()
    {
        var (client, serial, key, _) = await UserWithDeviceAsync("jack");
        Server.ShiftClock(Totp.StepLength + Totp.StepLength);
        var now = new DateTimeOffset(Server.UtcNow);
        (await Admin.IamAsync("ResyncMFADevice", ("UserName", "jack"), ("SerialNumber", serial),
            ("AuthenticationCode1", Totp.ComputeCode(key, now - Totp.StepLength)), ("AuthenticationCode2", Totp.ComputeCode(key, now)))).EnsureSuccess();

        AssertCodeRefused(await client.StsAsync("GetSessionToken", ("SerialNumber", serial), ("TokenCode", Totp.ComputeCode(key, now))));
        (await client.StsAsync("GetSessionToken", ("SerialNumber", serial), ("TokenCode", Totp.ComputeCode(key, now + Totp.StepLength)))).EnsureSuccess();
    }
}
