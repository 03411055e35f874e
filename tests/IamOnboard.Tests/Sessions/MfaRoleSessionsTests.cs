using System;
using System.Security;
using IamOnboard.AwsSdk;
using IamOnboard.Sessions;
using Xunit;

namespace IamOnboard.Tests.Sessions;

/// <summary>
/// When a role assumed with an MFA code is used again instead of asking for a new code: while it has more than the
/// renewal window left, with no code or the code it was assumed with; never for another role, file or endpoint.
/// </summary>
public sealed class MfaRoleSessionsTests
{
    private static readonly DateTime Expiry = new(2026, 12, 7, 18, 0, 0, DateTimeKind.Utc);
    private readonly SharedConfigFiles _files = SharedConfigFiles.Load("/nowhere/credentials", "/nowhere/config");

    [Fact]
    public void A_kept_role_is_used_again_with_no_code_or_its_own_code_but_not_with_a_new_one()
    {
        var sessions = new MfaRoleSessions();
        var key = Key("admin-mfa");
        sessions.Remember(key, "123456", Assumed());

        var clock = At(Expiry.AddMinutes(-30));
        Assert.NotNull(sessions.Reusable(key, null, clock));
        Assert.NotNull(sessions.Reusable(key, " 123456 ", clock));
        Assert.Null(sessions.Reusable(key, "654321", clock));
    }

    [Fact]
    public void A_kept_role_within_five_minutes_of_its_end_is_not_used_again()
    {
        var sessions = new MfaRoleSessions();
        var key = Key("admin-mfa");
        sessions.Remember(key, "123456", Assumed());

        Assert.NotNull(sessions.Reusable(key, null, At(Expiry.AddMinutes(-5).AddSeconds(-1))));
        Assert.Null(sessions.Reusable(key, null, At(Expiry.AddMinutes(-5))));
        Assert.Null(sessions.Reusable(key, "123456", At(Expiry.AddMinutes(1))));
    }

    [Fact]
    public void Another_profile_session_name_endpoint_or_file_is_another_role_session_and_Clear_forgets_all()
    {
        var sessions = new MfaRoleSessions();
        sessions.Remember(Key("admin-mfa"), "123456", Assumed());
        var clock = At(Expiry.AddMinutes(-30));

        Assert.Null(sessions.Reusable(Key("other"), null, clock));
        Assert.Null(sessions.Reusable(Key("admin-mfa", sessionName: "another"), null, clock));
        Assert.Null(sessions.Reusable(Key("admin-mfa", endpointUrl: "http://127.0.0.1:1/"), null, clock));
        Assert.Null(sessions.Reusable(MfaRoleSessions.Key(SharedConfigFiles.Load("/elsewhere/credentials", "/nowhere/config"), "admin-mfa", RoleArn, Serial, "with-mfa", null, null, null), null, clock));

        sessions.Clear();
        Assert.Equal(0, sessions.Count);
        Assert.Null(sessions.Reusable(Key("admin-mfa"), null, clock));
    }

    [Fact]
    public void A_spent_code_is_known_per_device_for_three_steps_and_through_Clear()
    {
        var sessions = new MfaRoleSessions();
        var used = new DateTime(2026, 12, 7, 17, 0, 0, DateTimeKind.Utc);
        sessions.RememberSpent(Serial, "123456", "admin-mfa", At(used));

        Assert.Equal("admin-mfa", sessions.SpentFor(Serial, " 123456 ", At(used.AddSeconds(10))));
        Assert.Null(sessions.SpentFor(Serial, "654321", At(used.AddSeconds(10))));
        Assert.Null(sessions.SpentFor("arn:aws:iam::123456789012:mfa/bea", "123456", At(used.AddSeconds(10))));
        Assert.Null(sessions.SpentFor(Serial, null, At(used.AddSeconds(10))));

        // Spent codes stay spent after Disconnect-Onboard.
        sessions.Clear();
        Assert.Equal("admin-mfa", sessions.SpentFor(Serial, "123456", At(used.AddSeconds(90))));

        // Three steps on, the same digits would be a new code by chance: no claim.
        Assert.Null(sessions.SpentFor(Serial, "123456", At(used.AddSeconds(120))));
    }

    private const string RoleArn = "arn:aws:iam::123456789012:role/Admin";
    private const string Serial = "arn:aws:iam::123456789012:mfa/ana";

    private string Key(string profile, string sessionName = "with-mfa", string? endpointUrl = null)
        => MfaRoleSessions.Key(_files, profile, RoleArn, Serial, sessionName, null, null, endpointUrl);

    private static MfaRoleCredentials Assumed()
    {
        using var temporary = new TemporaryCredentials("ASIAEXAMPLEEXAMPLE01", Secure("secret"), Secure("token"), Expiry, RoleArn + "/with-mfa");
        return new MfaRoleCredentials(temporary, "admin-mfa", RoleArn, Serial, At(Expiry.AddHours(-1)));
    }

    private static CredentialClock At(DateTime utc) => new(() => utc);

    private static SecureString Secure(string text)
    {
        var secure = new SecureString();
        foreach (var character in text)
        {
            secure.AppendChar(character);
        }

        return secure;
    }
}
