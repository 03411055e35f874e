using System;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using IamOnboard.Diagnostics;
using IamOnboard.Iam;
using IamOnboard.Iam.Internal;
using IamOnboard.LocalIam;
using Xunit;

namespace IamOnboard.Tests.Iam;

public sealed class IamClientResilienceTests
{
    [Fact]
    public async Task ThrottlingStormAtFivePerSecondWithManyCallersCompletes()
    {
        using var server = LocalIamServer.Start(new LocalIamOptions { ThrottleRate = 5, ThrottleBurst = 5, RandomSeed = 7 });
        using var iam = LocalIamFixture.CreateClient(server);

        // Sixty callers at once: the storm needs them all in flight, not the session's default budget of four.
        iam.Budget.DefaultLimit = 60;
        var log = new CollectingLog();
        var names = Enumerable.Range(0, 60).Select(i => Names.Unique("storm" + i)).ToList();
        using (OnboardLog.Use(log))
        {
            await Task.WhenAll(names.Select(name => iam.CreateUserAsync(name)));
        }

        var stats = server.GetStatistics();
        Assert.True(stats.Throttled > 100, "the storm should have throttled plenty, got " + stats.Throttled);
        Assert.Equal(60, stats.RequestsByAction["CreateUser"]);
        Assert.Contains(log.DebugMessages, m => m.StartsWith("IAM CreateUser attempt 2 of 8 after Throttling (HTTP 400), request id ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ServiceFailuresAreRetriedAndEveryAttemptIsLogged()
    {
        using var server = LocalIamServer.Start(new LocalIamOptions { FailureRate = 0.4, RandomSeed = 11 });
        using var iam = LocalIamFixture.CreateClient(server);
        var log = new CollectingLog();
        using (OnboardLog.Use(log))
        {
            for (var i = 0; i < 20; i++)
            {
                await iam.ListUsersAsync();
            }
        }

        Assert.True(server.GetStatistics().FailuresInjected > 0);
        Assert.Contains(log.DebugMessages, m => m.Contains("after ServiceFailure (HTTP 500), request id", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ExhaustedAttemptsSurfaceTheTypedError()
    {
        using var server = LocalIamServer.Start(new LocalIamOptions { FailureRate = 1.0, RandomSeed = 3 });
        using var iam = LocalIamFixture.CreateClient(server, maxAttempts: 2);
        var log = new CollectingLog();
        using (OnboardLog.Use(log))
        {
            var failure = await Assert.ThrowsAsync<IamServiceFailureException>(() => iam.ListGroupsAsync());
            Assert.Equal(500, failure.StatusCode);
            Assert.Equal("Receiver", failure.ErrorType);
        }

        Assert.Single(log.DebugMessages, m => m.StartsWith("IAM ListGroups attempt 2 of 2", StringComparison.Ordinal));
    }

    /// <summary>
    /// IAM answers ConcurrentModification (409) while another change to the same entity is under way, and asks for the
    /// request to be sent again later. It failed the row at once; it is now retried with the SDK's backoff within the
    /// call's attempts, and said in verbose output. Refused means not applied: a create sent again makes one thing.
    /// </summary>
    [Fact]
    public async Task ConcurrentModificationIsSentAgainWithinTheAttemptsAndSaidInVerboseOutput()
    {
        using var server = LocalIamServer.Start(new LocalIamOptions());
        using var iam = LocalIamFixture.CreateClient(server);
        var user = Names.Unique("busy");
        server.AnswerNextWithConcurrentModification("CreateUser", 2);
        server.AnswerNextWithConcurrentModification("CreateAccessKey", 1);
        var log = new CollectingLog();
        IamNewAccessKey key;
        using (OnboardLog.Use(log))
        {
            await iam.CreateUserAsync(user);
            key = await iam.CreateAccessKeyAsync(user);
        }

        var requests = server.GetStatistics().RequestsByAction;
        Assert.Equal(3, requests["CreateUser"]);
        Assert.Equal(2, requests["CreateAccessKey"]);
        Assert.Equal(key.AccessKeyId, Assert.Single(await iam.ListAccessKeysAsync(user)).AccessKeyId);
        var verbose = log.Messages.Where(m => m.StartsWith("V ", StringComparison.Ordinal)).Select(m => m.Substring(2)).ToList();
        var refused = $"IAM CreateUser for '{user}' was refused with ConcurrentModification (another change to it was under way); sending it again, attempt ";
        Assert.Equal(new[] { refused + "2 of 8.", refused + "3 of 8." }, verbose.Where(m => m.StartsWith("IAM CreateUser for", StringComparison.Ordinal)));
        Assert.Single(verbose, m => m.StartsWith($"IAM CreateAccessKey for '{user}' was refused with ConcurrentModification", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ConcurrentModificationOnEveryAttemptFailsTheCallAfterItsAttempts()
    {
        using var server = LocalIamServer.Start(new LocalIamOptions());
        using var iam = LocalIamFixture.CreateClient(server, maxAttempts: 3);
        var user = Names.Unique("busier");
        await iam.CreateUserAsync(user);
        server.AnswerNextWithConcurrentModification("TagUser", 5);
        using (OnboardLog.Use(new CollectingLog()))
        {
            var failure = await Assert.ThrowsAsync<IamDeleteConflictException>(() => iam.TagUserAsync(user, new[] { new IamTag("team", "a") }));
            Assert.Equal(IamErrorCodes.ConcurrentModification, failure.ErrorCode);
            Assert.Equal(409, failure.StatusCode);
        }

        Assert.Equal(3, server.GetStatistics().RequestsByAction["TagUser"]);
    }

    [Fact]
    public async Task LostCreateAccessKeyResponseIsSurfacedNotRetriedIntoASecondKey()
    {
        using var server = LocalIamServer.Start(new LocalIamOptions { DropResponseRate = 1.0, RandomSeed = 5 });
        using var admin = LocalIamFixture.CreateClient(server);
        var user = Names.Unique("frank");
        var lostCreate = await Assert.ThrowsAsync<IamResponseLostException>(() => admin.CreateUserAsync(user));
        Assert.True(lostCreate.MayHaveBeenApplied);
        Assert.Contains(server.Url.ToString().TrimEnd('/'), lostCreate.Message, StringComparison.Ordinal);
        Assert.Contains("CreateUser", lostCreate.Message, StringComparison.Ordinal);

        var lostKey = await Assert.ThrowsAsync<IamResponseLostException>(() => admin.CreateAccessKeyAsync(user));
        Assert.Equal(IamErrorCodes.ResponseLost, lostKey.ErrorCode);
        Assert.Equal(1, server.GetStatistics().RequestsByAction["CreateAccessKey"]);
        Assert.Single(await admin.ListAccessKeysAsync(user));

        // A delete is retried: its lost first attempt did the work, so the retry's NoSuchEntity counts as done.
        var key = Assert.Single(await admin.ListAccessKeysAsync(user));
        await admin.DeleteAccessKeyAsync(user, key.AccessKeyId);
        Assert.Empty(await admin.ListAccessKeysAsync(user));
    }

    [Fact]
    public async Task ALostCreateResponseOnAReusedConnectionIsNotSentAgainByTheHttpStack()
    {
        // Creates share the pooled keep-alive connections. .NET resends a request on a new connection when a reused one
        // ends before the response; were it to do so after sending the body, a lost CreateAccessKey would become two keys.
        using var server = LocalIamServer.Start(new LocalIamOptions());
        using var admin = LocalIamFixture.CreateClient(server);
        var user = Names.Unique("reused");
        await admin.CreateUserAsync(user);
        await admin.GetUserAsync(user);
        long connections = server.GetStatistics().ConnectionsAccepted;

        server.DropNextResponses("CreateAccessKey", 1);
        await Assert.ThrowsAsync<IamResponseLostException>(() => admin.CreateAccessKeyAsync(user));

        var statistics = server.GetStatistics();
        Assert.Equal(1, statistics.RequestsByAction["CreateAccessKey"]);
        Assert.Equal(connections, statistics.ConnectionsAccepted); // sent on the reused connection, and not again on a new one
        Assert.Single(await admin.ListAccessKeysAsync(user));
    }

    [Fact]
    public async Task ACreateAfterTheEndpointClosedAnIdleConnectionIsSentOnceOnANewOne()
    {
        using var server = LocalIamServer.Start(new LocalIamOptions { IdleConnectionTimeout = TimeSpan.FromMilliseconds(100) });
        using var admin = LocalIamFixture.CreateClient(server);
        var user = Names.Unique("idle");
        await admin.CreateUserAsync(user);
        long connections = server.GetStatistics().ConnectionsAccepted;
        // Until the endpoint has closed the idle pooled connection: a fixed wait raced that close on a busy machine.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (server.GetStatistics().ConnectionsOpen > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the endpoint did not close the idle connection within 30 s");
            await Task.Delay(20);
        }

        var key = await admin.CreateAccessKeyAsync(user);

        var statistics = server.GetStatistics();
        Assert.Equal(1, statistics.RequestsByAction["CreateAccessKey"]);
        Assert.Equal(connections + 1, statistics.ConnectionsAccepted);
        Assert.Equal(key.AccessKeyId, Assert.Single(await admin.ListAccessKeysAsync(user)).AccessKeyId);
    }

    [Fact]
    public async Task CancellationAbortsInFlightHttpPromptly()
    {
        using var server = LocalIamServer.Start(new LocalIamOptions { Latency = TimeSpan.FromSeconds(8) });
        using var iam = LocalIamFixture.CreateClient(server);
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        var watch = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => iam.ListUsersAsync(cancellationToken: cancellation.Token));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), "cancelled call took " + watch.Elapsed);
    }

    [Fact]
    public void RecentlyCreatedEntitiesAreCaseInsensitiveAndExpire()
    {
        var now = new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);
        var recent = new RecentlyCreatedEntities(TimeSpan.FromSeconds(60), () => now);
        recent.Add(EntityKind.User, "Alice");
        Assert.True(recent.IsRecent(EntityKind.User, "alice"));
        Assert.False(recent.IsRecent(EntityKind.Group, "alice"));
        Assert.True(recent.AnyRecent(new[] { null, new EntityRef(EntityKind.Group, "g"), new EntityRef(EntityKind.User, "ALICE") }));
        now = now.AddSeconds(61);
        Assert.False(recent.IsRecent(EntityKind.User, "alice"));
    }
}
