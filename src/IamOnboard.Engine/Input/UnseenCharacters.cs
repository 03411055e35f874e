using System.Collections.Generic;
using System.Globalization;

namespace IamOnboard.Input;

/// <summary>
/// Names, by code point, the first character of a value that a message cannot show: a control (the NULs of a UTF-16
/// file read as UTF-8), a format character (zero-width space, byte order mark), a space other than ' ' (no-break
/// space); and, where IAM allows ASCII only, any other character, since a Cyrillic 'а' looks like a Latin 'a' and a
/// curly quote like a straight one. Without it, "'ana.lima' is not valid" names a value that looks valid.
/// </summary>
public static class UnseenCharacters
{
    private static readonly Dictionary<char, string> Names = new()
    {
        ['\u0000'] = "NUL: a UTF-16 file without a byte order mark? Save it as UTF-8, or give Import-Csv -Encoding unicode",
        ['\u00A0'] = "no-break space",
        ['\u200B'] = "zero-width space",
        ['\u200C'] = "zero-width non-joiner",
        ['\u200D'] = "zero-width joiner",
        ['\u2060'] = "word joiner",
        ['\uFEFF'] = "byte order mark",
        ['\u2018'] = "left single quotation mark",
        ['\u2019'] = "right single quotation mark",
        ['\u201C'] = "left double quotation mark",
        ['\u201D'] = "right double quotation mark",
        ['\u2013'] = "en dash",
        ['\u2014'] = "em dash",
    };

    /// <summary>
    /// "character 4 is U+200B (zero-width space)" for the first such character of <paramref name="text"/>, else null.
    /// <paramref name="asciiOnly"/>: the value may hold ASCII only (IAM names and paths), so every other character is named.
    /// </summary>
    public static string? Describe(string? text, bool asciiOnly)
    {
        for (var i = 0; text is not null && i < text.Length; i++)
        {
            var c = text[i];
            if (IsUnseen(c) || (asciiOnly && c > '\u007E'))
            {
                return $"character {i + 1} is {CodePoint(c)}";
            }
        }

        return null;
    }

    /// <summary>"character 6 is U+0009" for the character at <paramref name="index"/>, named by code point when it cannot be seen, else shown: "character 6 is ';'".</summary>
    public static string At(string text, int index)
    {
        var c = text[index];
        return IsUnseen(c)
            ? $"character {index + 1} is {CodePoint(c)}"
            : $"character {index + 1} is '{char.ConvertFromUtf32(char.IsSurrogatePair(text, index) ? char.ConvertToUtf32(text, index) : c)}'";
    }

    /// <summary>" (its character 5 is U+200B (zero-width space))" for a column name whose difference from a known one cannot be seen, else "".</summary>
    public static string InHeader(string header) => Describe(header, asciiOnly: false) is { } unseen ? $" (its {unseen})" : string.Empty;

    /// <summary>"U+200B (zero-width space)": the code point, with its name when it is one people meet.</summary>
    private static string CodePoint(char c) => $"U+{(int)c:X4}{(Names.TryGetValue(c, out var known) ? $" ({known})" : string.Empty)}";

    private static bool IsUnseen(char c) =>
        char.IsControl(c) || (char.IsWhiteSpace(c) && c != ' ') || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.Format || Names.ContainsKey(c);
}
