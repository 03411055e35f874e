using System;
using System.Collections.Generic;
using System.Globalization;

namespace IamOnboard.Rules;

/// <summary>
/// IAM's length and pattern rules for names, paths and user tags (from the IAM API model), returning
/// IAM-worded violations. Each check returns null (or an empty list) when the input is acceptable.
/// </summary>
public static class IamNameRules
{
    /// <summary>The pattern IAM shows for user, group, policy, role and MFA device names.</summary>
    public const string NamePattern = @"[\w+=,.@-]+";

    /// <summary>The pattern IAM shows for paths.</summary>
    public const string PathPattern = @"(\u002F)|(\u002F[\u0021-\u007F]+\u002F)";

    /// <summary>The pattern IAM shows for role session names (STS).</summary>
    public const string RoleSessionNamePattern = @"[\w+=,.@-]*";
    public const string ExternalIdPattern = @"[\w+=,.@:\/-]*";

    /// <summary>The pattern IAM shows for tag keys.</summary>
    public const string TagKeyPattern = @"[\p{L}\p{Z}\p{N}_.:/=+\-@]+";

    /// <summary>The pattern IAM shows for tag values.</summary>
    public const string TagValuePattern = @"[\p{L}\p{Z}\p{N}_.:/=+\-@]*";

    public const int UserNameMaxLength = 64;
    public const int GroupNameMaxLength = 128;
    public const int PolicyNameMaxLength = 128;
    public const int PathMaxLength = 512;
    public const int RoleSessionNameMinLength = 2;
    public const int RoleSessionNameMaxLength = 64;
    public const int ExternalIdMinLength = 2;
    public const int ExternalIdMaxLength = 1224;
    public const int TagKeyMaxLength = 128;
    public const int TagValueMaxLength = 256;

    /// <summary>
    /// The model gives virtual MFA device names no maximum of their own, but the device's serial number
    /// (<c>arn:aws:iam::123456789012:mfa/NAME</c>) may be at most 256 characters: 256 - 30 leaves 226 for the
    /// name under the root path in the <c>aws</c> partition.
    /// </summary>
    public const int MfaDeviceNameMaxLength = 226;

    /// <summary>The prefix AWS reserves for its own tag keys, in any letter case.</summary>
    public const string ReservedTagKeyPrefix = "aws:";

    /// <summary>
    /// IAM names (users, groups, policies, roles, MFA devices) are unique per account without regard to case:
    /// <c>Alice</c> collides with <c>alice</c>, though the case given at creation is kept. User tag keys compare the same way.
    /// </summary>
    public static StringComparer NameComparer => StringComparer.OrdinalIgnoreCase;

    public static RuleViolation? CheckUserName(string? name, string field = "userName") =>
        CheckPatterned(field, name, 1, UserNameMaxLength, NamePattern, IsNameChar);

    public static RuleViolation? CheckGroupName(string? name, string field = "groupName") =>
        CheckPatterned(field, name, 1, GroupNameMaxLength, NamePattern, IsNameChar);

    public static RuleViolation? CheckPolicyName(string? name, string field = "policyName") =>
        CheckPatterned(field, name, 1, PolicyNameMaxLength, NamePattern, IsNameChar);

    public static RuleViolation? CheckMfaDeviceName(string? name, string field = "virtualMFADeviceName") =>
        CheckPatterned(field, name, 1, MfaDeviceNameMaxLength, NamePattern, IsNameChar);

    public static RuleViolation? CheckRoleSessionName(string? name, string field = "roleSessionName") =>
        CheckPatterned(field, name, RoleSessionNameMinLength, RoleSessionNameMaxLength, RoleSessionNamePattern, IsNameChar);

    /// <summary>The external id a role's trust policy may ask for (sts:ExternalId): a role session name's characters, and ':' and '/'.</summary>
    public static RuleViolation? CheckExternalId(string? externalId, string field = "externalId") =>
        CheckPatterned(field, externalId, ExternalIdMinLength, ExternalIdMaxLength, ExternalIdPattern, static (s, i) => s[i] is ':' or '/' || IsNameChar(s, i));

    /// <summary>
    /// A path is <c>/</c> alone, or starts and ends with <c>/</c> with characters U+0021-U+007F between
    /// (the IAM model's range, which includes DEL).
    /// </summary>
    public static RuleViolation? CheckPath(string? path, string field = "path")
    {
        if (path is null)
        {
            return RuleViolation.Constraint(field, null, false, "Member must not be null");
        }

        var broken = new List<string>();
        AddLengthConstraints(broken, path.Length, 1, PathMaxLength);
        if (path.Length > 0 && !IsWellFormedPath(path))
        {
            broken.Add("Member must satisfy regular expression pattern: " + PathPattern);
        }

        return broken.Count == 0 ? null : RuleViolation.Constraint(field, path, false, broken.ToArray());
    }

    /// <summary>
    /// At most 50 tags; keys 1-128 and values 0-256 characters of letters, digits, separators and <c>_.:/=+-@</c>;
    /// no key may start with <c>aws:</c>; no two keys may differ only in case. Fields are named as IAM does:
    /// <c>tags.1.member.key</c> (1-based).
    /// </summary>
    public static IReadOnlyList<RuleViolation> CheckUserTags(IEnumerable<KeyValuePair<string, string>> tags)
    {
        if (tags is null)
        {
            throw new ArgumentNullException(nameof(tags));
        }

        var violations = new List<RuleViolation>();
        var seenKeys = new HashSet<string>(NameComparer);
        var duplicates = new List<string>();
        int index = 0;
        foreach (var tag in tags)
        {
            index++;
            string keyField = $"tags.{index}.member.key";
            string valueField = $"tags.{index}.member.value";

            var keyViolation = CheckPatterned(keyField, tag.Key, 1, TagKeyMaxLength, TagKeyPattern, IsTagChar);
            if (keyViolation is not null)
            {
                violations.Add(keyViolation);
            }
            else if (tag.Key is not null && tag.Key.StartsWith(ReservedTagKeyPrefix, StringComparison.OrdinalIgnoreCase))
            {
                violations.Add(RuleViolation.InvalidInput(keyField, tag.Key,
                    $"Tag key '{tag.Key}' at '{keyField}' must not begin with the prefix '{ReservedTagKeyPrefix}', which AWS reserves for its own use."));
            }

            var valueViolation = CheckPatterned(valueField, tag.Value, 0, TagValueMaxLength, TagValuePattern, IsTagChar);
            if (valueViolation is not null)
            {
                violations.Add(valueViolation);
            }

            if (tag.Key is not null && !seenKeys.Add(tag.Key))
            {
                duplicates.Add(tag.Key);
            }
        }

        if (index > IamLimits.TagsPerUser)
        {
            violations.Insert(0, RuleViolation.Constraint("tags", null, true, $"Member must have length less than or equal to {IamLimits.TagsPerUser}"));
        }

        if (duplicates.Count > 0)
        {
            violations.Add(RuleViolation.InvalidInput("tags", string.Join(", ", duplicates),
                $"Duplicate tag keys found: '{string.Join("', '", duplicates)}'. Tag keys are case-insensitive."));
        }

        return violations;
    }

    private static RuleViolation? CheckPatterned(
        string field, string? value, int minLength, int maxLength, string patternText, Func<string, int, bool> isAllowedAt)
    {
        if (value is null)
        {
            return RuleViolation.Constraint(field, null, false, "Member must not be null");
        }

        var broken = new List<string>();
        AddLengthConstraints(broken, value.Length, minLength, maxLength);
        if (value.Length > 0 && !AllAllowed(value, isAllowedAt))
        {
            broken.Add("Member must satisfy regular expression pattern: " + patternText);
        }

        return broken.Count == 0 ? null : RuleViolation.Constraint(field, value, false, broken.ToArray());
    }

    private static void AddLengthConstraints(List<string> broken, int length, int minLength, int maxLength)
    {
        if (length < minLength)
        {
            broken.Add($"Member must have length greater than or equal to {minLength}");
        }

        if (length > maxLength)
        {
            broken.Add($"Member must have length less than or equal to {maxLength}");
        }
    }

    private static bool AllAllowed(string value, Func<string, int, bool> isAllowedAt)
    {
        for (int i = 0; i < value.Length; i++)
        {
            if (!isAllowedAt(value, i))
            {
                return false;
            }

            // A surrogate pair was judged as one code point at its high half.
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
        }

        return true;
    }

    // IAM's \w is Java's: ASCII letters, digits and underscore only (not .NET's Unicode \w).
    private static bool IsNameChar(string s, int i)
    {
        char c = s[i];
        return c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9')
            or '_' or '+' or '=' or ',' or '.' or '@' or '-';
    }

    // \p{L}, \p{Z}, \p{N} judged per code point, so letters outside the BMP count as letters.
    /// <summary>The index of the first character IAM's tag pattern refuses in <paramref name="value"/>, or -1.</summary>
    public static int FirstRefusedTagCharacter(string? value)
    {
        for (var i = 0; value is not null && i < value.Length; i++)
        {
            if (!IsTagChar(value, i))
            {
                return i;
            }

            if (char.IsHighSurrogate(value[i]))
            {
                i++;
            }
        }

        return -1;
    }

    private static bool IsTagChar(string s, int i)
    {
        char c = s[i];
        if (c is '_' or '.' or ':' or '/' or '=' or '+' or '-' or '@')
        {
            return true;
        }

        if (char.IsSurrogate(c) && !(char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])))
        {
            return false;
        }

        switch (CharUnicodeInfo.GetUnicodeCategory(s, i))
        {
            case UnicodeCategory.UppercaseLetter:
            case UnicodeCategory.LowercaseLetter:
            case UnicodeCategory.TitlecaseLetter:
            case UnicodeCategory.ModifierLetter:
            case UnicodeCategory.OtherLetter:
            case UnicodeCategory.SpaceSeparator:
            case UnicodeCategory.LineSeparator:
            case UnicodeCategory.ParagraphSeparator:
            case UnicodeCategory.DecimalDigitNumber:
            case UnicodeCategory.LetterNumber:
            case UnicodeCategory.OtherNumber:
                return true;
            default:
                return false;
        }
    }

    private static bool IsWellFormedPath(string path)
    {
        if (path == "/")
        {
            return true;
        }

        if (path.Length < 3 || path[0] != '/' || path[path.Length - 1] != '/')
        {
            return false;
        }

        for (int i = 1; i < path.Length - 1; i++)
        {
            if (path[i] is < '\u0021' or > '\u007F')
            {
                return false;
            }
        }

        return true;
    }
}
