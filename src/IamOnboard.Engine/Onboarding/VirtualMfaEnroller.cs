using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using IamOnboard.Diagnostics;
using IamOnboard.Iam;
using IamOnboard.Mfa;
using IamOnboard.Rules;
using IamOnboard.Sessions;

namespace IamOnboard.Onboarding;

/// <summary>A virtual MFA device created for a user and not yet enabled. Holds the seed: never log it.</summary>
public sealed class PendingMfaDevice
{
    private byte[]? _qrCodePng;

    internal PendingMfaDevice(string userName, string deviceName, string serialNumber, byte[] key, string base32Seed, string otpAuthUri)
    {
        UserName = userName;
        DeviceName = deviceName;
        SerialNumber = serialNumber;
        Key = key;
        Base32Seed = base32Seed;
        OtpAuthUri = otpAuthUri;
    }

    public string UserName { get; }

    public string DeviceName { get; }

    public string SerialNumber { get; }

    /// <summary>The TOTP key (the decoded seed).</summary>
    internal byte[] Key { get; }

    /// <summary>The seed as base32 text, as an authenticator app takes it by hand.</summary>
    public string Base32Seed { get; }

    /// <summary>What the QR code says: <c>otpauth://totp/...</c>, carrying the seed.</summary>
    public string OtpAuthUri { get; }

    /// <summary>
    /// The QR code of the URI, as PNG bytes, drawn from the seed on first use (the endpoint's QRCodePNG is not known
    /// to be an image, let alone one of this seed). Only a QR file needs it, so unattended enrolment never draws one.
    /// The PNG names the device (<see cref="QrCode.FindDevice"/>).
    /// </summary>
    public byte[] QrCodePng => _qrCodePng ??= QrCode.RenderPng(OtpAuthUri, SerialNumber);

    /// <summary>Checks two codes a person typed against the seed before IAM is asked.</summary>
    public MfaCodePairCheck CheckCodes(string code1, string code2, DateTimeOffset now) => Totp.CheckConsecutivePair(Key, code1, code2, now);

    /// <summary>Whether one code matches the seed now (a person's first code, before asking for the second).</summary>
    public bool IsCurrentCode(string code, DateTimeOffset now)
    {
        if (!Totp.IsWellFormedCode(code))
        {
            return false;
        }

        for (var step = -2; step <= 1; step++)
        {
            if (Totp.ComputeCode(Key, now.AddSeconds(step * 30)) == code)
            {
                return true;
            }
        }

        return false;
    }

    public override string ToString() => SerialNumber;
}

/// <summary>
/// Enrols users in virtual MFA: creates the device (replacing an abandoned, unassigned one of the same name),
/// enables it with two consecutive codes, and deletes the device again when enabling fails so the user can retry.
/// </summary>
/// <remarks>
/// A device's name is all IAM knows it by, and another run enrolling the same user uses the same name. So each device
/// is created with a <see cref="HandOffMark"/> tag naming the run that made it and when; a device left unassigned is
/// replaced only when that run has ended (or is unknown: a device of an earlier version, or made by hand), with the
/// mark's liveness rules. A live run's device is reported, never touched.
/// </remarks>
public sealed class VirtualMfaEnroller
{
    private readonly OnboardSession _session;
    private readonly OnboardingRun? _run;

    /// <param name="session">The session to enrol in.</param>
    /// <param name="run">The run the devices are made by (their tag says so); null for devices of no known run.</param>
    public VirtualMfaEnroller(OnboardSession session, OnboardingRun? run = null)
    {
        _session = session;
        _run = run;
    }

    /// <summary>
    /// Now by IAM's clock, which it checks codes against: this machine's time, moved by the offset the Date headers of
    /// IAM's answers to this session showed, when they showed one. A person's codes (from a phone, whose clock follows
    /// the network's) are checked against this before IAM is asked, so a machine whose clock is off does not refuse them.
    /// </summary>
    public DateTimeOffset IamNow => _session.Iam.ServiceClock.UtcNow;

    public static void ValidateOffline(string userName, string deviceName)
    {
        NameInput.CheckUser(userName, "UserName");

        if (IamNameRules.CheckMfaDeviceName(deviceName) is { } badDevice)
        {
            throw new OnboardInputException("InvalidDeviceName", "DeviceName", deviceName, badDevice.Message);
        }
    }

    /// <summary>
    /// Creates the device. When the name is taken by an unassigned device (an abandoned enrolment),
    /// <paramref name="replaceAbandoned"/> decides whether it is deleted and created again.
    /// Throws <see cref="MfaAlreadyEnabledException"/> when the name belongs to a device that is in use, except one this
    /// user has enabled whose seed never reached anyone (its tag says <see cref="HandOffMark.MfaSeed"/> and its run has
    /// ended): that one is deactivated and deleted, with a warning, and created again.
    /// </summary>
    /// <param name="userName">The user the device is for.</param>
    /// <param name="deviceName">The device's name.</param>
    /// <param name="path">The device's path; null for <c>/</c>.</param>
    /// <param name="replaceAbandoned">Asked before an unassigned device of the name, left by an ended run, is replaced.</param>
    /// <param name="ct">Stops the work (a create already sent is let finish).</param>
    /// <param name="seedOnlyInOutput">The seed goes out only in the output (-IncludeSeed, no QR file): the device is
    /// created marked so until <see cref="SeedTakenAsync"/>, so a run stopped before its output was taken leaves a device
    /// the next run replaces, instead of one enabled with a seed nobody has.</param>
    /// <param name="seedWithUserMarkOf">The seed goes out only in the output that also carries the user's new password
    /// or key, marked on the user by this run until that output is taken: the device says so
    /// (<see cref="HandOffMark.MfaSeedWith"/>) instead of carrying a mark of its own, so the user's one hand-off hands
    /// out both. Null when the seed is not given out that way.</param>
    /// <param name="mayHaveMfa">The user may have an MFA device already (all but a user just created): one enabled
    /// under any name makes this throw <see cref="MfaAlreadyEnabledException"/>.</param>
    public async Task<PendingMfaDevice> CreateDeviceAsync(string userName, string deviceName, string? path, Func<string, Task<bool>> replaceAbandoned, CancellationToken ct,
        bool seedOnlyInOutput = false, RunId? seedWithUserMarkOf = null, bool mayHaveMfa = true)
    {
        var creatorTags = CreatorTags(seedOnlyInOutput && seedWithUserMarkOf is null, seedWithUserMarkOf);
        ValidateOffline(userName, deviceName);
        if (mayHaveMfa)
        {
            // A user enrolled already, under another device name (a re-run with another -DeviceName), is enrolled: a
            // second device would be a second working factor and a second seed to hand out, made without a word.
            foreach (var enabled in await _session.Iam.ListMfaDevicesAsync(userName, ct).ConfigureAwait(false))
            {
                // A virtual device whose seed went out only in an output never taken is nobody's: removed, and enrolled anew.
                if (!enabled.SerialNumber.Contains(":mfa/") || !await RemoveIfSeedLostAsync(userName, enabled.SerialNumber, ct).ConfigureAwait(false))
                {
                    throw new MfaAlreadyEnabledException(userName, enabled.SerialNumber);
                }
            }
        }

        var created = await LostResponseCreate.SendAsync(_session.Iam, "CreateVirtualMFADevice", userName,
            async (attempt, t) =>
            {
                try
                {
                    return await _session.Iam.CreateVirtualMfaDeviceAsync(deviceName, path, creatorTags, t).ConfigureAwait(false);
                }
                catch (IamEntityAlreadyExistsException) when (!attempt.IsLast)
                {
                    if (await FindExistingDeviceAsync(userName, deviceName, t).ConfigureAwait(false) is not { } serial)
                    {
                        return null; // The user's device whose seed reached nobody was removed: created again on the next attempt.
                    }

                    if (await LiveEnrolmentAsync(serial, t).ConfigureAwait(false) is { } other)
                    {
                        throw AnotherRunIsEnrolling(userName, serial, other);
                    }

                    if (!await replaceAbandoned(serial).ConfigureAwait(false))
                    {
                        throw new OnboardInputException("MfaDeviceNameInUse", "DeviceName", deviceName,
                            $"DeviceName: an unassigned virtual MFA device named '{deviceName}' ({serial}) is left from an earlier enrolment and was not replaced.");
                    }

                    OnboardLog.Current.Verbose($"Deleting the abandoned, unassigned virtual MFA device {serial}.");
                    await DeleteUnlessEnabledMeanwhileAsync(serial, t).ConfigureAwait(false);
                    return null; // Created again on the next attempt, or found enabled.
                }
            },
            async t =>
            {
                // The device may exist with a seed nobody received: delete an unassigned one of this name and create it
                // again, while attempts last. When every response is lost, such a device is still deleted before the throw.
                await DeleteUnassignedAsync(userName, deviceName, t).ConfigureAwait(false);
                return null;
            },
            ct).ConfigureAwait(false);

        var base32 = Encoding.ASCII.GetString(created.Base32StringSeed);
        var label = _session.AccountAlias ?? _session.AccountId;
        var otpAuthUri = OtpAuthUri.Create(deviceName, label, base32);

        Array.Clear(created.QrCodePng, 0, created.QrCodePng.Length);
        return new PendingMfaDevice(userName, deviceName, created.SerialNumber, Totp.KeyFromBase32(base32), base32, otpAuthUri);
    }

    /// <summary>
    /// Whether a QR file naming <paramref name="serialNumber"/> (<see cref="QrCode.FindDevice"/>) is left from an
    /// enrolment that never finished: the device is in this account and enabled for nobody, so its seed signs no one
    /// in. Such a file only stands in the way of the enrolment that replaces it (a run stopped after writing it).
    /// </summary>
    public async Task<bool> IsUnusedQrDeviceAsync(string serialNumber, CancellationToken ct)
    {
        if (!serialNumber.StartsWith($"arn:{_session.Partition}:iam::{_session.AccountId}:mfa/", StringComparison.Ordinal))
        {
            return false;
        }

        var assigned = await _session.Iam.ListVirtualMfaDevicesAsync(VirtualMfaAssignmentStatus.Assigned, ct).ConfigureAwait(false);
        return !assigned.Any(d => string.Equals(d.SerialNumber, serialNumber, StringComparison.Ordinal));
    }

    /// <summary>Whether the user signs in to the console (has a login profile): a person, whose MFA seed must reach them.</summary>
    public async Task<bool> IsConsoleUserAsync(string userName, CancellationToken ct) =>
        await LoginProfiles.FindAsync(_session.Iam, userName, ct).ConfigureAwait(false) is not null;

    /// <summary>Enables the device with two consecutive codes; on failure the device is deleted so the enrolment can start over.</summary>
    public async Task<DateTime> EnableAsync(PendingMfaDevice device, string code1, string code2, CancellationToken ct)
    {
        try
        {
            var attempts = Math.Max(1, _session.Iam.Options.LostResponseAttempts);
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await _session.Iam.EnableMfaDeviceAsync(device.UserName, device.SerialNumber, code1, code2, ct).ConfigureAwait(false);
                    break;
                }
                catch (IamResponseLostException)
                {
                    if (await IsEnabledAsync(device, ct).ConfigureAwait(false))
                    {
                        OnboardLog.Current.Verbose($"The response to EnableMFADevice for '{device.UserName}' was lost, but {device.SerialNumber} is enabled.");
                        break;
                    }

                    // Not applied, so its two codes were not used: sending them again is safe.
                    if (attempt >= attempts)
                    {
                        throw;
                    }

                    OnboardLog.Current.Debug($"IAM EnableMFADevice for '{device.UserName}' attempt {attempt + 1} of {attempts} after its response was lost and {device.SerialNumber} was found not enabled.");
                }
            }
        }
        catch (IamInvalidAuthenticationCodeException refused)
        {
            await DiscardAsync(device).ConfigureAwait(false);
            throw new IamInvalidAuthenticationCodeException(
                $"{device.UserName}: IAM refused the two codes for {device.SerialNumber} ({refused.Message.TrimEnd('.')}): they must be two "
                + "consecutive codes the app shows now; codes from a few minutes ago are stale, and a computer clock that is off makes "
                + "fresh ones look stale. The device was deleted, so the command can be run again (with two new consecutive codes, when you give them)."
                + (ClockOffNote(Totp.StepLength) is { } clockOff ? " " + clockOff : string.Empty),
                refused.ErrorCode, refused.ErrorType, refused.StatusCode, refused.RequestId, refused.Operation, refused);
        }
        catch (IamResponseLostException lost)
        {
            // Looked into after every lost answer: the device was found not enabled, so it is deleted and the enrolment
            // can start over. Said so, instead of the transport's "check what exists".
            var left = await DiscardAsync(device).ConfigureAwait(false);
            var state = left is null
                ? $"{device.SerialNumber} was found not enabled and was deleted, so the command can be run again"
                : left.TrimEnd('.');
            throw new IamResponseLostException(
                $"{device.UserName}: no answer to EnableMFADevice said whether IAM applied it (lost, or an HTTP 5xx; the last is this error's inner exception). {state}.",
                lost.Operation, lost.Endpoint, lost);
        }
        catch (Exception)
        {
            await DiscardAsync(device).ConfigureAwait(false);
            throw;
        }

        return DateTime.UtcNow;
    }

    /// <summary>
    /// Computes two consecutive codes that are valid now by IAM's clock and enables the device: IAM checks the codes
    /// against its own time, so when the Date headers of IAM's answers to this session show this machine's clock off,
    /// the codes follow IAM's time (and a verbose line says by how much the clock is off); otherwise the machine's.
    /// </summary>
    public Task<DateTime> EnableUnattendedAsync(PendingMfaDevice device, CancellationToken ct)
    {
        var clock = _session.Iam.ServiceClock;
        if (clock.Offset is { } offset && clock.Latest is { } reading)
        {
            OnboardLog.Current.Verbose($"This machine's clock is {AwsSdk.ServiceClock.Describe(offset)} IAM's (IAM's latest answer was dated {AwsSdk.CredentialClock.Utc(reading.ServiceDateUtc)}, "
                + $"at {AwsSdk.CredentialClock.Utc(reading.MachineUtc)} by this machine's clock): the MFA codes for '{device.UserName}' are computed for IAM's time.");
        }

        return EnableUnattendedAsync(device, clock, ct);
    }

    /// <summary>
    /// What the Date headers of IAM's answers to this session say of this machine's clock, as a sentence for an error,
    /// when it is off by at least <paramref name="atLeast"/>; null when it is not, or no answer has said.
    /// </summary>
    public string? ClockOffNote(TimeSpan atLeast)
    {
        var clock = _session.Iam.ServiceClock;
        return clock.Offset is { } offset && offset.Duration() >= atLeast
            ? $"This machine's clock is {AwsSdk.ServiceClock.Describe(offset)} IAM's (by the Date header of IAM's latest answer); set it right (turn on time synchronization)."
            : null;
    }

    /// <summary>Computes two consecutive codes that are valid now by <paramref name="clock"/> from the seed (no wait) and enables the device.</summary>
    public async Task<DateTime> EnableUnattendedAsync(PendingMfaDevice device, IClock clock, CancellationToken ct)
    {
        (string Code1, string Code2) codes;
        try
        {
            codes = UnattendedMfaCodes.GetConsecutiveCodes(device.Key, clock);
        }
        catch (Exception)
        {
            await DiscardAsync(device).ConfigureAwait(false);
            throw;
        }

        return await EnableAsync(device, codes.Code1, codes.Code2, ct).ConfigureAwait(false);
    }

    private async Task<bool> IsEnabledAsync(PendingMfaDevice device, CancellationToken ct)
    {
        try
        {
            var devices = await _session.Iam.ListMfaDevicesAsync(device.UserName, ct).ConfigureAwait(false);
            return devices.Any(d => string.Equals(d.SerialNumber, device.SerialNumber, StringComparison.Ordinal));
        }
        catch (IamServiceException)
        {
            return false;
        }
    }

    /// <summary>
    /// Deletes a device this call created and could not enable, so its name is free again. Returns null when it is gone,
    /// else the warning (also logged) naming the device that is left.
    /// </summary>
    public async Task<string?> DiscardAsync(PendingMfaDevice device)
    {
        using var budget = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await _session.Iam.DeleteVirtualMfaDeviceAsync(device.SerialNumber, budget.Token).ConfigureAwait(false);
            OnboardLog.Current.Verbose($"Deleted virtual MFA device {device.SerialNumber}, which could not be enabled.");
        }
        catch (IamNoSuchEntityException)
        {
        }
        catch (Exception failure)
        {
            var left = $"Could not delete virtual MFA device {device.SerialNumber} after the failed enrolment: {failure.Message.TrimEnd('.')}. Delete it before retrying.";
            OnboardLog.Current.Warning(left);
            return left;
        }

        return null;
    }

    /// <summary>Deletes unassigned devices of this name: after a lost CreateVirtualMFADevice response, their seed never arrived.</summary>
    private async Task DeleteUnassignedAsync(string userName, string deviceName, CancellationToken ct)
    {
        var unassigned = await _session.Iam.ListVirtualMfaDevicesAsync(VirtualMfaAssignmentStatus.Unassigned, ct).ConfigureAwait(false);
        foreach (var orphan in unassigned.Where(d => d.SerialNumber.EndsWith("/" + deviceName, StringComparison.OrdinalIgnoreCase)))
        {
            if (await LiveEnrolmentAsync(orphan.SerialNumber, ct).ConfigureAwait(false) is not null)
            {
                continue; // Another live run's (the create's next attempt reports it).
            }

            OnboardLog.Current.Warning($"The response to CreateVirtualMFADevice for '{userName}' was lost; deleting {orphan.SerialNumber}, whose seed never arrived.");
            await DeleteUnlessEnabledMeanwhileAsync(orphan.SerialNumber, ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Deletes an unassigned device found to be nobody's. IAM has no conditional delete: the run that made it may have
    /// enabled it and ended between the look and the delete, and then IAM refuses (DeleteConflict); the device is in use,
    /// so it stays, and the create's next attempt finds it enabled.
    /// </summary>
    private async Task DeleteUnlessEnabledMeanwhileAsync(string serialNumber, CancellationToken ct)
    {
        try
        {
            await _session.Iam.DeleteVirtualMfaDeviceAsync(serialNumber, ct).ConfigureAwait(false);
        }
        catch (IamDeleteConflictException)
        {
            OnboardLog.Current.Verbose($"{serialNumber} was enabled meanwhile, so it was not deleted.");
        }
        catch (IamNoSuchEntityException)
        {
        }
    }

    /// <summary>
    /// The mark of the run whose output alone carried the seed of the user's enabled device <paramref name="serialNumber"/>,
    /// when that run ended before the output was taken (nobody has the seed); null when the device is someone's. Reads
    /// only; throws <see cref="HandOffInProgressException"/> while that run is still handing the seed out.
    /// </summary>
    private async Task<HandOffMark?> LostSeedMarkAsync(string userName, string serialNumber, CancellationToken ct)
    {
        var creator = HandOffMark.Find(await _session.Iam.ListMfaDeviceTagsAsync(serialNumber, ct).ConfigureAwait(false));
        var pending = creator switch
        {
            { MfaSeed: true } => creator,
            { MfaSeedWith: { } userRun } => await UserMarkOfAsync(userName, userRun, ct).ConfigureAwait(false),
            _ => null,
        };
        if (creator is null || pending is null)
        {
            return null;
        }

        if (!(_run is not null && creator.IsOf(_run)) && pending.IsLive(DateTime.UtcNow))
        {
            throw new HandOffInProgressException(
                $"IAM user '{userName}': the virtual MFA device {serialNumber} is enabled and {pending.DescribeRun()} is still handing out its seed; "
                + $"the device was not deleted or replaced. {HandOffConflict.WhenToRetry(pending, "Run the command again")}",
                userName, pending);
        }

        return pending;
    }

    /// <summary>
    /// For -WhatIf: what <see cref="CreateDeviceAsync"/> refuses for the user's devices, with reads only. Throws
    /// <see cref="MfaAlreadyEnabledException"/> when the user has an MFA device enabled (but for a virtual one whose seed
    /// reached nobody, which the run replaces), and IAM's NoSuchEntity for a user that does not exist.
    /// </summary>
    public async Task CheckNotEnrolledAsync(string userName, CancellationToken ct)
    {
        foreach (var enabled in await _session.Iam.ListMfaDevicesAsync(userName, ct).ConfigureAwait(false))
        {
            if (!enabled.SerialNumber.Contains(":mfa/") || await LostSeedMarkAsync(userName, enabled.SerialNumber, ct).ConfigureAwait(false) is null)
            {
                throw new MfaAlreadyEnabledException(userName, enabled.SerialNumber);
            }
        }
    }

    /// <summary>
    /// The tag a device is created with: this run's id and the time (a <see cref="HandOffMark"/>), and whether its seed is
    /// pending on the device itself or rides on the user's mark of <paramref name="seedWith"/>.
    /// </summary>
    private IamTag[]? CreatorTags(bool seedOnlyInOutput, RunId? seedWith) =>
        _run is null ? null : new[] { new HandOffMark(_run.Id, DateTime.UtcNow, false, false, Array.Empty<string>(), seedOnlyInOutput, seedWith).ToTag() };

    /// <summary>The output carrying the seed of a device created with <c>seedOnlyInOutput</c> was taken: its mark is removed.</summary>
    public Task SeedTakenAsync(string serialNumber, CancellationToken ct) =>
        _session.Iam.UntagMfaDeviceAsync(serialNumber, new[] { HandOffMark.TagKey }, ct);

    /// <summary>
    /// For the user's enabled device <paramref name="serialNumber"/>: when its seed went out only in the output of a run
    /// that ended before the output was taken, nobody has the seed, so it is deactivated and deleted (true) and the
    /// enrolment starts over. A live run's such device is reported, never touched.
    /// </summary>
    private async Task<bool> RemoveIfSeedLostAsync(string userName, string serialNumber, CancellationToken ct)
    {
        if (await LostSeedMarkAsync(userName, serialNumber, ct).ConfigureAwait(false) is not { } pending)
        {
            return false;
        }

        OnboardLog.Current.Warning($"{userName}: the seed of the virtual MFA device {serialNumber} went out only in the output of {pending.DescribeRun()}, "
            + "which ended before that output (-IncludeSeed) was taken, so nobody has the seed; the device is deactivated and deleted, and the user is enrolled anew.");
        try
        {
            await _session.Iam.DeactivateMfaDeviceAsync(userName, serialNumber, ct).ConfigureAwait(false);
        }
        catch (IamNoSuchEntityException)
        {
        }

        try
        {
            await _session.Iam.DeleteVirtualMfaDeviceAsync(serialNumber, ct).ConfigureAwait(false);
        }
        catch (IamNoSuchEntityException)
        {
        }

        return true;
    }

    /// <summary>
    /// The user's hand-off mark when it is <paramref name="run"/>'s: a device seed that rode on it went out in an output
    /// not taken yet (or never, when the run has ended). Null when the user carries no mark of that run: it was taken.
    /// </summary>
    private async Task<HandOffMark?> UserMarkOfAsync(string userName, RunId run, CancellationToken ct)
    {
        var mark = HandOffMark.Find(await _session.Iam.ListUserTagsAsync(userName, ct).ConfigureAwait(false));
        return mark is not null && mark.IsOf(run) ? mark : null;
    }

    /// <summary>
    /// The mark of the live run, other than this one, that created the unassigned device <paramref name="serialNumber"/>
    /// and may still be enrolling someone with it; null when its run has ended, is unknown, or is this one, or the
    /// device is gone.
    /// </summary>
    private async Task<HandOffMark?> LiveEnrolmentAsync(string serialNumber, CancellationToken ct)
    {
        IReadOnlyList<IamTag> tags;
        try
        {
            tags = await _session.Iam.ListMfaDeviceTagsAsync(serialNumber, ct).ConfigureAwait(false);
        }
        catch (IamNoSuchEntityException)
        {
            return null;
        }

        var creator = HandOffMark.Find(tags);
        return creator is not null && !(_run is not null && creator.IsOf(_run)) && creator.IsLive(DateTime.UtcNow) ? creator : null;
    }

    private static HandOffInProgressException AnotherRunIsEnrolling(string userName, string serialNumber, HandOffMark creator)
    {
        var created = creator.SetUtc is { } at ? $" at {at:yyyy-MM-dd HH:mm:ss}Z" : string.Empty;
        return new HandOffInProgressException(
            $"IAM user '{userName}': another run is enrolling '{userName}' in virtual MFA: {creator.DescribeRun()} created the device {serialNumber}{created} "
            + $"and has not enabled it yet, so it was not deleted or replaced. {HandOffConflict.WhenToRetry(creator, "Run the command again")}",
            userName, creator);
    }

    /// <summary>The unassigned device of this name; null when it was the user's device whose seed reached nobody, now removed.</summary>
    private async Task<string?> FindExistingDeviceAsync(string userName, string deviceName, CancellationToken ct)
    {
        var unassigned = await _session.Iam.ListVirtualMfaDevicesAsync(VirtualMfaAssignmentStatus.Unassigned, ct).ConfigureAwait(false);
        var abandoned = unassigned.FirstOrDefault(d => d.SerialNumber.EndsWith("/" + deviceName, StringComparison.OrdinalIgnoreCase));
        if (abandoned is not null)
        {
            return abandoned.SerialNumber;
        }

        // The user's own devices first: one short call, where listing every assigned device in the account would make
        // a re-run of a large batch quadratic (every user of the batch reading every other user's device).
        var own = await _session.Iam.ListMfaDevicesAsync(userName, ct).ConfigureAwait(false);
        var enabled = own.FirstOrDefault(d => d.SerialNumber.EndsWith("/" + deviceName, StringComparison.OrdinalIgnoreCase));
        if (enabled is not null)
        {
            if (await RemoveIfSeedLostAsync(userName, enabled.SerialNumber, ct).ConfigureAwait(false))
            {
                return null;
            }

            throw new MfaAlreadyEnabledException(userName, enabled.SerialNumber);
        }

        // Someone else's: find whose, for the message (a rare error, so the full list is affordable here).
        var assigned = await _session.Iam.ListVirtualMfaDevicesAsync(VirtualMfaAssignmentStatus.Assigned, ct).ConfigureAwait(false);
        var inUse = assigned.FirstOrDefault(d => d.SerialNumber.EndsWith("/" + deviceName, StringComparison.OrdinalIgnoreCase));
        throw new OnboardInputException("MfaDeviceNameInUse", "DeviceName", deviceName,
            $"DeviceName: the virtual MFA device name '{deviceName}' is already used{(inUse?.UserName is null ? string.Empty : $" by user '{inUse.UserName}'")}; choose another -DeviceName.");
    }
}

/// <summary>The user already has this virtual MFA device enabled.</summary>
public sealed class MfaAlreadyEnabledException : Exception
{
    public MfaAlreadyEnabledException(string userName, string serialNumber)
        : base($"IAM user '{userName}' already has the MFA device {serialNumber} enabled. Use -SkipIfEnabled to leave such users as they are "
            + "(IAM allows more than one device per user; add another deliberately with aws iam create-virtual-mfa-device and enable-mfa-device).")
    {
        UserName = userName;
        SerialNumber = serialNumber;
    }

    public MfaAlreadyEnabledException()
    {
        UserName = string.Empty;
        SerialNumber = string.Empty;
    }

    public MfaAlreadyEnabledException(string message)
        : base(message)
    {
        UserName = string.Empty;
        SerialNumber = string.Empty;
    }

    public MfaAlreadyEnabledException(string message, Exception innerException)
        : base(message, innerException)
    {
        UserName = string.Empty;
        SerialNumber = string.Empty;
    }

    public string UserName { get; }

    public string SerialNumber { get; }
}
