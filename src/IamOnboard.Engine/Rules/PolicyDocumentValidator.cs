using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace IamOnboard.Rules;

/// <summary>
/// Checks a policy document against IAM's grammar before it is sent (module) or accepted (local endpoint):
/// allowed characters, JSON syntax, and the elements each statement must, may and must not have.
/// It does not check that actions or ARNs exist, only that they are shaped like them; quotas are the caller's, via
/// <see cref="PolicyValidationResult.NonWhitespaceLength"/> and <see cref="IamLimits"/>.
/// </summary>
public static partial class PolicyDocumentValidator
{
    /// <summary>The policy language versions IAM accepts in <c>Version</c>.</summary>
    public static IReadOnlyList<string> AllowedVersions { get; } = new[] { "2012-10-17", "2008-10-17" };

    private static readonly string[] TopLevelKeys = { "Version", "Id", "Statement" };
    private static readonly string[] StatementKeys =
        { "Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Principal", "NotPrincipal", "Condition" };
    private static readonly string[] PrincipalKinds = { "AWS", "Service", "Federated", "CanonicalUser" };

    public static PolicyValidationResult Validate(string document, PolicyDocumentKind kind)
    {
        if (document is null)
        {
            throw new ArgumentNullException(nameof(document));
        }

        var problems = new List<PolicyProblem>();
        int size = CountNonWhitespace(document);
        if (size == 0)
        {
            problems.Add(new PolicyProblem("line 1, position 1", "The policy document is empty."));
            return new PolicyValidationResult(problems, size);
        }

        var badCharacter = FindDisallowedCharacter(document);
        if (badCharacter is not null)
        {
            problems.Add(badCharacter);
            return new PolicyValidationResult(problems, size);
        }

        JsonDocument parsed;
        try
        {
            parsed = JsonDocument.Parse(document, new JsonDocumentOptions
            {
                AllowTrailingCommas = false,
                CommentHandling = JsonCommentHandling.Disallow,
            });
        }
        catch (JsonException ex)
        {
            problems.Add(DescribeSyntaxError(document, ex));
            return new PolicyValidationResult(problems, size);
        }

        var warnings = new List<PolicyProblem>();
        using (parsed)
        {
            new GrammarWalker(kind, problems).CheckDocument(parsed.RootElement);
            if (problems.Count == 0)
            {
                CheckVariablesHaveVersion(parsed.RootElement, warnings);
            }
        }

        return new PolicyValidationResult(problems, size, warnings);
    }

    // Policy variables (${aws:username}) are replaced only under Version 2012-10-17; under 2008-10-17, or with no Version
    // (which IAM reads as 2008-10-17), they are literal text, so a grant that names one silently matches nothing.
    private static void CheckVariablesHaveVersion(JsonElement root, List<PolicyProblem> warnings)
    {
        string? version = root.TryGetProperty("Version", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        if (version == AllowedVersions[0] || !root.TryGetProperty("Statement", out var statement))
        {
            return;
        }

        var statements = statement.ValueKind == JsonValueKind.Array
            ? statement.EnumerateArray().Select((s, i) => (Element: s, Where: $"Statement[{i}]"))
            : new[] { (Element: statement, Where: "Statement") };
        var variables = new List<string>();
        string? first = null;
        foreach (var (element, where) in statements)
        {
            foreach (string name in new[] { "Resource", "NotResource", "Condition" })
            {
                if (element.TryGetProperty(name, out var value))
                {
                    int before = variables.Count;
                    CollectVariables(value, variables);
                    first ??= variables.Count > before ? $"{where}.{name}" : null;
                }
            }
        }

        if (first is null)
        {
            return;
        }

        string which = variables.Count == 1 ? $"the policy variable {variables[0]} is" : $"the policy variables {string.Join(", ", variables)} are";
        string has = version is null ? "this policy has no Version" : $"this policy's Version is \"{version}\"";
        warnings.Add(new PolicyProblem(first,
            $"{first}: {which} replaced only under \"Version\": \"{AllowedVersions[0]}\"; {has}, so IAM reads {(variables.Count == 1 ? "it" : "them")} as literal text "
            + $"and the statement does not apply as meant. Add \"Version\": \"{AllowedVersions[0]}\" to the policy."));
    }

    private static void CollectVariables(JsonElement value, List<string> variables)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                foreach (Match match in Regex.Matches(value.GetString() ?? string.Empty, @"\$\{[^}]*\}"))
                {
                    if (!variables.Contains(match.Value))
                    {
                        variables.Add(match.Value);
                    }
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in value.EnumerateArray())
                {
                    CollectVariables(item, variables);
                }

                break;
            case JsonValueKind.Object:
                foreach (var member in value.EnumerateObject())
                {
                    CollectVariables(member.Value, variables);
                }

                break;
        }
    }

    /// <summary>
    /// IAM's size measure for policy quotas: characters not counting whitespace. Only JSON's whitespace (space, tab,
    /// line feed, carriage return) is left out, anywhere in the text, strings included.
    /// </summary>
    public static int CountNonWhitespace(string document)
    {
        if (document is null)
        {
            throw new ArgumentNullException(nameof(document));
        }

        int count = 0;
        foreach (char c in document)
        {
            if (c is not (' ' or '\t' or '\n' or '\r'))
            {
                count++;
            }
        }

        return count;
    }

    private static PolicyProblem? FindDisallowedCharacter(string document)
    {
        int line = 1;
        int position = 0;
        for (int i = 0; i < document.Length; i++)
        {
            char c = document[i];
            position++;
            bool allowed = c is '\t' or '\n' or '\r' or (>= '\u0020' and <= '\u00FF');
            if (!allowed)
            {
                int codePoint = char.IsHighSurrogate(c) && i + 1 < document.Length && char.IsLowSurrogate(document[i + 1])
                    ? char.ConvertToUtf32(c, document[i + 1])
                    : c;
                string location = $"line {line}, position {position}";
                return new PolicyProblem(location,
                    $"Character U+{codePoint:X4} at {location} is not allowed in a policy document: only tab, line feed, carriage return and U+0020 to U+00FF are.");
            }

            if (c == '\n')
            {
                line++;
                position = 0;
            }
        }

        return null;
    }

    private static PolicyProblem DescribeSyntaxError(string document, JsonException ex)
    {
        int line = (int)(ex.LineNumber ?? 0);
        int position = CharacterPositionInLine(document, line, ex.BytePositionInLine ?? 0);
        string location = $"line {line + 1}, position {position + 1}";

        // The reader's own message ends with its 0-based, byte-counted location; ours replaces it.
        string reason = ex.Message;
        int cut = reason.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (cut >= 0)
        {
            reason = reason.Substring(0, cut);
        }

        reason = ExplainSyntaxError(document, LineStart(document, line) + position, reason.Trim());
        return new PolicyProblem(location, $"The policy is not valid JSON at {location}: {reason}");
    }

    private static int LineStart(string document, int lineIndex)
    {
        int start = 0;
        for (int line = 0; line < lineIndex; line++)
        {
            int newline = document.IndexOf('\n', start);
            if (newline < 0)
            {
                break;
            }

            start = newline + 1;
        }

        return start;
    }

    // The JSON reader counts UTF-8 bytes; people count characters. Characters up to U+00FF take one or two bytes.
    private static int CharacterPositionInLine(string document, int lineIndex, long bytePosition)
    {
        int start = LineStart(document, lineIndex);

        long bytes = 0;
        int chars = 0;
        for (int i = start; i < document.Length && bytes < bytePosition && document[i] != '\n'; i++)
        {
            bytes += document[i] <= '\u007F' ? 1 : 2;
            chars++;
        }

        return chars;
    }
}
