using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Security;
using IamOnboard.Onboarding;

namespace IamOnboard.Input;

/// <summary>What one row (a CSV row, an object's properties, a hashtable's keys) became.</summary>
public sealed class UserRowMapping
{
    internal UserRowMapping(UserOnboardingRequest? request, OnboardInputException? problem, IReadOnlyList<string> unknownColumns, IReadOnlyList<string> passedOver)
    {
        Request = request;
        Problem = problem;
        UnknownColumns = unknownColumns;
        PassedOver = passedOver;
    }

    /// <summary>A request already mapped and checked (Import-OnboardCsv's), taken as it is.</summary>
    public static UserRowMapping Of(UserOnboardingRequest request) =>
        new(request ?? throw new ArgumentNullException(nameof(request)), null, Array.Empty<string>(), Array.Empty<string>());

    /// <summary>The request, checked offline; null when <see cref="Problem"/> is set.</summary>
    public UserOnboardingRequest? Request { get; }

    /// <summary>Why the row cannot be onboarded, with its row, line, field and value.</summary>
    public OnboardInputException? Problem { get; }

    /// <summary>Columns that are not ones New-OnboardUser takes, as written; their cells were not used.</summary>
    public IReadOnlyList<string> UnknownColumns { get; }

    /// <summary>Attributes IAM reports for an existing user (Arn, UserId, ...), as written; not used.</summary>
    public IReadOnlyList<string> PassedOver { get; }
}

/// <summary>
/// The one mapping from a row of named cells to a <see cref="UserOnboardingRequest"/>, shared by the starters CSV
/// reader and New-OnboardUser's pipeline input, so both give the same request and the same errors. Cells hold plain
/// .NET values: text, yes/no, numbers, SecureString, tables (IDictionary) and lists.
/// </summary>
public static class UserRowMapper
{
    /// <summary>
    /// Applies <paramref name="cells"/> to a copy of <paramref name="start"/> (a new request when null) and checks the
    /// result offline. A problem names the row, line, field and value.
    /// </summary>
    public static UserRowMapping Map(IEnumerable<KeyValuePair<string, object?>> cells, int? row, int? line, UserOnboardingRequest? start = null)
    {
        var unknown = new List<string>();
        var passedOver = new List<string>();
        var byColumn = new Dictionary<string, (string Header, object? Value)>(StringComparer.Ordinal);
        try
        {
            foreach (var cell in cells)
            {
                var column = UserColumns.Resolve(cell.Key);
                if (column is null)
                {
                    (UserColumns.IsReportedByIam(cell.Key) ? passedOver : unknown).Add(cell.Key);
                }
                else if (byColumn.TryGetValue(column, out var earlier))
                {
                    throw new OnboardInputException("ColumnRepeated", column, cell.Key, $"'{cell.Key}' and '{earlier.Header}' both give {column}; give it once.");
                }
                else
                {
                    byColumn[column] = (cell.Key, cell.Value);
                }
            }

            var request = Copy(start ?? new UserOnboardingRequest());
            request.Row = row ?? request.Row;
            request.Line = line ?? request.Line;
            foreach (var cell in byColumn)
            {
                Apply(request, cell.Key, cell.Value.Value);
            }

            UserOnboarder.ValidateOffline(request);
            return new UserRowMapping(request, null, unknown, passedOver);
        }
        catch (OnboardInputException invalid)
        {
            return new UserRowMapping(null, invalid.AtRow(row ?? start?.Row, line ?? start?.Line), unknown, passedOver);
        }
    }

    private static void Apply(UserOnboardingRequest request, string column, object? value)
    {
        switch (column)
        {
            case UserColumns.UserName:
                request.UserName = Text(column, value) ?? string.Empty;
                break;
            case UserColumns.Path:
                request.Path = NullIfEmpty(Text(column, value));
                break;
            case UserColumns.PermissionsBoundary:
                request.PermissionsBoundary = NullIfEmpty(Text(column, BoundaryArn(value)));
                break;
            case UserColumns.Tag:
                request.Tags = Tags(value);
                break;
            case UserColumns.ConsoleAccess:
                request.ConsoleAccess = YesNo(column, value);
                break;
            case UserColumns.PasswordResetRequired:
                request.PasswordResetRequired = YesNo(column, value);
                break;
            case UserColumns.ProgrammaticAccess:
                request.ProgrammaticAccess = YesNo(column, value);
                break;
            case UserColumns.AdditionalAccessKey:
                request.AdditionalAccessKey = YesNo(column, value);
                break;
            case UserColumns.Policy:
                request.Policies = List(column, value);
                break;
            case UserColumns.Group:
                request.Groups = List(column, value);
                break;
            case UserColumns.Password:
                request.Password = Password(value);
                break;
        }

        // A password means console access, whichever cell came first.
        request.ConsoleAccess |= request.Password is not null;
    }

    private static string? Text(string column, object? value)
    {
        if (value is not null && TagValues.Scalar(value) is null)
        {
            var errorId = column switch { UserColumns.Policy => "InvalidPolicyName", UserColumns.Group => "InvalidGroupName", _ => "Invalid" + column };
            throw new OnboardInputException(errorId, column, TagValues.Describe(value),
                $"{column}: a {TagValues.Describe(value)} was given where one value is expected.");
        }

        return TagValues.Scalar(value)?.Trim();
    }

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;

    /// <summary>Get-IAMUser gives the boundary as an object with PermissionsBoundaryArn; take the ARN from it.</summary>
    private static object? BoundaryArn(object? value) =>
        value is IDictionary boundary && boundary.Contains("PermissionsBoundaryArn") ? boundary["PermissionsBoundaryArn"] : value;

    private static bool YesNo(string column, object? value)
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

    private static IReadOnlyList<KeyValuePair<string, string>> Tags(object? value)
    {
        if (!TagValues.TryRead(value, out var tags, out var error))
        {
            var text = TagValues.Scalar(value);
            throw text is null
                ? new OnboardInputException("InvalidTag", UserColumns.Tag, TagValues.Describe(value!), $"Tag: {error}.")
                : new OnboardInputException("InvalidTag", UserColumns.Tag, text, $"Tag: '{text}' is not a tag list ({error}). Write key=value;key2=value2.");
        }

        return tags;
    }

    private static IReadOnlyList<string> List(string column, object? value)
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

    private static SecureString? Password(object? value) => value switch
    {
        null => null,
        SecureString secret => secret,
        string text when text.Length == 0 => null,
        // Never echo the value: it is meant to be a password.
        _ => throw new OnboardInputException("PasswordNotSecure", UserColumns.Password, null,
            "Password: a password in plain text (a CSV column, a string) is refused: it leaves passwords in files and logs. Leave it out and New-OnboardUser generates each password to the account's policy, or pass a SecureString."),
    };

    private static UserOnboardingRequest Copy(UserOnboardingRequest source) => new()
    {
        UserName = source.UserName,
        Path = source.Path,
        Tags = source.Tags,
        PermissionsBoundary = source.PermissionsBoundary,
        ConsoleAccess = source.ConsoleAccess,
        Password = source.Password,
        PasswordResetRequired = source.PasswordResetRequired,
        ProgrammaticAccess = source.ProgrammaticAccess,
        AdditionalAccessKey = source.AdditionalAccessKey,
        Policies = source.Policies,
        Groups = source.Groups,
        Row = source.Row,
        Line = source.Line,
    };
}
