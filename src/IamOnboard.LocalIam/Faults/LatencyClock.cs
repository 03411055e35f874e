using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace IamOnboard.LocalIam.Faults;

/// <summary>
/// The endpoint's injected latency, kept to within about a millisecond and never short. Task.Delay on Linux answers
/// 2-3 ms late (a median of 27.7 ms for 25), which made <c>-Latency 25ms</c> an endpoint 11% slower than asked for
/// every client measured against it. One thread per endpoint sleeps until the earliest due time; continuations run on the pool.
/// Every request waits the same latency, so due times come in the order the requests do: a queue keeps them sorted.
/// </summary>
internal sealed class LatencyClock : IDisposable
{
    private readonly object _gate = new();
    private readonly Queue<(TaskCompletionSource<bool> Done, long Due)> _due = new();
    private readonly Thread _thread;
    private bool _disposed;

    public LatencyClock()
    {
        _thread = new Thread(Run) { IsBackground = true, Name = "LocalIam latency" };
        _thread.Start();
    }

    /// <summary>
    /// A task that completes <paramref name="latency"/> after this call, or is canceled when the endpoint stops: a request
    /// still waiting then is not processed, so nothing changes after Stop.
    /// </summary>
    public Task Delay(TimeSpan latency)
    {
        var done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        // Saturated: a latency of years is "never", not an overflow into the past.
        long ticks = (long)Math.Min(latency.TotalSeconds * Stopwatch.Frequency, long.MaxValue / 4);
        lock (_gate)
        {
            if (_disposed)
            {
                done.TrySetCanceled();
                return done.Task;
            }

            // Timed under the lock, so the queue stays in due order; only a first entry can be due before the clock wakes.
            _due.Enqueue((done, Stopwatch.GetTimestamp() + ticks));
            if (_due.Count == 1)
            {
                Monitor.Pulse(_gate);
            }
        }

        return done.Task;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            Monitor.Pulse(_gate);
        }
    }

    private void Run()
    {
        while (true)
        {
            TaskCompletionSource<bool> ready;
            lock (_gate)
            {
                if (_disposed)
                {
                    while (_due.Count > 0)
                    {
                        _due.Dequeue().Done.TrySetCanceled();
                    }

                    return;
                }

                if (_due.Count == 0)
                {
                    Monitor.Wait(_gate);
                    continue;
                }

                long remaining = _due.Peek().Due - Stopwatch.GetTimestamp();
                if (remaining > 0)
                {
                    // Rounded up: a wait of whole milliseconds never answers early.
                    Monitor.Wait(_gate, (int)Math.Min(int.MaxValue, Math.Ceiling(remaining * 1000.0 / Stopwatch.Frequency)));
                    continue;
                }

                ready = _due.Dequeue().Done;
            }

            ready.TrySetResult(true);
        }
    }
}
