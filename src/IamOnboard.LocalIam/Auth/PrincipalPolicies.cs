using System.Collections.Generic;
using IamOnboard.LocalIam.Policy;
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
        AddInline(identity, user.InlinePolicies, "user");
        AddManaged(store, identity, user.AttachedPolicyArns);
        foreach (var group in store.GroupsOf(user))
        {
            AddInline(identity, group.InlinePolicies, "group");
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
        AddInline(identity, group.InlinePolicies, "group");
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

    private static void AddInline(List<PolicySource> into, List<InlinePolicyEntity> policies, string type)
    {
        foreach (var inline in policies)
        {
            var parsed = TryParse(inline.Document);
            if (parsed is not null)
            {
                into.Add(new PolicySource(inline.PolicyName, type, parsed));
            }
        }
    }

    private static void AddManaged(AccountStore store, List<PolicySource> into, IEnumerable<string> arns)
    {
        foreach (string arn in arns)
        {
            var aws = ManagedPolicyCatalog.Find(arn);
            string? document = aws?.Document ?? store.FindCustomerPolicy(arn)?.Document;
            var parsed = document is null ? null : TryParse(document);
            if (parsed is not null)
            {
                into.Add(new PolicySource(store.PolicyNameOf(arn), aws is not null ? "aws-managed" : "user-managed", parsed));
            }
        }
    }

    // Stored documents were validated when they were written; one that still cannot be read grants nothing.
    private static ParsedPolicy? TryParse(string document)
    {
        try
        {
            return PolicyParser.Parse(document);
        }
        catch (PolicyParseException)
        {
            return null;
        }
    }
}
