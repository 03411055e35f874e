using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace IamOnboard.Tests.Conformance;

/// <summary>
/// One AWS service model (botocore's service-2.json, as Debian's python3-botocore ships it): the independent statement
/// of IAM's and STS's API that the client and the local endpoint are checked against.
/// </summary>
public sealed class ServiceModel
{
    public const string BotocoreData = "/usr/lib/python3/dist-packages/botocore/data";

    private static readonly ConcurrentDictionary<string, ServiceModel> Loaded = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Regex> _patterns = new(StringComparer.Ordinal);
    private readonly JsonElement _operations;
    private readonly JsonElement _shapes;

    private ServiceModel(string path)
    {
        Path = path;
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var root = document.RootElement.Clone();
        _operations = root.GetProperty("operations");
        _shapes = root.GetProperty("shapes");
    }

    public string Path { get; }

    public static ServiceModel Iam => Load("iam/2010-05-08/service-2.json");

    public static ServiceModel Sts => Load("sts/2011-06-15/service-2.json");

    public static ServiceModel For(string service) => service == "sts" ? Sts : Iam;

    /// <summary>
    /// The model file, or a clear failure: the CI script installs python3-botocore, so a missing model is a broken
    /// environment, never a reason to skip the checks.
    /// </summary>
    public static ServiceModel Load(string relativePath)
        => Loaded.GetOrAdd(relativePath, p =>
        {
            var path = System.IO.Path.Combine(BotocoreData, p);
            if (!File.Exists(path))
            {
                throw new FileNotFoundException(
                    "The AWS service model " + path + " is missing. Install Debian's python3-botocore (.ci/run does); the conformance checks need it.", path);
            }

            return new ServiceModel(path);
        });

    public bool HasOperation(string name) => _operations.TryGetProperty(name, out _);

    public IEnumerable<string> OperationNames => _operations.EnumerateObject().Select(p => p.Name);

    public JsonElement Operation(string name) => _operations.GetProperty(name);

    public string? InputShape(string operation)
        => Operation(operation).TryGetProperty("input", out var input) ? input.GetProperty("shape").GetString() : null;

    public string? OutputShape(string operation)
        => Operation(operation).TryGetProperty("output", out var output) ? output.GetProperty("shape").GetString() : null;

    public string? ResultWrapper(string operation)
        => Operation(operation).TryGetProperty("output", out var output) && output.TryGetProperty("resultWrapper", out var wrapper) ? wrapper.GetString() : null;

    public JsonElement Shape(string name) => _shapes.GetProperty(name);

    public static string Type(JsonElement shape) => shape.GetProperty("type").GetString()!;

    public static long? Number(JsonElement shape, string property)
        => shape.TryGetProperty(property, out var value) ? (long)value.GetDouble() : null;

    public static string? Text(JsonElement shape, string property)
        => shape.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public static IReadOnlyCollection<string> Required(JsonElement structure)
        => structure.TryGetProperty("required", out var required) ? required.EnumerateArray().Select(r => r.GetString()!).ToList() : Array.Empty<string>();

    public static IEnumerable<(string Name, JsonElement Member)> Members(JsonElement structure)
        => structure.TryGetProperty("members", out var members) ? members.EnumerateObject().Select(m => (m.Name, m.Value)) : Enumerable.Empty<(string, JsonElement)>();

    public static IReadOnlyList<string>? Enum(JsonElement shape)
        => shape.TryGetProperty("enum", out var values) ? values.EnumerateArray().Select(v => v.GetString()!).ToList() : null;

    /// <summary>
    /// The shape's pattern as a whole-value .NET regex. The model's patterns are Java regexes, where \w means
    /// [a-zA-Z0-9_] only; .NET's ECMAScript mode gives that meaning, and patterns it cannot take (\p{L}) keep .NET's.
    /// </summary>
    public Regex? Pattern(JsonElement shape)
    {
        var pattern = Text(shape, "pattern");
        return pattern is null ? null : _patterns.GetOrAdd(pattern, p =>
        {
            var anchored = @"\A(?:" + p + @")\z";
            try
            {
                return new Regex(anchored, RegexOptions.ECMAScript | RegexOptions.CultureInvariant);
            }
            catch (ArgumentException)
            {
                return new Regex(anchored, RegexOptions.CultureInvariant);
            }
        });
    }

    /// <summary>What is wrong with a string value for a string shape (pattern, length, enum), or nothing.</summary>
    public IEnumerable<string> StringProblems(JsonElement shape, string value)
    {
        var min = Number(shape, "min");
        var max = Number(shape, "max");
        if (min is { } lower && value.Length < lower)
        {
            yield return "shorter than the model's min " + lower;
        }

        if (max is { } upper && value.Length > upper)
        {
            yield return "longer than the model's max " + upper;
        }

        var values = Enum(shape);
        if (values is not null && !values.Contains(value, StringComparer.Ordinal))
        {
            yield return "not one of " + string.Join("|", values);
        }

        var regex = Pattern(shape);
        if (regex is not null && !regex.IsMatch(value))
        {
            yield return "does not match the model's pattern " + Text(shape, "pattern");
        }
    }
}
