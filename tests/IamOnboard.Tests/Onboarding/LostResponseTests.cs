using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using IamOnboard.Diagnostics;
using IamOnboard.Iam;
using IamOnboard.Mfa;
using IamOnboard.Onboarding;
using IamOnboard.Tests.Iam;
using Xunit;

namespace IamOnboard.Tests.Onboarding;

/// <summary>
/// Creates whose responses are lost several times in a row (found by the soak at 1,000 users, where 5% dropped
/// responses make two in a row a matter of time): nothing is left whose secret nobody received, and a row that gives
/// up leaves nothing behind. The endpoint drops the responses of chosen calls, so every case repeats exactly.
/// </summary>
public sealed class LostResponseTests : LocalSessionTestBase
{
    private static UserOnboardingRequest Starter(string name) =>
        new() { UserName = name, ConsoleAccess = true, PasswordResetRequired = true, ProgrammaticAccess = true };

    [Fact]
    public async Task TwoLostCreateAccessKeyResponsesInARowLeaveOnlyTheKeyHandedBack()
    {
        var name = Names.Unique("twice");
        Server.DropNextResponses("CreateAccessKey", 2);
        var log = new CollectingLog();
        UserOnboardingResult result;
        using (OnboardLog.Use(log))
        {
            result = await new UserOnboarder(Session).OnboardAsync(Starter(name), CancellationToken.None);
        }

        Assert.NotNull(result.AccessKey);
        var key = Assert.Single(await Session.Iam.ListAccessKeysAsync(name));
        Assert.Equal(result.AccessKey!.AccessKeyId, key.AccessKeyId);
        Assert.Equal(3, Server.GetStatistics().RequestsByAction["CreateAccessKey"]);
        Assert.Equal(2, log.Messages.Count(m => m.StartsWith("W The response to CreateAccessKey for '" + name + "' was lost", StringComparison.Ordinal)));
        var of = " of " + UserOnboarder.LostResponseAttempts;
        Assert.Equal(new[] { "attempt 2" + of, "attempt 3" + of }, log.DebugMessages
            .Where(m => m.StartsWith("IAM CreateAccessKey for '" + name + "' attempt ", StringComparison.Ordinal))
            .Select(m => m.Substring(m.IndexOf("attempt", StringComparison.Ordinal), ("attempt 2" + of).Length)));
    }

    [Fact]
    public async Task EveryCreateAccessKeyResponseLostRollsTheNewUserBackCompletely()
    {
        var name = Names.Unique("never");
        Server.DropNextResponses("CreateAccessKey", UserOnboarder.LostResponseAttempts);
        OnboardingFailedException failure;
        using (OnboardLog.Use(new CollectingLog()))
        {
            failure = await Assert.ThrowsAsync<OnboardingFailedException>(() => new UserOnboarder(Session).OnboardAsync(Starter(name), CancellationToken.None));
        }

        Assert.True(failure.RolledBack, failure.Message);
        Assert.IsType<IamResponseLostException>(failure.InnerException);
        await Assert.ThrowsAsync<IamNoSuchEntityException>(() => Session.Iam.GetUserAsync(name));

        // Nothing was left, so the row simply runs again.
        var again = await new UserOnboarder(Session).OnboardAsync(Starter(name), CancellationToken.None);
        Assert.Equal(OnboardingOutcome.Created, again.Outcome);
        Assert.Equal(again.AccessKey!.AccessKeyId, Assert.Single(await Session.Iam.ListAccessKeysAsync(name)).AccessKeyId);
    }

    [Fact]
    public async Task EveryCreateAccessKeyResponseLostForAnExistingUserLeavesNoKeyWithoutItsSecret()
    {
        var name = Names.Unique("existing");
        await Session.Iam.CreateUserAsync(name);
        Server.DropNextResponses("CreateAccessKey", UserOnboarder.LostResponseAttempts);
        using (OnboardLog.Use(new CollectingLog()))
        {
            await Assert.ThrowsAsync<IamResponseLostException>(() =>
                new UserOnboarder(Session).OnboardAsync(new UserOnboardingRequest { UserName = name, ProgrammaticAccess = true }, CancellationToken.None));
        }

        Assert.Empty(await Session.Iam.ListAccessKeysAsync(name));
    }

    [Fact]
    public async Task AnExistingUserWhoseCompletionFailsKeepsNoLoginProfileWithAPasswordNobodyHolds()
    {
        var name = Names.Unique("halfway");
        await Session.Iam.CreateUserAsync(name);
        Server.DropNextResponses("CreateAccessKey", UserOnboarder.LostResponseAttempts);
        using (OnboardLog.Use(new CollectingLog()))
        {
            // OnboardingFailedException naming what was added (a policy, with the account's default password policy), or
            // the lost response itself when nothing is left: never the login profile.
            var failure = await Assert.ThrowsAnyAsync<Exception>(() => new UserOnboarder(Session).OnboardAsync(Starter(name), CancellationToken.None));
            Assert.True(failure is OnboardingFailedException or IamResponseLostException, failure.ToString());
            Assert.DoesNotContain("login profile", failure.Message, StringComparison.Ordinal);
        }

        await Assert.ThrowsAsync<IamNoSuchEntityException>(() => Session.Iam.GetLoginProfileAsync(name));

        // The re-run makes the profile again and hands its password back.
        var again = await new UserOnboarder(Session).OnboardAsync(Starter(name), CancellationToken.None);
        Assert.NotNull(again.Password);
        Assert.NotNull(await Session.Iam.GetLoginProfileAsync(name));
        Assert.Equal(again.AccessKey!.AccessKeyId, Assert.Single(await Session.Iam.ListAccessKeysAsync(name)).AccessKeyId);
    }

    [Fact]
    public async Task ALostCreateLoginProfileResponseKeepsTheProfileAndHandsThePasswordBack()
    {
        var name = Names.Unique("profile");
        Server.DropNextResponses("CreateLoginProfile", 1);
        UserOnboardingResult result;
        using (OnboardLog.Use(new CollectingLog()))
        {
            result = await new UserOnboarder(Session).OnboardAsync(Starter(name), CancellationToken.None);
        }

        Assert.NotNull(result.Password);
        Assert.NotNull(await Session.Iam.GetLoginProfileAsync(name));
        Assert.Equal(1, Server.GetStatistics().RequestsByAction["CreateLoginProfile"]);
    }

    [Fact]
    public async Task TwoLostCreateVirtualMfaDeviceResponsesInARowLeaveNoUnassignedDevice()
    {
        var name = Names.Unique("mfa");
        await Session.Iam.CreateUserAsync(name);
        Server.DropNextResponses("CreateVirtualMFADevice", 2);
        var enroller = new VirtualMfaEnroller(Session);
        using (OnboardLog.Use(new CollectingLog()))
        {
            var device = await enroller.CreateDeviceAsync(name, name, null, _ => Task.FromResult(false), CancellationToken.None);
            var unassigned = await Session.Iam.ListVirtualMfaDevicesAsync(VirtualMfaAssignmentStatus.Unassigned);
            Assert.Equal(device.SerialNumber, Assert.Single(unassigned, d => d.SerialNumber.EndsWith("/" + name, StringComparison.Ordinal)).SerialNumber);
            await enroller.EnableUnattendedAsync(device, SystemClock.Instance, CancellationToken.None);
        }

        Assert.DoesNotContain(await Session.Iam.ListVirtualMfaDevicesAsync(VirtualMfaAssignmentStatus.Unassigned), d => d.SerialNumber.EndsWith("/" + name, StringComparison.Ordinal));
        Assert.Single(await Session.Iam.ListMfaDevicesAsync(name));
    }

    [Fact]
    public async Task EveryCreateVirtualMfaDeviceResponseLostLeavesNoUnassignedDevice()
    {
        var name = Names.Unique("nomfa");
        await Session.Iam.CreateUserAsync(name);
        Server.DropNextResponses("CreateVirtualMFADevice", UserOnboarder.LostResponseAttempts);
        using (OnboardLog.Use(new CollectingLog()))
        {
            await Assert.ThrowsAsync<IamResponseLostException>(() =>
                new VirtualMfaEnroller(Session).CreateDeviceAsync(name, name, null, _ => Task.FromResult(false), CancellationToken.None));
        }

        Assert.DoesNotContain(await Session.Iam.ListVirtualMfaDevicesAsync(VirtualMfaAssignmentStatus.Unassigned), d => d.SerialNumber.EndsWith("/" + name, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ReEnrollingAnEnrolledUserReadsOnlyThatUsersDevicesNotEveryAssignedDevice()
    {
        // A re-run of a batch with -SkipIfEnabled asks this of every user; listing every assigned device in the
        // account each time made a re-run of 1,000 users read 1,000 devices 1,000 times.
        var enroller = new VirtualMfaEnroller(Session);
        var names = Enumerable.Range(0, 3).Select(i => Names.Unique("enrolled" + i)).ToList();
        using (OnboardLog.Use(new CollectingLog()))
        {
            foreach (var name in names)
            {
                await Session.Iam.CreateUserAsync(name);
                var device = await enroller.CreateDeviceAsync(name, name, null, _ => Task.FromResult(false), CancellationToken.None);
                await enroller.EnableUnattendedAsync(device, SystemClock.Instance, CancellationToken.None);
            }

            var before = Server.GetStatistics().RequestsByAction;
            var already = await Assert.ThrowsAsync<MfaAlreadyEnabledException>(() =>
                enroller.CreateDeviceAsync(names[1], names[1], null, _ => Task.FromResult(false), CancellationToken.None));
            Assert.EndsWith("/" + names[1], already.SerialNumber, StringComparison.Ordinal);
            var after = Server.GetStatistics().RequestsByAction;

            // One look at the user's own devices, before any create; no account-wide list of devices at all.
            Assert.Equal(0, after.GetValueOrDefault("ListVirtualMFADevices") - before.GetValueOrDefault("ListVirtualMFADevices"));
            Assert.Equal(1, after.GetValueOrDefault("ListMFADevices") - before.GetValueOrDefault("ListMFADevices"));
            Assert.Equal(0, after.GetValueOrDefault("CreateVirtualMFADevice") - before.GetValueOrDefault("CreateVirtualMFADevice"));
        }
    }
    /// <summary>
    /// A proxy or load balancer in front of IAM that stops waiting answers 504 although IAM made the change. The SDK resent
    /// such creates: a second access key (the first one's secret lost), "MFA device already in use", another run blamed.
    /// </summary>
    // CreateUser: the user found carries this call's hand-off mark, so this call made it (Created). CreateAccessKey: the
    // key whose secret never arrived is deleted and one more is made. CreateLoginProfile: the profile found has the password this call chose.
    [Theory]
    [InlineData("CreateUser", OnboardingOutcome.Created, 1)]
    [InlineData("CreateLoginProfile", OnboardingOutcome.Created, 1)]
    [InlineData("CreateAccessKey", OnboardingOutcome.Created, 2)]
    public async Task ACreateAnsweredGatewayTimeoutAfterIamMadeItIsLookedIntoNotSentAgain(string action, OnboardingOutcome outcome, int sends)
    {
        var name = Names.Unique("gw");
        Server.AnswerNextWithGatewayTimeout(action, 1);
        UserOnboardingResult result;
        using (OnboardLog.Use(new CollectingLog()))
        {
            result = await new UserOnboarder(Session).OnboardAsync(Starter(name), CancellationToken.None);
        }

        Assert.Equal(outcome, result.Outcome);
        Assert.NotNull(result.Password);
        Assert.Equal(result.AccessKey!.AccessKeyId, Assert.Single(await Session.Iam.ListAccessKeysAsync(name)).AccessKeyId);
        Assert.NotNull(await Session.Iam.GetLoginProfileAsync(name));
        Assert.Equal(sends, Server.GetStatistics().RequestsByAction[action]);
    }

    /// <summary>
    /// A user found after CreateUser's answer was dropped, carrying this call's hand-off mark, is the one this call made:
    /// the row is Created (it was reported Completed, as if the user had been there before), and a later failure rolls
    /// it back like any new user.
    /// </summary>
    [Fact]
    public async Task AUserALostCreateUserMadeIsCreatedAndRolledBackOnALaterFailure()
    {
        var made = Names.Unique("lostuser");
        Server.DropNextResponses("CreateUser", 1);
        UserOnboardingResult result;
        using (OnboardLog.Use(new CollectingLog()))
        {
            result = await new UserOnboarder(Session).OnboardAsync(Starter(made), CancellationToken.None);
        }

        Assert.Equal(OnboardingOutcome.Created, result.Outcome);
        Assert.StartsWith("create user " + made + " ", result.Actions[0], StringComparison.Ordinal);
        Assert.Equal(1, Server.GetStatistics().RequestsByAction["CreateUser"]);

        var failing = Names.Unique("lostfail");
        var policy = await Session.Iam.CreatePolicyAsync(failing, "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:ListAllMyBuckets\",\"Resource\":\"*\"}]}");
        Server.DropNextResponses("CreateUser", 1);
        Server.InterruptNext("AttachUserPolicy", () => Session.Iam.DeletePolicyAsync(policy.Arn).GetAwaiter().GetResult());
        OnboardingFailedException failure;
        using (OnboardLog.Use(new CollectingLog()))
        {
            var request = Starter(failing);
            request.Policies = new[] { policy.Arn };
            failure = await Assert.ThrowsAsync<OnboardingFailedException>(() => new UserOnboarder(Session).OnboardAsync(request, CancellationToken.None));
        }

        Assert.True(failure.RolledBack, failure.Message);
        await Assert.ThrowsAsync<IamNoSuchEntityException>(() => Session.Iam.GetUserAsync(failing));
    }

    [Theory]
    [InlineData("AddUserToGroup", true)]
    [InlineData("AttachUserPolicy", true)]
    [InlineData("AddUserToGroup", false)]
    [InlineData("AttachUserPolicy", false)]
    public async Task AMembershipOrAttachmentMadeButNeverAnsweredIsUndoneWithTheNewUser(string action, bool stoppedWhileSent)
    {
        // IAM carries the call out either way: the caller stopped waiting once it was sent (Ctrl+C, or another row's
        // failure under -ErrorAction Stop), or every answer was lost. Before, the roll-back did not undo it, so IAM
        // refused to delete the user (DeleteConflict) and the user was left.
        var name = Names.Unique("unanswered");
        var group = Names.Unique("grp");
        await Session.Iam.CreateGroupAsync(group);
        var policy = await Session.Iam.CreatePolicyAsync(name, "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:ListAllMyBuckets\",\"Resource\":\"*\"}]}");
        using var stop = new CancellationTokenSource();
        if (stoppedWhileSent)
        {
            Server.InterruptNext(action, stop.Cancel);
        }
        else
        {
            Server.DropNextResponses(action, 100); // More than every attempt the client makes.
        }

        var request = Starter(name);
        request.Groups = new[] { group };
        request.Policies = new[] { policy.Arn };
        OnboardingFailedException failure;
        using (OnboardLog.Use(new CollectingLog()))
        {
            try
            {
                failure = await Assert.ThrowsAsync<OnboardingFailedException>(() => new UserOnboarder(Session).OnboardAsync(request, stop.Token));
            }
            finally
            {
                Server.DropNextResponses(action, 0); // The drops the attempts left, so that no other test meets them.
            }
        }

        Assert.True(failure.RolledBack, failure.Message);
        await Assert.ThrowsAsync<IamNoSuchEntityException>(() => Session.Iam.GetUserAsync(name));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ACreateUserStoppedWhileUnderWayIsRolledBackWhenItIsThisCallsAndToldWhenItCannotBeTold(bool withCredentials)
    {
        // CreateUser makes the user and its answer is lost; the caller stops while the look-up that follows is under way.
        // Before, the stop ended the row without a word, and the user it made was left.
        var name = Names.Unique("stopcreate");
        using var stop = new CancellationTokenSource();
        Server.DropNextResponses("CreateUser", 1);
        Server.InterruptNext("CreateUser", () => Server.InterruptNext("GetUser", stop.Cancel));
        var request = withCredentials ? Starter(name) : new UserOnboardingRequest { UserName = name };
        OnboardingFailedException failure;
        using (OnboardLog.Use(new CollectingLog()))
        {
            failure = await Assert.ThrowsAsync<OnboardingFailedException>(() => new UserOnboarder(Session).OnboardAsync(request, stop.Token));
        }

        if (withCredentials)
        {
            // It carries this call's hand-off mark: this call made it, and removed it.
            Assert.True(failure.RolledBack, failure.Message);
            Assert.Contains("the operation was stopped. Everything this call had created was removed", failure.Message, StringComparison.Ordinal);
            await Assert.ThrowsAsync<IamNoSuchEntityException>(() => Session.Iam.GetUserAsync(name));
        }
        else
        {
            // No mark tells whose it is: left, and said.
            Assert.False(failure.RolledBack);
            Assert.Contains("the user exists without this run's mark", failure.Message, StringComparison.Ordinal);
            Assert.Equal(name, (await Session.Iam.GetUserAsync(name)).UserName);
        }
    }

    [Fact]
    public async Task AnEnableMfaDeviceAnsweredGatewayTimeoutAfterIamEnabledItCountsAsEnabled()
    {
        var name = Names.Unique("gwmfa");
        await Session.Iam.CreateUserAsync(name);
        var enroller = new VirtualMfaEnroller(Session);
        Server.AnswerNextWithGatewayTimeout("EnableMFADevice", 1);
        using (OnboardLog.Use(new CollectingLog()))
        {
            var device = await enroller.CreateDeviceAsync(name, name, null, _ => Task.FromResult(false), CancellationToken.None);
            await enroller.EnableUnattendedAsync(device, SystemClock.Instance, CancellationToken.None);
            Assert.Equal(device.SerialNumber, Assert.Single(await Session.Iam.ListMfaDevicesAsync(name)).SerialNumber);
        }

        Assert.Equal(1, Server.GetStatistics().RequestsByAction["EnableMFADevice"]);
    }

    [Fact]
    public async Task CreatesAnsweredServiceFailureWithoutBeingMadeAreSentAgainOnceLookedInto()
    {
        // IAM's 500 does not say whether the create was made; here it was not, so the look-into finds nothing and sends again.
        var name = Names.Unique("svcfail");
        Server.FailNextRequests("CreateAccessKey", 2);
        Server.FailNextRequests("EnableMFADevice", 2);
        using (OnboardLog.Use(new CollectingLog()))
        {
            var result = await new UserOnboarder(Session).OnboardAsync(Starter(name), CancellationToken.None);
            Assert.Equal(result.AccessKey!.AccessKeyId, Assert.Single(await Session.Iam.ListAccessKeysAsync(name)).AccessKeyId);
            var enroller = new VirtualMfaEnroller(Session);
            var device = await enroller.CreateDeviceAsync(name, name, null, _ => Task.FromResult(false), CancellationToken.None);
            await enroller.EnableUnattendedAsync(device, SystemClock.Instance, CancellationToken.None);
        }

        Assert.Equal(3, Server.GetStatistics().RequestsByAction["CreateAccessKey"]);
        Assert.Equal(3, Server.GetStatistics().RequestsByAction["EnableMFADevice"]);
        Assert.Single(await Session.Iam.ListMfaDevicesAsync(name));
    }

    [Fact]
    public async Task ADeleteAnsweredGatewayTimeoutAfterIamMadeItCountsAsDone()
    {
        var name = Names.Unique("gwdel");
        await Session.Iam.CreateUserAsync(name);
        Server.AnswerNextWithGatewayTimeout("DeleteUser", 1);
        using (OnboardLog.Use(new CollectingLog()))
        {
            await Session.Iam.DeleteUserAsync(name);
        }

        await Assert.ThrowsAsync<IamNoSuchEntityException>(() => Session.Iam.GetUserAsync(name));
        Assert.Equal(2, Server.GetStatistics().RequestsByAction["DeleteUser"]);
    }
}
