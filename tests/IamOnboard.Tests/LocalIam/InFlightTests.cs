using System;
using System.Linq;
using System.Threading.Tasks;
using IamOnboard.LocalIam;
using Xunit;

namespace IamOnboard.Tests.LocalIam;

/// <summary>The endpoint counts the requests it is working on, so a benchmark can see the concurrency a client really used.</summary>
public sealed class InFlightTests
{
    // Long enough that six requests sent at once are all read before the first one is answered, even on a busy machine.
    private static readonly TimeSpan Latency = TimeSpan.FromMilliseconds(2500);

    [Fact]
    public async Task Peak_in_flight_is_the_number_of_concurrent_requests_and_starts_over_on_reset()
    {
        using var server = LocalIamServer.Start(new LocalIamOptions { Latency = Latency });
        var admin = SignedIamClient.Admin(server);
        Assert.Equal(0, server.GetStatistics().PeakInFlight);

        const int concurrency = 6;
        var requests = Enumerable.Range(0, concurrency).Select(_ => admin.IamAsync("ListUsers")).ToArray();
        await WaitForAsync(() => server.GetStatistics().InFlight == concurrency || requests.Any(r => r.IsCompleted));
        Assert.Equal(concurrency, server.GetStatistics().InFlight);
        // A reset starts from the requests still in flight, not from zero.
        server.ResetPeakInFlight();
        Assert.Equal(concurrency, server.GetStatistics().PeakInFlight);
        foreach (var response in await Task.WhenAll(requests))
        {
            response.EnsureSuccess();
        }

        // The count drops when the response has been written, which may be a moment after the client has read it.
        await WaitForAsync(() => server.GetStatistics().InFlight == 0);
        var afterBurst = server.GetStatistics();
        Assert.Equal(0, afterBurst.InFlight);
        Assert.Equal(concurrency, afterBurst.PeakInFlight);
        // Every request was in flight at least for the latency (less a timer's tolerance).
        var least = TimeSpan.FromTicks((Latency - TimeSpan.FromMilliseconds(50)).Ticks * concurrency);
        Assert.True(afterBurst.TotalTimeInFlight >= least, $"TotalTimeInFlight {afterBurst.TotalTimeInFlight}, expected at least {least}");

        server.ResetPeakInFlight();
        Assert.Equal(0, server.GetStatistics().PeakInFlight);
        (await admin.IamAsync("ListUsers")).EnsureSuccess();
        await WaitForAsync(() => server.GetStatistics().InFlight == 0);
        Assert.Equal(1, server.GetStatistics().PeakInFlight);
        Assert.Equal(concurrency + 1, server.GetStatistics().TotalRequests);
    }

    [Fact]
    public async Task A_recording_holds_each_request_with_its_action_user_and_times()
    {
        using var server = LocalIamServer.Start(new LocalIamOptions { Latency = TimeSpan.FromMilliseconds(20) });
        var admin = SignedIamClient.Admin(server);
        (await admin.IamAsync("CreateUser", ("UserName", "before"))).EnsureSuccess();
        Assert.Empty(server.StopRecordingRequests());

        server.StartRecordingRequests();
        (await admin.IamAsync("CreateUser", ("UserName", "alice"))).EnsureSuccess();
        (await admin.IamAsync("GetUser", ("UserName", "alice"))).EnsureSuccess();
        (await admin.IamAsync("ListUsers")).EnsureSuccess();
        await WaitForAsync(() => server.GetStatistics().InFlight == 0);
        var recorded = server.StopRecordingRequests();

        Assert.Equal(new[] { "CreateUser", "GetUser", "ListUsers" }, recorded.Select(r => r.Action));
        Assert.Equal(new[] { "alice", "alice", null }, recorded.Select(r => r.UserName));
        // Times in order, not durations: a timer may fire a little early on a busy machine (16.8 ms seen for 20 ms).
        Assert.All(recorded, r => Assert.True(r.StartedMs >= 0 && r.FinishedMs > r.StartedMs, $"{r.Action} {r.StartedMs}..{r.FinishedMs}"));
        Assert.True(recorded[1].StartedMs >= recorded[0].FinishedMs);
        Assert.Empty(server.StopRecordingRequests());
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(5);
        }
    }
}
