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
}
