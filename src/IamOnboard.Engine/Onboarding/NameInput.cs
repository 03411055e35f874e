using System;
using System.Linq;
using System.Text.RegularExpressions;
using IamOnboard.Rules;

namespace IamOnboard.Onboarding;

/// <summary>
/// A user or group name as a person gives it to the module. IAM's own words for a bad name (a regular expression) do
/// not say what was wrong when the value is the ARN (copied from the console, Get-IAMUser or Get-IAMGroup), the path
/// and name (/engineering/Developers) or several names in one value ("Developers, Auditors"): those say what to give
/// instead, and name it. The local endpoint keeps IAM's words.
/// </summary>
public static class NameInput
{
    private static readonly Regex GroupArn = new(@"^arn:[^:]+:iam::[^:]*:group/(?:.*/)?(?<name>[^/]+)$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);
    private static readonly Regex UserArn = new(@"^arn:[^:]+:iam::[^:]*:user/(?:.*/)?(?<name>[^/]+)$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

    /// <summary>Throws InvalidGroupName naming <paramref name="field"/> when IAM would refuse the name.</summary>
    public static void CheckGroup(string groupName, string field)
    {
        if (IamNameRules.CheckGroupName(groupName) is { } violation)
        {
            throw new OnboardInputException("InvalidGroupName", field, groupName, GroupHint(groupName, field) ?? violation.Message);
        }
    }

    /// <summary>Throws InvalidUserName naming <paramref name="field"/> when IAM would refuse the name.</summary>
    public static void CheckUser(string userName, string field)
    {
        if (IamNameRules.CheckUserName(userName) is { } violation)
        {
            throw new OnboardInputException("InvalidUserName", field, userName, UserHint(userName, field) ?? violation.Message);
        }
    }

    /// <summary>
    /// What to give instead when IAM would refuse <paramref name="path"/> only for a missing leading or trailing '/'
    /// (engineering, /engineering, engineering/ for /engineering/): IAM's own words are its regular expression. Else null.
    /// </summary>
    public static string? PathHint(string path, string field)
    {
        var trimmed = path.Trim();
        if (trimmed.Length == 0 || (trimmed.StartsWith("/", StringComparison.Ordinal) && trimmed.EndsWith("/", StringComparison.Ordinal)))
        {
            return null;
        }

        var suggested = (trimmed.StartsWith("/", StringComparison.Ordinal) ? string.Empty : "/") + trimmed + (trimmed.EndsWith("/", StringComparison.Ordinal) ? string.Empty : "/");
        return IamNameRules.CheckPath(suggested) is null
            ? $"{field}: '{path}' is not an IAM path, which starts and ends with '/': give '{suggested}'."
            : null;
    }

    /// <summary>What to give instead, when a name IAM refuses is a group's ARN, its path and name, or several names; else null.</summary>
    public static string? GroupHint(string groupName, string field) =>
        Hint(groupName, field, "group", GroupArn, "New-OnboardGroup -Path", name => IamNameRules.CheckGroupName(name) is null);

    /// <summary>What to give instead, when a name IAM refuses is a user's ARN, its path and name, or several names; else null.</summary>
    public static string? UserHint(string userName, string field) =>
        Hint(userName, field, "user", UserArn, "New-OnboardUser -Path", name => IamNameRules.CheckUserName(name) is null);

    private static string? Hint(string given, string field, string kind, Regex arnPattern, string pathSetBy, Func<string, bool> isName)
    {
        var text = given.Trim();
        var arn = arnPattern.Match(text);
        if (arn.Success)
        {
            return $"{field}: '{given}' is a {kind}'s ARN; give the {kind}'s name alone: {arn.Groups["name"].Value}.";
        }

        // "Developers, Auditors": a space is not allowed in a name, so this is a list typed as one value.
        var pieces = text.Split(new[] { ',', ';' }, StringSplitOptions.RemoveEmptyEntries).Select(piece => piece.Trim()).ToList();
        if (pieces.Count > 1 && pieces.All(piece => piece.Length > 0 && isName(piece)))
        {
            return $"{field}: '{given}' is {pieces.Count} {kind}s in one value: give each as its own value, as in -{field} {string.Join(", ", pieces)} "
                + $"(in a CSV cell, separate them with ';': {string.Join(";", pieces)}).";
        }

        var name = text.Substring(text.LastIndexOf('/') + 1);
        return text.IndexOf('/') >= 0 && name.Length > 0 && isName(name)
            ? $"{field}: '{given}' is a path and a name; give the {kind}'s name alone: {name} (a {kind} is named without its path, which {pathSetBy} sets)."
            : null;
    }
}
