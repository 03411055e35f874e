using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Runtime.InteropServices;
using System.Text;
using IamOnboard.Commands.Infrastructure;
using IamOnboard.Input;
using IamOnboard.IO;
using IamOnboard.Onboarding;

namespace IamOnboard.Commands;

/// <summary>
/// Export-OnboardCredential: writes the console's credentials file (the one `aws configure import --csv` takes)
/// for the users piped in. The only place the module writes a secret in clear, to a file only its owner can read.
/// </summary>
/// <remarks>
/// Each user is taken over from the command before it (see HandOffLedger) and acknowledged, which removes its hand-off
/// mark in IAM, only once its line is on disk (flushed and synced). -WhatIf, a declined -Confirm or a failed write never
/// acknowledge: the marks stay, and the next run replaces the credentials nobody received. A process killed mid-batch
/// leaves a file with every line handed out so far.
/// </remarks>
[Cmdlet(VerbsData.Export, "OnboardCredential", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(FileInfo))]
public sealed class ExportOnboardCredentialCommand : AsyncCmdletBase
{
    private string _path = string.Empty;
    private FileStream? _file;
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);
    private bool _open;
    private bool _declined;
    private int _written;
    private int _received; // users and devices that reached this command, written or not
    private bool _withMfa; // the file has the MFA device and seed columns (the first input asked for seeds)

    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    /// <summary>A user from New-OnboardUser (or an MFA device from Enable-OnboardVirtualMfa, for its user).</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public PSObject? InputObject { get; set; }

    /// <summary>Console (everyone, as the console wizard's file) or AwsCliImport (key holders, as aws configure import --csv takes).</summary>
    /// <remarks>A string, not the engine's enum: a value-type field of an engine type would need the engine when PowerShell
    /// loads the cmdlet classes at import, before the resolver that finds it is installed.</remarks>
    [Parameter]
    [ValidateSet(nameof(CredentialCsvFormat.Console), nameof(CredentialCsvFormat.AwsCliImport), IgnoreCase = true)]
    public string Format { get; set; } = nameof(CredentialCsvFormat.Console);

    private CredentialCsvFormat FileFormat =>
        string.Equals(Format, nameof(CredentialCsvFormat.AwsCliImport), StringComparison.OrdinalIgnoreCase) ? CredentialCsvFormat.AwsCliImport : CredentialCsvFormat.Console;

    /// <summary>Overwrite an existing file.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Add the lines to an existing file of the same -Format (a re-run after a run stopped midway); a missing file is created.</summary>
    [Parameter]
    public SwitchParameter Append { get; set; }

    // The existing file's header, read in BeginProcessing when appending: it decides the columns instead of the first input.
    private string? _appendHeader;

    // The users the file appended to has lines for: a re-run's user with nothing new gets no second line.
    private readonly HashSet<string> _listed = new(StringComparer.OrdinalIgnoreCase);
    private int _alreadyListed;

    // A digest of every line the file holds (read for -Append, or written here), never the line: the same user piped
    // twice, or appended again, would otherwise hand the same secrets out on two lines.
    private readonly HashSet<string> _lineDigests = new(StringComparer.Ordinal);

    /// <summary>Also write the file object to the pipeline.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    internal override bool TakesPumps => true;

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        try
        {
            _path = FileSystemPath.Resolve(SessionState.Path, nameof(Path), Path);
        }
        catch (OnboardInputException notAFile)
        {
            ThrowTerminatingError(OnboardErrors.FromException(notAFile, Path));
        }

        if (Append.IsPresent && Force.IsPresent)
        {
            ThrowTerminatingError(OnboardErrors.Create("AppendWithForce", ErrorCategory.InvalidArgument, _path,
                "Append, Force: -Append adds to the file and -Force replaces it; give one of them."));
        }

        // Checked before any user is made, as an existing file is: found only at the first user, a path that can never be
        // written left the whole batch made with credentials nobody had. A missing folder is made at the first line, as
        // -QrCodePath's is (and an Enable-OnboardVirtualMfa -QrCodePath before this command may make it first).
        // A path ending in a separator names a folder even before it exists: made at the first line, it left no file name
        // to create, and that failed after the users were made.
        if (Directory.Exists(_path) || _path.EndsWith(System.IO.Path.DirectorySeparatorChar.ToString(), StringComparison.Ordinal) ||
            _path.EndsWith(System.IO.Path.AltDirectorySeparatorChar.ToString(), StringComparison.Ordinal))
        {
            ThrowTerminatingError(OnboardErrors.Create("CredentialPathIsFolder", ErrorCategory.InvalidArgument, _path,
                $"Path: '{_path}' {(Directory.Exists(_path) ? "is" : "names")} a folder; give the credentials file's name in it (for example '{System.IO.Path.Combine(_path, "credentials.csv")}')."));
        }

        if (NearestExisting(System.IO.Path.GetDirectoryName(_path)) is { } blocking && File.Exists(blocking))
        {
            ThrowTerminatingError(OnboardErrors.Create("CredentialFolderNotCreatable", ErrorCategory.InvalidArgument, _path,
                $"Path: the folder for '{_path}' cannot be made: '{blocking}' is a file. Give another -Path; nothing was made."));
        }

        if (File.Exists(_path) && !Force.IsPresent && !Append.IsPresent)
        {
            ThrowTerminatingError(OnboardErrors.Create("CredentialFileExists", ErrorCategory.ResourceExists, _path,
                $"Path: '{_path}' already exists and may hold credentials nobody else has (a run stopped midway keeps there every user it " +
                "handed out, and the next run hands out the rest). Add this run's lines to it with -Append, or write them to another file " +
                "with -Path; -Force replaces the file, and what it holds is lost."));
        }

        // Before any user is made: -Force never replaces, and -Append never adds to, a file another run is writing
        // (checked again at the write). First, as a run that has just made the file has not written its header yet.
        ThrowIfInUse();
        if (Append.IsPresent && File.Exists(_path))
        {
            ReadFileToAppendTo();
        }
    }

    private void ThrowIfInUse()
    {
        try
        {
            OwnerOnlyFile.ThrowIfInUse(_path);
        }
        catch (IOException inUse)
        {
            ThrowTerminatingError(OnboardErrors.Create("CredentialFileInUse", ErrorCategory.ResourceBusy, _path, $"Path: {inUse.Message}"));
        }
    }

    /// <summary>The path itself or its nearest ancestor that exists, file or folder; null when none does.</summary>
    private static string? NearestExisting(string? path)
    {
        for (var at = path; !string.IsNullOrEmpty(at); at = System.IO.Path.GetDirectoryName(at))
        {
            if (Directory.Exists(at) || File.Exists(at))
            {
                return at;
            }
        }

        return null;
    }

    /// <summary>
    /// Reads the file -Append adds to: its header decides the columns, and the users it lists are known. A file of other
    /// columns, cut off inside quotes, or open to others is refused.
    /// </summary>
    private void ReadFileToAppendTo()
    {
        // Checked before any user is made: the lines added would be read into the wrong columns under another header,
        // into one cell after a line cut off inside quotes, and by others in a file they can read.
        List<CsvRecord> records;
        try
        {
            records = CsvRecordReader.Read(_path).ToList();
        }
        catch (CsvFormatException unreadable)
        {
            ThrowTerminatingError(OnboardErrors.Create("CredentialFileColumnsDiffer", ErrorCategory.InvalidData, _path,
                $"Path: '{_path}' cannot be read as a CSV file ({unreadable.Message}), so lines added to it would not be read as lines of " +
                "their own. Write this run to another file."));
            return;
        }

        // The headers this command writes have no quoted cells, so the cells joined again are the line as written. An
        // empty file (made owner-only beforehand, or by a run that stopped before its first line) gets its header
        // at the first line, as a new one does.
        _appendHeader = records.Count == 0 ? string.Empty : string.Join(",", records[0].Fields);
        var fits = _appendHeader.Length == 0 || (FileFormat == CredentialCsvFormat.AwsCliImport
            ? _appendHeader == CredentialCsv.AwsCliImportHeader
            : _appendHeader is CredentialCsv.Header or CredentialCsv.MfaHeader);
        if (!fits)
        {
            ThrowTerminatingError(OnboardErrors.Create("CredentialFileColumnsDiffer", ErrorCategory.InvalidData, _path,
                $"Path: '{_path}' does not start with the header -Format {FileFormat} writes, so lines added to it would fall under other " +
                "columns; -Append adds only to a file Export-OnboardCredential wrote in the same -Format. Write this run to another file."));
        }

        foreach (var record in records.Skip(1).Where(r => r.Fields.Count > 0 && r.Fields[0].Length > 0))
        {
            _listed.Add(record.Fields[0]);
            _lineDigests.Add(DigestOf(record.Fields));
        }

        try
        {
            if (!OwnerOnlyFile.ThrowIfOpenToOthers(_path) && !RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
            {
                WriteWarning($"Could not check that '{_path}' is readable by its owner only: this runtime cannot read Unix permissions " +
                    "(.NET 7 or later can). Check them yourself (ls -l) before the file holds this run's passwords.");
            }
        }
        catch (IOException openToOthers)
        {
            ThrowTerminatingError(OnboardErrors.Create("CredentialFileOpenToOthers", ErrorCategory.SecurityError, _path, $"Path: {openToOthers.Message}"));
        }
    }

    protected override void ProcessItem()
    {
        _received++;
        var device = InputObject?.BaseObject as OnboardMfaDevice;
        var user = InputObject?.BaseObject switch
        {
            OnboardUser direct => direct,
            OnboardMfaDevice { User: { } fromMfa } => fromMfa,
            _ => null,
        };
        if (user is null && device?.Seed is null)
        {
            WriteError(NotAnOnboardUser(InputObject));
            return;
        }

        // An MFA device enrolled by name (-UserName, no user object) carries only its seed: its line has no password or key.
        var row = new CredentialCsvRow(user?.UserName ?? device!.UserName, user?.ConsoleSignInUrl ?? device!.ConsoleSignInUrl)
        {
            Password = user?.Password is null ? null : SecretText.Reveal(user.Password),
            AccessKeyId = user?.AccessKeyId,
            SecretAccessKey = user?.SecretAccessKey is null ? null : SecretText.Reveal(user.SecretAccessKey),
            MfaSerialNumber = device?.Seed is null ? null : device.SerialNumber,
            MfaSeed = device?.Seed is null ? null : SecretText.Reveal(device.Seed),
        };
        if (!_open && !_declined)
        {
            // The header is written with the first line: the seed columns when the first input asked for seeds. A file
            // appended to has its header already.
            _withMfa = _appendHeader is { Length: > 0 }
                ? _appendHeader == CredentialCsv.MfaHeader
                : FileFormat == CredentialCsvFormat.Console && device is not null && (device.SeedRequested || device.Seed is not null);
        }

        if (!CanWrite(row))
        {
            return;
        }

        var file = OpenOnce();
        if (file is null)
        {
            return;
        }

        if (row.MfaSeed is not null && !_withMfa)
        {
            // The file another run made meanwhile has no seed columns, which this input's were to have.
            NotExportable(SeedHasNoColumn(row));
            return;
        }

        var line = new StringWriter();
        CredentialCsv.WriteRow(line, row, FileFormat, _withMfa);
        if (!_lineDigests.Add(DigestOf(CsvRecordReader.Read(new StringReader(line.ToString())).First().Fields)))
        {
            // The credentials are in the file already: handed out, once.
            WriteWarning($"{row.UserName}: '{_path}' has this very line already (the same credentials); it is not written twice.");
            _alreadyListed++;
            Acknowledge(HandOffLedger.KeyIn(InputObject));
            return;
        }

        try
        {
            OwnerOnlyFile.AppendWhole(file, Utf8.GetBytes(line.ToString()));
        }
        catch (IOException failure)
        {
            NotWritten(failure, row.UserName);
        }

        _written++;
        Acknowledge(HandOffLedger.KeyIn(InputObject));
    }

    private static string DigestOf(IReadOnlyList<string> fields)
    {
        using var sha256 = System.Security.Cryptography.SHA256.Create();
        return Convert.ToBase64String(sha256.ComputeHash(Encoding.UTF8.GetBytes(string.Join("\u001f", fields))));
    }

    /// <summary>The refusal of an input that is not a live user, saying what it is; a deserialized user (Import-Clixml, a job) says what to do instead.</summary>
    private static ErrorRecord NotAnOnboardUser(PSObject? input)
    {
        const string DeserializedPrefix = "Deserialized.IamOnboard.Commands.";
        if (input?.TypeNames.FirstOrDefault(t => t.StartsWith(DeserializedPrefix, StringComparison.Ordinal)) is { } deserialized)
        {
            var type = deserialized.Substring(DeserializedPrefix.Length);
            var name = input.Properties["UserName"]?.Value as string;
            return OnboardErrors.Create("DeserializedOnboardUser", ErrorCategory.InvalidType, input,
                $"InputObject: {(name is null ? "this" : $"'{name}'")} is a deserialized {type} (from Import-Clixml, a job or another session), not the " +
                "object New-OnboardUser wrote: its password and secret access key were serialized with it, and whatever carried them (a .clixml " +
                "file holds them unencrypted except on Windows) has them too. Export-OnboardCredential takes only the live object: pipe " +
                "New-OnboardUser into Export-OnboardCredential in the session or job that creates the users, and delete any file that holds the " +
                "serialized user.");
        }

        // Select-Object -Property makes a new object of the properties (the SecureStrings too): not the one the hand-off
        // follows, so its credentials cannot be counted as handed out.
        const string SelectedPrefix = "Selected.IamOnboard.Commands.";
        if (input?.TypeNames.FirstOrDefault(t => t.StartsWith(SelectedPrefix, StringComparison.Ordinal)) is { } selected)
        {
            var name = input.Properties["UserName"]?.Value as string;
            var original = selected.EndsWith(nameof(OnboardMfaDevice), StringComparison.Ordinal) ? "the MFA device Enable-OnboardVirtualMfa wrote" : "the user New-OnboardUser wrote";
            return OnboardErrors.Create("NotAnOnboardUser", ErrorCategory.InvalidType, input,
                $"InputObject: {(name is null ? "this" : $"'{name}'")} is a copy Select-Object made of {original}, which " +
                "Export-OnboardCredential cannot follow to hand the credentials out; pipe the user itself (choose users with Where-Object, not " +
                "Select-Object -Property).");
        }

        var what = input is null ? "null" : input.BaseObject is PSCustomObject && input.TypeNames.Count > 0 ? input.TypeNames[0] : input.BaseObject.GetType().Name;
        return OnboardErrors.Create("NotAnOnboardUser", ErrorCategory.InvalidType, input,
            $"InputObject: a {what} is not a user from New-OnboardUser; only those carry the credentials to export.");
    }

    protected override void EndProcessing()
    {
        base.EndProcessing();
        if (_declined)
        {
            return;
        }

        if (_written == 0)
        {
            if (_alreadyListed == 0)
            {
                // Users refused here (each with its error or warning) did reach it: saying none did sent the admin
                // looking for a broken pipeline.
                var left = File.Exists(_path) ? $"'{_path}' was left as it was" : "no file was written";
                WriteWarning(_received == 0
                    ? $"No users reached Export-OnboardCredential; {left}."
                    : $"{_received} {(_received == 1 ? "user" : "users")} reached Export-OnboardCredential and none had a line it could write (see the errors and warnings above); {left}.");
            }

            return;
        }

        Close();
        WriteVerbose($"Wrote the credentials of {_written} user(s) to {_path}, readable by its owner only.");
        if (PassThru.IsPresent)
        {
            WriteObject(new FileInfo(_path));
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Close();
        }

        base.Dispose(disposing);
    }

    /// <summary>False (after saying why) for a user with no line in the file, or whose secret the format would lose (an error).</summary>
    private bool CanWrite(CredentialCsvRow row)
    {
        var reason = CredentialCsv.CannotHold(row, FileFormat);
        if (reason is null && row.MfaSeed is not null && !_withMfa)
        {
            reason = SeedHasNoColumn(row);
        }

        if (reason is not null)
        {
            NotExportable(reason);
            return false;
        }

        if (CredentialCsv.MisreadByCliImport(row, FileFormat) is { } misread)
        {
            WriteWarning(misread);
        }

        if (!CredentialCsv.Holds(row, FileFormat))
        {
            WriteWarning($"{row.UserName}: no access key was created in this run, so the user has no line in the AWS CLI's import file.");
            return false;
        }

        if (row.Password is null && row.SecretAccessKey is null && row.MfaSeed is null)
        {
            if (_listed.Contains(row.UserName))
            {
                // Handed out by the run this one repairs: its line is in the file already.
                WriteVerbose($"{row.UserName}: nothing new in this run, and '{_path}' has a line for the user already; no line added.");
                _alreadyListed++;
                return false;
            }

            WriteWarning($"{row.UserName}: no password or access key was created in this run, so the row has only the user name and sign-in link.");
        }

        return true;
    }

    // A file appended to has the header an earlier run wrote, not one for this run's first input.
    private string SeedHasNoColumn(CredentialCsvRow row) =>
        $"{row.UserName}: the MFA seed (-IncludeSeed) has no column in '{_path}', " +
        (_appendHeader is { Length: > 0 }
            ? "which -Append adds to under its own header, written without the MFA device and MFA seed columns, "
            : "whose header was written for a first input that asked for no seed, ") +
        "and would be lost. Export the devices enrolled with -IncludeSeed to a file of their own.";

    // This user only: nothing of it is written, it stays marked as not handed out (named again at the end), and the next
    // run replaces its credentials rather than leaving a password or seed nobody received. The rest of the batch goes
    // on; stopping here left the users after it unmade and those before it unwritten.
    private void NotExportable(string reason) =>
        WriteError(OnboardErrors.Create("CredentialNotExportable", ErrorCategory.InvalidData, InputObject, reason));

    /// <summary>Creates the file at the first user (asking ShouldProcess once); null when the caller declined.</summary>
    private FileStream? OpenOnce()
    {
        if (_open || _declined)
        {
            return _file;
        }

        if (!ShouldProcess(_path, "Write the credentials of the users piped in"))
        {
            _declined = true;
            return null;
        }

        try
        {
            if (_appendHeader is null)
            {
                OwnerOnlyFile.CreateDirectory(System.IO.Path.GetDirectoryName(_path)!);
                _file = OwnerOnlyFile.Create(_path, overwrite: Force.IsPresent);
            }
        }
        catch (IOException) when (Append.IsPresent && File.Exists(_path))
        {
            // Missing at the start, made since by another run of the same pipeline (even a moment before this one's
            // create, which never replaces a file): appended to as if it had been there, or refused as in use while
            // that run writes it. Failing here would come after this run's users were made.
            ThrowIfInUse();
            ReadFileToAppendTo();
            if (_appendHeader is { Length: > 0 })
            {
                _withMfa = _appendHeader == CredentialCsv.MfaHeader;
            }
        }
        catch (IOException failure)
        {
            NotWritten(failure);
        }

        try
        {
            _file ??= OwnerOnlyFile.OpenToAppend(_path);
            if (_appendHeader is not { Length: > 0 })
            {
                var header = new StringWriter();
                CredentialCsv.WriteHeader(header, FileFormat, _withMfa);
                OwnerOnlyFile.AppendWhole(_file, Utf8.GetBytes(header.ToString()));
            }
        }
        catch (IOException failure)
        {
            NotWritten(failure);
        }

        _open = true;
        return _file;
    }

    /// <summary>A write failed (a full disk): the run stops, saying whether the file ends with whole lines (<see cref="OwnerOnlyFile.AppendWhole"/>).</summary>
    private void NotWritten(IOException failure, string? userName = null)
    {
        var what = userName is null ? "the header" : $"{userName}'s line";
        var left = failure switch
        {
            PartlyWrittenException { CutBack: true } => $" No part of {what} was kept: the file ends with the whole line before it.",
            PartlyWrittenException => $" Part of {what} may be at the end of the file: remove that last line.",
            _ => string.Empty,
        };
        ThrowTerminatingError(OnboardErrors.Create("CredentialFileNotWritten", ErrorCategory.WriteError, _path, $"Path: could not write '{_path}': {failure.Message.TrimEnd('.')}.{left}"));
    }

    private void Close()
    {
        _file?.Dispose();
        _file = null;
    }
}
