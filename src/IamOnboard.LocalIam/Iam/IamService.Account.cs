using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using IamOnboard.LocalIam.Protocol;
using IamOnboard.LocalIam.State;
using IamOnboard.Passwords;
using IamOnboard.Rules;

namespace IamOnboard.LocalIam.Iam;

internal sealed partial class IamService
{
    private const int RolesPerAccount = 1000;
    private static readonly Regex AccountAliasPattern = new(@"^[a-z0-9](([a-z0-9]|-(?!-))*[a-z0-9])?$", RegexOptions.CultureInvariant);

    private void RegisterAccount()
    {
        Register("GetAccountPasswordPolicy", GetAccountPasswordPolicy);
        Register("UpdateAccountPasswordPolicy", UpdateAccountPasswordPolicy, hasResult: false);
        Register("DeleteAccountPasswordPolicy", c =>
        {
            if (c.Store.State.PasswordPolicy is null)
            {
                throw NoPasswordPolicy(c);
            }

            c.Store.State.PasswordPolicy = null;
        }, hasResult: false);
        Register("ListAccountAliases", ListAccountAliases);
        Register("CreateAccountAlias", CreateAccountAlias, hasResult: false);
        Register("DeleteAccountAlias", DeleteAccountAlias, hasResult: false);
        Register("GetAccountSummary", GetAccountSummary);
        Register("CreateRole", CreateRole);
        Register("GetRole", c => WriteRole(c.Result, c.Store, RequireRole(c)));
        Register("DeleteRole", DeleteRole, hasResult: false);
        Register("AttachRolePolicy", c => Attach(c, RequireRole(c).AttachedPolicyArns, 10, "PoliciesPerRole"), hasResult: false);
        Register("DetachRolePolicy", c => Detach(c, RequireRole(c).AttachedPolicyArns), hasResult: false);
        Register("ListAttachedRolePolicies", c => ListAttached(c, RequireRole(c).AttachedPolicyArns));
    }

    // ---- password policy ----

    private static IamServiceException NoPasswordPolicy(OperationContext context) =>
        IamServiceException.NoSuchEntity("The Password Policy with domain name " + context.Store.AccountId + " cannot be found.");

    /// <summary>The account's policy, or IAM's default when none is set.</summary>
    internal static PasswordPolicy EffectivePasswordPolicy(AccountStore store)
    {
        var custom = store.State.PasswordPolicy;
        if (custom is null)
        {
            return PasswordPolicy.IamDefault;
        }

        return new PasswordPolicy
        {
            MinimumPasswordLength = custom.MinimumPasswordLength,
            RequireSymbols = custom.RequireSymbols,
            RequireNumbers = custom.RequireNumbers,
            RequireUppercaseCharacters = custom.RequireUppercaseCharacters,
            RequireLowercaseCharacters = custom.RequireLowercaseCharacters,
            AllowUsersToChangePassword = custom.AllowUsersToChangePassword,
        };
    }

    private static void EnforcePasswordPolicy(AccountStore store, string password)
    {
        var problems = EffectivePasswordPolicy(store).Check(password);
        if (problems.Count > 0)
        {
            // Lists the broken rules; never the password.
            throw new IamServiceException("PasswordPolicyViolation", 400,
                "Password does not conform to the account password policy: the password " + string.Join("; ", problems) + ".");
        }
    }

    private static void GetAccountPasswordPolicy(OperationContext context)
    {
        var policy = context.Store.State.PasswordPolicy ?? throw NoPasswordPolicy(context);
        var w = context.Result.Open("PasswordPolicy")
            .Element("MinimumPasswordLength", policy.MinimumPasswordLength)
            .Element("RequireSymbols", policy.RequireSymbols)
            .Element("RequireNumbers", policy.RequireNumbers)
            .Element("RequireUppercaseCharacters", policy.RequireUppercaseCharacters)
            .Element("RequireLowercaseCharacters", policy.RequireLowercaseCharacters)
            .Element("AllowUsersToChangePassword", policy.AllowUsersToChangePassword)
            .Element("ExpirePasswords", policy.MaxPasswordAge is > 0);
        if (policy.MaxPasswordAge is not null)
        {
            w.Element("MaxPasswordAge", policy.MaxPasswordAge.Value);
        }

        if (policy.PasswordReusePrevention is not null)
        {
            w.Element("PasswordReusePrevention", policy.PasswordReusePrevention.Value);
        }

        if (policy.HardExpiry is not null)
        {
            w.Element("HardExpiry", policy.HardExpiry.Value);
        }

        w.Close("PasswordPolicy");
    }

    private static void UpdateAccountPasswordPolicy(OperationContext context)
    {
        int? minimum = context.OptionalInt("MinimumPasswordLength", int.MinValue, int.MaxValue);
        int? maxAge = context.OptionalInt("MaxPasswordAge", int.MinValue, int.MaxValue);
        int? reuse = context.OptionalInt("PasswordReusePrevention", int.MinValue, int.MaxValue);
        var violations = PasswordPolicy.CheckSettings(minimum, maxAge, reuse);
        if (violations.Count > 0)
        {
            throw IamServiceException.Validation(RuleViolation.CombineMessages(violations));
        }

        // IAM replaces the whole policy: settings left out return to their defaults.
        context.Store.State.PasswordPolicy = new PasswordPolicyEntity
        {
            MinimumPasswordLength = minimum ?? PasswordPolicy.DefaultCustomMinimumPasswordLength,
            RequireSymbols = context.OptionalBool("RequireSymbols") ?? false,
            RequireNumbers = context.OptionalBool("RequireNumbers") ?? false,
            RequireUppercaseCharacters = context.OptionalBool("RequireUppercaseCharacters") ?? false,
            RequireLowercaseCharacters = context.OptionalBool("RequireLowercaseCharacters") ?? false,
            AllowUsersToChangePassword = context.OptionalBool("AllowUsersToChangePassword") ?? false,
            MaxPasswordAge = maxAge,
            PasswordReusePrevention = reuse,
            HardExpiry = context.OptionalBool("HardExpiry"),
        };
    }

    // ---- aliases ----

    private static string CheckedAlias(OperationContext context)
    {
        string alias = context.Required("AccountAlias");
        OperationContext.EnforceLength("AccountAlias", alias, 3, 63);
        if (!AccountAliasPattern.IsMatch(alias))
        {
            throw IamServiceException.Validation("1 validation error detected: Value '" + alias
                + "' at 'accountAlias' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-z0-9](([a-z0-9]|-(?!-))*[a-z0-9])?$");
        }

        return alias;
    }

    private static void ListAccountAliases(OperationContext context)
    {
        var aliases = Page(context, context.Store.State.AccountAliases, a => a, out string? next);
        var w = context.Result.Open("AccountAliases");
        foreach (string alias in aliases)
        {
            w.Element("member", alias);
        }

        WritePageEnd(w.Close("AccountAliases"), next);
    }

    private static void CreateAccountAlias(OperationContext context)
    {
        string alias = CheckedAlias(context);
        var aliases = context.Store.State.AccountAliases;
        if (aliases.Contains(alias))
        {
            throw IamServiceException.EntityAlreadyExists("The account alias " + alias + " already exists.");
        }

        if (aliases.Count >= 1)
        {
            throw IamServiceException.LimitExceeded("Cannot exceed quota for AccountAliasesPerAccount: 1");
        }

        aliases.Add(alias);
    }

    private static void DeleteAccountAlias(OperationContext context)
    {
        string alias = CheckedAlias(context);
        if (!context.Store.State.AccountAliases.Remove(alias))
        {
            throw IamServiceException.NoSuchEntity("The account alias " + alias + " cannot be found.");
        }
    }

    // ---- summary ----

    private static void GetAccountSummary(OperationContext context)
    {
        var state = context.Store.State;
        int attachments = state.Users.Sum(u => u.AttachedPolicyArns.Count) + state.Groups.Sum(g => g.AttachedPolicyArns.Count) + state.Roles.Sum(r => r.AttachedPolicyArns.Count);
        var summary = new List<KeyValuePair<string, int>>
        {
            new("Users", state.Users.Count),
            new("UsersQuota", IamLimits.UsersPerAccount),
            new("Groups", state.Groups.Count),
            new("GroupsQuota", IamLimits.GroupsPerAccount),
            new("Roles", state.Roles.Count),
            new("RolesQuota", RolesPerAccount),
            new("ServerCertificates", 0),
            new("ServerCertificatesQuota", 20),
            new("UserPolicySizeQuota", IamLimits.InlinePolicyAggregateSizePerUser),
            new("GroupPolicySizeQuota", IamLimits.InlinePolicyAggregateSizePerGroup),
            new("RolePolicySizeQuota", IamLimits.InlinePolicyAggregateSizePerRole),
            new("AssumeRolePolicySizeQuota", 2048),
            new("GroupsPerUserQuota", IamLimits.GroupsPerUser),
            new("SigningCertificatesPerUserQuota", 2),
            new("AccessKeysPerUserQuota", IamLimits.AccessKeysPerUser),
            new("MFADevices", state.VirtualMfaDevices.Count),
            new("MFADevicesInUse", state.VirtualMfaDevices.Count(d => d.UserId is not null)),
            new("AccountMFAEnabled", 0),
            new("AccountAccessKeysPresent", 1),
            new("AccountSigningCertificatesPresent", 0),
            new("AttachedPoliciesPerGroupQuota", IamLimits.ManagedPoliciesPerGroup),
            new("AttachedPoliciesPerRoleQuota", 10),
            new("AttachedPoliciesPerUserQuota", IamLimits.ManagedPoliciesPerUser),
            new("Policies", state.Policies.Count),
            new("PoliciesQuota", CustomerManagedPoliciesPerAccount),
            new("PolicySizeQuota", IamLimits.ManagedPolicyDocumentSize),
            new("PolicyVersionsInUse", attachments),
            new("PolicyVersionsInUseQuota", 10000),
            new("VersionsPerPolicyQuota", 5),
            new("InstanceProfiles", 0),
            new("InstanceProfilesQuota", 1000),
            new("Providers", 0),
            new("GlobalEndpointTokenVersion", 1),
        };
        var w = context.Result.Open("SummaryMap");
        foreach (var entry in summary)
        {
            w.Open("entry").Element("key", entry.Key).Element("value", entry.Value).Close("entry");
        }

        w.Close("SummaryMap");
    }

    // ---- roles (minimal: enough for AssumeRole) ----

    private static RoleEntity RequireRole(OperationContext context)
    {
        string name = context.Required("RoleName");
        OperationContext.Enforce(IamNameRules.CheckUserName(name, "roleName"));
        return context.Store.FindRole(name) ?? throw IamServiceException.NoSuchEntity("The role with name " + name + " cannot be found.");
    }

    private static void CreateRole(OperationContext context)
    {
        string name = context.Required("RoleName");
        OperationContext.Enforce(IamNameRules.CheckUserName(name, "roleName"));
        string path = CheckedPath(context);
        string trust = context.Required("AssumeRolePolicyDocument");
        var validation = PolicyDocumentValidator.Validate(trust, PolicyDocumentKind.Trust);
        if (!validation.IsValid)
        {
            throw IamServiceException.MalformedPolicyDocument(validation.Problems[0].Message);
        }

        string? description = context.Optional("Description");
        OperationContext.EnforceLength("Description", description, 0, 1000);
        int maxSession = context.OptionalInt("MaxSessionDuration", 3600, 43200) ?? 3600;
        var tags = CheckedTags(context);
        var store = context.Store;
        if (store.FindRole(name) is not null)
        {
            throw IamServiceException.EntityAlreadyExists("Role with name " + name + " already exists.");
        }

        if (store.State.Roles.Count >= RolesPerAccount)
        {
            throw IamServiceException.LimitExceeded("Cannot exceed quota for RolesPerAccount: " + RolesPerAccount);
        }

        var role = new RoleEntity
        {
            RoleName = name,
            RoleId = IdGenerator.UniqueId("AROA"),
            Path = path,
            CreateDate = context.Now,
            AssumeRolePolicyDocument = trust,
            Description = description,
            MaxSessionDuration = maxSession,
            Tags = tags,
        };
        store.State.Roles.Add(role);
        WriteRole(context.Result, store, role);
    }

    private static void WriteRole(XmlResponseWriter w, AccountStore store, RoleEntity role)
    {
        w.Open("Role")
            .Element("Path", role.Path)
            .Element("RoleName", role.RoleName)
            .Element("RoleId", role.RoleId)
            .Element("Arn", store.RoleArn(role))
            .Element("CreateDate", role.CreateDate)
            .Element("AssumeRolePolicyDocument", Uri.EscapeDataString(role.AssumeRolePolicyDocument))
            .Element("Description", role.Description)
            .Element("MaxSessionDuration", role.MaxSessionDuration);
        if (role.Tags.Count > 0)
        {
            WriteTags(w, role.Tags);
        }

        w.Close("Role");
    }

    private static void DeleteRole(OperationContext context)
    {
        var role = RequireRole(context);
        if (role.AttachedPolicyArns.Count > 0)
        {
            throw IamServiceException.DeleteConflict("Cannot delete entity, must detach all policies first.");
        }

        context.Store.State.Roles.Remove(role);
        context.Store.State.RoleSessions.RemoveAll(s => s.RoleId == role.RoleId);
        context.Store.RebuildIndexes();
    }
}
