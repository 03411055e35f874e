using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Management.Automation;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;
using IamOnboard.Diagnostics;

namespace IamOnboard.Commands.Infrastructure;

/// <summary>
/// Runs engine work on pool threads while everything PowerShell must see (objects, errors, verbose, debug, warnings,
/// progress, prompts) is written on the pipeline thread, which is the only thread allowed to write. Works on several
/// pipeline items at once and streams their results; how many IAM requests they send at once is the session's
/// <see cref="Iam.RequestBudget"/>, not this.
/// </summary>
internal sealed class PipelineDispatcher : IDisposable
{
    /// <summary>How long a stopped command waits for its work to wind down (roll-backs, marks removed for output taken).</summary>
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a command stopping on an error (-ErrorAction Stop) lets the work under way wind down before it stops:
    /// a half-made user's roll-back has 30 seconds, and what it leaves must be told before the command ends.
    /// </summary>
    private static readonly TimeSpan SettleLimit = TimeSpan.FromSeconds(35);

    /// <summary>How often a waiting pipeline thread looks again when nothing woke it (a safety net, not the mechanism).</summary>
    private const int IdleWaitMilliseconds = 250;

    private readonly AsyncCmdletBase _cmdlet;
    private readonly PipelineStages _stages;
    private readonly ConcurrentQueue<PendingWrite> _writes = new();
    private readonly List<Task> _running = new();
    private readonly CancellationTokenSource _work;
    private readonly CancellationToken _stopping;
    private int _itemLimit;
    private int _itemsRunning;
    private ErrorRecord? _stoppingFailure;
    private bool _settling;
    private ExceptionDispatchInfo? _downstreamDone;

    public PipelineDispatcher(AsyncCmdletBase cmdlet, PipelineStages stages, int itemLimit, CancellationToken stopping)
    {
        _cmdlet = cmdlet;
        _stages = stages;
        _itemLimit = Math.Max(1, itemLimit);
        _stopping = stopping;
        _work = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        Log = new DispatcherLog(this);
    }

    /// <summary>Engine log messages of the dispatched work, delivered to the cmdlet's streams.</summary>
    public IOnboardLog Log { get; }

    /// <summary>Cancelled when the pipeline stops, or when a failure must stop the command (-ErrorAction Stop).</summary>
    public CancellationToken WorkToken => _work.Token;

    private bool IsStoppingOnFailure => Volatile.Read(ref _stoppingFailure) is not null;

    /// <summary>
    /// A failure under -ErrorAction Stop: the first one cancels the work, and the command stops with it once the work
    /// under way has settled (<see cref="SettleThenStop"/>); one after it is told as a warning, as the command can end
    /// with one error only. Any thread.
    /// </summary>
    private void StopOn(ErrorRecord record)
    {
        if (Interlocked.CompareExchange(ref _stoppingFailure, record, null) is null)
        {
            CancelWork();
            _stages.Wake();
        }
        else if (!ReferenceEquals(record, Volatile.Read(ref _stoppingFailure)))
        {
            WriteWarning(record.ErrorDetails?.Message ?? record.Exception.Message);
        }
    }

    /// <summary>Whether output is waiting for the pipeline thread.</summary>
    public bool HasPendingWrites => !_writes.IsEmpty;

    /// <summary>How many items may be worked on at once.</summary>
    public int ItemLimit
    {
        get => Volatile.Read(ref _itemLimit);
        set
        {
            Volatile.Write(ref _itemLimit, Math.Max(1, value));
            _stages.Wake();
        }
    }

    /// <summary>Queues an action to run on the pipeline thread.</summary>
    public void Post(Action<PSCmdlet> write) => Enqueue(new PendingWrite(write, null, null));

    private void Enqueue(PendingWrite write)
    {
        _writes.Enqueue(write);
        _stages.Wake();
    }

    /// <summary>
    /// After a stop (Ctrl+C), which leaves PowerShell taking no more writes: the warnings and errors that were queued and
    /// never written, in order, so that the command can still tell the host what its work left. Everything else queued
    /// (output, progress, verbose) is dropped.
    /// </summary>
    public IReadOnlyList<UntoldMessage> TakeUntold()
    {
        var untold = _warningsHeldForStop.Select(warning => new UntoldMessage(warning, IsError: false)).ToList();
        _warningsHeldForStop.Clear();
        var refused = _refusedOnStop is { } first ? new[] { first } : Array.Empty<PendingWrite>();
        _refusedOnStop = null;
        foreach (var write in refused.Concat(DequeueAll()))
        {
            if (write.Warning is { } warning)
            {
                untold.Add(new UntoldMessage(warning, IsError: false));
            }
            else if (write.Error is { } error)
            {
                untold.Add(new UntoldMessage(error.ErrorDetails?.Message ?? error.Exception.Message, IsError: true));
            }
        }

        return untold;

        IEnumerable<PendingWrite> DequeueAll()
        {
            while (_writes.TryDequeue(out var write))
            {
                yield return write;
            }
        }
    }

    private PendingWrite? _refusedOnStop;

    /// <summary>Writes an object, unless the command is stopping on an error: then nothing more is written.</summary>
    public void WriteObject(object? value) => Post(c =>
    {
        if (!IsStoppingOnFailure && !IsDownstreamDone)
        {
            WriteToNext(c, value);
        }
    });

    /// <summary>
    /// Writes an object and completes once the write has returned on the pipeline thread, that is once the next
    /// command has processed it. Faults when the write throws (the throw also goes on to PowerShell); cancelled when the
    /// pipeline stops first, in which case the object never reached anyone.
    /// </summary>
    public Task WriteObjectAsync(object value) => Ask(cmdlet =>
    {
        using (_cmdlet.HandOffs.BeginTransit(value))
        {
            if (!WriteToNext(cmdlet, value))
            {
                throw new OperationCanceledException(); // Never reached anyone: a user it carries stays with this command.
            }
        }

        return true;
    });

    /// <summary>
    /// Writes to the next command; false when the object did not reach it. When that command has all it wants
    /// (Select-Object -First N at its Nth object), PowerShell stops this one by throwing out of WriteObject once the
    /// object has been processed there: the object was taken, so the write counts as done. When a command further down
    /// stopped the pipeline with an error, the object counts as not taken. Either way the command winds down at the
    /// next drain (<see cref="SettleThenStopForDownstream"/>) instead of ending at once with users it would name nowhere.
    /// </summary>
    private bool WriteToNext(PSCmdlet cmdlet, object? value)
    {
        try
        {
            cmdlet.WriteObject(value);
            return true;
        }
        catch (Exception stop) when (IsStopUpstream(stop, cmdlet))
        {
            _downstreamDone ??= ExceptionDispatchInfo.Capture(stop);
            return true;
        }
        catch (PipelineStoppedException stop) when (!_stopping.IsCancellationRequested && FirstTerminatingError(cmdlet) is not null)
        {
            // A command further down failed earlier; this write met the pipeline stopping for it.
            _downstreamDone ??= ExceptionDispatchInfo.Capture(stop);
            _cmdlet.HandOffs.Reclaim(value, _cmdlet);
            return false;
        }
        catch (Exception failure) when (failure is not PipelineStoppedException && !_stopping.IsCancellationRequested)
        {
            // The next command failed on this object (a terminating error): it goes on to PowerShell once this settles.
            _downstreamDone ??= ExceptionDispatchInfo.Capture(failure);
            _cmdlet.HandOffs.Reclaim(value, _cmdlet);
            return false;
        }
    }

    /// <summary>Whether the command after this one has all the input it wants (see <see cref="WriteToNext"/>).</summary>
    public bool IsDownstreamDone => Volatile.Read(ref _downstreamDone) is not null;

    private const System.Reflection.BindingFlags Internal = System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic;

    /// <summary>
    /// Whether <paramref name="exception"/>, thrown out of <paramref name="cmdlet"/>'s WriteObject, is PowerShell's way to
    /// stop the commands before one that wants no more input (Select-Object -First), not a stop (Ctrl+C). The command
    /// that wants no more throws an internal StopUpstreamCommandsException; PowerShell records it as the pipeline's first
    /// terminating error and stops the commands before it with a PipelineStoppedException. Where PowerShell's internals
    /// cannot be read, the answer is no: a stop, as before this was asked.
    /// </summary>
    public static bool IsStopUpstream(Exception exception, PSCmdlet cmdlet) =>
        IsStopUpstreamType(exception) || (exception is PipelineStoppedException && FirstTerminatingError(cmdlet) is { } first && IsStopUpstreamType(first));

    // By name alone: it is internal, and its base class is not the same in every PowerShell version (FlowControlException in 7.6).
    private static bool IsStopUpstreamType(Exception exception) => exception.GetType().Name == "StopUpstreamCommandsException";

    /// <summary>The first terminating error of the pipeline <paramref name="cmdlet"/> runs in, from PowerShell's internals.</summary>
    private static Exception? FirstTerminatingError(PSCmdlet cmdlet)
    {
        try
        {
            var runtime = cmdlet.CommandRuntime;
            var pipeline = runtime?.GetType().GetProperty("PipelineProcessor", Internal)?.GetValue(runtime);
            var first = pipeline?.GetType().GetField("_firstTerminatingError", Internal)?.GetValue(pipeline);
            return first is ExceptionDispatchInfo captured ? captured.SourceException : first as Exception;
        }
        catch (Exception unreadable) when (unreadable is System.Reflection.TargetInvocationException or MemberAccessException or System.Reflection.AmbiguousMatchException)
        {
            return null;
        }
    }

    /// <summary>
    /// Writes to the next command on the pipeline thread, outside the queue (see <see cref="WriteToNext"/>); false when
    /// the object did not reach it. A stop from further down winds the command down at the next drain.
    /// </summary>
    public bool WriteFromPipelineThread(object value) => WriteToNext(_cmdlet, value);

    /// <summary>
    /// Asks something only the pipeline thread may ask (ShouldProcess, a prompt, a write) from worker code. Cancelled
    /// when the command stops first: the pipeline thread will never run it; or when it is stopping on an error.
    /// </summary>
    public Task<T> Ask<T>(Func<PSCmdlet, T> question)
    {
        var answer = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var registration = _stopping.Register(() => answer.TrySetCanceled());
        Post(cmdlet =>
        {
            registration.Dispose();
            if (answer.Task.IsCompleted)
            {
                return;
            }

            if (IsStoppingOnFailure || IsDownstreamDone)
            {
                // Stopping on an error, or the command after this one wants no more input: nothing more is asked or
                // written. A user whose write this was stays with this command, which names it before it ends
                // (AsyncCmdletBase.NameUsersNotHandedOn).
                answer.TrySetCanceled();
                return;
            }

            try
            {
                answer.TrySetResult(question(cmdlet));
            }
            catch (OperationCanceledException)
            {
                answer.TrySetCanceled();
            }
            catch (Exception failure)
            {
                answer.TrySetException(failure);
                throw;
            }
        });
        return answer.Task;
    }

    /// <summary>
    /// Writes an error; under -ErrorAction Stop the command stops with it instead (<see cref="StopOn"/>): written there,
    /// it would stop the pipeline at once, before the work under way could say what it leaves.
    /// </summary>
    public void WriteError(ErrorRecord record) => Enqueue(new PendingWrite(c =>
    {
        if (_cmdlet.StopsOnError)
        {
            StopOn(record);
        }
        else
        {
            c.WriteError(record);
        }
    }, null, record));

    /// <summary>
    /// Writes an error at once (pipeline thread); under -ErrorAction Stop the command stops with it as with
    /// <see cref="WriteError"/>, once the work under way has settled. Written straight away, it stopped the command
    /// with rows still under way, their output still being written on and nothing said of what they left.
    /// </summary>
    public void WriteErrorNow(ErrorRecord record)
    {
        if (!_cmdlet.StopsOnError)
        {
            _cmdlet.WriteError(record);
            return;
        }

        StopOn(record);
        if (_drainDepth == 0)
        {
            Drain(); // Settles, then stops with the error (SettleThenStop); within a drain, the drain does.
        }
    }

    public void WriteWarning(string message) => Enqueue(new PendingWrite(c =>
    {
        if (_settling && _cmdlet.StopsOnWarning)
        {
            // Settling to stop under -WarningAction Stop: written, the warning would end the command in place of what is
            // stopping it, and cut short what is still to be said. The stop says it instead (TakeWarningsHeldForStop).
            _warningsHeldForStop.Add(message);
        }
        else
        {
            c.WriteWarning(message);
        }
    }, message, null));

    private readonly List<string> _warningsHeldForStop = new();

    /// <summary>
    /// The warnings held back while settling to stop under -WarningAction Stop (see <see cref="WriteWarning"/>), then
    /// what the command leaves: the users whose credentials it still holds, let go. Null when there is nothing. Pipeline thread.
    /// </summary>
    private string? TakeWarningsHeldForStop(string notHandedOnWhy)
    {
        var told = _warningsHeldForStop.Append(_cmdlet.LetGoOfUsersNotHandedOn(notHandedOnWhy)).OfType<string>().ToList();
        _warningsHeldForStop.Clear();
        return told.Count == 0 ? null : string.Join(" ", told);
    }

    public void WriteVerbose(string message) => Post(c => c.WriteVerbose(message));

    public void WriteProgress(ProgressRecord record) => Post(c => c.WriteProgress(record));

    /// <summary>Stops all work of this command now (a failure under -ErrorAction Stop): nothing more is started or sent.</summary>
    public void CancelWork()
    {
        try
        {
            _work.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>
    /// Starts <paramref name="work"/> once fewer than <see cref="ItemLimit"/> items are running, writing output and
    /// pumping the next stage while it waits. Exceptions escaping <paramref name="work"/> become error records through
    /// <paramref name="onFailure"/>; with <paramref name="stopOnFailure"/> a failure also cancels every other item at once.
    /// <paramref name="priority"/> is the row the item works for (see <see cref="Iam.RequestBudget.Priority"/>).
    /// <paramref name="writeFailure"/> writes the error record instead of writing it at once (e.g. in row order, <see cref="InRowOrder"/>).
    /// </summary>
    public void Start(Func<CancellationToken, Task> work, Func<Exception, ErrorRecord> onFailure, bool stopOnFailure, long? priority = null, Action<ErrorRecord>? writeFailure = null)
    {
        while (true)
        {
            Drain();
            _work.Token.ThrowIfCancellationRequested();
            if (Volatile.Read(ref _itemsRunning) < ItemLimit)
            {
                break;
            }

            _stages.WaitForWork(IdleWaitMilliseconds, _work.Token);
        }

        Interlocked.Increment(ref _itemsRunning);
        var token = _work.Token;
        Remember(Task.Run(async () =>
        {
            using var _ = OnboardLog.Use(Log);

            // The item's row orders its IAM requests in the session's budget: users under way finish first.
            Iam.RequestBudget.Priority = priority;
            try
            {
                await work(token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                // Stopping: PowerShell reports the stop, or the failure that caused it, itself.
            }
            catch (Exception exception)
            {
                // Under -ErrorAction Stop the failure is recorded before the work is cancelled: the pipeline thread, seeing
                // the cancellation, must find the error to stop with, never mistake the failure for a user's stop.
                var record = onFailure(exception);
                if (token.IsCancellationRequested && IsDownstreamDone)
                {
                    // Cut short because the command after this one wants no more (Select-Object -First) or failed: not a
                    // failure of this item, so no error ($? and a runbook's exit code stay true to the rows); what it
                    // left is still told. Under -ErrorAction Stop it would have been kept as the error to stop with,
                    // which the downstream stop never writes.
                    WriteWarning(record.ErrorDetails?.Message ?? record.Exception.Message);
                }
                else if (stopOnFailure)
                {
                    StopOn(record);
                }
                else
                {
                    (writeFailure ?? WriteError)(record);
                }
            }
            finally
            {
                Interlocked.Decrement(ref _itemsRunning);
                _stages.Wake();
            }
        }));
    }

    /// <summary>
    /// Tracks work that runs beside the items (handing an item on and acknowledging it), so Complete waits for it and
    /// Dispose gives it a short grace. It reports its own failures: whatever escapes it is dropped here.
    /// </summary>
    public void Track(Task work) =>
        Remember(work.ContinueWith(t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default));

    /// <summary>Runs one piece of work to completion on the pipeline's behalf and returns its result.</summary>
    public T Run<T>(Func<CancellationToken, Task<T>> work)
    {
        var token = _work.Token;
        var task = Task.Run(async () =>
        {
            using var _ = OnboardLog.Use(Log);
            return await work(token).ConfigureAwait(false);
        });
        task.ContinueWith(_ => _stages.Wake(), TaskScheduler.Default);
        while (!task.IsCompleted)
        {
            Drain();
            _stages.WaitForWork(IdleWaitMilliseconds, CancellationToken.None);
        }

        Drain();
        return task.GetAwaiter().GetResult();
    }

    /// <summary>Writes everything queued so far, then lets the next stage write what it has. Pipeline thread only.</summary>
    public void Drain()
    {
        _drainDepth++;
        try
        {
            DrainOnce();
        }
        finally
        {
            _drainDepth--;
        }
    }

    private int _drainDepth;

    private void DrainOnce()
    {
        while (_writes.TryDequeue(out var pending))
        {
            // Nothing written here is the object an outer write has in transit (WriteObjectAsync sets its own).
            using (_cmdlet.HandOffs.BeginTransit(null))
            {
                try
                {
                    pending.Write(_cmdlet);
                }
                catch (PipelineStoppedException) when (_stopping.IsCancellationRequested && (pending.Warning is not null || pending.Error is not null))
                {
                    _refusedOnStop = pending; // Ctrl+C: PowerShell refused it; TakeUntold still tells it.
                    throw;
                }
            }
        }

        if (IsDownstreamDone)
        {
            if (!_settling)
            {
                SettleThenStopForDownstream();
            }
        }
        else if (!IsStoppingOnFailure)
        {
            PumpNextStage();
        }
        else if (!_settling && !_stopping.IsCancellationRequested)
        {
            SettleThenStop();
        }
    }

    /// <summary>
    /// Stops the command because the command after it wants no more input (Select-Object -First), once the work under
    /// way has settled: nothing more is started, half-made users are rolled back, and the users whose output was taken
    /// lose their hand-off mark. Every user this command still holds is named, as their credentials reached nobody;
    /// then PowerShell's stop goes on. Before, the stop cut all of that short: the user taken kept its mark (so the next
    /// run replaced the key someone held), and the others were named nowhere.
    /// </summary>
    private void SettleThenStopForDownstream()
    {
        CancelWork();
        Settle();
        var requester = StopRequester();
        StopReason = requester;
        if (_cmdlet.StopsOnWarning)
        {
            // A warning ends the command (-WarningAction Stop): the account (not a warning then) first, then one warning
            // with all the rest, which ends it.
            _cmdlet.TellStoppedEarly(requester);
            if (TakeWarningsHeldForStop($"{requester}, so they were not written on") is { } rest)
            {
                _cmdlet.WriteWarning(rest);
            }
        }
        else
        {
            _cmdlet.NameUsersNotHandedOn($"{requester}, so they were not written on");
            _cmdlet.TellStoppedEarly(requester);
        }

        _downstreamDone!.Throw();
    }

    /// <summary>Why the command stopped before the end of its input, once it settled to stop (else null): for <see cref="AsyncCmdletBase.TellStoppedEarly"/>.</summary>
    public string? StopReason { get; private set; }

    /// <summary>The command that wants no more input, in words, from PowerShell's internals where they can be read.</summary>
    private string StopRequester()
    {
        try
        {
            var stop = FirstTerminatingError(_cmdlet) ?? _downstreamDone?.SourceException;
            if (stop is not null && !IsStopUpstreamType(stop))
            {
                var failed = (stop as IContainsErrorRecord)?.ErrorRecord?.InvocationInfo?.MyCommand?.Name;
                return $"the pipeline stopped on {(string.IsNullOrEmpty(failed) ? "an error further down" : failed + "'s error")}";
            }

            var processor = stop?.GetType().GetProperty("RequestingCommandProcessor", Internal)?.GetValue(stop);
            if (processor?.GetType().GetProperty("Command", Internal)?.GetValue(processor) is PSCmdlet { MyInvocation.MyCommand.Name: { Length: > 0 } name })
            {
                return name + " stopped it after it took all the input it wanted";
            }
        }
        catch (Exception exception) when (exception is System.Reflection.TargetInvocationException or MemberAccessException or System.Reflection.AmbiguousMatchException)
        {
        }

        return "the command after it stopped it";
    }

    /// <summary>Lets the work under way wind down (within <see cref="SettleLimit"/>), writing what it says. Ctrl+C stops the wait.</summary>
    private void Settle()
    {
        _settling = true;
        var waited = Stopwatch.StartNew();
        try
        {
            while (waited.Elapsed < SettleLimit)
            {
                Drain();
                bool running;
                lock (_running)
                {
                    _running.RemoveAll(t => t.IsCompleted);
                    running = _running.Count > 0;
                }

                if (!running && _writes.IsEmpty)
                {
                    break;
                }

                _stages.WaitForWork(IdleWaitMilliseconds, _stopping);
            }
        }
        catch (OperationCanceledException)
        {
            throw new PipelineStoppedException(); // Ctrl+C while settling.
        }
    }

    /// <summary>
    /// Stops the command with the failure under -ErrorAction Stop, once the work under way has settled: requests already
    /// sent are answered, half-made users rolled back, and what that leaves is told. Then every user whose new credentials
    /// this command still holds is named: they were never written on, so they are not handed out, and the next run
    /// replaces them. Only then is the error written, for once written it stops the pipeline and nothing more can be
    /// said; before, it was written first, and the users it left behind were named nowhere.
    /// </summary>
    private void SettleThenStop()
    {
        Settle();
        const string notWrittenOn = "it stopped on an error under -ErrorAction Stop before writing them on";
        var failure = Volatile.Read(ref _stoppingFailure)!;
        StopReason = $"it stopped on an error under -ErrorAction Stop: {failure.ErrorDetails?.Message ?? failure.Exception.Message}";
        if (_cmdlet.StopsOnWarning)
        {
            // A warning would end the command in place of the error (-WarningAction Stop): the error says it all.
            if (TakeWarningsHeldForStop(notWrittenOn) is { } rest)
            {
                failure = new ErrorRecord(failure, failure.Exception)
                {
                    ErrorDetails = new ErrorDetails($"{failure.ErrorDetails?.Message ?? failure.Exception.Message} {rest}")
                    {
                        RecommendedAction = failure.ErrorDetails?.RecommendedAction,
                    },
                };
            }
        }
        else
        {
            _cmdlet.NameUsersNotHandedOn(notWrittenOn);
        }

        _cmdlet.TellStoppedEarly(StopReason);
        _cmdlet.WriteError(failure); // Stops the pipeline, with ActionPreferenceStopException as the failure.
        _cmdlet.ThrowTerminatingError(failure);
    }

    /// <summary>Waits for all started and tracked work, writing output as it arrives.</summary>
    public void Complete()
    {
        while (true)
        {
            Drain();
            Task[] pending;
            lock (_running)
            {
                _running.RemoveAll(t => t.IsCompleted);
                pending = _running.ToArray();
            }

            if (pending.Length == 0 && _writes.IsEmpty)
            {
                break;
            }

            _stages.WaitForWork(IdleWaitMilliseconds, _stopping);
        }
    }

    /// <summary>
    /// Gives work still running after a stop a short grace (roll-backs of half-made users, marks removed for output that
    /// was taken), then returns: a stop ends the command within seconds. What is not finished by then leaves its
    /// hand-off marks in IAM, and the next run repairs it.
    /// </summary>
    public void Dispose()
    {
        CancelWork();
        Task[] pending;
        lock (_running)
        {
            pending = _running.Where(t => !t.IsCompleted).ToArray();
        }

        if (pending.Length > 0)
        {
            Task.WaitAll(pending.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)).ToArray(), StopGrace);
        }

        _work.Dispose();
    }

    private void Remember(Task task)
    {
        lock (_running)
        {
            _running.RemoveAll(t => t.IsCompleted);
            _running.Add(task);
        }

        task.ContinueWith(_ => _stages.Wake(), TaskScheduler.Default);
    }

    /// <summary>When the next IamOnboard stage has output ready, hands it the pipeline thread (see <see cref="PipelineStages"/>).</summary>
    private void PumpNextStage()
    {
        if (_stages.Next(_cmdlet) is { TakesPumps: true } next && next.HasOutputReady())
        {
            using (_cmdlet.HandOffs.BeginTransit(null))
            {
                WriteToNext(_cmdlet, OnboardUser.Pump);
            }
        }
    }

    private sealed class DispatcherLog : IOnboardLog
    {
        private readonly PipelineDispatcher _dispatcher;

        public DispatcherLog(PipelineDispatcher dispatcher) => _dispatcher = dispatcher;

        public void Verbose(string message) => _dispatcher.Post(c => c.WriteVerbose(message));

        public void Debug(string message) => _dispatcher.Post(c => c.WriteDebug(message));

        public void Warning(string message) => _dispatcher.WriteWarning(message);
    }

    /// <summary>A write waiting for the pipeline thread, and the warning or error it carries, if any (for <see cref="TakeUntold"/>).</summary>
    private readonly record struct PendingWrite(Action<PSCmdlet> Write, string? Warning, ErrorRecord? Error);
}

/// <summary>A warning or error a command's work queued and PowerShell, stopped, would not write (<see cref="PipelineDispatcher.TakeUntold"/>).</summary>
internal readonly record struct UntoldMessage(string Text, bool IsError);
