using System.IO;
using System.Management.Automation;
using System.Threading.Tasks;
using System.Threading;
using System;
using IamOnboard.Commands.Infrastructure;
using IamOnboard.Commands.Transformations;
using IamOnboard.Mfa;
using IamOnboard.Onboarding;

namespace IamOnboard.Commands;

/// <summary>
/// Enable-OnboardVirtualMfa: creates a virtual MFA device for a user and enables it with two consecutive codes,
/// typed by a person who scanned the QR code, given as -Code1/-Code2, or computed from the seed (-Unattended).
/// </summary>
[Cmdlet(VerbsLifecycle.Enable, "OnboardVirtualMfa", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ParameterSets.ByName)]
[OutputType(typeof(OnboardMfaDevice))]
public sealed partial class EnableOnboardVirtualMfaCommand : ByNameOrUserCmdletBase
{
    private static class ParameterSets
    {
        public const string ByName = ByNameSet;
        public const string ByUser = ByUserSet;
        public const string ByNameWithSession = ByNameSet + WithSession;
        public const string ByUserWithSession = ByUserSet + WithSession;
    }

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ParameterSets.ByName)]
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ParameterSets.ByNameWithSession)]
    [Alias("User name")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(UserNameCompleter))]
    // Text only: an OnboardUser piped in binds -InputObject, and other objects bind by their UserName property.
    [TextOnly(LeavesUserObjects = true)]
    [SingleName("UserName", "For several users, pipe them: {0} | Enable-OnboardVirtualMfa.")]
    public string UserName { get; set; } = string.Empty;

    /// <summary>A user read by another tool in another account is refused by its Arn (<see cref="OnboardCmdletBase"/>).</summary>
    private protected override bool ChecksUsersFromOtherTools => true;

    /// <summary>A user from New-OnboardUser or Add-OnboardGroupMember; it travels on in the output's User property.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ParameterSets.ByUser)]
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ParameterSets.ByUserWithSession)]
    public OnboardUser? InputObject { get; set; }

    /// <summary>The pipeline item itself, for what a row brings that binding passes over (<see cref="PipelineRowColumns"/>).</summary>
    [Parameter(ValueFromPipeline = true, DontShow = true)]
    [RowOnly]
    public PipelineItem? PipelineRow { get; set; }

    /// <summary>The device name; the user name when not given.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    [AllowNull]
    public string? DeviceName { get; set; }

    /// <summary>Draws the QR code in the terminal for the person to scan.</summary>
    [Parameter]
    public SwitchParameter ShowQrCode { get; set; }

    /// <summary>Shows the seed as text, for an authenticator app that cannot scan.</summary>
    [Parameter]
    public SwitchParameter ShowSecret { get; set; }

    /// <summary>Writes the QR code as PNG: to this file, or into this folder as &lt;user&gt;.png.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? QrCodePath { get; set; }

    [Parameter]
    [ValidatePattern("^[0-9]{6}$")]
    public string? Code1 { get; set; }

    [Parameter]
    [ValidatePattern("^[0-9]{6}$")]
    public string? Code2 { get; set; }

    /// <summary>Computes the codes from the seed: for automation and shared or break-glass accounts.</summary>
    [Parameter]
    public SwitchParameter Unattended { get; set; }

    /// <summary>Returns the seed as a SecureString in the output's Seed property, for a vault.</summary>
    [Parameter]
    public SwitchParameter IncludeSeed { get; set; }

    /// <summary>Leaves users who already have the device enabled as they are, with a warning.</summary>
    [Parameter]
    public SwitchParameter SkipIfEnabled { get; set; }

    /// <summary>Lets -QrCodePath replace an existing file.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>How many users to enrol at once when -Unattended.</summary>
    [Parameter]
    [ValidateRange(1, 32)]
    public int ThrottleLimit { get; set; } = 4;

    protected override int ConcurrentItems => Unattended.IsPresent ? ThrottleLimit : 1;

    private QrCodeFiles? _qrFiles;

    /// <summary>The run the devices are made by: their tag names it, so a second run never deletes one this run is enrolling.</summary>
    private readonly OnboardingRun _run = OnboardingRuns.Begin();

    protected override void BeginProcessing()
    {
        if ((Code1 is null) != (Code2 is null))
        {
            ThrowTerminatingError(OnboardErrors.Create("MfaCodePairIncomplete", ErrorCategory.InvalidArgument, Code1 is null ? "Code1" : "Code2",
                "Give both -Code1 and -Code2: two consecutive codes from the authenticator app."));
        }

        if (Unattended.IsPresent && Code1 is not null)
        {
            ThrowTerminatingError(OnboardErrors.Create("MfaCodesWithUnattended", ErrorCategory.InvalidArgument, "Code1",
                "-Unattended computes the codes itself; leave out -Code1 and -Code2."));
        }

        if (!Unattended.IsPresent && Code1 is null && !HostCanPrompt())
        {
            // Fail before anything is created: a runbook must never wait for input that cannot come.
            ThrowTerminatingError(OnboardErrors.Create("MfaCodesRequired", ErrorCategory.InvalidOperation, null,
                "This session cannot prompt for MFA codes. Give -Code1 and -Code2, or use -Unattended to compute them from the seed."));
        }

        if ((ShowQrCode.IsPresent || ShowSecret.IsPresent) && !HostCanPrompt() && !InteractiveHost.ShowsOnScreen(Host))
        {
            // The seed would land in a job's log or a redirected file that nobody asked to hold it.
            var shown = ShowSecret.IsPresent ? "-ShowSecret" : "-ShowQrCode";
            ThrowTerminatingError(OnboardErrors.Create("MfaSeedNotOnScreen", ErrorCategory.InvalidOperation, shown,
                shown + " shows the MFA seed on the screen for a person, but this session has no one at a screen and its output goes to a log or a file, where the seed would stay. "
                + "Use -QrCodePath (a PNG readable by its owner only) or -IncludeSeed (the seed in the output as a SecureString, e.g. for Export-OnboardCredential), or run it in a terminal. Nothing was created."));
        }

        base.BeginProcessing();
        if (QrCodePath is not null)
        {
            try
            {
                _qrFiles = new QrCodeFiles(FileSystemPath.Resolve(SessionState.Path, nameof(QrCodePath), QrCodePath), QrCodePath, Force.IsPresent);
            }
            catch (OnboardInputException notAFolder)
            {
                ThrowTerminatingError(OnboardErrors.FromException(notAFolder, QrCodePath));
            }

            if (_qrFiles!.FileInTheWay() is { } blocking)
            {
                ThrowTerminatingError(OnboardErrors.Create("QrCodeFolderNotCreatable", ErrorCategory.InvalidArgument, QrCodePath,
                    $"QrCodePath: the folder for '{QrCodePath}' cannot be made: '{blocking}' is a file. Give another -QrCodePath; nothing was made."));
            }
        }
        else if (Force.IsPresent)
        {
            // AWS.Tools' -Force (Enable-IAMMFADevice's too) skips confirmations; this one only lets -QrCodePath replace a
            // file. Said rather than passed over, as New-OnboardUser says of -PasswordResetRequired without -ConsoleAccess.
            var codes = Unattended.IsPresent || Code1 is not null ? string.Empty : " (the codes are asked for unless -Unattended, or -Code1 and -Code2, are given)";
            WriteWarning($"-Force has no effect without -QrCodePath: it only lets -QrCodePath replace an existing file, and skips no question{codes}; leave out -Force.");
        }
    }

    protected override void ProcessItem()
    {
        var user = InputObject;
        var userName = user?.UserName ?? UserName.Trim();
        var deviceName = string.IsNullOrWhiteSpace(DeviceName) ? userName : DeviceName!.Trim();
        try
        {
            VirtualMfaEnroller.ValidateOffline(userName, deviceName);
        }
        catch (OnboardInputException invalid)
        {
            WriteError(OnboardErrors.FromException(invalid, (object?)user ?? userName));
            return;
        }

        var target = (object?)user ?? userName;
        if ((user?.MfaSerialNumber ?? (CarrierByName as OnboardMfaDevice)?.SerialNumber) is { } enrolled)
        {
            // An Enable-OnboardVirtualMfa before this one enrolled the user: what it wrote goes on as it came, with the
            // credentials and seed it carries. Enrolling again would find that device's seed still on its way out.
            WriteWarning($"{userName}: already enrolled in this pipeline ({enrolled}); passed on.");
            var carrier = CarrierByName ?? user!;
            StartItem(_ =>
            {
                WriteOn(carrier, HandOffLedger.KeyIn(carrier));
                return Task.CompletedTask;
            }, target, user?.Row);
            return;
        }

        var mayBeDisabled = !CameDownThisPipeline(userName);
        if (!ShouldProcess($"IAM user '{userName}'", $"Create virtual MFA device '{deviceName}' and enable it"))
        {
            if (InteractiveHost.IsWhatIf(this))
            {
                // The plan gives the refusals the run would, the QR file claimed as the run would claim it.
                string? plannedQrFile = null;
                if (_qrFiles is not null && !_qrFiles.TryClaim(userName, out plannedQrFile, out var plannedQrProblem))
                {
                    WriteError(plannedQrProblem!);
                    return;
                }

                StartItem(ct => PlanAsync(user, userName, plannedQrFile, mayBeDisabled, ct), target, user?.Row);
            }

            return;
        }

        // Checked before anything is made: a second user must not take the first one's QR file, nor replace someone's file.
        string? qrFile = null;
        if (_qrFiles is not null && !_qrFiles.TryClaim(userName, out qrFile, out var qrProblem))
        {
            WriteError(qrProblem!);
            return;
        }

        var enroller = new VirtualMfaEnroller(OnboardSession, _run);
        var seedOutput = qrFile is not null || IncludeSeed.IsPresent;
        if (Unattended.IsPresent || Code1 is not null)
        {
            // The seed's only way out is the output: it counts as handed out once the output is taken, as a password does.
            var seedOnlyInOutput = Unattended.IsPresent && IncludeSeed.IsPresent && qrFile is null;
            StartItem(ct => EnrolWithoutPromptAsync(enroller, user, userName, deviceName, qrFile, seedOutput, seedOnlyInOutput, mayBeDisabled, ct), target, user?.Row);
        }
        else
        {
            EnrolInteractively(enroller, user, userName, deviceName, qrFile, target, mayBeDisabled);
        }
    }

    /// <summary>Whether the user may have an MFA device already: any but one New-OnboardUser has just created.</summary>
    private static bool MayHaveMfa(OnboardUser? user) => user is null || user.Status != nameof(OnboardingOutcome.Created);

    /// <summary>
    /// Refuses a user Remove-OnboardUser -Disable disabled before anything is made: an MFA device is a sign-in credential.
    /// <paramref name="mayBeDisabled"/> is false for a user that came down this pipeline, checked already.
    /// </summary>
    private Task RefuseIfDisabledAsync(string userName, bool mayBeDisabled, CancellationToken ct) => mayBeDisabled
        ? DisabledUsers.ThrowIfDisabledAsync(OnboardSession, userName, "given a virtual MFA device", ct)
        : Task.CompletedTask;

    /// <summary>
    /// For -WhatIf: the refusals the run would give, found with reads only: a disabled user, a person whose seed would
    /// reach nobody, a user that does not exist or is enrolled already (unless -SkipIfEnabled, or piped in, which the run
    /// passes on), a QR file in the way; and the run's warning for an automation identity's seed that would go nowhere.
    /// </summary>
    private async Task PlanAsync(OnboardUser? user, string userName, string? qrFile, bool mayBeDisabled, CancellationToken ct)
    {
        await RefuseIfDisabledAsync(userName, mayBeDisabled, ct).ConfigureAwait(false);
        if (Unattended.IsPresent && qrFile is null && !IncludeSeed.IsPresent && await IsConsoleUserAsync(user, userName, ct).ConfigureAwait(false))
        {
            throw SeedWouldBeLost(userName);
        }

        var enroller = new VirtualMfaEnroller(OnboardSession, _run);
        if (MayHaveMfa(user))
        {
            try
            {
                await enroller.CheckNotEnrolledAsync(userName, ct).ConfigureAwait(false);
            }
            catch (MfaAlreadyEnabledException) when (SkipIfEnabled.IsPresent || user is not null)
            {
                return; // left as it is by the run, with no QR file written
            }
        }

        if (qrFile is not null && !Force.IsPresent && File.Exists(qrFile) && !await IsUnusedQrFileAsync(enroller, qrFile, ct).ConfigureAwait(false))
        {
            throw QrCodeFiles.FileExists(qrFile);
        }

        if (Unattended.IsPresent && qrFile is null && !IncludeSeed.IsPresent && !ShowQrCode.IsPresent && !ShowSecret.IsPresent)
        {
            TellSeedReachedNobody(userName, null); // a console user was refused above
        }
    }

    /// <summary>The refusal of an unattended enrolment of a person whose seed has no way to reach them.</summary>
    private static OnboardInputException SeedWouldBeLost(string userName) => new("MfaSeedWouldBeLost", "QrCodePath", userName,
        $"{userName} signs in to the console, so the MFA seed must reach them: add -QrCodePath FOLDER (a QR code per person) or " +
        "-IncludeSeed (the seed in the output, for a vault), or enrol them interactively with -ShowQrCode. Nothing was created.");

    private async Task EnrolWithoutPromptAsync(VirtualMfaEnroller enroller, OnboardUser? user, string userName, string deviceName, string? qrFile, bool seedOutput, bool seedOnlyInOutput,
        bool mayBeDisabled, CancellationToken ct)
    {
        await RefuseIfDisabledAsync(userName, mayBeDisabled, ct).ConfigureAwait(false);
        if (Unattended.IsPresent && !seedOutput && await IsConsoleUserAsync(user, userName, ct).ConfigureAwait(false))
        {
            // A person's seed is a credential: enrolled unattended, it must reach them, or they can never sign in with MFA.
            throw SeedWouldBeLost(userName);
        }

        // A user received with a new password or key marked on it: the seed goes out in the same output, so it rides on
        // that mark, and the user's one hand-off hands out both (no call of its own for the device).
        var seedWithUserMarkOf = seedOnlyInOutput ? HandOffs.UserMarkRun(user, this) : null;
        PendingMfaDevice device;
        try
        {
            device = await enroller.CreateDeviceAsync(userName, deviceName, null, AskToReplace, ct, seedOnlyInOutput, seedWithUserMarkOf, MayHaveMfa(user)).ConfigureAwait(false);
        }
        catch (MfaAlreadyEnabledException already) when (SkipIfEnabled.IsPresent || user is not null)
        {
            PassOnAlreadyEnabled(user, userName, already.SerialNumber);
            return;
        }

        // The QR file is written here; only showing something on the host needs the pipeline thread.
        string? qrPath;
        try
        {
            qrPath = WriteQrFile(device, qrFile, await ReplacesUnusedQrFileAsync(enroller, qrFile, ct).ConfigureAwait(false));
        }
        catch (Exception)
        {
            await enroller.DiscardAsync(device).ConfigureAwait(false);
            throw;
        }

        if (ShowQrCode.IsPresent || ShowSecret.IsPresent)
        {
            await Dispatcher.Ask(_ => ShowOnHost(device)).ConfigureAwait(false);
        }

        DateTime enabled;
        try
        {
            // Not stopped midway: a stop between sending EnableMFADevice and its answer would leave an enabled device whose
            // QR code (the seed) was deleted as if enabling had failed. Nor timed: under throttling the request can wait
            // for the budget and back off for longer than any fixed limit (a 30 s one failed rows in a throttling storm,
            // as a bare TaskCanceledException). The client's attempts and per-attempt timeout bound it.
            enabled = await EnableAsync(enroller, device, userName, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The device is gone (deleted when enabling failed), so its QR code would only stand in a re-run's way.
            DeleteQrFile(qrPath);
            throw;
        }

        if (Unattended.IsPresent && !seedOutput && !ShowQrCode.IsPresent && !ShowSecret.IsPresent)
        {
            TellSeedReachedNobody(userName, device.SerialNumber);
        }

        var output = Output(device, user, enabled, qrPath);
        var carrier = (object?)user ?? output;
        if (seedOnlyInOutput && seedWithUserMarkOf is null)
        {
            // The device's mark (set with the create) goes once the output is taken, with the user's own mark when the
            // user is held too; a stop, an error or a sink leaves it, and the next run replaces the device.
            _run.AddHold();
            HandOffs.Attach(carrier, this, t => enroller.SeedTakenAsync(device.SerialNumber, t), new RunHold(_run), device.SerialNumber);
        }

        WriteOn(output, carrier);
    }

    private int _toldSeedReachedNobody;

    /// <summary>
    /// Allowed for a user without console access (an automation identity, for a rule that every user have MFA), but the
    /// seed is gone for good once the device is enabled: said, not silent. A warning for the first such user of the
    /// command, verbose output for later ones.
    /// </summary>
    private void TellSeedReachedNobody(string userName, string? serialNumber)
    {
        // Without a serial number: the -WhatIf plan, which says the same of the device it would make.
        var enabled = serialNumber is null ? "its MFA device would be enabled, but its seed would go nowhere" : $"MFA device {serialNumber} is enabled, but its seed went nowhere";
        var message = $"{userName}: {enabled} (no -IncludeSeed, -QrCodePath, -ShowQrCode or -ShowSecret), "
            + "so no code can ever be made for it: this user's access keys cannot make calls that need MFA (GetSessionToken with a code, or what a policy allows "
            + "only with aws:MultiFactorAuthPresent).";
        if (Interlocked.Exchange(ref _toldSeedReachedNobody, 1) == 0)
        {
            Dispatcher.WriteWarning(message + " To keep the seed (in a vault), add -IncludeSeed. Later users whose seed went nowhere are said in verbose output.");
        }
        else
        {
            Dispatcher.WriteVerbose(message);
        }
    }

    private async Task<DateTime> EnableAsync(VirtualMfaEnroller enroller, PendingMfaDevice device, string userName, CancellationToken ct)
    {
        if (Code1 is null || Code2 is null)
        {
            return await enroller.EnableUnattendedAsync(device, ct).ConfigureAwait(false);
        }

        var check = device.CheckCodes(Code1, Code2, enroller.IamNow);
        if (check.Status != MfaCodePairStatus.Valid)
        {
            await enroller.DiscardAsync(device).ConfigureAwait(false);
            // Checked at IAM's time: codes computed with this machine's clock are wrong there when it is off, so the error says by how much.
            var clockOff = enroller.ClockOffNote(Totp.StepLength) is { } note ? " " + note : string.Empty;
            throw new OnboardInputException("InvalidMfaCodes", "Code1", null, $"{userName}: {ExplainCodes(check.Status)} The device was deleted; run the command again with new codes.{clockOff}");
        }

        return await enroller.EnableAsync(device, Code1, Code2, ct).ConfigureAwait(false);
    }

    private static void DeleteQrFile(string? qrPath)
    {
        if (qrPath is null)
        {
            return;
        }

        try
        {
            File.Delete(qrPath);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>
    /// A user who already has MFA goes on as it is: arriving from an onboarding run (a re-run of the same pipeline) or
    /// with -SkipIfEnabled. Its new password or key still reaches the next command.
    /// </summary>
    private void PassOnAlreadyEnabled(OnboardUser? user, string userName, string serialNumber)
    {
        var already = $"{userName}: MFA device {serialNumber} is already enabled; left as it is.";
        if (user is null)
        {
            Dispatcher.WriteWarning(already); // asked for by name with -SkipIfEnabled: say so
        }
        else
        {
            Dispatcher.WriteVerbose(already + " Passed on."); // a re-run of the pipeline: expected, not a warning
        }

        if (user is not null)
        {
            user.MfaSerialNumber = serialNumber;
        }

        WriteOn(new OnboardMfaDevice(userName, serialNumber, null, "AlreadyEnabled") { User = user, SeedRequested = IncludeSeed.IsPresent, ConsoleSignInUrl = OnboardSession.ConsoleSignInUrl }, user);
    }

    /// <summary>A person: console access in this run, or a login profile from before (asked of IAM).</summary>
    private async Task<bool> IsConsoleUserAsync(OnboardUser? user, string userName, CancellationToken ct) =>
        user?.ConsoleAccess == true || await new VirtualMfaEnroller(OnboardSession).IsConsoleUserAsync(userName, ct).ConfigureAwait(false);

    /// <summary>
    /// Whether the file already at <paramref name="qrFile"/> is this module's QR code of a device enabled for nobody,
    /// left by an enrolment that did not finish (a run stopped between writing it and enabling the device): its seed
    /// signs no one in, and keeping it would fail every re-run of the pipeline for this user.
    /// </summary>
    private async Task<bool> ReplacesUnusedQrFileAsync(VirtualMfaEnroller enroller, string? qrFile, CancellationToken ct)
    {
        if (qrFile is null || Force.IsPresent || QrCodeFiles.PreviousDevice(qrFile) is not { } previous)
        {
            return false;
        }

        if (!await enroller.IsUnusedQrDeviceAsync(previous, ct).ConfigureAwait(false))
        {
            return false;
        }

        Dispatcher.WriteWarning($"{qrFile} held the QR code of MFA device {previous}, which is enabled for nobody (an enrolment that did not finish); replaced with the new device's.");
        return true;
    }

    /// <summary>Whether <paramref name="qrFile"/> is this module's QR code of a device enabled for nobody (reads only).</summary>
    private static async Task<bool> IsUnusedQrFileAsync(VirtualMfaEnroller enroller, string qrFile, CancellationToken ct) =>
        QrCodeFiles.PreviousDevice(qrFile) is { } previous && await enroller.IsUnusedQrDeviceAsync(previous, ct).ConfigureAwait(false);

    /// <summary>Writes the QR code as PNG to the file claimed for this user, readable by its owner only; returns the path.</summary>
    private string? WriteQrFile(PendingMfaDevice device, string? qrFile, bool replaceUnused)
    {
        if (qrFile is null)
        {
            return null;
        }

        QrCodeFiles.Write(qrFile, device.QrCodePng, Force.IsPresent, replaceUnused);
        Dispatcher.WriteVerbose($"{device.UserName}: QR code written to {qrFile} (readable by its owner only).");
        return qrFile;
    }

    /// <summary>Shows what the person asked to see on the host. Pipeline thread only.</summary>
    private bool ShowOnHost(PendingMfaDevice device)
    {
        if (ShowQrCode.IsPresent)
        {
            Host.UI.WriteLine($"Scan this with the authenticator app for {device.UserName} ({device.SerialNumber}):");
            Host.UI.WriteLine(QrCode.RenderTerminal(device.OtpAuthUri));
        }

        if (ShowSecret.IsPresent)
        {
            Host.UI.WriteLine($"Secret key for {device.UserName}: {device.Base32Seed}");
        }

        return true;
    }

    private OnboardMfaDevice Output(PendingMfaDevice device, OnboardUser? user, DateTime enabled, string? qrPath)
    {
        if (user is not null)
        {
            user.MfaSerialNumber = device.SerialNumber;
        }

        return new OnboardMfaDevice(device.UserName, device.SerialNumber, enabled, "Enabled")
        {
            QrCodePath = qrPath,
            Seed = IncludeSeed.IsPresent ? SecretText.Protect(device.Base32Seed) : null,
            SeedRequested = IncludeSeed.IsPresent,
            User = user,
            ConsoleSignInUrl = OnboardSession.ConsoleSignInUrl,
        };
    }

    private Task<bool> AskToReplace(string serialNumber) =>
        Dispatcher.Ask(cmdlet => cmdlet.ShouldProcess(serialNumber, "Delete the abandoned, unassigned virtual MFA device and create it again"));

    protected override void EndProcessing()
    {
        base.EndProcessing();
        _run.End();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _run.End();
        }

        base.Dispose(disposing);
    }

    /// <summary>Keeps the run live while a seed it made is not yet handed out (released once, when handed out or abandoned).</summary>
    private sealed class RunHold : IDisposable
    {
        private OnboardingRun? _held;

        public RunHold(OnboardingRun run) => _held = run;

        public void Dispose() => Interlocked.Exchange(ref _held, null)?.ReleaseHold();
    }
}
