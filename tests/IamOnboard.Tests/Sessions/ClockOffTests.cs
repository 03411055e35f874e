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
using Xunit;

namespace IamOnboard.Tests.Sessions;

/// <summary>
/// A machine whose clock is off, played by setting the endpoint's clock apart from the machine's
/// (<see cref="LocalIamServer.ShiftClock"/>): a fresh endpoint per test, since the AWS SDK keeps its clock correction
/// per endpoint for the life of the process.
/// </summary>
[Collection("Environment")]
public sealed class ClockOffTests : IDisposable
{
    private readonly LocalIamServer _server = LocalIamServer.Start(new LocalIamOptions());

    public void Dispose() => _server.Dispose();

    private Task<OnboardSession> AdministratorSessionAsync(int? maxAttempts = null) => OnboardSessionFactory.ConnectAsync(new OnboardConnectOptions
    {
        AccessKey = _server.AdminAccessKeyId,
        SecretKey = SdkCredentials.Protect(_server.AdminSecretAccessKey),
        EndpointUrl = _server.Url.ToString(),
        MaxAttempts = maxAttempts,
    });

    [Theory]
    [InlineData(20)]
    [InlineData(-20)]
    public async Task Twenty_minutes_off_connects_and_creates_a_user_through_the_SDKs_clock_correction(int minutes)
    {
        using var environment = new EnvironmentScope();
        _server.ShiftClock(TimeSpan.FromMinutes(minutes));

        using var session = await AdministratorSessionAsync();
        await session.Iam.CreateUserAsync("clock-off-user");

        Assert.Equal("clock-off-user", (await session.Iam.GetUserAsync("clock-off-user")).UserName);
        // One refused request per SDK client (STS at connect, then IAM): each learns the offset from that answer's Date
        // header and signs with the corrected time from then on.
        Assert.Equal(2, _server.GetStatistics().AuthenticationFailures);
        Assert.InRange(session.Iam.ServiceClock.Offset!.Value, TimeSpan.FromMinutes(minutes) - TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(minutes) + TimeSpan.FromSeconds(2));
    }



    [Theory]
    [InlineData(3)]
    [InlineData(-3)]
    public async Task A_few_minutes_off_unattended_MFA_codes_follow_IAMs_time_and_a_verbose_line_says_how_far_off_the_clock_is(int minutes)
    {
        using var environment = new EnvironmentScope();
        _server.ShiftClock(TimeSpan.FromMinutes(minutes));
        var log = new CollectingLog();
        using var logScope = OnboardLog.Use(log);
        using var session = await AdministratorSessionAsync();
        await session.Iam.CreateUserAsync("clock-off-mfa");
        var enroller = new VirtualMfaEnroller(session);
        var device = await enroller.CreateDeviceAsync("clock-off-mfa", "clock-off-mfa", null, _ => Task.FromResult(false), CancellationToken.None);

        await enroller.EnableUnattendedAsync(device, CancellationToken.None);

        Assert.Equal(device.SerialNumber, Assert.Single(await session.Iam.ListMfaDevicesAsync("clock-off-mfa")).SerialNumber);
        // Inside SigV4's 15 minutes: nothing was refused, the offset came from the Date headers of ordinary answers.
        Assert.Equal(0, _server.GetStatistics().AuthenticationFailures);
        var line = Assert.Single(log.Messages, m => m.StartsWith("V This machine's clock is ", StringComparison.Ordinal));
        Assert.Matches("^V This machine's clock is (2 min 5[89] s|3 min|3 min [12] s) " + (minutes > 0 ? "behind" : "ahead of") + " IAM's \\(IAM's latest answer was dated [0-9-]{10} [0-9:]{8}Z, "
            + "at [0-9-]{10} [0-9:]{8}Z by this machine's clock\\): the MFA codes for 'clock-off-mfa' are computed for IAM's time\\.$", line);
        Assert.All(log.Messages, m => Assert.DoesNotContain(device.Base32Seed, m, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Codes_a_person_gives_are_sent_as_given_and_when_IAM_refuses_them_the_error_says_how_far_off_the_clock_is()
    {
        using var environment = new EnvironmentScope();
        _server.ShiftClock(TimeSpan.FromMinutes(5));
        using var session = await AdministratorSessionAsync();
        await session.Iam.CreateUserAsync("clock-off-person");
        var enroller = new VirtualMfaEnroller(session);
        var device = await enroller.CreateDeviceAsync("clock-off-person", "clock-off-person", null, _ => Task.FromResult(false), CancellationToken.None);

        // Codes of this machine's time: ten steps behind IAM's.
        var machine = DateTimeOffset.UtcNow;
        var refused = await Assert.ThrowsAsync<IamInvalidAuthenticationCodeException>(() => enroller.EnableAsync(device,
            Totp.ComputeCode(device.Key, machine - Totp.StepLength), Totp.ComputeCode(device.Key, machine), CancellationToken.None));

        Assert.Matches("The device was deleted, so the command can be run again \\(with two new consecutive codes, when you give them\\)\\. "
            + "This machine's clock is (4 min 5[89] s|5 min|5 min [12] s) behind IAM's \\(by the Date header of IAM's latest answer\\); set it right \\(turn on time synchronization\\)\\.$", refused.Message);
    }

    [Fact]
    public async Task With_the_clocks_together_no_offset_is_taken_and_no_line_is_written()
    {
        using var environment = new EnvironmentScope();
        var log = new CollectingLog();
        using var logScope = OnboardLog.Use(log);
        using var session = await AdministratorSessionAsync();
        await session.Iam.CreateUserAsync("clock-right-mfa");
        var enroller = new VirtualMfaEnroller(session);
        var device = await enroller.CreateDeviceAsync("clock-right-mfa", "clock-right-mfa", null, _ => Task.FromResult(false), CancellationToken.None);

        await enroller.EnableUnattendedAsync(device, CancellationToken.None);

        Assert.NotNull(session.Iam.ServiceClock.Latest);
        Assert.Null(session.Iam.ServiceClock.Offset);
        Assert.Null(enroller.ClockOffNote(TimeSpan.Zero));
        Assert.DoesNotContain(log.Messages, m => m.Contains("machine's clock", StringComparison.Ordinal));
    }
}
