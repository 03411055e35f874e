using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using IamOnboard.Commands.Infrastructure;
using IamOnboard.Input;
using IamOnboard.Onboarding;

namespace IamOnboard.Commands;

/// <summary>
/// Import-OnboardCsv: reads a starters file for New-OnboardUser. The whole file is checked first (encoding,
/// columns, names, paths, tags, yes/no cells, duplicate users), each bad row reported with its row, line, field
/// and value; only then are the valid rows written, numbered, so no change is made before every row was checked.
/// </summary>
[Cmdlet(VerbsData.Import, "OnboardCsv")]
[OutputType(typeof(PSObject))]
public sealed class ImportOnboardCsvCommand : PSCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    [Parameter]
    public char Delimiter { get; set; } = ',';

    protected override void ProcessRecord()
    {
        var path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
        StarterFile file;
        var invalidRows = new HashSet<int>();
        var total = 0;
        try
        {
            file = StarterFile.Open(path, Delimiter);
            foreach (var row in file.ReadRows())
            {
                total++;
                if (row.Problem is not null)
                {
                    invalidRows.Add(row.Row);
                    WriteError(OnboardErrors.FromException(row.Problem, RowObject(row, total: null)));
                }
            }
        }
        catch (OnboardInputException invalid)
        {
            ThrowTerminatingError(OnboardErrors.FromException(invalid, path));
            return;
        }
        catch (CsvFormatException unreadable)
        {
            ThrowTerminatingError(OnboardErrors.Create("CsvUnreadable", ErrorCategory.InvalidData, path, $"{path}: {unreadable.Message}"));
            return;
        }
        catch (IOException unreadable)
        {
            ThrowTerminatingError(OnboardErrors.Create("CsvUnreadable", ErrorCategory.ReadError, path, $"{path}: {unreadable.Message}"));
            return;
        }

        WriteVerbose($"{path}: {total} rows, {invalidRows.Count} refused before any change.");
        foreach (var row in file.ReadRows())
        {
            if (!invalidRows.Contains(row.Row))
            {
                WriteObject(RowObject(row, total));
            }
        }
    }

    /// <summary>The row as New-OnboardUser binds it, with its row number and the batch's size for progress.</summary>
    private static PSObject RowObject(StarterRow row, int? total)
    {
        var result = new PSObject();
        foreach (var column in StarterFile.Columns.Keys)
        {
            result.Properties.Add(new PSNoteProperty(column, row.Values.TryGetValue(column, out var value) ? value : null));
        }

        result.Properties.Add(new PSNoteProperty("Row", row.Row));
        result.Properties.Add(new PSNoteProperty("Line", row.Line));
        if (total is not null)
        {
            result.Properties.Add(new PSNoteProperty("BatchSize", total.Value));
        }

        return result;
    }
}
