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

    public static IamAttachedPolicy ReadAttachedPolicy(XElement policy) => new(RequiredText(policy, "PolicyName"), RequiredText(policy, "PolicyArn"));

    /// <summary>GetUserPolicy / GetGroupPolicy result; IAM URL-encodes the document (RFC 3986).</summary>
    public static IamInlinePolicy ReadInlinePolicy(XElement result)
        => new(RequiredText(result, "PolicyName"), Uri.UnescapeDataString(RequiredText(result, "PolicyDocument")));

    public static IamPolicyVersion ReadPolicyVersion(XElement version)
        => new(
            RequiredText(version, "VersionId"),
            Bool(version, "IsDefaultVersion"),
            OptionalDate(version, "CreateDate"),
            Text(version, "Document") is { } document ? Uri.UnescapeDataString(document) : null);

    public static IamManagedPolicy ReadManagedPolicy(XElement policy)
        => new(
            RequiredText(policy, "PolicyName"),
            RequiredText(policy, "PolicyId"),
            RequiredText(policy, "Arn"),
            Text(policy, "Path") ?? "/",
            Text(policy, "DefaultVersionId") ?? "v1",
            Int(policy, "AttachmentCount") ?? 0,
            Text(policy, "IsAttachable") is null || Bool(policy, "IsAttachable"),
            OptionalDate(policy, "CreateDate"),
            Text(policy, "Description"));

    public static IamNewVirtualMfaDevice ReadNewVirtualMfaDevice(XElement device)
        => new(
            RequiredText(device, "SerialNumber"),
            Convert.FromBase64String(RequiredText(device, "Base32StringSeed")),
            Convert.FromBase64String(RequiredText(device, "QRCodePNG")));

    public static IamMfaDevice ReadMfaDevice(XElement device)
        => new(RequiredText(device, "UserName"), RequiredText(device, "SerialNumber"), OptionalDate(device, "EnableDate"));

    public static IamVirtualMfaDevice ReadVirtualMfaDevice(XElement device)
        => new(RequiredText(device, "SerialNumber"), Text(Child(device, "User"), "UserName"), OptionalDate(device, "EnableDate"));

    /// <summary>SummaryMap: <c>&lt;entry&gt;&lt;key/&gt;&lt;value/&gt;&lt;/entry&gt;</c>.</summary>
    public static IamAccountSummary ReadAccountSummary(XElement summaryMap)
    {
        var values = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in summaryMap.Elements().Where(e => e.Name.LocalName == "entry"))
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
