using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.Specialized;
using System.Linq;
using System.Management.Automation;
using System.Security;
using IamOnboard.Commands.Infrastructure;
using IamOnboard.Input;
using IamOnboard.Onboarding;

namespace IamOnboard.Commands;

/// <summary>
/// Builds New-OnboardUser's request for one pipeline item or one call, by the engine's one row mapping
/// (<see cref="UserRowMapper"/>): a request from Import-OnboardCsv is taken as it is; a CSV row from Import-Csv, a
/// hashtable, an object (Get-IAMUser output) or a name is mapped; parameters given on the command line apply to every
/// item. Numbers rows as they arrive, counts refused rows, refuses a name repeated in the batch, and warns once per
/// batch about each column it does not take.
/// </summary>
internal sealed class UserRequestBinding
{
    /// <summary>How deep objects in cells are turned into tables of their properties (a tag list of Tag objects needs 2).</summary>
    private const int PropertyDepth = 3;

    private readonly BatchUserNames _names = new();
    private readonly HashSet<string> _reportedColumns = new(StringComparer.OrdinalIgnoreCase);

    // The columns whose cells a parameter has replaced in this batch: the first row of each is a warning, later ones verbose.
    private readonly HashSet<string> _replacedColumns = new(StringComparer.Ordinal);
    private int _received;

    // Each file Import-OnboardCsv read: its rows, and how many of them it refused.
    private readonly Dictionary<string, (int Size, int Refused)> _sources = new(StringComparer.Ordinal);

    /// <summary>The batch's size when Import-OnboardCsv gave it (every file's rows, refused ones included), for progress.</summary>
    public int? BatchSize { get; private set; }

    /// <summary>The rows Import-OnboardCsv refused (each with its error), in every file it read.</summary>
    public int RefusedBeforeThis { get; private set; }

    /// <summary>
    /// The request for this item; false when it was refused (the error is written and the row counted). A refused row's
    /// error is written with <paramref name="writeError"/> when given (a plan's row order), else at once.
    /// </summary>
    public bool TryBind(PSCmdlet cmdlet, PSObject? item, BatchProgress progress, Action<ErrorRecord>? writeError, out UserOnboardingRequest request)
    {
        var inBatch = cmdlet.MyInvocation.ExpectingInput;
        if (inBatch && IsBlankLine(item))
        {
            // A spreadsheet's empty line (",,,") through Import-Csv: not a row, as Import-OnboardCsv does not count it.
            cmdlet.WriteVerbose($"An input line with every cell empty (after row {_received}) was skipped.");
            request = null!;
            return false;
        }

        var row = inBatch ? ++_received : (int?)null;
        var mapping = Map(cmdlet, item, row);
        Report(cmdlet, mapping);
        var problem = mapping.Problem ?? (inBatch ? _names.Check(mapping.Request!) : null);
        if (mapping.Problem is not null && inBatch)
        {
            _names.RememberRefused(mapping.UserName, mapping.Problem.Row ?? row, mapping.Problem.File);
        }

        if (problem is not null)
        {
            progress.RowStarted(problem.Row, BatchSize);
            progress.RowFailed(mapping.UserName);
            // A row holding a secret is not kept as the error's target: Get-Error and $Error would show its cells.
            var target = mapping.HoldsSecrets ? mapping.UserName : (object?)item ?? mapping.Request?.UserName;
            (writeError ?? cmdlet.WriteError)(OnboardErrors.FromException(problem, target));
            request = null!;
            return false;
        }

        request = mapping.Request!;
        foreach (var ignored in mapping.Ignored)
        {
            cmdlet.WriteWarning($"{request.Where}{ignored}.");
        }

        return true;
    }

    private UserRowMapping Map(PSCmdlet cmdlet, PSObject? item, int? row)
    {
        var overrides = UserColumns.All
            .Where(cmdlet.MyInvocation.BoundParameters.ContainsKey)
            .Select(name => new KeyValuePair<string, object?>(name, Plain(cmdlet.MyInvocation.BoundParameters[name], PropertyDepth)))
            .ToList();
        if (item?.BaseObject is UserOnboardingRequest typed)
        {
            NoteSource(item);
            if (overrides.Count == 0)
            {
                return UserRowMapping.Of(typed);
            }

            ReportReplaced(cmdlet, UserRowMapper.ReplacedByParameters(typed, Array.Empty<KeyValuePair<string, object?>>(), overrides), typed.Where, typed.UserName);
            return UserRowMapper.Map(overrides, typed.Row ?? row, typed.Line, typed, overrides.Select(o => o.Key).ToList());
        }

        var overridden = new HashSet<string>(overrides.Select(o => o.Key), StringComparer.Ordinal);
        var cells = Cells(item).ToList();
        var userName = (cells.FirstOrDefault(c => UserColumns.Resolve(c.Key) == UserColumns.UserName).Value as string)?.Trim();
        ReportReplaced(cmdlet, UserRowMapper.ReplacedByParameters(null, cells, overrides), row is null ? string.Empty : $"row {row}: ", userName);
        var kept = cells.Where(c => UserColumns.Resolve(c.Key) is not { } column || !overridden.Contains(column));
        return UserRowMapper.Map(kept.Concat(overrides), row, null, parameters: overridden);
    }

    /// <summary>
    /// Says where a parameter given on the command line replaces what a row gives for the same column (the help: they
    /// apply to every item and win over its columns): the row's groups, tags or path would otherwise be dropped unseen.
    /// The first such row of a column is a warning, naming row, column and value (never a password); later rows of the
    /// batch are said in verbose output.
    /// </summary>
    private void ReportReplaced(PSCmdlet cmdlet, IReadOnlyList<ReplacedCell> replaced, string where, string? userName)
    {
        foreach (var cell in replaced)
        {
            var whose = string.IsNullOrEmpty(userName) ? string.Empty : $" of '{userName}'";
            var message = $"{where}the {cell.Header} cell{whose} ({cell.RowGives}) is replaced by -{cell.Column} given on the command line ({cell.ParameterGives ?? "no"}), "
                + "which applies to every row and wins over its cells";
            if (_replacedColumns.Add(cell.Column))
            {
                cmdlet.WriteWarning(message + $". Later rows whose {cell.Header} cell is replaced are said in verbose output. " + ReplacedWayOut(cell.Column));
            }
            else
            {
                cmdlet.WriteVerbose(message + ".");
            }
        }
    }

    private static string ReplacedWayOut(string column) => column switch
    {
        UserColumns.Group => "To keep each row's groups and add one for all, leave out -Group and pipe on to Add-OnboardGroupMember -GroupName.",
        UserColumns.Tag or UserColumns.Policy => $"To keep each row's {(column == UserColumns.Tag ? "tags" : "policies")}, leave out -{column}, or put what is common in the file.",
        _ => $"To keep each row's own, leave out -{column}.",
    };

    private void NoteSource(PSObject item)
    {
        if (item.Properties["BatchSize"]?.Value is not int size)
        {
            return;
        }

        var source = item.Properties["BatchSource"]?.Value as string ?? string.Empty;
        var refused = item.Properties["BatchRefused"]?.Value is int count ? count : 0;
        NoteFile(source, size, refused);
    }

    /// <summary>A file of the batch: its rows and how many of them were refused before reaching this command.</summary>
    public void NoteFile(string path, int rows, int refused)
    {
        _sources[path] = (rows, refused);
        BatchSize = _sources.Values.Sum(file => file.Size);
        RefusedBeforeThis = _sources.Values.Sum(file => file.Refused);
    }

    /// <summary>
    /// An object of Import-Csv or ConvertFrom-Csv whose every cell is empty: the line was blank but for its commas. An
    /// object of one property is not one: <c>[pscustomobject]@{ UserName = $name }</c> with an empty name is a mistake to report.
    /// </summary>
    private static bool IsBlankLine(PSObject? item) =>
        item?.BaseObject is PSCustomObject
        && Properties(item).ToList() is { Count: > 1 } cells
        && cells.All(cell => cell.Value is null || (cell.Value is string text && string.IsNullOrWhiteSpace(text)));

    /// <summary>The named cells of a pipeline item: a name, a hashtable's entries, or an object's properties.</summary>
    private static IEnumerable<KeyValuePair<string, object?>> Cells(PSObject? item)
    {
        switch (item?.BaseObject)
        {
            case null:
                return Array.Empty<KeyValuePair<string, object?>>();
            case IDictionary table:
                return table.Cast<DictionaryEntry>().Select(e => new KeyValuePair<string, object?>(Convert.ToString(e.Key, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty, Plain(e.Value, PropertyDepth)));
            case var scalar when item.BaseObject is not PSCustomObject && IsScalar(scalar):
                return new[] { new KeyValuePair<string, object?>(UserColumns.UserName, Plain(scalar, 0)) };
            default:
                return Properties(item).Select(p => new KeyValuePair<string, object?>(p.Key, Plain(p.Value, PropertyDepth)));
        }
    }

    private static IEnumerable<KeyValuePair<string, object?>> Properties(PSObject item)
    {
        foreach (var property in item.Properties)
        {
            object? value;
            try
            {
                value = property.Value;
            }
            catch (GetValueException)
            {
                continue; // a property that cannot be read holds nothing New-OnboardUser could take
            }

            yield return new KeyValuePair<string, object?>(property.Name, value);
        }
    }

    /// <summary>A cell value as plain .NET: PSObject unwrapped, switches as bool, lists as lists, objects as tables of their properties.</summary>
    private static object? Plain(object? value, int depth)
    {
        var raw = value is PSObject wrapped ? wrapped.BaseObject : value;
        switch (raw)
        {
            case null:
                return null;
            case SwitchParameter flag:
                return flag.IsPresent;
            case string or SecureString:
                return raw;
            case IDictionary table:
                var copy = new OrderedDictionary();
                foreach (DictionaryEntry entry in table)
                {
                    copy[Plain(entry.Key, 0) ?? string.Empty] = Plain(entry.Value, depth - 1);
                }

                return copy;
            case IEnumerable items:
                return items.Cast<object?>().Select(i => Plain(i, depth - 1)).ToList();
            case var _ when raw is not PSCustomObject && IsScalar(raw):
                return raw;
            default:
                if (depth <= 0)
                {
                    return raw.ToString();
                }

                var properties = new OrderedDictionary(StringComparer.OrdinalIgnoreCase);
                foreach (var property in Properties(PSObject.AsPSObject(value)))
                {
                    properties[property.Key] = Plain(property.Value, depth - 1);
                }

                return properties;
        }
    }

    private static bool IsScalar(object value) => value.GetType().IsPrimitive || value is string or decimal or DateTime or DateTimeOffset or Enum or Guid;

    private void Report(PSCmdlet cmdlet, UserRowMapping mapping)
    {
        foreach (var column in mapping.UnknownColumns.Where(_reportedColumns.Add))
        {
            cmdlet.WriteWarning($"The input's '{column}'{UnseenCharacters.InHeader(column)} is not a column New-OnboardUser takes, so it is ignored (said once per batch). Known columns: {string.Join(", ", UserColumns.Known.Keys)}.");
        }

        foreach (var column in mapping.PassedOver.Where(_reportedColumns.Add))
        {
            cmdlet.WriteVerbose($"The input's '{column}' is an attribute IAM reports for an existing user, not one to set; it is passed over.");
        }
    }
}
