using System;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Tasks;
using IamOnboard.Iam;
using Xunit;

namespace IamOnboard.Tests.Iam;

/// <summary>SSH keys, signing certificates and service-specific credentials through the client, against the endpoint (held to the model like every exchange here).</summary>
public sealed class IamClientCredentialTests : IClassFixture<LocalIamFixture>
{
    private readonly LocalIamFixture _fixture;

    public IamClientCredentialTests(LocalIamFixture fixture) => _fixture = fixture;

    private static string SshEd25519Key()
    {
        var blob = new byte[4 + 11 + 4 + 32];
        blob[3] = 11;
        System.Text.Encoding.ASCII.GetBytes("ssh-ed25519").CopyTo(blob, 4);
        blob[18] = 32;
        RandomNumberGenerator.Fill(blob.AsSpan(19));
        return "ssh-ed25519 " + Convert.ToBase64String(blob) + " test";
    }

    private static string PemCertificate()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=test", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return certificate.ExportCertificatePem();
    }

    [Fact]
    public async Task Each_credential_blocks_DeleteUser_until_it_is_deleted()
    {
        using var iam = _fixture.CreateClient();
        var user = Names.Unique("creds");
        await iam.CreateUserAsync(user);
        var ssh = await iam.UploadSshPublicKeyAsync(user, SshEd25519Key());
        var certificate = await iam.UploadSigningCertificateAsync(user, PemCertificate());
        var service = await iam.CreateServiceSpecificCredentialAsync(user, "codecommit.amazonaws.com");
        Assert.Equal(ssh.Id, Assert.Single(await iam.ListSshPublicKeysAsync(user)).Id);
        Assert.Equal(certificate.Id, Assert.Single(await iam.ListSigningCertificatesAsync(user)).Id);
        var listed = Assert.Single(await iam.ListServiceSpecificCredentialsAsync(user));
        Assert.Equal(service.Id, listed.Id);
        Assert.Equal("codecommit.amazonaws.com", listed.ServiceName);

        var conflict = await Assert.ThrowsAsync<IamDeleteConflictException>(() => iam.DeleteUserAsync(user));
        Assert.Contains("SSH public keys", conflict.Message, StringComparison.Ordinal);
        await iam.DeleteSshPublicKeyAsync(user, ssh.Id);
        conflict = await Assert.ThrowsAsync<IamDeleteConflictException>(() => iam.DeleteUserAsync(user));
        Assert.Contains("signing certificates", conflict.Message, StringComparison.Ordinal);
        await iam.DeleteSigningCertificateAsync(user, certificate.Id);
        conflict = await Assert.ThrowsAsync<IamDeleteConflictException>(() => iam.DeleteUserAsync(user));
        Assert.Contains("service specific credentials", conflict.Message, StringComparison.Ordinal);
        await iam.DeleteServiceSpecificCredentialAsync(user, service.Id);
        await iam.DeleteUserAsync(user);
    }

    [Fact]
    public async Task A_key_that_is_not_an_OpenSSH_key_is_refused()
    {
        using var iam = _fixture.CreateClient();
        var user = Names.Unique("badkey");
        await iam.CreateUserAsync(user);
        var error = await Assert.ThrowsAsync<IamServiceException>(() => iam.UploadSshPublicKeyAsync(user, "not a key"));
        Assert.Equal("UnrecognizedPublicKeyEncoding", error.ErrorCode);
    }
}
