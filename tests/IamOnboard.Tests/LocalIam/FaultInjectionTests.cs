using System;
using System.Diagnostics;
using System.Linq;
using System.Net.Http;
using System.Threading.Tasks;
using IamOnboard.LocalIam;
using Xunit;

namespace IamOnboard.Tests.LocalIam;

public sealed class FaultInjectionTests
{
    [Fact]
    public async Task The_token_bucket_throttles_beyond_the_burst_before_authentication()
    {
        using var server = LocalIamServer.Start(new LocalIamOptions { ThrottleRate = 0.01, ThrottleBurst = 3 });
        var admin = SignedIamClient.Admin(server);
        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => admin.IamAsync("ListUsers")));

        Assert.Equal(3, answers.Count(a => a.Status == System.Net.HttpStatusCode.OK));
        var throttled = answers.Where(a => a.ErrorCode == "Throttling").ToList();
        Assert.Equal(5, throttled.Count);
        Assert.All(throttled, a => Assert.Equal("Rate exceeded", a.ErrorMessage));
        Assert.All(throttled, a => Assert.Equal(400, (int)a.Status));
        Assert.Equal(5, server.GetStatistics().Throttled);

        // Throttling comes before authentication: even an unknown key is throttled, not refused.
        var stranger = new SignedIamClient(server.Url, "AKIAAAAAAAAAAAAAAAAA", "x");
        Assert.Equal("Throttling", (await stranger.IamAsync("ListUsers")).ErrorCode);
    }

    [Fact]
    public async Task Injected_failures_are_ServiceFailure_500_and_change_nothing()
    {
        using var server = LocalIamServer.Start(new LocalIamOptions { FailureRate = 1.0, RandomSeed = 7 });
        var admin = SignedIamClient.Admin(server);
        var failed = await admin.IamAsync("CreateUser", ("UserName", "ghost"));
        Assert.Equal(500, (int)failed.Status);
        Assert.Equal("ServiceFailure", failed.ErrorCode);
        Assert.Equal("Receiver", failed.ErrorType);
        Assert.Equal(1, server.GetStatistics().FailuresInjected);
        Assert.Equal(1, server.GetStatistics().RequestsByAction["CreateUser"]);
    }

    [Fact]
    public async Task Seeded_failures_repeat_exactly()
    {
        async Task<string> PatternAsync()
        {
            using var server = LocalIamServer.Start(new LocalIamOptions { FailureRate = 0.5, RandomSeed = 42 });
            var admin = SignedIamClient.Admin(server);
            var pattern = new char[30];
            for (int i = 0; i < pattern.Length; i++)
            {
                pattern[i] = (await admin.IamAsync("ListUsers")).ErrorCode == "ServiceFailure" ? 'F' : '.';
            }

            return new string(pattern);
        }

        string first = await PatternAsync();
        Assert.Contains('F', first);
        Assert.Contains('.', first);
        Assert.Equal(first, await PatternAsync());
    }

    [Fact]
    public async Task Dropped_responses_close_the_connection_after_the_change_is_made()
    {
        using var server = LocalIamServer.Start(new LocalIamOptions { DropResponseRate = 1.0 });
        var admin = SignedIamClient.Admin(server);
        await Assert.ThrowsAsync<HttpRequestException>(() => admin.IamAsync("CreateUser", ("UserName", "dropped")));
        // Reads are never dropped, and the change was made.
        Assert.Equal("dropped", (await admin.IamAsync("GetUser", ("UserName", "dropped"))).EnsureSuccess().Value("UserName"));
        Assert.Equal(1, server.GetStatistics().ResponsesDropped);
    }

    [Fact]
    public async Task Latency_delays_every_answer()
    {
        using var server = LocalIamServer.Start(new LocalIamOptions { Latency = TimeSpan.FromMilliseconds(2000) });
        var admin = SignedIamClient.Admin(server);
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => admin.IamAsync("ListUsers")));
        // Five concurrent requests take about one latency, not five (10 s): the delay never blocks a thread.
        // The upper bound is wide on purpose: a busy 2-core machine must not fail it.
        Assert.InRange(watch.ElapsedMilliseconds, 1990, 8000);
    }

    [Fact]
    public async Task Latency_never_answers_sooner_than_asked_one_at_a_time_or_together()
    {
        // The latency clock rounds its waits up: no request beats the floor (calls x latency) a benchmark compares with.
        var latency = TimeSpan.FromMilliseconds(40);
        using var server = LocalIamServer.Start(new LocalIamOptions { Latency = latency });
        var admin = SignedIamClient.Admin(server);
        server.StartRecordingRequests();
        for (var i = 0; i < 10; i++)
        {
            (await admin.IamAsync("ListUsers")).EnsureSuccess();
        }

        Assert.All(await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => admin.IamAsync("ListUsers"))), a => a.EnsureSuccess());
        var recorded = server.StopRecordingRequests();
        Assert.Equal(20, recorded.Count);
        Assert.All(recorded, r => Assert.True(r.FinishedMs - r.StartedMs >= latency.TotalMilliseconds - 0.001,
            $"answered after {r.FinishedMs - r.StartedMs:0.000} ms, with {latency.TotalMilliseconds} ms of latency asked for"));
    }
}
