using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;

namespace IamOnboard.Tests.Conformance;

/// <summary>
/// Checks a flat awsQuery request (Action, Version and the serialised members) against the operation's input shape:
/// required members, types, patterns, lengths, enums, lists as <c>Name.member.N</c> and maps as
/// <c>Name.entry.N.key/value</c>, numbered from 1 without gaps, and no parameter the shape does not have.
/// </summary>
public static class QueryRequestCheck
{
    public static IReadOnlyList<string> Problems(ServiceModel model, IReadOnlyList<KeyValuePair<string, string>> parameters)
    {
        var problems = new List<string>();
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var parameter in parameters)
        {
            if (values.ContainsKey(parameter.Key))
            {
                problems.Add("parameter " + parameter.Key + " appears twice");
            }

            values[parameter.Key] = parameter.Value;
        }

        if (!values.TryGetValue("Action", out var action) || !model.HasOperation(action))
        {
            problems.Add("no operation named '" + action + "' in the model");
            return problems;
        }

        var used = new HashSet<string>(StringComparer.Ordinal) { "Action", "Version" };
        var input = model.InputShape(action);
        if (input is not null)
        {
            CheckStructure(model, model.Shape(input), string.Empty, values, used, problems);
        }

        problems.AddRange(values.Keys.Where(k => !used.Contains(k)).Select(k => "parameter " + k + " is not a member of " + (input ?? "the operation's (empty) input")));
        return problems.Select(p => action + ": " + p).ToList();
    }

    private static bool Present(string key, Dictionary<string, string> values)
        => values.ContainsKey(key) || values.Keys.Any(k => k.StartsWith(key + ".", StringComparison.Ordinal));

    private static void CheckStructure(ServiceModel model, JsonElement structure, string prefix, Dictionary<string, string> values, HashSet<string> used, List<string> problems)
    {
        var required = ServiceModel.Required(structure);
        foreach (var (name, member) in ServiceModel.Members(structure))
        {
            var key = prefix + name;
            if (!Present(key, values))
            {
                if (required.Contains(name))
                {
                    problems.Add("required member " + key + " is missing");
                }

                continue;
            }

            CheckValue(model, model.Shape(member.GetProperty("shape").GetString()!), key, values, used, problems);
        }
    }

    private static void CheckValue(ServiceModel model, JsonElement shape, string key, Dictionary<string, string> values, HashSet<string> used, List<string> problems)
    {
        switch (ServiceModel.Type(shape))
        {
            case "structure":
                CheckStructure(model, shape, key + ".", values, used, problems);
                return;
            case "list":
                CheckEntries(model, shape, key, "member", values, used, problems, (index, entryKey) =>
                    CheckValue(model, model.Shape(shape.GetProperty("member").GetProperty("shape").GetString()!), entryKey, values, used, problems));
                return;
            case "map":
                CheckEntries(model, shape, key, "entry", values, used, problems, (index, entryKey) =>
                {
                    foreach (var part in new[] { "key", "value" })
                    {
                        var partKey = entryKey + "." + part;
                        if (!Present(partKey, values))
                        {
                            problems.Add("map entry " + entryKey + " lacks its " + part);
                            continue;
                        }

                        CheckValue(model, model.Shape(shape.GetProperty(part).GetProperty("shape").GetString()!), partKey, values, used, problems);
                    }
                });
                return;
        }

        if (!values.TryGetValue(key, out var text))
        {
            problems.Add(key + " is a scalar but was sent with sub-parameters");
            return;
        }

        used.Add(key);
        var shown = shape.TryGetProperty("sensitive", out var sensitive) && sensitive.GetBoolean() ? "(sensitive, " + text.Length + " chars)" : "'" + Shorten(text) + "'";
        problems.AddRange(ScalarProblems(model, shape, text).Select(p => key + "=" + shown + " " + p));
    }

    private static void CheckEntries(ServiceModel model, JsonElement shape, string key, string entryName, Dictionary<string, string> values, HashSet<string> used, List<string> problems, Action<int, string> checkEntry)
    {
        if (values.TryGetValue(key, out var empty))
        {
            // botocore sends an empty list as "Name=" with no entries.
            used.Add(key);
            if (empty.Length != 0)
            {
                problems.Add(key + " is a " + ServiceModel.Type(shape) + " but was sent as a plain value");
            }
        }

        var prefix = key + "." + entryName + ".";
        var indexes = values.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal))
            .Select(k => k.Substring(prefix.Length).Split('.')[0]).Distinct().ToList();
        var numbers = new List<int>();
        foreach (var index in indexes)
        {
            if (!int.TryParse(index, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number < 1 || index.StartsWith("0", StringComparison.Ordinal))
            {
                problems.Add(prefix + index + " is not numbered from 1");
                continue;
            }

            numbers.Add(number);
        }

        numbers.Sort();
        if (numbers.Count > 0 && numbers[numbers.Count - 1] != numbers.Count)
        {
            problems.Add(key + " entries are not numbered 1.." + numbers.Count + " without gaps");
        }

        if (ServiceModel.Number(shape, "min") is { } min && numbers.Count < min)
        {
            problems.Add(key + " has " + numbers.Count + " entries, fewer than the model's min " + min);
        }

        if (ServiceModel.Number(shape, "max") is { } max && numbers.Count > max)
        {
            problems.Add(key + " has " + numbers.Count + " entries, more than the model's max " + max);
        }

        var keysOutsideEntries = values.Keys.Where(k => k.StartsWith(key + ".", StringComparison.Ordinal) && !k.StartsWith(prefix, StringComparison.Ordinal));
        problems.AddRange(keysOutsideEntries.Select(k => k + " is not serialised as " + prefix + "N"));
        foreach (var number in numbers)
        {
            checkEntry(number, prefix + number.ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary>
    /// Problems of one scalar's text for its shape, as the Query protocol serialises it. A string in an answer is not
    /// held to the model's enums and patterns: AWS adds enum values (GetAccountSummary reports keys the enum lacks) and
    /// clients must accept them, so only a request's strings are.
    /// </summary>
    public static IEnumerable<string> ScalarProblems(ServiceModel model, JsonElement shape, string text, bool inAnswer = false)
    {
        switch (ServiceModel.Type(shape))
        {
            case "string":
                return inAnswer ? Array.Empty<string>() : model.StringProblems(shape, text);
            case "integer":
            case "long":
                if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
                {
                    return new[] { "is not an integer" };
                }

                var problems = new List<string>();
                if (ServiceModel.Number(shape, "min") is { } min && number < min)
                {
                    problems.Add("is below the model's min " + min);
                }

                if (ServiceModel.Number(shape, "max") is { } max && number > max)
                {
                    problems.Add("is above the model's max " + max);
                }

                return problems;
            case "boolean":
                return text is "true" or "false" ? Array.Empty<string>() : new[] { "is not true or false" };
            case "timestamp":
                return QueryResponseCheck.IsIso8601(text) ? Array.Empty<string>() : new[] { "is not an ISO 8601 timestamp" };
            case "blob":
                return IsBase64(text) ? Array.Empty<string>() : new[] { "is not base64" };
            default:
                return new[] { "has a type the checker does not know: " + ServiceModel.Type(shape) };
        }
    }

    private static bool IsBase64(string text)
    {
        try
        {
            Convert.FromBase64String(text);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    // Values can be secrets (passwords): a problem report shows only their start.
    private static string Shorten(string text) => text.Length <= 3 ? new string('*', text.Length) : text.Substring(0, 3) + "...(" + text.Length + " chars)";
}
