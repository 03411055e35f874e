using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using IamOnboard.Diagnostics;
using IamOnboard.Iam;
using IamOnboard.Rules;
using IamOnboard.Sessions;

namespace IamOnboard.Onboarding;

/// <summary>
/// Offboards a user: everything IAM refuses to delete a user with goes first, then the user. Or, for leavers whose
/// audit trail must stay, disables the user: nothing left to sign in or sign requests with, the user kept and tagged.
/// </summary>
public sealed class UserRemover
{
    /// <summary>Tag keys a disabled user gets: when, and by which identity.</summary>
    public const string DisabledAtTag = "onboard:disabled-at";
    public const string DisabledByTag = "onboard:disabled-by";

    private readonly OnboardSession _session;

    public UserRemover(OnboardSession session) => _session = session;

    /// <summary>Removes the user and returns what was removed, in order, with the user's name as IAM spells it.</summary>
    public async Task<UserRemoval> RemoveAsync(string givenName, CancellationToken ct)
    {
        var iam = _session.Iam;
        var userName = (await CheckTargetAsync(givenName, ct).ConfigureAwait(false)).UserName;
        var removed = new List<string>();
        await RemoveSignInAsync(userName, removed, ct).ConfigureAwait(false);
        foreach (var key in await iam.ListAccessKeysAsync(userName, ct).ConfigureAwait(false))
        {
            await IgnoreMissing(iam.DeleteAccessKeyAsync(userName, key.AccessKeyId, ct)).ConfigureAwait(false);
            removed.Add($"access key {key.AccessKeyId}");
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
        return new UserRemoval(userName, removed);
    }

    /// <summary>
    /// Leaves the user with nothing usable and keeps it (its ARN, policies, groups and CloudTrail history): access keys
    /// deactivated, login profile, MFA devices, SSH keys, signing certificates and service-specific credentials removed,
    /// and tags saying when and by whom. Returns what was done, in order, with the user's name as IAM spells it.
    /// </summary>
    public async Task<UserRemoval> DisableAsync(string givenName, DateTimeOffset now, CancellationToken ct)
    {
        var iam = _session.Iam;
        var user = await CheckTargetAsync(givenName, ct).ConfigureAwait(false);
        var userName = user.UserName;
        var done = new List<string>();
        await RemoveSignInAsync(userName, done, ct).ConfigureAwait(false);
        foreach (var key in await iam.ListAccessKeysAsync(userName, ct).ConfigureAwait(false))
        {
            if (key.Status == IamAccessKeyStatus.Active)
            {
                await iam.UpdateAccessKeyAsync(userName, key.AccessKeyId, IamAccessKeyStatus.Inactive, ct).ConfigureAwait(false);
                done.Add($"access key {key.AccessKeyId} deactivated");
            }
        }

        // Disabled before: when and by whom it was first disabled is what an audit asks, so a second -Disable keeps it.
        if (TagValue(user, DisabledAtTag) is { } disabledAt)
        {
            var note = $"already disabled at {disabledAt}" + (TagValue(user, DisabledByTag) is { } disabledBy ? $" by {disabledBy}" : string.Empty)
                + $"; its {DisabledAtTag} and {DisabledByTag} tags were kept";
            return new UserRemoval(userName, done) { Note = note };
        }

        // A session name may hold characters a tag value may not (a comma): those become '_'.
        var by = System.Text.RegularExpressions.Regex.Replace(_session.CallerArn, @"[^\p{L}\p{Z}\p{N}_.:/=+\-@]", "_");
        by = by.Length <= IamNameRules.TagValueMaxLength ? by : by.Substring(0, IamNameRules.TagValueMaxLength);
        await iam.TagUserAsync(userName, new[]
        {
            new IamTag(DisabledAtTag, now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)),
            new IamTag(DisabledByTag, by),
        }, ct).ConfigureAwait(false);
        done.Add($"tagged {DisabledAtTag} and {DisabledByTag}");
        return new UserRemoval(userName, done);
    }

    /// <summary>The value of the user's tag <paramref name="key"/>; keys on users are compared without regard to case, as IAM does.</summary>
    private static string? TagValue(IamUser user, string key) =>
        user.Tags.FirstOrDefault(t => string.Equals(t.Key, key, StringComparison.OrdinalIgnoreCase))?.Value;

    /// <summary>
    /// The name is valid, the user exists, and it is not the identity this session signs with: removing that would
    /// delete the session's own access key and leave the administrator locked out halfway. Returns the user as IAM has
    /// it, its name as IAM spells it: names are unique without regard to case, so 'ALICE' finds 'Alice'.
    /// </summary>
    private async Task<IamUser> CheckTargetAsync(string userName, CancellationToken ct)
    {
        if (IamNameRules.CheckUserName(userName) is { } badName)
        {
            throw new OnboardInputException("InvalidUserName", "UserName", userName, badName.Message);
        }

        var user = await _session.Iam.GetUserAsync(userName, ct).ConfigureAwait(false);
        if (string.Equals(user.Arn, _session.CallerArn, StringComparison.Ordinal) || string.Equals(user.UserId, _session.CallerUserId, StringComparison.Ordinal))
        {
            throw new OnboardInputException("RemovingSessionIdentity", "UserName", userName,
                $"IAM user '{user.UserName}' is the identity this session is signed in as ({_session.CallerArn}); it is not removed or disabled, "
                + "and its access key is left alone. Connect as another administrator to offboard it.");
        }

        return user;
    }

    /// <summary>Login profile, MFA devices, SSH keys, signing certificates and service-specific credentials: all removed either way.</summary>
    private async Task RemoveSignInAsync(string userName, List<string> removed, CancellationToken ct)
    {
        var iam = _session.Iam;
        if (await LoginProfiles.FindAsync(iam, userName, ct).ConfigureAwait(false) is not null)
        {
            await IgnoreMissing(iam.DeleteLoginProfileAsync(userName, ct)).ConfigureAwait(false);
            removed.Add("login profile");
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

        await RemoveLeftVirtualMfaDeviceAsync(userName, removed, ct).ConfigureAwait(false);

        foreach (var key in await iam.ListSshPublicKeysAsync(userName, ct).ConfigureAwait(false))
        {
            await IgnoreMissing(iam.DeleteSshPublicKeyAsync(userName, key.Id, ct)).ConfigureAwait(false);
            removed.Add(key.ToString());
        }

        foreach (var certificate in await iam.ListSigningCertificatesAsync(userName, ct).ConfigureAwait(false))
        {
            await IgnoreMissing(iam.DeleteSigningCertificateAsync(userName, certificate.Id, ct)).ConfigureAwait(false);
            removed.Add(certificate.ToString());
        }

        foreach (var credential in await iam.ListServiceSpecificCredentialsAsync(userName, ct).ConfigureAwait(false))
        {
            await IgnoreMissing(iam.DeleteServiceSpecificCredentialAsync(userName, credential.Id, ct)).ConfigureAwait(false);
            removed.Add(credential.ToString());
        }
    }

    /// <summary>
    /// Deletes the user's virtual MFA device that an earlier removal stopped between DeactivateMFADevice and
    /// DeleteVirtualMFADevice (Ctrl+C) left behind: deactivated, it is no longer the user's, so ListMFADevices does not
    /// show it, and it would stay in the account, unassigned and with a live seed, for good. It is found as enrolment
    /// names it (VirtualMfaEnroller: the user's name, unless -DeviceName said otherwise): an unassigned device of this
    /// account whose name is the user's. Where listing devices is denied, a warning says the check was not made.
    /// </summary>
    private async Task RemoveLeftVirtualMfaDeviceAsync(string userName, List<string> removed, CancellationToken ct)
    {
        var iam = _session.Iam;
        IReadOnlyList<IamVirtualMfaDevice> unassigned;
        try
        {
            unassigned = await iam.ListVirtualMfaDevicesAsync(VirtualMfaAssignmentStatus.Unassigned, ct).ConfigureAwait(false);
        }
        catch (IamAccessDeniedException denied)
        {
            OnboardLog.Current.Warning($"{userName}: could not look for a virtual MFA device named '{userName}' that an interrupted removal left "
                + $"unassigned ({denied.Message.TrimEnd('.')}); list them with: aws iam list-virtual-mfa-devices --assignment-status Unassigned");
            return;
        }

        var prefix = $"arn:{_session.Partition}:iam::{_session.AccountId}:mfa/";
        foreach (var device in unassigned)
        {
            var serial = device.SerialNumber;
            if (serial.StartsWith(prefix, StringComparison.Ordinal)
                && string.Equals(serial.Substring(serial.LastIndexOf('/') + 1), userName, StringComparison.OrdinalIgnoreCase))
            {
                await IgnoreMissing(iam.DeleteVirtualMfaDeviceAsync(serial, ct)).ConfigureAwait(false);
                removed.Add($"unassigned virtual MFA device {serial}");
            }
        }
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

/// <summary>What removing or disabling a user did, and the user's name as IAM spells it (not as it was typed).</summary>
public sealed class UserRemoval
{
    public UserRemoval(string userName, IReadOnlyList<string> done)
    {
        UserName = userName;
        Done = done;
    }

    public string UserName { get; }

    /// <summary>What was removed or done, in order.</summary>
    public IReadOnlyList<string> Done { get; }

    /// <summary>What was found done already and left as it is (a user disabled before); null when nothing was.</summary>
    public string? Note { get; init; }
}
