namespace IamOnboard.LocalIam.Policy;

/// <summary>IAM's glob: <c>*</c> matches any run of characters (also none, also across ':' and '/'), <c>?</c> any one character.</summary>
internal static class Wildcard
{
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
            else if (p < pattern.Length && (pattern[p] == '?' || Same(pattern[p], text[t], ignoreCase)))
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
        string[] patternParts = pattern.Split(new[] { ':' }, 6);
        string[] arnParts = arn.Split(new[] { ':' }, 6);
        if (patternParts.Length != 6 || arnParts.Length != 6)
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
}
