using System;
using System.Collections.Generic;
using System.Linq;

namespace IamOnboard.Rules;

/// <summary>A condition operator name taken apart: <c>ForAnyValue:StringLikeIfExists</c> is the set prefix, the base and IfExists.</summary>
internal sealed class ConditionOperatorName
{
    internal ConditionOperatorName(string? setPrefix, string baseName, bool ifExists)
    {
        SetPrefix = setPrefix;
        BaseName = baseName;
        IfExists = ifExists;
    }

    /// <summary><see cref="ConditionOperatorNames.ForAllValues"/>, <see cref="ConditionOperatorNames.ForAnyValue"/> or null.</summary>
    public string? SetPrefix { get; }

    public string BaseName { get; }

    public bool IfExists { get; }
}

/// <summary>
/// The condition operator names IAM accepts, spelled exactly as the IAM User Guide spells them (IAM refuses any other
/// name with MalformedPolicyDocument). Shared by the validator and the local endpoint's evaluator, so that nothing the
/// validator lets through is unknown to the evaluator.
/// </summary>
internal static class ConditionOperatorNames
{
    public const string ForAllValues = "ForAllValues:";
    public const string ForAnyValue = "ForAnyValue:";
    public const string IfExistsSuffix = "IfExists";
    public const string Null = "Null";

    /// <summary>The base operators, without set prefix or IfExists.</summary>
    public static IReadOnlyList<string> BaseNames { get; } = new[]
    {
        "StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", "StringLike", "StringNotLike",
        "NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals",
        "DateEquals", "DateNotEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals",
        "Bool", "BinaryEquals", "IpAddress", "NotIpAddress", "ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike", Null,
    };

    private static readonly Dictionary<string, ConditionOperatorName> Accepted = BuildAccepted();

    // Only for the "did you mean" hint: the accepted names keyed without regard to case.
    private static readonly Dictionary<string, string> ByLowerCase =
        Accepted.Keys.ToDictionary(name => name, name => name, StringComparer.OrdinalIgnoreCase);

    /// <summary>Takes an operator name apart; false when IAM does not accept it (unknown, wrongly cased, <c>NullIfExists</c>...).</summary>
    public static bool TryParse(string name, out ConditionOperatorName parsed)
    {
        if (name is not null && Accepted.TryGetValue(name, out var found))
        {
            parsed = found;
            return true;
        }

        parsed = null!;
        return false;
    }

    public static bool IsKnown(string name) => TryParse(name, out _);

    /// <summary>The accepted name that differs from <paramref name="name"/> only in case, if any.</summary>
    public static string? SameNameOtherCase(string name) =>
        name is not null && ByLowerCase.TryGetValue(name, out var meant) && meant != name ? meant : null;

    // IfExists goes on any operator but Null; the set prefixes compare sets of values, which Null (a presence test) has not.
    private static Dictionary<string, ConditionOperatorName> BuildAccepted()
    {
        var accepted = new Dictionary<string, ConditionOperatorName>(StringComparer.Ordinal);
        accepted.Add(Null, new ConditionOperatorName(null, Null, false));
        foreach (string baseName in BaseNames.Where(n => n != Null))
        {
            foreach (string? prefix in new[] { null, ForAllValues, ForAnyValue })
            {
                accepted.Add(prefix + baseName, new ConditionOperatorName(prefix, baseName, false));
                accepted.Add(prefix + baseName + IfExistsSuffix, new ConditionOperatorName(prefix, baseName, true));
            }
        }

        return accepted;
    }
}
