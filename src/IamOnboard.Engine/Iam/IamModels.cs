using System;
using System.Collections.Generic;
using System.Security;

namespace IamOnboard.Iam;

/// <summary>A tag on an IAM user.</summary>
public sealed class IamTag
{
    public IamTag(string key, string value)
    {
        Key = key ?? throw new ArgumentNullException(nameof(key));
        Value = value ?? string.Empty;
    }

    public string Key { get; }
    public string Value { get; }

    public override string ToString() => Key + "=" + Value;
}

/// <summary>An IAM user as IAM reports it.</summary>
public sealed class IamUser
{
    public IamUser(string userName, string userId, string arn, string path, DateTime? createDate,
        string? permissionsBoundaryArn = null, IReadOnlyList<IamTag>? tags = null, DateTime? passwordLastUsed = null)
    {
        UserName = userName;
        UserId = userId;
        Arn = arn;
        Path = path;
        CreateDate = createDate;
        PermissionsBoundaryArn = permissionsBoundaryArn;
        Tags = tags ?? Array.Empty<IamTag>();
        PasswordLastUsed = passwordLastUsed;
    }

    public string UserName { get; }
    public string UserId { get; }
    public string Arn { get; }
    public string Path { get; }
    /// <summary>UTC; null when the answer left it out (the module only shows it).</summary>
    public DateTime? CreateDate { get; }
    public string? PermissionsBoundaryArn { get; }
    /// <summary>Tags as returned by the call; ListUsers does not return tags, GetUser and CreateUser do.</summary>
    public IReadOnlyList<IamTag> Tags { get; }
    /// <summary>UTC; null when the user never signed in with a password (or the call does not report it).</summary>
    public DateTime? PasswordLastUsed { get; }

    public override string ToString() => Arn;
}

/// <summary>An IAM group.</summary>
public sealed class IamGroup
{
    public IamGroup(string groupName, string groupId, string arn, string path, DateTime? createDate)
    {
        GroupName = groupName;
        GroupId = groupId;
        Arn = arn;
        Path = path;
        CreateDate = createDate;
    }

    public string GroupName { get; }
    public string GroupId { get; }
    public string Arn { get; }
    public string Path { get; }
    /// <summary>UTC; null when the answer left it out (the module does not rely on it).</summary>
    public DateTime? CreateDate { get; }

    public override string ToString() => Arn;
}

/// <summary>A group with all its members (every page of GetGroup).</summary>
public sealed class IamGroupDetail
{
    public IamGroupDetail(IamGroup group, IReadOnlyList<IamUser> users)
    {
        Group = group;
        Users = users;
    }

    public IamGroup Group { get; }
    public IReadOnlyList<IamUser> Users { get; }

    public override string ToString() => Group.Arn + " (" + Users.Count + " users)";
}

/// <summary>Status of an access key.</summary>
public enum IamAccessKeyStatus
{
    Active,
    Inactive,
}

/// <summary>An access key without its secret.</summary>
public class IamAccessKeyMetadata
{
    public IamAccessKeyMetadata(string userName, string accessKeyId, IamAccessKeyStatus status, DateTime? createDate)
    {
        UserName = userName;
        AccessKeyId = accessKeyId;
        Status = status;
        CreateDate = createDate;
    }

    public string UserName { get; }
    public string AccessKeyId { get; }
    public IamAccessKeyStatus Status { get; }
    /// <summary>UTC; null when the answer left it out (the module does not rely on it).</summary>
    public DateTime? CreateDate { get; }

    public override string ToString() => UserName + " " + AccessKeyId + " (" + Status + ")";
}

/// <summary>A freshly created access key: the only moment IAM hands out the secret.</summary>
public sealed class IamNewAccessKey : IamAccessKeyMetadata, IDisposable
{
    public IamNewAccessKey(string userName, string accessKeyId, IamAccessKeyStatus status, DateTime? createDate, SecureString secretAccessKey)
        : base(userName, accessKeyId, status, createDate)
    {
        SecretAccessKey = secretAccessKey ?? throw new ArgumentNullException(nameof(secretAccessKey));
        if (!SecretAccessKey.IsReadOnly())
        {
            SecretAccessKey.MakeReadOnly();
        }
    }

    /// <summary>The secret, read-only. Never printed by <see cref="object.ToString"/>.</summary>
    public SecureString SecretAccessKey { get; }

    public void Dispose() => SecretAccessKey.Dispose();
}

/// <summary>A user's console password profile (the password itself is never returned by IAM).</summary>
public sealed class IamLoginProfile
{
    public IamLoginProfile(string userName, DateTime? createDate, bool passwordResetRequired)
    {
        UserName = userName;
        CreateDate = createDate;
        PasswordResetRequired = passwordResetRequired;
    }

    public string UserName { get; }
    /// <summary>UTC; null when the answer left it out (the module does not rely on it).</summary>
    public DateTime? CreateDate { get; }
    public bool PasswordResetRequired { get; }

    public override string ToString() => UserName + " login profile";
}

/// <summary>A managed policy attached to a user or group.</summary>
public sealed class IamAttachedPolicy
{
    public IamAttachedPolicy(string policyName, string policyArn)
    {
        PolicyName = policyName;
        PolicyArn = policyArn;
    }

    public string PolicyName { get; }
    public string PolicyArn { get; }

    public override string ToString() => PolicyArn;
}

/// <summary>An inline policy embedded in a user or group.</summary>
public sealed class IamInlinePolicy
{
    public IamInlinePolicy(string name, string document)
    {
        Name = name;
        Document = document;
    }

    public string Name { get; }
    /// <summary>The policy JSON, already URL-decoded (IAM returns it URL-encoded).</summary>
    public string Document { get; }

    public override string ToString() => Name;
}

/// <summary>A managed policy (customer or AWS managed).</summary>
public sealed class IamManagedPolicy
{
    public IamManagedPolicy(string policyName, string? policyId, string arn, string path, string defaultVersionId,
        int attachmentCount, bool isAttachable, DateTime? createDate, string? description = null)
    {
        PolicyName = policyName;
        PolicyId = policyId;
        Arn = arn;
        Path = path;
        DefaultVersionId = defaultVersionId;
        AttachmentCount = attachmentCount;
        IsAttachable = isAttachable;
        CreateDate = createDate;
        Description = description;
    }

    public string PolicyName { get; }
    /// <summary>Null when the answer left it out (IAM's model makes it optional; the module does not rely on it).</summary>
    public string? PolicyId { get; }
    public string Arn { get; }
    public string Path { get; }
    public string DefaultVersionId { get; }
    public int AttachmentCount { get; }
    public bool IsAttachable { get; }
    /// <summary>UTC; null when the answer left it out (the module does not rely on it).</summary>
    public DateTime? CreateDate { get; }
    /// <summary>Only GetPolicy and CreatePolicy return it.</summary>
    public string? Description { get; }
    /// <summary>AWS managed policies live in the pseudo-account <c>aws</c>: <c>arn:{partition}:iam::aws:policy/...</c>.</summary>
    public bool IsAwsManaged => Arn.IndexOf(":iam::aws:policy/", StringComparison.Ordinal) >= 0;

    public override string ToString() => Arn;
}

/// <summary>One version of a customer managed policy (IAM keeps up to five).</summary>
public sealed class IamPolicyVersion
{
    public IamPolicyVersion(string versionId, bool isDefaultVersion, DateTime? createDate, string? document = null)
    {
        VersionId = versionId;
        IsDefaultVersion = isDefaultVersion;
        CreateDate = createDate;
        Document = document;
    }

    /// <summary>v1, v2, ...; IAM never reuses the number of a deleted version.</summary>
    public string VersionId { get; }
    public bool IsDefaultVersion { get; }
    /// <summary>UTC; null when the answer left it out.</summary>
    public DateTime? CreateDate { get; }
    /// <summary>The document, decoded; only GetPolicyVersion returns it.</summary>
    public string? Document { get; }

    public override string ToString() => VersionId;
}

/// <summary>A freshly created virtual MFA device: the only moment IAM hands out the seed and QR code.</summary>
public sealed class IamNewVirtualMfaDevice
{
    public IamNewVirtualMfaDevice(string serialNumber, byte[] base32StringSeed, byte[] qrCodePng)
    {
        SerialNumber = serialNumber;
        Base32StringSeed = base32StringSeed;
        QrCodePng = qrCodePng;
    }

    /// <summary>The device ARN.</summary>
    public string SerialNumber { get; }
    /// <summary>The seed as ASCII base32 text bytes. Secret.</summary>
    public byte[] Base32StringSeed { get; }
    /// <summary>PNG of the otpauth QR code, which embeds the seed. Secret. Empty when IAM's answer left it out (its model makes it optional).</summary>
    public byte[] QrCodePng { get; }

    /// <summary>Overwrites seed and QR bytes once they have been handed on.</summary>
    public void Clear()
    {
        Array.Clear(Base32StringSeed, 0, Base32StringSeed.Length);
        Array.Clear(QrCodePng, 0, QrCodePng.Length);
    }

    public override string ToString() => SerialNumber;
}

/// <summary>An MFA device assigned to a user.</summary>
public sealed class IamMfaDevice
{
    public IamMfaDevice(string userName, string serialNumber, DateTime? enableDate)
    {
        UserName = userName;
        SerialNumber = serialNumber;
        EnableDate = enableDate;
    }

    public string UserName { get; }
    public string SerialNumber { get; }
    public DateTime? EnableDate { get; }

    public override string ToString() => UserName + " " + SerialNumber;
}

/// <summary>A virtual MFA device, assigned or not.</summary>
public sealed class IamVirtualMfaDevice
{
    public IamVirtualMfaDevice(string serialNumber, string? userName, DateTime? enableDate)
    {
        SerialNumber = serialNumber;
        UserName = userName;
        EnableDate = enableDate;
    }

    public string SerialNumber { get; }
    /// <summary>Null for an unassigned device.</summary>
    public string? UserName { get; }
    public DateTime? EnableDate { get; }

    public override string ToString() => SerialNumber + (UserName is null ? " (unassigned)" : " (" + UserName + ")");
}

/// <summary>GetAccountSummary's SummaryMap: usage and quotas (Users, UsersQuota, Groups, ...).</summary>
public sealed class IamAccountSummary
{
    public IamAccountSummary(IReadOnlyDictionary<string, int> values) => Values = values;

    public IReadOnlyDictionary<string, int> Values { get; }

    /// <summary>The value of <paramref name="key"/>, or null when IAM did not report it.</summary>
    public int? this[string key] => Values.TryGetValue(key, out var value) ? value : null;

    public override string ToString() => "IAM account summary (" + Values.Count + " entries)";
}

/// <summary>Who the credentials belong to (STS GetCallerIdentity).</summary>
public sealed class CallerIdentity
{
    public CallerIdentity(string account, string arn, string userId)
    {
        Account = account;
        Arn = arn;
        UserId = userId;
    }

    public string Account { get; }
    public string Arn { get; }
    public string UserId { get; }
    /// <summary>Root credentials: the ARN is <c>arn:{partition}:iam::{account}:root</c>.</summary>
    public bool IsRoot => Arn.EndsWith(":root", StringComparison.Ordinal);

    public override string ToString() => Arn;
}

/// <summary>Which managed policies ListPolicies returns.</summary>
public enum PolicyScope
{
    All,
    Aws,
    Local,
}

/// <summary>Which virtual MFA devices ListVirtualMFADevices returns.</summary>
public enum VirtualMfaAssignmentStatus
{
    Any,
    Assigned,
    Unassigned,
}
