using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace IamOnboard.Input;

/// <summary>One CSV record and the line it starts on.</summary>
public sealed class CsvRecord
{
    public CsvRecord(int line, IReadOnlyList<string> fields)
    {
        Line = line;
        Fields = fields;
    }

    /// <summary>The 1-based line of the file the record starts on.</summary>
    public int Line { get; }

    public IReadOnlyList<string> Fields { get; }

    /// <summary>True for a line with nothing in it (skipped, as spreadsheets leave them at the end).</summary>
    public bool IsBlank => Fields.Count == 0 || (Fields.Count == 1 && Fields[0].Length == 0) || AllEmpty();

    private bool AllEmpty()
    {
        foreach (var field in Fields)
        {
            if (!string.IsNullOrWhiteSpace(field))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>A CSV file that cannot be read as a whole (bad encoding, an unterminated quote).</summary>
public sealed class CsvFormatException : Exception
{
    public CsvFormatException(string message, int line)
        : base(message) => Line = line;

    public CsvFormatException()
    {
    }

    public CsvFormatException(string message)
        : base(message)
    {
    }

    public CsvFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public int Line { get; }
}

/// <summary>
/// Streams the records of an RFC 4180 CSV file: quoted fields, doubled quotes, line breaks inside quotes, CRLF or
/// LF. The file must be UTF-8 (with or without a byte order mark), or UTF-16 or UTF-32 with their byte order mark
/// (what Export-Csv -Encoding unicode and Windows PowerShell's Out-File write, and what Import-Csv reads); anything
/// else is refused with the line it breaks on, rather than read as garbled names.
/// </summary>
public static class CsvRecordReader
{
    public static IEnumerable<CsvRecord> Read(string path, char delimiter = ',')
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.SequentialScan);
        var marked = EncodingFromByteOrderMark(stream);
        using var reader = new StreamReader(stream, marked ?? new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true),
            detectEncodingFromByteOrderMarks: false);
        using var records = Read(reader, delimiter).GetEnumerator();
        while (true)
        {
            try
            {
                if (!records.MoveNext())
                {
                    yield break;
                }
            }
            catch (CsvFormatException notUtf8) when (notUtf8.Line == NotUtf8 && marked is not null)
            {
                // Only a byte order mark chooses these, so the bytes are broken, not another encoding: say so, without a
                // line (the decoder reads ahead in blocks, and lines cannot be found in the bytes as for UTF-8).
                throw new CsvFormatException($"the file starts with the byte order mark of {marked.WebName.ToUpperInvariant()} but is not valid {marked.WebName.ToUpperInvariant()}. Save it again as UTF-8 (CSV UTF-8 in a spreadsheet) and try again.", 1);
            }
            catch (CsvFormatException notUtf8) when (notUtf8.Line == NotUtf8)
            {
                // The decoder reads ahead in blocks, so find the line itself for the message.
                var line = FirstLineNotUtf8(path);
                throw new CsvFormatException($"line {line}: the file is not UTF-8. Save it as UTF-8 (CSV UTF-8 in a spreadsheet) and try again.", line);
            }

            yield return records.Current;
        }
    }

    /// <summary>
    /// The strict UTF-16 or UTF-32 encoding a byte order mark at the start of <paramref name="stream"/> names, else null
    /// (UTF-8, whose mark the record reader skips); the stream is left at its start.
    /// </summary>
    private static Encoding? EncodingFromByteOrderMark(Stream stream)
    {
        var start = new byte[4];
        var read = 0;
        while (read < start.Length && stream.Read(start, read, start.Length - read) is var count and > 0)
        {
            read += count;
        }

        stream.Position = 0;
        return (read, start[0], start[1], start[2], start[3]) switch
        {
            (4, 0xFF, 0xFE, 0x00, 0x00) => new UTF32Encoding(bigEndian: false, byteOrderMark: true, throwOnInvalidCharacters: true),
            (4, 0x00, 0x00, 0xFE, 0xFF) => new UTF32Encoding(bigEndian: true, byteOrderMark: true, throwOnInvalidCharacters: true),
            ( >= 2, 0xFF, 0xFE, _, _) => new UnicodeEncoding(bigEndian: false, byteOrderMark: true, throwOnInvalidBytes: true),
            ( >= 2, 0xFE, 0xFF, _, _) => new UnicodeEncoding(bigEndian: true, byteOrderMark: true, throwOnInvalidBytes: true),
            _ => null,
        };
    }

    private const int NotUtf8 = -1;

    private static int FirstLineNotUtf8(string path)
    {
        var strict = new UTF8Encoding(false, true);
        var bytes = File.ReadAllBytes(path);
        var line = 1;
        var start = 0;
        for (var i = 0; i <= bytes.Length; i++)
        {
            if (i == bytes.Length || bytes[i] == (byte)'\n')
            {
                try
                {
                    strict.GetString(bytes, start, i - start);
                }
                catch (DecoderFallbackException)
                {
                    return line;
                }

                line++;
                start = i + 1;
            }
        }

        return 1;
    }

    public static IEnumerable<CsvRecord> Read(TextReader reader, char delimiter = ',')
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var line = 1;
        var recordLine = 1;
        var inQuotes = false;
        var first = true;
        while (true)
        {
            int next;
            try
            {
                next = reader.Read();
            }
            catch (DecoderFallbackException)
            {
                throw new CsvFormatException("The file is not UTF-8.", NotUtf8);
            }

            if (first)
            {
                first = false;
                if (next == '\uFEFF')
                {
                    continue;
                }
            }

            if (next == -1)
            {
                if (inQuotes)
                {
                    throw new CsvFormatException($"line {recordLine}: a quoted field is never closed.", recordLine);
                }

                if (field.Length > 0 || fields.Count > 0)
                {
                    fields.Add(field.ToString());
                    yield return new CsvRecord(recordLine, fields);
                }

                yield break;
            }

            var c = (char)next;
            if (inQuotes)
            {
                if (c == '"')
                {
                    if (reader.Peek() == '"')
                    {
                        reader.Read();
                        field.Append('"');
                    }
                    else
                    {
                        inQuotes = false;
                    }
                }
                else
                {
                    if (c == '\n')
                    {
                        line++;
                    }

                    field.Append(c);
                }

                continue;
            }

            if (c == '"' && field.Length == 0)
            {
                inQuotes = true;
            }
            else if (c == delimiter)
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else if (c == '\r' && reader.Peek() == '\n')
            {
                // The \n ends the record.
            }
            else if (c == '\n' || c == '\r')
            {
                fields.Add(field.ToString());
                field.Clear();
                yield return new CsvRecord(recordLine, fields);
                fields = new List<string>();
                line++;
                recordLine = line;
            }
            else
            {
                field.Append(c);
            }
        }
    }
}
