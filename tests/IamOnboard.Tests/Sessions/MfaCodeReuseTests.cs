using System;
using System.IO;
using System.Threading.Tasks;
using IamOnboard.Iam;
using IamOnboard.LocalIam;
using IamOnboard.Mfa;
using IamOnboard.Sessions;
using IamOnboard.Tests.Iam;
using Xunit;

namespace IamOnboard.Tests.Sessions;

/// <summary>
/// STS takes a device's code once (the local endpoint as AWS does). A code this runspace has already assumed a role
/// with, given again for another role profile of the same device, is refused by STS: the error says the code was used,
/// for which profile, and to wait for the next one, rather than to give "the current code" the person just gave.
/// </summary>
[Collection("Environment")]
public sealed class MfaCodeReuseTests : IClassFixture<LocalIamFixture>
{
    private readonly LocalIamServer _server;

    public MfaCodeReuseTests(LocalIamFixture fixture) => _server = fixture.Server;

    private string RoleArn => $"arn:aws:iam::{_server.AccountId}:role/OrganizationAccountAccessRole";

    [Fact]
    public async Task A_code_this_runspace_used_for_one_role_profile_is_refused_for_another_of_the_same_device_saying_it_was_used_and_to_wait_for_the_next()
    {
        using var environment = new EnvironmentScope();
        var (serial, key) = await EnrolAdminMfaAsync("reuse");
        WriteProfiles(environment, serial);
        var runspace = new MfaRoleSessions();
        // The next step's code: enabling the device took this step's.
        var code = Totp.ComputeCode(key, DateTimeOffset.UtcNow + Totp.StepLength);
        using (await OnboardSessionFactory.ConnectAsync(new OnboardConnectOptions { ProfileName = "deploy", TokenCode = code, MfaRoleSessions = runspace }))
        {
        }

        var error = await Assert.ThrowsAsync<IamAccessDeniedException>(
            () => OnboardSessionFactory.ConnectAsync(new OnboardConnectOptions { ProfileName = "audit", TokenCode = code, MfaRoleSessions = runspace }));

        Assert.Equal("AssumeRole " + RoleArn + " (profile 'audit') was refused for its MFA code: MultiFactorAuthentication failed with invalid MFA one time pass code. "
            + "That code was used already in this PowerShell session, for MFA device " + serial + " (profile 'deploy'), and each code is accepted once: "
            + "wait for the device's next code and give it with -TokenCode.", error.Message);
        Assert.Equal("AccessDenied", error.ErrorCode);
        Assert.DoesNotMatch("(?<![0-9])" + code + "(?![0-9])", error.Message);
    }

    [Fact]
    public async Task A_code_used_for_a_role_inside_a_chain_is_known_as_used_for_that_roles_profile()
    {
        using var environment = new EnvironmentScope();
        var (serial, key) = await EnrolAdminMfaAsync("reuse-chain");
        WriteProfiles(environment, serial, "[profile outer]\nrole_arn = " + RoleArn + "\nsource_profile = deploy\nrole_session_name = outer\nendpoint_url = " + _server.Url + "\n");
        var runspace = new MfaRoleSessions();
        var code = Totp.ComputeCode(key, DateTimeOffset.UtcNow + Totp.StepLength);
        using (await OnboardSessionFactory.ConnectAsync(new OnboardConnectOptions { ProfileName = "outer", TokenCode = code, MfaRoleSessions = runspace }))
        {
        }

        var error = await Assert.ThrowsAsync<IamAccessDeniedException>(
            () => OnboardSessionFactory.ConnectAsync(new OnboardConnectOptions { ProfileName = "audit", TokenCode = code, MfaRoleSessions = runspace }));
        Assert.EndsWith("That code was used already in this PowerShell session, for MFA device " + serial + " (profile 'deploy'), and each code is accepted once: "
            + "wait for the device's next code and give it with -TokenCode.", error.Message, StringComparison.Ordinal);
        Assert.Equal("That code was used already in this PowerShell session, for MFA device " + serial + " (profile 'deploy'), and each code is accepted once: wait for the device's next code.",
            OnboardSessionFactory.UsedCodeNote(new OnboardConnectOptions { ProfileName = "audit", MfaRoleSessions = runspace }, serial, code));
        Assert.Null(OnboardSessionFactory.UsedCodeNote(new OnboardConnectOptions { ProfileName = "audit", MfaRoleSessions = new MfaRoleSessions() }, serial, code));
    }

    [Fact]
    public async Task A_runspace_that_did_not_use_the_code_passes_on_STSs_refusal_without_claiming_to_know_why()
    {
        using var environment = new EnvironmentScope();
        var (serial, key) = await EnrolAdminMfaAsync("elsewhere");
        WriteProfiles(environment, serial);
        var code = Totp.ComputeCode(key, DateTimeOffset.UtcNow + Totp.StepLength);
        using (await OnboardSessionFactory.ConnectAsync(new OnboardConnectOptions { ProfileName = "deploy", TokenCode = code, MfaRoleSessions = new MfaRoleSessions() }))
        {
        }

        // Another runspace (or the AWS CLI) took the code: this one cannot tell, and says what STS says.
        var error = await Assert.ThrowsAsync<IamAccessDeniedException>(
            () => OnboardSessionFactory.ConnectAsync(new OnboardConnectOptions { ProfileName = "audit", TokenCode = code, MfaRoleSessions = new MfaRoleSessions() }));

        Assert.Equal("AssumeRole " + RoleArn + " (profile 'audit') was refused for its MFA code: MultiFactorAuthentication failed with invalid MFA one time pass code. "
            + "Give the current code of MFA device " + serial + " with -TokenCode (each code is good for its 30 seconds only).", error.Message);
    }

    /// <summary>A virtual MFA device enabled for onboard-admin (whose keys profile 'base' holds), and its key.</summary>
    private async Task<(string Serial, byte[] Key)> EnrolAdminMfaAsync(string name)
    {
        using var admin = LocalIamFixture.CreateClient(_server);
        var device = await admin.CreateVirtualMfaDeviceAsync(Names.Unique(name));
        var key = Totp.KeyFromBase32(System.Text.Encoding.ASCII.GetString(device.Base32StringSeed));
        var now = DateTimeOffset.UtcNow;
        await admin.EnableMfaDeviceAsync("onboard-admin", device.SerialNumber, Totp.ComputeCode(key, now - Totp.StepLength), Totp.ComputeCode(key, now));
        return (device.SerialNumber, key);
    }

    /// <summary>Two role profiles, deploy and audit, with the same device (one person's phone for two roles).</summary>
    private void WriteProfiles(EnvironmentScope environment, string serial, string moreConfig = "")
    {
        File.WriteAllText(environment.CredentialsFile, "[base]\naws_access_key_id = " + _server.AdminAccessKeyId + "\naws_secret_access_key = " + _server.AdminSecretAccessKey + "\n");
        File.WriteAllText(environment.ConfigFile,
            "[profile deploy]\nrole_arn = " + RoleArn + "\nsource_profile = base\nmfa_serial = " + serial + "\nrole_session_name = deploy\nendpoint_url = " + _server.Url + "\n"
            + "[profile audit]\nrole_arn = " + RoleArn + "\nsource_profile = base\nmfa_serial = " + serial + "\nrole_session_name = audit\nendpoint_url = " + _server.Url + "\n" + moreConfig);
    }
}
