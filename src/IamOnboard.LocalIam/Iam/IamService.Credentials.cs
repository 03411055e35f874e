using System;
using System.Linq;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using IamOnboard.LocalIam.Protocol;
using IamOnboard.LocalIam.State;

namespace IamOnboard.LocalIam.Iam;

/// <summary>SSH public keys, signing certificates and service-specific credentials: what else a user can sign in with.</summary>
internal sealed partial class IamService
{
    private const int SshPublicKeysPerUser = 5;
    private const int SigningCertificatesPerUser = 2;
    private const int ServiceSpecificCredentialsPerServicePerUser = 2;
    private static readonly string[] SupportedServices = { "codecommit.amazonaws.com", "cassandra.amazonaws.com", "bedrock.amazonaws.com" };

    private void RegisterCredentials()
    {
        Register("UploadSSHPublicKey", UploadSshPublicKey);
        Register("ListSSHPublicKeys", ListSshPublicKeys);
        Register("DeleteSSHPublicKey", DeleteSshPublicKey, hasResult: false);
        Register("UploadSigningCertificate", UploadSigningCertificate);
        Register("ListSigningCertificates", ListSigningCertificates);
        Register("DeleteSigningCertificate", DeleteSigningCertificate, hasResult: false);
        Register("CreateServiceSpecificCredential", CreateServiceSpecificCredential);
        Register("ListServiceSpecificCredentials", ListServiceSpecificCredentials);
        Register("DeleteServiceSpecificCredential", DeleteServiceSpecificCredential, hasResult: false);
    }

    // ---- SSH public keys (for CodeCommit) ----

    private static void UploadSshPublicKey(OperationContext context)
    {
        var user = RequireUser(context, CheckedUserName(context));
        string body = context.Required("SSHPublicKeyBody").Trim();
        OperationContext.EnforceLength("SSHPublicKeyBody", body, 1, 16384);
        byte[] blob = ParseSshPublicKey(body);
        if (user.SshPublicKeys.Count >= SshPublicKeysPerUser)
        {
            throw IamServiceException.LimitExceeded("Cannot exceed quota for PublicKeysPerUser: " + SshPublicKeysPerUser);
        }

        string fingerprint = string.Join(":", Md5(blob).Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));
        if (user.SshPublicKeys.Any(k => k.Fingerprint == fingerprint))
        {
            throw new IamServiceException("DuplicateSSHPublicKey", 400, "The SSH public key is already associated with the specified IAM user.");
        }

        var key = new SshPublicKeyEntity { SshPublicKeyId = IdGenerator.UniqueId("APKA"), Body = body, Fingerprint = fingerprint, UploadDate = context.Now };
        user.SshPublicKeys.Add(key);
        context.Result.Open("SSHPublicKey")
            .Element("UserName", user.UserName)
            .Element("SSHPublicKeyId", key.SshPublicKeyId)
            .Element("Fingerprint", key.Fingerprint)
            .Element("SSHPublicKeyBody", key.Body)
            .Element("Status", key.Status)
            .Element("UploadDate", key.UploadDate)
            .Close("SSHPublicKey");
    }

    /// <summary>An OpenSSH public key line: "ssh-rsa|ssh-ed25519 BASE64 [comment]" whose blob names the same type.</summary>
    private static byte[] ParseSshPublicKey(string body)
    {
        var parts = body.Split(new[] { ' ' }, 3, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 2 || (parts[0] != "ssh-rsa" && parts[0] != "ssh-ed25519"))
        {
            throw new IamServiceException("UnrecognizedPublicKeyEncoding", 400, "The public key encoding format is unsupported or unrecognized: give an OpenSSH ssh-rsa or ssh-ed25519 key.");
        }

        try
        {
            byte[] blob = Convert.FromBase64String(parts[1]);
            int length = blob.Length >= 4 ? (blob[0] << 24) | (blob[1] << 16) | (blob[2] << 8) | blob[3] : -1;
            if (length <= 0 || 4 + length > blob.Length || Encoding.ASCII.GetString(blob, 4, length) != parts[0] || blob.Length < 4 + length + 4 + 32)
            {
                throw new FormatException();
            }

            return blob;
        }
        catch (FormatException)
        {
            throw new IamServiceException("InvalidPublicKey", 400, "The public key is not a valid " + parts[0] + " key.");
        }
    }

    private static byte[] Md5(byte[] data)
    {
        using var md5 = MD5.Create();
        return md5.ComputeHash(data);
    }

    private static void ListSshPublicKeys(OperationContext context)
    {
        var user = UserOrCaller(context);
        var keys = Page(context, user.SshPublicKeys, k => k.SshPublicKeyId, out string? next);
        var w = context.Result.Open("SSHPublicKeys");
        foreach (var key in keys)
        {
            w.Open("member").Element("UserName", user.UserName).Element("SSHPublicKeyId", key.SshPublicKeyId)
                .Element("Status", key.Status).Element("UploadDate", key.UploadDate).Close("member");
        }

        WritePageEnd(w.Close("SSHPublicKeys"), next);
    }

    private static void DeleteSshPublicKey(OperationContext context)
    {
        var user = RequireUser(context, CheckedUserName(context));
        string id = context.Required("SSHPublicKeyId");
        var key = user.SshPublicKeys.FirstOrDefault(k => k.SshPublicKeyId == id)
            ?? throw IamServiceException.NoSuchEntity("The Public Key with id " + id + " cannot be found.");
        user.SshPublicKeys.Remove(key);
    }

    // ---- X.509 signing certificates ----

    private static void UploadSigningCertificate(OperationContext context)
    {
        var user = UserOrCaller(context);
        string body = context.Required("CertificateBody").Trim();
        OperationContext.EnforceLength("CertificateBody", body, 1, 16384);
        string id = CertificateId(body);
        if (user.SigningCertificates.Any(c => c.CertificateId == id))
        {
            throw new IamServiceException("DuplicateCertificate", 409, "The certificate is already associated with the specified IAM user.");
        }

        if (user.SigningCertificates.Count >= SigningCertificatesPerUser)
        {
            throw IamServiceException.LimitExceeded("Cannot exceed quota for SigningCertificatesPerUser: " + SigningCertificatesPerUser);
        }

        var certificate = new SigningCertificateEntity { CertificateId = id, Body = body, UploadDate = context.Now };
        user.SigningCertificates.Add(certificate);
        context.Result.Open("Certificate");
        WriteCertificate(context.Result, user, certificate);
        context.Result.Close("Certificate");
    }

    /// <summary>A PEM certificate's id, as IAM derives it from the certificate (upper-case hex of its SHA-1 thumbprint).</summary>
    private static string CertificateId(string pem)
    {
        const string Begin = "-----BEGIN CERTIFICATE-----", End = "-----END CERTIFICATE-----";
        int start = pem.IndexOf(Begin, StringComparison.Ordinal), end = pem.IndexOf(End, StringComparison.Ordinal);
        try
        {
            if (start != 0 || end < 0)
            {
                throw new FormatException();
            }

            var der = Convert.FromBase64String(pem.Substring(Begin.Length, end - Begin.Length).Replace("\r", string.Empty).Replace("\n", string.Empty));
            using var certificate = new X509Certificate2(der);
            return certificate.Thumbprint.ToUpperInvariant();
        }
        catch (Exception error) when (error is FormatException or CryptographicException)
        {
            throw new IamServiceException("MalformedCertificate", 400, "The certificate body is not a PEM-encoded X.509 certificate.");
        }
    }

    private static void WriteCertificate(XmlResponseWriter w, UserEntity user, SigningCertificateEntity certificate)
        => w.Element("UserName", user.UserName).Element("CertificateId", certificate.CertificateId).Element("CertificateBody", certificate.Body)
            .Element("Status", certificate.Status).Element("UploadDate", certificate.UploadDate);

    private static void ListSigningCertificates(OperationContext context)
    {
        var user = UserOrCaller(context);
        var certificates = Page(context, user.SigningCertificates, c => c.CertificateId, out string? next);
        var w = context.Result.Open("Certificates");
        foreach (var certificate in certificates)
        {
            w.Open("member");
            WriteCertificate(w, user, certificate);
            w.Close("member");
        }

        WritePageEnd(w.Close("Certificates"), next);
    }

    private static void DeleteSigningCertificate(OperationContext context)
    {
        var user = UserOrCaller(context);
        string id = context.Required("CertificateId");
        var certificate = user.SigningCertificates.FirstOrDefault(c => c.CertificateId == id)
            ?? throw IamServiceException.NoSuchEntity("The Certificate with id " + id + " cannot be found.");
        user.SigningCertificates.Remove(certificate);
    }

    // ---- Service-specific credentials (CodeCommit, Keyspaces, Bedrock) ----

    private static void CreateServiceSpecificCredential(OperationContext context)
    {
        var user = RequireUser(context, CheckedUserName(context));
        string service = CheckedServiceName(context.Required("ServiceName"));
        if (user.ServiceSpecificCredentials.Count(c => c.ServiceName == service) >= ServiceSpecificCredentialsPerServicePerUser)
        {
            throw IamServiceException.LimitExceeded("Cannot exceed quota for ServiceSpecificCredentialsPerUserPerService: " + ServiceSpecificCredentialsPerServicePerUser);
        }

        var credential = new ServiceSpecificCredentialEntity
        {
            CredentialId = IdGenerator.UniqueId("ACCA"),
            ServiceName = service,
            ServiceUserName = user.UserName + "-at-" + context.Store.State.AccountId,
            CreateDate = context.Now,
        };
        user.ServiceSpecificCredentials.Add(credential);
        context.Result.Open("ServiceSpecificCredential")
            .Element("CreateDate", credential.CreateDate)
            .Element("ServiceName", credential.ServiceName)
            .Element("ServiceUserName", credential.ServiceUserName)
            .Element("ServicePassword", IdGenerator.SecretAccessKey())
            .Element("ServiceSpecificCredentialId", credential.CredentialId)
            .Element("UserName", user.UserName)
            .Element("Status", credential.Status)
            .Close("ServiceSpecificCredential");
    }

    private static string CheckedServiceName(string service) => SupportedServices.Contains(service)
        ? service
        : throw new IamServiceException("NotSupportedService", 404, "The specified service '" + service + "' is not supported for service-specific credentials.");

    private static void ListServiceSpecificCredentials(OperationContext context)
    {
        var user = UserOrCaller(context);
        string? service = context.Optional("ServiceName");
        var w = context.Result.Open("ServiceSpecificCredentials");
        foreach (var credential in user.ServiceSpecificCredentials.Where(c => service is null || c.ServiceName == CheckedServiceName(service)))
        {
            w.Open("member").Element("UserName", user.UserName).Element("Status", credential.Status)
                .Element("ServiceUserName", credential.ServiceUserName).Element("CreateDate", credential.CreateDate)
                .Element("ServiceSpecificCredentialId", credential.CredentialId).Element("ServiceName", credential.ServiceName).Close("member");
        }

        w.Close("ServiceSpecificCredentials");
    }

    private static void DeleteServiceSpecificCredential(OperationContext context)
    {
        var user = UserOrCaller(context);
        string id = context.Required("ServiceSpecificCredentialId");
        var credential = user.ServiceSpecificCredentials.FirstOrDefault(c => c.CredentialId == id)
            ?? throw IamServiceException.NoSuchEntity("No such credential " + id + " exists.");
        user.ServiceSpecificCredentials.Remove(credential);
    }
}
