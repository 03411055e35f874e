using System.Collections.Generic;

namespace IamOnboard.Input;

/// <summary>Tags written in one cell as <c>key=value;key2=value2</c>.</summary>
public static class TagText
{
    /// <summary>
    /// Reads <c>key=value</c> pieces separated by ';'. The first '=' ends the key, so a value may itself hold '='; a
    /// value may be empty (<c>key=</c>); keys and values are trimmed. A piece without '=' or without a key is an error
    /// naming that piece. IAM's own tag rules are not checked here (see IamNameRules.CheckUserTags).
    /// </summary>
    public static bool TryParse(string? text, out IReadOnlyList<KeyValuePair<string, string>> tags, out string? error)
    {
        var parsed = new List<KeyValuePair<string, string>>();
        tags = parsed;
        error = null;
        foreach (string piece in ListText.Split(text))
        {
            int equals = piece.IndexOf('=');
            if (equals < 0)
            {
                error = $"The tag '{piece}' has no '=': write key=value (key= for an empty value).";
                break;
            }

            string key = piece.Substring(0, equals).Trim();
            if (key.Length == 0)
            {
                error = $"The tag '{piece}' has no key before '='.";
                break;
            }

            parsed.Add(new KeyValuePair<string, string>(key, piece.Substring(equals + 1).Trim()));
        }

        if (error is not null)
        {
            tags = new List<KeyValuePair<string, string>>();
            return false;
        }

        return true;
    }
}
