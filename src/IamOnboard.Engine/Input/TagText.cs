using System;
using System.Collections.Generic;
using System.Text.RegularExpressions;

namespace IamOnboard.Input;

/// <summary>Tags written in one cell as <c>key=value;key2=value2</c>, or in the AWS CLI's shorthand.</summary>
public static class TagText
{
    /// <summary>
    /// One tag in the AWS CLI's shorthand, as pasted from <c>aws iam create-user --tags Key=team,Value=data</c>. IAM
    /// allows no comma in a tag value, so this can never mean the tag "Key" with the value "team,Value=data".
    /// </summary>
    private static readonly Regex CliShorthandTag = new(
        @"^(?:Key=(?<key>[^,]*),\s*Value=(?<value>[^,]*)|Value=(?<value>[^,]*),\s*Key=(?<key>[^,]*))$", RegexOptions.CultureInvariant);

    /// <summary>The CLI separates shorthand tags with spaces (each its own argument): <c>Key=a,Value=1 Key=b,Value=2</c>.</summary>
    private static readonly Regex CliShorthandSeparator = new(@"(?<!,)\s+(?=(?:Key|Value)=)", RegexOptions.CultureInvariant);

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
            if (IsCliShorthand(piece))
            {
                error = ReadCliShorthand(piece, parsed);
                if (error is not null)
                {
                    break;
                }

                continue;
            }

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

    private static bool IsCliShorthand(string piece) =>
        (piece.StartsWith("Key=", StringComparison.Ordinal) || piece.StartsWith("Value=", StringComparison.Ordinal)) && piece.IndexOf(',') >= 0;

    private static string? ReadCliShorthand(string piece, List<KeyValuePair<string, string>> parsed)
    {
        foreach (var part in CliShorthandSeparator.Split(piece))
        {
            var match = CliShorthandTag.Match(part);
            var key = match.Success ? match.Groups["key"].Value.Trim() : string.Empty;
            if (key.Length == 0)
            {
                return $"The tag '{part}' is not in the AWS CLI's shorthand Key=name,Value=value (write key=value, or Key=team,Value=data as the CLI does).";
            }

            parsed.Add(new KeyValuePair<string, string>(key, match.Groups["value"].Value.Trim()));
        }

        return null;
    }
}
