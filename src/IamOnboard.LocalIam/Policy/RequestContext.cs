using System;
using System.Collections.Generic;

namespace IamOnboard.LocalIam.Policy;

/// <summary>The request context keys a policy's conditions and variables read; key names are case-insensitive, as IAM's.</summary>
internal sealed class RequestContext
{
    private readonly Dictionary<string, IReadOnlyList<string>> _values = new(StringComparer.OrdinalIgnoreCase);

    public RequestContext Set(string key, string value)
    {
        _values[key] = new[] { value };
        return this;
    }

    public RequestContext Set(string key, IReadOnlyList<string> values)
    {
        _values[key] = values;
        return this;
    }

    public bool Remove(string key) => _values.Remove(key);

    /// <summary>The key's values; null when the request does not carry the key.</summary>
    public IReadOnlyList<string>? Get(string key) => _values.TryGetValue(key, out var values) ? values : null;

    public bool Contains(string key) => _values.ContainsKey(key);

    public IEnumerable<string> Keys => _values.Keys;
}
