using System.Collections.Generic;
using System.Text;

namespace IamOnboard.Sessions;

/// <summary>
/// Splits a line into words as Python's <c>shlex.split</c> does (POSIX rules, no comments), which the AWS CLI uses for
/// a config section's name (<c>[profile "ops admin"]</c>) and for <c>credential_process</c> on Linux and macOS:
/// whitespace separates words; <c>'...'</c> is literal; in <c>"..."</c> a backslash escapes only <c>"</c> and <c>\</c>;
/// elsewhere a backslash escapes any character (<c>my\ tools</c>).
/// </summary>
internal static class ShellWords
{
    /// <summary>The words, or null where shlex fails: a quote left open, or a backslash at the end.</summary>
    public static List<string>? Split(string text)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }

                continue;
            }

            inWord = true;
            if (c == '\\')
            {
                if (++i == text.Length)
                {
                    return null;
                }

                word.Append(text[i]);
            }
            else if (c == '\'' || c == '"')
            {
                var closing = false;
                for (i++; i < text.Length; i++)
                {
                    if (text[i] == c)
                    {
                        closing = true;
                        break;
                    }

                    if (c == '"' && text[i] == '\\' && i + 1 < text.Length && (text[i + 1] == '"' || text[i + 1] == '\\'))
                    {
                        i++;
                    }

                    word.Append(text[i]);
                }

                if (!closing)
                {
                    return null;
                }
            }
            else
            {
                word.Append(c);
            }
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        return words;
    }
}
