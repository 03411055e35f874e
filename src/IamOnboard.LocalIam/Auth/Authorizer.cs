using System;
using System.Linq;
using IamOnboard.LocalIam.Policy;
using IamOnboard.LocalIam.Protocol;
using IamOnboard.LocalIam.State;

namespace IamOnboard.LocalIam.Auth;

/// <summary>
/// Authorises every request with IAM's identity-policy evaluation (<see cref="PolicyEvaluator"/>): the caller's user,
/// group and role policies, its permissions boundary, and the request's context keys. The account root is not subject
/// to identity policies, as in IAM.
/// </summary>
internal static class Authorizer
{
    public static void AuthorizeIam(AccountStore store, CallerIdentity caller, string action, QueryParameters parameters, RequestFacts facts)
    {
        if (caller.Kind == CallerKind.Root)
        {
            return;
        }

        string resource = ActionResources.ResourceOf(store, caller, action, parameters);
        var context = facts.ContextFor(store, caller);
        ActionResources.AddActionKeys(action, parameters, context);
        Authorize(store, caller, "iam:" + action, resource, context);
    }

    /// <summary>
    /// The caller's own policies for sts:AssumeRole. A trust policy that names the caller is enough within the account,
    /// unless the caller's policies deny it; one that names only the account needs their Allow too.
    /// </summary>
    public static void AuthorizeAssumeRole(AccountStore store, CallerIdentity caller, string roleArn, RequestFacts facts, bool byNameInTrust)
    {
        const string action = "sts:AssumeRole";
        var policies = PoliciesOf(store, caller);
        var result = PolicyEvaluator.Evaluate(action, roleArn, facts.ContextFor(store, caller), policies.Identity, policies.Boundary);
        if (result.Decision == EvaluationDecision.ExplicitDeny || (result.Decision != EvaluationDecision.Allowed && !byNameInTrust))
        {
            throw Denied(caller, action, roleArn, result);
        }
    }

    public static PrincipalPolicies PoliciesOf(AccountStore store, CallerIdentity caller) =>
        caller.Role is not null ? PrincipalPolicies.ForRole(store, caller.Role) : PrincipalPolicies.ForUser(store, caller.User!);

    private static void Authorize(AccountStore store, CallerIdentity caller, string action, string resource, RequestContext context)
    {
        var policies = PoliciesOf(store, caller);
        var identity = policies.Identity;
        if (caller.User is not null && MayChangeOwnPassword(store))
        {
            identity = identity.Concat(new[] { ChangeOwnPassword.Value }).ToList();
        }

        var result = PolicyEvaluator.Evaluate(action, resource, context, identity, policies.Boundary);
        if (result.Decision != EvaluationDecision.Allowed)
        {
            throw Denied(caller, action, resource, result);
        }
    }

    /// <summary>
    /// The account password policy's AllowUsersToChangePassword gives every user what IAMUserChangePassword grants:
    /// ChangePassword on their own user and GetAccountPasswordPolicy. A user who must reset the password gets nothing
    /// more: without that setting it needs a policy, which is why the console attaches IAMUserChangePassword. An
    /// explicit Deny still wins.
    /// </summary>
    private static bool MayChangeOwnPassword(AccountStore store) =>
        store.State.PasswordPolicy?.AllowUsersToChangePassword == true;

    private static readonly Lazy<PolicySource> ChangeOwnPassword = new(() =>
        new PolicySource("IAMUserChangePassword", "aws-managed", PolicyParser.Parse(ManagedPolicyCatalog.Find(ManagedPolicyCatalog.IamUserChangePassword)!.Document)));

    /// <summary>IAM's AccessDenied text, naming what kind of policy decided.</summary>
    public static IamServiceException Denied(CallerIdentity caller, string action, string resource, EvaluationResult result)
    {
        string reason = result.Decision == EvaluationDecision.ExplicitDeny
            ? (result.DecidedByBoundary ? " with an explicit deny in a permissions boundary" : " with an explicit deny in an identity-based policy")
            : (result.DecidedByBoundary ? " because no permissions boundary allows the " + action + " action"
                : " because no identity-based policy allows the " + action + " action");
        return IamServiceException.AccessDenied("User: " + caller.Arn + " is not authorized to perform: " + action + " on resource: " + resource + reason);
    }

    public static IamServiceException Denied(CallerIdentity caller, string action, string resource) =>
        IamServiceException.AccessDenied("User: " + caller.Arn + " is not authorized to perform: " + action + " on resource: " + resource
            + " because no identity-based policy allows the " + action + " action");
}
