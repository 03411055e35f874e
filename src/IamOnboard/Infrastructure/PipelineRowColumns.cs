using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Security;
using IamOnboard.Input;

namespace IamOnboard.Commands.Infrastructure;

/// <summary>
/// A row as the hidden -PipelineRow parameter receives it. Binding it must not take the place of the command's own
/// pipeline parameters, nor bind what nothing else binds: <see cref="RowOnlyAttribute"/> wraps only a row, in the
/// binder's first pass, so anything else is skipped there (by type) and bound to -InputObject or -UserName as before. In
/// the binder's later pass, which converts, nothing converts to this type (its constructor is not public): an item that
/// binds nothing else (a user piped to a command given -UserName) is still refused as InputObjectNotBound, and
/// never taken as a reason to run the command for the name on its command line once more.
/// </summary>
public sealed class PipelineItem
{
    internal PipelineItem(PSObject row) => Row = row;

    /// <summary>The row (Import-Csv, ConvertFrom-Csv, Select-Object, [pscustomobject]).</summary>
    internal PSObject Row { get; }
}

/// <summary>Wraps a row as a <see cref="PipelineItem"/> and leaves anything else as it is (see <see cref="PipelineItem"/>).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class RowOnlyAttribute : ArgumentTransformationAttribute
{
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData) =>
        inputData is PSObject { BaseObject: PSCustomObject } row ? new PipelineItem(row) : inputData;
}

/// <summary>
/// What PowerShell's binding by property name passes over in a row piped to a command: a column no parameter takes
/// from the pipeline, and a cell whose parameter was given on the command line, which then wins for every row. Both
/// were dropped without a word; this says them as New-OnboardUser does: unknown columns once per batch as a warning,
/// a replaced cell as a warning for the first row of each column and in verbose output for later rows. Attributes IAM
/// reports for a user or group that exists (Arn, UserId, CreateDate, ...: a Get-IAMUser or AWS CLI object) are passed
/// over in verbose output. Objects of IamOnboard and other tools are not rows.
/// </summary>
internal sealed class PipelineRowColumns
{
    /// <summary>The hidden parameter that receives each pipeline item itself.</summary>
    public const string ParameterName = "PipelineRow";

    /// <summary>Attributes of an existing user or group that these commands do not set (beside <see cref="UserColumns.ReportedByIam"/>).</summary>
    private static readonly string[] ReportedForExisting = { "GroupId", "Path", "Tags", "PermissionsBoundary" };

    private readonly PSCmdlet _cmdlet;
    private readonly HashSet<string> _givenOnCommandLine;
    private readonly HashSet<string> _told = new(StringComparer.OrdinalIgnoreCase);
    private int _rows;

    /// <summary>Made in BeginProcessing, when only the command line's parameters are bound.</summary>
    public PipelineRowColumns(PSCmdlet cmdlet)
    {
        _cmdlet = cmdlet;
        _givenOnCommandLine = new HashSet<string>(cmdlet.MyInvocation.BoundParameters.Keys, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>
    /// Says what the item, when it is a row, has that the command does not use; false (with the error written) for a
    /// row that gives the command nothing of its own, every column it could take being given on the command line: the
    /// command would otherwise run once more for the command line's values, which is not what piping a row asks for
    /// (before the hidden parameter, PowerShell refused such a row as InputObjectNotBound). Pipeline thread.
    /// </summary>
    public bool Check(object? bound)
    {
        if (bound is not PipelineItem { Row: var row })
        {
            return true;
        }

        var where = $"row {++_rows}: ";
        var command = _cmdlet.MyInvocation.MyCommand;
        var unknown = new List<string>();
        var replaced = new List<(string Column, string Message)>();
        foreach (var property in row.Properties)
        {
            var parameter = command.Parameters.Values.FirstOrDefault(p => p.Name != ParameterName
                && (string.Equals(p.Name, property.Name, StringComparison.OrdinalIgnoreCase) || p.Aliases.Contains(property.Name, StringComparer.OrdinalIgnoreCase)));
            if (parameter is null || !TakesByPropertyName(parameter))
            {
                if (!_told.Add("column:" + property.Name))
                {
                    continue;
                }

                if (UserColumns.IsReportedByIam(property.Name) || ReportedForExisting.Contains(property.Name, StringComparer.OrdinalIgnoreCase))
                {
                    _cmdlet.WriteVerbose($"The input's '{property.Name}' is an attribute IAM reports for an existing user or group, not one {command.Name} sets; it is passed over.");
                }
                else
                {
                    unknown.Add(property.Name);
                }

                continue;
            }

            var yesNo = parameter.ParameterType == typeof(SwitchParameter) || parameter.ParameterType == typeof(bool);
            if (!_givenOnCommandLine.Contains(parameter.Name) || Text(Value(property), yesNo) is not { } rowGives)
            {
                continue;
            }

            var given = Text(_cmdlet.MyInvocation.BoundParameters.TryGetValue(parameter.Name, out var value) ? value : null, yesNo);
            if (given is null || !Items(rowGives).SequenceEqual(Items(given), StringComparer.OrdinalIgnoreCase))
            {
                replaced.Add((parameter.Name, $"the {property.Name} cell ({rowGives}) is replaced by -{parameter.Name} given on the command line ({given ?? "no"})"));
            }
        }

        // What the row itself bound: its pipeline parameters, the hidden ones (-PipelineRow, the Arn checked) aside.
        var fromRow = _cmdlet.MyInvocation.BoundParameters.Keys.Where(name => !_givenOnCommandLine.Contains(name)
            && command.Parameters.TryGetValue(name, out var parameter) && !parameter.Attributes.OfType<ParameterAttribute>().All(a => a.DontShow));
        if (!fromRow.Any())
        {
            var why = replaced.Count > 0 ? string.Join("; ", replaced.Select(r => r.Message)) : "the command line gives every column it takes";
            // A row with a secret column is not the error's target: Get-Error would show its cells.
            var holdsSecret = row.Properties.Any(p => UserColumns.IsSecret(p.Name) || string.Equals(p.Name, UserColumns.Password, StringComparison.OrdinalIgnoreCase));
            _cmdlet.WriteError(OnboardErrors.Create("InputObjectNotBound", ErrorCategory.InvalidArgument, holdsSecret ? where.TrimEnd(' ', ':') : row,
                $"{where}nothing of the row is used, so {command.Name} did not run for it: {why}, and the row gives no other column {command.Name} takes. "
                + $"To use the rows' own, leave {string.Join(", ", replaced.Select(r => "-" + r.Column))} out of the command line."));
            return false;
        }

        foreach (var (column, message) in replaced)
        {
            var sentence = $"{where}{message}, which applies to every row and wins over its cells";
            if (_told.Add("replaced:" + column))
            {
                _cmdlet.WriteWarning($"{sentence}. Later rows whose {column} cell is replaced are said in verbose output. To use each row's own, leave out -{column}.");
            }
            else
            {
                _cmdlet.WriteVerbose(sentence + ".");
            }
        }

        if (unknown.Count > 0)
        {
            // Hidden parameters (the Arn a user from another tool is checked by) are not offered as columns.
            var taken = command.Parameters.Values.Where(p => TakesByPropertyName(p) && !p.Attributes.OfType<ParameterAttribute>().All(a => a.DontShow)).Select(p => p.Name);
            var columns = string.Join(", ", unknown.Select(c => $"'{c}'{UnseenCharacters.InHeader(c)}"));
            var (noun, verb) = unknown.Count == 1 ? ("column " + columns + " is not one", "it is") : ("columns " + columns + " are not ones", "they are");
            _cmdlet.WriteWarning($"{where}the input's {noun} {command.Name} takes from a row, so {verb} ignored (said once per batch). Columns it takes: {string.Join(", ", taken)}.");
        }

        return true;
    }

    private bool TakesByPropertyName(ParameterMetadata parameter) => parameter.Name != ParameterName
        && parameter.ParameterSets.Any(set => set.Value.ValueFromPipelineByPropertyName
            && (set.Key == ParameterAttribute.AllParameterSets || set.Key == _cmdlet.ParameterSetName));

    private static object? Value(PSPropertyInfo property)
    {
        try
        {
            return property.Value;
        }
        catch (GetValueException)
        {
            return null; // a property that cannot be read gives nothing
        }
    }

    /// <summary>
    /// A cell or a parameter's value as text to compare and show; null for nothing (empty, a switch not set, and for a
    /// yes/no parameter a cell that says no). A secret is never shown.
    /// </summary>
    private static string? Text(object? value, bool yesNo)
    {
        var raw = value is PSObject wrapped ? wrapped.BaseObject : value;
        switch (raw)
        {
            case null:
                return null;
            case SecureString:
                return "(a secret)";
            case SwitchParameter flag:
                return flag.IsPresent ? "yes" : null;
            case bool given:
                return given ? "yes" : null;
            case string text:
                return string.IsNullOrWhiteSpace(text) || (yesNo && FlexibleBoolean.TryParse(text, out var yes) && !yes) ? null : text.Trim();
            case IDictionary table:
                return table.Count == 0 ? null : string.Join(";", table.Cast<DictionaryEntry>().Select(e => $"{e.Key}={e.Value}"));
            case IEnumerable items:
                var list = items.Cast<object?>().Select(item => Text(item, yesNo)).Where(t => t is not null).ToList();
                return list.Count == 0 ? null : string.Join(";", list);
            default:
                return raw.ToString();
        }
    }

    private static IEnumerable<string> Items(string text) =>
        text.Split(';').Select(item => item.Trim()).Where(item => item.Length > 0).OrderBy(item => item, StringComparer.OrdinalIgnoreCase);
}
