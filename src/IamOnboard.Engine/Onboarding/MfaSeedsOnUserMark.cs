using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using IamOnboard.Diagnostics;
using IamOnboard.Iam;

namespace IamOnboard.Onboarding;

/// <summary>
/// MFA seeds that ride on a user's hand-off mark (<see cref="HandOffMark.MfaSeedWith"/>): pending while the user carries
/// that run's mark. A run that replaces or removes a dead run's mark without handing anything of it out would make such
/// a seed look taken, so it first moves the pending state onto the device itself.
/// </summary>
internal static class MfaSeedsOnUserMark
{
    /// <summary>
    /// Marks each of the user's virtual MFA devices whose seed rode on the mark of <paramref name="markRun"/> as pending
    /// on the device (<see cref="HandOffMark.MfaSeed"/>), so enrolling the user again replaces it. Call before that mark
    /// is replaced or removed; a rare path (a dead run's mark), so its reads cost nothing in a normal run.
    /// </summary>
    public static async Task KeepPendingAsync(IamClient iam, string userName, RunId markRun, CancellationToken ct)
    {
        foreach (var device in await iam.ListMfaDevicesAsync(userName, ct).ConfigureAwait(false))
        {
            if (!IsVirtual(device.SerialNumber))
            {
                continue; // A hardware or security key: no tags, no seed of ours.
            }

            IReadOnlyList<IamTag> tags;
            try
            {
                tags = await iam.ListMfaDeviceTagsAsync(device.SerialNumber, ct).ConfigureAwait(false);
            }
            catch (IamNoSuchEntityException)
            {
                continue;
            }

            if (HandOffMark.Find(tags) is { MfaSeed: false, MfaSeedWith: { } with } creator && string.Equals(with.ToString(), markRun.ToString(), StringComparison.Ordinal))
            {
                OnboardLog.Current.Verbose($"{userName}: the seed of {device.SerialNumber} went out with credentials of run {markRun} that were never handed out; "
                    + "its device is marked so before that run's mark is replaced.");
                await iam.TagMfaDeviceAsync(device.SerialNumber, new[] { creator.WithSeedPendingOnDevice().ToTag() }, ct).ConfigureAwait(false);
            }
        }
    }

    private static bool IsVirtual(string serialNumber) =>
        serialNumber.StartsWith("arn:", StringComparison.Ordinal) && serialNumber.IndexOf(":mfa/", StringComparison.Ordinal) > 0;
}

/// <summary>Before a dead run's mark is removed with nothing new marked in its place: <see cref="MfaSeedsOnUserMark.KeepPendingAsync"/>.</summary>
internal sealed class KeepMfaSeedsPendingStep : OnboardingStep
{
    private readonly RunId _markRun;

    public KeepMfaSeedsPendingStep(RunId markRun) => _markRun = markRun;

    public override string Description => "mark MFA seeds that went out with the dead run's credentials as not handed out";

    public override bool Shown => false;

    internal override Task ApplyAsync(StepContext context, CancellationToken ct) => MfaSeedsOnUserMark.KeepPendingAsync(context.Iam, context.UserName, _markRun, ct);
}
