using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using IamOnboard.Diagnostics;
using IamOnboard.Iam;
using IamOnboard.Sessions;

namespace IamOnboard.Onboarding;

/// <summary>
/// Asks IAM's policy simulator what a user may do (SimulatePrincipalPolicy), so works against real IAM as against the
/// local endpoint; the caller needs iam:GetUser and iam:SimulatePrincipalPolicy (and iam:GetAccountPasswordPolicy when
/// iam:ChangePassword or iam:GetAccountPasswordPolicy is tested).
/// </summary>
/// <remarks>
/// The simulator evaluates policies only. The account password policy's AllowUsersToChangePassword "gives IAM users
/// permissions to iam:ChangePassword for only their user and to the iam:GetAccountPasswordPolicy action ... applied at
/// the account-level for all users by IAM" (IAM API reference, PasswordPolicy), with no policy to simulate: a user IAM
/// lets change their password was shown ImplicitDeny. Those results are Allowed here, said to be by the account password
/// policy. An explicit Deny, or a permissions boundary that does not allow the action, still decides, as the local
/// endpoint authorises it (IAM's documentation does not say otherwise).
/// </remarks>
public sealed class AccessChecker
{
    private const string ChangePassword = "iam:ChangePassword";
    private const string GetAccountPasswordPolicy = "iam:GetAccountPasswordPolicy";

    private readonly OnboardSession _session;
    private readonly object _gate = new();

    // The account's setting, read once per checker (one command's batch), not once per user.
    private Task<bool>? _usersMayChangePassword;

    public AccessChecker(OnboardSession session) => _session = session;

    /// <summary>
    /// One result per action and resource, as IAM evaluates the user's policies with the context given. Without
    /// <paramref name="resources"/>, iam:ChangePassword is evaluated on the user itself, the only resource it ever acts
    /// on (the call names no user), and every other action on <c>*</c>, the simulator's default.
    /// </summary>
    public async Task<IReadOnlyList<IamEvaluationResult>> SimulateAsync(
        string userName, IEnumerable<string> actions, IEnumerable<string>? resources, IEnumerable<IamContextEntry> context, CancellationToken ct)
    {
        var user = await _session.Iam.GetUserAsync(userName, ct).ConfigureAwait(false);
        var asked = actions.ToList();
        var results = await SimulateOnDefaultResourcesAsync(user.Arn, asked, resources, context, ct).ConfigureAwait(false);
        if (!results.Any(r => GrantableByAccount(r, user.Arn)) || !await UsersMayChangePasswordOnceAsync(ct).ConfigureAwait(false))
        {
            return results;
        }

        return results.Select(r => GrantableByAccount(r, user.Arn)
            ? new IamEvaluationResult(r.ActionName, r.ResourceName, "allowed", Array.Empty<IamMatchedStatement>(), r.MissingContextValues,
                r.AllowedByPermissionsBoundary, allowedByAccountPasswordPolicy: true)
            : r).ToList();
    }

    /// <summary>
    /// The simulator's results, with iam:ChangePassword asked about the user's own ARN when no resource is given: on
    /// <c>*</c> a policy that grants it on <c>user/${aws:username}</c> (IAMUserChangePassword, attached to users told to
    /// reset their password) does not match, and a user who can change their password was shown ImplicitDeny.
    /// </summary>
    private async Task<IReadOnlyList<IamEvaluationResult>> SimulateOnDefaultResourcesAsync(
        string userArn, List<string> actions, IEnumerable<string>? resources, IEnumerable<IamContextEntry> context, CancellationToken ct)
    {
        var self = actions.Where(IsChangePassword).ToList();
        if (resources is not null || self.Count == 0)
        {
            return await _session.Iam.SimulatePrincipalPolicyAsync(userArn, actions, resources, context, ct).ConfigureAwait(false);
        }

        var others = actions.Where(a => !IsChangePassword(a)).ToList();
        var onSelf = await _session.Iam.SimulatePrincipalPolicyAsync(userArn, self, new[] { userArn }, context, ct).ConfigureAwait(false);
        var onAny = others.Count == 0
            ? Array.Empty<IamEvaluationResult>()
            : await _session.Iam.SimulatePrincipalPolicyAsync(userArn, others, null, context, ct).ConfigureAwait(false);

        // In the order asked.
        return actions.SelectMany(a => (IsChangePassword(a) ? onSelf : onAny).Where(r => string.Equals(r.ActionName, a, StringComparison.OrdinalIgnoreCase)))
            .Distinct()
            .ToList();
    }

    private static bool IsChangePassword(string action) => string.Equals(action, ChangePassword, StringComparison.OrdinalIgnoreCase);

    /// <summary>An ImplicitDeny that AllowUsersToChangePassword would turn into an Allow: ChangePassword on the user itself, or GetAccountPasswordPolicy.</summary>
    private static bool GrantableByAccount(IamEvaluationResult result, string userArn)
    {
        if (result.Decision != "implicitDeny" || result.AllowedByPermissionsBoundary == false)
        {
            return false;
        }

        if (string.Equals(result.ActionName, GetAccountPasswordPolicy, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return string.Equals(result.ActionName, ChangePassword, StringComparison.OrdinalIgnoreCase)
            && (result.ResourceName == "*" || string.Equals(result.ResourceName, userArn, StringComparison.Ordinal));
    }

    private Task<bool> UsersMayChangePasswordOnceAsync(CancellationToken ct)
    {
        lock (_gate)
        {
            // A read that was cancelled or failed is not kept: the next user reads again.
            if (_usersMayChangePassword is null || _usersMayChangePassword.IsFaulted || _usersMayChangePassword.IsCanceled)
            {
                _usersMayChangePassword = UsersMayChangePasswordAsync(ct);
            }

            return _usersMayChangePassword;
        }
    }

    private async Task<bool> UsersMayChangePasswordAsync(CancellationToken ct)
    {
        try
        {
            return (await _session.Iam.GetAccountPasswordPolicyAsync(ct).ConfigureAwait(false))?.AllowUsersToChangePassword == true;
        }
        catch (IamAccessDeniedException denied)
        {
            OnboardLog.Current.Warning($"Could not read the account password policy ({denied.Message.TrimEnd('.')}), so the results for {ChangePassword} and {GetAccountPasswordPolicy} leave out its AllowUsersToChangePassword, which lets every IAM user change their own password.");
            return false;
        }
    }
}
