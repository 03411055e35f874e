using System.Collections.Generic;
using IamOnboard.LocalIam.Policy;
using IamOnboard.LocalIam.Protocol;
using IamOnboard.LocalIam.State;

namespace IamOnboard.LocalIam.Auth;

/// <summary>The identity policies and the permissions boundary that apply to a principal, ready for <see cref="PolicyEvaluator"/>.</summary>
internal sealed class PrincipalPolicies
{
    private PrincipalPolicies(List<PolicySource> identity, List<PolicySource>? boundary)
    {
        Identity = identity;
        Boundary = boundary;
    }

    public IReadOnlyList<PolicySource> Identity { get; }

    /// <summary>Null when the principal has no permissions boundary.</summary>
    public IReadOnlyList<PolicySource>? Boundary { get; }

    /// <summary>The user's inline and managed policies, those of every group the user is in, and the user's boundary.</summary>
    public static PrincipalPolicies ForUser(AccountStore store, UserEntity user)
    {
        var identity = new List<PolicySource>();
        AddInline(identity, user.InlinePolicies, "user", user.UserName);
        AddManaged(store, identity, user.AttachedPolicyArns);
        foreach (var group in store.GroupsOf(user))
        {
            AddInline(identity, group.InlinePolicies, "group", group.GroupName);
            AddManaged(store, identity, group.AttachedPolicyArns);
        }

        List<PolicySource>? boundary = null;
        if (user.PermissionsBoundary is not null)
        {
            boundary = new List<PolicySource>();
            AddManaged(store, boundary, new[] { user.PermissionsBoundary });
        }

        return new PrincipalPolicies(identity, boundary);
    }

    public static PrincipalPolicies ForGroup(AccountStore store, GroupEntity group)
    {
        var identity = new List<PolicySource>();
        AddInline(identity, group.InlinePolicies, "group", group.GroupName);
        AddManaged(store, identity, group.AttachedPolicyArns);
        return new PrincipalPolicies(identity, null);
    }

    public static PrincipalPolicies ForRole(AccountStore store, RoleEntity role)
    {
        var identity = new List<PolicySource>();
        AddManaged(store, identity, role.AttachedPolicyArns);
        return new PrincipalPolicies(identity, null);
    }

    public static PrincipalPolicies Custom(List<PolicySource> identity, List<PolicySource>? boundary) => new(identity, boundary);

    private static void AddInline(List<PolicySource> into, List<InlinePolicyEntity> policies, string type, string owner)
    {
        foreach (var inline in policies)
        {
            into.Add(new PolicySource(inline.PolicyName, type, Parse(inline.Document, $"inline policy {inline.PolicyName} of {type} {owner}")));
        }
    }

    private static void AddManaged(AccountStore store, List<PolicySource> into, IEnumerable<string> arns)
    {
        foreach (string arn in arns)
        {
            var aws = ManagedPolicyCatalog.Find(arn);
            string? document = aws?.Document ?? store.FindCustomerPolicy(arn)?.Document;
            if (document is not null)
            {
                into.Add(new PolicySource(store.PolicyNameOf(arn), aws is not null ? "aws-managed" : "user-managed", Parse(document, "managed policy " + arn)));
            }
        }
    }

    // Stored documents were checked when they were written. One that still cannot be read (a state file from an older,
    // laxer endpoint) must not be left out: leaving out its Deny statements would allow what it denies.
    private static ParsedPolicy Parse(string document, string what)
    {
        try
        {
            return PolicyParser.Parse(document);
        }
        catch (PolicyParseException error)
        {
            throw new IamServiceException("ServiceFailure", 500,
                $"The stored {what} cannot be evaluated ({error.Message}); the request is refused rather than decided without it. Replace or delete that policy.",
                senderFault: false);
        }
    }
}
