using System;
using System.Linq;
using IamOnboard.LocalIam.Protocol;
using IamOnboard.LocalIam.State;
using IamOnboard.Rules;

namespace IamOnboard.LocalIam.Iam;

internal sealed partial class IamService
{
    private void RegisterGroups()
    {
        Register("CreateGroup", CreateGroup);
        Register("GetGroup", GetGroup);
        Register("ListGroups", ListGroups);
        Register("DeleteGroup", DeleteGroup, hasResult: false);
        Register("ListGroupsForUser", ListGroupsForUser);
        Register("AddUserToGroup", AddUserToGroup, hasResult: false);
        Register("RemoveUserFromGroup", RemoveUserFromGroup, hasResult: false);
    }

    private static void CreateGroup(OperationContext context)
    {
        string name = CheckedGroupName(context);
        string path = CheckedPath(context);
        var store = context.Store;
        if (store.FindGroup(name) is not null)
        {
            throw IamServiceException.EntityAlreadyExists("Group with name " + name + " already exists.");
        }

        if (store.State.Groups.Count >= IamLimits.GroupsPerAccount)
        {
            throw IamServiceException.LimitExceeded("Cannot exceed quota for GroupsPerAccount: " + IamLimits.GroupsPerAccount + ".");
        }

        var group = new GroupEntity { GroupName = name, GroupId = IdGenerator.UniqueId("AGPA"), Path = path, CreateDate = context.Now };
        store.State.Groups.Add(group);
        WriteGroup(context.Result, store, group, "Group");
    }

    private static void GetGroup(OperationContext context)
    {
        var group = RequireGroup(context, CheckedGroupName(context));
        var members = Page(context, context.Store.MembersOf(group), u => NameKey(u.UserName), out string? next);
        var w = context.Result;
        WriteGroup(w, context.Store, group, "Group");
        w.Open("Users");
        foreach (var user in members)
        {
            WriteUser(w, context.Store, user, "member", includeTags: false);
        }

        WritePageEnd(w.Close("Users"), next);
    }

    private static void ListGroups(OperationContext context)
    {
        string? prefix = CheckedPathPrefix(context);
        var groups = Page(context, context.Store.State.Groups.Where(g => prefix is null || g.Path.StartsWith(prefix, StringComparison.Ordinal)),
            g => NameKey(g.GroupName), out string? next);
        var w = context.Result.Open("Groups");
        foreach (var group in groups)
        {
            WriteGroup(w, context.Store, group, "member");
        }

        WritePageEnd(w.Close("Groups"), next);
    }

    private static void DeleteGroup(OperationContext context)
    {
        var group = RequireGroup(context, CheckedGroupName(context));
        string? conflict =
            context.Store.MembersOf(group).Any() ? "must remove users from group first" :
            group.InlinePolicies.Count > 0 ? "must delete policies first" :
            group.AttachedPolicyArns.Count > 0 ? "must detach all policies first" :
            null;
        if (conflict is not null)
        {
            throw IamServiceException.DeleteConflict("Cannot delete entity, " + conflict + ".");
        }

        context.Store.State.Groups.Remove(group);
    }

    private static void ListGroupsForUser(OperationContext context)
    {
        var user = RequireUser(context, CheckedUserName(context));
        var groups = Page(context, context.Store.GroupsOf(user), g => NameKey(g.GroupName), out string? next);
        var w = context.Result.Open("Groups");
        foreach (var group in groups)
        {
            WriteGroup(w, context.Store, group, "member");
        }

        WritePageEnd(w.Close("Groups"), next);
    }

    private static void AddUserToGroup(OperationContext context)
    {
        string groupName = CheckedGroupName(context);
        string userName = CheckedUserName(context);
        var group = RequireGroup(context, groupName);
        var user = RequireUser(context, userName);
        if (user.GroupIds.Contains(group.GroupId))
        {
            // IAM answers success for a user who is already a member.
            return;
        }

        if (user.GroupIds.Count >= IamLimits.GroupsPerUser)
        {
            throw IamServiceException.LimitExceeded("Cannot exceed quota for GroupsPerUser: " + IamLimits.GroupsPerUser + ".");
        }

        user.GroupIds.Add(group.GroupId);
    }

    private static void RemoveUserFromGroup(OperationContext context)
    {
        string groupName = CheckedGroupName(context);
        string userName = CheckedUserName(context);
        var group = RequireGroup(context, groupName);
        var user = RequireUser(context, userName);
        if (!user.GroupIds.Remove(group.GroupId))
        {
            throw IamServiceException.NoSuchEntity("The user with name " + user.UserName + " cannot be found in group " + group.GroupName + ".");
        }
    }
}
