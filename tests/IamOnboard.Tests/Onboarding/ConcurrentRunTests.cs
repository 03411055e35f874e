using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;
using IamOnboard.Diagnostics;
using IamOnboard.Iam;
using IamOnboard.LocalIam;
using IamOnboard.Onboarding;
using IamOnboard.Tests.Iam;
using Xunit;

namespace IamOnboard.Tests.Onboarding;

/// <summary>
/// Two runs onboarding the same users at once (issue 13, defect 4: one deleted keys the other had just handed out).
/// A run meets the other's credentials through the hand-off mark, written here as the other run writes it, or through
/// the other run's change landing between two of its calls (the endpoint's <see cref="LocalIamServer.InterruptNext"/>).
/// Only the public onboarding surface is used, so each case also runs against the code before runs were named.
/// </summary>
public sealed class ConcurrentRunTests : LocalSessionTestBase
{
    /// <summary>A user with an access key that the run named in <paramref name="markValue"/> is handing out.</summary>
    private async Task<string> UserWithKeyBeingHandedOutAsync(string name, string markValue)
    {
        await Session.Iam.CreateUserAsync(name, tags: new[] { new IamTag("iamonboard:handoff", markValue) });
        return (await Session.Iam.CreateAccessKeyAsync(name)).AccessKeyId;
    }

    private static string Stamp(DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static UserOnboardingRequest WithKey(string name) => new() { UserName = name, ProgrammaticAccess = true };

    [Fact]
    public async Task AKeyARunOnAnotherHostIsHandingOutIsNeitherDeletedNorReplaced()
    {
        var name = Names.Unique("otherhost");
        var key = await UserWithKeyBeingHandedOutAsync(name, $"run=build-agent-7/4242/1764950000000/3 set={Stamp(DateTime.UtcNow.AddMinutes(-2))} access-key");

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => new UserOnboarder(Session).OnboardAsync(WithKey(name), CancellationToken.None));

        Assert.Equal("HandOffInProgressException", failure.GetType().Name);
        Assert.Contains("build-agent-7", failure.Message, StringComparison.Ordinal);
        Assert.Contains("4242", failure.Message, StringComparison.Ordinal);
        Assert.Equal(key, Assert.Single(await Session.Iam.ListAccessKeysAsync(name)).AccessKeyId);
    }

    [Fact]
    public async Task AKeyARunOnAnotherHostLeftBeyondItsLeaseIsReplaced()
    {
        var name = Names.Unique("lapsed");
        var key = await UserWithKeyBeingHandedOutAsync(name, $"run=build-agent-7/4242/1764950000000/3 set={Stamp(DateTime.UtcNow.AddMinutes(-16))} access-key");

        UserOnboardingResult result;
        using (OnboardLog.Use(new CollectingLog()))
        {
            result = await new UserOnboarder(Session).OnboardAsync(WithKey(name), CancellationToken.None);
        }

        var now = Assert.Single(await Session.Iam.ListAccessKeysAsync(name));
        Assert.NotEqual(key, now.AccessKeyId);
        Assert.Equal(result.AccessKey!.AccessKeyId, now.AccessKeyId);
    }

    [Fact]
    public async Task AKeyAnotherLiveProcessOnThisHostIsHandingOutIsLeftAloneUntilThatProcessEnds()
    {
        var name = Names.Unique("otherpid");
        using var other = StartIdleProcess();
        var startMs = new DateTimeOffset(other.StartTime.ToUniversalTime()).ToUnixTimeMilliseconds();
        var host = new string(Environment.MachineName.ToLowerInvariant().Where(c => char.IsLetterOrDigit(c) || c is '.' or '-' or '_').Take(63).ToArray());
        // Set long ago: on this host the process itself says whether the run can still be live, not the lease.
        var key = await UserWithKeyBeingHandedOutAsync(name, $"run={host}/{other.Id}/{startMs}/1 set={Stamp(DateTime.UtcNow.AddHours(-3))} access-key");

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => new UserOnboarder(Session).OnboardAsync(WithKey(name), CancellationToken.None));
        Assert.Equal("HandOffInProgressException", failure.GetType().Name);
        Assert.Contains(other.Id.ToString(CultureInfo.InvariantCulture), failure.Message, StringComparison.Ordinal);
        Assert.Equal(key, Assert.Single(await Session.Iam.ListAccessKeysAsync(name)).AccessKeyId);

        other.Kill();
        other.WaitForExit();
        UserOnboardingResult result;
        using (OnboardLog.Use(new CollectingLog()))
        {
            result = await new UserOnboarder(Session).OnboardAsync(WithKey(name), CancellationToken.None);
        }

        Assert.Equal(result.AccessKey!.AccessKeyId, Assert.Single(await Session.Iam.ListAccessKeysAsync(name)).AccessKeyId);
        Assert.NotEqual(key, result.AccessKey.AccessKeyId);
    }

    [Fact]
    public async Task ALoginProfileAnotherRunMadeAtTheSameMomentIsNeverDeleted()
    {
        var name = Names.Unique("profilerace");
        await Session.Iam.CreateUserAsync(name);
        // The other run gives the user console access after this run found none and before its CreateLoginProfile.
        Server.InterruptNext("CreateLoginProfile", () =>
            Session.Iam.CreateLoginProfileAsync(name, "Other-run-password-1!", true).GetAwaiter().GetResult());

        Exception failure;
        using (OnboardLog.Use(new CollectingLog()))
        {
            failure = await Assert.ThrowsAnyAsync<Exception>(() =>
                new UserOnboarder(Session).OnboardAsync(new UserOnboardingRequest { UserName = name, ConsoleAccess = true }, CancellationToken.None));
        }

        // The other run's profile (whose password only it holds) is still there, and the row says why it failed.
        Assert.NotNull(await Session.Iam.GetLoginProfileAsync(name));
        Assert.Equal("HandOffInProgressException", failure.GetType().Name);
    }

    [Fact]
    public async Task AGroupAnotherRunCreatesAtTheSameMomentIsCompletedAsARerunCompletesIt()
    {
        // Two New-OnboardGroup for one group at once: the loser's CreateGroup answered EntityAlreadyExists, and it
        // failed with nothing of its own attached.
        var name = Names.Unique("grouprace");
        const string Theirs = "arn:aws:iam::aws:policy/ReadOnlyAccess";
        const string Ours = "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess";
        // The other run creates the group (and attaches its policy) after this run found none and before its CreateGroup.
        Server.InterruptNext("CreateGroup", () =>
            new GroupOnboarder(Session).CreateAsync(name, null, new[] { "ReadOnlyAccess" }, apply: true, CancellationToken.None).GetAwaiter().GetResult());

        var result = await new GroupOnboarder(Session).CreateAsync(name, null, new[] { "job-function/ViewOnlyAccess" }, apply: true, CancellationToken.None);

        Assert.Equal(OnboardingOutcome.Completed, result.Outcome);
        Assert.Equal(new[] { $"attach {Ours}" }, result.Actions);
        Assert.Equal(new[] { Theirs, Ours }, result.PolicyArns);
        Assert.Equal(new[] { Theirs, Ours }.OrderBy(a => a, StringComparer.Ordinal), (await Session.Iam.ListAttachedGroupPoliciesAsync(name)).Select(p => p.PolicyArn).OrderBy(a => a, StringComparer.Ordinal));

        // The same call again is a plain re-run: the group is complete.
        var again = await new GroupOnboarder(Session).CreateAsync(name, null, new[] { "job-function/ViewOnlyAccess" }, apply: true, CancellationToken.None);
        Assert.Equal(OnboardingOutcome.Unchanged, again.Outcome);
    }

    private static Process StartIdleProcess()
    {
        var start = RuntimeInformation.IsOSPlatform(OSPlatform.Windows)
            ? new ProcessStartInfo("ping", "-n 120 127.0.0.1")
            : new ProcessStartInfo("sleep", "120");
        start.UseShellExecute = false;
        start.RedirectStandardOutput = true;
        return Process.Start(start) ?? throw new InvalidOperationException("Could not start an idle process.");
    }
}
