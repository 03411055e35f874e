using System;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using IamOnboard.AwsSdk;
using IamOnboard.Onboarding;
using IamOnboard.Sessions;
using IamOnboard.Tests.Iam;
using IamOnboard.Tests.Sessions;
using Xunit;

namespace IamOnboard.Tests.Mfa;

/// <summary>The QR code people scan is drawn by the module from the seed, whatever bytes the endpoint sent as QRCodePNG.</summary>
[Collection("Environment")]
public sealed class QrFromSeedTests
{
    private const string Seed = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

    private static RecordedAnswer Answer(string action) => action switch
    {
        "GetCallerIdentity" => new(200, "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><GetCallerIdentityResult>"
            + "<Arn>arn:aws:iam::123456789012:user/admin</Arn><UserId>AIDAEXAMPLEEXAMPLE01</UserId><Account>123456789012</Account>"
            + "</GetCallerIdentityResult><ResponseMetadata><RequestId>r0</RequestId></ResponseMetadata></GetCallerIdentityResponse>"),
        "ListAccountAliases" => new(200, "<ListAccountAliasesResponse><ListAccountAliasesResult><AccountAliases/><IsTruncated>false</IsTruncated>"
            + "</ListAccountAliasesResult></ListAccountAliasesResponse>"),
        "CreateVirtualMFADevice" => new(200, "<CreateVirtualMFADeviceResponse><CreateVirtualMFADeviceResult><VirtualMFADevice>"
            + "<SerialNumber>arn:aws:iam::123456789012:mfa/anna</SerialNumber>"
            + "<Base32StringSeed>" + Convert.ToBase64String(Encoding.ASCII.GetBytes(Seed)) + "</Base32StringSeed>"
            + "<QRCodePNG>" + Convert.ToBase64String(Encoding.ASCII.GetBytes("this is not a PNG")) + "</QRCodePNG>"
            + "</VirtualMFADevice></CreateVirtualMFADeviceResult></CreateVirtualMFADeviceResponse>"),
        _ => new(400, "<ErrorResponse><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>" + action + "</Message></Error><RequestId>r</RequestId></ErrorResponse>"),
    };

    [Fact]
    public async Task The_png_is_a_QR_code_of_the_seed_not_the_bytes_the_endpoint_sent()
    {
        using var environment = new EnvironmentScope();
        using var server = new RecordedAnswerServer(Answer);
        using var session = await OnboardSessionFactory.ConnectAsync(new OnboardConnectOptions
        {
            AccessKey = "AKIAIOSFODNN7EXAMPLE",
            SecretKey = SdkCredentials.Protect("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
            EndpointUrl = server.Url.ToString(),
        });

        // A user just created: no look at devices it cannot have (the recorded server answers only what the create needs).
        var device = await new VirtualMfaEnroller(session).CreateDeviceAsync("anna", "anna", null, _ => Task.FromResult(false), CancellationToken.None, mayHaveMfa: false);

        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, device.QrCodePng[..4]);
        var text = QrDecoding.DecodePng(device.QrCodePng);
        Assert.Equal(device.OtpAuthUri, text);
        Assert.Contains("secret=" + Seed, text, StringComparison.Ordinal);
        Assert.Equal("arn:aws:iam::123456789012:mfa/anna", IamOnboard.Mfa.QrCode.FindDevice(device.QrCodePng));
    }

    [Fact]
    public void A_png_names_its_device_in_a_valid_text_chunk_and_other_files_name_none()
    {
        const string uri = "otpauth://totp/AWS:anna?secret=" + Seed;
        const string serial = "arn:aws:iam::123456789012:mfa/anna";
        var marked = IamOnboard.Mfa.QrCode.RenderPng(uri, serial);

        Assert.Equal(serial, IamOnboard.Mfa.QrCode.FindDevice(marked));
        Assert.Equal(uri, QrDecoding.DecodePng(marked));

        // The chunk right after IHDR: length, "tEXt", keyword NUL serial, and a CRC checked with another CRC-32.
        int length = (marked[33] << 24) | (marked[34] << 16) | (marked[35] << 8) | marked[36];
        Assert.Equal("tEXt", Encoding.ASCII.GetString(marked, 37, 4));
        Assert.Equal("IamOnboard-MFA-device\0" + serial, Encoding.ASCII.GetString(marked, 41, length));
        var crc = System.IO.Hashing.Crc32.Hash(marked.AsSpan(37, 4 + length));
        Assert.Equal(new[] { crc[3], crc[2], crc[1], crc[0] }, marked[(41 + length)..(45 + length)]);
        Assert.Null(IamOnboard.Mfa.QrCode.FindDevice(IamOnboard.Mfa.QrCode.RenderPng(uri)));
        Assert.Null(IamOnboard.Mfa.QrCode.FindDevice(Encoding.ASCII.GetBytes("not mine")));
        Assert.Null(IamOnboard.Mfa.QrCode.FindDevice(marked[..40])); // cut short: no chunk read past the end
        Assert.DoesNotContain(Seed, Encoding.ASCII.GetString(marked), StringComparison.Ordinal);
    }
}
