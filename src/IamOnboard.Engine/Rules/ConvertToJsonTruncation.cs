using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace IamOnboard.Rules;

/// <summary>
/// Finds what PowerShell's ConvertTo-Json leaves in place of values nested deeper than its -Depth (2 by default): a
/// hashtable becomes the text "System.Collections.Hashtable", a [pscustomobject] "@{Effect=Allow; ...}", and a list
/// its items joined by spaces ("s3:GetObject s3:PutObject"). A policy built as a hashtable and converted at the default
/// depth loses every Condition block and every list of actions or resources of a Statement array this way; IAM takes
/// some of these strings as they are (a resource "arn:aws:s3:::a arn:aws:s3:::b" matches neither bucket), so they are
/// looked for before the policy is sent. Only the module asks: the local endpoint accepts what IAM accepts.
/// </summary>
public static class ConvertToJsonTruncation
{
    // One or more .NET type names, as Object.ToString() writes them, separated by spaces (a list of hashtables).
    private static readonly Regex TypeNames = new(@"^System\.[\w.`+]+(\[[^\]]*\])*(\s+System\.[\w.`+]+(\[[^\]]*\])*)*$", RegexOptions.CultureInvariant);

    // A [pscustomobject] as PowerShell writes it as text: @{Name=Value; ...}.
    private static readonly Regex CustomObject = new(@"^@\{[^=]*=.*\}$", RegexOptions.CultureInvariant | RegexOptions.Singleline);

    /// <summary>Each place that holds such a stand-in, with what to do, in document order; empty when none (or when the text is not JSON).</summary>
    public static IReadOnlyList<string> Find(string document)
    {
        var found = new List<string>();
        try
        {
            using var parsed = JsonDocument.Parse(document);
            Walk(parsed.RootElement, string.Empty, found);
        }
        catch (JsonException)
        {
            // Not JSON: the grammar check says where.
        }

        return found;
    }

    private static void Walk(JsonElement value, string location, List<string> found)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var member in value.EnumerateObject())
                {
                    Walk(member.Value, location.Length == 0 ? member.Name : $"{location}.{member.Name}", found);
                }

                break;
            case JsonValueKind.Array:
                int index = 0;
                foreach (var item in value.EnumerateArray())
                {
                    Walk(item, $"{location}[{index++}]", found);
                }

                break;
            case JsonValueKind.String:
                var text = value.GetString() ?? string.Empty;
                if (TypeNames.IsMatch(text) || CustomObject.IsMatch(text))
                {
                    found.Add($"{location}: \"{text}\" is the name of an object, not its content");
                }
                else if (IsFlattenedList(location, text))
                {
                    found.Add($"{location}: \"{text}\" is a list joined by spaces");
                }

                break;
        }
    }

    // A statement's Action or Resource whose text is several actions or ARNs separated by spaces. An ARN may hold a
    // space (an S3 key), but then what follows it does not start a new ARN.
    private static bool IsFlattenedList(string location, string text)
    {
        var element = location.Substring(location.LastIndexOf('.') + 1);
        var pieces = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (pieces.Length < 2)
        {
            return false;
        }

        return element switch
        {
            "Action" or "NotAction" => pieces.All(piece => piece == "*" || Regex.IsMatch(piece, @"^[A-Za-z0-9-]+:[A-Za-z0-9*?_-]+$")),
            "Resource" or "NotResource" => pieces.All(piece => piece == "*" || piece.StartsWith("arn:", StringComparison.Ordinal)),
            _ => false,
        };
    }
}
