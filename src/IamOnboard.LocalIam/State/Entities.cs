using System;
using System.Collections.Generic;

namespace IamOnboard.LocalIam.State;

// Plain serializable records of the account. Mutable on purpose: the whole graph is guarded by the server's
// single state lock and written to the state file as JSON after every acknowledged change.

internal sealed class TagEntry
{
    public string Key { get; set; } = string.Empty;
    public string Value { get; set; } = string.Empty;
}

internal sealed class InlinePolicyEntity
{
    public string PolicyName { get; set; } = string.Empty;
    public string Document { get; set; } = string.Empty;
}

internal sealed class AccessKeyEntity
{
    public string AccessKeyId { get; set; } = string.Empty;
    public string SecretAccessKey { get; set; } = string.Empty;
    public string Status { get; set; } = "Active";
    public DateTime CreateDate { get; set; }
}

internal sealed class LoginProfileEntity
{
    public DateTime CreateDate { get; set; }
    public bool PasswordResetRequired { get; set; }

    /// <summary>Salted SHA-256 of the current password (<c>salt:hash</c>, base64), so ChangePassword can check the old one; null in older state files.</summary>
    public string? PasswordHash { get; set; }

    /// <summary>Hashes of earlier passwords, newest first, for the password policy's PasswordReusePrevention.</summary>
    public List<string> PreviousPasswordHashes { get; set; } = new();
}

internal sealed class UserEntity
{
    public string UserName { get; set; } = string.Empty;
    public string UserId { get; set; } = string.Empty;
    public string Path { get; set; } = "/";
    public DateTime CreateDate { get; set; }
    public string? PermissionsBoundary { get; set; }
    public List<TagEntry> Tags { get; set; } = new();
    public LoginProfileEntity? LoginProfile { get; set; }
    public List<AccessKeyEntity> AccessKeys { get; set; } = new();
    public List<InlinePolicyEntity> InlinePolicies { get; set; } = new();
    public List<string> AttachedPolicyArns { get; set; } = new();

    /// <summary>Group ids, in the order the user joined them.</summary>
    public List<string> GroupIds { get; set; } = new();

    public List<SshPublicKeyEntity> SshPublicKeys { get; set; } = new();
    public List<SigningCertificateEntity> SigningCertificates { get; set; } = new();
    public List<ServiceSpecificCredentialEntity> ServiceSpecificCredentials { get; set; } = new();
}

internal sealed class GroupEntity
{
    public string GroupName { get; set; } = string.Empty;
    public string GroupId { get; set; } = string.Empty;
    public string Path { get; set; } = "/";
    public DateTime CreateDate { get; set; }
    public List<InlinePolicyEntity> InlinePolicies { get; set; } = new();
    public List<string> AttachedPolicyArns { get; set; } = new();
}

internal sealed class ManagedPolicyEntity
{
    public string PolicyName { get; set; } = string.Empty;
    public string PolicyId { get; set; } = string.Empty;
    public string Path { get; set; } = "/";
    public string Arn { get; set; } = string.Empty;
    public string Document { get; set; } = string.Empty;
    public string? Description { get; set; }
    public string DefaultVersionId { get; set; } = "v1";
    public DateTime CreateDate { get; set; }
    public DateTime UpdateDate { get; set; }
    public List<TagEntry> Tags { get; set; } = new();

    /// <summary>When the default version was made; null means with the policy (state files from before versions).</summary>
    public DateTime? DefaultVersionCreateDate { get; set; }

    /// <summary>The versions that are not the default (Document and DefaultVersionId are the default's).</summary>
    public List<PolicyVersionEntity> OtherVersions { get; set; } = new();

    /// <summary>The highest version number ever given: IAM never reuses a deleted version's number. 0 in older state files.</summary>
    public int LastVersionNumber { get; set; }
}

internal sealed class PolicyVersionEntity
{
    public string VersionId { get; set; } = string.Empty;
    public string Document { get; set; } = string.Empty;
    public DateTime CreateDate { get; set; }
}

internal sealed class VirtualMfaDeviceEntity
{
    public string SerialNumber { get; set; } = string.Empty;
    public string DeviceName { get; set; } = string.Empty;
    public string Path { get; set; } = "/";

    /// <summary>The TOTP seed as base32 text. A secret: it lives only here and in the 0600 state file.</summary>
    public string Base32Seed { get; set; } = string.Empty;
    public DateTime CreateDate { get; set; }
    public string? UserId { get; set; }
    public DateTime? EnableDate { get; set; }

    /// <summary>
    /// The TOTP time step of the last code this device had accepted (STS, or the second code of EnableMFADevice or
    /// ResyncMFADevice); never the code. STS takes a code once (RFC 6238 5.2): a code of this step or an earlier one is refused.
    /// </summary>
    public long? LastAcceptedCodeStep { get; set; }

    public List<TagEntry> Tags { get; set; } = new();
}

internal sealed class RoleEntity
{
    public string RoleName { get; set; } = string.Empty;
    public string RoleId { get; set; } = string.Empty;
    public string Path { get; set; } = "/";
    public DateTime CreateDate { get; set; }
    public string AssumeRolePolicyDocument { get; set; } = string.Empty;
    public string? Description { get; set; }
    public int MaxSessionDuration { get; set; } = 3600;
    public List<string> AttachedPolicyArns { get; set; } = new();
    public List<TagEntry> Tags { get; set; } = new();
}

internal sealed class RoleSessionEntity
{
    public string AccessKeyId { get; set; } = string.Empty;
    public string SecretAccessKey { get; set; } = string.Empty;
    public string SessionToken { get; set; } = string.Empty;
    public string RoleId { get; set; } = string.Empty;
    public string SessionName { get; set; } = string.Empty;
    public DateTime Expiration { get; set; }

    /// <summary>Set for GetSessionToken's sessions: the user id (or the account id for root) the session acts as; RoleId is then empty.</summary>
    public string? TokenOwnerId { get; set; }

    /// <summary>When the session's MFA code was checked; null for a session obtained without MFA.</summary>
    public DateTime? MfaAuthenticatedAt { get; set; }

    /// <summary>When the session was issued (aws:TokenIssueTime).</summary>
    public DateTime? IssuedAt { get; set; }
}

internal sealed class PasswordPolicyEntity
{
    public int MinimumPasswordLength { get; set; } = 6;
    public bool RequireSymbols { get; set; }
    public bool RequireNumbers { get; set; }
    public bool RequireUppercaseCharacters { get; set; }
    public bool RequireLowercaseCharacters { get; set; }
    public bool AllowUsersToChangePassword { get; set; }
    public int? MaxPasswordAge { get; set; }
    public int? PasswordReusePrevention { get; set; }
    public bool? HardExpiry { get; set; }
}

/// <summary>The whole account: what the state file holds.</summary>
internal sealed class AccountState
{
    public int FormatVersion { get; set; } = 1;
    public string AccountId { get; set; } = string.Empty;
    public string RootAccessKeyId { get; set; } = string.Empty;
    public string RootSecretAccessKey { get; set; } = string.Empty;
    public string AdminUserName { get; set; } = "onboard-admin";
    public List<string> AccountAliases { get; set; } = new();
    public PasswordPolicyEntity? PasswordPolicy { get; set; }
    public List<UserEntity> Users { get; set; } = new();
    public List<GroupEntity> Groups { get; set; } = new();
    public List<ManagedPolicyEntity> Policies { get; set; } = new();
    public List<VirtualMfaDeviceEntity> VirtualMfaDevices { get; set; } = new();
    public List<RoleEntity> Roles { get; set; } = new();
    public List<RoleSessionEntity> RoleSessions { get; set; } = new();
}
