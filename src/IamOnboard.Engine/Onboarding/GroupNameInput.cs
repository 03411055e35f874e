using System.Linq;
using System.Text.RegularExpressions;
using IamOnboard.Rules;

namespace IamOnboard.Onboarding;

/// <summary>
/// A group name as a person gives it to the module. IAM's own words for a bad name (a regular expression) do not say
/// what was wrong when the value is the group's ARN (copied from the console or Get-IAMGroup) or its path and name
/// (/engineering/Developers): those say to give the name alone, and name it. The local endpoint keeps IAM's words.
/// </summary>
public static class GroupNameInput
{
    private static readonly Regex GroupArn = new(@"^arn:[^:]+:iam::[^:]*:group/(?:.*/)?(?<name>[^/]+)$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

    /// <summary>Throws InvalidGroupName naming <paramref name="field"/> when IAM would refuse the name.</summary>
    public static void Check(string groupName, string field)
    {
        if (IamNameRules.CheckGroupName(groupName) is { } violation)
        {
            throw new OnboardInputException("InvalidGroupName", field, groupName, ArnOrPathHint(groupName, field) ?? violation.Message);
        }
    }

    /// <summary>What to give instead, when a name IAM refuses is a group's ARN, its path and name, or several names; else null.</summary>
    public static string? ArnOrPathHint(string groupName, string field)
    {
        var text = groupName.Trim();
        var arn = GroupArn.Match(text);
        if (arn.Success)
        {
            return $"{field}: '{groupName}' is a group's ARN; give the group's name alone: {arn.Groups["name"].Value}.";
        }

        // "Developers, Auditors": a space is not allowed in a name, so this is a list typed as one value.
        var pieces = text.Split(new[] { ',', ';' }, System.StringSplitOptions.RemoveEmptyEntries).Select(piece => piece.Trim()).ToList();
        if (pieces.Count > 1 && pieces.All(piece => piece.Length > 0 && IamNameRules.CheckGroupName(piece) is null))
        {
            return $"{field}: '{groupName}' is {pieces.Count} groups in one value: give each as its own value, as in -{field} {string.Join(", ", pieces)} "
                + $"(in a CSV cell, separate them with ';': {string.Join(";", pieces)}).";
        }

        var name = text.Substring(text.LastIndexOf('/') + 1);
        return text.IndexOf('/') >= 0 && name.Length > 0 && IamNameRules.CheckGroupName(name) is null
            ? $"{field}: '{groupName}' is a path and a name; give the group's name alone: {name} (a group is named without its path, which New-OnboardGroup -Path sets)."
            : null;
    }
}
