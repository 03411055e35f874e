using System;
using System.IO;
using System.Linq;
using System.Text;
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
    public void A_missing_folder_is_reported()
    {
        string path = Path.Combine(_folder, "missing", "file.csv");
        var ex = Assert.Throws<DirectoryNotFoundException>(() => OwnerOnlyFile.WriteAllBytes(path, new byte[] { 1 }, overwrite: false));
        Assert.Contains(Path.Combine(_folder, "missing"), ex.Message);
    }
}
