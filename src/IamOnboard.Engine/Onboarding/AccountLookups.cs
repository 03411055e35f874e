using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using IamOnboard.Iam;
using IamOnboard.Sessions;

namespace IamOnboard.Onboarding;

/// <summary>Names in the account for tab completion.</summary>
public static class AccountLookups
{
    /// <summary>
    /// Items per page of the listings completion reads: IAM's largest. A real account holds some 1,300 AWS managed
    /// policies and may have thousands of users; at IAM's default of 100 each page is one more round trip of the budget.
    /// </summary>
    public const int PageSize = 1000;

    /// <summary>The account's group names.</summary>
    public static async Task<IReadOnlyList<string>> GroupNamesAsync(OnboardSession session, CancellationToken ct)
    {
        var groups = await session.Iam.ListGroupsAsync(null, PageSize, ct).ConfigureAwait(false);
        return groups.Select(g => g.GroupName).OrderBy(n => n, System.StringComparer.OrdinalIgnoreCase).ToList();
    }

    /// <summary>The account's user names (one ListUsers, paged).</summary>
    public static async Task<IReadOnlyList<string>> UserNamesAsync(OnboardSession session, CancellationToken ct)
    {
        var users = await session.Iam.ListUsersAsync(null, PageSize, ct).ConfigureAwait(false);
        return users.Select(u => u.UserName).OrderBy(n => n, System.StringComparer.OrdinalIgnoreCase).ToList();
    }

    /// <summary>AWS managed policies and the account's own (one ListPolicies, paged).</summary>
    public static Task<IReadOnlyList<IamManagedPolicy>> PoliciesAsync(OnboardSession session, CancellationToken ct)
        => session.Iam.ListPoliciesAsync(PolicyScope.All, false, null, PageSize, ct);

    /// <summary>Managed policy ARNs, for -PermissionsBoundary and ARNs in -Policy.</summary>
    public static IReadOnlyList<string> PolicyArns(IEnumerable<IamManagedPolicy> policies)
        => policies.Select(p => p.Arn).Distinct(System.StringComparer.Ordinal).OrderBy(a => a, System.StringComparer.OrdinalIgnoreCase).ToList();

    /// <summary>Managed policies as a person types them: <c>ReadOnlyAccess</c>, <c>job-function/ViewOnlyAccess</c>, customer policy names.</summary>
    public static IReadOnlyList<string> PolicyReferences(IEnumerable<IamManagedPolicy> policies)
        => policies
            .Select(p => p.Path == "/" ? p.PolicyName : p.Path.Trim('/') + "/" + p.PolicyName)
            .Distinct(System.StringComparer.OrdinalIgnoreCase)
            .OrderBy(n => n, System.StringComparer.OrdinalIgnoreCase)
            .ToList();
}
