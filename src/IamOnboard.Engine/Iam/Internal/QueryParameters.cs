using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace IamOnboard.Iam.Internal;

/// <summary>How a call may be retried when its response is lost.</summary>
internal enum OperationKind
{
    /// <summary>No state change: always safe to retry.</summary>
    Read,
    /// <summary>Repeating it leaves the same state (Put, Attach, Tag, Update, AddUserToGroup): safe to retry.</summary>
    Idempotent,
    /// <summary>Repeating it after success answers NoSuchEntity; retried, and that NoSuchEntity after a lost response counts as done.</summary>
    Delete,
    /// <summary>Creates something (or consumes MFA codes): a retry would duplicate it or fail misleadingly, so a lost response is surfaced instead.</summary>
    Create,
}

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

internal enum EntityKind
{
    User,
    Group,
    Policy,
    MfaDevice,
}

internal sealed class EntityRef
{
    public EntityRef(EntityKind kind, string name)
    {
        Kind = kind;
        Name = name;
    }

    public EntityKind Kind { get; }
    public string Name { get; }

}

/// <summary>Entities this client created recently, by kind and case-insensitive name (IAM names are not case-sensitive).</summary>
internal sealed class RecentlyCreatedEntities
{
    private readonly TimeSpan _window;
    private readonly Func<DateTimeOffset> _clock;
    private readonly Dictionary<string, DateTimeOffset> _createdAt = new(StringComparer.OrdinalIgnoreCase);
    private readonly object _gate = new();

    public RecentlyCreatedEntities(TimeSpan window, Func<DateTimeOffset>? clock = null)
    {
        _window = window;
        _clock = clock ?? (() => DateTimeOffset.UtcNow);
    }

    public void Add(EntityKind kind, string name)
    {
        var now = _clock();
        lock (_gate)
        {
            _createdAt[Key(kind, name)] = now;
            if (_createdAt.Count > 1024)
            {
                Prune(now);
            }
        }
    }

    public bool IsRecent(EntityKind kind, string name)
    {
        lock (_gate)
        {
            return _createdAt.TryGetValue(Key(kind, name), out var at) && _clock() - at <= _window;
        }
    }

    public bool AnyRecent(IEnumerable<EntityRef?> references)
    {
        foreach (var reference in references)
        {
            if (reference is not null && IsRecent(reference.Kind, reference.Name))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether a NoSuchEntity may be IAM catching up: the entity it names (IAM's message names it) was created
    /// moments ago. When the message names another referenced entity that is not recent (a group that really does
    /// not exist, say), it is a real absence and is reported at once.
    /// </summary>
    public bool MayBeCatchingUp(IReadOnlyList<EntityRef?> references, string message)
    {
        var named = references.Where(r => r is not null && message.IndexOf(r.Name, StringComparison.OrdinalIgnoreCase) >= 0).ToList();
        return named.Count == 0 ? AnyRecent(references) : AnyRecent(named);
    }

    public string DescribeRecent(IEnumerable<EntityRef?> references)
    {
        foreach (var reference in references)
        {
            if (reference is not null && IsRecent(reference.Kind, reference.Name))
            {
                return reference.Kind + " '" + reference.Name + "'";
            }
        }

        return "(none)";
    }

    private void Prune(DateTimeOffset now)
    {
        var expired = new List<string>();
        foreach (var pair in _createdAt)
        {
            if (now - pair.Value > _window)
            {
                expired.Add(pair.Key);
            }
        }

        foreach (var key in expired)
        {
            _createdAt.Remove(key);
        }
    }

    private static string Key(EntityKind kind, string name) => kind + ":" + name;
}
