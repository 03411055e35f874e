using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Security;
using IamOnboard.Onboarding;

namespace IamOnboard.Input;

/// <summary>Reads one cell's plain .NET value as the kind of value a column takes, or refuses it naming the column and value.</summary>
internal static class CellValues
{
    internal static string? Text(string column, object? value)
    {
        if (value is not null && TagValues.Scalar(value) is null)
        {
            var errorId = column switch { UserColumns.Policy => "InvalidPolicyName", UserColumns.Group => "InvalidGroupName", _ => "Invalid" + column };
            throw new OnboardInputException(errorId, column, TagValues.Describe(value),
                $"{column}: a {TagValues.Describe(value)} was given where one value is expected.");
        }

        return TagValues.Scalar(value)?.Trim();
    }

    internal static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;

    /// <summary>Get-IAMUser gives the boundary as an object with PermissionsBoundaryArn; take the ARN from it.</summary>
    internal static object? BoundaryArn(object? value) =>
        value is IDictionary boundary && boundary.Contains("PermissionsBoundaryArn") ? boundary["PermissionsBoundaryArn"] : value;

    internal static bool YesNo(string column, object? value)
    {
        switch (value)
        {
            case null:
                return false;
            case bool flag:
                return flag;
            case int or long or short or byte when Convert.ToInt64(value, CultureInfo.InvariantCulture) is 0 or 1:
                return Convert.ToInt64(value, CultureInfo.InvariantCulture) == 1;
            case string text when FlexibleBoolean.TryParse(text, out var parsed):
                return parsed;
            default:
                var shown = TagValues.Scalar(value) ?? TagValues.Describe(value);
                throw new OnboardInputException("InvalidYesNo", column, shown,
                    $"{column}: '{shown}' is not yes or no (use yes/no, true/false, 1/0, or leave it empty).");
        }
    }

    internal static IReadOnlyList<KeyValuePair<string, string>> Tags(object? value)
    {
        if (!TagValues.TryRead(value, out var tags, out var error))
        {
            var text = TagValues.Scalar(value);
            throw text is null
                ? new OnboardInputException("InvalidTag", "Tag", TagValues.Describe(value!), $"Tag: {error}.")
                : new OnboardInputException("InvalidTag", "Tag", text, $"Tag: '{text}' is not a tag list ({error}). Write key=value;key2=value2.");
        }

        return tags;
    }

    internal static IReadOnlyList<string> List(string column, object? value)
    {
        if (value is null or string)
        {
            return ListText.Split((string?)value);
        }

        if (value is IEnumerable items and not IDictionary)
        {
            return items.Cast<object?>().SelectMany(item => ListText.Split(Text(column, item))).ToList();
        }

        return ListText.Split(Text(column, value));
    }

    internal static SecureString? Password(object? value) => value switch
    {
        null => null,
        SecureString secret => secret,
        string text when text.Length == 0 => null,
        // Never echo the value: it is meant to be a password.
        _ => throw new OnboardInputException("PasswordNotSecure", "Password", null,
            "Password: a password in plain text (a CSV column, a string) is refused: it leaves passwords in files and logs. Leave it out and New-OnboardUser generates each password to the account's policy, or pass a SecureString."),
    };
}
