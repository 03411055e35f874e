using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using System.Xml.Linq;
using IamOnboard.Iam.Internal;

namespace IamOnboard.Iam;

/// <summary>The credentials besides passwords and access keys that IAM keeps on a user, and refuses DeleteUser while they exist.</summary>
public sealed partial class IamClient
{
    // ---- SSH public keys ----

    public async Task<IamUserCredential> UploadSshPublicKeyAsync(string userName, string publicKeyBody, CancellationToken cancellationToken = default)
    {
        var result = await CallAsync("UploadSSHPublicKey", new QueryParameters().Add("UserName", userName).Add("SSHPublicKeyBody", publicKeyBody), cancellationToken, Ref(EntityKind.User, userName)).ConfigureAwait(false);
        return ReadCredential(IamXml.Required(result, "SSHPublicKey"), userName, "SSHPublicKeyId", IamUserCredentialKind.SshPublicKey);
    }

    public Task<IReadOnlyList<IamUserCredential>> ListSshPublicKeysAsync(string userName, CancellationToken cancellationToken = default)
        => ListAsync("ListSSHPublicKeys", new QueryParameters().Add("UserName", userName), "SSHPublicKeys", e => ReadCredential(e, userName, "SSHPublicKeyId", IamUserCredentialKind.SshPublicKey), cancellationToken, Ref(EntityKind.User, userName));

    public Task DeleteSshPublicKeyAsync(string userName, string sshPublicKeyId, CancellationToken cancellationToken = default)
        => CallAsync("DeleteSSHPublicKey", new QueryParameters().Add("UserName", userName).Add("SSHPublicKeyId", sshPublicKeyId), cancellationToken);

    // ---- Signing certificates ----

    public async Task<IamUserCredential> UploadSigningCertificateAsync(string userName, string certificateBody, CancellationToken cancellationToken = default)
    {
        var result = await CallAsync("UploadSigningCertificate", new QueryParameters().Add("UserName", userName).Add("CertificateBody", certificateBody), cancellationToken, Ref(EntityKind.User, userName)).ConfigureAwait(false);
        return ReadCredential(IamXml.Required(result, "Certificate"), userName, "CertificateId", IamUserCredentialKind.SigningCertificate);
    }

    public Task<IReadOnlyList<IamUserCredential>> ListSigningCertificatesAsync(string userName, CancellationToken cancellationToken = default)
        => ListAsync("ListSigningCertificates", new QueryParameters().Add("UserName", userName), "Certificates", e => ReadCredential(e, userName, "CertificateId", IamUserCredentialKind.SigningCertificate), cancellationToken, Ref(EntityKind.User, userName));

    public Task DeleteSigningCertificateAsync(string userName, string certificateId, CancellationToken cancellationToken = default)
        => CallAsync("DeleteSigningCertificate", new QueryParameters().Add("UserName", userName).Add("CertificateId", certificateId), cancellationToken);

    // ---- Service-specific credentials ----

    /// <summary>Creates a service-specific credential; its password is returned only here and is not kept by this client.</summary>
    public async Task<IamUserCredential> CreateServiceSpecificCredentialAsync(string userName, string serviceName, CancellationToken cancellationToken = default)
    {
        var result = await CallAsync("CreateServiceSpecificCredential", new QueryParameters().Add("UserName", userName).Add("ServiceName", serviceName), cancellationToken, Ref(EntityKind.User, userName)).ConfigureAwait(false);
        return ReadCredential(IamXml.Required(result, "ServiceSpecificCredential"), userName, "ServiceSpecificCredentialId", IamUserCredentialKind.ServiceSpecificCredential);
    }

    /// <summary>Every service-specific credential of the user (one answer: ListServiceSpecificCredentials is not paged).</summary>
    public async Task<IReadOnlyList<IamUserCredential>> ListServiceSpecificCredentialsAsync(string userName, CancellationToken cancellationToken = default)
    {
        var result = await CallAsync("ListServiceSpecificCredentials", new QueryParameters().Add("UserName", userName), cancellationToken, Ref(EntityKind.User, userName)).ConfigureAwait(false);
        return IamXml.Members(result, "ServiceSpecificCredentials").Select(e => ReadCredential(e, userName, "ServiceSpecificCredentialId", IamUserCredentialKind.ServiceSpecificCredential)).ToList();
    }

    public Task DeleteServiceSpecificCredentialAsync(string userName, string credentialId, CancellationToken cancellationToken = default)
        => CallAsync("DeleteServiceSpecificCredential", new QueryParameters().Add("UserName", userName).Add("ServiceSpecificCredentialId", credentialId), cancellationToken);

    private static IamUserCredential ReadCredential(XElement element, string userName, string idElement, IamUserCredentialKind kind)
        => new(kind, IamXml.Text(element, "UserName") ?? userName, IamXml.RequiredText(element, idElement),
            !string.Equals(IamXml.Text(element, "Status"), "Inactive", System.StringComparison.OrdinalIgnoreCase), IamXml.Text(element, "ServiceName"));
}

/// <summary>Which kind of <see cref="IamUserCredential"/>.</summary>
public enum IamUserCredentialKind
{
    SshPublicKey,
    SigningCertificate,
    ServiceSpecificCredential,
}

/// <summary>An SSH public key, signing certificate or service-specific credential of a user, by id (no secret).</summary>
public sealed class IamUserCredential
{
    public IamUserCredential(IamUserCredentialKind kind, string userName, string id, bool active, string? serviceName = null)
    {
        Kind = kind;
        UserName = userName;
        Id = id;
        Active = active;
        ServiceName = serviceName;
    }

    public IamUserCredentialKind Kind { get; }
    public string UserName { get; }
    public string Id { get; }
    public bool Active { get; }
    /// <summary>For a service-specific credential: the service it signs in to.</summary>
    public string? ServiceName { get; }

    public override string ToString() => Kind switch
    {
        IamUserCredentialKind.SshPublicKey => "SSH public key " + Id,
        IamUserCredentialKind.SigningCertificate => "signing certificate " + Id,
        _ => "service-specific credential " + Id + (ServiceName is null ? string.Empty : " (" + ServiceName + ")"),
    };
}
