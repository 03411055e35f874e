using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using IamOnboard.IO;
using Xunit;

namespace IamOnboard.Tests.IO;

public sealed class OwnerOnlyFileTests : IDisposable
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly string _folder = Directory.CreateTempSubdirectory("iamonboard-io-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string PathOf(string name) => Path.Combine(_folder, name);

    private void AssertOwnerOnlyAndNoLeftovers(string path)
    {
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(OwnerReadWrite, File.GetUnixFileMode(path));
        }

        Assert.Equal(new[] { Path.GetFileName(path) }, Directory.GetFileSystemEntries(_folder).Select(Path.GetFileName));
    }

    [Fact]
    public void WriteAllBytes_creates_an_owner_only_file()
    {
        string path = PathOf("credentials.csv");

        OwnerOnlyFile.WriteAllBytes(path, new byte[] { 1, 2, 3 }, overwrite: false);

        Assert.Equal(new byte[] { 1, 2, 3 }, File.ReadAllBytes(path));
        AssertOwnerOnlyAndNoLeftovers(path);
    }

    [Fact]
    public void The_mode_does_not_depend_on_a_permissive_folder()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        File.SetUnixFileMode(_folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
            | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute);
        string path = PathOf("qr.png");

        OwnerOnlyFile.WriteAllBytes(path, new byte[] { 9 }, overwrite: true);

        Assert.Equal(OwnerReadWrite, File.GetUnixFileMode(path));
    }

    [Fact]
    public void Without_overwrite_an_existing_file_is_left_alone_and_named()
    {
        string path = PathOf("existing.csv");
        File.WriteAllText(path, "old");

        var ex = Assert.Throws<IOException>(() => OwnerOnlyFile.WriteAllText(path, "new", overwrite: false));

        Assert.Contains(path, ex.Message);
        Assert.Equal("old", File.ReadAllText(path));
        Assert.Single(Directory.GetFileSystemEntries(_folder));
    }

    [Fact]
    public void Without_overwrite_a_symlink_is_not_followed()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        string victim = PathOf("victim");
        File.WriteAllText(victim, "keep");
        string link = PathOf("link");
        File.CreateSymbolicLink(link, victim);

        Assert.Throws<IOException>(() => OwnerOnlyFile.WriteAllText(link, "evil", overwrite: false));
        Assert.Equal("keep", File.ReadAllText(victim));
    }

    [Fact]
    public void Overwrite_replaces_content_and_tightens_a_loose_mode()
    {
        string path = PathOf("loose.csv");
        File.WriteAllText(path, "old and longer content");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, OwnerReadWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }

        OwnerOnlyFile.WriteAllText(path, "new", overwrite: true);

        Assert.Equal("new", File.ReadAllText(path));
        AssertOwnerOnlyAndNoLeftovers(path);
    }

    [Fact]
    public void OpenToAppend_refuses_a_file_others_can_read_and_leaves_it_unchanged()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Windows files take their folder's ACL; there is no mode to check.
        }

        string path = PathOf("shared.csv");
        File.WriteAllText(path, "User name\n");
        File.SetUnixFileMode(path, OwnerReadWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var refusal = Assert.Throws<IOException>(() => OwnerOnlyFile.OpenToAppend(path));
        Assert.Contains("(mode 0644)", refusal.Message);
        Assert.Contains($"chmod 600 '{path}'", refusal.Message);
        Assert.Equal("User name\n", File.ReadAllText(path));

        File.SetUnixFileMode(path, OwnerReadWrite);
        Assert.True(OwnerOnlyFile.ThrowIfOpenToOthers(path));
        using (OwnerOnlyFile.OpenToAppend(path))
        {
        }
    }

    [Fact]
    public void WriteAllText_is_utf8_without_bom()
    {
        string path = PathOf("text.csv");

        OwnerOnlyFile.WriteAllText(path, "Zoë,€", overwrite: false);

        Assert.Equal(Encoding.UTF8.GetBytes("Zoë,€"), File.ReadAllBytes(path));
    }

    [Fact]
    public void WriteAllBytesAtomic_creates_and_replaces_owner_only()
    {
        string path = PathOf("state.json");

        OwnerOnlyFile.WriteAllBytesAtomic(path, Encoding.UTF8.GetBytes("{\"v\":1}"));
        AssertOwnerOnlyAndNoLeftovers(path);
        OwnerOnlyFile.WriteAllBytesAtomic(path, Encoding.UTF8.GetBytes("{\"v\":2}"));

        Assert.Equal("{\"v\":2}", File.ReadAllText(path));
        AssertOwnerOnlyAndNoLeftovers(path);
    }

    [Fact]
    public void Create_with_overwrite_refuses_a_file_another_writer_has_open_and_that_writer_keeps_its_file()
    {
        // Export-OnboardCredential -Force while another run writes the same path: the replacement took the name, and the
        // first run went on writing (and acknowledging) lines into a file no name led to any more.
        string path = PathOf("shared.csv");
        using (var first = OwnerOnlyFile.Create(path, overwrite: false))
        {
            first.Write(Encoding.UTF8.GetBytes("header\n"));
            first.Flush();

            var ex = Assert.Throws<IOException>(() => OwnerOnlyFile.Create(path, overwrite: true).Dispose());
            Assert.Contains(path, ex.Message);
            Assert.Contains("open in another process or run", ex.Message);

            first.Write(Encoding.UTF8.GetBytes("line\n"));
            first.Flush();
            Assert.Equal("header\nline\n", File.ReadAllText(path));
            AssertOwnerOnlyAndNoLeftovers(path);
        }

        // Once the writer is done, -Force replaces the file as before.
        using (var second = OwnerOnlyFile.Create(path, overwrite: true))
        {
            second.Write(Encoding.UTF8.GetBytes("new\n"));
        }

        Assert.Equal("new\n", File.ReadAllText(path));
        AssertOwnerOnlyAndNoLeftovers(path);
    }

    [Fact]
    public void A_file_that_replaced_another_is_itself_protected_while_it_is_written()
    {
        string path = PathOf("replaced.csv");
        File.WriteAllText(path, "old");
        using var writer = OwnerOnlyFile.Create(path, overwrite: true);
        writer.Write(Encoding.UTF8.GetBytes("mine\n"));
        writer.Flush();

        Assert.Throws<IOException>(() => OwnerOnlyFile.Create(path, overwrite: true).Dispose());

        Assert.Equal("mine\n", File.ReadAllText(path));
    }

    [Fact]
    public void A_file_being_written_can_still_be_read()
    {
        string path = PathOf("readable.csv");
        using var writer = OwnerOnlyFile.Create(path, overwrite: false);
        writer.Write(Encoding.UTF8.GetBytes("line\n"));
        writer.Flush();

        // What Get-Content and Import-Csv do: a FileStream sharing reading (on Unix .NET takes a shared flock for it).
        using var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
        Assert.Equal("line\n", reader.ReadToEnd());
    }

    [Fact]
    public async Task Overwrite_replaces_a_named_pipe_without_waiting_for_a_writer()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        string path = PathOf("pipe");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", path))
        {
            mkfifo.WaitForExit();
        }

        var create = Task.Run(() => OwnerOnlyFile.Create(path, overwrite: true).Dispose());

        var finished = await Task.WhenAny(create, Task.Delay(TimeSpan.FromSeconds(10)));
        Assert.True(finished == create, "Create waited for a writer on the named pipe");
        await create;
        Assert.Equal(string.Empty, File.ReadAllText(path));
    }

    [Fact]
    public void A_missing_folder_is_reported()
    {
        string path = Path.Combine(_folder, "missing", "file.csv");
        var ex = Assert.Throws<DirectoryNotFoundException>(() => OwnerOnlyFile.WriteAllBytes(path, new byte[] { 1 }, overwrite: false));
        Assert.Contains(Path.Combine(_folder, "missing"), ex.Message);
    }

    [Fact]
    public void AppendWhole_cuts_the_file_back_when_a_write_fails_midway_so_no_part_of_the_line_stays()
    {
        // A full disk writes part of a line and fails: that part (here a user name and a password) was left at the end,
        // read by the next -Append run and by anyone as a record.
        string path = PathOf("credentials.csv");
        using (var file = OwnerOnlyFile.Create(path, overwrite: false))
        {
            OwnerOnlyFile.AppendWhole(file, Encoding.UTF8.GetBytes("User name,Password\r\nfirst,Pw-one\r\n"));
            using var full = new DiskFullAfter(file, bytesThatFit: 12);

            var failure = Assert.Throws<PartlyWrittenException>(() => OwnerOnlyFile.AppendWhole(full, Encoding.UTF8.GetBytes("second,Pw-two-secret\r\n")));

            Assert.True(failure.CutBack);
            Assert.Equal("No space left on device", failure.Message);
        }

        Assert.Equal("User name,Password\r\nfirst,Pw-one\r\n", File.ReadAllText(path));
    }

    /// <summary>A stream whose disk fills up: it writes the bytes that fit, then fails as a full disk does.</summary>
    private sealed class DiskFullAfter : Stream
    {
        private readonly Stream _inner;
        private int _room;

        public DiskFullAfter(Stream inner, int bytesThatFit)
        {
            _inner = inner;
            _room = bytesThatFit;
        }

        public override bool CanRead => false;

        public override bool CanSeek => true;

        public override bool CanWrite => true;

        public override long Length => _inner.Length;

        public override long Position { get => _inner.Position; set => _inner.Position = value; }

        public override void Write(byte[] buffer, int offset, int count)
        {
            var fits = Math.Min(count, _room);
            _inner.Write(buffer, offset, fits);
            _inner.Flush();
            _room -= fits;
            if (fits < count)
            {
                throw new IOException("No space left on device");
            }
        }

        public override void Flush() => _inner.Flush();

        public override void SetLength(long value) => _inner.SetLength(value);

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => _inner.Seek(offset, origin);

        protected override void Dispose(bool disposing)
        {
            // The file is the test's to close.
        }
    }
}
