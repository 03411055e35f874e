using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Security;
using System.Xml.Linq;
using IamOnboard.Passwords;

namespace IamOnboard.Iam.Internal;

/// <summary>Typed readers for the result shapes of IAM's awsQuery responses (one per shape, shared by every operation returning it).</summary>
internal static class IamXml
{
    // Members the module only shows (dates) are read as optional: IAM's model requires some of them, but other
    // implementations of the API leave them out, and a missing display value must not fail a whole operation.
    // Elements are matched by local name: the IAM namespace is the same everywhere, and tolerating its absence costs nothing.
    public static XElement? Child(XElement? parent, string name) => parent?.Elements().FirstOrDefault(e => e.Name.LocalName == name);

    public static XElement Required(XElement? parent, string name)
        => Child(parent, name) ?? throw new FormatException("IAM response lacks the <" + name + "> element.");

    public static string? Text(XElement? parent, string name) => Child(parent, name)?.Value;

    public static string RequiredText(XElement parent, string name) => Required(parent, name).Value;

    public static DateTime? OptionalDate(XElement parent, string name)
    {
        var text = Text(parent, name);
        return string.IsNullOrEmpty(text) ? null : ParseDate(text!);
    }

    public static bool Bool(XElement? parent, string name) => string.Equals(Text(parent, name), "true", StringComparison.OrdinalIgnoreCase);

    public static int? Int(XElement? parent, string name)
    {
        var text = Text(parent, name);
        return string.IsNullOrEmpty(text) ? null : int.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture);
    }

    /// <summary>The <c>member</c> children of a list element; empty when the list is absent.</summary>
    public static IEnumerable<XElement> Members(XElement? parent, string listName)
        => Child(parent, listName)?.Elements().Where(e => e.Name.LocalName == "member") ?? Enumerable.Empty<XElement>();

    public static bool IsTruncated(XElement result) => Bool(result, "IsTruncated");

    public static DateTime ParseDate(string text)
        => DateTime.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);

    public static IamTag ReadTag(XElement member) => new(RequiredText(member, "Key"), Text(member, "Value") ?? string.Empty);

    public static IamUser ReadUser(XElement user)
        => new(
            RequiredText(user, "UserName"),
            RequiredText(user, "UserId"),
            RequiredText(user, "Arn"),
            Text(user, "Path") ?? "/",
            OptionalDate(user, "CreateDate"),
            Text(Child(user, "PermissionsBoundary"), "PermissionsBoundaryArn"),
            Members(user, "Tags").Select(ReadTag).ToList(),
            OptionalDate(user, "PasswordLastUsed"));

    public static IamGroup ReadGroup(XElement group)
        => new(RequiredText(group, "GroupName"), RequiredText(group, "GroupId"), RequiredText(group, "Arn"), Text(group, "Path") ?? "/", OptionalDate(group, "CreateDate"));

    /// <summary>IAM's model makes every AccessKeyMetadata member optional; the user asked about stands in for a missing UserName.</summary>
    public static IamAccessKeyMetadata ReadAccessKeyMetadata(XElement key, string userName)
        => new(Text(key, "UserName") ?? userName, RequiredText(key, "AccessKeyId"), ReadStatus(key), OptionalDate(key, "CreateDate"));

    public static IamNewAccessKey ReadNewAccessKey(XElement key)
    {
        var secret = new SecureString();
        foreach (var c in RequiredText(key, "SecretAccessKey"))
        {
            secret.AppendChar(c);
        }

        return new IamNewAccessKey(RequiredText(key, "UserName"), RequiredText(key, "AccessKeyId"), ReadStatus(key), OptionalDate(key, "CreateDate"), secret);
    }

    public static IamLoginProfile ReadLoginProfile(XElement profile)
        => new(RequiredText(profile, "UserName"), OptionalDate(profile, "CreateDate"), Bool(profile, "PasswordResetRequired"));

    /// <summary>
    /// IAM's model makes both AttachedPolicy members optional. The ARN is what the module works with (detach, compare);
    /// a missing name is the ARN's last segment, which is the policy's name.
    /// </summary>
    public static IamAttachedPolicy ReadAttachedPolicy(XElement policy)
    {
        var arn = RequiredText(policy, "PolicyArn");
        return new(Text(policy, "PolicyName") ?? PolicyPathAndName(arn).Name, arn);
    }

    /// <summary>GetUserPolicy / GetGroupPolicy result; IAM URL-encodes the document (RFC 3986).</summary>
    public static IamInlinePolicy ReadInlinePolicy(XElement result)
        => new(RequiredText(result, "PolicyName"), Uri.UnescapeDataString(RequiredText(result, "PolicyDocument")));

    public static IamPolicyVersion ReadPolicyVersion(XElement version)
        => new(
            RequiredText(version, "VersionId"),
            Bool(version, "IsDefaultVersion"),
            OptionalDate(version, "CreateDate"),
            Text(version, "Document") is { } document ? Uri.UnescapeDataString(document) : null);

    /// <summary>
    /// IAM's model makes every Policy member optional. Only the ARN is required: the module attaches by it, and the
    /// name and path people type (<c>job-function/ViewOnlyAccess</c>) are in it when the answer leaves them out.
    /// </summary>
    public static IamManagedPolicy ReadManagedPolicy(XElement policy)
    {
        var arn = RequiredText(policy, "Arn");
        var (path, name) = PolicyPathAndName(arn);
        return new(
            Text(policy, "PolicyName") ?? name,
            Text(policy, "PolicyId"),
            arn,
            Text(policy, "Path") ?? path,
            Text(policy, "DefaultVersionId") ?? "v1",
            Int(policy, "AttachmentCount") ?? 0,
            Text(policy, "IsAttachable") is null || Bool(policy, "IsAttachable"),
            OptionalDate(policy, "CreateDate"),
            Text(policy, "Description"));
    }

    /// <summary>A managed policy known only by its ARN (GetPolicy answered without a Policy, which IAM's model allows).</summary>
    public static IamManagedPolicy ManagedPolicyFromArn(string arn)
    {
        var (path, name) = PolicyPathAndName(arn);
        return new(name, null, arn, path, "v1", 0, true, null);
    }

    /// <summary>
    /// The path and name in a policy ARN: <c>arn:aws:iam::aws:policy/job-function/ViewOnlyAccess</c> is
    /// <c>/job-function/</c> and <c>ViewOnlyAccess</c>.
    /// </summary>
    public static (string Path, string Name) PolicyPathAndName(string arn)
    {
        const string Marker = ":policy/";
        var start = arn.IndexOf(Marker, StringComparison.Ordinal);
        var resource = start < 0 ? arn : arn.Substring(start + Marker.Length);
        var slash = resource.LastIndexOf('/');
        return slash < 0 ? ("/", resource) : ("/" + resource.Substring(0, slash).Trim('/') + "/", resource.Substring(slash + 1));
    }

    /// <summary>
    /// IAM's model requires only SerialNumber. The seed is left to the caller to check: without it nobody can be enrolled,
    /// but the device exists by then and must be deleted. IAM's QR code PNG is never needed (the module draws its own from
    /// the seed), so a missing or unreadable one is empty.
    /// </summary>
    public static (string SerialNumber, byte[]? Base32StringSeed, byte[] QrCodePng) ReadNewVirtualMfaDevice(XElement device)
    {
        var serialNumber = RequiredText(device, "SerialNumber");
        byte[]? seed = null;
        if (Text(device, "Base32StringSeed") is { Length: > 0 } encodedSeed)
        {
            try
            {
                seed = Convert.FromBase64String(encodedSeed);
            }
            catch (FormatException)
            {
                // Not base64: the caller reports an unreadable seed.
            }
        }

        byte[] qrCodePng;
        try
        {
            qrCodePng = Text(device, "QRCodePNG") is { Length: > 0 } png ? Convert.FromBase64String(png) : Array.Empty<byte>();
        }
        catch (FormatException)
        {
            qrCodePng = Array.Empty<byte>();
        }

        return (serialNumber, seed, qrCodePng);
    }

    public static IamMfaDevice ReadMfaDevice(XElement device)
        => new(RequiredText(device, "UserName"), RequiredText(device, "SerialNumber"), OptionalDate(device, "EnableDate"));

    public static IamVirtualMfaDevice ReadVirtualMfaDevice(XElement device)
        => new(RequiredText(device, "SerialNumber"), Text(Child(device, "User"), "UserName"), OptionalDate(device, "EnableDate"));

    /// <summary>SummaryMap: <c>&lt;entry&gt;&lt;key/&gt;&lt;value/&gt;&lt;/entry&gt;</c>.</summary>
    /// <remarks>IAM's model makes the SummaryMap optional: without one, nothing is reported.</remarks>
    public static IamAccountSummary ReadAccountSummary(XElement? summaryMap)
    {
        var values = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in summaryMap?.Elements().Where(e => e.Name.LocalName == "entry") ?? Enumerable.Empty<XElement>())
        {
            values[RequiredText(entry, "key")] = int.Parse(RequiredText(entry, "value"), NumberStyles.Integer, CultureInfo.InvariantCulture);
        }

        return new IamAccountSummary(values);
    }

    public static PasswordPolicy ReadPasswordPolicy(XElement policy)
        => new()
        {
            MinimumPasswordLength = Int(policy, "MinimumPasswordLength") ?? 6,
            RequireSymbols = Bool(policy, "RequireSymbols"),
            RequireNumbers = Bool(policy, "RequireNumbers"),
            RequireUppercaseCharacters = Bool(policy, "RequireUppercaseCharacters"),
            RequireLowercaseCharacters = Bool(policy, "RequireLowercaseCharacters"),
            AllowUsersToChangePassword = Bool(policy, "AllowUsersToChangePassword"),
            MaxPasswordAge = Int(policy, "MaxPasswordAge"),
            PasswordReusePrevention = Int(policy, "PasswordReusePrevention"),
            HardExpiry = Bool(policy, "HardExpiry"),
        };

    private static IamAccessKeyStatus ReadStatus(XElement key)
        => string.Equals(Text(key, "Status"), "Inactive", StringComparison.OrdinalIgnoreCase) ? IamAccessKeyStatus.Inactive : IamAccessKeyStatus.Active;
}
