using System.Management.Automation;
using IamOnboard.Onboarding;
using Microsoft.PowerShell.Commands;

namespace IamOnboard.Commands.Infrastructure;

/// <summary>
/// A file or folder path given to a parameter, resolved as PowerShell's own file cmdlets resolve it: against
/// PowerShell's current location (never the process's directory, which <c>cd</c> does not move) and its drives
/// (<c>Temp:</c>, <c>TestDrive:</c>, <c>~</c>).
/// </summary>
internal static class FileSystemPath
{
    /// <summary>The file-system path of <paramref name="given"/>.</summary>
    /// <exception cref="OnboardInputException">
    /// PathNotInFileSystem: the path is another provider's (<c>Variable:x</c>, <c>Env:x</c>, or a relative path while
    /// the current location is <c>Env:</c>). PowerShell hands back that provider's own path ("x"), which .NET would then
    /// read or write against the process's directory, a folder the user never named.
    /// </exception>
    public static string Resolve(PathIntrinsics paths, string parameter, string given)
    {
        var resolved = paths.GetUnresolvedProviderPathFromPSPath(given, out var provider, out _);
        if (provider.ImplementingType == typeof(FileSystemProvider))
        {
            return resolved;
        }

        var where = paths.IsPSAbsolute(given, out _)
            ? $"is a path of PowerShell's {provider.Name} provider"
            : $"is relative to the current location '{paths.CurrentLocation}', which is in PowerShell's {provider.Name} provider";
        throw new OnboardInputException("PathNotInFileSystem", parameter, given,
            $"{parameter}: '{given}' {where}, not a folder of the file system. Give a file-system path (a full one, or relative after " +
            "Set-Location to a folder).");
    }
}
