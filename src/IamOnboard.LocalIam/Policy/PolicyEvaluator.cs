using System;
using System.Collections.Generic;

namespace IamOnboard.LocalIam.Policy;

internal enum EvaluationDecision
{
    Allowed,
    ExplicitDeny,
    ImplicitDeny,
}

/// <summary>A policy taking part in an evaluation, named the way the simulator names it.</summary>
internal sealed class PolicySource
{
    public PolicySource(string id, string type, ParsedPolicy policy)
    {
        Id = id;
        Type = type;
        Policy = policy;
    }

    /// <summary>The managed policy's name, an inline policy's <c>kind_entity_name</c>, or <c>PolicyInputList.N</c>.</summary>
    public string Id { get; }

    /// <summary>IAM's PolicySourceType: user, group, role, aws-managed, user-managed, resource, none.</summary>
    public string Type { get; }

    public ParsedPolicy Policy { get; }
}

internal sealed class MatchedStatement
{
    public MatchedStatement(PolicySource source, ParsedStatement statement)
    {
        Source = source;
        Statement = statement;
    }

    public PolicySource Source { get; }
    public ParsedStatement Statement { get; }
}

internal sealed class EvaluationResult
{
    public EvaluationResult(EvaluationDecision decision, IReadOnlyList<MatchedStatement> matched, IReadOnlyCollection<string> missing, bool? allowedByBoundary)
    {
        Decision = decision;
        MatchedStatements = matched;
        MissingContextValues = missing;
        AllowedByBoundary = allowedByBoundary;
    }

    public EvaluationDecision Decision { get; }

    /// <summary>The statements that decided: the Deny statements for an explicit deny, else the Allow statements that applied.</summary>
    public IReadOnlyList<MatchedStatement> MatchedStatements { get; }

    /// <summary>Condition keys that applicable statements test and the request did not carry.</summary>
    public IReadOnlyCollection<string> MissingContextValues { get; }

    /// <summary>Null without a permissions boundary; else whether the boundary allows the action.</summary>
    public bool? AllowedByBoundary { get; }

    /// <summary>True when the boundary (not an identity policy) held the explicit Deny, or kept an identity Allow from counting.</summary>
    public bool DecidedByBoundary { get; set; }
}

/// <summary>
/// IAM's evaluation logic for identity-based policies within one account: an explicit Deny in any policy (identity or
/// permissions boundary) wins; otherwise the request is allowed only when an identity policy allows it and, when the
/// principal has a permissions boundary, the boundary allows it too; everything else is an implicit deny.
/// </summary>
internal static class PolicyEvaluator
{
    public static EvaluationResult Evaluate(string action, string resource, RequestContext context,
        IReadOnlyList<PolicySource> identityPolicies, IReadOnlyList<PolicySource>? boundaryPolicies)
    {
        var missing = new SortedSet<string>(StringComparer.OrdinalIgnoreCase);
        List<MatchedStatement>? allows = null, denies = null, boundaryAllows = null, boundaryDenies = null;
        Collect(identityPolicies, action, resource, context, missing, ref allows, ref denies);
        if (boundaryPolicies is not null)
        {
            Collect(boundaryPolicies, action, resource, context, missing, ref boundaryAllows, ref boundaryDenies);
        }

        bool? allowedByBoundary = boundaryPolicies is null ? null : boundaryAllows is not null && boundaryDenies is null;
        if (denies is not null || boundaryDenies is not null)
        {
            var matched = new List<MatchedStatement>();
            matched.AddRange(denies ?? new List<MatchedStatement>());
            matched.AddRange(boundaryDenies ?? new List<MatchedStatement>());
            return new EvaluationResult(EvaluationDecision.ExplicitDeny, matched, missing, allowedByBoundary) { DecidedByBoundary = denies is null };
        }

        if (allows is not null && allowedByBoundary != false)
        {
            return new EvaluationResult(EvaluationDecision.Allowed, allows, missing, allowedByBoundary);
        }

        return new EvaluationResult(EvaluationDecision.ImplicitDeny, Array.Empty<MatchedStatement>(), missing, allowedByBoundary)
        {
            DecidedByBoundary = allows is not null,
        };
    }

    private static void Collect(IReadOnlyList<PolicySource> policies, string action, string resource, RequestContext context,
        ISet<string> missing, ref List<MatchedStatement>? allows, ref List<MatchedStatement>? denies)
    {
        foreach (var source in policies)
        {
            bool substitute = source.Policy.SubstitutesVariables;
            foreach (var statement in source.Policy.Statements)
            {
                if (!ActionMatches(statement, action) || !ResourceMatches(statement, resource, context, substitute)
                    || !ConditionEvaluator.AllHold(statement.Conditions, context, substitute, missing))
                {
                    continue;
                }

                if (statement.IsAllow)
                {
                    (allows ??= new List<MatchedStatement>()).Add(new MatchedStatement(source, statement));
                }
                else
                {
                    (denies ??= new List<MatchedStatement>()).Add(new MatchedStatement(source, statement));
                }
            }
        }
    }

    /// <summary>Action names are case-insensitive in IAM.</summary>
    public static bool ActionMatches(ParsedStatement statement, string action)
    {
        if (statement.Actions is not null)
        {
            return AnyMatch(statement.Actions, action);
        }

        return statement.NotActions is not null && !AnyMatch(statement.NotActions, action);
    }

    private static bool AnyMatch(IReadOnlyList<string> patterns, string action)
    {
        for (int i = 0; i < patterns.Count; i++)
        {
            if (Wildcard.IsMatch(patterns[i], action, ignoreCase: true))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Resource ARNs are case-sensitive; a pattern whose policy variable has no value matches nothing.</summary>
    public static bool ResourceMatches(ParsedStatement statement, string resource, RequestContext context, bool substitute)
    {
        if (statement.Resources is not null)
        {
            return AnyResource(statement.Resources, resource, context, substitute);
        }

        return statement.NotResources is not null && !AnyResource(statement.NotResources, resource, context, substitute);
    }

    private static bool AnyResource(IReadOnlyList<string> patterns, string resource, RequestContext context, bool substitute)
    {
        for (int i = 0; i < patterns.Count; i++)
        {
            string? pattern = substitute ? PolicyVariables.Substitute(patterns[i], context) : patterns[i];
            if (pattern is not null && Wildcard.IsMatch(pattern, resource, ignoreCase: false))
            {
                return true;
            }
        }

        return false;
    }
}
