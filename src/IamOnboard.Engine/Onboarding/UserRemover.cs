using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using IamOnboard.Iam;
using IamOnboard.Rules;
using IamOnboard.Sessions;

namespace IamOnboard.Onboarding;

/// <summary>Offboards a user: everything IAM refuses to delete a user with goes first, then the user.</summary>
public sealed class UserRemover
{
    private readonly OnboardSession _session;

    public UserRemover(OnboardSession session) => _session = session;

    /// <summary>Removes the user and returns what was removed, in order.</summary>
    public async Task<IReadOnlyList<string>> RemoveAsync(string userName, CancellationToken ct)
    {
        if (IamNameRules.CheckUserName(userName) is { } badName)
        {
            throw new OnboardInputException("InvalidUserName", "UserName", userName, badName.Message);
        }

        var iam = _session.Iam;
        var removed = new List<string>();
        await iam.GetUserAsync(userName, ct).ConfigureAwait(false);

        if (await LoginProfiles.FindAsync(iam, userName, ct).ConfigureAwait(false) is not null)
        {
            await IgnoreMissing(iam.DeleteLoginProfileAsync(userName, ct)).ConfigureAwait(false);
            removed.Add("login profile");
        }

        foreach (var key in await iam.ListAccessKeysAsync(userName, ct).ConfigureAwait(false))
        {
            await IgnoreMissing(iam.DeleteAccessKeyAsync(userName, key.AccessKeyId, ct)).ConfigureAwait(false);
            removed.Add($"access key {key.AccessKeyId}");
        }

        foreach (var device in await iam.ListMfaDevicesAsync(userName, ct).ConfigureAwait(false))
        {
            await IgnoreMissing(iam.DeactivateMfaDeviceAsync(userName, device.SerialNumber, ct)).ConfigureAwait(false);
            if (device.SerialNumber.Contains(":mfa/"))
            {
                // A virtual device outlives its user unless deleted; it would block its name forever.
                await IgnoreMissing(iam.DeleteVirtualMfaDeviceAsync(device.SerialNumber, ct)).ConfigureAwait(false);
            }

            removed.Add($"MFA device {device.SerialNumber}");
        }

        foreach (var policyName in await iam.ListUserPoliciesAsync(userName, ct).ConfigureAwait(false))
        {
            await IgnoreMissing(iam.DeleteUserPolicyAsync(userName, policyName, ct)).ConfigureAwait(false);
            removed.Add($"inline policy {policyName}");
        }

        foreach (var policy in await iam.ListAttachedUserPoliciesAsync(userName, ct).ConfigureAwait(false))
        {
            await IgnoreMissing(iam.DetachUserPolicyAsync(userName, policy.PolicyArn, ct)).ConfigureAwait(false);
            removed.Add($"attachment of {policy.PolicyArn}");
        }

        foreach (var group in await iam.ListGroupsForUserAsync(userName, ct).ConfigureAwait(false))
        {
            await IgnoreMissing(iam.RemoveUserFromGroupAsync(group.GroupName, userName, ct)).ConfigureAwait(false);
            removed.Add($"membership of {group.GroupName}");
        }

        await iam.DeleteUserAsync(userName, ct).ConfigureAwait(false);
        removed.Add($"user {userName}");
        return removed;
    }

    private static async Task IgnoreMissing(Task call)
    {
        try
        {
            await call.ConfigureAwait(false);
        }
        catch (IamNoSuchEntityException)
        {
            // Gone already (a concurrent clean-up, or IAM catching up): the goal is met.
        }
    }
}
