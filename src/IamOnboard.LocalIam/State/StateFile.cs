using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using IamOnboard.IO;

namespace IamOnboard.LocalIam.State;

/// <summary>The account as JSON on disk: owner-only, replaced atomically so a crash leaves the old or the new file, never half of one.</summary>
internal static class StateFile
{
    private static readonly JsonSerializerOptions Options = new() { WriteIndented = false };

    public static AccountState? Load(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length == 0)
        {
            return null;
        }

        AccountState state;
        try
        {
            state = JsonSerializer.Deserialize<AccountState>(bytes, Options)
                ?? throw new InvalidDataException($"The local IAM state file '{path}' is empty.");
        }
        catch (JsonException error)
        {
            // The message names the file and position only; the content holds secrets.
            throw new InvalidDataException($"The local IAM state file '{path}' is not valid JSON (line {error.LineNumber}).");
        }

        // Any JSON object deserialises (missing members keep their defaults); saving it back would replace someone's
        // file with an account. A state file always has a 12-digit account id and a root key.
        if (state.AccountId.Length != 12 || !state.AccountId.All(c => c is >= '0' and <= '9') || state.RootAccessKeyId.Length == 0)
        {
            throw new InvalidDataException($"The file '{path}' is JSON but not a local IAM state file (it has no 12-digit AccountId and root key); "
                + "it was left as it is. Give -StatePath a new file or one an endpoint wrote.");
        }

        return state;
    }

    /// <summary>
    /// Takes the state file for one endpoint, through an exclusive lock on ".&lt;name&gt;.lock" next to it, held until
    /// disposed. The operating system drops the lock when the process ends, even when it is killed.
    /// </summary>
    /// <exception cref="InvalidOperationException">Another endpoint (in this process or another) serves the file.</exception>
    public static IDisposable Lock(string path)
    {
        string fullPath = Path.GetFullPath(path);
        string? directory = Path.GetDirectoryName(fullPath);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        string lockPath = Path.Combine(directory ?? string.Empty, "." + Path.GetFileName(fullPath) + ".lock");
        try
        {
            return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException busy)
        {
            throw new InvalidOperationException(
                $"The local IAM state file '{path}' is in use by another local IAM endpoint, or cannot be locked ({busy.Message}). Stop the other endpoint first: two endpoints on one file would overwrite each other's changes.", busy);
        }
    }

    /// <summary>
    /// Deletes the temporary files a save killed between writing and renaming left next to the state file (the
    /// state file itself is then still the previous, whole one). They hold the account's secrets, so they do not stay.
    /// </summary>
    /// <returns>How many were deleted.</returns>
    public static int RemoveLeftovers(string path)
    {
        string fullPath = Path.GetFullPath(path);
        string? directory = Path.GetDirectoryName(fullPath);
        if (string.IsNullOrEmpty(directory) || !Directory.Exists(directory))
        {
            return 0;
        }

        // OwnerOnlyFile's names: ".<name>.XXXXXX" (mkstemp) on Unix, ".<name>.<32 hex digits>.tmp" on Windows.
        string prefix = "." + Path.GetFileName(fullPath) + ".";
        int removed = 0;
        foreach (string candidate in Directory.GetFiles(directory, prefix + "*"))
        {
            string suffix = Path.GetFileName(candidate).Substring(prefix.Length);
            bool unixTemp = suffix.Length == 6 && suffix.All(c => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9'));
            bool windowsTemp = suffix.Length == 36 && suffix.EndsWith(".tmp", StringComparison.Ordinal)
                && suffix.Substring(0, 32).All(Uri.IsHexDigit);
            if (unixTemp || windowsTemp)
            {
                File.Delete(candidate);
                removed++;
            }
        }

        return removed;
    }

    public static void Save(string path, AccountState state)
    {
        byte[] bytes = JsonSerializer.SerializeToUtf8Bytes(state, Options);
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        OwnerOnlyFile.WriteAllBytesAtomic(path, bytes);
    }

    public static DateTime Truncate(DateTime value) =>
        new(value.Ticks - (value.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);
}
