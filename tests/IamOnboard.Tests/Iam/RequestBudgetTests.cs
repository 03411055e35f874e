using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using IamOnboard.Iam;
using Xunit;

namespace IamOnboard.Tests.Iam;

public class RequestBudgetTests
{
    [Fact]
    public async Task NeverGrantsMoreThanTheLimitAndServesWaitersInOrder()
    {
        var budget = new RequestBudget(2);
        var first = await budget.AcquireAsync(CancellationToken.None);
        var second = await budget.AcquireAsync(CancellationToken.None);
        var third = budget.AcquireAsync(CancellationToken.None);
        var fourth = budget.AcquireAsync(CancellationToken.None);
        Assert.False(third.IsCompleted);
        Assert.Equal(2, budget.InFlight);

        first.Dispose();
        var thirdPermit = await third;
        // Checked while two permits are held: once one is released the fourth is granted, and its await may finish on
        // a pool thread at any moment (checking after the release made this test depend on timing).
        Assert.False(fourth.IsCompleted);
        Assert.Equal(2, budget.InFlight);
        thirdPermit.Dispose();
        (await fourth).Dispose();
        second.Dispose();
        Assert.Equal(0, budget.InFlight);
    }

    [Fact]
    public async Task TheSmallestNamedLimitOfTheRunningCommandsHolds()
    {
        var budget = new RequestBudget(8);
        using (budget.Join(3))
        using (budget.Join(null))
        using (budget.Join(5))
        {
            Assert.Equal(3, budget.Limit);
            var permits = new List<IDisposable>();
            for (var i = 0; i < 3; i++)
            {
                permits.Add(await budget.AcquireAsync(CancellationToken.None));
            }

            var waiting = budget.AcquireAsync(CancellationToken.None);
            Assert.False(waiting.IsCompleted);
            permits.ForEach(p => p.Dispose());
            (await waiting).Dispose();
        }

        Assert.Equal(8, budget.Limit);
    }

    [Fact]
    public async Task ALimitGrowingWhenACommandEndsLetsWaitersIn()
    {
        var budget = new RequestBudget(2);
        var lease = budget.Join(1);
        var held = await budget.AcquireAsync(CancellationToken.None);
        var waiting = budget.AcquireAsync(CancellationToken.None);
        Assert.False(waiting.IsCompleted);
        lease.Dispose();
        (await waiting).Dispose();
        held.Dispose();
    }

    [Fact]
    public async Task ACancelledWaiterTakesNoPermit()
    {
        var budget = new RequestBudget(1);
        var held = await budget.AcquireAsync(CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        var waiting = budget.AcquireAsync(cancel.Token);
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        held.Dispose();
        Assert.Equal(0, budget.InFlight);
        (await budget.AcquireAsync(CancellationToken.None)).Dispose();
    }

    [Fact]
    public async Task WaitersAreServedByRowThenInArrivalOrder()
    {
        var budget = new RequestBudget(1);
        var held = await budget.AcquireAsync(CancellationToken.None);
        var order = new List<string>();
        Task<IDisposable> Wait(long? row)
        {
            RequestBudget.Priority = row;
            return budget.AcquireAsync(CancellationToken.None);
        }

        // Row 7 asks first, then row 3 (a user further along), then row 3 again, then a batch-level lookup.
        var tasks = new (string Name, Task<IDisposable> Task)[]
        {
            ("row 7", Wait(7)), ("row 3 first", Wait(3)), ("row 3 second", Wait(3)), ("lookup", Wait(null)),
        };
        RequestBudget.Priority = null;
        held.Dispose();
        for (var served = 0; served < tasks.Length; served++)
        {
            var next = await Task.WhenAny(tasks.Where(t => !order.Contains(t.Name)).Select(t => t.Task));
            var name = tasks.Single(t => t.Task == next).Name;
            order.Add(name);
            (await next).Dispose();
        }

        Assert.Equal(new[] { "lookup", "row 3 first", "row 3 second", "row 7" }, order);
    }

    [Fact]
    public async Task ManyConcurrentCallersStayWithinTheLimit()
    {
        var budget = new RequestBudget(3);
        var peak = 0;
        var current = 0;
        await Task.WhenAll(Enumerable.Range(0, 50).Select(async _ =>
        {
            using (await budget.AcquireAsync(CancellationToken.None))
            {
                var now = Interlocked.Increment(ref current);
                InterlockedMax(ref peak, now);
                await Task.Yield();
                Interlocked.Decrement(ref current);
            }
        }));
        Assert.InRange(peak, 1, 3);
        Assert.Equal(0, budget.InFlight);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var seen = Volatile.Read(ref target);
        while (value > seen)
        {
            var previous = Interlocked.CompareExchange(ref target, value, seen);
            if (previous == seen)
            {
                return;
            }

            seen = previous;
        }
    }
}
