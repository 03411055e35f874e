using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using IamOnboard.LocalIam.Auth;
using IamOnboard.LocalIam.Policy;
using IamOnboard.LocalIam.Protocol;
using IamOnboard.LocalIam.State;

namespace IamOnboard.LocalIam.Iam;

/// <summary>
/// SimulatePrincipalPolicy and SimulateCustomPolicy: the endpoint's own evaluator run for every action and resource,
/// with IAM's result shape. Context keys come only from ContextEntries, as in IAM's simulator, so a key a policy tests and
/// the caller did not supply is reported in MissingContextValues.
/// </summary>
internal sealed partial class IamService
{
    private static readonly string[] ContextKeyTypes =
        { "string", "stringList", "numeric", "numericList", "boolean", "booleanList", "ip", "ipList", "binary", "binaryList", "date", "dateList" };

    private void RegisterSimulation()
    {
        Register("SimulatePrincipalPolicy", SimulatePrincipalPolicy);
        Register("SimulateCustomPolicy", SimulateCustomPolicy);
    }

    private static void SimulatePrincipalPolicy(OperationContext context)
    {
        string sourceArn = context.Required("PolicySourceArn");
        OperationContext.EnforceLength("PolicySourceArn", sourceArn, 20, 2048);
        var principal = PrincipalOf(context.Store, sourceArn);
        var identity = principal.Identity.ToList();
        identity.AddRange(InputPolicies(context, "PolicyInputList"));
        var boundary = InputPolicies(context, "PermissionsBoundaryPolicyInputList");
        Simulate(context, PrincipalPolicies.Custom(identity, boundary.Count > 0 ? boundary : principal.Boundary?.ToList()));
    }

    private static void SimulateCustomPolicy(OperationContext context)
    {
        var identity = InputPolicies(context, "PolicyInputList");
        if (identity.Count == 0)
        {
            context.Required("PolicyInputList.member.1");
        }

        var boundary = InputPolicies(context, "PermissionsBoundaryPolicyInputList");
        Simulate(context, PrincipalPolicies.Custom(identity, boundary.Count > 0 ? boundary : null));
    }

    private static PrincipalPolicies PrincipalOf(AccountStore store, string arn)
    {
        string prefix = "arn:aws:iam::" + store.AccountId + ":";
        int slash = arn.LastIndexOf('/');
        if (!arn.StartsWith(prefix, StringComparison.Ordinal) || slash < 0)
        {
            throw IamServiceException.InvalidInput("Invalid ARN: " + arn + " is not the ARN of a user, group or role in this account.");
        }

        string name = arn.Substring(slash + 1);
        string kind = arn.Substring(prefix.Length, arn.IndexOf('/', prefix.Length) - prefix.Length);
        switch (kind)
        {
            case "user":
                var user = store.FindUser(name);
                return user is not null && store.UserArn(user) == arn ? PrincipalPolicies.ForUser(store, user)
                    : throw IamServiceException.NoSuchEntity("The user with name " + name + " cannot be found.");
            case "group":
                var group = store.FindGroup(name);
                return group is not null && store.GroupArn(group) == arn ? PrincipalPolicies.ForGroup(store, group)
                    : throw IamServiceException.NoSuchEntity("The group with name " + name + " cannot be found.");
            case "role":
                var role = store.FindRole(name);
                return role is not null && store.RoleArn(role) == arn ? PrincipalPolicies.ForRole(store, role)
                    : throw IamServiceException.NoSuchEntity("The role with name " + name + " cannot be found.");
            default:
                throw IamServiceException.InvalidInput("Invalid ARN: " + arn + " is not the ARN of a user, group or role.");
        }
    }

    private static List<PolicySource> InputPolicies(OperationContext context, string parameter)
    {
        var documents = context.Parameters.List(parameter);
        var sources = new List<PolicySource>(documents.Count);
        for (int i = 0; i < documents.Count; i++)
        {
            string id = parameter + "." + (i + 1).ToString(CultureInfo.InvariantCulture);
            try
            {
                sources.Add(new PolicySource(id, "none", PolicyParser.Parse(documents[i])));
            }
            catch (PolicyParseException error)
            {
                throw IamServiceException.InvalidInput(id + " is not a valid policy: " + error.Message);
            }
        }

        return sources;
    }

    private static void Simulate(OperationContext context, PrincipalPolicies policies)
    {
        var actions = context.Parameters.List("ActionNames");
        if (actions.Count == 0)
        {
            context.Required("ActionNames.member.1");
        }

        var resources = context.Parameters.List("ResourceArns");
        if (resources.Count == 0)
        {
            resources.Add("*");
        }

        var requestContext = SimulationContext(context);
        var cases = actions.SelectMany(action => resources.Select(resource => (Action: action, Resource: resource))).ToList();
        int maxItems = context.OptionalInt("MaxItems", 1, 1000) ?? 100;
        int start = 0;
        string? marker = context.Optional("Marker");
        if (marker is not null && (!int.TryParse(marker, NumberStyles.None, CultureInfo.InvariantCulture, out start) || start > cases.Count))
        {
            throw IamServiceException.InvalidInput("Invalid Marker.");
        }

        var w = context.Result.Open("EvaluationResults");
        foreach (var (action, resource) in cases.Skip(start).Take(maxItems))
        {
            var result = PolicyEvaluator.Evaluate(action, resource, requestContext, policies.Identity, policies.Boundary);
            WriteEvaluation(w, action, resource, result);
        }

        w.Close("EvaluationResults");
        int next = start + maxItems;
        w.Element("IsTruncated", next < cases.Count);
        if (next < cases.Count)
        {
            w.Element("Marker", next.ToString(CultureInfo.InvariantCulture));
        }
    }

    private static RequestContext SimulationContext(OperationContext context)
    {
        var requestContext = new RequestContext();
        for (int i = 1; ; i++)
        {
            string prefix = "ContextEntries.member." + i.ToString(CultureInfo.InvariantCulture) + ".";
            string? name = context.Optional(prefix + "ContextKeyName");
            if (name is null)
            {
                return requestContext;
            }

            OperationContext.EnforceLength("ContextKeyName", name, 5, 256);
            string? type = context.Optional(prefix + "ContextKeyType");
            if (type is not null && Array.IndexOf(ContextKeyTypes, type) < 0)
            {
                throw IamServiceException.Validation("1 validation error detected: Value '" + type + "' at 'contextEntries." + i.ToString(CultureInfo.InvariantCulture)
                    + ".member.contextKeyType' failed to satisfy constraint: Member must satisfy enum value set: [" + string.Join(", ", ContextKeyTypes) + "]");
            }

            requestContext.Set(name, context.Parameters.List(prefix + "ContextKeyValues"));
        }
    }

    private static string Decision(EvaluationDecision decision) => decision switch
    {
        EvaluationDecision.Allowed => "allowed",
        EvaluationDecision.ExplicitDeny => "explicitDeny",
        _ => "implicitDeny",
    };

    private static void WriteEvaluation(XmlResponseWriter w, string action, string resource, EvaluationResult result)
    {
        w.Open("member")
            .Element("EvalActionName", action)
            .Element("EvalResourceName", resource)
            .Element("EvalDecision", Decision(result.Decision))
            .Open("MatchedStatements");
        foreach (var matched in result.MatchedStatements)
        {
            w.Open("member")
                .Element("SourcePolicyId", matched.Source.Id)
                .Element("SourcePolicyType", matched.Source.Type)
                .Open("StartPosition").Element("Line", matched.Statement.Start.Line).Element("Column", matched.Statement.Start.Column).Close("StartPosition")
                .Open("EndPosition").Element("Line", matched.Statement.End.Line).Element("Column", matched.Statement.End.Column).Close("EndPosition")
                .Close("member");
        }

        w.Close("MatchedStatements").Open("MissingContextValues");
        foreach (string key in result.MissingContextValues)
        {
            w.Element("member", key);
        }

        w.Close("MissingContextValues");
        if (result.AllowedByBoundary is { } allowedByBoundary)
        {
            w.Open("PermissionsBoundaryDecisionDetail").Element("AllowedByPermissionsBoundary", allowedByBoundary).Close("PermissionsBoundaryDecisionDetail");
        }

        w.Close("member");
    }
}
