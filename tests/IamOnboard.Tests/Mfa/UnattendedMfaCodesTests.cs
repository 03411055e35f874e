using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using IamOnboard.Mfa;
using Xunit;

namespace IamOnboard.Tests.Mfa;

public class UnattendedMfaCodesTests
{
    private static readonly byte[] Key = Totp.KeyFromBase32("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");

    /// <summary>A clock that only moves when waited on.</summary>
    private sealed class FakeClock : IClock
    {
        public FakeClock(DateTimeOffset start) => UtcNow = start;

        public DateTimeOffset UtcNow { get; private set; }

        public List<TimeSpan> Delays { get; } = new();

        /// <summary>How much too early the first wait ends, as a coarse timer may.</summary>
        public TimeSpan FirstWakeEarlyBy { get; init; }

        public Task Delay(TimeSpan delay, CancellationToken ct)
        {
            ct.ThrowIfCancellationRequested();
            Delays.Add(delay);
            UtcNow += Delays.Count == 1 ? delay - FirstWakeEarlyBy : delay;
            return Task.CompletedTask;
        }
    }

    private static readonly DateTimeOffset StepStart = Totp.StartOfStep(58_000_000);

    [Fact]
    public async Task With_enough_time_left_it_returns_this_step_and_the_next_without_waiting()
    {
        var clock = new FakeClock(StepStart.AddSeconds(20)); // 10 s left

        var (code1, code2) = await UnattendedMfaCodes.GetConsecutiveCodesAsync(Key, clock, TimeSpan.FromSeconds(5), CancellationToken.None);

        Assert.Empty(clock.Delays);
        Assert.Equal(Totp.ComputeCodeForStep(Key, 58_000_000), code1);
        Assert.Equal(Totp.ComputeCodeForStep(Key, 58_000_001), code2);
        Assert.True(Totp.CheckConsecutivePair(Key, code1, code2, clock.UtcNow).IsValid);
    }

    [Fact]
    public async Task Near_the_end_of_a_step_it_waits_for_the_next_step()
    {
        var clock = new FakeClock(StepStart.AddSeconds(27)); // 3 s left

        var (code1, code2) = await UnattendedMfaCodes.GetConsecutiveCodesAsync(Key, clock, TimeSpan.FromSeconds(5), CancellationToken.None);

        Assert.Equal(new[] { TimeSpan.FromSeconds(3) }, clock.Delays);
        Assert.Equal(Totp.ComputeCodeForStep(Key, 58_000_001), code1);
        Assert.Equal(Totp.ComputeCodeForStep(Key, 58_000_002), code2);
    }

    [Fact]
    public async Task A_timer_that_wakes_early_is_waited_out()
    {
        var clock = new FakeClock(StepStart.AddSeconds(28)) { FirstWakeEarlyBy = TimeSpan.FromMilliseconds(10) };

        var (code1, _) = await UnattendedMfaCodes.GetConsecutiveCodesAsync(Key, clock, TimeSpan.FromSeconds(5), CancellationToken.None);

        Assert.Equal(new[] { TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(10) }, clock.Delays);
        Assert.Equal(Totp.ComputeCodeForStep(Key, 58_000_001), code1);
    }

    [Fact]
    public async Task Exactly_the_minimum_left_needs_no_wait()
    {
        var clock = new FakeClock(StepStart.AddSeconds(25));
        await UnattendedMfaCodes.GetConsecutiveCodesAsync(Key, clock, TimeSpan.FromSeconds(5), CancellationToken.None);
        Assert.Empty(clock.Delays);
    }

    [Fact]
    public async Task Cancellation_stops_the_wait()
    {
        var clock = new FakeClock(StepStart.AddSeconds(29));
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            UnattendedMfaCodes.GetConsecutiveCodesAsync(Key, clock, TimeSpan.FromSeconds(5), cts.Token));
    }

    [Fact]
    public async Task A_minimum_of_a_whole_step_could_never_be_met() =>
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            UnattendedMfaCodes.GetConsecutiveCodesAsync(Key, new FakeClock(StepStart), TimeSpan.FromSeconds(30), CancellationToken.None));
}
