using System.Collections.Generic;
using System.Linq;
using System.Globalization;

namespace IamOnboard.Iam.Internal;

/// <summary>The flat awsQuery parameter list of one request, in insertion order.</summary>
internal sealed class QueryParameters
{
    private readonly List<KeyValuePair<string, string>> _items = new();

    public IReadOnlyList<KeyValuePair<string, string>> Items => _items;

    /// <summary>Adds a parameter; null means "not set" and adds nothing.</summary>
    public QueryParameters Add(string name, string? value)
    {
        if (value is not null)
        {
            _items.Add(new KeyValuePair<string, string>(name, value));
        }

        return this;
    }

    public QueryParameters Add(string name, bool value) => Add(name, value ? "true" : "false");

    public QueryParameters Add(string name, int? value) => Add(name, value?.ToString(CultureInfo.InvariantCulture));

    /// <summary>A list member: <c>Name.member.1</c>, <c>Name.member.2</c>, ...</summary>
    public QueryParameters AddList(string name, IEnumerable<string>? values)
    {
        if (values is null)
        {
            return this;
        }

        var index = 1;
        foreach (var value in values)
        {
            Add(name + ".member." + index.ToString(CultureInfo.InvariantCulture), value);
            index++;
        }

        return this;
    }

    /// <summary>Tags as <c>Tags.member.N.Key</c> / <c>Tags.member.N.Value</c>.</summary>
    public QueryParameters AddTags(IEnumerable<IamTag>? tags)
    {
        if (tags is null)
        {
            return this;
        }

        var index = 1;
        foreach (var tag in tags)
        {
            var prefix = "Tags.member." + index.ToString(CultureInfo.InvariantCulture);
            Add(prefix + ".Key", tag.Key);
            Add(prefix + ".Value", tag.Value);
            index++;
        }

        return this;
    }

    public bool Has(string name) => _items.Any(item => item.Key == name);

    public QueryParameters Clone()
    {
        var copy = new QueryParameters();
        copy._items.AddRange(_items);
        return copy;
    }

    // Parameter values may be passwords or MFA codes: never print them.
    public override string ToString() => "QueryParameters(" + _items.Count + ")";

    // The parameters that name an entity: never a secret, so they may be narrated. Anything else (Password,
    // AuthenticationCode1/2, tags, policy documents) is left out.
    private static readonly (string Parameter, string Label)[] EntityNames =
    {
        ("UserName", "user"), ("GroupName", "group"), ("PolicyArn", "policy"), ("PolicyName", "policy"),
        ("VirtualMFADeviceName", "MFA device"), ("SerialNumber", "MFA device"), ("AccessKeyId", "access key"),
    };

    /// <summary>"IAM CreateUser: user ana.lima." The action and the entities it names, never another parameter's value.</summary>
    public string DescribeCall(string action)
    {
        var named = EntityNames
            .SelectMany(entity => _items.Where(item => item.Key == entity.Parameter).Select(item => entity.Label + " " + item.Value))
            .ToList();
        return named.Count == 0 ? "IAM " + action + "." : "IAM " + action + ": " + string.Join(", ", named) + ".";
    }
}
