using System;
using System.Collections.Generic;

namespace IamOnboard.LocalIam.Policy;

/// <summary>A place in a policy document as IAM's simulator reports it: 1-based line and column.</summary>
internal readonly struct PolicyPosition
{
    public PolicyPosition(int line, int column)
    {
        Line = line;
        Column = column;
    }

    public int Line { get; }
    public int Column { get; }
}

/// <summary>One condition test: <c>"Operator": { "Key": [values] }</c>.</summary>
internal sealed class ConditionClause
{
    public ConditionClause(string op, string key, IReadOnlyList<string> values)
    {
        Operator = op;
        Key = key;
        Values = values;
    }

    public string Operator { get; }
    public string Key { get; }
    public IReadOnlyList<string> Values { get; }
}

/// <summary>One statement, with its element lists already normalised (a single string becomes a one-item list).</summary>
internal sealed class ParsedStatement
{
    public string? Sid { get; set; }
    public bool IsAllow { get; set; }

    /// <summary>Exactly one of Actions / NotActions is set; likewise Resources / NotResources (absent both: matches nothing).</summary>
    public IReadOnlyList<string>? Actions { get; set; }
    public IReadOnlyList<string>? NotActions { get; set; }
    public IReadOnlyList<string>? Resources { get; set; }
    public IReadOnlyList<string>? NotResources { get; set; }
    public IReadOnlyList<ConditionClause> Conditions { get; set; } = Array.Empty<ConditionClause>();

    /// <summary>
    /// A resource policy's Principal (or NotPrincipal) as <c>type:value</c> items (<c>AWS:arn:aws:iam::123456789012:root</c>,
    /// <c>Service:ec2.amazonaws.com</c>), <c>AWS:*</c> for <c>"Principal": "*"</c>; null when the statement has none.
    /// </summary>
    public IReadOnlyList<string>? Principals { get; set; }
    public IReadOnlyList<string>? NotPrincipals { get; set; }
    public PolicyPosition Start { get; set; }
    public PolicyPosition End { get; set; }
}

/// <summary>A policy document read once and kept (see <see cref="PolicyParser"/>'s cache).</summary>
internal sealed class ParsedPolicy
{
    public ParsedPolicy(string? version, IReadOnlyList<ParsedStatement> statements)
    {
        Version = version;
        Statements = statements;
    }

    public string? Version { get; }

    /// <summary>Policy variables are only substituted in version 2012-10-17; in older documents <c>${...}</c> is literal text.</summary>
    public bool SubstitutesVariables => Version == "2012-10-17";

    public IReadOnlyList<ParsedStatement> Statements { get; }
}
