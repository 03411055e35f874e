using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace IamOnboard.Iam;

/// <summary>
/// The most IAM requests a session may have in flight at once, shared by every command using the session: the
/// stages of one pipeline together never send more than this, which is what IAM's rate limits count.
/// </summary>
/// <remarks>
/// Each command that names a limit (-ThrottleLimit) joins the budget for as long as it runs; the limit in force is the
/// smallest one named by a command still running, else <see cref="DefaultLimit"/>. Waiters are served first come, first
/// served, so a user further along the pipeline is not starved by new users behind it.
/// </remarks>
public sealed class RequestBudget
{
    /// <summary>The limit when no running command names one.</summary>
    public const int StandardLimit = 4;

    private readonly object _gate = new();
    private readonly LinkedList<TaskCompletionSource<bool>> _waiters = new();
    private readonly List<int> _namedLimits = new();
    private int _defaultLimit;
    private int _inFlight;

    public RequestBudget(int defaultLimit = StandardLimit)
    {
        _defaultLimit = CheckLimit(defaultLimit);
    }

    /// <summary>The limit when no running command names one (Connect-Onboard -ThrottleLimit sets it).</summary>
    public int DefaultLimit
    {
        get { lock (_gate) { return _defaultLimit; } }
        set
        {
            lock (_gate)
            {
                _defaultLimit = CheckLimit(value);
            }

            ReleaseWaiters();
        }
    }

    /// <summary>The limit in force now.</summary>
    public int Limit
    {
        get { lock (_gate) { return CurrentLimit(); } }
    }

    /// <summary>Requests in flight now.</summary>
    public int InFlight
    {
        get { lock (_gate) { return _inFlight; } }
    }

    /// <summary>
    /// A command joins for as long as it runs; <paramref name="namedLimit"/> is its -ThrottleLimit when given. Dispose
    /// the result when the command ends.
    /// </summary>
    public IDisposable Join(int? namedLimit)
    {
        if (namedLimit is not { } limit)
        {
            return NoLease.Instance;
        }

        lock (_gate)
        {
            _namedLimits.Add(CheckLimit(limit));
        }

        return new Lease(this, limit);
    }

    /// <summary>Waits for room for one request; dispose the result once the response is in.</summary>
    public async Task<IDisposable> AcquireAsync(CancellationToken cancellationToken)
    {
        TaskCompletionSource<bool> waiter;
        LinkedListNode<TaskCompletionSource<bool>> node;
        lock (_gate)
        {
            if (_waiters.Count == 0 && _inFlight < CurrentLimit())
            {
                _inFlight++;
                return new Permit(this);
            }

            waiter = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            node = _waiters.AddLast(waiter);
        }

        using (cancellationToken.Register(() => Cancel(node)))
        {
            await waiter.Task.ConfigureAwait(false);
        }

        return new Permit(this);
    }

    private void Cancel(LinkedListNode<TaskCompletionSource<bool>> node)
    {
        lock (_gate)
        {
            if (node.List is null)
            {
                return; // already granted: the permit is released by its owner
            }

            _waiters.Remove(node);
        }

        node.Value.TrySetCanceled();
    }

    private void Release()
    {
        lock (_gate)
        {
            _inFlight--;
        }

        ReleaseWaiters();
    }

    private void Leave(int limit)
    {
        lock (_gate)
        {
            _namedLimits.Remove(limit);
        }

        ReleaseWaiters();
    }

    /// <summary>Grants waiting requests while there is room (a limit may have grown).</summary>
    private void ReleaseWaiters()
    {
        while (true)
        {
            TaskCompletionSource<bool> next;
            lock (_gate)
            {
                if (_waiters.Count == 0 || _inFlight >= CurrentLimit())
                {
                    return;
                }

                next = _waiters.First!.Value;
                _waiters.RemoveFirst();
                _inFlight++;
            }

            next.TrySetResult(true);
        }
    }

    private int CurrentLimit() => _namedLimits.Count == 0 ? _defaultLimit : _namedLimits.Min();

    private static int CheckLimit(int limit) =>
        limit >= 1 ? limit : throw new ArgumentOutOfRangeException(nameof(limit), limit, "A request budget allows at least one request in flight.");

    private sealed class Permit : IDisposable
    {
        private RequestBudget? _budget;

        public Permit(RequestBudget budget) => _budget = budget;

        public void Dispose() => Interlocked.Exchange(ref _budget, null)?.Release();
    }

    private sealed class Lease : IDisposable
    {
        private readonly int _limit;
        private RequestBudget? _budget;

        public Lease(RequestBudget budget, int limit)
        {
            _budget = budget;
            _limit = limit;
        }

        public void Dispose() => Interlocked.Exchange(ref _budget, null)?.Leave(_limit);
    }

    private sealed class NoLease : IDisposable
    {
        public static readonly NoLease Instance = new();

        public void Dispose()
        {
        }
    }
}
