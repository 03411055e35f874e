using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime.Internal;
using ExecutionContext = Amazon.Runtime.Internal.ExecutionContext;
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

    public void Dispose()
    {
        ForgetClockCorrection(_server.Url);
        _server.Dispose();
    }

    /// <summary>
    /// The AWS SDK keeps the clock correction it learned for an endpoint's URL for the life of the process, and learns
    /// it anew only from an answer to a request to that URL: a later test's endpoint on the same port would start that
    /// far off. Only a test may set it; AWSSDK.Core (the pinned version) keeps the setter internal.
    /// </summary>
    internal static void ForgetClockCorrection(Uri endpoint) => SetClockCorrection(endpoint, TimeSpan.Zero);

    private static void SetClockCorrection(Uri endpoint, TimeSpan correction)
    {
        var set = typeof(Amazon.Runtime.CorrectClockSkew).GetMethod("SetClockCorrectionForEndpoint", BindingFlags.Static | BindingFlags.NonPublic)
            ?? throw new InvalidOperationException("AWSSDK.Core no longer has CorrectClockSkew.SetClockCorrectionForEndpoint: find how this version forgets a clock correction.");
        set.Invoke(null, new object[] { endpoint.ToString(), correction });
    }

    /// <summary>
    /// What the SDK keeps for the process once this machine's clock was 20 minutes behind and then put right (time
    /// synchronization after a resume): it signs 20 minutes ahead of the endpoint's time, which agrees with this machine's.
    /// </summary>
    private void KeepAStaleCorrection() => SetClockCorrection(_server.Url, TimeSpan.FromMinutes(20));

    /// <summary>The correction the SDK now signs with for the endpoint (its public getter).</summary>
    private TimeSpan SdkCorrection => Amazon.Runtime.CorrectClockSkew.GetClockCorrectionForEndpoint(_server.Url.ToString());

    private const string PutRightBy = "(19 min 5[89] s|20 min|20 min [12] s)";

    [Fact]
    public async Task A_clock_correction_the_SDK_kept_after_the_clock_was_put_right_is_put_right_and_the_call_that_meets_it_sent_again()
    {
        using var environment = new EnvironmentScope();
        using var session = await AdministratorSessionAsync();
        var log = new CollectingLog();
        using var logScope = OnboardLog.Use(log);
        KeepAStaleCorrection();

        Assert.NotNull(await session.Iam.ListAccountAliasesAsync());

        // Refused once for its time, then sent again signed with the correction taken from the refusal's Date.
        Assert.Equal(1, _server.GetStatistics().AuthenticationFailures);
        Assert.InRange(SdkCorrection, TimeSpan.FromSeconds(-2), TimeSpan.FromSeconds(2));
        var line = Assert.Single(log.Messages, m => m.Contains("refused for its signing time", StringComparison.Ordinal));
        Assert.Matches("^V IAM ListAccountAliases was refused for its signing time \\(Signature not yet current\\): the AWS SDK signed it " + PutRightBy
            + " ahead of IAM's time \\(IAM's answer is dated [0-9-]{10} [0-9:]{8}Z by its Date header\\), with a clock correction it kept from when this machine's clock was off\\. "
            + "The SDK's correction for " + Regex.Escape(_server.Url.ToString()) + " is put right by " + PutRightBy + ", to 0 s \\(this machine's clock agrees with IAM's\\); "
            + "sending it again, attempt 2 of 8\\.$", line);
    }

    [Fact]
    public async Task A_clock_correction_the_SDK_kept_after_the_clock_was_put_right_does_not_fail_creates_in_flight_together()
    {
        using var environment = new EnvironmentScope();
        using var session = await AdministratorSessionAsync();
        KeepAStaleCorrection();

        // A batch's rows in flight at once: each signed with the kept correction before any refusal came back.
        var names = Enumerable.Range(1, 6).Select(i => "stale-correction-" + i.ToString(CultureInfo.InvariantCulture)).ToArray();
        await Task.WhenAll(names.Select(name => session.Iam.CreateUserAsync(name)));

        foreach (var name in names)
        {
            Assert.Equal(name, (await session.Iam.GetUserAsync(name)).UserName);
        }

        Assert.InRange(_server.GetStatistics().AuthenticationFailures, 1, names.Length);
    }

    [Fact]
    public async Task A_clock_correction_the_SDK_kept_is_put_right_for_STS_too_assuming_a_role_at_connect_and_asking_who_the_session_is()
    {
        using var environment = new EnvironmentScope();
        var log = new CollectingLog();
        using var logScope = OnboardLog.Use(log);
        KeepAStaleCorrection();

        using var session = await RoleSessionAsync(environment);
        KeepAStaleCorrection();
        var identity = await session.Sts.GetCallerIdentityAsync(default);

        Assert.EndsWith(":assumed-role/OrganizationAccountAccessRole/skewed", identity.Arn, StringComparison.Ordinal);
        Assert.Equal(2, _server.GetStatistics().AuthenticationFailures);
        var lines = log.Messages.Where(m => m.Contains("refused for its signing time", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, lines.Count);
        Assert.Matches("^V STS AssumeRole was refused for its signing time \\(Signature not yet current\\): the AWS SDK signed it " + PutRightBy + " ahead of STS's time ", lines[0]);
        Assert.Matches("^V STS GetCallerIdentity was refused for its signing time \\(Signature not yet current\\): the AWS SDK signed it " + PutRightBy + " ahead of STS's time ", lines[1]);
    }

    [Fact]
    public async Task A_clock_correction_the_SDK_kept_with_no_attempt_left_to_send_again_says_to_run_the_command_again_which_works()
    {
        using var environment = new EnvironmentScope();
        using var session = await AdministratorSessionAsync(maxAttempts: 1);
        KeepAStaleCorrection();

        var error = await Assert.ThrowsAnyAsync<IamServiceException>(() => session.Iam.ListAccountAliasesAsync());

        Assert.Equal("SignatureDoesNotMatch", error.ErrorCode);
        Assert.StartsWith("ListAccountAliases was refused with SignatureDoesNotMatch (Signature not yet current: ", error.Message, StringComparison.Ordinal);
        Assert.Contains("by the service's clock (its Date header), and this machine's clock agrees", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("The SDK has taken the service's time from this answer, so the next request is signed right: run the command again. "
            + "With more than one attempt (max_attempts), the session sends such a request again by itself.", error.Message, StringComparison.Ordinal);
        Assert.NotNull(await session.Iam.ListAccountAliasesAsync());
        Assert.Equal(1, _server.GetStatistics().AuthenticationFailures);
    }

    [Fact]
    public async Task A_request_signed_with_a_kept_correction_is_sent_again_at_most_once_and_only_when_signed_outside_the_window()
    {
        using var environment = new EnvironmentScope();
        using var session = await AdministratorSessionAsync(maxAttempts: 1);
        KeepAStaleCorrection();
        // A real refusal from the endpoint (its Date header included), which no attempt was left to send again.
        Exception? error = await Assert.ThrowsAnyAsync<IamServiceException>(() => session.Iam.ListAccountAliasesAsync());
        while (error is not null and not Amazon.Runtime.AmazonServiceException)
        {
            error = error.InnerException;
        }

        var refused = Assert.IsAssignableFrom<Amazon.Runtime.AmazonServiceException>(error);
        Assert.True(ServiceClock.TryParseDate(SdkErrors.AnswerDate(refused), out var answered));

        // The request as the retry policy sees it: signed at the given time, for the endpoint whose correction the SDK has just put right.
        ExecutionContext Signed(TimeSpan fromTheAnswer)
        {
            var request = new DefaultRequest(new Amazon.SecurityToken.Model.GetCallerIdentityRequest(), "IAM") { Endpoint = _server.Url };
            request.Headers["X-Amz-Date"] = (answered + fromTheAnswer).ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
            return new ExecutionContext(new RequestContext(false) { Request = request, IsSigned = true }, new ResponseContext());
        }

        var stale = Signed(TimeSpan.FromMinutes(20));
        Assert.True(StaleClockCorrection.ResendsSignedAgain(stale, refused, "IAM", "IAM ListAccountAliases", 8));
        Assert.False(stale.RequestContext.IsSigned);
        Assert.True(StaleClockCorrection.BypassesQuota(stale));
        Assert.False(StaleClockCorrection.BypassesQuota(stale));
        // Refused again after the resend: not sent a third time.
        stale.RequestContext.IsSigned = true;
        Assert.False(StaleClockCorrection.ResendsSignedAgain(stale, refused, "IAM", "IAM ListAccountAliases", 8));
        Assert.True(stale.RequestContext.IsSigned);
        Assert.False(StaleClockCorrection.BypassesQuota(stale));

        // Signed inside the window (a wrong secret key, say): the signing time is not what was refused.
        var inside = Signed(TimeSpan.FromMinutes(14));
        Assert.False(StaleClockCorrection.ResendsSignedAgain(inside, refused, "IAM", "IAM ListAccountAliases", 8));
        Assert.True(inside.RequestContext.IsSigned);
    }

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
        var log = new CollectingLog();
        using var logScope = OnboardLog.Use(log);

        using var session = await AdministratorSessionAsync();
        await session.Iam.CreateUserAsync("clock-off-user");

        Assert.Equal("clock-off-user", (await session.Iam.GetUserAsync("clock-off-user")).UserName);
        // One refused request per SDK client (STS at connect, then IAM): each learns the offset from that answer's Date
        // header and signs with the corrected time from then on.
        Assert.Equal(2, _server.GetStatistics().AuthenticationFailures);
        Assert.InRange(session.Iam.ServiceClock.Offset!.Value, TimeSpan.FromMinutes(minutes) - TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(minutes) + TimeSpan.FromSeconds(2));
        // The SDK's own resend for a clock off now (its correction learned from the refusal), not the kept-correction one.
        Assert.DoesNotContain(log.Messages, m => m.Contains("refused for its signing time", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Twenty_minutes_off_with_no_attempt_left_for_the_SDKs_correction_says_how_far_off_the_clock_is_and_what_to_do()
    {
        using var environment = new EnvironmentScope();
        _server.ShiftClock(TimeSpan.FromMinutes(20));

        var error = await Assert.ThrowsAsync<IamAccessDeniedException>(() => AdministratorSessionAsync(maxAttempts: 1));

        Assert.Equal("SignatureDoesNotMatch", error.ErrorCode);
        Assert.Contains("Signature expired", error.Message, StringComparison.Ordinal);
        Assert.Matches("The answer is dated [0-9-]{10} [0-9:]{8}Z by the service's clock \\(its Date header\\) and this machine's clock said [0-9-]{10} [0-9:]{8}Z: "
            + "it is (19 min 5[89] s|20 min|20 min [12] s) behind the service's", error.Message);
        Assert.Contains("Set the clock right (turn on time synchronization), or connect with more than one attempt.", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_server.AdminSecretAccessKey, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_secret_key_is_not_blamed_on_the_clock()
    {
        using var environment = new EnvironmentScope();
        var error = await Assert.ThrowsAsync<IamAccessDeniedException>(() => OnboardSessionFactory.ConnectAsync(new OnboardConnectOptions
        {
            AccessKey = _server.AdminAccessKeyId,
            SecretKey = SdkCredentials.Protect("not-the-secret-of-this-key-at-all-0000000"),
            EndpointUrl = _server.Url.ToString(),
        }));

        Assert.Equal("SignatureDoesNotMatch", error.ErrorCode);
        Assert.DoesNotContain("clock", error.Message, StringComparison.Ordinal);
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

    private string RoleArn => $"arn:aws:iam::{_server.AccountId}:role/OrganizationAccountAccessRole";

    private async Task<OnboardSession> RoleSessionAsync(EnvironmentScope environment)
    {
        File.WriteAllText(environment.CredentialsFile, "[base]\naws_access_key_id = " + _server.AdminAccessKeyId + "\naws_secret_access_key = " + _server.AdminSecretAccessKey + "\n");
        File.WriteAllText(environment.ConfigFile, "[profile skewed]\nrole_arn = " + RoleArn + "\nsource_profile = base\nrole_session_name = skewed\nendpoint_url = " + _server.Url + "\n");
        return await OnboardSessionFactory.ConnectAsync(new OnboardConnectOptions { ProfileName = "skewed" });
    }

    [Fact]
    public async Task ExpiredToken_for_credentials_this_machines_clock_holds_valid_says_by_how_much_the_clock_is_behind_with_both_times()
    {
        using var environment = new EnvironmentScope();
        using var session = await RoleSessionAsync(environment);
        Assert.NotNull(await session.Iam.ListUsersAsync());

        // The role's hour is over by IAM's clock, not by this machine's.
        _server.ShiftClock(TimeSpan.FromMinutes(61));

        var error = await Assert.ThrowsAsync<IamAccessDeniedException>(() => session.Iam.ListUsersAsync());
        Assert.Equal("ExpiredToken", error.ErrorCode);
        Assert.Matches("by this machine's clock \\([0-9-]{10} [0-9:]{8}Z\\) the session's temporary credentials are valid until [0-9-]{10} [0-9:]{8}Z, so they are not renewed\\. "
            + "The answer is dated [0-9-]{10} [0-9:]{8}Z by the service's clock \\(its Date header\\): this machine's clock is (1 h 0 min 5[89] s|1 h 1 min|1 h 1 min [12] s) behind the service's\\. "
            + "Set the clock right \\(turn on time synchronization\\), then run Connect-Onboard again\\.$", error.Message);
        var sts = await Assert.ThrowsAsync<IamAccessDeniedException>(() => session.Sts.GetCallerIdentityAsync(default));
        Assert.Contains("this machine's clock is 1 h", sts.Message, StringComparison.Ordinal);
    }
}
