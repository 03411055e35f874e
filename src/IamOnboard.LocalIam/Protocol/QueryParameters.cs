using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace IamOnboard.LocalIam.Protocol;

/// <summary>The awsQuery parameters of one request (form body and query string), with IAM's list and structure conventions.</summary>
internal sealed class QueryParameters
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public string? this[string name] => _values.TryGetValue(name, out var value) ? value : null;

    public bool Contains(string name) => _values.ContainsKey(name);

    public void AddEncoded(string encoded)
    {
        foreach (var (name, value) in ParseEncoded(encoded))
        {
            _values[name] = value;
        }
    }

    /// <summary><c>Name.member.1</c>, <c>Name.member.2</c>, ... up to the first gap.</summary>
    public List<string> List(string name)
    {
        var items = new List<string>();
        for (int i = 1; _values.TryGetValue(name + ".member." + i.ToString(CultureInfo.InvariantCulture), out var value); i++)
        {
            items.Add(value);
        }

        return items;
    }

    /// <summary><c>Tags.member.N.Key</c> / <c>.Value</c> (a missing value reads as empty, as IAM allows empty values).</summary>
    public List<KeyValuePair<string, string>> Tags(string name = "Tags")
    {
        var tags = new List<KeyValuePair<string, string>>();
        for (int i = 1; ; i++)
        {
            string prefix = name + ".member." + i.ToString(CultureInfo.InvariantCulture) + ".";
            string? key = this[prefix + "Key"];
            string? value = this[prefix + "Value"];
            if (key is null && value is null)
            {
                return tags;
            }

            tags.Add(new KeyValuePair<string, string>(key ?? string.Empty, value ?? string.Empty));
        }
    }

    /// <summary>Splits <c>a=b&amp;c=d</c> and decodes each side as <c>application/x-www-form-urlencoded</c> (UTF-8, '+' is a space).</summary>
    public static IEnumerable<(string Name, string Value)> ParseEncoded(string encoded)
    {
        if (string.IsNullOrEmpty(encoded))
        {
            yield break;
        }

        foreach (string pair in encoded.Split('&'))
        {
            if (pair.Length == 0)
            {
                continue;
            }

            int equals = pair.IndexOf('=');
            string name = equals < 0 ? pair : pair.Substring(0, equals);
            string value = equals < 0 ? string.Empty : pair.Substring(equals + 1);
            yield return (Decode(name, plusIsSpace: true), Decode(value, plusIsSpace: true));
        }
    }

    /// <summary>Percent-decodes as UTF-8; a '%' not followed by two hex digits is kept literally rather than refused.</summary>
    public static string Decode(string text, bool plusIsSpace)
    {
        if (text.IndexOf('%') < 0 && (!plusIsSpace || text.IndexOf('+') < 0))
        {
            return text;
        }

        var bytes = new List<byte>(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '+' && plusIsSpace)
            {
                bytes.Add((byte)' ');
            }
            else if (c == '%' && i + 2 < text.Length && IsHex(text[i + 1]) && IsHex(text[i + 2]))
            {
                bytes.Add((byte)((HexValue(text[i + 1]) << 4) | HexValue(text[i + 2])));
                i += 2;
            }
            else if (c < 0x80)
            {
                bytes.Add((byte)c);
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(c.ToString()));
            }
        }

        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    private static bool IsHex(char c) => (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
