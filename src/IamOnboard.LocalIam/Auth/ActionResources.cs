using System;
using System.Collections.Generic;
using System.Linq;
using IamOnboard.LocalIam.Policy;
using IamOnboard.LocalIam.Protocol;
using IamOnboard.LocalIam.State;

namespace IamOnboard.LocalIam.Auth;

/// <summary>
/// The resource ARN IAM authorises each action against (its Service Authorization Reference): the user, group, role,
/// policy or MFA device the request names; the caller for the calls that default to the calling user; the bare type
/// path (<c>user/</c>, <c>group/</c>, <c>role/</c>) for the List calls; <c>*</c> where IAM has no resource type.
/// </summary>
internal static class ActionResources
{
    // UserName is optional in these, and they act on the calling user when it is left out.
    private static readonly HashSet<string> CallerDefaulted = new(StringComparer.Ordinal)
    {
        "GetUser", "CreateAccessKey", "ListAccessKeys", "UpdateAccessKey", "DeleteAccessKey", "ListMFADevices",
        "ChangePassword", "GetLoginProfile", "ListSigningCertificates", "ListSSHPublicKeys", "ListServiceSpecificCredentials",
    };

    private static readonly HashSet<string> GroupFirst = new(StringComparer.Ordinal) { "AddUserToGroup", "RemoveUserFromGroup" };

    private static readonly Dictionary<string, string> TypeListings = new(StringComparer.Ordinal)
    {
        ["ListUsers"] = "user/", ["ListGroups"] = "group/", ["ListRoles"] = "role/",
    };

    public static string ResourceOf(AccountStore store, CallerIdentity caller, string action, QueryParameters parameters)
    {
        if (TypeListings.TryGetValue(action, out var listing))
        {
            return "arn:aws:iam::" + store.AccountId + ":" + listing;
        }

        switch (action)
        {
            case "CreateUser":
                return store.Arn("user", parameters["Path"] ?? "/", parameters["UserName"] ?? string.Empty);
            case "CreateGroup":
                return store.Arn("group", parameters["Path"] ?? "/", parameters["GroupName"] ?? string.Empty);
            case "CreateRole":
                return store.Arn("role", parameters["Path"] ?? "/", parameters["RoleName"] ?? string.Empty);
            case "CreatePolicy":
                return store.Arn("policy", parameters["Path"] ?? "/", parameters["PolicyName"] ?? string.Empty);
            case "CreateVirtualMFADevice":
                return store.Arn("mfa", parameters["Path"] ?? "/", parameters["VirtualMFADeviceName"] ?? string.Empty);
            case "DeleteVirtualMFADevice":
            case "TagMFADevice":
            case "UntagMFADevice":
            case "ListMFADeviceTags":
                return parameters["SerialNumber"] ?? "*";
            case "SimulatePrincipalPolicy":
                return parameters["PolicySourceArn"] ?? "*";
        }

        string? user = parameters["UserName"];
        string? group = parameters["GroupName"];
        if (group is not null && (user is null || GroupFirst.Contains(action)))
        {
            return GroupArn(store, group);
        }

        if (user is not null)
        {
            return UserArn(store, user);
        }

        if (CallerDefaulted.Contains(action) && caller.User is not null)
        {
            return caller.Arn;
        }

        string? role = parameters["RoleName"];
        if (role is not null)
        {
            var entity = store.FindRole(role);
            return entity is null ? store.Arn("role", "/", role) : store.RoleArn(entity);
        }

        return parameters["PolicyArn"] ?? "*";
    }

    /// <summary>Condition keys the action itself sets: the policy being attached, the boundary, the tags being applied.</summary>
    public static void AddActionKeys(string action, QueryParameters parameters, RequestContext context)
    {
        string? policyArn = parameters["PolicyArn"];
        if (policyArn is not null && (action.StartsWith("Attach", StringComparison.Ordinal) || action.StartsWith("Detach", StringComparison.Ordinal)))
        {
            context.Set("iam:PolicyARN", policyArn);
        }

        string? boundary = parameters["PermissionsBoundary"];
        if (boundary is not null)
        {
            context.Set("iam:PermissionsBoundary", boundary);
        }

        var tags = parameters.Tags();
        if (tags.Count > 0)
        {
            context.Set("aws:TagKeys", tags.Select(t => t.Key).ToArray());
            foreach (var tag in tags)
            {
                context.Set("aws:RequestTag/" + tag.Key, tag.Value);
            }
        }
    }

    private static string UserArn(AccountStore store, string name)
    {
        var user = store.FindUser(name);
        return user is null ? store.Arn("user", "/", name) : store.UserArn(user);
    }

    private static string GroupArn(AccountStore store, string name)
    {
        var group = store.FindGroup(name);
        return group is null ? store.Arn("group", "/", name) : store.GroupArn(group);
    }
}
