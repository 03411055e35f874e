using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace IamOnboard.Input;

/// <summary>
/// Tags as people give them: <c>key=value;key2=value2</c> text, a table of key to value, the AWS.Tools form
/// <c>@{Key='team';Value='data'}</c>, or a list of such {Key, Value} items (as Get-IAMUser's Tags). Values are plain
/// .NET values: the module turns objects into dictionaries of their properties before they reach here.
/// </summary>
public static class TagValues
{
    public static bool TryRead(object? value, out IReadOnlyList<KeyValuePair<string, string>> tags, out string? error)
    {
        var read = new List<KeyValuePair<string, string>>();
        tags = read;
        error = value switch
        {
            null => null,
            string text => AddText(text, read),
            KeyValuePair<string, string> pair => Add(pair, read),
            IDictionary dictionary when IsKeyValueItem(dictionary) => AddItem(dictionary, read),
            IDictionary dictionary => AddTable(dictionary, read),
            IEnumerable items => AddItems(items, read),
            _ => $"a {value.GetType().Name} is not a tag list: give key=value;key2=value2, a hashtable, or {{Key, Value}} items",
        };
        return error is null;
    }

    /// <summary>True for the AWS.Tools shape of one tag: exactly the keys Key and Value (in any letter case), or only Key.</summary>
    private static bool IsKeyValueItem(IDictionary item)
    {
        var keys = item.Keys.Cast<object?>().Select(k => Convert.ToString(k, CultureInfo.InvariantCulture)).ToList();
        return keys.Any(k => string.Equals(k, "Key", StringComparison.OrdinalIgnoreCase))
            && keys.All(k => string.Equals(k, "Key", StringComparison.OrdinalIgnoreCase) || string.Equals(k, "Value", StringComparison.OrdinalIgnoreCase));
    }

    private static string? AddText(string text, List<KeyValuePair<string, string>> read)
    {
        if (!TagText.TryParse(text, out var parsed, out var error))
        {
            return error;
        }

        read.AddRange(parsed);
        return null;
    }

    private static string? Add(KeyValuePair<string, string> pair, List<KeyValuePair<string, string>> read)
    {
        read.Add(pair);
        return null;
    }

    private static string? AddItem(IDictionary item, List<KeyValuePair<string, string>> read)
    {
        object? key = null;
        object? value = null;
        foreach (DictionaryEntry entry in item)
        {
            if (string.Equals(Convert.ToString(entry.Key, CultureInfo.InvariantCulture), "Key", StringComparison.OrdinalIgnoreCase))
            {
                key = entry.Value;
            }
            else
            {
                value = entry.Value;
            }
        }

        var keyText = Scalar(key);
        if (string.IsNullOrWhiteSpace(keyText))
        {
            return "a {Key, Value} tag has no Key";
        }

        return AddPair(keyText!, value, read);
    }

    private static string? AddTable(IDictionary table, List<KeyValuePair<string, string>> read)
    {
        foreach (DictionaryEntry entry in table)
        {
            var error = AddPair(Scalar(entry.Key) ?? string.Empty, entry.Value, read);
            if (error is not null)
            {
                return error;
            }
        }

        return null;
    }

    private static string? AddItems(IEnumerable items, List<KeyValuePair<string, string>> read)
    {
        var index = 0;
        string? heldKeyOrValue = null;
        foreach (var item in items)
        {
            index++;
            // The AWS CLI's `--tags Key=team,Value=data` pasted without quotes: PowerShell's comma splits it into
            // "Key=team" and "Value=data", which would otherwise be two tags named Key and Value.
            if (heldKeyOrValue is not null)
            {
                var held = heldKeyOrValue;
                heldKeyOrValue = null;
                if (item is string next && StartsCliHalf(next) && StartsCliHalf(held) && next[0] != held[0])
                {
                    var joined = AddText(held + "," + next, read);
                    if (joined is not null)
                    {
                        return joined;
                    }

                    continue;
                }

                var heldError = AddText(held, read);
                if (heldError is not null)
                {
                    return heldError;
                }
            }

            if (item is string half && StartsCliHalf(half) && half.IndexOf(',') < 0)
            {
                heldKeyOrValue = half;
                continue;
            }

            var error = item switch
            {
                null => null,
                string text => AddText(text, read),
                KeyValuePair<string, string> pair => Add(pair, read),
                IDictionary dictionary when IsKeyValueItem(dictionary) => AddItem(dictionary, read),
                _ => $"item {index} of the tag list ({Describe(item)}) is not a tag: give {{Key, Value}} items or key=value text",
            };
            if (error is not null)
            {
                return error;
            }
        }

        return heldKeyOrValue is null ? null : AddText(heldKeyOrValue, read);
    }

    private static bool StartsCliHalf(string text) => text.StartsWith("Key=", StringComparison.Ordinal) || text.StartsWith("Value=", StringComparison.Ordinal);

    private static string? AddPair(string key, object? value, List<KeyValuePair<string, string>> read)
    {
        if (value is not null and not string && Scalar(value) is null)
        {
            return $"the value of tag '{key}' is a {Describe(value)}; a tag value is text";
        }

        read.Add(new KeyValuePair<string, string>(key.Trim(), (Scalar(value) ?? string.Empty).Trim()));
        return null;
    }

    /// <summary>The text of a single value (string, number, yes/no, date); null for a table or list.</summary>
    internal static string? Scalar(object? value) => value switch
    {
        null => null,
        string text => text,
        IDictionary or IEnumerable => null,
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ when value.GetType().IsPrimitive => Convert.ToString(value, CultureInfo.InvariantCulture),
        _ => null,
    };

    internal static string Describe(object value) => value switch
    {
        IDictionary => "table",
        IEnumerable and not string => "list",
        _ => value.GetType().Name,
    };
}
