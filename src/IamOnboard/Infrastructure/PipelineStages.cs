using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;

namespace IamOnboard.Commands.Infrastructure;

/// <summary>
/// The IamOnboard commands running in one runspace, in pipeline order, and the one signal that wakes whichever of them
/// holds the pipeline thread. Lets a stage that waits on the pipeline thread pass it to the stage after it the moment
/// that stage has output ready, so an item finished by one stage reaches the next without waiting for new input.
/// </summary>
/// <remarks>
/// PowerShell lets only the command currently running write, and a command's output reaches the next command only
/// through its own write. A waiting stage therefore "pumps": it writes <see cref="OnboardUser.Pump"/>, which the next
/// stage's base cmdlet recognises before its own code runs, writes out what it has ready, pumps further down, and
/// returns. Pumps go only to a next stage that declared it takes them (an IamOnboard command whose pipeline input
/// binds any OnboardUser), so no other command ever sees one.
/// </remarks>
internal sealed class PipelineStages
{
    private readonly object _gate = new();
    private readonly List<AsyncCmdletBase> _stages = new();
    private readonly object _signal = new();
    private int _wakeUps;

    /// <summary>Wakes the stage holding the pipeline thread: there is something to write or a slot came free.</summary>
    public void Wake()
    {
        lock (_signal)
        {
            // A burst of posts needs one wake-up, not one each.
            if (_wakeUps < 2)
            {
                _wakeUps++;
                Monitor.Pulse(_signal);
            }
        }
    }

    /// <summary>
    /// Waits for a wake-up, at most <paramref name="milliseconds"/>; throws once <paramref name="cancellation"/> is
    /// cancelled. Blocks at once: a SemaphoreSlim spins before it blocks, and the pipeline thread waits thousands of
    /// times a batch, which on a two-core machine took CPU from the requests the stages are waiting for.
    /// </summary>
    public void WaitForWork(int milliseconds, CancellationToken cancellation)
    {
        cancellation.ThrowIfCancellationRequested();
        using (cancellation.CanBeCanceled ? cancellation.Register(PulseAll, _signal) : default)
        {
            lock (_signal)
            {
                if (_wakeUps == 0 && !cancellation.IsCancellationRequested)
                {
                    Monitor.Wait(_signal, milliseconds);
                }

                if (_wakeUps > 0)
                {
                    _wakeUps--;
                }
            }
        }

        cancellation.ThrowIfCancellationRequested();
    }

    private static void PulseAll(object? signal)
    {
        lock (signal!)
        {
            Monitor.PulseAll(signal);
        }
    }

    public void Add(AsyncCmdletBase stage)
    {
        lock (_gate)
        {
            _stages.Add(stage);
        }
    }

    public void Remove(AsyncCmdletBase stage)
    {
        lock (_gate)
        {
            _stages.Remove(stage);
        }
    }

    /// <summary>The IamOnboard command right after <paramref name="stage"/> in its pipeline, when there is one.</summary>
    public AsyncCmdletBase? Next(AsyncCmdletBase stage)
    {
        var me = stage.MyInvocation;
        lock (_gate)
        {
            return _stages.FirstOrDefault(s => !ReferenceEquals(s, stage) && IsRightAfter(me, s.MyInvocation));
        }
    }

    private static bool IsRightAfter(InvocationInfo me, InvocationInfo other) =>
        other.HistoryId == me.HistoryId &&
        other.PipelineLength == me.PipelineLength &&
        other.PipelinePosition == me.PipelinePosition + 1;
}
