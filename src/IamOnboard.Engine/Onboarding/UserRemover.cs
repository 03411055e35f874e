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

    /// <summary>What the sign-in credentials are, in the order both removing and disabling take them.</summary>
    private static readonly string[] SignInStages = { "login profile", "MFA devices", "SSH public keys", "signing certificates", "service-specific credentials" };

    private static readonly string[] RemovalStages = SignInStages.Concat(new[] { "access keys", "inline policies", "attached policies", "group memberships", "the user itself" }).ToArray();

    private static readonly string[] DisablingStages = SignInStages.Concat(new[] { "access keys to deactivate", $"the {DisabledAtTag} and {DisabledByTag} tags", "the hand-off mark" }).ToArray();

    private readonly OnboardSession _session;
    private readonly object _unassignedGate = new();
    private Task<IReadOnlyList<IamVirtualMfaDevice>>? _unassigned;

    /// <summary>One remover serves a whole batch: the account's unassigned devices are listed once for all its users.</summary>
    public UserRemover(OnboardSession session) => _session = session;

    /// <summary>
    /// Removes the user and returns what was removed, in order, with the user's name as IAM spells it. A failure midway
    /// throws <see cref="OffboardingFailedException"/> saying what was removed and what is left.
    /// </summary>
    public async Task<UserRemoval> RemoveAsync(string givenName, CancellationToken ct)
    {
        var iam = _session.Iam;
        var userName = (await CheckTargetAsync(givenName, ct).ConfigureAwait(false)).UserName;
        var progress = new RemovalProgress(RemovalStages);
        try
        {
            await RemoveSignInAsync(userName, progress, ct).ConfigureAwait(false);
            var keys = await iam.ListAccessKeysAsync(userName, ct).ConfigureAwait(false);
            progress.Reach("access keys", keys.Select(KeyLeft));
            foreach (var key in keys)
            {
                await IgnoreMissing(iam.DeleteAccessKeyAsync(userName, key.AccessKeyId, ct)).ConfigureAwait(false);
                progress.Did(KeyLeft(key), $"access key {key.AccessKeyId}");
            }

            var inline = await iam.ListUserPoliciesAsync(userName, ct).ConfigureAwait(false);
            progress.Reach("inline policies", inline.Select(name => $"inline policy {name}"));
            foreach (var policyName in inline)
            {
                await IgnoreMissing(iam.DeleteUserPolicyAsync(userName, policyName, ct)).ConfigureAwait(false);
                progress.Did($"inline policy {policyName}");
            }

            var attached = await iam.ListAttachedUserPoliciesAsync(userName, ct).ConfigureAwait(false);
            progress.Reach("attached policies", attached.Select(policy => $"attachment of {policy.PolicyArn}"));
            foreach (var policy in attached)
            {
                await IgnoreMissing(iam.DetachUserPolicyAsync(userName, policy.PolicyArn, ct)).ConfigureAwait(false);
                progress.Did($"attachment of {policy.PolicyArn}");
            }

            var groups = await iam.ListGroupsForUserAsync(userName, ct).ConfigureAwait(false);
            progress.Reach("group memberships", groups.Select(group => $"membership of {group.GroupName}"));
            foreach (var group in groups)
            {
                await IgnoreMissing(iam.RemoveUserFromGroupAsync(group.GroupName, userName, ct)).ConfigureAwait(false);
                progress.Did($"membership of {group.GroupName}");
            }

            progress.Reach("the user itself", new[] { $"user {userName}" });
            await iam.DeleteUserAsync(userName, ct).ConfigureAwait(false);
            progress.Did($"user {userName}");
        }
        catch (Exception failure) when (failure is not OperationCanceledException)
        {
            throw progress.Failure(userName, "removed", "Removed", failure, $"Remove-OnboardUser '{userName}'");
        }

        return new UserRemoval(userName, progress.Done);
    }

    /// <summary>
    /// Leaves the user with nothing usable and keeps it (its ARN, policies, groups and CloudTrail history): access keys
    /// deactivated, login profile, MFA devices, SSH keys, signing certificates and service-specific credentials removed,
    /// and tags saying when and by whom. Returns what was done, in order, with the user's name as IAM spells it. A
    /// failure midway throws <see cref="OffboardingFailedException"/> saying what was done and what is left.
    /// </summary>
    public async Task<UserRemoval> DisableAsync(string givenName, DateTimeOffset now, CancellationToken ct)
    {
        var iam = _session.Iam;
        var user = await CheckTargetAsync(givenName, ct).ConfigureAwait(false);
        var userName = user.UserName;
        var progress = new RemovalProgress(DisablingStages);
        try
        {
            await RemoveSignInAsync(userName, progress, ct).ConfigureAwait(false);
            var active = (await iam.ListAccessKeysAsync(userName, ct).ConfigureAwait(false)).Where(k => k.Status == IamAccessKeyStatus.Active).ToList();
            progress.Reach("access keys to deactivate", active.Select(KeyLeft));
            foreach (var key in active)
            {
                await iam.UpdateAccessKeyAsync(userName, key.AccessKeyId, IamAccessKeyStatus.Inactive, ct).ConfigureAwait(false);
                progress.Did(KeyLeft(key), $"access key {key.AccessKeyId} deactivated");
            }

            // Disabled before: when and by whom it was first disabled is what an audit asks, so a second -Disable keeps it.
            string? note = null;
            if (FindDisabling(user) is { } disabling)
            {
                note = $"already disabled at {disabling.At}" + (disabling.By is { } disabledBy ? $" by {disabledBy}" : string.Empty)
                    + $"; its {DisabledAtTag} and {DisabledByTag} tags were kept";
            }
            else
            {
                // A session name may hold characters a tag value may not (a comma): those become '_'.
                var by = System.Text.RegularExpressions.Regex.Replace(_session.CallerArn, @"[^\p{L}\p{Z}\p{N}_.:/=+\-@]", "_");
                by = by.Length <= IamNameRules.TagValueMaxLength ? by : by.Substring(0, IamNameRules.TagValueMaxLength);
                var tags = $"tags {DisabledAtTag} and {DisabledByTag}";
                progress.Reach($"the {DisabledAtTag} and {DisabledByTag} tags", new[] { tags });
                await iam.TagUserAsync(userName, new[]
                {
                    new IamTag(DisabledAtTag, now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)),
                    new IamTag(DisabledByTag, by),
                }, ct).ConfigureAwait(false);
                progress.Did(tags, $"tagged {DisabledAtTag} and {DisabledByTag}");
            }

            // A hand-off mark says a run still owes credentials: those were just deactivated or deleted, and a run that
            // honoured the mark (an older IamOnboard, or any run once the user is re-enabled) would replace the key with an
            // active one nobody asked for. Removed after the disabled tags: a failure in between leaves the user refused by
            // New-OnboardUser, and -Disable again removes it.
            if (user.Tags.FirstOrDefault(HandOffMark.IsMark) is { } markTag)
            {
                var mark = $"hand-off mark {markTag.Key}";
                progress.Reach("the hand-off mark", new[] { mark });
                await iam.UntagUserAsync(userName, new[] { markTag.Key }, ct).ConfigureAwait(false);
                progress.Did(mark, $"{mark} removed");
            }

            return new UserRemoval(userName, progress.Done) { Note = note };
        }
        catch (Exception failure) when (failure is not OperationCanceledException)
        {
            throw progress.Failure(userName, "disabled", "Done", failure, $"Remove-OnboardUser '{userName}' -Disable");
        }
    }

    /// <summary>An access key as a failure names it when it is left: its status says whether it still signs.</summary>
    private static string KeyLeft(IamAccessKeyMetadata key) => $"access key {key.AccessKeyId} ({key.Status})";

    /// <summary>When (<see cref="DisabledAtTag"/>) and by whom the user was disabled; null when it was not.</summary>
    public static (string At, string? By)? FindDisabling(IamUser user) =>
        TagValue(user, DisabledAtTag) is { } at ? (at, TagValue(user, DisabledByTag)) : null;

    /// <summary>The value of the user's tag <paramref name="key"/>; keys on users are compared without regard to case, as IAM does.</summary>
    private static string? TagValue(IamUser user, string key) =>
        user.Tags.FirstOrDefault(t => string.Equals(t.Key, key, StringComparison.OrdinalIgnoreCase))?.Value;

    /// <summary>
    /// The name is valid, the user exists, and it is not the identity this session signs with: removing that would
    /// delete the session's own access key and leave the administrator locked out halfway. Returns the user as IAM has
    /// it, its name as IAM spells it: names are unique without regard to case, so 'ALICE' finds 'Alice'.
    /// </summary>
    /// <summary>
    /// What <see cref="RemoveAsync"/> and <see cref="DisableAsync"/> refuse before any change (a name IAM would refuse, a
    /// user that does not exist, the session's own identity), found with one read and changing nothing: for -WhatIf,
    /// so a dry run of an offboarding list gives the refusals the run would.
    /// </summary>
    public Task CheckAsync(string givenName, CancellationToken ct) => CheckTargetAsync(givenName, ct);

    private async Task<IamUser> CheckTargetAsync(string userName, CancellationToken ct)
    {
        NameInput.CheckUser(userName, "UserName");

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
    private async Task RemoveSignInAsync(string userName, RemovalProgress progress, CancellationToken ct)
    {
        var iam = _session.Iam;
        var profile = await LoginProfiles.FindAsync(iam, userName, ct).ConfigureAwait(false);
        progress.Reach("login profile", profile is null ? Array.Empty<string>() : new[] { "login profile" });
        if (profile is not null)
        {
            await IgnoreMissing(iam.DeleteLoginProfileAsync(userName, ct)).ConfigureAwait(false);
            progress.Did("login profile");
        }

        var devices = await iam.ListMfaDevicesAsync(userName, ct).ConfigureAwait(false);
        progress.Reach("MFA devices", devices.Select(device => $"MFA device {device.SerialNumber}"));
        foreach (var device in devices)
        {
            await IgnoreMissing(iam.DeactivateMfaDeviceAsync(userName, device.SerialNumber, ct)).ConfigureAwait(false);
            if (device.SerialNumber.Contains(":mfa/"))
            {
                // A virtual device outlives its user unless deleted; it would block its name forever.
                await IgnoreMissing(iam.DeleteVirtualMfaDeviceAsync(device.SerialNumber, ct)).ConfigureAwait(false);
            }

            progress.Did($"MFA device {device.SerialNumber}");
        }

        await RemoveLeftVirtualMfaDeviceAsync(userName, progress, ct).ConfigureAwait(false);

        var sshKeys = await iam.ListSshPublicKeysAsync(userName, ct).ConfigureAwait(false);
        progress.Reach("SSH public keys", sshKeys.Select(key => key.ToString()));
        foreach (var key in sshKeys)
        {
            await IgnoreMissing(iam.DeleteSshPublicKeyAsync(userName, key.Id, ct)).ConfigureAwait(false);
            progress.Did(key.ToString());
        }

        var certificates = await iam.ListSigningCertificatesAsync(userName, ct).ConfigureAwait(false);
        progress.Reach("signing certificates", certificates.Select(certificate => certificate.ToString()));
        foreach (var certificate in certificates)
        {
            await IgnoreMissing(iam.DeleteSigningCertificateAsync(userName, certificate.Id, ct)).ConfigureAwait(false);
            progress.Did(certificate.ToString());
        }

        var credentials = await iam.ListServiceSpecificCredentialsAsync(userName, ct).ConfigureAwait(false);
        progress.Reach("service-specific credentials", credentials.Select(credential => credential.ToString()));
        foreach (var credential in credentials)
        {
            await IgnoreMissing(iam.DeleteServiceSpecificCredentialAsync(userName, credential.Id, ct)).ConfigureAwait(false);
            progress.Did(credential.ToString());
        }
    }

    /// <summary>
    /// Deletes the user's virtual MFA device that an earlier removal stopped between DeactivateMFADevice and
    /// DeleteVirtualMFADevice (Ctrl+C) left behind: deactivated, it is no longer the user's, so ListMFADevices does not
    /// show it, and it would stay in the account, unassigned and with a live seed, for good. It is found as enrolment
    /// names it (VirtualMfaEnroller: the user's name, unless -DeviceName said otherwise): an unassigned device of this
    /// account whose name is the user's. Where listing devices is denied, a warning says the check was not made.
    /// </summary>
    private async Task RemoveLeftVirtualMfaDeviceAsync(string userName, RemovalProgress progress, CancellationToken ct)
    {
        var iam = _session.Iam;
        IReadOnlyList<IamVirtualMfaDevice> unassigned;
        try
        {
            unassigned = await UnassignedDevicesAsync(ct).ConfigureAwait(false);
        }
        catch (IamAccessDeniedException denied)
        {
            OnboardLog.Current.Warning($"{userName}: could not look for a virtual MFA device named '{userName}' that an interrupted removal left "
                + $"unassigned ({denied.Message.TrimEnd('.')}); list them with: aws iam list-virtual-mfa-devices --assignment-status Unassigned");
            return;
        }

        var prefix = $"arn:{_session.Partition}:iam::{_session.AccountId}:mfa/";
        var left = unassigned.Select(device => device.SerialNumber)
            .Where(serial => serial.StartsWith(prefix, StringComparison.Ordinal)
                && string.Equals(serial.Substring(serial.LastIndexOf('/') + 1), userName, StringComparison.OrdinalIgnoreCase))
            .ToList();
        progress.Reach("MFA devices", left.Select(serial => $"unassigned virtual MFA device {serial}"));
        foreach (var serial in left)
        {
            await IgnoreMissing(iam.DeleteVirtualMfaDeviceAsync(serial, ct)).ConfigureAwait(false);
            progress.Did($"unassigned virtual MFA device {serial}");
        }
    }

    /// <summary>
    /// The account's unassigned virtual MFA devices, listed once per batch (the list is the whole account's, paged):
    /// a device an earlier, interrupted removal left is there before this batch starts. A listing cancelled or failed
    /// for another reason than a denial is listed again for the next user.
    /// </summary>
    private Task<IReadOnlyList<IamVirtualMfaDevice>> UnassignedDevicesAsync(CancellationToken ct)
    {
        lock (_unassignedGate)
        {
            if (_unassigned is null || _unassigned.IsCanceled || (_unassigned.IsFaulted && _unassigned.Exception?.InnerException is not IamAccessDeniedException))
            {
                _unassigned = _session.Iam.ListVirtualMfaDevicesAsync(VirtualMfaAssignmentStatus.Unassigned, ct);
            }

            return _unassigned;
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

/// <summary>What a removal or disabling has done and what it has not, so that a failure midway can say both.</summary>
internal sealed class RemovalProgress
{
    private readonly IReadOnlyList<string> _stages;
    private readonly List<string> _pending = new();
    private int _reached = -1;

    /// <param name="stages">What the user may have, in the order it is taken away, as a failure names what was not reached.</param>
    public RemovalProgress(IReadOnlyList<string> stages) => _stages = stages;

    public List<string> Done { get; } = new();

    /// <summary>A stage is reached: what it found to take away, in order (the stage may be reached again with more).</summary>
    public void Reach(string stage, IEnumerable<string> found)
    {
        _reached = Math.Max(_reached, IndexOf(stage));
        _pending.Clear();
        _pending.AddRange(found);
    }

    public void Did(string thing) => Did(thing, thing);

    public void Did(string pending, string done)
    {
        _pending.Remove(pending);
        Done.Add(done);
    }

    /// <summary>
    /// The failure, naming the user, the call that failed, what was done before it, what is left and what was not reached,
    /// and the command whose re-run finishes it: each stage lists what is there, so a re-run skips what is gone.
    /// </summary>
    public OffboardingFailedException Failure(string userName, string partly, string doneWord, Exception failure, string rerun)
    {
        var call = failure is IamServiceException iam ? $"{iam.Operation} failed" : "it failed";
        var message = $"IAM user '{userName}' was only partly {partly}: {call} ({failure.Message.TrimEnd('.')}). "
            + $"{doneWord} before it: {(Done.Count == 0 ? "nothing" : string.Join(", ", Done))}. ";
        if (_pending.Count > 0)
        {
            message += $"Left: {string.Join(", ", _pending)}. ";
        }

        var notReached = _stages.Skip(_reached + 1).ToList();
        if (notReached.Count > 0)
        {
            message += $"Not reached yet: {string.Join(", ", notReached)}. ";
        }

        message += $"Run {rerun} again to finish once {(failure is IamServiceException failed ? failed.Operation : "the call")} can succeed: it skips what is already gone and takes away the rest.";
        return new OffboardingFailedException(message, userName, failure);
    }

    private int IndexOf(string stage)
    {
        for (var i = 0; i < _stages.Count; i++)
        {
            if (string.Equals(_stages[i], stage, StringComparison.Ordinal))
            {
                return i;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(stage), stage, "Not a stage of this removal.");
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
