using System.Collections.Generic;
using System.Text;

namespace IamOnboard.LocalIam.Policy;

/// <summary>
/// IAM's glob: <c>*</c> matches any run of characters (also none, also across ':' and '/'), <c>?</c> any one character.
/// Text a policy variable put into a pattern (a value, or <c>${*}</c>, <c>${?}</c>, <c>${$}</c>) is literal: it is
/// marked with <see cref="LiteralMark"/> before each character (see <see cref="Literal"/>).
/// </summary>
internal static class Wildcard
{
    /// <summary>
    /// Makes the character after it match only itself. A private-use character: IAM refuses anything above U+00FF in a
    /// policy document, so it never comes from the policy text itself.
    /// </summary>
    public const char LiteralMark = '\uE000';

    /// <summary><paramref name="text"/> as a pattern that matches only that text.</summary>
    public static string Literal(string text)
    {
        var marked = new StringBuilder(text.Length * 2);
        foreach (char c in text)
        {
            marked.Append(LiteralMark).Append(c);
        }

        return marked.ToString();
    }

    /// <summary>The text a pattern stands for with its literal marks taken out, for operators that compare whole strings.</summary>
    public static string Unmarked(string pattern)
    {
        if (pattern.IndexOf(LiteralMark) < 0)
        {
            return pattern;
        }

        var text = new StringBuilder(pattern.Length);
        for (int i = 0; i < pattern.Length; i++)
        {
            if (pattern[i] == LiteralMark && i + 1 < pattern.Length)
            {
                i++;
            }

            text.Append(pattern[i]);
        }

        return text.ToString();
    }

    public static bool IsMatch(string pattern, string text, bool ignoreCase)
    {
        int p = 0, t = 0, starP = -1, starT = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && pattern[p] == '*')
            {
                starP = p++;
                starT = t;
            }
            else if (p + 1 < pattern.Length && pattern[p] == LiteralMark && Same(pattern[p + 1], text[t], ignoreCase))
            {
                p += 2;
                t++;
            }
            else if (p < pattern.Length && pattern[p] != LiteralMark && (pattern[p] == '?' || Same(pattern[p], text[t], ignoreCase)))
            {
                p++;
                t++;
            }
            else if (starP >= 0)
            {
                // Let the last '*' swallow one more character and retry from there.
                p = starP + 1;
                t = ++starT;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }

    private static bool Same(char a, char b, bool ignoreCase) =>
        a == b || (ignoreCase && char.ToUpperInvariant(a) == char.ToUpperInvariant(b));

    /// <summary>ARN matching as ArnLike/ArnEquals do it: six ':'-separated parts, each matched on its own, case-sensitive.</summary>
    public static bool ArnMatches(string pattern, string arn)
    {
        var patternParts = SplitArnPattern(pattern);
        string[] arnParts = arn.Split(new[] { ':' }, 6);
        if (patternParts.Count != 6 || arnParts.Length != 6)
        {
            return false;
        }

        for (int i = 0; i < 6; i++)
        {
            if (!IsMatch(patternParts[i], arnParts[i], ignoreCase: false))
            {
                return false;
            }
        }

        return true;
    }

    // Like Split(':', 6), but a ':' marked literal stays inside its part together with its mark.
    private static List<string> SplitArnPattern(string pattern)
    {
        var parts = new List<string>(6);
        int start = 0;
        for (int i = 0; i < pattern.Length && parts.Count < 5; i++)
        {
            if (pattern[i] == LiteralMark)
            {
                i++;
            }
            else if (pattern[i] == ':')
            {
                parts.Add(pattern.Substring(start, i - start));
                start = i + 1;
            }
        }

        parts.Add(pattern.Substring(start));
        return parts;
    }
}
