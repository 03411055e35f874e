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
/// A file kept open by <see cref="Create"/> (a credentials file being written line by line) is never replaced under
/// its writer: on Unix the writer holds a shared advisory lock (<c>flock</c>) on it for as long as it is open, and a
/// replacing <see cref="Create"/> refuses a file it cannot lock exclusively; on Windows the writer's share mode
/// refuses the replacing open. Without that, the replacement took the name while the first writer went on writing,
/// and acknowledging, lines that were in no file any more.
/// </remarks>
public static class OwnerOnlyFile
{
    private const int ErrorFileExists = 17; // EEXIST on Linux and macOS alike

    // flock operations, numbered alike on Linux and macOS.
    private const int LockShared = 1;
    private const int LockExclusive = 2;
    private const int LockNonBlocking = 4;

    // Windows: ERROR_SHARING_VIOLATION and ERROR_LOCK_VIOLATION as HRESULTs.
    private const int SharingViolation = unchecked((int)0x80070020);
    private const int LockViolation = unchecked((int)0x80070021);

    // File.GetUnixFileMode(string), .NET 7 and later: netstandard2.0 cannot name it, and the stat struct differs by ABI.
    private static readonly System.Reflection.MethodInfo? UnixFileModeReader =
        typeof(File).GetMethod("GetUnixFileMode", new[] { typeof(string) });

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
    /// and returns it open for writing, so that records can be added and flushed one at a time. Until the stream is
    /// disposed, no other <see cref="Create"/> replaces the file (see <see cref="ThrowIfInUse"/>).
    /// </summary>
    /// <exception cref="IOException">The file exists and <paramref name="overwrite"/> is false, or it is open in another
    /// process or stream (another run writing it), or it could not be created; the message names the path.</exception>
    public static FileStream Create(string path, bool overwrite) =>
        Write(path, Array.Empty<byte>(), overwrite ? Placement.Replace : Placement.CreateNew, keepOpen: true)!;

    /// <summary>
    /// Adds <paramref name="bytes"/> (whole lines) at the end of <paramref name="file"/>, a stream from <see cref="Create"/>
    /// or <see cref="OpenToAppend"/> (unbuffered), and flushes them to disk. When that fails (a full disk, a quota), the
    /// file is cut back to its length before: a part of a line left at its end would be read as a record, holding part of
    /// a secret that never reached anyone. The failure is rethrown as <see cref="PartlyWrittenException"/>, which says
    /// whether the cut worked.
    /// </summary>
    public static void AppendWhole(Stream file, byte[] bytes)
    {
        if (file is null)
        {
            throw new ArgumentNullException(nameof(file));
        }

        var before = file.Length;
        try
        {
            file.Write(bytes, 0, bytes.Length);
            if (file is FileStream onDisk)
            {
                onDisk.Flush(flushToDisk: true);
            }
            else
            {
                file.Flush();
            }
        }
        catch (IOException failure)
        {
            bool cut;
            try
            {
                file.SetLength(before);
                cut = true;
            }
            catch (Exception cutFailure) when (cutFailure is IOException or NotSupportedException or UnauthorizedAccessException)
            {
                cut = false;
            }

            throw new PartlyWrittenException(failure, cut);
        }
    }

    /// <summary>
    /// Opens an existing file to add records at its end, one flushed at a time, marked as being written as a stream from
    /// <see cref="Create"/> is (a shared lock, so <see cref="ThrowIfInUse"/> sees it). The file keeps its permissions,
    /// which must be owner-only (<see cref="ThrowIfOpenToOthers"/>).
    /// A last line left unfinished (a writer killed mid-line) is ended first, so the next record starts a line of its own.
    /// </summary>
    /// <exception cref="IOException">The file could not be opened, or is open to others; the message names the path.</exception>
    public static FileStream OpenToAppend(string path)
    {
        string fullPath = Path.GetFullPath(path);
        ThrowIfOpenToOthers(fullPath);
        bool endsLine;
        using (var read = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        {
            endsLine = read.Length == 0;
            if (!endsLine)
            {
                read.Seek(-1, SeekOrigin.End);
                endsLine = read.ReadByte() == '\n';
            }
        }

        // FileShare.Read: on Unix .NET holds a shared flock for it, as Create's writer does; on Windows the share mode
        // keeps other writers out.
        // Unbuffered (1): a write that fails leaves nothing held to be written later (see AppendWhole).
        var stream = new FileStream(fullPath, FileMode.Append, FileAccess.Write, FileShare.Read, bufferSize: 1);
        try
        {
            if (!endsLine)
            {
                stream.Write(new byte[] { (byte)'\r', (byte)'\n' }, 0, 2);
                stream.Flush(flushToDisk: true);
            }

            return stream;
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Throws when an existing file that is to receive secrets grants anything to anyone but its owner: on Unix, a group
    /// or other permission bit (a file made with the umask's 0644, or copied with the permissions of its source).
    /// </summary>
    /// <returns>
    /// Whether the permissions could be read: false on Windows (a file there takes its folder's ACL, see the remarks)
    /// and on a runtime without <c>File.GetUnixFileMode</c> (.NET 6 and older), so that the caller can say so.
    /// </returns>
    /// <exception cref="IOException">The file is open to others; the message names the path and its mode.</exception>
    public static bool ThrowIfOpenToOthers(string path)
    {
        string fullPath = Path.GetFullPath(path);
        if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows) || UnixFileModeReader is null)
        {
            return false;
        }

        int mode;
        try
        {
            mode = Convert.ToInt32(UnixFileModeReader.Invoke(null, new object[] { fullPath }), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (System.Reflection.TargetInvocationException wrapped) when (wrapped.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(wrapped.InnerException).Throw();
            throw;
        }

        const int GroupAndOthers = 0x3F; // 0077
        if ((mode & GroupAndOthers) != 0)
        {
            string octal = Convert.ToString(mode & 0xFFF, 8).PadLeft(4, '0');
            throw new IOException($"The file '{fullPath}' can be read or written by others than its owner (mode {octal}), and what is " +
                $"added to it holds passwords and secret access keys. Make it owner-only first (chmod 600 '{fullPath}'), or write to another file.");
        }

        return true;
    }

    /// <summary>
    /// Throws when the file is open elsewhere in a way that replacing it would break: a stream from <see cref="Create"/>
    /// (another run writing it) or any other open that holds a lock on it. A missing file is not in use. Where the file
    /// system has no locks (some network mounts) nothing can be known, and nothing is thrown.
    /// </summary>
    /// <exception cref="IOException">The file is in use; the message names the path.</exception>
    public static void ThrowIfInUse(string path)
    {
        string fullPath = Path.GetFullPath(path);
        if (!File.Exists(fullPath))
        {
            return;
        }

        if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
        {
            try
            {
                // Asking for write access while sharing only reading fails while any other handle writes it, or
                // shares it only for reading (a writer from Create does both). Nothing is written.
                using (new FileStream(fullPath, FileMode.Open, FileAccess.Write, FileShare.Read))
                {
                }
            }
            catch (IOException failure) when (IsSharingViolation(failure))
            {
                throw InUse(fullPath);
            }

            return;
        }

        // O_NONBLOCK, so that a named pipe at the path does not wait for a writer; a regular file ignores it.
        int nonBlocking = RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? 0x4 : 0x800;
        int fd = Native.open(Native.PathBytes(fullPath), 0 /* O_RDONLY */ | nonBlocking);
        if (fd < 0)
        {
            return; // Not readable by us: not a file our own writers hold, and the rename decides.
        }

        try
        {
            if (Native.flock(fd, LockExclusive | LockNonBlocking) != 0 && IsWouldBlock(Marshal.GetLastWin32Error()))
            {
                throw InUse(fullPath);
            }
        }
        finally
        {
            _ = Native.close(fd); // Releases the probe's lock with it.
        }
    }

    /// <summary>
    /// Creates a folder (parents as needed) for owner-only files; on Unix every folder it creates, the missing parents
    /// too, gets mode 0700 (a umask can only narrow that), so not even the names of the files in it show. An existing
    /// folder is left as is.
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
            CreateDirectory(parent!);
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
        var stream = new FileStream(new SafeFileHandle((IntPtr)fd, ownsHandle: true), FileAccess.Write, bufferSize: 1);
        int folderLock = -1;
        try
        {
            if (keepOpen)
            {
                // Held until the stream is closed: it marks the file as being written (see ThrowIfInUse). Shared, so
                // readers that lock (.NET's FileStream takes a shared flock) can still read the lines written so far.
                // Best effort: a file system without locks (some network mounts) answers an error, and goes without.
                _ = Native.flock(fd, LockShared | LockNonBlocking);
            }

            stream.Write(bytes, 0, bytes.Length);
            stream.Flush(flushToDisk: true);
            if (!keepOpen)
            {
                stream.Dispose();
            }

            if (placement == Placement.Replace)
            {
                if (keepOpen)
                {
                    // Two replacing writers check and rename one after the other, so the second sees the first's file
                    // (and its lock) rather than the one both found before.
                    folderLock = LockFolder(folder);
                    ThrowIfInUse(fullPath);
                }

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
            if (folderLock >= 0)
            {
                _ = Native.close(folderLock);
            }

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

    // An exclusive flock on the folder, released by closing the descriptor returned; -1 where the folder cannot be
    // opened or locked (the check that follows then stands alone, as on a file system without locks).
    private static int LockFolder(string folder)
    {
        int fd = Native.open(Native.PathBytes(folder), 0 /* O_RDONLY */);
        if (fd >= 0 && Native.flock(fd, LockExclusive) != 0)
        {
            _ = Native.close(fd);
            return -1;
        }

        return fd;
    }

    // EWOULDBLOCK (EAGAIN) as numbered on Linux (11) and macOS (35).
    private static bool IsWouldBlock(int errno) => errno is 11 or 35;

    private static bool IsSharingViolation(IOException failure) => failure.HResult is SharingViolation or LockViolation;

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
            var created = new FileStream(fullPath, FileMode.CreateNew, FileAccess.Write, FileShare.Read, bufferSize: 1);
            using (keepOpen ? null : created)
            {
                created.Write(bytes, 0, bytes.Length);
                created.Flush(flushToDisk: true);
            }

            return keepOpen ? created : null;
        }

        if (keepOpen)
        {
            return OpenForReplacementOnWindows(fullPath, bytes);
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

        return null;
    }

    // A file to be written line by line replaces the old one in place, in one open: the share mode (reading only) fails
    // while another writer has it open, and once open, keeps any other writer or replacement out until it is closed.
    // (A rename into place and an open after it would leave a moment in which another run could take the name.)
    private static FileStream OpenForReplacementOnWindows(string fullPath, byte[] bytes)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(fullPath, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read, bufferSize: 1);
        }
        catch (IOException failure) when (IsSharingViolation(failure))
        {
            throw InUse(fullPath);
        }

        try
        {
            stream.SetLength(0);
            stream.Write(bytes, 0, bytes.Length);
            stream.Flush(flushToDisk: true);
            return stream;
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    private static IOException AlreadyExists(string fullPath) =>
        new($"The file '{fullPath}' already exists; it was left unchanged.");

    private static IOException InUse(string fullPath) =>
        new($"The file '{fullPath}' is open in another process or run (another Export-OnboardCredential writing it, or a " +
            "program reading it); it was left unchanged. Let that run finish, or write to another file.");

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
        public static extern int flock(int fd, int operation);

        [DllImport("libc", SetLastError = true)]
        public static extern int close(int fd);
    }
}

/// <summary>A write of <see cref="OwnerOnlyFile.AppendWhole"/> failed; <see cref="CutBack"/>: the file ends as it did before it.</summary>
public sealed class PartlyWrittenException : IOException
{
    public PartlyWrittenException(IOException failure, bool cutBack)
        : base(failure?.Message, failure)
    {
        CutBack = cutBack;
    }

    public bool CutBack { get; }
}
