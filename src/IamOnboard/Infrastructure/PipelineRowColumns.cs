using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Security;
using IamOnboard.Input;

namespace IamOnboard.Commands.Infrastructure;

/// <summary>
/// The pipeline item itself, as the hidden -PipelineRow parameter receives it. Binding it must not take the place of
/// the command's own pipeline parameters: <see cref="RowOnlyAttribute"/> wraps only a row in the binder's first pass, so
/// anything else is skipped there (by type) and bound to -InputObject or -UserName as before; in the binder's later
/// pass this constructor takes it as it is, without the exception a failed conversion costs per item.
/// </summary>
public sealed class PipelineItem
{
    public PipelineItem(object item) => Item = item;

    /// <summary>The item as it came down the pipeline.</summary>
    public object Item { get; }

    /// <summary>The item when it is a row (Import-Csv, ConvertFrom-Csv, Select-Object, [pscustomobject]); else null.</summary>
    internal PSObject? Row => Item is PSObject { BaseObject: PSCustomObject } row ? row : null;
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

    /// <summary>Says what the item, when it is a row, has that the command does not use. Pipeline thread.</summary>
    public void Check(object? bound)
    {
        if ((bound as PipelineItem)?.Row is not { } row)
        {
            return;
        }

        var where = $"row {++_rows}: ";
        var command = _cmdlet.MyInvocation.MyCommand;
        var unknown = new List<string>();
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
            if (given is not null && Items(rowGives).SequenceEqual(Items(given), StringComparer.OrdinalIgnoreCase))
            {
                continue;
            }

            var message = $"{where}the {property.Name} cell ({rowGives}) is replaced by -{parameter.Name} given on the command line ({given ?? "no"}), "
                + "which applies to every row and wins over its cells";
            if (_told.Add("replaced:" + parameter.Name))
            {
                _cmdlet.WriteWarning($"{message}. Later rows whose {property.Name} cell is replaced are said in verbose output. To use each row's own, leave out -{parameter.Name}.");
            }
            else
            {
                _cmdlet.WriteVerbose(message + ".");
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
