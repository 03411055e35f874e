using System;
using System.Management.Automation;
using System.Threading.Tasks;
using IamOnboard.Commands.Infrastructure;
using IamOnboard.Mfa;
using IamOnboard.Onboarding;

namespace IamOnboard.Commands;

/// <summary>
/// Enable-OnboardVirtualMfa's enrolment with a person at the host: the device is shown (QR code, seed), the person types
/// two consecutive codes, each checked against the seed before IAM sees them. Runs on the pipeline thread.
/// </summary>
public sealed partial class EnableOnboardVirtualMfaCommand
{
    private const int AttemptsPerCode = 3;

    private void EnrolInteractively(VirtualMfaEnroller enroller, OnboardUser? user, string userName, string deviceName, string? qrFile, object target, bool mayBeDisabled)
    {
        if (!TryRun(async ct =>
            {
                await RefuseIfDisabledAsync(userName, mayBeDisabled, ct).ConfigureAwait(false);
                try
                {
                    return await enroller.CreateDeviceAsync(userName, deviceName, null, AskToReplace, ct, mayHaveMfa: MayHaveMfa(user)).ConfigureAwait(false);
                }
                catch (MfaAlreadyEnabledException already) when (SkipIfEnabled.IsPresent || user is not null)
                {
                    PassOnAlreadyEnabled(user, userName, already.SerialNumber);
                    return null;
                }
            }, target, out PendingMfaDevice? device) || device is null)
        {
            return;
        }

        string? qrPath = null;
        try
        {
            // Ctrl+C while the device was being created: the create was let finish (so nothing lands unseen), and the
            // command stops here, before the seed is shown or a code asked for, taking the device with it.
            StopIfStopping();
            qrPath = WriteQrFile(device, qrFile, Dispatcher.Run(ct => ReplacesUnusedQrFileAsync(enroller, qrFile, ct)));
            ShowOnHost(device);
            if (!ShowQrCode.IsPresent && QrCodePath is null && !ShowSecret.IsPresent)
            {
                Host.UI.WriteLine("No QR code was shown: add -ShowQrCode (terminal), -QrCodePath (PNG file) or -ShowSecret (text) so the person can add the device.");
            }

            var codes = PromptForCodes(device, enroller);
            StopIfStopping(); // Ctrl+C at a prompt: codes typed after it must not enable a device the command no longer reports.
            if (codes is null)
            {
                Dispatcher.Run(async _ => { await enroller.DiscardAsync(device).ConfigureAwait(false); return true; });
                DeleteQrFile(qrPath);
                WriteError(OnboardErrors.Create("MfaCodesNotEntered", ErrorCategory.OperationStopped, target,
                    $"{userName}: no valid pair of codes was entered, so the MFA device was deleted{(qrPath is null ? string.Empty : " with its QR code file")}. Run the command again to retry."));
                return;
            }

            if (TryRun(ct => enroller.EnableAsync(device, codes.Value.Code1, codes.Value.Code2, ct), target, out var enabled))
            {
                WriteCarrier(Output(device, user, enabled, qrPath), user);
            }
            else
            {
                DeleteQrFile(qrPath); // EnableAsync deleted the device: its QR code would only be handed out by mistake.
            }
        }
        catch (PipelineStoppedException)
        {
            DiscardOnStop(enroller, device, qrPath);
            throw;
        }
    }

    private void StopIfStopping()
    {
        if (StopToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
    }

    /// <summary>
    /// Removes a device the stopped command created and did not enable, with its QR file. The pipeline can no longer
    /// write, so a device that could not be deleted is named on the host.
    /// </summary>
    private void DiscardOnStop(VirtualMfaEnroller enroller, PendingMfaDevice device, string? qrPath)
    {
        var notDeleted = Task.Run(() => enroller.DiscardAsync(device)).GetAwaiter().GetResult();
        DeleteQrFile(qrPath);
        if (notDeleted is not null)
        {
            Host.UI.WriteWarningLine(notDeleted);
        }
    }

    /// <summary>
    /// Asks for code 1 and code 2, checking each against the seed at IAM's time (<see cref="VirtualMfaEnroller.IamNow"/>)
    /// so a typo costs a retry, not a failed call.
    /// </summary>
    private (string Code1, string Code2)? PromptForCodes(PendingMfaDevice device, VirtualMfaEnroller enroller)
    {
        for (var attempt = 1; attempt <= AttemptsPerCode; attempt++)
        {
            var code1 = ReadCode($"Code 1 for {device.UserName} (6 digits from the authenticator app)");
            if (code1 is null)
            {
                return null;
            }

            if (!device.IsCurrentCode(code1, enroller.IamNow))
            {
                Host.UI.WriteLine(Totp.IsWellFormedCode(code1)
                    ? "That code does not match this device. Check the app shows the new entry, and type its current code."
                    : "A code is exactly 6 digits.");
                continue;
            }

            Host.UI.WriteLine("Now wait for the app to show the next code.");
            var code2 = ReadCode("Code 2 (the next code, after the first one changed)");
            if (code2 is null)
            {
                return null;
            }

            var check = device.CheckCodes(code1, code2, enroller.IamNow);
            if (check.Status == MfaCodePairStatus.Valid)
            {
                return (code1, code2);
            }

            Host.UI.WriteLine(ExplainCodes(check.Status) + " Let's start again with the current code.");
        }

        return null;
    }

    private string? ReadCode(string prompt)
    {
        Host.UI.Write(prompt + ": ");
        string? line;
        try
        {
            line = Host.UI.ReadLine();
        }
        catch (Exception exception) when (exception is PSInvalidOperationException or NotImplementedException or InvalidOperationException)
        {
            return null;
        }

        return line?.Trim().Replace(" ", string.Empty);
    }

    private static string ExplainCodes(MfaCodePairStatus status) => status switch
    {
        MfaCodePairStatus.FirstCodeMalformed => "Code 1 is not 6 digits.",
        MfaCodePairStatus.SecondCodeMalformed => "Code 2 is not 6 digits.",
        MfaCodePairStatus.FirstCodeWrong => "Code 1 does not match this device.",
        MfaCodePairStatus.SecondCodeWrong => "Code 2 does not match this device.",
        MfaCodePairStatus.NotConsecutive => "The two codes are valid but not consecutive: code 2 must be the very next code the app shows after code 1.",
        _ => "The codes were not accepted.",
    };

    private bool HostCanPrompt() => InteractiveHost.CanPrompt(Host);
}
