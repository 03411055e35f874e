using System;
using System.Text;

namespace IamOnboard.LocalIam.Policy;

/// <summary>
/// Replaces <c>${key}</c> (and <c>${key, 'default'}</c>) with the request's value of the key, and the escapes
/// <c>${*}</c>, <c>${?}</c>, <c>${$}</c> with the literal character. What a variable puts in is literal text, marked so
/// that <see cref="Wildcard"/> does not read a '*' or '?' in it as a wildcard (IAM's special characters exist for
/// exactly that); <see cref="Wildcard.Unmarked"/> gives the plain text. A variable whose key the request lacks (and has
/// no default) makes the whole string unusable: the element it appears in matches nothing, as in IAM.
/// </summary>
internal static class PolicyVariables
{
    /// <summary>The substituted pattern, or null when a variable has no value. Multi-valued keys cannot be substituted.</summary>
    public static string? Substitute(string text, RequestContext context)
    {
        int open = text.IndexOf("${", StringComparison.Ordinal);
        if (open < 0)
        {
            return text;
        }

        var result = new StringBuilder(text.Length + 16);
        int position = 0;
        while (open >= 0)
        {
            int close = text.IndexOf('}', open + 2);
            if (close < 0)
            {
                break;
            }

            result.Append(text, position, open - position);
            string? value = Resolve(text.Substring(open + 2, close - open - 2), context);
            if (value is null)
            {
                return null;
            }

            result.Append(Wildcard.Literal(value));
            position = close + 1;
            open = text.IndexOf("${", position, StringComparison.Ordinal);
        }

        result.Append(text, position, text.Length - position);
        return result.ToString();
    }

    private static string? Resolve(string inner, RequestContext context)
    {
        string body = inner.Trim();
        if (body is "*" or "?" or "$")
        {
            return body;
        }

        string? fallback = null;
        int comma = body.IndexOf(',');
        if (comma >= 0)
        {
            string defaultPart = body.Substring(comma + 1).Trim();
            body = body.Substring(0, comma).Trim();
            if (defaultPart.Length >= 2 && defaultPart[0] == '\'' && defaultPart[defaultPart.Length - 1] == '\'')
            {
                fallback = defaultPart.Substring(1, defaultPart.Length - 2);
            }
        }

        var values = context.Get(body);
        return values is { Count: 1 } ? values[0] : fallback;
    }
}
