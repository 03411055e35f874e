using System;
using System.Linq;
using IamOnboard.LocalIam.Protocol;
using IamOnboard.LocalIam.State;
using IamOnboard.Rules;

namespace IamOnboard.LocalIam.Iam;

internal sealed partial class IamService
{
    private void RegisterUsers()
    {
        Register("CreateUser", CreateUser);
        Register("GetUser", GetUser);
        Register("ListUsers", ListUsers);
        Register("DeleteUser", DeleteUser, hasResult: false);
        Register("TagUser", TagUser, hasResult: false);
        Register("UntagUser", UntagUser, hasResult: false);
        Register("ListUserTags", ListUserTags);
        Register("PutUserPermissionsBoundary", PutUserPermissionsBoundary, hasResult: false);
        Register("CreateLoginProfile", CreateLoginProfile);
        Register("GetLoginProfile", GetLoginProfile);
        Register("UpdateLoginProfile", UpdateLoginProfile, hasResult: false);
        Register("DeleteLoginProfile", DeleteLoginProfile, hasResult: false);
        Register("CreateAccessKey", CreateAccessKey);
        Register("ListAccessKeys", ListAccessKeys);
        Register("UpdateAccessKey", UpdateAccessKey, hasResult: false);
        Register("DeleteAccessKey", DeleteAccessKey, hasResult: false);
    }

    private static void CreateUser(OperationContext context)
    {
        string name = CheckedUserName(context);
        string path = CheckedPath(context);
        string? boundary = context.Optional("PermissionsBoundary");
        OperationContext.EnforceLength("PermissionsBoundary", boundary, 20, 2048);
        var tags = CheckedTags(context);
        var store = context.Store;
        if (store.FindUser(name) is not null)
        {
            throw IamServiceException.EntityAlreadyExists("User with name " + name + " already exists.");
        }

        if (boundary is not null && !store.PolicyExists(boundary))
        {
            throw IamServiceException.NoSuchEntity("Scope ARN: " + boundary + " does not exist or is not attachable.");
        }

        if (store.State.Users.Count >= IamLimits.UsersPerAccount)
        {
            throw IamServiceException.LimitExceeded("Cannot exceed quota for UsersPerAccount: " + IamLimits.UsersPerAccount + ".");
        }

        var user = new UserEntity
        {
            UserName = name,
            UserId = IdGenerator.UniqueId("AIDA"),
            Path = path,
            CreateDate = context.Now,
            PermissionsBoundary = boundary,
            Tags = tags,
        };
        store.AddUser(user);
        WriteUser(context.Result, store, user, "User", includeTags: true);
    }

    private static void GetUser(OperationContext context)
    {
        var user = UserOrCaller(context);
        WriteUser(context.Result, context.Store, user, "User", includeTags: true);
    }

    private static void ListUsers(OperationContext context)
    {
        string? prefix = CheckedPathPrefix(context);
        var users = Page(context, context.Store.State.Users.Where(u => prefix is null || u.Path.StartsWith(prefix, StringComparison.Ordinal)),
            u => NameKey(u.UserName), out string? next);
        var w = context.Result.Open("Users");
        foreach (var user in users)
        {
            WriteUser(w, context.Store, user, "member", includeTags: false);
        }

        WritePageEnd(w.Close("Users"), next);
    }

    private static void DeleteUser(OperationContext context)
    {
        var user = RequireUser(context, CheckedUserName(context));
        string? conflict =
            user.LoginProfile is not null ? "must delete login profile first" :
            user.AccessKeys.Count > 0 ? "must delete access keys first" :
            context.Store.State.VirtualMfaDevices.Any(d => d.UserId == user.UserId) ? "must delete MFA device first" :
            user.InlinePolicies.Count > 0 ? "must delete policies first" :
            user.AttachedPolicyArns.Count > 0 ? "must detach all policies first" :
            user.GroupIds.Count > 0 ? "must remove user from all groups first" :
            user.SshPublicKeys.Count > 0 ? "must delete SSH public keys first" :
            user.SigningCertificates.Count > 0 ? "must delete signing certificates first" :
            user.ServiceSpecificCredentials.Count > 0 ? "must delete service specific credentials first" :
            null;
        if (conflict is not null)
        {
            throw IamServiceException.DeleteConflict("Cannot delete entity, " + conflict + ".");
        }

        context.Store.RemoveUser(user);
    }

    private static void PutUserPermissionsBoundary(OperationContext context)
    {
        var user = RequireUser(context, CheckedUserName(context));
        string boundary = context.Required("PermissionsBoundary");
        OperationContext.EnforceLength("PermissionsBoundary", boundary, 20, 2048);
        if (!context.Store.PolicyExists(boundary))
        {
            throw IamServiceException.NoSuchEntity("Scope ARN: " + boundary + " does not exist or is not attachable.");
        }

        user.PermissionsBoundary = boundary;
    }

    private static void TagUser(OperationContext context)
    {
        var user = RequireUser(context, CheckedUserName(context));
        user.Tags = WithRequestTags(context, user.Tags);
    }

    private static void UntagUser(OperationContext context)
    {
        var user = RequireUser(context, CheckedUserName(context));
        RemoveRequestTagKeys(context, user.Tags);
    }

    private static void ListUserTags(OperationContext context)
    {
        var user = RequireUser(context, CheckedUserName(context));
        var tags = Page(context, user.Tags, t => NameKey(t.Key), out string? next);
        var w = context.Result.Open("Tags");
        foreach (var tag in tags)
        {
            w.Open("member").Element("Key", tag.Key).Element("Value", tag.Value).Close("member");
        }

        WritePageEnd(w.Close("Tags"), next);
    }

    // ---- login profiles ----

    private static string CheckedPassword(OperationContext context, string? password)
    {
        if (password is null)
        {
            return context.Required("Password");
        }

        // The value is a secret: the messages never repeat it.
        if (password.Length < 1 || password.Length > 128)
        {
            throw IamServiceException.Validation("1 validation error detected: Value at 'password' failed to satisfy constraint: Member must have length between 1 and 128");
        }

        if (password.Any(c => !(c == '\t' || c == '\n' || c == '\r' || (c >= 0x20 && c <= 0xFF))))
        {
            throw IamServiceException.Validation("1 validation error detected: Value at 'password' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\u0009\\u000A\\u000D\\u0020-\\u00FF]+");
        }

        EnforcePasswordPolicy(context.Store, password);
        return password;
    }

    private static void CreateLoginProfile(OperationContext context)
    {
        var user = RequireUser(context, CheckedUserName(context));
        CheckedPassword(context, context.Required("Password"));
        bool resetRequired = context.OptionalBool("PasswordResetRequired") ?? false;
        if (user.LoginProfile is not null)
        {
            throw IamServiceException.EntityAlreadyExists("Login Profile for user " + user.UserName + " already exists.");
        }

        user.LoginProfile = new LoginProfileEntity { CreateDate = context.Now, PasswordResetRequired = resetRequired };
        SetPassword(context.Store, user.LoginProfile, context.Required("Password"));
        WriteLoginProfile(context, user);
    }

    private static void WriteLoginProfile(OperationContext context, UserEntity user)
    {
        context.Result.Open("LoginProfile")
            .Element("UserName", user.UserName)
            .Element("CreateDate", user.LoginProfile!.CreateDate)
            .Element("PasswordResetRequired", user.LoginProfile.PasswordResetRequired)
            .Close("LoginProfile");
    }

    private static UserEntity RequireLoginProfile(OperationContext context)
    {
        var user = RequireUser(context, CheckedUserName(context));
        if (user.LoginProfile is null)
        {
            throw IamServiceException.NoSuchEntity("Login Profile for User " + user.UserName + " cannot be found.");
        }

        return user;
    }

    private static void GetLoginProfile(OperationContext context) => WriteLoginProfile(context, RequireOwnLoginProfile(context));

    private static void UpdateLoginProfile(OperationContext context)
    {
        var user = RequireLoginProfile(context);
        string? password = context.Optional("Password");
        if (password is not null)
        {
            CheckedPassword(context, password);
            SetPassword(context.Store, user.LoginProfile!, password);
        }

        bool? resetRequired = context.OptionalBool("PasswordResetRequired");
        if (resetRequired is not null)
        {
            user.LoginProfile!.PasswordResetRequired = resetRequired.Value;
        }
    }

    private static void DeleteLoginProfile(OperationContext context) => RequireLoginProfile(context).LoginProfile = null;

    // ---- access keys ----

    private static void CreateAccessKey(OperationContext context)
    {
        var user = UserOrCaller(context);
        if (user.AccessKeys.Count >= IamLimits.AccessKeysPerUser)
        {
            throw IamServiceException.LimitExceeded("Cannot exceed quota for AccessKeysPerUser: " + IamLimits.AccessKeysPerUser);
        }

        var key = new AccessKeyEntity
        {
            AccessKeyId = IdGenerator.AccessKeyId("AKIA"),
            SecretAccessKey = IdGenerator.SecretAccessKey(),
            Status = "Active",
            CreateDate = context.Now,
        };
        context.Store.AddAccessKey(user, key);
        context.Result.Open("AccessKey")
            .Element("UserName", user.UserName)
            .Element("AccessKeyId", key.AccessKeyId)
            .Element("Status", key.Status)
            .Element("SecretAccessKey", key.SecretAccessKey)
            .Element("CreateDate", key.CreateDate)
            .Close("AccessKey");
    }

    private static void ListAccessKeys(OperationContext context)
    {
        var user = UserOrCaller(context);
        var keys = Page(context, user.AccessKeys, k => k.AccessKeyId, out string? next);
        var w = context.Result.Open("AccessKeyMetadata");
        foreach (var key in keys)
        {
            w.Open("member")
                .Element("UserName", user.UserName)
                .Element("AccessKeyId", key.AccessKeyId)
                .Element("Status", key.Status)
                .Element("CreateDate", key.CreateDate)
                .Close("member");
        }

        WritePageEnd(w.Close("AccessKeyMetadata"), next);
    }

    private static (UserEntity User, AccessKeyEntity Key) RequireAccessKey(OperationContext context)
    {
        var user = UserOrCaller(context);
        string keyId = context.Required("AccessKeyId");
        OperationContext.EnforceLength("AccessKeyId", keyId, 16, 128);
        var key = user.AccessKeys.FirstOrDefault(k => k.AccessKeyId == keyId)
            ?? throw IamServiceException.NoSuchEntity("The Access Key with id " + keyId + " cannot be found.");
        return (user, key);
    }

    private static void UpdateAccessKey(OperationContext context)
    {
        string status = context.OptionalEnum("Status", "Active", "Inactive") ?? context.Required("Status");
        var (_, key) = RequireAccessKey(context);
        key.Status = status;
    }

    private static void DeleteAccessKey(OperationContext context)
    {
        var (user, key) = RequireAccessKey(context);
        context.Store.RemoveAccessKey(user, key);
    }
}
