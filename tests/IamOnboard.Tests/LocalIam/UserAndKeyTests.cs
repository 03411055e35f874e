using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Xunit;

namespace IamOnboard.Tests.LocalIam;

public sealed class UserAndKeyTests : LocalIamTestBase
{
    [Fact]
    public async Task CreateUser_returns_an_IAM_shaped_user_and_names_collide_without_regard_to_case()
    {
        var created = (await Admin.IamAsync("CreateUser", ("UserName", "Alice"), ("Path", "/staff/"))).EnsureSuccess();

        Assert.Equal("CreateUserResponse", created.Xml!.Root!.Name.LocalName);
        Assert.Equal("https://iam.amazonaws.com/doc/2010-05-08/", created.Xml.Root.Name.NamespaceName);
        Assert.Matches("^AIDA[A-Z0-9]{17}$", created.Value("UserId"));
        Assert.Equal($"arn:aws:iam::{Server.AccountId}:user/staff/Alice", created.Value("Arn"));
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", created.Value("CreateDate"));
        Assert.NotNull(created.Value("RequestId"));

        AssertError(await Admin.IamAsync("CreateUser", ("UserName", "alice")), 409, "EntityAlreadyExists");
        Assert.Equal("Alice", (await Admin.IamAsync("GetUser", ("UserName", "ALICE"))).EnsureSuccess().Value("UserName"));
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("slash/name")]
    [InlineData("")]
    public async Task Names_breaking_the_pattern_are_ValidationError(string name)
    {
        AssertError(await Admin.IamAsync("CreateUser", ("UserName", name)), 400, "ValidationError");
    }

    [Fact]
    public async Task Too_long_name_bad_path_and_missing_parameter_are_ValidationError()
    {
        AssertError(await Admin.IamAsync("CreateUser", ("UserName", new string('a', 65))), 400, "ValidationError");
        AssertError(await Admin.IamAsync("CreateUser", ("UserName", "bob"), ("Path", "no-slashes")), 400, "ValidationError");
        var missing = await Admin.IamAsync("CreateUser");
        AssertError(missing, 400, "ValidationError");
        Assert.Contains("'userName'", missing.ErrorMessage);
    }

    [Fact]
    public async Task GetUser_without_a_name_describes_the_caller_and_unknown_users_are_NoSuchEntity()
    {
        Assert.Equal("onboard-admin", (await Admin.IamAsync("GetUser")).EnsureSuccess().Value("UserName"));
        AssertError(await Admin.IamAsync("GetUser", ("UserName", "nobody")), 404, "NoSuchEntity");
    }

    [Fact]
    public async Task ListUsers_pages_with_Marker_and_MaxItems_and_filters_by_path()
    {
        foreach (string name in new[] { "u1", "u2", "u3", "u4", "u5" })
        {
            (await Admin.IamAsync("CreateUser", ("UserName", name), ("Path", "/team/"))).EnsureSuccess();
        }

        var seen = new System.Collections.Generic.List<string>();
        string? marker = null;
        int pages = 0;
        do
        {
            var parameters = marker is null
                ? new[] { ("PathPrefix", "/team/"), ("MaxItems", "2") }
                : new[] { ("PathPrefix", "/team/"), ("MaxItems", "2"), ("Marker", marker) };
            var page = (await Admin.IamAsync("ListUsers", parameters)).EnsureSuccess();
            seen.AddRange(page.Values("UserName"));
            marker = page.Value("IsTruncated") == "true" ? page.Value("Marker") : null;
            pages++;
        }
        while (marker is not null);

        Assert.Equal(3, pages);
        Assert.Equal(new[] { "u1", "u2", "u3", "u4", "u5" }, seen);
        AssertError(await Admin.IamAsync("ListUsers", ("MaxItems", "0")), 400, "ValidationError");
    }

    [Fact]
    public async Task DeleteUser_is_refused_while_the_user_has_anything_attached()
    {
        await CreateUserAsync("carol");
        (await Admin.IamAsync("CreateGroup", ("GroupName", "g"))).EnsureSuccess();
        (await Admin.IamAsync("CreateLoginProfile", ("UserName", "carol"), ("Password", "Correct-Horse-9"))).EnsureSuccess();
        var key = (await Admin.IamAsync("CreateAccessKey", ("UserName", "carol"))).EnsureSuccess();
        (await Admin.IamAsync("PutUserPolicy", ("UserName", "carol"), ("PolicyName", "p"), ("PolicyDocument", AllowS3))).EnsureSuccess();
        (await Admin.IamAsync("AttachUserPolicy", ("UserName", "carol"), ("PolicyArn", "arn:aws:iam::aws:policy/ReadOnlyAccess"))).EnsureSuccess();
        (await Admin.IamAsync("AddUserToGroup", ("UserName", "carol"), ("GroupName", "g"))).EnsureSuccess();

        var removals = new (string Action, (string, string)[] Parameters)[]
        {
            ("DeleteLoginProfile", new[] { ("UserName", "carol") }),
            ("DeleteAccessKey", new[] { ("UserName", "carol"), ("AccessKeyId", key.Value("AccessKeyId")!) }),
            ("DeleteUserPolicy", new[] { ("UserName", "carol"), ("PolicyName", "p") }),
            ("DetachUserPolicy", new[] { ("UserName", "carol"), ("PolicyArn", "arn:aws:iam::aws:policy/ReadOnlyAccess") }),
            ("RemoveUserFromGroup", new[] { ("UserName", "carol"), ("GroupName", "g") }),
        };
        foreach (var (action, parameters) in removals)
        {
            AssertError(await Admin.IamAsync("DeleteUser", ("UserName", "carol")), 409, "DeleteConflict");
            (await Admin.IamAsync(action, parameters)).EnsureSuccess();
        }

        (await Admin.IamAsync("DeleteUser", ("UserName", "carol"))).EnsureSuccess();
        AssertError(await Admin.IamAsync("GetUser", ("UserName", "carol")), 404, "NoSuchEntity");
    }

    [Fact]
    public async Task User_tags_are_case_insensitive_and_reserved_prefixes_are_refused()
    {
        (await Admin.IamAsync("CreateUser", new[] { ("UserName", "dave") }.Concat(Tags(("Department", "Eng"))).ToArray())).EnsureSuccess();
        (await Admin.IamAsync("TagUser", new[] { ("UserName", "dave") }.Concat(Tags(("department", "Sales"), ("Team", "A"))).ToArray())).EnsureSuccess();

        var tags = (await Admin.IamAsync("ListUserTags", ("UserName", "dave"))).EnsureSuccess();
        Assert.Equal(new[] { "department", "Team" }, tags.Values("Key"));
        Assert.Equal(new[] { "Sales", "A" }, tags.Values("Value"));

        AssertError(await Admin.IamAsync("TagUser", new[] { ("UserName", "dave") }.Concat(Tags(("aws:owner", "x"))).ToArray()), 400, "InvalidInput");
        (await Admin.IamAsync("UntagUser", ("UserName", "dave"), ("TagKeys.member.1", "TEAM"))).EnsureSuccess();
        Assert.Equal(new[] { "department" }, (await Admin.IamAsync("ListUserTags", ("UserName", "dave"))).Values("Key"));
    }

    [Fact]
    public async Task Access_keys_look_like_AWS_keys_are_limited_to_two_and_sign_as_their_user()
    {
        await CreateUserAsync("erin");
        var first = (await Admin.IamAsync("CreateAccessKey", ("UserName", "erin"))).EnsureSuccess();
        Assert.Matches("^AKIA[A-Z0-9]{16}$", first.Value("AccessKeyId"));
        Assert.Equal(40, first.Value("SecretAccessKey")!.Length);
        (await Admin.IamAsync("CreateAccessKey", ("UserName", "erin"))).EnsureSuccess();
        AssertError(await Admin.IamAsync("CreateAccessKey", ("UserName", "erin")), 409, "LimitExceeded");

        var erin = new SignedIamClient(Server.Url, first.Value("AccessKeyId")!, first.Value("SecretAccessKey")!);
        var identity = (await erin.StsAsync("GetCallerIdentity")).EnsureSuccess();
        Assert.Equal($"arn:aws:iam::{Server.AccountId}:user/erin", identity.Value("Arn"));
        Assert.Equal("https://sts.amazonaws.com/doc/2011-06-15/", identity.Xml!.Root!.Name.NamespaceName);

        var listed = (await Admin.IamAsync("ListAccessKeys", ("UserName", "erin"))).EnsureSuccess();
        Assert.Equal(2, listed.Values("AccessKeyId").Count);
        Assert.DoesNotContain("SecretAccessKey", listed.Body);

        (await Admin.IamAsync("UpdateAccessKey", ("UserName", "erin"), ("AccessKeyId", first.Value("AccessKeyId")!), ("Status", "Inactive"))).EnsureSuccess();
        AssertError(await erin.StsAsync("GetCallerIdentity"), 403, "InvalidClientTokenId");
        AssertError(await Admin.IamAsync("DeleteAccessKey", ("UserName", "erin"), ("AccessKeyId", "AKIAAAAAAAAAAAAAAAAA")), 404, "NoSuchEntity");
    }

    [Fact]
    public async Task Login_profiles_enforce_the_password_policy_without_repeating_the_password()
    {
        await CreateUserAsync("frank");
        const string weak = "weakpass";
        var refused = await Admin.IamAsync("CreateLoginProfile", ("UserName", "frank"), ("Password", weak));
        AssertError(refused, 400, "PasswordPolicyViolation");
        Assert.DoesNotContain(weak, refused.Body);

        AssertError(await Admin.IamAsync("GetAccountPasswordPolicy"), 404, "NoSuchEntity");
        (await Admin.IamAsync("UpdateAccountPasswordPolicy", ("MinimumPasswordLength", "14"), ("RequireSymbols", "true"))).EnsureSuccess();
        var policy = (await Admin.IamAsync("GetAccountPasswordPolicy")).EnsureSuccess();
        Assert.Equal("14", policy.Value("MinimumPasswordLength"));
        AssertError(await Admin.IamAsync("CreateLoginProfile", ("UserName", "frank"), ("Password", "Short-Horse-9")), 400, "PasswordPolicyViolation");

        var created = (await Admin.IamAsync("CreateLoginProfile", ("UserName", "frank"), ("Password", "Correct-Horse-Battery-9"), ("PasswordResetRequired", "true"))).EnsureSuccess();
        Assert.Equal("true", created.Value("PasswordResetRequired"));
        AssertError(await Admin.IamAsync("CreateLoginProfile", ("UserName", "frank"), ("Password", "Correct-Horse-Battery-9")), 409, "EntityAlreadyExists");
        (await Admin.IamAsync("UpdateLoginProfile", ("UserName", "frank"), ("PasswordResetRequired", "false"))).EnsureSuccess();
        Assert.Equal("false", (await Admin.IamAsync("GetLoginProfile", ("UserName", "frank"))).Value("PasswordResetRequired"));
        (await Admin.IamAsync("DeleteAccountPasswordPolicy")).EnsureSuccess();
        AssertError(await Admin.IamAsync("DeleteAccountPasswordPolicy"), 404, "NoSuchEntity");
    }

    [Fact]
    public async Task Account_summary_reports_real_keys_and_counts()
    {
        await CreateUserAsync("gina");
        var summary = (await Admin.IamAsync("GetAccountSummary")).EnsureSuccess();
        var map = summary.Xml!.Descendants().Where(e => e.Name.LocalName == "entry")
            .ToDictionary(e => e.Elements().First(x => x.Name.LocalName == "key").Value, e => e.Elements().First(x => x.Name.LocalName == "value").Value);
        Assert.Equal("2", map["Users"]);
        Assert.Equal("5000", map["UsersQuota"]);
        Assert.Equal("10", map["GroupsPerUserQuota"]);
        Assert.Equal("2", map["AccessKeysPerUserQuota"]);
        foreach (string key in new[] { "Groups", "GroupsQuota", "AttachedPoliciesPerUserQuota", "AttachedPoliciesPerGroupQuota", "MFADevices", "MFADevicesInUse", "Policies", "AccountMFAEnabled" })
        {
            Assert.True(map.ContainsKey(key), key);
        }

        (await Admin.IamAsync("CreateAccountAlias", ("AccountAlias", "example-corp"))).EnsureSuccess();
        Assert.Equal(new[] { "example-corp" }, (await Admin.IamAsync("ListAccountAliases")).Values("member"));
        AssertError(await Admin.IamAsync("CreateAccountAlias", ("AccountAlias", "Bad--Alias")), 400, "ValidationError");
        (await Admin.IamAsync("DeleteAccountAlias", ("AccountAlias", "example-corp"))).EnsureSuccess();
        Assert.Matches(new Regex("^<ListAccountAliasesResponse"), (await Admin.IamAsync("ListAccountAliases")).Body);
    }
}
