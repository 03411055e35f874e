using System;
using System.Collections.Generic;
using System.Linq;

namespace IamOnboard.Iam.Internal;

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
