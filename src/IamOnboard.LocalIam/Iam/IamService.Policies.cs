using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using IamOnboard.LocalIam.Policy;
using IamOnboard.LocalIam.Protocol;
using IamOnboard.LocalIam.State;
using IamOnboard.Rules;

namespace IamOnboard.LocalIam.Iam;

internal sealed partial class IamService
{
    private const int CustomerManagedPoliciesPerAccount = 1500;
    private static readonly Regex PolicyPathPattern = new(@"^((/[A-Za-z0-9\.,\+@=_-]+)*)/$", RegexOptions.CultureInvariant);

    private void RegisterPolicies()
    {
        Register("AttachUserPolicy", c => Attach(c, RequireUser(c, CheckedUserName(c)).AttachedPolicyArns, IamLimits.ManagedPoliciesPerUser, "PoliciesPerUser"), hasResult: false);
        Register("DetachUserPolicy", c => Detach(c, RequireUser(c, CheckedUserName(c)).AttachedPolicyArns), hasResult: false);
        Register("ListAttachedUserPolicies", c => ListAttached(c, RequireUser(c, CheckedUserName(c)).AttachedPolicyArns));
        Register("AttachGroupPolicy", c => Attach(c, RequireGroup(c, CheckedGroupName(c)).AttachedPolicyArns, IamLimits.ManagedPoliciesPerGroup, "PoliciesPerGroup"), hasResult: false);
        Register("DetachGroupPolicy", c => Detach(c, RequireGroup(c, CheckedGroupName(c)).AttachedPolicyArns), hasResult: false);
        Register("ListAttachedGroupPolicies", c => ListAttached(c, RequireGroup(c, CheckedGroupName(c)).AttachedPolicyArns));

        Register("PutUserPolicy", c =>
        {
            var user = RequireUser(c, CheckedUserName(c));
            PutInline(c, user.InlinePolicies, IamLimits.InlinePolicyAggregateSizePerUser, "user " + user.UserName);
        }, hasResult: false);
        Register("GetUserPolicy", c =>
        {
            var user = RequireUser(c, CheckedUserName(c));
            var policy = RequireInline(c, user.InlinePolicies, "user " + user.UserName);
            c.Result.Element("UserName", user.UserName).Element("PolicyName", policy.PolicyName).Element("PolicyDocument", Uri.EscapeDataString(policy.Document));
        });
        Register("ListUserPolicies", c => ListInline(c, RequireUser(c, CheckedUserName(c)).InlinePolicies));
        Register("DeleteUserPolicy", c =>
        {
            var user = RequireUser(c, CheckedUserName(c));
            user.InlinePolicies.Remove(RequireInline(c, user.InlinePolicies, "user " + user.UserName));
        }, hasResult: false);

        Register("PutGroupPolicy", c =>
        {
            var group = RequireGroup(c, CheckedGroupName(c));
            PutInline(c, group.InlinePolicies, IamLimits.InlinePolicyAggregateSizePerGroup, "group " + group.GroupName);
        }, hasResult: false);
        Register("GetGroupPolicy", c =>
        {
            var group = RequireGroup(c, CheckedGroupName(c));
            var policy = RequireInline(c, group.InlinePolicies, "group " + group.GroupName);
            c.Result.Element("GroupName", group.GroupName).Element("PolicyName", policy.PolicyName).Element("PolicyDocument", Uri.EscapeDataString(policy.Document));
        });
        Register("ListGroupPolicies", c => ListInline(c, RequireGroup(c, CheckedGroupName(c)).InlinePolicies));
        Register("DeleteGroupPolicy", c =>
        {
            var group = RequireGroup(c, CheckedGroupName(c));
            group.InlinePolicies.Remove(RequireInline(c, group.InlinePolicies, "group " + group.GroupName));
        }, hasResult: false);

        Register("CreatePolicy", CreatePolicy);
        Register("GetPolicy", GetPolicy);
        Register("GetPolicyVersion", GetPolicyVersion);
        Register("CreatePolicyVersion", CreatePolicyVersion);
        Register("ListPolicyVersions", ListPolicyVersions);
        Register("DeletePolicyVersion", DeletePolicyVersion, hasResult: false);
        Register("SetDefaultPolicyVersion", SetDefaultPolicyVersion, hasResult: false);
        Register("ListPolicies", ListPolicies);
        Register("DeletePolicy", DeletePolicy, hasResult: false);
    }

    // ---- managed policy attachments ----

    private static string CheckedPolicyArn(OperationContext context)
    {
        string arn = context.Required("PolicyArn");
        OperationContext.EnforceLength("PolicyArn", arn, 20, 2048);
        if (!arn.StartsWith("arn:", StringComparison.Ordinal) || arn.Split(':').Length < 6)
        {
            throw IamServiceException.InvalidInput("ARN " + arn + " is not valid.");
        }

        return arn;
    }

    private static void Attach(OperationContext context, List<string> attached, int limit, string quotaName)
    {
        string arn = CheckedPolicyArn(context);
        if (!context.Store.PolicyExists(arn))
        {
            throw IamServiceException.NoSuchEntity("Policy " + arn + " does not exist or is not attachable.");
        }

        if (attached.Contains(arn))
        {
            // Attaching an attached policy again changes nothing and succeeds, as in IAM.
            return;
        }

        if (attached.Count >= limit)
        {
            throw IamServiceException.LimitExceeded("Cannot exceed quota for " + quotaName + ": " + limit);
        }

        attached.Add(arn);
    }

    private static void Detach(OperationContext context, List<string> attached)
    {
        string arn = CheckedPolicyArn(context);
        if (!attached.Remove(arn))
        {
            throw IamServiceException.NoSuchEntity("Policy " + arn + " was not found.");
        }
    }

    private static void ListAttached(OperationContext context, List<string> attached)
    {
        string? prefix = CheckedPolicyPathPrefix(context);
        var store = context.Store;
        var matching = attached.Where(arn => prefix is null || PolicyPathOf(store, arn).StartsWith(prefix, StringComparison.Ordinal));
        var page = Page(context, matching, arn => NameKey(store.PolicyNameOf(arn)) + "\u0000" + arn, out string? next);
        var w = context.Result.Open("AttachedPolicies");
        foreach (string arn in page)
        {
            w.Open("member").Element("PolicyName", store.PolicyNameOf(arn)).Element("PolicyArn", arn).Close("member");
        }

        WritePageEnd(w.Close("AttachedPolicies"), next);
    }

    private static string PolicyPathOf(AccountStore store, string arn) =>
        ManagedPolicyCatalog.Find(arn)?.Path ?? store.FindCustomerPolicy(arn)?.Path ?? "/";

    private static string? CheckedPolicyPathPrefix(OperationContext context)
    {
        string? prefix = context.Optional("PathPrefix");
        if (prefix is not null)
        {
            OperationContext.EnforceLength("PathPrefix", prefix, 1, 512);
            if (!PolicyPathPattern.IsMatch(prefix))
            {
                throw IamServiceException.Validation("1 validation error detected: Value '" + prefix
                    + "' at 'pathPrefix' failed to satisfy constraint: Member must satisfy regular expression pattern: ((/[A-Za-z0-9\\.,\\+@=_-]+)*)/");
            }
        }

        return prefix;
    }

    // ---- inline policies ----

    /// <summary>The document parameter: present, within the model's length and character set, and valid identity-policy grammar.</summary>
    private static string CheckedPolicyDocument(OperationContext context, PolicyDocumentKind kind = PolicyDocumentKind.Identity)
    {
        string document = context.Required("PolicyDocument");
        if (document.Length < 1 || document.Length > IamLimits.PolicyDocumentParameterMaxLength)
        {
            throw IamServiceException.Validation("1 validation error detected: Value at 'policyDocument' failed to satisfy constraint: Member must have length less than or equal to "
                + IamLimits.PolicyDocumentParameterMaxLength);
        }

        if (document.Any(c => !(c == '\t' || c == '\n' || c == '\r' || (c >= 0x20 && c <= 0xFF))))
        {
            throw IamServiceException.Validation("1 validation error detected: Value at 'policyDocument' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\u0009\\u000A\\u000D\\u0020-\\u00FF]+");
        }

        var validation = PolicyDocumentValidator.Validate(document, kind);
        if (!validation.IsValid)
        {
            string message = validation.Problems.Count > 0 ? validation.Problems[0].Message : "Syntax errors in policy.";
            throw IamServiceException.MalformedPolicyDocument(message);
        }

        // What is stored must be what the evaluator can read: a policy it could not read would have to fail every request.
        if (kind == PolicyDocumentKind.Identity)
        {
            try
            {
                PolicyParser.Parse(document);
            }
            catch (PolicyParseException error)
            {
                throw IamServiceException.MalformedPolicyDocument(error.Message);
            }
        }

        return document;
    }

    private static string CheckedPolicyName(OperationContext context)
    {
        string name = context.Required("PolicyName");
        OperationContext.Enforce(IamNameRules.CheckPolicyName(name));
        return name;
    }

    private static void PutInline(OperationContext context, List<InlinePolicyEntity> policies, int aggregateLimit, string owner)
    {
        string name = CheckedPolicyName(context);
        string document = CheckedPolicyDocument(context);
        int others = policies.Where(p => !IamNameRules.NameComparer.Equals(p.PolicyName, name))
            .Sum(p => PolicyDocumentValidator.CountNonWhitespace(p.Document));
        if (others + PolicyDocumentValidator.CountNonWhitespace(document) > aggregateLimit)
        {
            throw IamServiceException.LimitExceeded("Maximum policy size of " + aggregateLimit + " bytes exceeded for " + owner);
        }

        var existing = policies.FirstOrDefault(p => IamNameRules.NameComparer.Equals(p.PolicyName, name));
        if (existing is not null)
        {
            existing.Document = document;
        }
        else
        {
            policies.Add(new InlinePolicyEntity { PolicyName = name, Document = document });
        }
    }

    private static InlinePolicyEntity RequireInline(OperationContext context, List<InlinePolicyEntity> policies, string owner)
    {
        string name = CheckedPolicyName(context);
        return policies.FirstOrDefault(p => IamNameRules.NameComparer.Equals(p.PolicyName, name))
            ?? throw IamServiceException.NoSuchEntity("The " + owner.Split(' ')[0] + " policy with name " + name + " cannot be found.");
    }

    private static void ListInline(OperationContext context, List<InlinePolicyEntity> policies)
    {
        var page = Page(context, policies, p => NameKey(p.PolicyName), out string? next);
        var w = context.Result.Open("PolicyNames");
        foreach (var policy in page)
        {
            w.Element("member", policy.PolicyName);
        }

        WritePageEnd(w.Close("PolicyNames"), next);
    }
}
