using System;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Threading.Tasks;
using Amazon.SecurityToken.Model;
using Xunit;

namespace IamOnboard.Tests.LocalIam;

public sealed class AuthenticationTests : LocalIamTestBase
{
    [Fact]
    public async Task Unsigned_requests_are_MissingAuthenticationToken()
    {
        using var http = new HttpClient();
        using var content = new StringContent("Action=ListUsers&Version=2010-05-08", Encoding.UTF8, "application/x-www-form-urlencoded");
        using var response = await http.PostAsync(Server.Url, content);
        var answer = new QueryResponse(response.StatusCode, await response.Content.ReadAsStringAsync());
        AssertError(answer, 403, "MissingAuthenticationToken");
        Assert.Equal("Sender", answer.ErrorType);
        Assert.True(response.Headers.Contains("x-amzn-RequestId"));
    }

    [Fact]
    public async Task Unknown_keys_and_wrong_secrets_are_refused_and_counted()
    {
        var unknown = new SignedIamClient(Server.Url, "AKIAAAAAAAAAAAAAAAAA", Server.AdminSecretAccessKey);
        AssertError(await unknown.IamAsync("ListUsers"), 403, "InvalidClientTokenId");
        var wrongSecret = new SignedIamClient(Server.Url, Server.AdminAccessKeyId, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
        var refused = await wrongSecret.IamAsync("ListUsers");
        AssertError(refused, 403, "SignatureDoesNotMatch");
        Assert.DoesNotContain(Server.AdminSecretAccessKey, refused.Body);
        Assert.Equal(2, Server.GetStatistics().AuthenticationFailures);
    }

    [Fact]
    public async Task A_tampered_body_breaks_the_signature()
    {
        using var message = Admin.Sign("iam", Encoding.UTF8.GetBytes("Action=ListUsers&Version=2010-05-08"));
        message.Content = new ByteArrayContent(Encoding.UTF8.GetBytes("Action=DeleteUser&Version=2010-05-08"));
        message.Content.Headers.TryAddWithoutValidation("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
        using var http = new HttpClient();
        using var response = await http.SendAsync(message);
        AssertError(new QueryResponse(response.StatusCode, await response.Content.ReadAsStringAsync()), 403, "SignatureDoesNotMatch");
    }

    [Fact]
    public async Task Root_and_users_are_identified_by_GetCallerIdentity_through_the_SDK_client()
    {
        using var rootSts = SignedIamClient.Root(Server).StsClient();
        var root = await rootSts.GetCallerIdentityAsync(new GetCallerIdentityRequest());
        Assert.Equal($"arn:aws:iam::{Server.AccountId}:root", root.Arn);
        Assert.Equal(Server.AccountId, root.UserId);
        Assert.Equal(Server.AccountId, root.Account);

        using var adminSts = Admin.StsClient();
        var admin = await adminSts.GetCallerIdentityAsync(new GetCallerIdentityRequest());
        Assert.Equal($"arn:aws:iam::{Server.AccountId}:user/onboard-admin", admin.Arn);
        Assert.StartsWith("AIDA", admin.UserId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Credential_time_moved_ahead_expires_the_credentials_issued_before_and_issues_new_ones_from_the_moved_time()
    {
        string roleArn = $"arn:aws:iam::{Server.AccountId}:role/OrganizationAccountAccessRole";
        var first = (await Admin.StsAsync("AssumeRole", ("RoleArn", roleArn), ("RoleSessionName", "first"))).EnsureSuccess();
        var firstSession = new SignedIamClient(Server.Url, first.Value("AccessKeyId")!, first.Value("SecretAccessKey")!, first.Value("SessionToken"));
        (await firstSession.StsAsync("GetCallerIdentity")).EnsureSuccess();

        Server.MoveCredentialTimeAhead(TimeSpan.FromHours(1));

        Assert.Equal(TimeSpan.FromHours(1), Server.CredentialTimeAhead);
        AssertError(await firstSession.StsAsync("GetCallerIdentity"), 403, "ExpiredToken");
        var second = (await Admin.StsAsync("AssumeRole", ("RoleArn", roleArn), ("RoleSessionName", "second"))).EnsureSuccess();
        Assert.InRange(DateTime.Parse(second.Value("Expiration")!, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal),
            DateTime.UtcNow.AddHours(2).AddMinutes(-2), DateTime.UtcNow.AddHours(2).AddMinutes(1));
        (await new SignedIamClient(Server.Url, second.Value("AccessKeyId")!, second.Value("SecretAccessKey")!, second.Value("SessionToken")).StsAsync("GetCallerIdentity")).EnsureSuccess();
        Assert.Throws<ArgumentOutOfRangeException>(() => Server.MoveCredentialTimeAhead(TimeSpan.FromMinutes(-1)));
    }

    [Fact]
    public async Task AssumeRole_issues_session_credentials_that_identify_as_the_assumed_role()
    {
        using var sts = Admin.StsClient();
        string roleArn = $"arn:aws:iam::{Server.AccountId}:role/OrganizationAccountAccessRole";
        var assumed = await sts.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = roleArn, RoleSessionName = "onboarding", DurationSeconds = 900 });

        Assert.Matches("^ASIA[A-Z0-9]{16}$", assumed.Credentials.AccessKeyId);
        Assert.Equal($"arn:aws:sts::{Server.AccountId}:assumed-role/OrganizationAccountAccessRole/onboarding", assumed.AssumedRoleUser.Arn);
        Assert.InRange(assumed.Credentials.Expiration!.Value, DateTime.UtcNow.AddSeconds(800), DateTime.UtcNow.AddSeconds(960));

        var session = new SignedIamClient(Server.Url, assumed.Credentials.AccessKeyId, assumed.Credentials.SecretAccessKey, assumed.Credentials.SessionToken);
        var identity = (await session.StsAsync("GetCallerIdentity")).EnsureSuccess();
        Assert.Matches("^AROA[A-Z0-9]{17}:onboarding$", identity.Value("UserId"));
        Assert.Equal(assumed.AssumedRoleUser.Arn, identity.Value("Arn"));
        // The role has AdministratorAccess, so its session may call IAM.
        (await session.IamAsync("CreateUser", ("UserName", "made-by-role"))).EnsureSuccess();

        var withoutToken = new SignedIamClient(Server.Url, assumed.Credentials.AccessKeyId, assumed.Credentials.SecretAccessKey);
        AssertError(await withoutToken.StsAsync("GetCallerIdentity"), 403, "InvalidClientTokenId");

        AssertError(await Admin.StsAsync("AssumeRole", ("RoleArn", $"arn:aws:iam::{Server.AccountId}:role/Missing"), ("RoleSessionName", "x1")), 403, "AccessDenied");
        AssertError(await Admin.StsAsync("AssumeRole", ("RoleArn", roleArn), ("RoleSessionName", "bad name")), 400, "ValidationError");
        AssertError(await Admin.StsAsync("AssumeRole", ("RoleArn", roleArn), ("RoleSessionName", "ok"), ("DurationSeconds", "60")), 400, "ValidationError");
    }

    [Fact]
    public async Task AssumeRole_refuses_root_with_its_keys_or_a_session_of_them_as_STS_does()
    {
        // The role trusts the account (its root principal); STS still refuses root itself, in these words.
        string roleArn = $"arn:aws:iam::{Server.AccountId}:role/OrganizationAccountAccessRole";
        var root = SignedIamClient.Root(Server);
        var refused = await root.StsAsync("AssumeRole", ("RoleArn", roleArn), ("RoleSessionName", "as-root"));
        AssertError(refused, 403, "AccessDenied");
        Assert.Equal("Roles may not be assumed by root accounts.", refused.ErrorMessage);

        var token = (await root.StsAsync("GetSessionToken")).EnsureSuccess();
        var rootSession = new SignedIamClient(Server.Url, token.Value("AccessKeyId")!, token.Value("SecretAccessKey")!, token.Value("SessionToken"));
        var refusedToSession = await rootSession.StsAsync("AssumeRole", ("RoleArn", roleArn), ("RoleSessionName", "as-root"));
        AssertError(refusedToSession, 403, "AccessDenied");
        Assert.Equal("Roles may not be assumed by root accounts.", refusedToSession.ErrorMessage);
        (await Admin.StsAsync("AssumeRole", ("RoleArn", roleArn), ("RoleSessionName", "as-admin"))).EnsureSuccess();
    }

    [Fact]
    public async Task AssumeRole_lets_in_only_whom_the_trust_policy_names_with_its_conditions_and_sts_ExternalId_as_STS_does()
    {
        // The trust policy decides who may assume a role, not only the caller's own policies: an administrator whom it does
        // not name is refused; a user it names needs no policy of their own; an account-wide Allow needs one; a Deny wins.
        var named = await UserClientAsync("named-partner");
        var admin = await UserClientAsync("other-admin", "arn:aws:iam::aws:policy/AdministratorAccess");
        string namedArn = $"arn:aws:iam::{Server.AccountId}:user/named-partner";
        string Trust(string statements) => "{\"Version\":\"2012-10-17\",\"Statement\":[" + statements + "]}";
        async Task<string> RoleAsync(string name, string trust)
        {
            (await Admin.IamAsync("CreateRole", ("RoleName", name), ("AssumeRolePolicyDocument", trust))).EnsureSuccess();
            return $"arn:aws:iam::{Server.AccountId}:role/{name}";
        }

        var partnerRole = await RoleAsync("partner-only", Trust(
            "{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" + namedArn + "\"},\"Action\":\"sts:AssumeRole\",\"Condition\":{\"StringEquals\":{\"sts:ExternalId\":\"partner-7:x/y\"}}}"));
        var notAdmin = await admin.StsAsync("AssumeRole", ("RoleArn", partnerRole), ("RoleSessionName", "admin"), ("ExternalId", "partner-7:x/y"));
        AssertError(notAdmin, 403, "AccessDenied");
        Assert.Equal("User: arn:aws:iam::" + Server.AccountId + ":user/other-admin is not authorized to perform: sts:AssumeRole on resource: " + partnerRole, notAdmin.ErrorMessage);
        AssertError(await named.StsAsync("AssumeRole", ("RoleArn", partnerRole), ("RoleSessionName", "partner")), 403, "AccessDenied");
        AssertError(await named.StsAsync("AssumeRole", ("RoleArn", partnerRole), ("RoleSessionName", "partner"), ("ExternalId", "partner-8")), 403, "AccessDenied");
        (await named.StsAsync("AssumeRole", ("RoleArn", partnerRole), ("RoleSessionName", "partner"), ("ExternalId", "partner-7:x/y"))).EnsureSuccess();

        // An external id is checked as STS's model says: 2 to 1224 of [\w+=,.@:/-].
        var shortId = await named.StsAsync("AssumeRole", ("RoleArn", partnerRole), ("RoleSessionName", "partner"), ("ExternalId", "p"));
        AssertError(shortId, 400, "ValidationError");
        Assert.Contains("at 'externalId' failed to satisfy constraint: Member must have length greater than or equal to 2", shortId.ErrorMessage);
        AssertError(await named.StsAsync("AssumeRole", ("RoleArn", partnerRole), ("RoleSessionName", "partner"), ("ExternalId", "has space")), 400, "ValidationError");

        var accountRole = await RoleAsync("account-wide", Trust("{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" + Server.AccountId + "\"},\"Action\":\"sts:AssumeRole\"}"));
        AssertError(await named.StsAsync("AssumeRole", ("RoleArn", accountRole), ("RoleSessionName", "partner")), 403, "AccessDenied");
        (await admin.StsAsync("AssumeRole", ("RoleArn", accountRole), ("RoleSessionName", "admin"))).EnsureSuccess();

        var serviceRole = await RoleAsync("for-ec2", Trust("{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"ec2.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}"));
        AssertError(await admin.StsAsync("AssumeRole", ("RoleArn", serviceRole), ("RoleSessionName", "admin")), 403, "AccessDenied");

        var deniedRole = await RoleAsync("deny-wins", Trust(
            "{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"sts:AssumeRole\"},{\"Effect\":\"Deny\",\"Principal\":{\"AWS\":\"" + namedArn + "\"},\"Action\":\"sts:AssumeRole\"}"));
        AssertError(await named.StsAsync("AssumeRole", ("RoleArn", deniedRole), ("RoleSessionName", "partner")), 403, "AccessDenied");
        (await admin.StsAsync("AssumeRole", ("RoleArn", deniedRole), ("RoleSessionName", "admin"))).EnsureSuccess();
    }

    [Fact]
    public async Task AssumeRole_keeps_to_the_roles_MaxSessionDuration_and_to_one_hour_for_a_role_assumed_with_role_credentials_as_STS_does()
    {
        string roleArn = $"arn:aws:iam::{Server.AccountId}:role/OrganizationAccountAccessRole";
        // The account's role allows an hour (MaxSessionDuration 3600): two hours are refused, with STS's words.
        var tooLong = await Admin.StsAsync("AssumeRole", ("RoleArn", roleArn), ("RoleSessionName", "two-hours"), ("DurationSeconds", "7200"));
        AssertError(tooLong, 400, "ValidationError");
        Assert.Equal("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.", tooLong.ErrorMessage);

        // A role that allows twelve hours gives them to a user's keys, but a role session assuming it (role chaining) gets one hour at most.
        string trust = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::" + Server.AccountId + ":root\"},\"Action\":\"sts:AssumeRole\"}]}";
        (await Admin.IamAsync("CreateRole", ("RoleName", "long-sessions"), ("AssumeRolePolicyDocument", trust), ("MaxSessionDuration", "43200"))).EnsureSuccess();
        string longRoleArn = $"arn:aws:iam::{Server.AccountId}:role/long-sessions";
        (await Admin.StsAsync("AssumeRole", ("RoleArn", longRoleArn), ("RoleSessionName", "twelve-hours"), ("DurationSeconds", "43200"))).EnsureSuccess();

        var hop = (await Admin.StsAsync("AssumeRole", ("RoleArn", roleArn), ("RoleSessionName", "hop"))).EnsureSuccess();
        var hopSession = new SignedIamClient(Server.Url, hop.Value("AccessKeyId")!, hop.Value("SecretAccessKey")!, hop.Value("SessionToken"));
        var chainedTooLong = await hopSession.StsAsync("AssumeRole", ("RoleArn", longRoleArn), ("RoleSessionName", "chained"), ("DurationSeconds", "3601"));
        AssertError(chainedTooLong, 400, "ValidationError");
        Assert.Equal("The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.", chainedTooLong.ErrorMessage);
        (await hopSession.StsAsync("AssumeRole", ("RoleArn", longRoleArn), ("RoleSessionName", "chained"), ("DurationSeconds", "3600"))).EnsureSuccess();
    }

    [Fact]
    public async Task Read_only_principals_may_read_and_others_are_denied()
    {
        var reader = await UserClientAsync("reader", "arn:aws:iam::aws:policy/IAMReadOnlyAccess");
        (await reader.IamAsync("ListUsers")).EnsureSuccess();
        AssertError(await reader.IamAsync("CreateUser", ("UserName", "x")), 403, "AccessDenied");

        var nobody = await UserClientAsync("nobody");
        var denied = await nobody.IamAsync("ListUsers");
        AssertError(denied, 403, "AccessDenied");
        Assert.Contains("user/nobody", denied.ErrorMessage);
        (await nobody.StsAsync("GetCallerIdentity")).EnsureSuccess();

        // Permissions through a group count too.
        (await Admin.IamAsync("CreateGroup", ("GroupName", "iam-admins"))).EnsureSuccess();
        (await Admin.IamAsync("AttachGroupPolicy", ("GroupName", "iam-admins"), ("PolicyArn", "arn:aws:iam::aws:policy/IAMFullAccess"))).EnsureSuccess();
        (await Admin.IamAsync("AddUserToGroup", ("GroupName", "iam-admins"), ("UserName", "nobody"))).EnsureSuccess();
        (await nobody.IamAsync("CreateUser", ("UserName", "created-by-group-member"))).EnsureSuccess();
    }

    [Fact]
    public async Task Unknown_and_missing_actions_are_refused()
    {
        AssertError(await Admin.IamAsync("MakeCoffee"), 400, "InvalidAction");
        AssertError(await Admin.StsAsync("ListUsers"), 400, "InvalidAction");
        Assert.Equal(HttpStatusCode.BadRequest, (await Admin.SendAsync("iam", "2010-05-08", "", Array.Empty<(string, string)>())).Status);
    }
}
