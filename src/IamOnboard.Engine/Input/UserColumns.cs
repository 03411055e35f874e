using System;
using System.Collections.Generic;
using System.Linq;
using IamOnboard.Onboarding;

namespace IamOnboard.Input;

/// <summary>
/// The columns (or property names, or hashtable keys) a user to onboard is read from: the names accepted for each and
/// how its cell sets the request. Letter case, spaces, '_' and '-' are ignored in names, so "Console access",
/// "console_access" and "ConsoleAccess" are one column. A new column is one line here (and its parameter).
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
    public const string RequireMfa = "RequireMfa";

    private static readonly Column[] Table =
    {
        new(UserName, new[] { "User name", "Name" }, (r, v) => r.UserName = CellValues.Text(UserName, v) ?? string.Empty),
        new(Path, Array.Empty<string>(), (r, v) => r.Path = CellValues.NullIfEmpty(CellValues.Text(Path, v))),
        new(Tag, new[] { "Tags" }, (r, v) => r.Tags = CellValues.Tags(v)),
        new(PermissionsBoundary, new[] { "Permissions boundary" }, (r, v) => r.PermissionsBoundary = CellValues.NullIfEmpty(CellValues.Text(PermissionsBoundary, CellValues.BoundaryArn(v)))),
        new(ConsoleAccess, new[] { "Console access" }, (r, v) => r.ConsoleAccess = CellValues.YesNo(ConsoleAccess, v)),
        new(PasswordResetRequired, new[] { "Password reset required" }, (r, v) => r.PasswordResetRequired = CellValues.YesNo(PasswordResetRequired, v)),
        new(ProgrammaticAccess, new[] { "Programmatic access" }, (r, v) => r.ProgrammaticAccess = CellValues.YesNo(ProgrammaticAccess, v)),
        new(AdditionalAccessKey, new[] { "Additional access key" }, (r, v) => r.AdditionalAccessKey = CellValues.YesNo(AdditionalAccessKey, v)),
        new(Policy, new[] { "Policies", "PolicyArn" }, (r, v) => r.Policies = CellValues.List(Policy, v)),
        new(Group, new[] { "Groups", "GroupName" }, (r, v) => r.Groups = CellValues.List(Group, v)),
        new(RequireMfa, new[] { "Require MFA" }, (r, v) => r.RequireMfa = CellValues.YesNo(RequireMfa, v)),

        // Not a CSV column (the starters file refuses it): a SecureString from -Password or a hashtable.
        new(Password, Array.Empty<string>(), (r, v) => r.Password = CellValues.Password(v)),
    };

    /// <summary>The canonical columns of a starters file and the other headers accepted for each.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Known =
        Table.Where(c => c.Name != Password).ToDictionary(c => c.Name, c => c.Aliases, StringComparer.Ordinal);

    /// <summary>Every column a request is read from, Password included: New-OnboardUser's parameters of the same names.</summary>
    public static readonly IReadOnlyList<string> All = Table.Select(c => c.Name).ToArray();

    /// <summary>
    /// Attributes IAM reports for a user that exists (in Get-IAMUser or list-users output) and that no one sets when
    /// creating a user: such input is a user already made elsewhere, so these are passed over (and said so in verbose output).
    /// </summary>
    public static readonly IReadOnlyList<string> ReportedByIam = new[] { "Arn", "UserId", "CreateDate", "PasswordLastUsed" };

    /// <summary>
    /// Columns of a credentials file (the IAM console's "Download .csv", Export-OnboardCredential's, an AWS CLI or SDK
    /// key list) that hold a secret. Never a column of starters: input that has one is a credentials file given by
    /// mistake, so it is refused, naming the column and never its value.
    /// </summary>
    public static readonly IReadOnlyList<string> Secrets = new[]
    {
        "Secret access key", "SecretKey", "aws_secret_access_key", "Session token", "aws_session_token", "MFA seed", "Base32StringSeed",
    };

    /// <summary>
    /// The sign-in link column of a credentials file (the IAM console's "Console sign-in URL", Export-OnboardCredential's
    /// "Console login link"): with a Password column, the console's file of users it gave a password (it has no key
    /// columns), so that Password column holds secrets too.
    /// </summary>
    public static readonly IReadOnlyList<string> SignInLinks = new[] { "Console sign-in URL", "Console sign-in link", "Console login link" };

    private static readonly Dictionary<string, Column> ByNormalizedName = BuildIndex();

    private static readonly HashSet<string> SecretsNormalized = new(Secrets.Select(Normalize), StringComparer.Ordinal);

    /// <summary>The canonical column a header names ("Password" included), or null when it is not a known column.</summary>
    public static string? Resolve(string header) =>
        ByNormalizedName.TryGetValue(Normalize(header), out var column) ? column.Name : null;

    /// <summary>True for a header in <see cref="SignInLinks"/>, written any of the ways a column may be.</summary>
    public static bool IsSignInLink(string header) => SignInLinks.Any(link => Normalize(link) == Normalize(header));

    /// <summary>True for a header in <see cref="Secrets"/>, written any of the ways a column may be.</summary>
    public static bool IsSecret(string header) => SecretsNormalized.Contains(Normalize(header));

    /// <summary>
    /// Says of a credentials file given as starters: <paramref name="columns"/> (as written) hold secrets. Shared by the
    /// CSV reader (for the file) and the row mapping (for each row), so both give the same way out.
    /// </summary>
    internal static string SecretColumnsMessage(IReadOnlyList<string> columns) =>
        $"{string.Join(", ", columns.Select(c => $"'{c}'"))} {(columns.Count == 1 ? "holds" : "hold")} secrets: this is a credentials file " +
        "(the IAM console's Download .csv, or Export-OnboardCredential's), not a list of starters, so nothing of it is used. " +
        "New-OnboardUser makes credentials, it never takes them: to run a batch again, give it the batch's starters file. " +
        "Keep the credentials file where only its recipient can read it.";

    /// <summary>
    /// What <paramref name="request"/> gives for <paramref name="column"/> when it gives anything but the default (text,
    /// a list, a yes), as text to compare and show; null when the column is empty or no. A password is never shown: it is
    /// "(a password)", and two passwords are taken to differ.
    /// </summary>
    internal static string? GivenText(UserOnboardingRequest request, string column) => column switch
    {
        UserName => CellValues.NullIfEmpty(request.UserName),
        Path => request.Path,
        Tag => request.Tags.Count == 0 ? null : string.Join(";", request.Tags.Select(t => $"{t.Key}={t.Value}")),
        PermissionsBoundary => request.PermissionsBoundary,
        ConsoleAccess => request.ConsoleAccess ? "yes" : null,
        PasswordResetRequired => request.PasswordResetRequired ? "yes" : null,
        ProgrammaticAccess => request.ProgrammaticAccess ? "yes" : null,
        AdditionalAccessKey => request.AdditionalAccessKey ? "yes" : null,
        Policy => request.Policies.Count == 0 ? null : string.Join(";", request.Policies),
        Group => request.Groups.Count == 0 ? null : string.Join(";", request.Groups),
        RequireMfa => request.RequireMfa ? "yes" : null,
        Password => request.Password is null ? null : "(a password)",
        _ => throw new ArgumentOutOfRangeException(nameof(column), column, "Not a column."),
    };

    /// <summary>
    /// Whether two values of <paramref name="column"/> (<see cref="GivenText"/>) give the same: lists and tags in any
    /// order, group and policy names and tag keys without regard to case, as IAM compares them.
    /// </summary>
    internal static bool SameGiven(string column, string? a, string? b)
    {
        if (column == Password)
        {
            return a is null && b is null;
        }

        if (a is null || b is null || column is not (Tag or Policy or Group))
        {
            return string.Equals(a, b, StringComparison.Ordinal);
        }

        IEnumerable<string> Items(string text) => text.Split(';').Select(item => column == Tag ? KeyFolded(item) : item.ToUpperInvariant()).OrderBy(item => item, StringComparer.Ordinal);
        static string KeyFolded(string tag) => tag.IndexOf('=') is var at and >= 0 ? tag.Substring(0, at).ToUpperInvariant() + tag.Substring(at) : tag;
        return Items(a).SequenceEqual(Items(b), StringComparer.Ordinal);
    }

    /// <summary>True for an attribute in <see cref="ReportedByIam"/>.</summary>
    public static bool IsReportedByIam(string header) => ReportedByIam.Any(a => Normalize(a) == Normalize(header));

    /// <summary>Sets what the cell of a canonical column gives; throws <see cref="OnboardInputException"/> for a value it cannot take.</summary>
    internal static void Apply(UserOnboardingRequest request, string column, object? value)
    {
        ByNormalizedName[Normalize(column)].Set(request, value);

        // A password means console access, whichever cell came first.
        request.ConsoleAccess |= request.Password is not null;
    }

    private static Dictionary<string, Column> BuildIndex()
    {
        var index = new Dictionary<string, Column>(StringComparer.Ordinal);
        foreach (var column in Table)
        {
            foreach (var name in column.Aliases.Append(column.Name))
            {
                index[Normalize(name)] = column;
            }
        }

        return index;
    }

    private static string Normalize(string header) =>
        new string(header.Where(c => !char.IsWhiteSpace(c) && c != '_' && c != '-').ToArray()).ToLowerInvariant();

    private sealed class Column
    {
        public Column(string name, string[] aliases, Action<UserOnboardingRequest, object?> set)
        {
            Name = name;
            Aliases = aliases;
            Set = set;
        }

        public string Name { get; }

        public string[] Aliases { get; }

        public Action<UserOnboardingRequest, object?> Set { get; }
    }
}
