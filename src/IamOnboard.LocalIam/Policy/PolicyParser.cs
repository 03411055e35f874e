using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json;

namespace IamOnboard.LocalIam.Policy;

/// <summary>A policy document that cannot be evaluated; the message says where and why.</summary>
internal sealed class PolicyParseException : FormatException
{
    public PolicyParseException(string message)
        : base(message)
    {
    }
}

/// <summary>
/// Reads identity policy documents into <see cref="ParsedPolicy"/>. Documents are cached by their text: every request
/// evaluates the caller's policies, and re-reading JSON each time would dominate the cost of a request.
/// </summary>
internal static class PolicyParser
{
    private const int CacheLimit = 4096;
    private static readonly ConcurrentDictionary<string, ParsedPolicy> Cache = new(StringComparer.Ordinal);

    /// <summary>Parses (or finds cached) <paramref name="document"/>; throws <see cref="PolicyParseException"/> when malformed.</summary>
    public static ParsedPolicy Parse(string document)
    {
        if (Cache.TryGetValue(document, out var cached))
        {
            return cached;
        }

        var parsed = ParseUncached(document);
        if (Cache.Count >= CacheLimit)
        {
            Cache.Clear();
        }

        Cache[document] = parsed;
        return parsed;
    }

    private static ParsedPolicy ParseUncached(string document)
    {
        JsonDocument json;
        try
        {
            json = JsonDocument.Parse(document);
        }
        catch (JsonException error)
        {
            throw new PolicyParseException("The policy is not valid JSON: " + error.Message);
        }

        using (json)
        {
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("Statement", out var statementElement))
            {
                throw new PolicyParseException("The policy has no Statement element.");
            }

            string? version = root.TryGetProperty("Version", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            var elements = statementElement.ValueKind == JsonValueKind.Array ? statementElement.EnumerateArray().ToList() : new List<JsonElement> { statementElement };
            var spans = StatementSpans(document);
            var statements = new List<ParsedStatement>(elements.Count);
            for (int i = 0; i < elements.Count; i++)
            {
                var statement = ReadStatement(elements[i], i);
                if (i < spans.Count)
                {
                    statement.Start = spans[i].Start;
                    statement.End = spans[i].End;
                }

                statements.Add(statement);
            }

            return new ParsedPolicy(version, statements);
        }
    }

    private static ParsedStatement ReadStatement(JsonElement element, int index)
    {
        string where = "Statement[" + index + "]";
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new PolicyParseException(where + " is not an object.");
        }

        string effect = element.TryGetProperty("Effect", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString()! : string.Empty;
        if (effect != "Allow" && effect != "Deny")
        {
            throw new PolicyParseException(where + ".Effect must be Allow or Deny.");
        }

        return new ParsedStatement
        {
            Sid = element.TryGetProperty("Sid", out var sid) && sid.ValueKind == JsonValueKind.String ? sid.GetString() : null,
            IsAllow = effect == "Allow",
            Actions = Strings(element, "Action", where),
            NotActions = Strings(element, "NotAction", where),
            Resources = Strings(element, "Resource", where),
            NotResources = Strings(element, "NotResource", where),
            Conditions = element.TryGetProperty("Condition", out var condition) ? Conditions(condition, where) : Array.Empty<ConditionClause>(),
            Principals = element.TryGetProperty("Principal", out var principal) ? Principals(principal, where + ".Principal") : null,
            NotPrincipals = element.TryGetProperty("NotPrincipal", out var notPrincipal) ? Principals(notPrincipal, where + ".NotPrincipal") : null,
        };
    }

    private static IReadOnlyList<string> Principals(JsonElement principal, string where)
    {
        if (principal.ValueKind == JsonValueKind.String)
        {
            return principal.GetString() == "*" ? new[] { "AWS:*" } : throw new PolicyParseException(where + " must be \"*\" or an object.");
        }

        if (principal.ValueKind != JsonValueKind.Object)
        {
            throw new PolicyParseException(where + " must be \"*\" or an object.");
        }

        return principal.EnumerateObject().SelectMany(type => Values(type.Value, where + "." + type.Name).Select(value => type.Name + ":" + value)).ToArray();
    }

    private static IReadOnlyList<string>? Strings(JsonElement statement, string name, string where)
    {
        if (!statement.TryGetProperty(name, out var value))
        {
            return null;
        }

        return Values(value, where + "." + name);
    }

    private static IReadOnlyList<string> Values(JsonElement value, string where)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Array:
                return value.EnumerateArray().Select(item => Scalar(item, where)).ToArray();
            default:
                return new[] { Scalar(value, where) };
        }
    }

    // Condition values may be written as JSON booleans or numbers; IAM compares their text.
    private static string Scalar(JsonElement value, string where) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Number => value.GetRawText(),
        _ => throw new PolicyParseException(where + " must hold strings."),
    };

    private static IReadOnlyList<ConditionClause> Conditions(JsonElement condition, string where)
    {
        if (condition.ValueKind != JsonValueKind.Object)
        {
            throw new PolicyParseException(where + ".Condition is not an object.");
        }

        var clauses = new List<ConditionClause>();
        foreach (var op in condition.EnumerateObject())
        {
            if (!ConditionOperators.IsKnown(op.Name))
            {
                throw new PolicyParseException(where + ".Condition uses an unknown operator: " + op.Name + ".");
            }

            if (op.Value.ValueKind != JsonValueKind.Object)
            {
                throw new PolicyParseException(where + ".Condition." + op.Name + " is not an object.");
            }

            foreach (var key in op.Value.EnumerateObject())
            {
                clauses.Add(new ConditionClause(op.Name, key.Name, Values(key.Value, where + ".Condition." + op.Name + "." + key.Name)));
            }
        }

        return clauses;
    }

    /// <summary>Where each statement object starts and ends in the text (System.Text.Json's DOM keeps no positions).</summary>
    private static List<(PolicyPosition Start, PolicyPosition End)> StatementSpans(string document)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(document);
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        var spans = new List<(PolicyPosition, PolicyPosition)>();
        bool inStatement = false;
        int statementDepth = -1;
        long start = 0;
        while (reader.Read())
        {
            if (!inStatement)
            {
                if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals("Statement"))
                {
                    inStatement = true;
                    reader.Read();
                    statementDepth = reader.TokenType == JsonTokenType.StartArray ? 2 : 1;
                    if (statementDepth == 1 && reader.TokenType == JsonTokenType.StartObject)
                    {
                        start = reader.TokenStartIndex;
                        reader.Skip();
                        spans.Add((PositionOf(utf8, start), PositionOf(utf8, reader.TokenStartIndex + 1)));
                        return spans;
                    }
                }

                continue;
            }

            if (reader.TokenType == JsonTokenType.StartObject && reader.CurrentDepth == statementDepth)
            {
                start = reader.TokenStartIndex;
                reader.Skip();
                spans.Add((PositionOf(utf8, start), PositionOf(utf8, reader.TokenStartIndex + 1)));
            }
            else if (reader.TokenType == JsonTokenType.EndArray && reader.CurrentDepth == statementDepth - 1)
            {
                return spans;
            }
        }

        return spans;
    }

    private static PolicyPosition PositionOf(byte[] utf8, long byteOffset)
    {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < byteOffset; i++)
        {
            if (utf8[i] == (byte)'\n')
            {
                line++;
                lineStart = i + 1;
            }
        }

        int column = Encoding.UTF8.GetCharCount(utf8, lineStart, (int)byteOffset - lineStart) + 1;
        return new PolicyPosition(line, column);
    }
}
