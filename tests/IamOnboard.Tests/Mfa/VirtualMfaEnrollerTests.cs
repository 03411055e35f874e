using System;
using System.Threading;
using System.Threading.Tasks;
using IamOnboard.AwsSdk;
using IamOnboard.Diagnostics;
using IamOnboard.Iam;
using IamOnboard.LocalIam;
using IamOnboard.Mfa;
using IamOnboard.Onboarding;
using IamOnboard.Sessions;
using IamOnboard.Tests.Iam;
using IamOnboard.Tests.Sessions;
using Xunit;

namespace IamOnboard.Tests.Mfa;

[Collection("Environment")]
public sealed class VirtualMfaEnrollerTests : IClassFixture<LocalIamFixture>
{
    private readonly LocalIamServer _server;

    public VirtualMfaEnrollerTests(LocalIamFixture fixture) => _server = fixture.Server;

    private Task<OnboardSession> AdministratorSessionAsync() => OnboardSessionFactory.ConnectAsync(new OnboardConnectOptions
    {
        AccessKey = _server.AdminAccessKeyId,
        SecretKey = SdkCredentials.Protect(_server.AdminSecretAccessKey),
        EndpointUrl = _server.Url.ToString(),
    });

    [Fact]
    public async Task Stale_codes_of_the_right_device_are_refused_by_IAM_as_InvalidAuthenticationCode_with_a_clear_message_and_the_device_is_deleted()
    {
        using var environment = new EnvironmentScope();
        using var session = await AdministratorSessionAsync();
        string user = Names.Unique("stale");
        await session.Iam.CreateUserAsync(user);
        var enroller = new VirtualMfaEnroller(session);
        var device = await enroller.CreateDeviceAsync(user, user, null, _ => Task.FromResult(false), CancellationToken.None);

        // Two consecutive codes of this very device, for a window an hour (or, in the unlikely case that pair happens
        // to be valid now too, more hours) ago: the right seed, the wrong time.
        var now = DateTimeOffset.UtcNow;
        var then = now.AddHours(-1);
        while (Totp.CheckConsecutivePair(device.Key, Totp.ComputeCode(device.Key, then - Totp.StepLength), Totp.ComputeCode(device.Key, then), now).IsValid)
        {
            then = then.AddHours(-1);
        }

        string code1 = Totp.ComputeCode(device.Key, then - Totp.StepLength);
        string code2 = Totp.ComputeCode(device.Key, then);
        Assert.True(Totp.CheckConsecutivePair(device.Key, code1, code2, then).IsValid);

        var refused = await Assert.ThrowsAsync<IamInvalidAuthenticationCodeException>(() => enroller.EnableAsync(device, code1, code2, CancellationToken.None));
        Assert.Equal(IamErrorCodes.InvalidAuthenticationCode, refused.ErrorCode);
        Assert.StartsWith(user + ": IAM refused the two codes for " + device.SerialNumber, refused.Message, StringComparison.Ordinal);
        Assert.Contains("stale", refused.Message, StringComparison.Ordinal);
        Assert.Contains("The device was deleted", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(device.Base32Seed, refused.Message, StringComparison.Ordinal);
        Assert.Empty(await session.Iam.ListMfaDevicesAsync(user));
        Assert.DoesNotContain(await session.Iam.ListVirtualMfaDevicesAsync(VirtualMfaAssignmentStatus.Unassigned), d => d.SerialNumber == device.SerialNumber);
    }

    [Fact]
    public async Task A_device_that_cannot_be_deleted_is_named_in_a_warning_whose_sentences_are_joined_with_one_period()
    {
        using var environment = new EnvironmentScope();
        using var session = await AdministratorSessionAsync();
        string user = Names.Unique("undeletable");
        await session.Iam.CreateUserAsync(user);
        var enroller = new VirtualMfaEnroller(session);
        var device = await enroller.CreateDeviceAsync(user, user, null, _ => Task.FromResult(false), CancellationToken.None);
        await enroller.EnableUnattendedAsync(device, SystemClock.Instance, CancellationToken.None);

        // Enabled, so IAM refuses the delete with DeleteConflict "...; deactivate it first." (a message ending in a period).
        var log = new CollectingLog();
        using (OnboardLog.Use(log))
        {
            await enroller.DiscardAsync(device);
        }

        var warning = Assert.Single(log.Messages, m => m.StartsWith("W ", StringComparison.Ordinal));
        Assert.Contains(device.SerialNumber, warning, StringComparison.Ordinal);
        Assert.Contains("deactivate it first. Delete it before retrying.", warning, StringComparison.Ordinal);
        Assert.DoesNotContain("..", warning, StringComparison.Ordinal);
    }
}
