using System;
using System.Collections.Generic;
using System.Linq;

namespace IamOnboard.LocalIam.Policy;

/// <summary>
/// Evaluates a statement's Condition block: every clause must hold (operators and keys are ANDed, a key's values ORed).
/// A key the request lacks makes a positive operator false and a negated one (StringNotEquals, NotIpAddress, ...) true;
/// <c>...IfExists</c> is true then; <c>ForAllValues:</c> is true and <c>ForAnyValue:</c> false for an absent or empty key.
/// </summary>
internal static class ConditionEvaluator
{
    public static bool AllHold(IReadOnlyList<ConditionClause> clauses, RequestContext context, bool substitute, ISet<string> missingKeys)
    {
        for (int i = 0; i < clauses.Count; i++)
        {
            if (!Holds(clauses[i], context, substitute, missingKeys))
            {
                return false;
            }
        }

        return true;
    }

    public static bool Holds(ConditionClause clause, RequestContext context, bool substitute, ISet<string> missingKeys)
    {
        var (prefix, baseName, op, ifExists) = ConditionOperators.Describe(clause.Operator);
        var requestValues = context.Get(clause.Key);
        bool absent = requestValues is null || requestValues.Count == 0;
        if (baseName == "Null")
        {
            // "Null": "true" asks for the key to be absent, "false" for it to be present.
            return clause.Values.Any(v => v.Equals("true", StringComparison.OrdinalIgnoreCase) ? absent : v.Equals("false", StringComparison.OrdinalIgnoreCase) && !absent);
        }

        if (op is null)
        {
            return false;
        }

        if (absent)
        {
            if (requestValues is null && !ifExists)
            {
                missingKeys.Add(clause.Key);
            }

            if (ifExists)
            {
                return true;
            }

            return prefix switch
            {
                ConditionOperators.ForAllValues => true,
                ConditionOperators.ForAnyValue => false,
                _ => op.Negated,
            };
        }

        var policyValues = substitute && op.SubstitutesVariables ? Substituted(clause.Values, context) : clause.Values;
        bool MatchesAny(string requestValue)
        {
            for (int i = 0; i < policyValues.Count; i++)
            {
                if (op.Matches(requestValue, policyValues[i]))
                {
                    return true;
                }
            }

            return false;
        }

        return prefix switch
        {
            ConditionOperators.ForAllValues => requestValues!.All(r => MatchesAny(r) != op.Negated),
            ConditionOperators.ForAnyValue => requestValues!.Any(r => MatchesAny(r) != op.Negated),
            _ => op.Negated ? !requestValues!.Any(MatchesAny) : requestValues!.Any(MatchesAny),
        };
    }

    private static IReadOnlyList<string> Substituted(IReadOnlyList<string> values, RequestContext context)
    {
        var result = new List<string>(values.Count);
        foreach (string value in values)
        {
            string? substituted = PolicyVariables.Substitute(value, context);
            if (substituted is not null)
            {
                result.Add(substituted);
            }
        }

        return result;
    }
}
