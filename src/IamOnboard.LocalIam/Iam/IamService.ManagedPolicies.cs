using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using IamOnboard.LocalIam.Protocol;
using IamOnboard.LocalIam.State;
using IamOnboard.Rules;

namespace IamOnboard.LocalIam.Iam;

/// <summary>Customer managed policies: create, read, list, delete, and their versions (attachments and inline policies are in IamService.Policies).</summary>
internal sealed partial class IamService
{
    private static void CreatePolicy(OperationContext context)
    {
        string name = CheckedPolicyName(context);
        string path = context.Optional("Path") ?? "/";
        OperationContext.EnforceLength("Path", path, 1, 512);
        if (!PolicyPathPattern.IsMatch(path))
        {
            throw IamServiceException.Validation("1 validation error detected: Value '" + path
                + "' at 'path' failed to satisfy constraint: Member must satisfy regular expression pattern: ((/[A-Za-z0-9\\.,\\+@=_-]+)*)/");
        }

        string? description = context.Optional("Description");
        OperationContext.EnforceLength("Description", description, 0, 1000);
        string document = CheckedPolicyDocument(context);
        if (PolicyDocumentValidator.CountNonWhitespace(document) > IamLimits.ManagedPolicyDocumentSize)
        {
            throw IamServiceException.LimitExceeded("Cannot exceed quota for PolicySize: " + IamLimits.ManagedPolicyDocumentSize);
        }

        var tags = CheckedTags(context);
        var store = context.Store;
        if (store.State.Policies.Any(p => IamNameRules.NameComparer.Equals(p.PolicyName, name)))
        {
            throw IamServiceException.EntityAlreadyExists("A policy called " + name + " already exists. Duplicate names are not allowed.");
        }

        if (store.State.Policies.Count >= CustomerManagedPoliciesPerAccount)
        {
            throw IamServiceException.LimitExceeded("Cannot exceed quota for PoliciesPerAccount: " + CustomerManagedPoliciesPerAccount);
        }

        var policy = new ManagedPolicyEntity
        {
            PolicyName = name,
            PolicyId = IdGenerator.UniqueId("ANPA"),
            Path = path,
            Arn = store.Arn("policy", path, name),
            Document = document,
            Description = description,
            DefaultVersionId = "v1",
            CreateDate = context.Now,
            UpdateDate = context.Now,
            Tags = tags,
        };
        store.State.Policies.Add(policy);
        WritePolicy(context.Result, store, PolicyView.Of(policy), "Policy", includeDescription: false);
    }

    private sealed class PolicyView
    {
        public string Name = string.Empty;
        public string Id = string.Empty;
        public string Arn = string.Empty;
        public string Path = "/";
        public string VersionId = "v1";
        public string? Description;
        public string Document = string.Empty;
        public DateTime CreateDate;
        public DateTime UpdateDate;
        public List<TagEntry> Tags = new();
        public bool IsAws;

        public static PolicyView Of(ManagedPolicyEntity p) => new()
        {
            Name = p.PolicyName, Id = p.PolicyId, Arn = p.Arn, Path = p.Path, VersionId = p.DefaultVersionId, Description = p.Description,
            Document = p.Document, CreateDate = p.CreateDate, UpdateDate = p.UpdateDate, Tags = p.Tags,
        };

        public static PolicyView Of(AwsManagedPolicy p) => new()
        {
            Name = p.PolicyName, Id = p.PolicyId, Arn = p.Arn, Path = p.Path, VersionId = p.DefaultVersionId, Description = p.Description,
            Document = p.Document, CreateDate = AwsManagedPolicy.CreateDate, UpdateDate = AwsManagedPolicy.CreateDate, IsAws = true,
        };
    }

    private static IEnumerable<PolicyView> AllPolicies(AccountStore store) =>
        ManagedPolicyCatalog.All.Select(PolicyView.Of).Concat(store.State.Policies.Select(PolicyView.Of));

    private static PolicyView RequirePolicy(OperationContext context, string arn)
    {
        var aws = ManagedPolicyCatalog.Find(arn);
        if (aws is not null)
        {
            return PolicyView.Of(aws);
        }

        var customer = context.Store.FindCustomerPolicy(arn);
        return customer is not null ? PolicyView.Of(customer) : throw IamServiceException.NoSuchEntity("Policy " + arn + " was not found.");
    }

    private static void WritePolicy(XmlResponseWriter w, AccountStore store, PolicyView policy, string element, bool includeDescription)
    {
        w.Open(element)
            .Element("PolicyName", policy.Name)
            .Element("PolicyId", policy.Id)
            .Element("Arn", policy.Arn)
            .Element("Path", policy.Path)
            .Element("DefaultVersionId", policy.VersionId)
            .Element("AttachmentCount", store.AttachmentCount(policy.Arn))
            .Element("PermissionsBoundaryUsageCount", store.State.Users.Count(u => u.PermissionsBoundary == policy.Arn))
            .Element("IsAttachable", true);
        if (includeDescription)
        {
            w.Element("Description", policy.Description);
        }

        w.Element("CreateDate", policy.CreateDate).Element("UpdateDate", policy.UpdateDate);
        if (policy.Tags.Count > 0)
        {
            WriteTags(w, policy.Tags);
        }

        w.Close(element);
    }

    private static void GetPolicy(OperationContext context)
    {
        var policy = RequirePolicy(context, CheckedPolicyArn(context));
        WritePolicy(context.Result, context.Store, policy, "Policy", includeDescription: true);
    }

    private static void GetPolicyVersion(OperationContext context)
    {
        string arn = CheckedPolicyArn(context);
        string versionId = CheckedVersionId(context);
        var policy = RequirePolicy(context, arn);
        var version = VersionsOf(context, policy).FirstOrDefault(v => v.VersionId == versionId)
            ?? throw IamServiceException.NoSuchEntity("Policy " + arn + " version " + versionId + " does not exist or is not attachable.");
        context.Result.Open("PolicyVersion")
            .Element("Document", Uri.EscapeDataString(version.Document))
            .Element("VersionId", version.VersionId)
            .Element("IsDefaultVersion", version.VersionId == policy.VersionId)
            .Element("CreateDate", version.CreateDate)
            .Close("PolicyVersion");
    }

    /// <summary>Every version of the policy, the default first; an AWS managed policy shows only its default here.</summary>
    private static IEnumerable<PolicyVersionEntity> VersionsOf(OperationContext context, PolicyView policy)
    {
        var customer = policy.IsAws ? null : context.Store.FindCustomerPolicy(policy.Arn);
        yield return new PolicyVersionEntity
        {
            VersionId = policy.VersionId,
            Document = policy.Document,
            CreateDate = customer?.DefaultVersionCreateDate ?? policy.CreateDate,
        };
        if (customer is not null)
        {
            foreach (var other in customer.OtherVersions)
            {
                yield return other;
            }
        }
    }

    private static string CheckedVersionId(OperationContext context)
    {
        string versionId = context.Required("VersionId");
        if (!Regex.IsMatch(versionId, @"^v[1-9][0-9]*(\.[A-Za-z0-9-]*)?$"))
        {
            throw IamServiceException.Validation("1 validation error detected: Value '" + versionId
                + "' at 'versionId' failed to satisfy constraint: Member must satisfy regular expression pattern: v[1-9][0-9]*(\\.[A-Za-z0-9-]*)?");
        }

        return versionId;
    }

    // Versions change only customer managed policies; AWS's own cannot be changed.
    private static ManagedPolicyEntity RequireCustomerPolicy(OperationContext context, string arn)
    {
        if (ManagedPolicyCatalog.Find(arn) is not null)
        {
            throw IamServiceException.InvalidInput("Cannot modify the AWS managed policy " + arn + ".");
        }

        return context.Store.FindCustomerPolicy(arn) ?? throw IamServiceException.NoSuchEntity("Policy " + arn + " was not found.");
    }

    private static int VersionNumber(string versionId) =>
        int.TryParse(versionId.Substring(1).Split('.')[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int n) ? n : 0;

    private static void CreatePolicyVersion(OperationContext context)
    {
        var policy = RequireCustomerPolicy(context, CheckedPolicyArn(context));
        string document = CheckedPolicyDocument(context);
        bool setAsDefault = context.OptionalBool("SetAsDefault") ?? false;
        if (PolicyDocumentValidator.CountNonWhitespace(document) > IamLimits.ManagedPolicyDocumentSize)
        {
            throw IamServiceException.LimitExceeded("Cannot exceed quota for PolicySize: " + IamLimits.ManagedPolicyDocumentSize);
        }

        if (1 + policy.OtherVersions.Count >= IamLimits.ManagedPolicyVersions)
        {
            throw IamServiceException.LimitExceeded("A managed policy can have up to " + IamLimits.ManagedPolicyVersions
                + " versions. Before you create a new version, you must delete an existing version.");
        }

        int last = Math.Max(policy.LastVersionNumber, policy.OtherVersions.Select(v => VersionNumber(v.VersionId)).Append(VersionNumber(policy.DefaultVersionId)).Max());
        var version = new PolicyVersionEntity { VersionId = "v" + (last + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), Document = document, CreateDate = context.Now };
        policy.LastVersionNumber = last + 1;
        if (setAsDefault)
        {
            MakeDefault(policy, version, context.Now);
        }
        else
        {
            policy.OtherVersions.Add(version);
        }

        context.Result.Open("PolicyVersion")
            .Element("VersionId", version.VersionId)
            .Element("IsDefaultVersion", setAsDefault)
            .Element("CreateDate", version.CreateDate)
            .Close("PolicyVersion");
    }

    // The current default joins the other versions; the given one (taken out of them if it is there) becomes the default.
    private static void MakeDefault(ManagedPolicyEntity policy, PolicyVersionEntity version, DateTime now)
    {
        policy.OtherVersions.Remove(version);
        policy.OtherVersions.Add(new PolicyVersionEntity
        {
            VersionId = policy.DefaultVersionId,
            Document = policy.Document,
            CreateDate = policy.DefaultVersionCreateDate ?? policy.CreateDate,
        });
        policy.DefaultVersionId = version.VersionId;
        policy.Document = version.Document;
        policy.DefaultVersionCreateDate = version.CreateDate;
        policy.UpdateDate = now;
    }

    private static void ListPolicyVersions(OperationContext context)
    {
        var policy = RequirePolicy(context, CheckedPolicyArn(context));

        // Newest first, as IAM lists them.
        var page = Page(context, VersionsOf(context, policy).ToList(), v => (int.MaxValue - VersionNumber(v.VersionId)).ToString("D10", System.Globalization.CultureInfo.InvariantCulture), out string? next);
        var w = context.Result.Open("Versions");
        foreach (var version in page)
        {
            w.Open("member")
                .Element("VersionId", version.VersionId)
                .Element("IsDefaultVersion", version.VersionId == policy.VersionId)
                .Element("CreateDate", version.CreateDate)
                .Close("member");
        }

        WritePageEnd(w.Close("Versions"), next);
    }

    private static void DeletePolicyVersion(OperationContext context)
    {
        string arn = CheckedPolicyArn(context);
        string versionId = CheckedVersionId(context);
        var policy = RequireCustomerPolicy(context, arn);
        if (policy.DefaultVersionId == versionId)
        {
            throw IamServiceException.DeleteConflict("Cannot delete the default version of a policy.");
        }

        var version = policy.OtherVersions.FirstOrDefault(v => v.VersionId == versionId)
            ?? throw IamServiceException.NoSuchEntity("Policy " + arn + " version " + versionId + " does not exist.");
        policy.OtherVersions.Remove(version);
    }

    private static void SetDefaultPolicyVersion(OperationContext context)
    {
        string arn = CheckedPolicyArn(context);
        string versionId = CheckedVersionId(context);
        var policy = RequireCustomerPolicy(context, arn);
        if (policy.DefaultVersionId == versionId)
        {
            return;
        }

        var version = policy.OtherVersions.FirstOrDefault(v => v.VersionId == versionId)
            ?? throw IamServiceException.NoSuchEntity("Policy " + arn + " version " + versionId + " does not exist.");
        MakeDefault(policy, version, context.Now);
    }

    private static void ListPolicies(OperationContext context)
    {
        string scope = context.OptionalEnum("Scope", "All", "AWS", "Local") ?? "All";
        bool onlyAttached = context.OptionalBool("OnlyAttached") ?? false;
        context.OptionalEnum("PolicyUsageFilter", "PermissionsPolicy", "PermissionsBoundary");
        string? prefix = CheckedPolicyPathPrefix(context);
        var store = context.Store;
        var matching = AllPolicies(store).Where(p =>
            (scope == "All" || (scope == "AWS") == p.IsAws)
            && (prefix is null || p.Path.StartsWith(prefix, StringComparison.Ordinal))
            && (!onlyAttached || store.AttachmentCount(p.Arn) > 0));
        var page = Page(context, matching, p => NameKey(p.Name) + "\u0000" + p.Arn, out string? next);
        var w = context.Result.Open("Policies");
        foreach (var policy in page)
        {
            WritePolicy(w, store, policy, "member", includeDescription: false);
        }

        WritePageEnd(w.Close("Policies"), next);
    }

    private static void DeletePolicy(OperationContext context)
    {
        string arn = CheckedPolicyArn(context);
        if (ManagedPolicyCatalog.Find(arn) is not null)
        {
            throw IamServiceException.InvalidInput("Cannot delete the AWS managed policy " + arn + ".");
        }

        var policy = context.Store.FindCustomerPolicy(arn) ?? throw IamServiceException.NoSuchEntity("Policy " + arn + " was not found.");
        if (context.Store.AttachmentCount(arn) > 0)
        {
            throw IamServiceException.DeleteConflict("Cannot delete a policy attached to entities.");
        }

        if (policy.OtherVersions.Count > 0)
        {
            throw IamServiceException.DeleteConflict("This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.");
        }

        context.Store.State.Policies.Remove(policy);
    }
}
