using System;
using System.Collections.Generic;
using System.Linq;
using IamOnboard.LocalIam.Policy;
using IamOnboard.LocalIam.State;

namespace IamOnboard.LocalIam.Auth;

/// <summary>What a role's trust policy says of one caller.</summary>
internal enum TrustDecision
{
    /// <summary>No statement allows the caller, or one denies it.</summary>
    Denied,

    /// <summary>A statement allows the caller by name (its user, its role or its session) or anyone ("*"): enough within the account.</summary>
    AllowedByName,

    /// <summary>A statement allows the account: the caller's own policies must allow the action too.</summary>
    AllowedForAccount,
}

/// <summary>
/// A role's trust policy (a resource policy with Principal) evaluated for one caller, as STS does for AssumeRole within an
/// account: an explicit Deny that applies wins; an Allow must name the caller, its role, its session, the account
/// (<c>arn:aws:iam::ACCOUNT:root</c> or the bare account id) or <c>*</c>; its conditions are evaluated with the request's
/// keys (sts:ExternalId, aws:MultiFactorAuthPresent, ...).
/// </summary>
internal static class TrustPolicy
{
    public static TrustDecision Evaluate(AccountStore store, RoleEntity role, CallerIdentity caller, string action, RequestContext request)
    {
        ParsedPolicy policy;
        try
        {
            policy = PolicyParser.Parse(role.AssumeRolePolicyDocument);
        }
        catch (PolicyParseException)
        {
            return TrustDecision.Denied;
        }

        var byName = Names(store, caller);
        var account = new[] { "AWS:arn:aws:iam::" + store.AccountId + ":root", "AWS:" + store.AccountId };
        var missing = new SortedSet<string>(StringComparer.Ordinal);
        var decision = TrustDecision.Denied;
        foreach (var statement in policy.Statements)
        {
            if (!PolicyEvaluator.ActionMatches(statement, action) || !ConditionEvaluator.AllHold(statement.Conditions, request, substitute: false, missing))
            {
                continue;
            }

            TrustDecision match;
            if (statement.Principals is { } principals)
            {
                match = principals.Any(p => p == "AWS:*" || byName.Contains(p, StringComparer.Ordinal)) ? TrustDecision.AllowedByName
                    : principals.Any(p => account.Contains(p, StringComparer.Ordinal)) ? TrustDecision.AllowedForAccount
                    : TrustDecision.Denied;
            }
            else if (statement.NotPrincipals is { } notPrincipals)
            {
                match = notPrincipals.Any(p => p == "AWS:*" || byName.Contains(p, StringComparer.Ordinal) || account.Contains(p, StringComparer.Ordinal))
                    ? TrustDecision.Denied
                    : TrustDecision.AllowedByName;
            }
            else
            {
                continue;
            }

            if (match == TrustDecision.Denied)
            {
                continue;
            }

            if (!statement.IsAllow)
            {
                return TrustDecision.Denied;
            }

            if (decision != TrustDecision.AllowedByName)
            {
                decision = match;
            }
        }

        return decision;
    }

    /// <summary>The principal ARNs that name this caller: its user; or its role and its session.</summary>
    private static string[] Names(AccountStore store, CallerIdentity caller) => caller.Role is { } role
        ? new[] { "AWS:" + store.RoleArn(role), "AWS:" + caller.Arn }
        : new[] { "AWS:" + caller.Arn };
}
