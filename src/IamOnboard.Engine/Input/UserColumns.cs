using System;
using System.Collections.Generic;
using System.Linq;

namespace IamOnboard.Input;

/// <summary>
/// The columns (or property names, or hashtable keys) a user to onboard is read from, and the names accepted for
/// each: letter case, spaces, '_' and '-' are ignored, so "Console access", "console_access" and "ConsoleAccess"
/// are one column.
/// </summary>
public static class UserColumns
{
    public const string UserName = "UserName";
    public const string Path = "Path";
    public const string Tag = "Tag";
    public const string PermissionsBoundary = "PermissionsBoundary";
    public const string ConsoleAccess = "ConsoleAccess";
    public const string Password = "Password";
    public const string PasswordResetRequired = "PasswordResetRequired";
    public const string ProgrammaticAccess = "ProgrammaticAccess";
    public const string AdditionalAccessKey = "AdditionalAccessKey";
    public const string Policy = "Policy";
    public const string Group = "Group";

    /// <summary>The canonical columns of a starters file and the headers accepted for each.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Known = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        [UserName] = new[] { "User name", "Name" },
        [Path] = Array.Empty<string>(),
        [Tag] = new[] { "Tags" },
        [PermissionsBoundary] = new[] { "Permissions boundary" },
        [ConsoleAccess] = new[] { "Console access" },
        [PasswordResetRequired] = new[] { "Password reset required" },
        [ProgrammaticAccess] = new[] { "Programmatic access" },
        [AdditionalAccessKey] = new[] { "Additional access key" },
        [Policy] = new[] { "Policies", "PolicyArn" },
        [Group] = new[] { "Groups", "GroupName" },
    };

    /// <summary>The yes/no columns.</summary>
    public static readonly IReadOnlyList<string> YesNo = new[] { ConsoleAccess, PasswordResetRequired, ProgrammaticAccess, AdditionalAccessKey };

    /// <summary>
    /// Attributes IAM reports for a user that exists (in Get-IAMUser or list-users output) and that no one sets when
    /// creating a user: such input is a user already made elsewhere, so these are passed over (and said so in verbose output).
    /// </summary>
    public static readonly IReadOnlyList<string> ReportedByIam = new[] { "Arn", "UserId", "CreateDate", "PasswordLastUsed" };

    private static readonly Dictionary<string, string> ByNormalizedName = BuildIndex();

    /// <summary>The canonical column a header names ("Password" included), or null when it is not a known column.</summary>
    public static string? Resolve(string header) =>
        ByNormalizedName.TryGetValue(Normalize(header), out var column) ? column : null;

    /// <summary>True for an attribute in <see cref="ReportedByIam"/>.</summary>
    public static bool IsReportedByIam(string header) => ReportedByIam.Any(a => Normalize(a) == Normalize(header));

    private static Dictionary<string, string> BuildIndex()
    {
        var index = new Dictionary<string, string>(StringComparer.Ordinal) { [Normalize(Password)] = Password };
        foreach (var column in Known)
        {
            index[Normalize(column.Key)] = column.Key;
            foreach (var alias in column.Value)
            {
                index[Normalize(alias)] = column.Key;
            }
        }

        return index;
    }

    private static string Normalize(string header) =>
        new string(header.Where(c => !char.IsWhiteSpace(c) && c != '_' && c != '-').ToArray()).ToLowerInvariant();
}
