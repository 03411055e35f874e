using System;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using IamOnboard.Mfa;
using Xunit;

namespace IamOnboard.Tests.LocalIam;

/// <summary>The endpoint authorises with the caller's real policies: inline grants, explicit denies, boundaries, MFA.</summary>
public class AccessEvaluationTests : LocalIamTestBase
{
    private string UserArn(string name) => $"arn:aws:iam::{Server.AccountId}:user/{name}";

    private static string Doc(string statements) => "{\"Version\":\"2012-10-17\",\"Statement\":[" + statements + "]}";

    [Fact]
    public async Task An_inline_grant_is_honoured_and_nothing_beyond_it()
    {
        var dev = await UserClientAsync("dev");
        (await Admin.IamAsync("PutUserPolicy", ("UserName", "dev"), ("PolicyName", "read-users"),
            ("PolicyDocument", Doc("{\"Effect\":\"Allow\",\"Action\":[\"iam:ListUsers\",\"iam:GetUser\"],\"Resource\":\"*\"}")))).EnsureSuccess();

        (await dev.IamAsync("ListUsers")).EnsureSuccess();
        var denied = await dev.IamAsync("CreateUser", ("UserName", "x"));
        AssertError(denied, 403, "AccessDenied");
        Assert.Equal($"User: {UserArn("dev")} is not authorized to perform: iam:CreateUser on resource: {UserArn("x")} because no identity-based policy allows the iam:CreateUser action", denied.ErrorMessage);
    }

    [Fact]
    public async Task A_call_about_oneself_without_UserName_is_evaluated_on_the_callers_own_ARN()
    {
        var dev = await UserClientAsync("self");
        var denied = await dev.IamAsync("GetUser");
        AssertError(denied, 403, "AccessDenied");
        Assert.Equal($"User: {UserArn("self")} is not authorized to perform: iam:GetUser on resource: {UserArn("self")} because no identity-based policy allows the iam:GetUser action", denied.ErrorMessage);

        (await Admin.IamAsync("PutUserPolicy", ("UserName", "self"), ("PolicyName", "own"),
            ("PolicyDocument", Doc("{\"Effect\":\"Allow\",\"Action\":\"iam:GetUser\",\"Resource\":\"arn:aws:iam::*:user/${aws:username}\"}")))).EnsureSuccess();
        (await dev.IamAsync("GetUser")).EnsureSuccess();
    }

    [Fact]
    public async Task A_group_deny_beats_AdministratorAccess_with_IAMs_message()
    {
        var ops = await UserClientAsync("ops", "arn:aws:iam::aws:policy/AdministratorAccess");
        (await Admin.IamAsync("CreateGroup", ("GroupName", "no-deletes"))).EnsureSuccess();
        (await Admin.IamAsync("PutGroupPolicy", ("GroupName", "no-deletes"), ("PolicyName", "deny-delete"),
            ("PolicyDocument", Doc("{\"Effect\":\"Deny\",\"Action\":\"iam:Delete*\",\"Resource\":\"*\"}")))).EnsureSuccess();
        (await Admin.IamAsync("AddUserToGroup", ("GroupName", "no-deletes"), ("UserName", "ops"))).EnsureSuccess();
        await CreateUserAsync("victim");

        (await ops.IamAsync("GetUser", ("UserName", "victim"))).EnsureSuccess();
        var denied = await ops.IamAsync("DeleteUser", ("UserName", "victim"));
        AssertError(denied, 403, "AccessDenied");
        Assert.Equal($"User: {UserArn("ops")} is not authorized to perform: iam:DeleteUser on resource: {UserArn("victim")} with an explicit deny in an identity-based policy", denied.ErrorMessage);
    }

    [Fact]
    public async Task A_permissions_boundary_limits_what_AdministratorAccess_grants()
    {
        (await Admin.IamAsync("CreateUser", ("UserName", "bounded"), ("PermissionsBoundary", "arn:aws:iam::aws:policy/IAMReadOnlyAccess"))).EnsureSuccess();
        (await Admin.IamAsync("AttachUserPolicy", ("UserName", "bounded"), ("PolicyArn", "arn:aws:iam::aws:policy/AdministratorAccess"))).EnsureSuccess();
        var key = (await Admin.IamAsync("CreateAccessKey", ("UserName", "bounded"))).EnsureSuccess();
        var bounded = new SignedIamClient(Server.Url, key.Value("AccessKeyId")!, key.Value("SecretAccessKey")!);

        (await bounded.IamAsync("ListUsers")).EnsureSuccess();
        var denied = await bounded.IamAsync("CreateGroup", ("GroupName", "g"));
        AssertError(denied, 403, "AccessDenied");
        Assert.EndsWith("because no permissions boundary allows the iam:CreateGroup action", denied.ErrorMessage);
    }

    [Fact]
    public async Task Own_resources_through_the_username_variable()
    {
        var self = await UserClientAsync("self");
        await CreateUserAsync("other");
        (await Admin.IamAsync("PutUserPolicy", ("UserName", "self"), ("PolicyName", "own-keys"),
            ("PolicyDocument", Doc("{\"Effect\":\"Allow\",\"Action\":\"iam:*AccessKey*\",\"Resource\":\"arn:aws:iam::*:user/${aws:username}\"}")))).EnsureSuccess();

        (await self.IamAsync("ListAccessKeys")).EnsureSuccess();
        (await self.IamAsync("ListAccessKeys", ("UserName", "self"))).EnsureSuccess();
        AssertError(await self.IamAsync("ListAccessKeys", ("UserName", "other")), 403, "AccessDenied");
    }

    private async Task<(SignedIamClient Client, string Serial, byte[] Key)> MfaUserAsync(string name)
    {
        var client = await UserClientAsync(name);
        var created = (await Admin.IamAsync("CreateVirtualMFADevice", ("VirtualMFADeviceName", name))).EnsureSuccess();
        string serial = created.Value("SerialNumber")!;
        byte[] key = Totp.KeyFromBase32(Encoding.ASCII.GetString(Convert.FromBase64String(created.Value("Base32StringSeed")!)));
        var now = DateTimeOffset.UtcNow;
        (await Admin.IamAsync("EnableMFADevice", ("UserName", name), ("SerialNumber", serial),
            ("AuthenticationCode1", Totp.ComputeCode(key, now - Totp.StepLength)), ("AuthenticationCode2", Totp.ComputeCode(key, now)))).EnsureSuccess();
        (await Admin.IamAsync("PutUserPolicy", ("UserName", name), ("PolicyName", "list-with-mfa"), ("PolicyDocument",
            Doc("{\"Effect\":\"Allow\",\"Action\":\"iam:ListUsers\",\"Resource\":\"*\",\"Condition\":{\"Bool\":{\"aws:MultiFactorAuthPresent\":\"true\"},\"NumericLessThan\":{\"aws:MultiFactorAuthAge\":\"3600\"}}}")))).EnsureSuccess();
        return (client, serial, key);
    }

    [Fact]
    public async Task GetSessionToken_with_a_valid_code_carries_MFA_and_IAM_refuses_one_made_without_a_code()
    {
        var (client, serial, key) = await MfaUserAsync("mfa-user");
        AssertError(await client.IamAsync("ListUsers"), 403, "AccessDenied");

        var plain = (await client.StsAsync("GetSessionToken", ("DurationSeconds", "900"))).EnsureSuccess();
        var plainSession = new SignedIamClient(Server.Url, plain.Value("AccessKeyId")!, plain.Value("SecretAccessKey")!, plain.Value("SessionToken"));
        // IAM takes no GetSessionToken credentials made without a code, whatever the policies say: they are refused as a bad
        // token; STS still knows them.
        AssertError(await plainSession.IamAsync("ListUsers"), 403, "InvalidClientTokenId");
        AssertError(await plainSession.IamAsync("GetUser"), 403, "InvalidClientTokenId");
        Assert.Equal(UserArn("mfa-user"), (await plainSession.StsAsync("GetCallerIdentity")).EnsureSuccess().Value("Arn"));

        // The next step's code: enabling the device took this step's, and STS takes a code once.
        var withMfa = (await client.StsAsync("GetSessionToken", ("SerialNumber", serial), ("TokenCode", Totp.ComputeCode(key, DateTimeOffset.UtcNow + Totp.StepLength)))).EnsureSuccess();
        var mfaSession = new SignedIamClient(Server.Url, withMfa.Value("AccessKeyId")!, withMfa.Value("SecretAccessKey")!, withMfa.Value("SessionToken"));
        (await mfaSession.IamAsync("ListUsers")).EnsureSuccess();

        AssertError(await mfaSession.StsAsync("GetSessionToken"), 403, "AccessDenied");
        string wrong = Totp.ComputeCode(key, DateTimeOffset.UtcNow.AddMinutes(10));
        AssertError(await client.StsAsync("GetSessionToken", ("SerialNumber", serial), ("TokenCode", wrong)), 403, "AccessDenied");
        AssertError(await Admin.StsAsync("GetSessionToken", ("SerialNumber", serial), ("TokenCode", Totp.ComputeCode(key, DateTimeOffset.UtcNow))), 403, "AccessDenied");
    }

    [Fact]
    public async Task ChangePassword_needs_a_grant_checks_the_old_password_and_the_policy_and_clears_the_reset_flag()
    {
        var starter = await UserClientAsync("starter");
        (await Admin.IamAsync("CreateLoginProfile", ("UserName", "starter"), ("Password", "Handed-Out-Pw-1"), ("PasswordResetRequired", "true"))).EnsureSuccess();
        (await Admin.IamAsync("UpdateAccountPasswordPolicy", ("MinimumPasswordLength", "14"), ("PasswordReusePrevention", "3"))).EnsureSuccess();

        // No policy at all: a pending reset grants nothing by itself (the console attaches IAMUserChangePassword for that).
        AssertError(await starter.IamAsync("ChangePassword", ("OldPassword", "Handed-Out-Pw-1"), ("NewPassword", "A-Much-Longer-Pw-2")), 403, "AccessDenied");
        (await Admin.IamAsync("AttachUserPolicy", ("UserName", "starter"), ("PolicyArn", "arn:aws:iam::aws:policy/IAMUserChangePassword"))).EnsureSuccess();

        AssertError(await starter.IamAsync("ChangePassword", ("OldPassword", "wrong-password-1"), ("NewPassword", "A-Much-Longer-Pw-2")), 403, "AccessDenied");
        AssertError(await starter.IamAsync("ChangePassword", ("OldPassword", "Handed-Out-Pw-1"), ("NewPassword", "short")), 400, "PasswordPolicyViolation");
        AssertError(await starter.IamAsync("ChangePassword", ("OldPassword", "Handed-Out-Pw-1"), ("NewPassword", "Handed-Out-Pw-1")), 400, "PasswordPolicyViolation");
        Assert.Equal("true", (await Admin.IamAsync("GetLoginProfile", ("UserName", "starter"))).EnsureSuccess().Value("PasswordResetRequired"));
        // IAMUserChangePassword's grant is ChangePassword and the password policy, not reading the login profile.
        AssertError(await starter.IamAsync("GetLoginProfile"), 403, "AccessDenied");
        (await starter.IamAsync("GetAccountPasswordPolicy")).EnsureSuccess();

        (await starter.IamAsync("ChangePassword", ("OldPassword", "Handed-Out-Pw-1"), ("NewPassword", "A-Much-Longer-Pw-2"))).EnsureSuccess();
        Assert.Equal("false", (await Admin.IamAsync("GetLoginProfile", ("UserName", "starter"))).EnsureSuccess().Value("PasswordResetRequired"));

        // Without the policy, and with an account policy that does not let users change passwords, no change at all.
        (await Admin.IamAsync("DetachUserPolicy", ("UserName", "starter"), ("PolicyArn", "arn:aws:iam::aws:policy/IAMUserChangePassword"))).EnsureSuccess();
        AssertError(await starter.IamAsync("ChangePassword", ("OldPassword", "A-Much-Longer-Pw-2"), ("NewPassword", "Third-Long-Password-3")), 403, "AccessDenied");
        // AllowUsersToChangePassword gives every user that grant at the account level.
        (await Admin.IamAsync("UpdateAccountPasswordPolicy", ("MinimumPasswordLength", "14"), ("PasswordReusePrevention", "3"), ("AllowUsersToChangePassword", "true"))).EnsureSuccess();
        (await starter.IamAsync("ChangePassword", ("OldPassword", "A-Much-Longer-Pw-2"), ("NewPassword", "Third-Long-Password-3"))).EnsureSuccess();
        AssertError(await Admin.IamAsync("ChangePassword", ("OldPassword", "x"), ("NewPassword", "y")), 404, "NoSuchEntity");
    }

    [Fact]
    public async Task SimulatePrincipalPolicy_reports_decisions_statements_and_missing_context()
    {
        await CreateUserAsync("sim");
        (await Admin.IamAsync("AttachUserPolicy", ("UserName", "sim"), ("PolicyArn", "arn:aws:iam::aws:policy/IAMReadOnlyAccess"))).EnsureSuccess();
        (await Admin.IamAsync("PutUserPolicy", ("UserName", "sim"), ("PolicyName", "mfa-guard"), ("PolicyDocument",
            Doc("{\"Effect\":\"Deny\",\"Action\":\"iam:ListUsers\",\"Resource\":\"*\",\"Condition\":{\"Bool\":{\"aws:MultiFactorAuthPresent\":\"false\"}}}")))).EnsureSuccess();

        var response = (await Admin.IamAsync("SimulatePrincipalPolicy", ("PolicySourceArn", UserArn("sim")),
            ("ActionNames.member.1", "iam:ListUsers"), ("ActionNames.member.2", "iam:CreateUser"),
            ("ContextEntries.member.1.ContextKeyName", "aws:MultiFactorAuthPresent"), ("ContextEntries.member.1.ContextKeyType", "boolean"),
            ("ContextEntries.member.1.ContextKeyValues.member.1", "false"))).EnsureSuccess();
        Assert.Equal(new[] { "explicitDeny", "implicitDeny" }, response.Values("EvalDecision"));
        Assert.Equal(new[] { "mfa-guard" }, response.Values("SourcePolicyId"));
        Assert.Equal("user", response.Value("SourcePolicyType"));
        Assert.Equal("false", response.Value("IsTruncated"));

        var noContext = (await Admin.IamAsync("SimulatePrincipalPolicy", ("PolicySourceArn", UserArn("sim")), ("ActionNames.member.1", "iam:ListUsers"))).EnsureSuccess();
        Assert.Equal("allowed", noContext.Value("EvalDecision"));
        Assert.Equal("IAMReadOnlyAccess", noContext.Value("SourcePolicyId"));
        Assert.Equal(new[] { "aws:MultiFactorAuthPresent" }, noContext.Values("MissingContextValues").Select(v => v.Trim()).ToArray());

        AssertError(await Admin.IamAsync("SimulatePrincipalPolicy", ("PolicySourceArn", UserArn("ghost")), ("ActionNames.member.1", "iam:ListUsers")), 404, "NoSuchEntity");
        var custom = (await Admin.IamAsync("SimulateCustomPolicy", ("PolicyInputList.member.1", Doc("{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}")),
            ("ActionNames.member.1", "s3:GetObject"), ("ResourceArns.member.1", "arn:aws:s3:::b/k"))).EnsureSuccess();
        Assert.Equal("allowed", custom.Value("EvalDecision"));
        Assert.Equal("arn:aws:s3:::b/k", custom.Value("EvalResourceName"));
        Assert.Equal("PolicyInputList.1", custom.Value("SourcePolicyId"));
    }
}
