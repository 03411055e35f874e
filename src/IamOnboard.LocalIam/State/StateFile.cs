using System;
using System.IO;
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

        try
        {
            return JsonSerializer.Deserialize<AccountState>(bytes, Options)
                ?? throw new InvalidDataException($"The local IAM state file '{path}' is empty.");
        }
        catch (JsonException error)
        {
            // The message names the file and position only; the content holds secrets.
            throw new InvalidDataException($"The local IAM state file '{path}' is not valid JSON (line {error.LineNumber}).");
        }
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
