using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using QRCoder;

namespace IamOnboard.Mfa;

/// <summary>
/// QR codes for enrolling an authenticator app: a PNG (to save or show) and text for a terminal. Medium error
/// correction, like AWS's. Both carry the MFA seed: treat them as secrets.
/// </summary>
public static class QrCode
{
    /// <summary>The light border QR readers need around the symbol, in modules (ISO/IEC 18004).</summary>
    public const int QuietZoneModules = 4;

    private const char UpperHalf = '\u2580';
    private const char LowerHalf = '\u2584';
    private const char FullBlock = '\u2588';

    // Bright white text on a black background, then back to the terminal's own colours before each line break.
    private const string AnsiLightOnDark = "\u001b[97;40m";
    private const string AnsiReset = "\u001b[0m";

    /// <summary>A black-on-white PNG with the quiet zone, <paramref name="pixelsPerModule"/> pixels per module.</summary>
    public static byte[] RenderPng(string text, int pixelsPerModule = 6)
    {
        if (pixelsPerModule < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(pixelsPerModule), pixelsPerModule, "At least one pixel per module.");
        }

        using var data = CreateData(text);
        using var png = new PngByteQRCode(data);
        return png.GetGraphic(pixelsPerModule, drawQuietZones: true);
    }

    /// <summary>The PNG keyword under which <see cref="RenderPng(string, string)"/> names the device: no secret, an ARN.</summary>
    public const string DeviceKeyword = "IamOnboard-MFA-device";

    /// <summary>
    /// A PNG of <paramref name="text"/> that also names the virtual MFA device it enrols (a PNG text chunk), so a later
    /// run can tell a QR file whose device was never enabled from anyone else's file (<see cref="FindDevice"/>).
    /// </summary>
    public static byte[] RenderPng(string text, string deviceSerialNumber)
    {
        var png = RenderPng(text);
        var keyword = Encoding.ASCII.GetBytes(DeviceKeyword);
        var value = Encoding.ASCII.GetBytes(deviceSerialNumber);
        var data = new byte[keyword.Length + 1 + value.Length];
        keyword.CopyTo(data, 0);
        value.CopyTo(data, keyword.Length + 1);
        var chunk = PngChunk("tEXt", data);

        // After the signature (8 bytes) and the IHDR chunk (4 + 4 + 13 + 4 bytes), where PNG allows text chunks.
        const int afterHeader = 8 + 25;
        var marked = new byte[png.Length + chunk.Length];
        Buffer.BlockCopy(png, 0, marked, 0, afterHeader);
        Buffer.BlockCopy(chunk, 0, marked, afterHeader, chunk.Length);
        Buffer.BlockCopy(png, afterHeader, marked, afterHeader + chunk.Length, png.Length - afterHeader);
        return marked;
    }

    /// <summary>The device a PNG written by <see cref="RenderPng(string, string)"/> names, or null for any other file.</summary>
    public static string? FindDevice(byte[] png)
    {
        if (png.Length < 8 || png[0] != 0x89 || png[1] != (byte)'P' || png[2] != (byte)'N' || png[3] != (byte)'G')
        {
            return null;
        }

        var keyword = Encoding.ASCII.GetBytes(DeviceKeyword + "\0");
        var offset = 8;
        while (offset + 12 <= png.Length)
        {
            var length = (png[offset] << 24) | (png[offset + 1] << 16) | (png[offset + 2] << 8) | png[offset + 3];
            if (length < 0 || offset + 12 + length > png.Length)
            {
                return null;
            }

            var type = Encoding.ASCII.GetString(png, offset + 4, 4);
            if (type == "IEND")
            {
                return null;
            }

            if (type == "tEXt" && length > keyword.Length && png.Skip(offset + 8).Take(keyword.Length).SequenceEqual(keyword))
            {
                return Encoding.ASCII.GetString(png, offset + 8 + keyword.Length, length - keyword.Length);
            }

            offset += 12 + length;
        }

        return null;
    }

    private static byte[] PngChunk(string type, byte[] data)
    {
        var chunk = new byte[12 + data.Length];
        chunk[0] = (byte)(data.Length >> 24);
        chunk[1] = (byte)(data.Length >> 16);
        chunk[2] = (byte)(data.Length >> 8);
        chunk[3] = (byte)data.Length;
        Encoding.ASCII.GetBytes(type, 0, 4, chunk, 4);
        data.CopyTo(chunk, 8);
        var crc = Crc32(chunk, 4, 4 + data.Length);
        chunk[8 + data.Length] = (byte)(crc >> 24);
        chunk[9 + data.Length] = (byte)(crc >> 16);
        chunk[10 + data.Length] = (byte)(crc >> 8);
        chunk[11 + data.Length] = (byte)crc;
        return chunk;
    }

    /// <summary>PNG's CRC-32 (ISO 3309, the polynomial 0xEDB88320 reflected), over the chunk type and data.</summary>
    private static uint Crc32(byte[] bytes, int start, int count)
    {
        var crc = 0xFFFFFFFFu;
        for (var i = start; i < start + count; i++)
        {
            crc ^= bytes[i];
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }

    /// <summary>The QR code as text for a terminal; see <see cref="RenderTerminal(string, bool)"/>.</summary>
    public static string RenderTerminal(string text) => RenderTerminal(text, ansiColors: false);

    /// <summary>
    /// The QR code as text: Unicode half blocks, two module rows per line, with the 4-module quiet zone.
    /// Light modules are drawn as blocks in the terminal's text colour and dark modules left as background. On the
    /// usual dark-background terminal (light text) that shows dark modules on light, the polarity every phone reader
    /// scans; on a light-background terminal it would come out inverted, which many phone readers refuse. With
    /// <paramref name="ansiColors"/> the lines set white-on-black explicitly, so the result is right on any terminal
    /// that understands ANSI colours. Lines end with '\n'.
    /// </summary>
    public static string RenderTerminal(string text, bool ansiColors)
    {
        bool[,] dark = GetModulesWithQuietZone(text);
        int size = dark.GetLength(0);
        var builder = new StringBuilder();
        for (int row = 0; row < size; row += 2)
        {
            if (ansiColors)
            {
                builder.Append(AnsiLightOnDark);
            }

            for (int column = 0; column < size; column++)
            {
                bool topLight = !dark[row, column];

                // The symbol has an odd number of rows; below the last one the terminal background shows.
                bool bottomLight = row + 1 < size && !dark[row + 1, column];
                builder.Append(topLight ? (bottomLight ? FullBlock : UpperHalf) : (bottomLight ? LowerHalf : ' '));
            }

            if (ansiColors)
            {
                builder.Append(AnsiReset);
            }

            builder.Append('\n');
        }

        return builder.ToString();
    }

    /// <summary>The module matrix (true = dark) with a 4-module light quiet zone on every side.</summary>
    internal static bool[,] GetModulesWithQuietZone(string text)
    {
        bool[,] symbol = GetSymbolModules(text);
        int inner = symbol.GetLength(0);
        int size = inner + (2 * QuietZoneModules);
        var modules = new bool[size, size];
        for (int row = 0; row < inner; row++)
        {
            for (int column = 0; column < inner; column++)
            {
                modules[row + QuietZoneModules, column + QuietZoneModules] = symbol[row, column];
            }
        }

        return modules;
    }

    /// <summary>The symbol's modules alone (true = dark), without any quiet zone.</summary>
    internal static bool[,] GetSymbolModules(string text)
    {
        using var data = CreateData(text);
        int symbolSize = 17 + (4 * data.Version);

        // QRCoder keeps its own quiet zone inside ModuleMatrix; take the symbol out of the middle whatever its width.
        int offset = (data.ModuleMatrix.Count - symbolSize) / 2;
        var modules = new bool[symbolSize, symbolSize];
        for (int row = 0; row < symbolSize; row++)
        {
            var bits = data.ModuleMatrix[row + offset];
            for (int column = 0; column < symbolSize; column++)
            {
                modules[row, column] = bits[column + offset];
            }
        }

        return modules;
    }

    /// <summary>
    /// Reads <see cref="RenderTerminal(string, bool)"/> output back into a module matrix (true = dark), ANSI colours
    /// ignored. The trailing half row under an odd-sized symbol is dropped, so the result is square.
    /// </summary>
    internal static bool[,] ParseTerminal(string rendered)
    {
        string plain = StripAnsi(rendered ?? throw new ArgumentNullException(nameof(rendered)));
        var lines = plain.Split('\n').Where(line => line.Length > 0).ToList();
        int width = lines.Count == 0 ? 0 : lines[0].Length;
        if (lines.Any(line => line.Length != width))
        {
            throw new FormatException("The rendered lines are not all the same width.");
        }

        var rows = new List<bool[]>();
        foreach (string line in lines)
        {
            var top = new bool[width];
            var bottom = new bool[width];
            for (int column = 0; column < width; column++)
            {
                (bool topLight, bool bottomLight) = line[column] switch
                {
                    FullBlock => (true, true),
                    UpperHalf => (true, false),
                    LowerHalf => (false, true),
                    ' ' => (false, false),
                    _ => throw new FormatException($"Unexpected character U+{(int)line[column]:X4} in a rendered QR code."),
                };
                top[column] = !topLight;
                bottom[column] = !bottomLight;
            }

            rows.Add(top);
            rows.Add(bottom);
        }

        int size = Math.Min(rows.Count, width);
        var modules = new bool[size, size];
        for (int row = 0; row < size; row++)
        {
            for (int column = 0; column < size; column++)
            {
                modules[row, column] = rows[row][column];
            }
        }

        return modules;
    }

    private static QRCodeData CreateData(string text)
    {
        if (string.IsNullOrEmpty(text))
        {
            throw new ArgumentException("There is no text to encode.", nameof(text));
        }

        using var generator = new QRCodeGenerator();
        return generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
    }

    private static string StripAnsi(string text)
    {
        var builder = new StringBuilder(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] == '\u001b' && i + 1 < text.Length && text[i + 1] == '[')
            {
                // Skip the control sequence up to its final byte (a letter).
                i += 2;
                while (i < text.Length && !char.IsLetter(text[i]))
                {
                    i++;
                }

                continue;
            }

            builder.Append(text[i]);
        }

        return builder.ToString();
    }
}
