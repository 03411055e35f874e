using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using IamOnboard.Diagnostics;
using IamOnboard.Iam;
using IamOnboard.Onboarding;
using IamOnboard.Rules;
using IamOnboard.Tests.Iam;
using Xunit;

namespace IamOnboard.Tests.Onboarding;

/// <summary>Runs, their holds, and when a hand-off mark counts as its run's (the liveness rules of <see cref="HandOffMark"/>).</summary>
public sealed class OnboardingRunTests : LocalSessionTestBase
{
    private static HandOffMark MarkOf(RunId run, DateTime set) => new(run, set, password: true, accessKey: true, Array.Empty<string>());

    [Fact]
    public void AMarkNamesItsRunInATagValueIamAccepts()
    {
        var run = OnboardingRuns.Begin();
        var set = new DateTime(2026, 12, 5, 19, 25, 49, DateTimeKind.Utc);
        var tag = new HandOffMark(run.Id, set, true, true, new[] { "AKIAKEPT000000000002", "AKIAKEPT000000000001" }).ToTag();
        run.End();

        Assert.StartsWith($"run={run.Id} set=2026-12-05T19:25:49Z password access-key kept=AKIAKEPT000000000001 kept=AKIAKEPT000000000002", tag.Value, StringComparison.Ordinal);
        Assert.Empty(IamNameRules.CheckUserTags(new[] { new KeyValuePair<string, string>(tag.Key, tag.Value) }));
        var read = HandOffMark.Find(new[] { tag })!;
        Assert.Equal(run.Id.ToString(), read.Run!.ToString());
        Assert.Equal(set, read.SetUtc);
        Assert.Equal(set + TimeSpan.FromMinutes(15), read.Until);
        Assert.Equal(Environment.ProcessId, read.Run.ProcessId);
    }

    [Fact]
    public void ADeviceMarkNamingTheUserMarksRunFitsATagValueAtTheLongestRunIds()
    {
        // Two run ids of one process at their longest (a 63-character host, the largest process id, start time and
        // sequences) and the time.
        var process = new string('h', 63) + "/" + int.MaxValue + "/" + long.MaxValue + "/";
        var longest = RunId.Parse(process + long.MaxValue)!;
        var users = RunId.Parse(process + (long.MaxValue - 1))!;
        var set = new DateTime(2026, 12, 5, 19, 25, 49, DateTimeKind.Utc);
        var tag = new HandOffMark(longest, set, false, false, Array.Empty<string>(), mfaSeed: false, mfaSeedWith: users).ToTag();

        Assert.Empty(IamNameRules.CheckUserTags(new[] { new KeyValuePair<string, string>(tag.Key, tag.Value) }));
        var read = HandOffMark.Find(new[] { tag })!;
        Assert.False(read.MfaSeed);
        Assert.Equal(users.ToString(), read.MfaSeedWith!.ToString());
        Assert.Equal(set, read.SetUtc);

        // Moved onto the device: the seed is pending there, and its creator and time are kept.
        var pending = HandOffMark.Find(new[] { read.WithSeedPendingOnDevice().ToTag() })!;
        Assert.True(pending.MfaSeed);
        Assert.Null(pending.MfaSeedWith);
        Assert.Equal(longest.ToString(), pending.Run!.ToString());
        Assert.Equal(set, pending.SetUtc);

        // Only a run of the same process: the output it rode in is one runspace's.
        Assert.Throws<ArgumentException>(() => new HandOffMark(longest, set, false, false, Array.Empty<string>(), false, RunId.Parse("other/1/2/3")));
    }

    [Fact]
    public void TheHostNameIsCutToWhatATagValueMayHold()
    {
        var id = RunId.Parse(RunId.SanitiseHost("Büro PC#1 (" + new string('x', 80) + ")") + "/1/2/3")!;
        Assert.Matches("^[a-z0-9._-]{1,63}$", id.Host);
        Assert.StartsWith("bropc1", id.Host, StringComparison.Ordinal);
        Assert.Null(RunId.Parse("host/1/2"));
        Assert.Null(RunId.Parse("Host With Space/1/2/3"));
    }

    [Fact]
    public void AMarkOfThePreviousVersionIsAnUnknownDeadRun()
    {
        var mark = HandOffMark.Find(new[] { new IamTag(HandOffMark.TagKey, "password access-key kept=AKIAKEPT000000000001") })!;
        Assert.Null(mark.Run);
        Assert.True(mark.Password && mark.AccessKey);
        Assert.False(mark.IsLive(DateTime.UtcNow));
    }

    [Fact]
    public void ARunOfThisProcessIsLiveWhileItHoldsCredentials()
    {
        var run = OnboardingRuns.Begin();
        var mark = MarkOf(run.Id, DateTime.UtcNow.AddDays(-1)); // Old: in this process the lease does not matter.
        Assert.True(mark.IsLive(DateTime.UtcNow));

        run.AddHold();
        run.End();
        run.End(); // Ends once.
        Assert.True(run.IsLive);
        Assert.True(mark.IsLive(DateTime.UtcNow));

        run.ReleaseHold();
        Assert.False(run.IsLive);
        Assert.False(mark.IsLive(DateTime.UtcNow));
        Assert.Throws<InvalidOperationException>(() => run.AddHold());
        Assert.Throws<InvalidOperationException>(() => run.ReleaseHold());
    }

    [Fact]
    public void RunsOfOneProcessHaveTheirOwnIds()
    {
        var first = OnboardingRuns.Begin();
        var second = OnboardingRuns.Begin();
        first.End();
        Assert.NotEqual(first.Id.ToString(), second.Id.ToString());
        Assert.Equal(first.Id.ProcessStartMs, second.Id.ProcessStartMs);
        Assert.False(MarkOf(first.Id, DateTime.UtcNow).IsLive(DateTime.UtcNow));
        Assert.True(MarkOf(second.Id, DateTime.UtcNow).IsLive(DateTime.UtcNow));
        second.End();
    }

    [Fact]
    public void ARunOnAnotherHostIsLiveForTheLease()
    {
        var set = new DateTime(2026, 12, 5, 8, 0, 0, DateTimeKind.Utc);
        var mark = MarkOf(RunId.Parse("build-agent-7/4242/1764950000000/3")!, set);
        Assert.True(mark.IsLive(set.AddMinutes(14)));
        Assert.False(mark.IsLive(set.AddMinutes(15)));
        Assert.False(mark.IsLive(set.AddHours(2)));
    }

    [Fact]
    public void ARunOfAnotherProcessOnThisHostIsLiveWhileThatVeryProcessIs()
    {
        var here = OnboardingRuns.Begin();
        here.End();
        var host = here.Id.Host;
        using var other = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(
            OperatingSystem.IsWindows() ? "ping" : "sleep", OperatingSystem.IsWindows() ? "-n 120 127.0.0.1" : "120") { UseShellExecute = false, RedirectStandardOutput = true })!;
        var start = new DateTimeOffset(other.StartTime.ToUniversalTime()).ToUnixTimeMilliseconds();
        var longAgo = DateTime.UtcNow.AddDays(-1);

        Assert.True(MarkOf(RunId.Parse($"{host}/{other.Id}/{start}/1")!, longAgo).IsLive(DateTime.UtcNow));
        // The same process id with another start time is a process that reused the id: the run is gone.
        Assert.False(MarkOf(RunId.Parse($"{host}/{other.Id}/{start - 3_600_000}/1")!, DateTime.UtcNow).IsLive(DateTime.UtcNow));

        other.Kill();
        other.WaitForExit();
        Assert.False(MarkOf(RunId.Parse($"{host}/{other.Id}/{start}/1")!, DateTime.UtcNow).IsLive(DateTime.UtcNow));
    }

    [Fact]
    public async Task ALiveRunsCredentialsAreNotReplacedByAnotherRunOfTheSameProcessUntilItEnds()
    {
        var name = Names.Unique("tworuns");
        var request = new UserOnboardingRequest { UserName = name, ConsoleAccess = true, ProgrammaticAccess = true };
        var first = OnboardingRuns.Begin();
        var second = OnboardingRuns.Begin();
        using var log = OnboardLog.Use(new CollectingLog());
        var made = await new UserOnboarder(Session, first).OnboardAsync(request, CancellationToken.None);
        first.AddHold(); // Its credentials are on their way out (the cmdlets' ledger holds them).
        first.End();

        var busy = await Assert.ThrowsAsync<HandOffInProgressException>(() => new UserOnboarder(Session, second).OnboardAsync(request, CancellationToken.None));
        Assert.Equal("HandOffInProgress", HandOffInProgressException.ErrorId);
        Assert.Contains($"process {Environment.ProcessId}", busy.Message, StringComparison.Ordinal);
        Assert.Equal(made.AccessKey!.AccessKeyId, Assert.Single(await Session.Iam.ListAccessKeysAsync(name)).AccessKeyId);
        Assert.True(HandOffMark.Find((await Session.Iam.GetUserAsync(name)).Tags)!.IsOf(first));
        await Assert.ThrowsAsync<HandOffInProgressException>(() => new UserOnboarder(Session, second).PlanAsync(request, CancellationToken.None));

        // Abandoned (e.g. the pipeline was stopped): the run is dead, and its unclaimed credentials are replaced.
        first.ReleaseHold();
        var repaired = await new UserOnboarder(Session, second).OnboardAsync(request, CancellationToken.None);
        Assert.Equal(OnboardingOutcome.Completed, repaired.Outcome);
        Assert.NotNull(repaired.Password);
        Assert.Equal(repaired.AccessKey!.AccessKeyId, Assert.Single(await Session.Iam.ListAccessKeysAsync(name)).AccessKeyId);
        Assert.True(HandOffMark.Find((await Session.Iam.GetUserAsync(name)).Tags)!.IsOf(second));
        second.End();
    }

    [Fact]
    public async Task ARunWhoseMarkAnotherLiveRunReplacedAtTheSameMomentBacksOffAndMakesNothing()
    {
        var name = Names.Unique("tagrace");
        await Session.Iam.CreateUserAsync(name);
        var other = OnboardingRuns.Begin();
        var theirs = new HandOffMark(other.Id, DateTime.UtcNow, false, true, Array.Empty<string>()).ToTag();
        // The other run tags the user after this run's TagUser and before it reads the user back.
        Server.InterruptNext("TagUser", () => Server.InterruptNext("GetUser", () =>
            Session.Iam.TagUserAsync(name, new[] { theirs }).GetAwaiter().GetResult()));
        var run = OnboardingRuns.Begin();

        await Assert.ThrowsAsync<HandOffInProgressException>(() =>
            new UserOnboarder(Session, run).OnboardAsync(new UserOnboardingRequest { UserName = name, ProgrammaticAccess = true }, CancellationToken.None));

        Assert.Empty(await Session.Iam.ListAccessKeysAsync(name));
        Assert.Equal(theirs.Value, (await Session.Iam.GetUserAsync(name)).Tags.Single(HandOffMark.IsMark).Value);
        run.End();
        other.End();
    }

    [Fact]
    public async Task ARunThatMarksAUserJustAfterAnotherLiveRunDidBacksOffAndMakesNoSecondKey()
    {
        // Issue 13, the race left over: both runs read the user (no mark), then each tags it. The tag is last-writer-
        // wins, so the later run used to overwrite the earlier run's mark, read back its own, and make a second key.
        var name = Names.Unique("lateclaim");
        await Session.Iam.CreateUserAsync(name);
        var request = new UserOnboardingRequest { UserName = name, ProgrammaticAccess = true };
        var first = OnboardingRuns.Begin();
        var second = OnboardingRuns.Begin();
        UserOnboardingResult? made = null;
        // The first run onboards the user (its key not yet handed out) after the second planned, before its tag lands.
        Server.InterruptNext("TagUser", () => made = new UserOnboarder(Session, first).OnboardAsync(request, CancellationToken.None).GetAwaiter().GetResult());

        var busy = await Assert.ThrowsAsync<HandOffInProgressException>(() => new UserOnboarder(Session, second).OnboardAsync(request, CancellationToken.None));

        Assert.Contains($"process {Environment.ProcessId}", busy.Message, StringComparison.Ordinal);
        Assert.Equal(made!.AccessKey!.AccessKeyId, Assert.Single(await Session.Iam.ListAccessKeysAsync(name)).AccessKeyId);
        var tags = (await Session.Iam.GetUserAsync(name)).Tags;
        Assert.True(HandOffMark.Find(tags)!.IsOf(first));
        Assert.DoesNotContain(tags, t => HandOffMark.IsClaimOf(t, second));

        // Once the first run has handed its key out, nothing of the runs' bookkeeping is left on the user.
        await new UserOnboarder(Session, first).ClearHandOffMarkAsync(made, CancellationToken.None);
        Assert.DoesNotContain((await Session.Iam.GetUserAsync(name)).Tags, HandOffMark.IsBookkeeping);
        first.End();
        second.End();
    }

    [Fact]
    public async Task ARunWhoseUserAnotherRunCompletedSinceItLookedBacksOffAndMakesNoSecondKey()
    {
        // The other run did everything (key made, handed out, mark removed) between this run's plan and its claim:
        // no live mark or claim is left to see, but the user is no longer what this run planned for.
        var name = Names.Unique("doneclaim");
        await Session.Iam.CreateUserAsync(name);
        var request = new UserOnboardingRequest { UserName = name, ProgrammaticAccess = true };
        var first = OnboardingRuns.Begin();
        var second = OnboardingRuns.Begin();
        UserOnboardingResult? made = null;
        Server.InterruptNext("TagUser", () =>
        {
            var onboarder = new UserOnboarder(Session, first);
            made = onboarder.OnboardAsync(request, CancellationToken.None).GetAwaiter().GetResult();
            onboarder.ClearHandOffMarkAsync(made, CancellationToken.None).GetAwaiter().GetResult();
            first.End();
        });

        var changed = await Assert.ThrowsAsync<HandOffInProgressException>(() => new UserOnboarder(Session, second).OnboardAsync(request, CancellationToken.None));

        Assert.Contains(made!.AccessKey!.AccessKeyId, changed.Message, StringComparison.Ordinal);
        Assert.Equal(made.AccessKey.AccessKeyId, Assert.Single(await Session.Iam.ListAccessKeysAsync(name)).AccessKeyId);
        Assert.DoesNotContain((await Session.Iam.GetUserAsync(name)).Tags, HandOffMark.IsBookkeeping);
        second.End();
    }

    [Fact]
    public async Task TheWhatIfPlanIsTheStepsApplyingRunsInOrder()
    {
        var name = Names.Unique("plan");
        var request = new UserOnboardingRequest { UserName = name, ConsoleAccess = true, ProgrammaticAccess = true, Groups = Array.Empty<string>() };
        var onboarder = new UserOnboarder(Session);
        var plan = await onboarder.PlanAsync(request, CancellationToken.None);
        Assert.Equal(OnboardingOutcome.Created, plan.PlannedOutcome);
        Assert.Equal(plan.Actions, plan.Plan!.StepDescriptions);
        Assert.Equal(new[] { $"create user {name} (path /)", "enable console access with a generated password", "create an access key" }, plan.Plan.StepDescriptions);

        var done = await onboarder.OnboardAsync(request, CancellationToken.None);
        Assert.Equal(plan.Plan.StepDescriptions.Count, done.Actions.Count);
        Assert.Equal($"create access key {done.AccessKey!.AccessKeyId}", done.Actions[^1]);
        await onboarder.ClearHandOffMarkAsync(done, CancellationToken.None);

        var again = await new UserOnboarder(Session).PlanAsync(request, CancellationToken.None);
        Assert.Equal(OnboardingOutcome.Unchanged, again.PlannedOutcome);
        Assert.Empty(again.Plan!.StepDescriptions);
    }
}
