using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using IamOnboard.Commands.Infrastructure;
using IamOnboard.Commands.Transformations;
using IamOnboard.Input;
using IamOnboard.Onboarding;

namespace IamOnboard.Commands;

/// <summary>
/// Import-OnboardCsv: reads a starters file into typed requests for New-OnboardUser. The whole file is checked first
/// (encoding, columns, names, paths, tags, yes/no cells, duplicate users), each bad row reported with its row, line,
/// field and value; only then are the valid rows written, each a request numbered with its row and line, so no change
/// is made before every row was checked and New-OnboardUser takes each request as it is. A file that cannot be read as a
/// whole (its header, its encoding, a folder) gets one error and none of its rows is written; the other files of
/// <c>Get-ChildItem *.csv | Import-OnboardCsv</c> go on, as the rows of a batch do.
/// </summary>
[Cmdlet(VerbsData.Import, "OnboardCsv")]
// By name: PowerShell reads cmdlet attributes at import, before the engine's resolver is installed (OnImportAndRemove).
[OutputType("IamOnboard.Onboarding.UserOnboardingRequest")]
public sealed class ImportOnboardCsvCommand : PSCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [TextOnly(TakesFiles = true)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    [Parameter]
    public char Delimiter { get; set; } = ',';

    /// <summary>-Debug in a runbook without its questions; a stream set to ask, refused (see <see cref="InteractiveHost.RefuseQuestionsNobodyCanAnswer"/>).</summary>
    protected override void BeginProcessing()
    {
        if (InteractiveHost.RefuseQuestionsNobodyCanAnswer(this) is { } refusal)
        {
            ThrowTerminatingError(refusal);
        }
    }

    protected override void ProcessRecord()
    {
        string path;
        try
        {
            path = FileSystemPath.Resolve(SessionState.Path, nameof(Path), Path);
        }
        catch (OnboardInputException notAFile)
        {
            // This file only: the other files of the pipeline go on.
            WriteError(OnboardErrors.FromException(notAFile, Path));
            return;
        }

        var valid = new List<UserOnboardingRequest>();
        var total = 0;
        try
        {
            foreach (var row in StartersCsvReader.Open(path, Delimiter).ReadRows())
            {
                total++;
                if (row.Problem is not null)
                {
                    WriteError(OnboardErrors.FromException(row.Problem, RefusedRow(row, path)));
                }
                else
                {
                    foreach (var ignored in row.Ignored)
                    {
                        WriteWarning($"{row.Request!.Where}{ignored}.");
                    }

                    valid.Add(row.Request!);
                }
            }
        }
        catch (OnboardInputException invalid)
        {
            // A header problem says "line 1: ..."; with several files read, only the path tells which file's line.
            var named = invalid.Message.StartsWith("line ", StringComparison.Ordinal)
                ? new OnboardInputException(invalid.ErrorId, invalid.Field, invalid.Value, $"{path}: {invalid.Message}")
                : invalid;
            WriteError(OnboardErrors.FromException(named, path));
            return;
        }
        catch (CsvFormatException unreadable)
        {
            WriteError(OnboardErrors.Create("CsvUnreadable", ErrorCategory.InvalidData, path, $"{path}: {unreadable.Message}"));
            return;
        }
        catch (Exception unreadable) when (unreadable is IOException or UnauthorizedAccessException)
        {
            // A folder among Get-ChildItem's output, or a file this account may not read.
            var why = Directory.Exists(path) ? "it is a folder, not a file" : unreadable.Message;
            WriteError(OnboardErrors.Create("CsvUnreadable", ErrorCategory.ReadError, path, $"{path}: {why}"));
            return;
        }

        WriteVerbose($"{path}: {total} rows, {total - valid.Count} refused before any change.");
        SecretSinks.FindDownstream<NewOnboardUserCommand>(this)?.NoteBatchFile(path, total, total - valid.Count);
        foreach (var request in valid)
        {
            // The file's size and the rows refused here ride along for New-OnboardUser's progress and summary: refused
            // rows count in the batch as rejected, rows left out by a filter between the two as not received. (Told
            // directly above when New-OnboardUser can be found; the properties serve one reached some other way.)
            var output = PSObject.AsPSObject(request);
            output.Properties.Add(new PSNoteProperty("BatchSize", total));
            output.Properties.Add(new PSNoteProperty("BatchRefused", total - valid.Count));
            output.Properties.Add(new PSNoteProperty("BatchSource", path));
            WriteObject(output);
        }
    }

    /// <summary>A refused row as the error's target: its cells as written, with its row and line.</summary>
    private static PSObject RefusedRow(StartersCsvRow row, string path)
    {
        var result = new PSObject();
        foreach (var cell in row.Cells)
        {
            result.Properties.Add(new PSNoteProperty(cell.Key, cell.Value));
        }

        result.Properties.Add(new PSNoteProperty("Row", row.Row));
        result.Properties.Add(new PSNoteProperty("Line", row.Line));
        result.Properties.Add(new PSNoteProperty("File", path));
        return result;
    }
}
