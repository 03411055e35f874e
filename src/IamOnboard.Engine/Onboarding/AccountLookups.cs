using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using IamOnboard.Sessions;

namespace IamOnboard.Onboarding;

/// <summary>Names in the account for tab completion, from the same per-session reads the onboarding uses.</summary>
public static class AccountLookups
{
    /// <summary>The account's group names.</summary>
    public static async Task<IReadOnlyList<string>> GroupNamesAsync(OnboardSession session, CancellationToken ct)
    {
        var groups = await session.Iam.ListGroupsAsync(null, ct).ConfigureAwait(false);
        return groups.Select(g => g.GroupName).OrderBy(n => n, System.StringComparer.OrdinalIgnoreCase).ToList();
    }

    /// <summary>The account's user names (one ListUsers, paged).</summary>
    public static async Task<IReadOnlyList<string>> UserNamesAsync(OnboardSession session, CancellationToken ct)
    {
        var users = await session.Iam.ListUsersAsync(null, ct).ConfigureAwait(false);
        return users.Select(u => u.UserName).OrderBy(n => n, System.StringComparer.OrdinalIgnoreCase).ToList();
    }

    /// <summary>Managed policy ARNs: AWS managed ones and the account's own, for -PermissionsBoundary and ARNs in -Policy.</summary>
    public static async Task<IReadOnlyList<string>> PolicyArnsAsync(OnboardSession session, CancellationToken ct)
    {
        var policies = await session.Iam.ListPoliciesAsync(Iam.PolicyScope.All, false, null, ct).ConfigureAwait(false);
        return policies.Select(p => p.Arn).Distinct(System.StringComparer.Ordinal).OrderBy(a => a, System.StringComparer.OrdinalIgnoreCase).ToList();
    }

    /// <summary>Managed policies as a person types them: <c>ReadOnlyAccess</c>, <c>job-function/ViewOnlyAccess</c>, customer policy names.</summary>
    public static async Task<IReadOnlyList<string>> PolicyReferencesAsync(OnboardSession session, CancellationToken ct)
    {
        var policies = await session.Iam.ListPoliciesAsync(Iam.PolicyScope.All, false, null, ct).ConfigureAwait(false);
        return policies
            .Select(p => p.Path == "/" ? p.PolicyName : p.Path.Trim('/') + "/" + p.PolicyName)
            .Distinct(System.StringComparer.OrdinalIgnoreCase)
            .OrderBy(n => n, System.StringComparer.OrdinalIgnoreCase)
            .ToList();
    }
}
