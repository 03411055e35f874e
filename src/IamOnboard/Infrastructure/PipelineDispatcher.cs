using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using IamOnboard.Diagnostics;

namespace IamOnboard.Commands.Infrastructure;

/// <summary>
/// Runs engine work on pool threads while everything PowerShell must see (objects, errors, verbose, debug,
/// warnings, progress) is written on the pipeline thread, which is the only thread allowed to write.
/// Bounds concurrency so a cmdlet can work on several pipeline items at once and still stream results.
/// </summary>
internal sealed class PipelineDispatcher : IDisposable
{
    private readonly PSCmdlet _cmdlet;
    private readonly BlockingCollection<Action<PSCmdlet>> _writes = new();
    private readonly SemaphoreSlim _slots;
    private readonly List<Task> _running = new();
    private readonly CancellationToken _cancellation;

    public PipelineDispatcher(PSCmdlet cmdlet, int throttleLimit, CancellationToken cancellation)
    {
        _cmdlet = cmdlet;
        _slots = new SemaphoreSlim(Math.Max(1, throttleLimit));
        _cancellation = cancellation;
        Log = new DispatcherLog(this);
    }

    /// <summary>Engine log messages of the dispatched work, delivered to the cmdlet's streams.</summary>
    public IOnboardLog Log { get; }

    /// <summary>Queues an action to run on the pipeline thread.</summary>
    public void Post(Action<PSCmdlet> write) => _writes.Add(write);

    public void WriteObject(object? value) => Post(c => c.WriteObject(value));

    /// <summary>
    /// Writes an object and completes once the write has returned on the pipeline thread, that is once the next
    /// command has processed it. Faults when the write throws (the throw also goes on to PowerShell); cancelled when the
    /// pipeline stops first, in which case the object never reached anyone.
    /// </summary>
    public Task WriteObjectAsync(object value, CancellationToken cancellation)
    {
        var written = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var registration = cancellation.Register(() => written.TrySetCanceled());
        Post(cmdlet =>
        {
            try
            {
                cmdlet.WriteObject(value);
            }
            catch (Exception failure)
            {
                written.TrySetException(failure);
                throw;
            }
            finally
            {
                registration.Dispose();
            }

            written.TrySetResult(true);
        });
        return written.Task;
    }

    /// <summary>Asks something only the pipeline thread may ask (ShouldProcess, a prompt) from worker code.</summary>
    public Task<T> Ask<T>(Func<PSCmdlet, T> question)
    {
        var answer = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(cmdlet =>
        {
            try
            {
                answer.SetResult(question(cmdlet));
            }
            catch (Exception failure)
            {
                answer.SetException(failure);
            }
        });
        return answer.Task;
    }

    public void WriteError(ErrorRecord record) => Post(c => c.WriteError(record));

    public void WriteWarning(string message) => Post(c => c.WriteWarning(message));

    public void WriteVerbose(string message) => Post(c => c.WriteVerbose(message));

    public void WriteProgress(ProgressRecord record) => Post(c => c.WriteProgress(record));

    /// <summary>
    /// Starts <paramref name="work"/> once a slot is free, pumping pending writes while it waits.
    /// Exceptions escaping <paramref name="work"/> are turned into error records by <paramref name="onFailure"/>.
    /// </summary>
    public void Start(Func<CancellationToken, Task> work, Func<Exception, ErrorRecord> onFailure)
    {
        while (!_slots.Wait(50, _cancellation))
        {
            Drain();
        }

        var task = Task.Run(async () =>
        {
            using var _ = OnboardLog.Use(Log);
            try
            {
                await work(_cancellation).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_cancellation.IsCancellationRequested)
            {
                // Stopping: PowerShell reports the stop itself.
            }
            catch (Exception exception)
            {
                WriteError(onFailure(exception));
            }
            finally
            {
                _slots.Release();
            }
        });
        lock (_running)
        {
            _running.RemoveAll(t => t.IsCompleted);
            _running.Add(task);
        }

        Drain();
    }

    /// <summary>
    /// Tracks work that holds no slot because it waits for the pipeline thread rather than for IAM (handing an item on),
    /// so that the next item can start meanwhile; Complete and Dispose wait for it like for started work. It reports its
    /// own failures: whatever escapes it is dropped here.
    /// </summary>
    public void Track(Task work)
    {
        var settled = work.ContinueWith(t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        lock (_running)
        {
            _running.RemoveAll(t => t.IsCompleted);
            _running.Add(settled);
        }
    }

    /// <summary>
    /// Runs a follow-up IAM call of tracked work (see <see cref="Track"/>) in a slot, so requests in flight stay within
    /// the throttle limit: under throttling, calls beyond it only compete for the same tokens and exhaust their retries.
    /// </summary>
    public async Task InSlotAsync(Func<Task> work)
    {
        await _slots.WaitAsync().ConfigureAwait(false);
        try
        {
            await work().ConfigureAwait(false);
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <summary>Runs one piece of work to completion on the pipeline's behalf and returns its result.</summary>
    public T Run<T>(Func<CancellationToken, Task<T>> work)
    {
        var task = Task.Run(async () =>
        {
            using var _ = OnboardLog.Use(Log);
            return await work(_cancellation).ConfigureAwait(false);
        });
        while (!task.Wait(50))
        {
            Drain();
        }

        Drain();
        return task.GetAwaiter().GetResult();
    }

    /// <summary>Writes everything queued so far. Call only on the pipeline thread.</summary>
    public void Drain()
    {
        while (_writes.TryTake(out var write))
        {
            write(_cmdlet);
        }
    }

    /// <summary>Waits for all started work, writing its output as it arrives.</summary>
    public void Complete()
    {
        while (true)
        {
            Task[] pending;
            lock (_running)
            {
                pending = _running.ToArray();
            }

            if (pending.Length == 0 || Task.WaitAll(pending, 50))
            {
                lock (_running)
                {
                    _running.RemoveAll(t => t.IsCompleted);
                    if (_running.Count == 0)
                    {
                        break;
                    }
                }
            }

            Drain();
        }

        Drain();
    }

    /// <summary>
    /// Waits (bounded) for work still running after a stop, so roll-backs of half-made items finish before the
    /// command returns and a re-run cannot race them. Their output is dropped: the pipeline is gone.
    /// </summary>
    public void Dispose()
    {
        Task[] pending;
        lock (_running)
        {
            pending = _running.Where(t => !t.IsCompleted).ToArray();
        }

        if (pending.Length > 0)
        {
            Task.WaitAll(pending.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)).ToArray(), TimeSpan.FromSeconds(60));
        }

        _slots.Dispose();
        _writes.Dispose();
    }

    private sealed class DispatcherLog : IOnboardLog
    {
        private readonly PipelineDispatcher _dispatcher;

        public DispatcherLog(PipelineDispatcher dispatcher) => _dispatcher = dispatcher;

        public void Verbose(string message) => _dispatcher.Post(c => c.WriteVerbose(message));

        public void Debug(string message) => _dispatcher.Post(c => c.WriteDebug(message));

        public void Warning(string message) => _dispatcher.Post(c => c.WriteWarning(message));
    }
}
