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

        var device = await new VirtualMfaEnroller(session).CreateDeviceAsync("anna", "anna", null, _ => Task.FromResult(false), CancellationToken.None);

        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, device.QrCodePng[..4]);
        var text = QrDecoding.DecodePng(device.QrCodePng);
        Assert.Equal(device.OtpAuthUri, text);
        Assert.Contains("secret=" + Seed, text, StringComparison.Ordinal);
    }
}
