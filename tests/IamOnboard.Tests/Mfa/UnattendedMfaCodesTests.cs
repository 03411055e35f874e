using System;
using System.Text;
using System.Threading.Tasks;
using IamOnboard.LocalIam;
using IamOnboard.Mfa;
using IamOnboard.Tests.LocalIam;
using Xunit;

namespace IamOnboard.Tests.Mfa;

public class UnattendedMfaCodesTests
{
    private static readonly byte[] Key = Totp.KeyFromBase32("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");

    /// <summary>A clock standing still at one instant: it cannot wait, so a code pair that needed a wait is not possible.</summary>
    private sealed class FixedClock : IClock
    {
        public FixedClock(DateTimeOffset now) => UtcNow = now;

        public DateTimeOffset UtcNow { get; }
    }

    private const long Step = 58_000_000;

    [Theory]
    [InlineData(0)] // a step just begun
    [InlineData(20_000)] // ten seconds left
    [InlineData(29_999)] // a millisecond before the next step
    public void The_codes_are_the_previous_and_the_current_step_whatever_is_left_of_it(int millisecondsIntoStep)
    {
        var clock = new FixedClock(Totp.StartOfStep(Step).AddMilliseconds(millisecondsIntoStep));

        var (code1, code2) = UnattendedMfaCodes.GetConsecutiveCodes(Key, clock);

        Assert.Equal(Totp.ComputeCodeForStep(Key, Step - 1), code1);
        Assert.Equal(Totp.ComputeCodeForStep(Key, Step), code2);
    }

    [Fact]
    public void At_a_step_boundary_the_pair_is_valid_now_and_after_the_boundary_without_a_wait()
    {
        var justBefore = Totp.StartOfStep(Step + 1).AddMilliseconds(-1);

        var (code1, code2) = UnattendedMfaCodes.GetConsecutiveCodes(Key, new FixedClock(justBefore));

        // The endpoint's own check (with its window): the request may reach IAM a step later and still be accepted.
        Assert.True(Totp.CheckConsecutivePair(Key, code1, code2, justBefore).IsValid);
        Assert.True(Totp.CheckConsecutivePair(Key, code1, code2, justBefore.AddSeconds(30)).IsValid);
    }

    [Fact]
    public void Empty_key_and_missing_clock_are_refused()
    {
        Assert.Throws<ArgumentException>(() => UnattendedMfaCodes.GetConsecutiveCodes(Array.Empty<byte>(), SystemClock.Instance));
        Assert.Throws<ArgumentNullException>(() => UnattendedMfaCodes.GetConsecutiveCodes(Key, null!));
    }

    [Fact]
    public async Task The_endpoint_enables_a_device_with_the_pair_and_refuses_an_hour_old_pair()
    {
        using var server = LocalIamServer.Start(new LocalIamOptions());
        var admin = SignedIamClient.Admin(server);
        (await admin.IamAsync("CreateUser", ("UserName", "alice"))).EnsureSuccess();
        var created = (await admin.IamAsync("CreateVirtualMFADevice", ("VirtualMFADeviceName", "alice"))).EnsureSuccess();
        string serial = created.Value("SerialNumber")!;
        byte[] key = Totp.KeyFromBase32(Encoding.ASCII.GetString(Convert.FromBase64String(created.Value("Base32StringSeed")!)));

        var (old1, old2) = UnattendedMfaCodes.GetConsecutiveCodes(key, new FixedClock(DateTimeOffset.UtcNow.AddHours(-1)));
        var stale = await admin.IamAsync("EnableMFADevice", ("UserName", "alice"), ("SerialNumber", serial), ("AuthenticationCode1", old1), ("AuthenticationCode2", old2));
        Assert.Equal("InvalidAuthenticationCode", stale.ErrorCode);

        var (code1, code2) = UnattendedMfaCodes.GetConsecutiveCodes(key, SystemClock.Instance);
        (await admin.IamAsync("EnableMFADevice", ("UserName", "alice"), ("SerialNumber", serial), ("AuthenticationCode1", code1), ("AuthenticationCode2", code2))).EnsureSuccess();
        var devices = (await admin.IamAsync("ListMFADevices", ("UserName", "alice"))).EnsureSuccess();
        Assert.Equal(new[] { serial }, devices.Values("SerialNumber"));
    }
}
