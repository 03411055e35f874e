using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using IamOnboard.Rules;
using IamOnboard.Sessions;

namespace IamOnboard.Onboarding;

/// <summary>Whether an inline policy belongs to a user or a group.</summary>
public enum InlinePolicyOwnerKind
{
    User,
    Group,
}

/// <summary>The result of putting an inline policy.</summary>
public sealed class InlinePolicyResult
{
    public InlinePolicyResult(InlinePolicyOwnerKind ownerKind, string ownerName, string policyName, string document, string status, int aggregateSize, int aggregateLimit)
    {
        OwnerKind = ownerKind;
        OwnerName = ownerName;
        PolicyName = policyName;
        Document = document;
        Status = status;
        AggregateSize = aggregateSize;
        AggregateLimit = aggregateLimit;
    }

    public InlinePolicyOwnerKind OwnerKind { get; }

    public string OwnerName { get; }

    public string PolicyName { get; }

    public string Document { get; }

    /// <summary>Created, Updated, Unchanged or Planned.</summary>
    public string Status { get; }

    /// <summary>The owner's inline policies together, in IAM's measure (characters that are not white space).</summary>
    public int AggregateSize { get; }

    public int AggregateLimit { get; }
}

/// <summary>Puts inline policies on users and groups after checking them the way IAM will.</summary>
public sealed class InlinePolicyWriter
{
    private readonly OnboardSession _session;

    public InlinePolicyWriter(OnboardSession session) => _session = session;

    /// <summary>
    /// Refuses a document IAM would refuse, saying what is wrong and where; returns warnings about what IAM accepts but
    /// likely does not do what was meant (a policy variable without Version 2012-10-17).
    /// </summary>
    public static IReadOnlyList<string> ValidateOffline(string policyName, string document)
    {
        if (IamNameRules.CheckPolicyName(policyName) is { } badName)
        {
            throw new OnboardInputException("InvalidPolicyName", "PolicyName", policyName, badName.Message);
        }

        var truncated = ConvertToJsonTruncation.Find(document);
        if (truncated.Count > 0)
        {
            throw new OnboardInputException("MalformedPolicyDocument", "PolicyDocument", null,
                $"The policy document '{policyName}' was cut short by ConvertTo-Json, which writes what is nested deeper than its -Depth "
                + $"(2 by default) as text: {string.Join("; ", truncated)}. Give the hashtable itself as -PolicyDocument, or convert it with ConvertTo-Json -Depth 10.");
        }

        var check = PolicyDocumentValidator.Validate(document, PolicyDocumentKind.Identity);
        if (!check.IsValid)
        {
            // Each message names its location already.
            var problems = string.Join("; ", check.Problems.Select(p => p.Message));
            throw new OnboardInputException("MalformedPolicyDocument", "PolicyDocument", null,
                $"The policy document '{policyName}' is not a valid IAM identity policy: {problems}");
        }

        return check.Warnings.Select(w => $"The policy document '{policyName}': {w.Message}").ToList();
    }

    public async Task<InlinePolicyResult> PutAsync(InlinePolicyOwnerKind kind, string owner, string policyName, string document, bool apply, CancellationToken ct)
    {
        if (kind == InlinePolicyOwnerKind.Group)
        {
            NameInput.CheckGroup(owner, "GroupName");
        }
        else
        {
            NameInput.CheckUser(owner, "UserName");
        }

        ValidateOffline(policyName, document);
        var iam = _session.Iam;
        var names = kind == InlinePolicyOwnerKind.User
            ? await iam.ListUserPoliciesAsync(owner, ct).ConfigureAwait(false)
            : await iam.ListGroupPoliciesAsync(owner, ct).ConfigureAwait(false);

        // IAM limits the owner's inline policies together, so the others count too.
        var aggregate = PolicyDocumentValidator.CountNonWhitespace(document);
        string? current = null;
        foreach (var name in names)
        {
            var existing = kind == InlinePolicyOwnerKind.User
                ? await iam.GetUserPolicyAsync(owner, name, ct).ConfigureAwait(false)
                : await iam.GetGroupPolicyAsync(owner, name, ct).ConfigureAwait(false);
            if (string.Equals(name, policyName, StringComparison.OrdinalIgnoreCase))
            {
                current = existing.Document;
                continue;
            }

            aggregate += PolicyDocumentValidator.CountNonWhitespace(existing.Document);
        }

        var limit = kind == InlinePolicyOwnerKind.User ? IamLimits.InlinePolicyAggregateSizePerUser : IamLimits.InlinePolicyAggregateSizePerGroup;
        if (aggregate > limit)
        {
            throw new OnboardInputException("InlinePolicySizeExceeded", "PolicyDocument", null,
                $"The inline policies of {kind.ToString().ToLowerInvariant()} '{owner}' would total {aggregate} characters (not counting white space) with '{policyName}'; IAM allows {limit}.");
        }

        if (current is not null && PolicyJson.Same(current, document))
        {
            return new InlinePolicyResult(kind, owner, policyName, document, "Unchanged", aggregate, limit);
        }

        if (!apply)
        {
            return new InlinePolicyResult(kind, owner, policyName, document, "Planned", aggregate, limit);
        }

        if (kind == InlinePolicyOwnerKind.User)
        {
            await iam.PutUserPolicyAsync(owner, policyName, document, ct).ConfigureAwait(false);
        }
        else
        {
            await iam.PutGroupPolicyAsync(owner, policyName, document, ct).ConfigureAwait(false);
        }

        return new InlinePolicyResult(kind, owner, policyName, document, current is null ? "Created" : "Updated", aggregate, limit);
    }
}
