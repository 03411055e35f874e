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
/// smallest one named by a command still running, else <see cref="DefaultLimit"/>. Waiters are served by
/// <see cref="Priority"/> (the row a request works for: lower first), then in arrival order: a user already under way,
/// further along the pipeline, finishes before users behind it take the budget, so one user's chain of calls is not
/// stretched by everyone else's.
/// </remarks>
public sealed class RequestBudget
{
    /// <summary>The limit when no running command names one.</summary>
    public const int StandardLimit = 4;

    private static readonly AsyncLocal<long?> CurrentPriority = new();

    private readonly object _gate = new();
    private readonly LinkedList<Waiter> _waiters = new();
    private readonly List<int> _namedLimits = new();
    private int _defaultLimit;
    private int _inFlight;

    public RequestBudget(int defaultLimit = StandardLimit)
    {
        _defaultLimit = CheckLimit(defaultLimit);
    }

    /// <summary>
    /// The priority of the requests made from here on in this flow of work: the row they are for (lower is served
    /// first). Requests without one (batch-level lookups) go before any row.
    /// </summary>
    public static long? Priority
    {
        get => CurrentPriority.Value;
        set => CurrentPriority.Value = value;
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
        // A stopped caller gets no room, even when there is some: its next request is not sent.
        cancellationToken.ThrowIfCancellationRequested();
        Waiter waiter;
        LinkedListNode<Waiter> node;
        lock (_gate)
        {
            if (_waiters.Count == 0 && _inFlight < CurrentLimit())
            {
                _inFlight++;
                return new Permit(this);
            }

            waiter = new Waiter(Priority ?? long.MinValue);
            node = InsertInOrder(waiter);
        }

        using (cancellationToken.Register(() => Cancel(node)))
        {
            await waiter.Granted.Task.ConfigureAwait(false);
        }

        return new Permit(this);
    }

    /// <summary>After every waiter of the same or a higher priority: by priority, then first come, first served.</summary>
    private LinkedListNode<Waiter> InsertInOrder(Waiter waiter)
    {
        for (var at = _waiters.Last; at is not null; at = at.Previous)
        {
            if (at.Value.Priority <= waiter.Priority)
            {
                return _waiters.AddAfter(at, waiter);
            }
        }

        return _waiters.AddFirst(waiter);
    }

    private void Cancel(LinkedListNode<Waiter> node)
    {
        lock (_gate)
        {
            if (node.List is null)
            {
                return; // already granted: the permit is released by its owner
            }

            _waiters.Remove(node);
        }

        node.Value.Granted.TrySetCanceled();
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
            Waiter next;
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

            next.Granted.TrySetResult(true);
        }
    }

    private int CurrentLimit() => _namedLimits.Count == 0 ? _defaultLimit : _namedLimits.Min();

    private static int CheckLimit(int limit) =>
        limit >= 1 ? limit : throw new ArgumentOutOfRangeException(nameof(limit), limit, "A request budget allows at least one request in flight.");

    private sealed class Waiter
    {
        public Waiter(long priority) => Priority = priority;

        public long Priority { get; }

        public TaskCompletionSource<bool> Granted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

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
