using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using IamOnboard.Onboarding;

namespace IamOnboard.Commands.Infrastructure;

/// <summary>
/// Runs engine work for a cmdlet: owns the cancellation that Ctrl+C triggers, a dispatcher so that output, errors and
/// engine diagnostics reach PowerShell on the pipeline thread, and the cmdlet's part in the credential hand-off
/// (<see cref="HandOffLedger"/>): every user that arrives is taken over before the cmdlet's own code sees it, and
/// whatever is still held when the cmdlet ends is abandoned, never acknowledged.
/// </summary>
public abstract class AsyncCmdletBase : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private PipelineDispatcher? _dispatcher;
    private HandOffLedger? _ledger;
    private PipelineStages? _stages;
    private string? _secretSink; // "" once looked up and the output goes elsewhere
    private string? _clearTextKeeper; // "" once looked up and the output is not kept as clear-text CLIXML
    private string? _nextOnboardCommand;
    private string? _passThroughRoute; // "" once looked up and the output does not go through Where-Object, Sort-Object, ... to an IamOnboard command
    private AsyncCmdletBase? _passThroughTo;
    private bool _routeHoldsBack;
    private object? _carrierByName;
    private PipelineRowColumns? _rowColumns;
    private object? _itemInTransit;

    /// <summary>Cancelled when the user presses Ctrl+C or the pipeline stops.</summary>
    protected CancellationToken StopToken => _stopping.Token;

    internal PipelineDispatcher Dispatcher =>
        _dispatcher ?? throw new InvalidOperationException("The dispatcher is created in BeginProcessing.");

    internal HandOffLedger HandOffs =>
        _ledger ?? throw new InvalidOperationException("The hand-off ledger is taken in BeginProcessing.");

    /// <summary>How many pipeline items may be worked on at once. One unless the cmdlet offers -ThrottleLimit.</summary>
    protected virtual int ConcurrentItems => 1;

    /// <summary>
    /// Whether this cmdlet's pipeline input binds any <see cref="OnboardUser"/> by value, so the stage before it may
    /// hand it the pipeline thread with <see cref="OnboardUser.Pump"/> (see <see cref="PipelineStages"/>).
    /// </summary>
    internal virtual bool TakesPumps => false;

    /// <summary>Whether this cmdlet writes progress, which $ProgressPreference = 'Inquire' would ask about after each update.</summary>
    private protected virtual bool WritesProgress => false;

    protected override void BeginProcessing()
    {
        RefuseConfirmationNobodyCanGive();
        if (InteractiveHost.RefuseQuestionsNobodyCanAnswer(this, WritesProgress) is { } refusal)
        {
            ThrowTerminatingError(refusal);
        }

        var state = ModuleState.Current;
        _ledger = state.HandOffs;
        _stages = state.Stages;
        _dispatcher = new PipelineDispatcher(this, _stages, ConcurrentItems, _stopping.Token);
        _stages.Add(this);
        TerminationSignal.Enter(this, Host);
        if (MyInvocation.MyCommand.Parameters.ContainsKey(PipelineRowColumns.ParameterName))
        {
            _rowColumns = new PipelineRowColumns(this);
        }
    }

    /// <summary>
    /// Fails when this command would ask to confirm each change (-Confirm, or $ConfirmPreference at or below its impact)
    /// on a host where nobody can answer (a runbook, a job, pwsh -NonInteractive). BeginProcessing runs for every command
    /// of a pipeline before any of them makes anything; asked per item, the prompt failed only once the commands before
    /// this one had made users whose credentials then reached no one.
    /// </summary>
    private void RefuseConfirmationNobodyCanGive()
    {
        if (Attribute.GetCustomAttribute(GetType(), typeof(CmdletAttribute)) is not CmdletAttribute { SupportsShouldProcess: true } attribute
            || ConfirmationWaived || !InteractiveHost.WouldConfirm(this, attribute.ConfirmImpact) || InteractiveHost.CanPrompt(Host))
        {
            return;
        }

        var name = MyInvocation.MyCommand.Name;
        var why = MyInvocation.BoundParameters.ContainsKey("Confirm") ? "-Confirm" : $"$ConfirmPreference is '{GetVariableValue("ConfirmPreference")}'";
        // PowerShell asks when the impact is at or above $ConfirmPreference: a High-impact command (Remove-OnboardUser)
        // asks under the default 'High' itself, so only 'None' lets it run unasked.
        var unasked = attribute.ConfirmImpact >= ConfirmImpact.High ? "None" : "High";
        ThrowTerminatingError(OnboardErrors.Create("ConfirmationNotPossible", ErrorCategory.InvalidOperation, name,
            $"{name} would ask to confirm each change ({why}), but this session cannot prompt (a runbook, a job, pwsh -NonInteractive). " +
            $"Add -Confirm:$false to {name}{(ConfirmationWaiver is { } waiver ? $" (or {waiver}, without -Confirm)" : string.Empty)}, or set $ConfirmPreference = '{unasked}'. Nothing in this pipeline was changed."));
    }

    /// <summary>
    /// Whether the user told this command not to ask (Remove-OnboardUser -Force, as AWS.Tools' Remove-* cmdlets take it)
    /// and did not ask for the question with -Confirm as well: see <see cref="ShouldProcessUnlessWaived"/>.
    /// </summary>
    private protected virtual bool ConfirmationWaived => false;

    /// <summary>The parameter that waives this command's confirmation (-Force), for the error that advises it; null when none does.</summary>
    private protected virtual string? ConfirmationWaiver => null;

    /// <summary>
    /// ShouldProcess, without its question when <see cref="ConfirmationWaived"/>: then only the verbose line it would
    /// write. -WhatIf (or $WhatIfPreference) still wins: the change is only described, never made.
    /// </summary>
    private protected bool ShouldProcessUnlessWaived(string target, string action)
    {
        if (!ConfirmationWaived || InteractiveHost.IsWhatIf(this))
        {
            return ShouldProcess(target, action);
        }

        WriteVerbose($"Performing the operation \"{action}\" on target \"{target}\".");
        return true;
    }

    /// <summary>
    /// Takes over every held user among the values bound for this item, then runs <see cref="ProcessItem"/>. A pump from
    /// the stage before only lets this stage write what it has ready.
    /// </summary>
    protected sealed override void ProcessRecord()
    {
        try
        {
            TakeOverThenProcessItem();
        }
        catch (Exception stop) when (IsStopBeforeEnd(stop))
        {
            TellStoppedEarly(DescribeStop(stop));
            throw;
        }
    }

    private void TakeOverThenProcessItem()
    {
        var bound = MyInvocation.BoundParameters.Values;
        if (bound.Any(IsPump))
        {
            Dispatcher.Drain();
            return;
        }

        var tookBound = false;
        foreach (var value in bound)
        {
            tookBound |= HandOffs.TakeOver(value, this, IsDownstreamOf);
        }

        // Bound by property name only (its UserName), the object itself is not among the values: it is the one the
        // command before is writing. Only pipeline input counts: a command run inside a ForEach-Object script block did
        // not receive it.
        _carrierByName = !tookBound && MyInvocation.ExpectingInput ? HandOffs.TakeOverInTransit(this, IsDownstreamOf) : null;

        // The IamOnboard object this item came from: bound itself, or (bound by its UserName only) the one being written.
        var source = bound.FirstOrDefault(value => HandOffLedger.KeyIn(value) is not null)
            ?? (MyInvocation.ExpectingInput ? HandOffs.OutputInTransit : null);
        if (source is not null ? !AcceptsItemFrom(source) : !AcceptsItemFromAnotherTool())
        {
            return; // refused with an error; a user taken over above stays held, and is named as not handed on
        }

        _itemInTransit = source is not null && HandOffs.OutputInTransit is { } inTransit
            && ReferenceEquals(HandOffLedger.KeyIn(source), HandOffLedger.KeyIn(inTransit)) ? source : null;

        // A row's columns that binding passed over are said. The hidden -PipelineRow's PipelineItem is opaque to the
        // hand-off above: a user it may hold is taken over as bound elsewhere (-InputObject, or by its name), never through it.
        if (_rowColumns?.Check(MyInvocation.BoundParameters.TryGetValue(PipelineRowColumns.ParameterName, out var item) ? item : null) == false)
        {
            return; // a row that gives nothing of its own: refused with an error
        }

        using (HandOffs.BeginTransit(null))
        {
            ProcessItem();
        }
    }

    /// <summary>
    /// Whether this command may work on an item that came from <paramref name="source"/> (a user or an MFA device an
    /// IamOnboard command wrote); writes the error and returns false when not. Everything is accepted here.
    /// </summary>
    private protected virtual bool AcceptsItemFrom(object source) => true;

    /// <summary>
    /// The same for an item that did not come from an IamOnboard command (another tool's object, a CSV row, a name):
    /// writes the error and returns false when it says it lives elsewhere. Everything is accepted here.
    /// </summary>
    private protected virtual bool AcceptsItemFromAnotherTool() => true;

    /// <summary>
    /// For the item in <see cref="ProcessItem"/>: the object carrying a user's new credentials (a user, or an MFA device
    /// with its user) that reached this command bound by property name only. The command passes it on with
    /// <see cref="WriteOn"/> in place of its own output, or it is reported as not handed out when the command ends.
    /// </summary>
    private protected object? CarrierByName => _carrierByName;

    /// <summary>
    /// For the item in <see cref="ProcessItem"/> (pipeline thread): whether the user <paramref name="userName"/> came from
    /// the IamOnboard command before this one in the same pipeline, which is writing it right now (bound itself, or by
    /// its UserName). Every IamOnboard command that writes a user has just checked it is not disabled (New-OnboardUser
    /// refuses a disabled user; the commands that pass users on check those that did not come this way), so such a
    /// user needs no read of its own. False for a name, or for a variable holding an earlier run's output.
    /// </summary>
    private protected bool CameDownThisPipeline(string userName) =>
        HandOffLedger.KeyIn(_itemInTransit) is { } user && string.Equals(HandOffLedger.NameOf(user), userName, StringComparison.OrdinalIgnoreCase);

    /// <summary>The cmdlet's work for one pipeline item (what ProcessRecord is elsewhere).</summary>
    protected abstract void ProcessItem();

    /// <summary>
    /// Whether <paramref name="holder"/>'s output reaches this command along one pipeline, directly or through other
    /// commands (<c>New-OnboardUser | ForEach-Object { $_ } | Enable-OnboardVirtualMfa</c>); false for a command in a
    /// pipeline of its own (<c>ForEach-Object { $_ | Enable-OnboardVirtualMfa }</c>). False only when the holder's pipeline
    /// was followed to its end without meeting this command; a command that cannot be followed, or PowerShell's
    /// internals that cannot be read, answer true, as before this was asked.
    /// </summary>
    private bool IsDownstreamOf(object holder)
    {
        if (holder is not Cmdlet command || !SecretSinks.TryGetDownstreamCommand(command, out var next))
        {
            return true;
        }

        for (var hops = 0; hops < 64 && next is not null; hops++)
        {
            if (ReferenceEquals(next, this) || next is not Cmdlet further || !SecretSinks.TryGetDownstreamCommand(further, out next))
            {
                return true;
            }
        }

        return next is not null;
    }

    /// <summary>Whether <paramref name="command"/> is an IamOnboard command that has not ended, so it can still pass a user on.</summary>
    private static bool IsRunning(object command) => command is AsyncCmdletBase { _ended: false };

    private volatile bool _ended;

    /// <summary>Finishes the work, then names every user whose new credentials this command still holds.</summary>
    protected override void EndProcessing()
    {
        try
        {
            _dispatcher?.Complete();
        }
        catch (Exception stop) when (IsStopBeforeEnd(stop))
        {
            TellStoppedEarly(DescribeStop(stop));
            throw;
        }

        _ended = true;
        NameUsersNotHandedOn("declined, -WhatIf, failed, or not part of its output", keepDeferred: true);

        // Users on their way here through Sort-Object that a command after it left out: they never come now.
        var leftOut = HandOffs.AbandonDeferredTo(this);
        foreach (var (userName, route) in leftOut)
        {
            WriteWarning($"{userName}: {route} did not pass the user on to {MyInvocation.MyCommand.Name}, so the new credentials reached nobody. " +
                $"They count as not handed out: the user keeps its tag '{HandOffMark.TagKey}', and running the onboarding again replaces them.");
        }
    }

    /// <summary>
    /// Warns of every user whose new credentials this command still holds, and lets them go (pipeline thread).
    /// <paramref name="keepDeferred"/>: at the end as planned, users on their way through Sort-Object to a command
    /// further down stay held for it.
    /// </summary>
    internal void NameUsersNotHandedOn(string why, bool keepDeferred = false)
    {
        var userNames = HandOffs.Abandon(this, keepDeferred);
        if (userNames.Count > 1 && StopsOnWarning)
        {
            // Under -WarningAction Stop the first warning ends the command: one warning names them all, or the rest went unsaid.
            WriteWarning(NotHandedOn(userNames, why));
            return;
        }

        foreach (var userName in userNames)
        {
            WriteWarning(NotHandedOn(userName, why));
        }
    }

    /// <summary>Lets go of every user whose new credentials this command still holds, saying so in one message (null if none).</summary>
    internal string? LetGoOfUsersNotHandedOn(string why)
    {
        var userNames = HandOffs.Abandon(this);
        return userNames.Count == 0 ? null : NotHandedOn(userNames, why);
    }

    private string NotHandedOn(string userName, string why) =>
        $"{userName}: {MyInvocation.MyCommand.Name} did not hand on the new credentials ({why}). " +
        $"They count as not handed out: the user keeps its tag '{HandOffMark.TagKey}', and running the onboarding again replaces them.";

    private string NotHandedOn(IReadOnlyList<string> userNames, string why) =>
        userNames.Count == 1
            ? NotHandedOn(userNames[0], why)
            : $"{string.Join(", ", userNames)}: {MyInvocation.MyCommand.Name} did not hand on their new credentials ({why}). " +
              $"They count as not handed out: each of these users keeps its tag '{HandOffMark.TagKey}', and running the onboarding again replaces them.";

    private volatile bool _stoppedByUser;

    protected override void StopProcessing()
    {
        _stoppedByUser = true;
        _stopping.Cancel();
    }

    /// <summary>
    /// After Ctrl+C (or a host's Stop: Stop-Job, a runbook cancelled), once the work under way has had its grace: PowerShell
    /// takes no more writes, so what the work left (its warnings and errors never written, the users whose credentials
    /// reached nobody, and a batch's account) goes to the host's console, where the person who pressed Ctrl+C is looking.
    /// A host without a UI (a bare runspace) gets nothing, as before.
    /// </summary>
    private void TellHostWhatTheStopLeft(IReadOnlyList<UntoldMessage> untold, IReadOnlyList<string> notHandedOn)
    {
        var ui = Host?.UI;
        if (ui is null)
        {
            return;
        }

        var command = MyInvocation.MyCommand.Name;
        try
        {
            foreach (var message in untold)
            {
                if (message.IsError)
                {
                    ui.WriteErrorLine($"{command}: {message.Text}");
                }
                else
                {
                    ui.WriteWarningLine(message.Text);
                }
            }

            if (DescribeStoppedByUser() is { } account)
            {
                ui.WriteWarningLine(account);
            }

            foreach (var userName in notHandedOn)
            {
                ui.WriteWarningLine(NotHandedOn(userName, "stopped by " + StopCause));
            }
        }
        catch (Exception failure) when (failure is not OutOfMemoryException)
        {
            // A host that refuses to write now (a closed console, a remote host gone): there is nowhere else to say it.
        }
    }

    /// <summary>What stopped the command from outside: Ctrl+C, Stop-Job, or SIGTERM turned into Ctrl+C (<see cref="TerminationSignal"/>).</summary>
    private protected static string StopCause => TerminationSignal.Received ? "SIGTERM (the process was asked to end)" : "Ctrl+C or Stop-Job";

    /// <summary>What the command says of its input after Ctrl+C (a batch's account), or null (see <see cref="TellHostWhatTheStopLeft"/>).</summary>
    private protected virtual string? DescribeStoppedByUser() => null;

    private bool _toldStoppedEarly;

    /// <summary>
    /// The command is being stopped before the end of its input, by an error under -ErrorAction Stop or by the command
    /// after it (Select-Object -First, a terminating error further down), not by Ctrl+C: once the work under way has
    /// settled, it says what it leaves (<see cref="OnStoppedEarly"/>), once. PowerShell still writes the information,
    /// warning and verbose streams at this point (not output after a stop from further down), and nothing after it.
    /// Pipeline thread.
    /// </summary>
    internal void TellStoppedEarly(string why)
    {
        if (_toldStoppedEarly || StopToken.IsCancellationRequested)
        {
            return;
        }

        _toldStoppedEarly = true;
        try
        {
            OnStoppedEarly(why);
        }
        catch (PipelineStoppedException)
        {
            // A stop (Ctrl+C) meanwhile: nothing more can be written.
        }
    }

    /// <summary>What the command says when stopped before the end of its input (see <see cref="TellStoppedEarly"/>): nothing here.</summary>
    private protected virtual void OnStoppedEarly(string why)
    {
    }

    /// <summary>Whether <paramref name="exception"/>, leaving the command, stops it before the end of its input, other than by Ctrl+C.</summary>
    private bool IsStopBeforeEnd(Exception exception) =>
        !StopToken.IsCancellationRequested
        && (exception is PipelineStoppedException or ActionPreferenceStopException || PipelineDispatcher.IsStopUpstream(exception, this));

    /// <summary>
    /// Why a stop the dispatcher did not settle itself (<see cref="PipelineDispatcher.StopReason"/>) ended the command:
    /// an error this command wrote under -ErrorAction Stop, or one further down.
    /// </summary>
    private string DescribeStop(Exception stop) =>
        _dispatcher?.StopReason
        ?? (stop is ActionPreferenceStopException || (StopsOnError && stop is PipelineStoppedException)
            ? "it stopped on an error under -ErrorAction Stop"
            : "the pipeline stopped further down");

    /// <summary>Whether a failure stops the command (-ErrorAction Stop, or $ErrorActionPreference = 'Stop').</summary>
    internal bool StopsOnError => Stops("ErrorAction", "ErrorActionPreference");

    /// <summary>
    /// Whether a warning stops the command (-WarningAction Stop, or $WarningPreference = 'Stop'): PowerShell then ends it
    /// with the warning, in place of the error that was stopping it.
    /// </summary>
    internal bool StopsOnWarning => Stops("WarningAction", "WarningPreference");

    private bool Stops(string commonParameter, string preferenceVariable)
    {
        if (MyInvocation.BoundParameters.TryGetValue(commonParameter, out var bound))
        {
            return bound is ActionPreference.Stop;
        }

        // Set in a script, a function or a runbook (any scope but the global one, where it is typed), the variable
        // holds the text 'Stop': PowerShell converts it, and so must this, or such a stop went unsettled and unsaid.
        return LanguagePrimitives.TryConvertTo<ActionPreference>(GetVariableValue(preferenceVariable), out var preference)
            && preference == ActionPreference.Stop;
    }

    /// <summary>Whether this output stage has something to write, itself or further down (pipeline thread only).</summary>
    internal bool HasOutputReady() =>
        (_dispatcher?.HasPendingWrites ?? false) || (_stages?.Next(this) is { TakesPumps: true } next && next.HasOutputReady());

    /// <summary>
    /// Writes an output that may carry a held user from item work, then acknowledges the user (removing its hand-off
    /// mark) if this cmdlet still holds it once the write has returned: no IamOnboard command downstream took it over,
    /// so someone else has it. The waiting happens beside the item, so the next item starts meanwhile.
    /// </summary>
    internal void WriteOn(object output, object? user) => Dispatcher.Track(WriteOnAsync(output, user));

    private async Task WriteOnAsync(object output, object? user)
    {
        await Dispatcher.WriteObjectAsync(output).ConfigureAwait(false);
        if (!ReleaseIfWrittenToSink(user))
        {
            await AcknowledgeAsync(user).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Writes an output that may carry a held user on the pipeline thread, then acknowledges the user as
    /// <see cref="WriteOn"/> does. When the next command took it and wants no more input (Select-Object -First), the user
    /// is acknowledged all the same and the command winds down (<see cref="PipelineDispatcher.Drain"/>).
    /// </summary>
    internal void WriteCarrier(object output, object? user)
    {
        bool taken;
        using (HandOffs.BeginTransit(output))
        {
            taken = Dispatcher.WriteFromPipelineThread(output);
        }

        if (taken)
        {
            AcknowledgeWritten(user);
        }

        if (Dispatcher.IsDownstreamDone)
        {
            Dispatcher.Drain(); // Settles, names the users still held, and goes on with PowerShell's stop.
        }
    }

    /// <summary>The same after a write made on the pipeline thread.</summary>
    private void AcknowledgeWritten(object? user)
    {
        if (!ReleaseIfWrittenToSink(user))
        {
            Acknowledge(user);
        }
    }

    /// <summary>
    /// When this cmdlet's output goes to the screen, Out-Null or Format-* (<see cref="SecretSinks"/>), a user's new
    /// credentials written there reached nobody: the user keeps its hand-off mark, so the next run replaces them, and a
    /// warning says so and how to keep them. True when that was the case.
    /// </summary>
    private bool ReleaseIfWrittenToSink(object? user)
    {
        if (user is null || !HandOffs.IsHeldBy(user, this))
        {
            return false;
        }

        _secretSink ??= SecretSinks.Downstream(this, out _nextOnboardCommand) ?? string.Empty;
        var markedDevice = HandOffs.MarkedDevice(user, this);
        if (_secretSink.Length == 0 && _nextOnboardCommand is null)
        {
            // Through Where-Object to Export-OnboardCredential: still held here once the write returned, the user was left
            // out on the way. Through Sort-Object, it reaches that command only at Sort-Object's end, after this one's:
            // it stays held until then. Acknowledged here, either one's password reached nobody (or a file that refused
            // it), and no re-run would replace it.
            _passThroughRoute ??= SecretSinks.PassThroughRouteTo(this, out _passThroughTo, out _routeHoldsBack) ?? string.Empty;
            if (_passThroughRoute.Length == 0)
            {
                WarnIfKeptInClearText(user);
                return false;
            }

            if (_routeHoldsBack)
            {
                return HandOffs.Defer(user, this, _passThroughTo!, _passThroughRoute);
            }
        }

        if (!HandOffs.Release(user, this, IsRunning, out var givenBackTo))
        {
            return false;
        }

        if (givenBackTo is AsyncCmdletBase outer)
        {
            // The user goes on along the pipeline that passed it here; only what this command added is lost.
            var seed = markedDevice is null ? string.Empty
                : $" The MFA seed made here counts as not handed out: its device keeps the tag '{HandOffMark.TagKey}', and running the command again replaces it.";
            var where = _secretSink.Length > 0 ? $"went to {_secretSink}{WhyLost(detailed: false)}"
                : _nextOnboardCommand is not null ? $"did not reach {_nextOnboardCommand} (see its error)"
                : $"was left out by {_passThroughRoute} before it reached {_passThroughTo!.MyInvocation.MyCommand.Name}";
            Dispatcher.WriteWarning($"{HandOffLedger.NameOf(user)}: {MyInvocation.MyCommand.Name}'s output {where}. " +
                $"The user's new password or key stay with {outer.MyInvocation.MyCommand.Name}, which passed the user to this pipeline and passes it on.{seed}");
            return true;
        }

        // An IamOnboard command takes over every user it receives; one still held here never reached it (its binding failed).
        var lost = _secretSink.Length > 0
            ? $"the new credentials went to {_secretSink}{WhyLost(detailed: true)}"
            : _nextOnboardCommand is not null
                ? $"{_nextOnboardCommand} did not take the user (see its error), so the new credentials reached nobody"
                : $"{_passThroughRoute} left the user out before it reached {_passThroughTo!.MyInvocation.MyCommand.Name}, so the new credentials reached nobody";
        Dispatcher.WriteWarning($"{HandOffLedger.NameOf(user)}: {lost}. " +
            $"They count as not handed out: the user keeps its tag '{HandOffMark.TagKey}', and running the command again replaces them. " +
            (_secretSink == SecretSinks.JobOutput
                ? "To keep them, pipe them to Export-OnboardCredential inside the job."
                : "To keep them, assign the output to a variable or pipe it to Export-OnboardCredential."));
        return true;
    }

    /// <summary>Why credentials written to <see cref="_secretSink"/> reached nobody, for the warnings that say so.</summary>
    private string WhyLost(bool detailed) =>
        _secretSink == SecretSinks.JobOutput ? ", which reaches the caller only as a deserialized copy that Export-OnboardCredential refuses"
        : detailed ? ", which keeps no secret (a password or key there is a SecureString, written as its type name or dropped)"
        : ", which keeps no secret";

    /// <summary>
    /// A user's credentials kept with Export-Clixml or ConvertTo-CliXml off Windows did reach someone (the file holds them,
    /// so they count as handed out), but in clear text: the warning says so, names the file and the owner-only way.
    /// </summary>
    private void WarnIfKeptInClearText(object user)
    {
        _clearTextKeeper ??= SecretSinks.ClearTextKeeper(this) ?? string.Empty;
        if (_clearTextKeeper.Length > 0)
        {
            Dispatcher.WriteWarning($"{HandOffLedger.NameOf(user)}: the new credentials went to {_clearTextKeeper}, which on this platform writes a SecureString " +
                "unencrypted (only Windows encrypts it, for the current user): anyone who can read the result can read the password, key or seed. " +
                "They count as handed out. Use Export-OnboardCredential -Path instead (a file readable by its owner only), and delete the CLIXML.");
        }
    }

    /// <summary>Once a user's secrets are durably stored (Export-OnboardCredential), or after a write known to reach someone.</summary>
    internal void Acknowledge(object? user)
    {
        if (HandOffs.IsHeldBy(user, this))
        {
            Dispatcher.Track(AcknowledgeAsync(user));
        }
    }

    private async Task AcknowledgeAsync(object? user)
    {
        // Only a seed marked on its own device has a mark there to remove; one that rode on the user's mark goes with it.
        var device = HandOffs.MarkedDevice(user, this);
        try
        {
            await HandOffs.AcknowledgeAsync(user, this).ConfigureAwait(false);
        }
        catch (IamOnboard.Iam.IamNoSuchEntityException) when (user is not OnboardMfaDevice { User: null })
        {
            // Removed meanwhile (Remove-OnboardUser by a colleague): there is no tag to remove, and no run to replace anything.
            var name = HandOffLedger.NameOf(user!);
            Dispatcher.WriteError(OnboardErrors.Create("UserRemovedWhileHandedOut", ErrorCategory.ObjectNotFound, user,
                $"{name}: the new credentials were handed out, but the user was deleted meanwhile (by another command or person), " +
                "so the password and key handed out no longer work. Onboard the user again if that was not meant."));
        }
        catch (Exception failure)
        {
            var name = HandOffLedger.NameOf(user!);
            var commands = new List<string>();
            if (user is not OnboardMfaDevice { User: null })
            {
                commands.Add($"aws iam untag-user --user-name {name} --tag-keys {HandOffMark.TagKey}");
            }

            if (device is not null)
            {
                commands.Add($"for the MFA seed, aws iam untag-mfa-device --serial-number {device} --tag-keys {HandOffMark.TagKey}");
            }

            var remove = string.Join("; ", commands);
            Dispatcher.WriteError(OnboardErrors.Create("HandOffMarkNotRemoved", ErrorCategory.WriteError, user,
                $"{name}: the new credentials were handed out, but the tag '{HandOffMark.TagKey}' that marks them as not yet handed out " +
                $"could not be removed ({failure.Message}). Remove it ({remove}), " +
                "or the next run will replace these credentials."));
        }
    }

    /// <summary>Runs engine work to completion, pumping its output; a failure becomes a terminating error.</summary>
    protected T RunToCompletion<T>(Func<CancellationToken, Task<T>> work, object? target)
    {
        try
        {
            return Dispatcher.Run(work);
        }
        catch (Exception exception) when (exception is not PipelineStoppedException and not ActionPreferenceStopException and not FlowControlException)
        {
            if (StopToken.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }

            ThrowTerminatingError(OnboardErrors.FromException(Unwrap(exception), target));
            throw; // unreachable: ThrowTerminatingError always throws
        }
    }

    /// <summary>Runs work for one item on the pipeline's behalf; a failure becomes a non-terminating error and false.</summary>
    protected bool TryRun<T>(Func<CancellationToken, Task<T>> work, object? target, out T result)
    {
        try
        {
            result = Dispatcher.Run(work);
            return true;
        }
        catch (Exception exception) when (exception is not PipelineStoppedException and not ActionPreferenceStopException and not FlowControlException)
        {
            if (StopToken.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }

            WriteError(OnboardErrors.FromException(Unwrap(exception), target));
            result = default!;
            return false;
        }
    }

    /// <summary>
    /// Starts work for one pipeline item; a failure becomes a non-terminating error naming <paramref name="target"/>.
    /// <paramref name="row"/>, the input row the item comes from, orders its requests in the session's budget.
    /// </summary>
    protected void StartItem(Func<CancellationToken, Task> work, object? target, int? row = null, Action<ErrorRecord>? writeFailure = null)
    {
        try
        {
            Dispatcher.Start(work, exception => OnboardErrors.FromException(Unwrap(exception), target), StopsOnError, row, writeFailure);
        }
        catch (OperationCanceledException)
        {
            // A failure under -ErrorAction Stop cancelled the work: the drain lets the work under way settle and stops the
            // command with that error (PipelineDispatcher.SettleThenStop). Only a real stop (Ctrl+C) gets here past it.
            Dispatcher.Drain();
            throw new PipelineStoppedException();
        }
    }

    private static bool IsPump(object? value) => ReferenceEquals(value is PSObject wrapped ? wrapped.BaseObject : value, OnboardUser.Pump);

    private static Exception Unwrap(Exception exception) =>
        exception is AggregateException { InnerExceptions.Count: 1 } aggregate ? aggregate.InnerExceptions[0] : exception;

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _stopping.Cancel();
            _dispatcher?.Dispose();
            _stages?.Remove(this);
            var notHandedOn = _ledger?.Abandon(this) ?? Array.Empty<string>();
            if (_stoppedByUser && _dispatcher is not null)
            {
                TellHostWhatTheStopLeft(_dispatcher.TakeUntold(), notHandedOn);
            }

            _stopping.Dispose();
            TerminationSignal.Leave(this);
        }
    }
}
