using System;
using System.IO;
using System.Management.Automation;
using IamOnboard.Commands.Infrastructure;
using IamOnboard.IO;

namespace IamOnboard.Commands;

/// <summary>
/// Where Enable-OnboardVirtualMfa -QrCodePath writes QR codes: into a folder, one &lt;user&gt;.png each, or into one file
/// for one user. A QR code carries an MFA seed, so one user's file is never given to another, nor is an existing file
/// replaced without -Force.
/// </summary>
internal sealed class QrCodeFiles
{
    private readonly string _path;
    private readonly string _given;
    private readonly bool _isFolder;
    private string? _fileOwner;

    public QrCodeFiles(string resolvedPath, string givenPath, bool force)
    {
        _path = resolvedPath;
        _given = givenPath;
        Force = force;
        _isFolder = Directory.Exists(resolvedPath) || givenPath.EndsWith("/", StringComparison.Ordinal) || givenPath.EndsWith("\\", StringComparison.Ordinal);
    }

    public bool Force { get; }

    /// <summary>
    /// The file that stands where the QR codes' folder, or a folder above it, would be made; null when the folder
    /// exists or can be made. Checked before anything is made: found at the first user, it failed every enrolment after
    /// the users were made.
    /// </summary>
    public string? FileInTheWay()
    {
        var folder = _isFolder ? _path.TrimEnd('/', '\\') : Path.GetDirectoryName(_path);
        for (var at = folder; !string.IsNullOrEmpty(at); at = Path.GetDirectoryName(at))
        {
            if (Directory.Exists(at))
            {
                return null;
            }

            if (File.Exists(at))
            {
                return at;
            }
        }

        return null;
    }

    /// <summary>The file for <paramref name="userName"/>'s QR code, or the reason there is none (pipeline thread, before anything is made).</summary>
    public bool TryClaim(string userName, out string? file, out ErrorRecord? problem)
    {
        problem = null;
        if (_isFolder)
        {
            file = Path.Combine(_path, userName + ".png");
            return true;
        }

        if (_fileOwner is not null && !string.Equals(_fileOwner, userName, StringComparison.OrdinalIgnoreCase))
        {
            file = null;
            problem = OnboardErrors.Create("QrCodePathIsOneFile", ErrorCategory.InvalidArgument, userName,
                $"QrCodePath: '{_given}' is one file and holds the QR code of {_fileOwner}; for more than one user give a folder " +
                $"(each gets <user>.png). No MFA device was created for {userName}.");
            return false;
        }

        _fileOwner = userName;
        file = _path;
        return true;
    }

    /// <summary>
    /// The MFA device an existing QR file at <paramref name="file"/> was written for, when IamOnboard wrote it (the PNG
    /// names it); null when there is no such file, or it is anyone else's.
    /// </summary>
    public static string? PreviousDevice(string file)
    {
        try
        {
            return File.Exists(file) ? Mfa.QrCode.FindDevice(File.ReadAllBytes(file)) : null;
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The refusal of a QR file that is there already, which may be someone's.</summary>
    public static Onboarding.OnboardInputException FileExists(string file) =>
        new("QrCodeFileExists", "QrCodePath", file, $"QrCodePath: '{file}' already exists and may be someone's QR code; use -Force to replace it, or give another path.");

    /// <summary>
    /// Writes the PNG, readable by its owner only. An existing file is replaced only with -Force or when
    /// <paramref name="replaceUnused"/> (it is IamOnboard's code of a device enabled for nobody: see
    /// VirtualMfaEnroller.IsUnusedQrDeviceAsync); otherwise it is refused.
    /// </summary>
    public static void Write(string file, byte[] png, bool force, bool replaceUnused = false)
    {
        force |= replaceUnused;
        if (File.Exists(file) && !force)
        {
            throw FileExists(file);
        }

        if (Path.GetDirectoryName(file) is { Length: > 0 } folder)
        {
            OwnerOnlyFile.CreateDirectory(folder);
        }

        OwnerOnlyFile.WriteAllBytes(file, png, overwrite: force);
    }
}
