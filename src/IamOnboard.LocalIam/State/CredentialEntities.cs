using System;

namespace IamOnboard.LocalIam.State;

// The other credentials IAM keeps on a user. DeleteUser is refused while any of them exist.

internal sealed class SshPublicKeyEntity
{
    public string SshPublicKeyId { get; set; } = string.Empty;
    public string Body { get; set; } = string.Empty;
    public string Fingerprint { get; set; } = string.Empty;
    public string Status { get; set; } = "Active";
    public DateTime UploadDate { get; set; }
}

internal sealed class SigningCertificateEntity
{
    public string CertificateId { get; set; } = string.Empty;
    public string Body { get; set; } = string.Empty;
    public string Status { get; set; } = "Active";
    public DateTime UploadDate { get; set; }
}

internal sealed class ServiceSpecificCredentialEntity
{
    public string CredentialId { get; set; } = string.Empty;
    public string ServiceName { get; set; } = string.Empty;
    public string ServiceUserName { get; set; } = string.Empty;
    public string Status { get; set; } = "Active";
    public DateTime CreateDate { get; set; }
}
