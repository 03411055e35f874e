using System;
using System.Collections.Generic;
using System.Linq;
using IamOnboard.Onboarding;

namespace IamOnboard.Input;

/// <summary>What one row (a CSV row, an object's properties, a hashtable's keys) became.</summary>
public sealed class UserRowMapping
{
    internal UserRowMapping(UserOnboardingRequest? request, OnboardInputException? problem, IReadOnlyList<string> unknownColumns, IReadOnlyList<string> passedOver,
        string? userName = null, IReadOnlyList<string>? ignored = null, bool holdsSecrets = false)
    {
        HoldsSecrets = holdsSecrets;
        Request = request;
        Problem = problem;
        UserName = request?.UserName ?? userName;
        UnknownColumns = unknownColumns;
        PassedOver = passedOver;
        Ignored = ignored ?? Array.Empty<string>();
    }

    /// <summary>A request already mapped and checked (Import-OnboardCsv's), taken as it is.</summary>
    public static UserRowMapping Of(UserOnboardingRequest request) =>
        new(request ?? throw new ArgumentNullException(nameof(request)), null, Array.Empty<string>(), Array.Empty<string>());

    /// <summary>The request, checked offline; null when <see cref="Problem"/> is set.</summary>
    public UserOnboardingRequest? Request { get; }

    /// <summary>Why the row cannot be onboarded, with its row, line, field and value.</summary>
    public OnboardInputException? Problem { get; }

    /// <summary>The user the row names, also when it was refused for another problem (for the batch's duplicate check).</summary>
    public string? UserName { get; }

    /// <summary>
    /// True when the row's cells hold a secret in plain text (a password, a secret access key): the row itself must then
    /// not be shown, nor kept as an error's target object (Get-Error would show it).
    /// </summary>
    public bool HoldsSecrets { get; }

    /// <summary>Columns that are not ones New-OnboardUser takes, as written; their cells were not used.</summary>
    public IReadOnlyList<string> UnknownColumns { get; }

    /// <summary>Attributes IAM reports for an existing user (Arn, UserId, ...), as written; not used.</summary>
    public IReadOnlyList<string> PassedOver { get; }

    /// <summary>
    /// A yes that cannot take effect (PasswordResetRequired without ConsoleAccess, AdditionalAccessKey without
    /// ProgrammaticAccess), one sentence each naming the field and value, for a warning after the row's position.
    /// </summary>
    public IReadOnlyList<string> Ignored { get; }
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
    /// result offline. A problem names the row, line, field and value. <paramref name="parameters"/>: the cells that are
    /// a command's parameters, named so in what is said of them.
    /// </summary>
    public static UserRowMapping Map(IEnumerable<KeyValuePair<string, object?>> cells, int? row, int? line, UserOnboardingRequest? start = null,
        ICollection<string>? parameters = null)
    {
        var unknown = new List<string>();
        var passedOver = new List<string>();
        var byColumn = new Dictionary<string, (string Header, object? Value)>(StringComparer.Ordinal);
        var secrets = new List<string>();
        var signInLink = false;
        try
        {
            foreach (var cell in cells)
            {
                var column = UserColumns.Resolve(cell.Key);
                if (UserColumns.IsSecret(cell.Key))
                {
                    // An empty cell counts too: the other rows of that credentials file have it filled.
                    if (cell.Value is not null)
                    {
                        secrets.Add(cell.Key);
                    }
                }
                else if (column is null)
                {
                    signInLink |= UserColumns.IsSignInLink(cell.Key);
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

            var passwordText = byColumn.TryGetValue(UserColumns.Password, out var password) && password.Value is string ? password.Header : null;
            if (secrets.Count > 0 || (signInLink && passwordText is not null))
            {
                // Refused, not ignored: a credentials file given as starters is the wrong file, whatever else it holds.
                // Its other columns are not said to be ignored (the row is not used at all).
                unknown.Clear();
                var named = passwordText is null ? secrets : secrets.Prepend(passwordText).ToList();
                throw new OnboardInputException("SecretInInput", secrets.FirstOrDefault() ?? passwordText!, null, UserColumns.SecretColumnsMessage(named));
            }

            var request = (start ?? new UserOnboardingRequest()).Clone();
            request.Row = row ?? request.Row;
            request.Line = line ?? request.Line;
            foreach (var cell in byColumn)
            {
                UserColumns.Apply(request, cell.Key, cell.Value.Value);
            }

            if (string.IsNullOrWhiteSpace(request.UserName))
            {
                // Said in words, with what the input does have, rather than as IAM's "Value '' at 'userName'" text.
                var found = byColumn.ContainsKey(UserColumns.UserName)
                    ? $"its '{byColumn[UserColumns.UserName].Header}' is empty"
                    : unknown.Count == 0 ? "it has no UserName ('User name', Name) property" : $"it has no UserName ('User name', Name) property, only {string.Join(", ", unknown.Select(u => $"'{u}'{UnseenCharacters.InHeader(u)}"))}";
                var hint = unknown.Count == 1 ? StartersCsvReader.DelimiterHint(unknown[0], ',') : string.Empty;
                throw new OnboardInputException("InvalidUserName", UserColumns.UserName, null, $"{UserColumns.UserName}: no user name: {found}.{hint}");
            }

            UserOnboarder.ValidateOffline(request);
            return new UserRowMapping(request, null, unknown, passedOver, ignored: IgnoredYes(request, byColumn, parameters ?? Array.Empty<string>()));
        }
        catch (OnboardInputException invalid)
        {
            var named = byColumn.TryGetValue(UserColumns.UserName, out var nameCell) ? (nameCell.Value as string)?.Trim() : start?.UserName;
            var holdsSecrets = secrets.Count > 0 || (byColumn.TryGetValue(UserColumns.Password, out var passwordCell) && passwordCell.Value is string { Length: > 0 });
            return new UserRowMapping(null, invalid.AtRow(row ?? start?.Row, line ?? start?.Line, start?.SourceFile), unknown, passedOver, string.IsNullOrEmpty(named) ? null : named,
                holdsSecrets: holdsSecrets);
        }
    }

    /// <summary>
    /// A yes that needs another column's yes to do anything, given without it. Said rather than refused: a template's
    /// default column often holds it for every row. Only for what these cells give: a request taken over with other
    /// cells (New-OnboardUser's parameters on an Import-OnboardCsv row) was already said of where it was read.
    /// </summary>
    private static List<string> IgnoredYes(UserOnboardingRequest request, Dictionary<string, (string Header, object? Value)> byColumn, ICollection<string> parameters)
    {
        var ignored = new List<string>();
        Check(request.PasswordResetRequired && !request.ConsoleAccess, UserColumns.PasswordResetRequired, UserColumns.ConsoleAccess,
            $"'{request.UserName}' gets no console password to reset");
        Check(request.AdditionalAccessKey && !request.ProgrammaticAccess, UserColumns.AdditionalAccessKey, UserColumns.ProgrammaticAccess,
            $"no access key is made for '{request.UserName}'");
        return ignored;

        void Check(bool hasNoEffect, string flag, string needs, string outcome)
        {
            if (!hasNoEffect || !(byColumn.ContainsKey(flag) || byColumn.ContainsKey(needs)))
            {
                return;
            }

            var given = parameters.Contains(flag) ? $"-{flag}"
                : byColumn.TryGetValue(flag, out var cell) ? $"{cell.Header}: '{TagValues.Scalar(cell.Value) ?? "yes"}'"
                : $"{flag}: 'yes'";
            // Named as the flag was given: a parameter's missing partner is a parameter too, unless a cell gave it.
            var missing = byColumn.TryGetValue(needs, out var other) && !parameters.Contains(needs) ? other.Header
                : parameters.Contains(flag) || parameters.Contains(needs) ? $"-{needs}" : needs;
            var how = parameters.Contains(flag) ? $"add -{needs}, or leave out -{flag}"
                : parameters.Contains(needs) ? $"leave {flag} empty" : $"give {missing} yes, or leave {flag} empty";
            ignored.Add($"{given} has no effect without {missing}: {outcome}; {how}");
        }
    }
    /// <summary>
    /// What parameters given on the command line (<paramref name="overrides"/>, which win over a row's cells) replace of
    /// a row: its <paramref name="cells"/> for the same columns, or what an Import-OnboardCsv request (<paramref name="typed"/>)
    /// gives there. A column the row leaves empty (or no), or gives the same, is not listed.
    /// </summary>
    public static IReadOnlyList<ReplacedCell> ReplacedByParameters(UserOnboardingRequest? typed, IEnumerable<KeyValuePair<string, object?>> cells,
        IReadOnlyList<KeyValuePair<string, object?>> overrides)
    {
        var rowAlone = typed ?? new UserOnboardingRequest();
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var cell in cells)
        {
            if (UserColumns.Resolve(cell.Key) is not { } column || !overrides.Any(o => o.Key == column))
            {
                continue;
            }

            headers[column] = cell.Key;
            try
            {
                UserColumns.Apply(rowAlone, column, cell.Value);
            }
            catch (OnboardInputException)
            {
                // A cell the parameter replaces is not used, so not checked: only what it gives is compared.
            }
        }

        var replaced = new List<ReplacedCell>();
        foreach (var parameter in overrides)
        {
            if (typed is null && !headers.ContainsKey(parameter.Key) || UserColumns.GivenText(rowAlone, parameter.Key) is not { } rowGives)
            {
                continue;
            }

            var byParameter = new UserOnboardingRequest();
            try
            {
                UserColumns.Apply(byParameter, parameter.Key, parameter.Value);
            }
            catch (OnboardInputException)
            {
                continue; // the parameter's own error is the row's
            }

            var parameterGives = UserColumns.GivenText(byParameter, parameter.Key);
            if (!UserColumns.SameGiven(parameter.Key, rowGives, parameterGives))
            {
                replaced.Add(new ReplacedCell(parameter.Key, headers.TryGetValue(parameter.Key, out var header) ? header : parameter.Key, rowGives, parameterGives));
            }
        }

        return replaced;
    }
}

/// <summary>A row's column that a parameter given on the command line replaces: what the row gave, and what the parameter gives (null: no).</summary>
public sealed class ReplacedCell
{
    public ReplacedCell(string column, string header, string rowGives, string? parameterGives)
    {
        Column = column;
        Header = header;
        RowGives = rowGives;
        ParameterGives = parameterGives;
    }

    /// <summary>The canonical column: the parameter's name.</summary>
    public string Column { get; }

    /// <summary>The column as the row names it.</summary>
    public string Header { get; }

    public string RowGives { get; }

    public string? ParameterGives { get; }
}
