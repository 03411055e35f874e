using System;
using System.ComponentModel;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace IamOnboard.IO;

/// <summary>
/// Writes files only their owner can read: credentials files, QR codes, the local endpoint's state.
/// </summary>
/// <remarks>
/// On Unix every write goes to a new file made by <c>mkstemp</c>, which POSIX requires to create with mode 0600, in the
/// target's folder; the bytes go in only then, and the file is renamed (or hard-linked, when it must not replace
/// anything) into place. So the content is never readable by group or others, not even for a moment, whatever the
/// umask. (<c>mkstemp</c> rather than <c>open(..., 0600)</c> because <c>open</c> is variadic, and a variadic mode
/// argument is not passed reliably through P/Invoke on every ABI, Apple silicon among them.)
/// On Windows netstandard2.0 offers no ACL API, so the file inherits the ACL of its folder: under the user's profile
/// that is owner, SYSTEM and Administrators only; elsewhere it may be broader. Callers should default to the profile.
/// </remarks>
public static class OwnerOnlyFile
{
    private const int ErrorFileExists = 17; // EEXIST on Linux and macOS alike

    public static void WriteAllText(string path, string text, bool overwrite) =>
        WriteAllBytes(path, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(text ?? throw new ArgumentNullException(nameof(text))), overwrite);

    /// <summary>Writes <paramref name="bytes"/> to a file only the current user can read.</summary>
    /// <exception cref="IOException">The file exists and <paramref name="overwrite"/> is false (the message names the path), or the write failed.</exception>
    public static void WriteAllBytes(string path, byte[] bytes, bool overwrite) =>
        Write(path, bytes, overwrite ? Placement.Replace : Placement.CreateNew);

    /// <summary>
    /// Replaces the file as a whole or not at all: a crash leaves either the old or the new content, never a mix.
    /// The data is flushed to disk before the rename.
    /// </summary>
    public static void WriteAllBytesAtomic(string path, byte[] bytes) => Write(path, bytes, Placement.Replace);

    /// <summary>
    /// Creates a file only the current user can read (empty, or replacing an existing one when <paramref name="overwrite"/>)
    /// and returns it open for writing, so that records can be added and flushed one at a time.
    /// </summary>
    /// <exception cref="IOException">The file exists and <paramref name="overwrite"/> is false, or it could not be created.</exception>
    public static FileStream Create(string path, bool overwrite) =>
        Write(path, Array.Empty<byte>(), overwrite ? Placement.Replace : Placement.CreateNew, keepOpen: true)!;

    /// <summary>
    /// Creates a folder (parents as needed) for owner-only files; on Unix the folder itself is created with mode 0700
    /// (a umask can only narrow that), so not even the names of the files in it show. An existing folder is left as is.
    /// </summary>
    public static void CreateDirectory(string path)
    {
        string fullPath = Path.GetFullPath(path);
        if (Directory.Exists(fullPath))
        {
            return;
        }

        if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
        {
            Directory.CreateDirectory(fullPath);
            return;
        }

        string? parent = Path.GetDirectoryName(fullPath.TrimEnd(Path.DirectorySeparatorChar));
        if (!string.IsNullOrEmpty(parent))
        {
            Directory.CreateDirectory(parent);
        }

        const int OwnerOnly = 0x1C0; // 0700
        if (Native.mkdir(Native.PathBytes(fullPath), OwnerOnly) != 0)
        {
            int errno = Marshal.GetLastWin32Error();
            if (errno != ErrorFileExists || !Directory.Exists(fullPath))
            {
                throw NativeFailure("create the folder", fullPath, errno);
            }
        }
    }

    private enum Placement
    {
        CreateNew,
        Replace,
    }

    private static FileStream? Write(string path, byte[] bytes, Placement placement, bool keepOpen = false)
    {
        if (string.IsNullOrEmpty(path))
        {
            throw new ArgumentException("A file path is needed.", nameof(path));
        }

        if (bytes is null)
        {
            throw new ArgumentNullException(nameof(bytes));
        }

        string fullPath = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(fullPath) ?? throw new IOException($"'{fullPath}' has no parent folder.");
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"The folder '{folder}' does not exist.");
        }

        if (placement == Placement.CreateNew && (File.Exists(fullPath) || Directory.Exists(fullPath)))
        {
            throw AlreadyExists(fullPath);
        }

        return RuntimeInformation.IsOSPlatform(OSPlatform.Windows)
            ? WriteOnWindows(fullPath, folder, bytes, placement, keepOpen)
            : WriteOnUnix(fullPath, folder, bytes, placement, keepOpen);
    }

    private static FileStream? WriteOnUnix(string fullPath, string folder, byte[] bytes, Placement placement, bool keepOpen)
    {
        byte[] template = Native.PathBytes(Path.Combine(folder, "." + Path.GetFileName(fullPath) + ".XXXXXX"));
        int fd = Native.mkstemp(template);
        if (fd < 0)
        {
            throw NativeFailure("create a temporary file in", folder);
        }

        string tempPath = Encoding.UTF8.GetString(template, 0, template.Length - 1);
        var stream = new FileStream(new SafeFileHandle((IntPtr)fd, ownsHandle: true), FileAccess.Write);
        try
        {
            stream.Write(bytes, 0, bytes.Length);
            stream.Flush(flushToDisk: true);
            if (!keepOpen)
            {
                stream.Dispose();
            }

            if (placement == Placement.Replace)
            {
                if (Native.rename(Native.PathBytes(tempPath), Native.PathBytes(fullPath)) != 0)
                {
                    throw NativeFailure("write", fullPath);
                }
            }
            else
            {
                // link() refuses an existing target (even a dangling symlink), so nothing is ever clobbered.
                if (Native.link(Native.PathBytes(tempPath), Native.PathBytes(fullPath)) != 0)
                {
                    int errno = Marshal.GetLastWin32Error();
                    if (errno == ErrorFileExists)
                    {
                        throw AlreadyExists(fullPath);
                    }

                    if (!IsHardLinkUnsupported(errno))
                    {
                        throw NativeFailure("write", fullPath, errno);
                    }

                    // A file system without hard links (FAT, some network mounts): check, then rename. Only here is
                    // there a window in which a file created meanwhile by someone else could be replaced.
                    if (File.Exists(fullPath) || Directory.Exists(fullPath))
                    {
                        throw AlreadyExists(fullPath);
                    }

                    if (Native.rename(Native.PathBytes(tempPath), Native.PathBytes(fullPath)) != 0)
                    {
                        throw NativeFailure("write", fullPath);
                    }
                }
            }

            SyncFolder(folder);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
        finally
        {
            // After rename the temporary name is gone; after link it is a second name to remove. An open stream
            // writes on through the name in place: the file is the same.
            if (File.Exists(tempPath))
            {
                File.Delete(tempPath);
            }
        }

        return keepOpen ? stream : null;
    }

    // EPERM (Linux's answer on FAT), ENOSYS, and ENOTSUP/EOPNOTSUPP as numbered on Linux (95) and macOS (45, 102).
    private static bool IsHardLinkUnsupported(int errno) => errno is 1 or 38 or 95 or 45 or 102;

    // Makes the new directory entry durable too; best effort, as some file systems refuse fsync on folders.
    private static void SyncFolder(string folder)
    {
        int fd = Native.open(Native.PathBytes(folder), 0 /* O_RDONLY */);
        if (fd >= 0)
        {
            _ = Native.fsync(fd);
            _ = Native.close(fd);
        }
    }

    private static FileStream? WriteOnWindows(string fullPath, string folder, byte[] bytes, Placement placement, bool keepOpen)
    {
        if (placement == Placement.CreateNew)
        {
            var created = new FileStream(fullPath, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
            using (keepOpen ? null : created)
            {
                created.Write(bytes, 0, bytes.Length);
                created.Flush(flushToDisk: true);
            }

            return keepOpen ? created : null;
        }

        string tempPath = Path.Combine(folder, "." + Path.GetFileName(fullPath) + "." + Guid.NewGuid().ToString("N") + ".tmp");
        try
        {
            using (var stream = new FileStream(tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(bytes, 0, bytes.Length);
                stream.Flush(flushToDisk: true);
            }

            if (File.Exists(fullPath))
            {
                File.Replace(tempPath, fullPath, destinationBackupFileName: null);
            }
            else
            {
                File.Move(tempPath, fullPath);
            }
        }
        finally
        {
            if (File.Exists(tempPath))
            {
                File.Delete(tempPath);
            }
        }

        if (!keepOpen)
        {
            return null;
        }

        var replaced = new FileStream(fullPath, FileMode.Open, FileAccess.Write, FileShare.Read);
        replaced.Seek(0, SeekOrigin.End);
        return replaced;
    }

    private static IOException AlreadyExists(string fullPath) =>
        new($"The file '{fullPath}' already exists; it was left unchanged.");

    private static IOException NativeFailure(string action, string path, int? errno = null)
    {
        int code = errno ?? Marshal.GetLastWin32Error();
        return new IOException($"Could not {action} '{path}': {new Win32Exception(code).Message} (errno {code}).");
    }

    private static class Native
    {
        [DllImport("libc", SetLastError = true)]
        public static extern int mkstemp([In, Out] byte[] template);

        // Not variadic: the mode is a fixed argument (mode_t), safe to pass through P/Invoke.
        [DllImport("libc", SetLastError = true)]
        public static extern int mkdir(byte[] path, int mode);

        [DllImport("libc", SetLastError = true)]
        public static extern int rename(byte[] oldPath, byte[] newPath);

        [DllImport("libc", SetLastError = true)]
        public static extern int link(byte[] oldPath, byte[] newPath);

        // Paths go as NUL-terminated UTF-8 bytes: netstandard2.0 has no UTF-8 string marshalling.
        public static byte[] PathBytes(string path) => Encoding.UTF8.GetBytes(path + "\0");

        // Called with two arguments only (no mode), which is safe for a variadic function.
        [DllImport("libc", SetLastError = true)]
        public static extern int open(byte[] path, int flags);

        [DllImport("libc", SetLastError = true)]
        public static extern int fsync(int fd);

        [DllImport("libc", SetLastError = true)]
        public static extern int close(int fd);
    }
}
