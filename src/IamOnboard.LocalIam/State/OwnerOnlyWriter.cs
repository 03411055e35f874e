using System;
using System.IO;
using System.Runtime.InteropServices;

namespace IamOnboard.LocalIam.State;

/// <summary>
/// Writes a file only its owner can read, atomically: a 0600 temporary file next to the target, flushed to disk,
/// then renamed over it. A crash leaves the old file or the new one, never a torn one.
/// </summary>
/// <remarks>
/// Stands in for <c>IamOnboard.IO.OwnerOnlyFile.WriteAllBytesAtomic</c>, which had not landed when the endpoint needed it;
/// swap the call in <see cref="StateFile"/> once it exists.
/// </remarks>
internal static class OwnerOnlyWriter
{
    private const int OwnerReadWrite = 0x180; // octal 0600

    public static void WriteAllBytesAtomic(string path, byte[] bytes)
    {
        string fullPath = Path.GetFullPath(path);
        string temporary = fullPath + "." + Guid.NewGuid().ToString("N").Substring(0, 8) + ".tmp";
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                // Restrict before any secret is written, so the content is never readable by others even briefly.
                RestrictToOwner(temporary);
                stream.Write(bytes, 0, bytes.Length);
                stream.Flush(flushToDisk: true);
            }

            if (File.Exists(fullPath))
            {
                File.Replace(temporary, fullPath, destinationBackupFileName: null);
            }
            else
            {
                File.Move(temporary, fullPath);
            }
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }

    private static void RestrictToOwner(string path)
    {
        if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
        {
            // The user profile's inherited ACL already keeps other users out on Windows.
            return;
        }

        if (NativeMethods.chmod(path, OwnerReadWrite) != 0)
        {
            throw new IOException("Could not restrict '" + path + "' to its owner (errno " + Marshal.GetLastWin32Error() + ").");
        }
    }

    private static class NativeMethods
    {
        [DllImport("libc", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
#pragma warning disable CA2101, IDE1006 // libc's own name and ANSI (UTF-8 on Unix) path marshalling are what chmod expects.
        public static extern int chmod(string path, int mode);
#pragma warning restore CA2101, IDE1006
    }
}
