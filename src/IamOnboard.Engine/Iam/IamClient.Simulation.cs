using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using System.Xml.Linq;
using IamOnboard.Iam.Internal;

namespace IamOnboard.Iam;

// Policy simulation: what a principal's policies decide, without making the calls.
public sealed partial class IamClient
{
    /// <summary>
    /// SimulatePrincipalPolicy: evaluates every action against every resource (default <c>*</c>) with the policies of the
    /// user, group or role <paramref name="policySourceArn"/> and the given context keys; all result pages.
    /// </summary>
    public async Task<IReadOnlyList<IamEvaluationResult>> SimulatePrincipalPolicyAsync(string policySourceArn, IEnumerable<string> actionNames,
        IEnumerable<string>? resourceArns = null, IEnumerable<IamContextEntry>? contextEntries = null, CancellationToken cancellationToken = default)
    {
        var parameters = new QueryParameters().Add("PolicySourceArn", policySourceArn).AddList("ActionNames", actionNames).AddList("ResourceArns", resourceArns);
        int index = 1;
        foreach (var entry in contextEntries ?? Enumerable.Empty<IamContextEntry>())
        {
            string prefix = "ContextEntries.member." + index.ToString(CultureInfo.InvariantCulture) + ".";
            parameters.Add(prefix + "ContextKeyName", entry.KeyName).Add(prefix + "ContextKeyType", entry.KeyType).AddList(prefix + "ContextKeyValues", entry.Values);
            index++;
        }

        var results = new List<IamEvaluationResult>();
        await foreach (var page in PagesAsync("SimulatePrincipalPolicy", parameters, cancellationToken).ConfigureAwait(false))
        {
            results.AddRange(IamXml.Members(page, "EvaluationResults").Select(ReadEvaluationResult));
        }

        return results;
    }

    private static IamEvaluationResult ReadEvaluationResult(XElement result)
    {
        var boundary = IamXml.Child(result, "PermissionsBoundaryDecisionDetail");
        return new IamEvaluationResult(
            IamXml.RequiredText(result, "EvalActionName"),
            IamXml.Text(result, "EvalResourceName") ?? "*",
            IamXml.RequiredText(result, "EvalDecision"),
            IamXml.Members(result, "MatchedStatements").Select(ReadMatchedStatement).ToList(),
            IamXml.Members(result, "MissingContextValues").Select(m => m.Value).ToList(),
            boundary is null ? null : IamXml.Bool(boundary, "AllowedByPermissionsBoundary"));
    }

    private static IamMatchedStatement ReadMatchedStatement(XElement statement)
    {
        var start = IamXml.Child(statement, "StartPosition");
        var end = IamXml.Child(statement, "EndPosition");
        return new IamMatchedStatement(
            IamXml.Text(statement, "SourcePolicyId") ?? string.Empty,
            IamXml.Text(statement, "SourcePolicyType") ?? string.Empty,
            IamXml.Int(start, "Line") ?? 0, IamXml.Int(start, "Column") ?? 0, IamXml.Int(end, "Line") ?? 0, IamXml.Int(end, "Column") ?? 0);
    }
}
