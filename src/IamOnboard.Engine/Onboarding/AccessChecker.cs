using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using IamOnboard.Iam;
using IamOnboard.Sessions;

namespace IamOnboard.Onboarding;

/// <summary>
/// Asks IAM's policy simulator what a user may do (SimulatePrincipalPolicy), so works against real IAM as against the
/// local endpoint; the caller needs iam:GetUser and iam:SimulatePrincipalPolicy.
/// </summary>
public sealed class AccessChecker
{
    private readonly OnboardSession _session;

    public AccessChecker(OnboardSession session) => _session = session;

    /// <summary>One result per action and resource, as IAM evaluates the user's policies with the context given.</summary>
    public async Task<IReadOnlyList<IamEvaluationResult>> SimulateAsync(
        string userName, IEnumerable<string> actions, IEnumerable<string>? resources, IEnumerable<IamContextEntry> context, CancellationToken ct)
    {
        var user = await _session.Iam.GetUserAsync(userName, ct).ConfigureAwait(false);
        return await _session.Iam.SimulatePrincipalPolicyAsync(user.Arn, actions, resources, context, ct).ConfigureAwait(false);
    }
}
