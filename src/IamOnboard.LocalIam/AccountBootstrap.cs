using System;
using System.Linq;
using IamOnboard.LocalIam.State;

namespace IamOnboard.LocalIam;

/// <summary>A fresh account (root key, the onboard-admin user, the role AssumeRole can be tried on), or the repair of a loaded one.</summary>
internal static class AccountBootstrap
{
    public const string AdminUserName = "onboard-admin";
    public const string SeededRoleName = "OrganizationAccountAccessRole";

    public static AccountState NewAccount(string? accountId, DateTime now)
    {
        var state = new AccountState
        {
            AccountId = accountId ?? IdGenerator.AccountId(),
            RootAccessKeyId = IdGenerator.AccessKeyId("AKIA"),
            RootSecretAccessKey = IdGenerator.SecretAccessKey(),
            AdminUserName = AdminUserName,
        };
        EnsureSeeded(state, now);
        return state;
    }

    /// <summary>Makes sure the admin user has an active key and the seeded role exists; true when something was added.</summary>
    public static bool EnsureSeeded(AccountState state, DateTime now)
    {
        bool changed = false;
        var admin = state.Users.FirstOrDefault(u => string.Equals(u.UserName, state.AdminUserName, StringComparison.OrdinalIgnoreCase));
        if (admin is null)
        {
            admin = new UserEntity { UserName = state.AdminUserName, UserId = IdGenerator.UniqueId("AIDA"), Path = "/", CreateDate = now };
            state.Users.Add(admin);
            changed = true;
        }

        if (!admin.AttachedPolicyArns.Contains(ManagedPolicyCatalog.AdministratorAccess))
        {
            admin.AttachedPolicyArns.Add(ManagedPolicyCatalog.AdministratorAccess);
            changed = true;
        }

        if (!admin.AccessKeys.Any(k => k.Status == "Active"))
        {
            if (admin.AccessKeys.Count >= 2)
            {
                admin.AccessKeys.RemoveAt(0);
            }

            admin.AccessKeys.Add(new AccessKeyEntity
            {
                AccessKeyId = IdGenerator.AccessKeyId("AKIA"),
                SecretAccessKey = IdGenerator.SecretAccessKey(),
                Status = "Active",
                CreateDate = now,
            });
            changed = true;
        }

        if (!state.Roles.Any(r => r.RoleName == SeededRoleName))
        {
            state.Roles.Add(new RoleEntity
            {
                RoleName = SeededRoleName,
                RoleId = IdGenerator.UniqueId("AROA"),
                Path = "/",
                CreateDate = now,
                AssumeRolePolicyDocument = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::"
                    + state.AccountId + ":root\"},\"Action\":\"sts:AssumeRole\"}]}",
                MaxSessionDuration = 3600,
                AttachedPolicyArns = { ManagedPolicyCatalog.AdministratorAccess },
            });
            changed = true;
        }

        return changed;
    }

    public static AccessKeyEntity AdminKey(AccountState state) =>
        state.Users.First(u => string.Equals(u.UserName, state.AdminUserName, StringComparison.OrdinalIgnoreCase))
            .AccessKeys.First(k => k.Status == "Active");
}
