using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using IamOnboard.Commands.Infrastructure;
using IamOnboard.Input;
using IamOnboard.IO;
using IamOnboard.Onboarding;

namespace IamOnboard.Commands;

/// <summary>
/// Export-OnboardCredential: writes the console's credentials file (the one `aws configure import --csv` takes)
/// for the users piped in. The only place the module writes a secret in clear, to a file only its owner can read.
/// </summary>
[Cmdlet(VerbsData.Export, "OnboardCredential", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(FileInfo))]
public sealed class ExportOnboardCredentialCommand : PSCmdlet
{
    private readonly List<CredentialCsvRow> _rows = new();
    private string _path = string.Empty;

    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    /// <summary>A user from New-OnboardUser (or an MFA device from Enable-OnboardVirtualMfa, for its user).</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public PSObject? InputObject { get; set; }

    /// <summary>Overwrite an existing file.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Also write the file object to the pipeline.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void BeginProcessing()
    {
        _path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
        if (File.Exists(_path) && !Force.IsPresent)
        {
            ThrowTerminatingError(OnboardErrors.Create("CredentialFileExists", ErrorCategory.ResourceExists, _path,
                $"Path: '{_path}' already exists. It may hold credentials nobody else has; use -Force to overwrite it."));
        }
    }

    protected override void ProcessRecord()
    {
        var user = InputObject?.BaseObject switch
        {
            OnboardUser direct => direct,
            OnboardMfaDevice { User: { } fromMfa } => fromMfa,
            _ => null,
        };
        if (user is null)
        {
            WriteError(OnboardErrors.Create("NotAnOnboardUser", ErrorCategory.InvalidType, InputObject,
                $"InputObject: a {InputObject?.BaseObject.GetType().Name ?? "null"} is not a user from New-OnboardUser; only those carry the credentials to export."));
            return;
        }

        if (user.Password is null && user.SecretAccessKey is null)
        {
            WriteWarning($"{user.UserName}: no password or access key was created in this run, so the row has only the user name and sign-in link.");
        }

        _rows.Add(new CredentialCsvRow(user.UserName, user.ConsoleSignInUrl)
        {
            Password = user.Password is null ? null : SecretText.Reveal(user.Password),
            AccessKeyId = user.AccessKeyId,
            SecretAccessKey = user.SecretAccessKey is null ? null : SecretText.Reveal(user.SecretAccessKey),
        });
    }

    protected override void EndProcessing()
    {
        if (_rows.Count == 0)
        {
            WriteWarning("No users reached Export-OnboardCredential; no file was written.");
            return;
        }

        if (!ShouldProcess(_path, $"Write the credentials of {_rows.Count} user(s)"))
        {
            return;
        }

        using var text = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        CredentialCsv.Write(text, _rows);
        try
        {
            OwnerOnlyFile.WriteAllText(_path, text.ToString(), overwrite: Force.IsPresent);
        }
        catch (IOException failure)
        {
            ThrowTerminatingError(OnboardErrors.Create("CredentialFileNotWritten", ErrorCategory.WriteError, _path, $"Path: could not write '{_path}': {failure.Message}"));
        }

        WriteVerbose($"Wrote the credentials of {_rows.Count} user(s) to {_path}, readable by its owner only.");
        if (PassThru.IsPresent)
        {
            WriteObject(new FileInfo(_path));
        }
    }
}
