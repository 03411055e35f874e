using System.Collections.Generic;
using IamOnboard.LocalIam.Iam;
using IamOnboard.LocalIam.Protocol;
using IamOnboard.LocalIam.State;

namespace IamOnboard.LocalIam.Auth;

/// <summary>
/// A deliberately small authorization model: root and holders of AdministratorAccess or IAMFullAccess may call
/// any IAM action; holders of IAMReadOnlyAccess (or the broader ReadOnlyAccess / SecurityAudit) may call Get* and List*;
/// everyone else is denied. Inline policies and custom managed policies are not evaluated.
/// </summary>
internal static class Authorizer
{
    private static readonly string[] FullIamPolicies = { ManagedPolicyCatalog.AdministratorAccess, ManagedPolicyCatalog.IamFullAccess };

    private static readonly string[] ReadIamPolicies =
    {
        ManagedPolicyCatalog.IamReadOnlyAccess, ManagedPolicyCatalog.ReadOnlyAccess, "arn:aws:iam::aws:policy/SecurityAudit",
    };

    public static void AuthorizeIam(AccountStore store, CallerIdentity caller, string action, QueryParameters parameters)
    {
        if (caller.Kind == CallerKind.Root)
        {
            return;
        }

        var policies = EffectivePolicyArns(store, caller);
        if (policies.Overlaps(FullIamPolicies))
        {
            return;
        }

        if (!IamService.IsMutating(action) && policies.Overlaps(ReadIamPolicies))
        {
            return;
        }

        throw Denied(caller, "iam:" + action, ResourceOf(store, parameters));
    }

    /// <summary>AssumeRole needs sts:AssumeRole, which of our catalogue only AdministratorAccess grants.</summary>
    public static void AuthorizeAssumeRole(AccountStore store, CallerIdentity caller, string roleArn)
    {
        if (caller.Kind == CallerKind.Root || EffectivePolicyArns(store, caller).Contains(ManagedPolicyCatalog.AdministratorAccess))
        {
            return;
        }

        throw Denied(caller, "sts:AssumeRole", roleArn);
    }

    public static IamServiceException Denied(CallerIdentity caller, string action, string resource) =>
        IamServiceException.AccessDenied("User: " + caller.Arn + " is not authorized to perform: " + action + " on resource: " + resource
            + " because no identity-based policy allows the " + action + " action");

    private static HashSet<string> EffectivePolicyArns(AccountStore store, CallerIdentity caller)
    {
        var arns = new HashSet<string>();
        if (caller.User is not null)
        {
            arns.UnionWith(caller.User.AttachedPolicyArns);
            foreach (var group in store.GroupsOf(caller.User))
            {
                arns.UnionWith(group.AttachedPolicyArns);
            }
        }

        if (caller.Role is not null)
        {
            arns.UnionWith(caller.Role.AttachedPolicyArns);
        }

        return arns;
    }

    private static string ResourceOf(AccountStore store, QueryParameters parameters)
    {
        string? user = parameters["UserName"];
        if (user is not null)
        {
            return store.Arn("user", "/", user);
        }

        string? group = parameters["GroupName"];
        if (group is not null)
        {
            return store.Arn("group", "/", group);
        }

        return parameters["PolicyArn"] ?? "*";
    }
}
