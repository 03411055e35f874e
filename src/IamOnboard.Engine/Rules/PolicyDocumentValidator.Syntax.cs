using System;
using System.Collections.Generic;
using System.Text;
using System.Text.Json;

namespace IamOnboard.Rules;

/// <summary>
/// The JSON syntax half of the validator: says what is wrong in the terms of someone writing a policy. The JSON
/// reader's own messages speak of reader modes and options ("not supported in this mode. Change the reader options.")
/// that mean nothing to them, so the text around the failing position and the last token read decide the message; the
/// reader's message is the fallback.
/// </summary>
public static partial class PolicyDocumentValidator
{
    private static string ExplainSyntaxError(string document, int index, string readerMessage)
    {
        var (lastToken, lastText, inObject) = LastTokenBefore(document);
        var scan = ScanTo(document, index);
        char? previous = PreviousNonWhitespace(document, index);
        bool atEnd = document.Substring(Math.Min(index, document.Length)).Trim(' ', '\t', '\r', '\n').Length == 0;

        if (scan.InString)
        {
            if (atEnd)
            {
                return "a string is not closed: its closing \" is missing.";
            }

            char inside = document[index];
            if (scan.AfterBackslash)
            {
                return $"\\{inside} is not an escape JSON knows; write a backslash in a string as \\\\.";
            }

            if (inside < ' ')
            {
                return $"a control character (U+{(int)inside:X4}) is inside a string; write a tab as \\t and a line break as \\n.";
            }
        }

        if (atEnd)
        {
            return "the document ends before every { and [ in it is closed.";
        }

        char c = document[index];
        if (InvisibleName(c) is { } invisible)
        {
            // Shown as it is, it would read as an ordinary space (or as nothing) that is somehow wrong.
            return $"U+{(int)c:X4} ({invisible}) is not white space JSON allows outside strings; replace it with an ordinary space "
                + "(it often comes with text copied from a web page or a chat).";
        }

        if (lastToken == JsonTokenType.None && c != '{')
        {
            return "a policy is a JSON object: it must start with '{'.";
        }

        if (c == '/')
        {
            return "comments (// or /* */) are not allowed in a policy document.";
        }

        if ((c == '}' || c == ']') && previous == ',')
        {
            return $"there is a comma just before '{c}' (a trailing comma), which JSON does not allow; remove it.";
        }

        if (c == '\'')
        {
            return "names and strings must be in double quotes (\"), not single quotes (').";
        }

        bool valueEnded = lastToken is JsonTokenType.String or JsonTokenType.Number or JsonTokenType.True or JsonTokenType.False
            or JsonTokenType.Null or JsonTokenType.EndObject or JsonTokenType.EndArray;
        if (lastToken == JsonTokenType.PropertyName && previous != ':')
        {
            return $"a ':' is missing after the name \"{lastText}\".";
        }

        // The reader takes a name and its ':' in one step, so a name without its ':' leaves the token before it as the last.
        if (inObject && previous == '"' && !valueEnded && lastToken != JsonTokenType.PropertyName)
        {
            return $"a ':' is missing after the name \"{StringEndingBefore(document, index)}\".";
        }

        if (valueEnded && previous != ',' && previous != ':')
        {
            return scan.Depth == 0
                ? "there is more text after the end of the policy; a policy is a single JSON object."
                : $"a ',' is missing before '{c}': members and array items are separated by commas.";
        }

        string word = WordAt(document, index);
        if (inObject && (lastToken == JsonTokenType.StartObject || previous == ','))
        {
            return word.Length > 0
                ? $"the name {word} must be in double quotes: \"{word}\"."
                : $"'{c}' cannot start a name; names are strings in double quotes, such as \"Effect\".";
        }

        if (word.Length > 0 && char.IsLetter(word[0]))
        {
            return $"{word} is not a JSON value; use a string in double quotes, a number, true, false or null (in lower case).";
        }

        // The reader's wording, without its advice about reader options.
        string reason = readerMessage;
        foreach (string advice in new[] { "Change the reader options.", " which is not supported in this mode", " is not supported in this mode" })
        {
            reason = reason.Replace(advice, string.Empty);
        }

        return reason.Trim();
    }

    // A name for a character that is invisible or looks like a space; null for others. Only U+0020 to U+00FF (and tab,
    // line feed, carriage return) get this far.
    private static string? InvisibleName(char c) => c switch
    {
        '\u00A0' => "no-break space",
        '\u00AD' => "soft hyphen",
        >= '\u007F' and <= '\u009F' => "a control character",
        _ => null,
    };

    // The last token the reader took before failing, its text (for a name), and whether it was then inside an object.
    private static (JsonTokenType Token, string? Text, bool InObject) LastTokenBefore(string document)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(document), new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        var containers = new Stack<bool>();
        JsonTokenType last = JsonTokenType.None;
        string? text = null;
        try
        {
            while (reader.Read())
            {
                last = reader.TokenType;
                text = last is JsonTokenType.PropertyName or JsonTokenType.String ? reader.GetString() : null;
                if (last is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    containers.Push(last == JsonTokenType.StartObject);
                }
                else if (last is JsonTokenType.EndObject or JsonTokenType.EndArray && containers.Count > 0)
                {
                    containers.Pop();
                }
            }
        }
        catch (JsonException)
        {
        }

        return (last, text, containers.Count > 0 && containers.Peek());
    }

    private readonly struct TextScan
    {
        public TextScan(bool inString, bool afterBackslash, int depth)
        {
            InString = inString;
            AfterBackslash = afterBackslash;
            Depth = depth;
        }

        public bool InString { get; }

        public bool AfterBackslash { get; }

        public int Depth { get; }
    }

    // Whether the character at index is inside a string (and right after a backslash there), and how deeply nested.
    private static TextScan ScanTo(string document, int index)
    {
        bool inString = false, escaped = false;
        int depth = 0;
        for (int i = 0; i < index && i < document.Length; i++)
        {
            char c = document[i];
            if (inString)
            {
                if (escaped)
                {
                    escaped = false;
                }
                else if (c == '\\')
                {
                    escaped = true;
                }
                else if (c == '"')
                {
                    inString = false;
                }
            }
            else if (c == '"')
            {
                inString = true;
            }
            else if (c is '{' or '[')
            {
                depth++;
            }
            else if (c is '}' or ']')
            {
                depth--;
            }
        }

        return new TextScan(inString, escaped, depth);
    }

    private static char? PreviousNonWhitespace(string document, int index)
    {
        for (int i = Math.Min(index, document.Length) - 1; i >= 0; i--)
        {
            if (document[i] is not (' ' or '\t' or '\r' or '\n'))
            {
                return document[i];
            }
        }

        return null;
    }

    // The text of the string whose closing quote is the last non-white-space character before index.
    private static string StringEndingBefore(string document, int index)
    {
        int close = Math.Min(index, document.Length) - 1;
        while (close >= 0 && document[close] != '"')
        {
            close--;
        }

        int open = close - 1;
        while (open >= 0 && !(document[open] == '"' && (open == 0 || document[open - 1] != '\\')))
        {
            open--;
        }

        return open >= 0 ? document.Substring(open + 1, close - open - 1) : string.Empty;
    }

    private static string WordAt(string document, int index)
    {
        int end = index;
        while (end < document.Length && (char.IsLetterOrDigit(document[end]) || document[end] is '_' or '-'))
        {
            end++;
        }

        return document.Substring(index, end - index);
    }
}
