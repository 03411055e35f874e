using System;
using System.Linq;
using System.Threading.Tasks;
using Xunit;

namespace IamOnboard.Tests.LocalIam;

public sealed class GroupAndPolicyTests : LocalIamTestBase
{
    [Fact]
    public async Task Groups_hold_members_and_membership_follows_IAM()
    {
        await CreateUserAsync("alice");
        var group = (await Admin.IamAsync("CreateGroup", ("GroupName", "Developers"))).EnsureSuccess();
        Assert.Matches("^AGPA[A-Z0-9]{17}$", group.Value("GroupId"));
        AssertError(await Admin.IamAsync("CreateGroup", ("GroupName", "developers")), 409, "EntityAlreadyExists");

        (await Admin.IamAsync("AddUserToGroup", ("GroupName", "Developers"), ("UserName", "alice"))).EnsureSuccess();
        // Adding an existing member succeeds, as in IAM.
        (await Admin.IamAsync("AddUserToGroup", ("GroupName", "Developers"), ("UserName", "alice"))).EnsureSuccess();
        Assert.Equal(new[] { "alice" }, (await Admin.IamAsync("GetGroup", ("GroupName", "Developers"))).Values("UserName"));
        Assert.Equal(new[] { "Developers" }, (await Admin.IamAsync("ListGroupsForUser", ("UserName", "alice"))).Values("GroupName"));

        AssertError(await Admin.IamAsync("DeleteGroup", ("GroupName", "Developers")), 409, "DeleteConflict");
        (await Admin.IamAsync("RemoveUserFromGroup", ("GroupName", "Developers"), ("UserName", "alice"))).EnsureSuccess();
        AssertError(await Admin.IamAsync("RemoveUserFromGroup", ("GroupName", "Developers"), ("UserName", "alice")), 404, "NoSuchEntity");
        (await Admin.IamAsync("DeleteGroup", ("GroupName", "Developers"))).EnsureSuccess();
        AssertError(await Admin.IamAsync("AddUserToGroup", ("GroupName", "Developers"), ("UserName", "alice")), 404, "NoSuchEntity");
    }

    [Fact]
    public async Task A_user_joins_at_most_ten_groups()
    {
        await CreateUserAsync("bob");
        for (int i = 1; i <= 11; i++)
        {
            (await Admin.IamAsync("CreateGroup", ("GroupName", "g" + i))).EnsureSuccess();
        }

        for (int i = 1; i <= 10; i++)
        {
            (await Admin.IamAsync("AddUserToGroup", ("GroupName", "g" + i), ("UserName", "bob"))).EnsureSuccess();
        }

        AssertError(await Admin.IamAsync("AddUserToGroup", ("GroupName", "g11"), ("UserName", "bob")), 409, "LimitExceeded");
    }

    [Fact]
    public async Task Groups_cannot_be_tagged()
    {
        (await Admin.IamAsync("CreateGroup", ("GroupName", "ops"))).EnsureSuccess();
        AssertError(await Admin.IamAsync("TagGroup", ("GroupName", "ops"), ("Tags.member.1.Key", "a"), ("Tags.member.1.Value", "b")), 400, "InvalidAction");
    }

    [Fact]
    public async Task Managed_policy_attachments_need_existing_policies_are_idempotent_limited_and_counted()
    {
        await CreateUserAsync("carol");
        AssertError(await Admin.IamAsync("AttachUserPolicy", ("UserName", "carol"), ("PolicyArn", "arn:aws:iam::aws:policy/NoSuchPolicyAtAll")), 404, "NoSuchEntity");

        const string readOnly = "arn:aws:iam::aws:policy/ReadOnlyAccess";
        (await Admin.IamAsync("AttachUserPolicy", ("UserName", "carol"), ("PolicyArn", readOnly))).EnsureSuccess();
        (await Admin.IamAsync("AttachUserPolicy", ("UserName", "carol"), ("PolicyArn", readOnly))).EnsureSuccess();
        Assert.Equal(new[] { readOnly }, (await Admin.IamAsync("ListAttachedUserPolicies", ("UserName", "carol"))).Values("PolicyArn"));
        Assert.Equal("1", (await Admin.IamAsync("GetPolicy", ("PolicyArn", readOnly))).Value("AttachmentCount"));

        string[] others =
        {
            "PowerUserAccess", "IAMUserChangePassword", "IAMReadOnlyAccess", "SecurityAudit", "AmazonS3ReadOnlyAccess",
            "AmazonEC2ReadOnlyAccess", "AmazonS3FullAccess", "AmazonEC2FullAccess", "job-function/ViewOnlyAccess", "job-function/Billing",
        };
        foreach (string name in others.Take(9))
        {
            (await Admin.IamAsync("AttachUserPolicy", ("UserName", "carol"), ("PolicyArn", "arn:aws:iam::aws:policy/" + name))).EnsureSuccess();
        }

        AssertError(await Admin.IamAsync("AttachUserPolicy", ("UserName", "carol"), ("PolicyArn", "arn:aws:iam::aws:policy/" + others[9])), 409, "LimitExceeded");
        (await Admin.IamAsync("DetachUserPolicy", ("UserName", "carol"), ("PolicyArn", readOnly))).EnsureSuccess();
        Assert.Equal("0", (await Admin.IamAsync("GetPolicy", ("PolicyArn", readOnly))).Value("AttachmentCount"));
        AssertError(await Admin.IamAsync("DetachUserPolicy", ("UserName", "carol"), ("PolicyArn", readOnly)), 404, "NoSuchEntity");
    }

    [Fact]
    public async Task Group_policies_attach_and_list()
    {
        (await Admin.IamAsync("CreateGroup", ("GroupName", "auditors"))).EnsureSuccess();
        (await Admin.IamAsync("AttachGroupPolicy", ("GroupName", "auditors"), ("PolicyArn", "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"))).EnsureSuccess();
        var attached = (await Admin.IamAsync("ListAttachedGroupPolicies", ("GroupName", "auditors"))).EnsureSuccess();
        Assert.Equal(new[] { "ViewOnlyAccess" }, attached.Values("PolicyName"));
        (await Admin.IamAsync("PutGroupPolicy", ("GroupName", "auditors"), ("PolicyName", "inline"), ("PolicyDocument", AllowS3))).EnsureSuccess();
        Assert.Equal(new[] { "inline" }, (await Admin.IamAsync("ListGroupPolicies", ("GroupName", "auditors"))).Values("member"));
        AssertError(await Admin.IamAsync("DeleteGroup", ("GroupName", "auditors")), 409, "DeleteConflict");
    }

    [Fact]
    public async Task A_policy_with_an_unknown_condition_operator_is_refused_as_IAM_does()
    {
        await CreateUserAsync("erin");
        (await Admin.IamAsync("CreateGroup", ("GroupName", "typos"))).EnsureSuccess();
        const string misspelt = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"*\",\"Resource\":\"*\",\"Condition\":{\"StringEqualz\":{\"aws:username\":\"erin\"}}}]}";

        var user = await Admin.IamAsync("PutUserPolicy", ("UserName", "erin"), ("PolicyName", "p"), ("PolicyDocument", misspelt));
        AssertError(user, 400, "MalformedPolicyDocument");
        Assert.Contains("\"StringEqualz\" is not a condition operator", user.ErrorMessage);
        AssertError(await Admin.IamAsync("PutGroupPolicy", ("GroupName", "typos"), ("PolicyName", "p"), ("PolicyDocument", misspelt.Replace("StringEqualz", "NullIfExists"))), 400, "MalformedPolicyDocument");
        AssertError(await Admin.IamAsync("CreatePolicy", ("PolicyName", "typo"), ("PolicyDocument", misspelt.Replace("StringEqualz", "stringequals"))), 400, "MalformedPolicyDocument");
        Assert.Empty((await Admin.IamAsync("ListUserPolicies", ("UserName", "erin"))).Values("member"));
    }

    [Fact]
    public async Task Customer_managed_policies_keep_up_to_five_versions_as_IAM_does()
    {
        string arn = (await Admin.IamAsync("CreatePolicy", ("PolicyName", "versioned"), ("PolicyDocument", AllowS3))).EnsureSuccess().Value("Arn")!;
        string second = AllowS3.Replace("s3:GetObject", "s3:PutObject");
        var created = (await Admin.IamAsync("CreatePolicyVersion", ("PolicyArn", arn), ("PolicyDocument", second), ("SetAsDefault", "true"))).EnsureSuccess();
        Assert.Equal("v2", created.Value("VersionId"));
        Assert.Equal("v2", (await Admin.IamAsync("GetPolicy", ("PolicyArn", arn))).EnsureSuccess().Value("DefaultVersionId"));
        Assert.Equal(second, Uri.UnescapeDataString((await Admin.IamAsync("GetPolicyVersion", ("PolicyArn", arn), ("VersionId", "v2"))).EnsureSuccess().Value("Document")!));
        Assert.Equal(AllowS3, Uri.UnescapeDataString((await Admin.IamAsync("GetPolicyVersion", ("PolicyArn", arn), ("VersionId", "v1"))).EnsureSuccess().Value("Document")!));

        for (int i = 3; i <= 5; i++)
        {
            (await Admin.IamAsync("CreatePolicyVersion", ("PolicyArn", arn), ("PolicyDocument", AllowS3))).EnsureSuccess();
        }

        AssertError(await Admin.IamAsync("CreatePolicyVersion", ("PolicyArn", arn), ("PolicyDocument", AllowS3)), 409, "LimitExceeded");
        Assert.Equal(new[] { "v5", "v4", "v3", "v2", "v1" }, (await Admin.IamAsync("ListPolicyVersions", ("PolicyArn", arn))).EnsureSuccess().Values("VersionId"));
        AssertError(await Admin.IamAsync("DeletePolicyVersion", ("PolicyArn", arn), ("VersionId", "v2")), 409, "DeleteConflict");
        AssertError(await Admin.IamAsync("DeletePolicy", ("PolicyArn", arn)), 409, "DeleteConflict");
        (await Admin.IamAsync("DeletePolicyVersion", ("PolicyArn", arn), ("VersionId", "v1"))).EnsureSuccess();
        AssertError(await Admin.IamAsync("GetPolicyVersion", ("PolicyArn", arn), ("VersionId", "v1")), 404, "NoSuchEntity");

        // Numbers are never reused; a malformed new version is refused like a malformed policy.
        Assert.Equal("v6", (await Admin.IamAsync("CreatePolicyVersion", ("PolicyArn", arn), ("PolicyDocument", AllowS3))).EnsureSuccess().Value("VersionId"));
        (await Admin.IamAsync("DeletePolicyVersion", ("PolicyArn", arn), ("VersionId", "v6"))).EnsureSuccess();
        AssertError(await Admin.IamAsync("CreatePolicyVersion", ("PolicyArn", arn), ("PolicyDocument", AllowS3.Replace("\"Allow\"", "\"allow\""))), 400, "MalformedPolicyDocument");
        (await Admin.IamAsync("SetDefaultPolicyVersion", ("PolicyArn", arn), ("VersionId", "v3"))).EnsureSuccess();
        Assert.Equal("v3", (await Admin.IamAsync("GetPolicy", ("PolicyArn", arn))).EnsureSuccess().Value("DefaultVersionId"));
        AssertError(await Admin.IamAsync("CreatePolicyVersion", ("PolicyArn", "arn:aws:iam::aws:policy/ReadOnlyAccess"), ("PolicyDocument", AllowS3)), 400, "InvalidInput");
    }

    [Fact]
    public async Task Inline_policies_are_validated_size_limited_and_returned_url_encoded()
    {
        await CreateUserAsync("dave");
        var malformed = await Admin.IamAsync("PutUserPolicy", ("UserName", "dave"), ("PolicyName", "p"),
            ("PolicyDocument", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:*\"}]}"));
        AssertError(malformed, 400, "MalformedPolicyDocument");
        AssertError(await Admin.IamAsync("PutUserPolicy", ("UserName", "dave"), ("PolicyName", "p"), ("PolicyDocument", "not json")), 400, "MalformedPolicyDocument");

        (await Admin.IamAsync("PutUserPolicy", ("UserName", "dave"), ("PolicyName", "p"), ("PolicyDocument", AllowS3))).EnsureSuccess();
        var fetched = (await Admin.IamAsync("GetUserPolicy", ("UserName", "dave"), ("PolicyName", "P"))).EnsureSuccess();
        Assert.Equal(Uri.EscapeDataString(AllowS3), fetched.Value("PolicyDocument"));
        Assert.Equal(AllowS3, Uri.UnescapeDataString(fetched.Value("PolicyDocument")!));

        // 2,048 non-whitespace characters per user, across all inline policies.
        string big = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[" +
            string.Join(",", Enumerable.Range(0, 150).Select(i => $"\"s3:Get{i:D4}\"")) + "],\"Resource\":\"*\"}]}";
        AssertError(await Admin.IamAsync("PutUserPolicy", ("UserName", "dave"), ("PolicyName", "big"), ("PolicyDocument", big)), 409, "LimitExceeded");
        AssertError(await Admin.IamAsync("GetUserPolicy", ("UserName", "dave"), ("PolicyName", "big")), 404, "NoSuchEntity");
        (await Admin.IamAsync("DeleteUserPolicy", ("UserName", "dave"), ("PolicyName", "p"))).EnsureSuccess();
        Assert.Empty((await Admin.IamAsync("ListUserPolicies", ("UserName", "dave"))).Values("member"));

        // Alone it fits: the limit is on the sum.
        (await Admin.IamAsync("PutUserPolicy", ("UserName", "dave"), ("PolicyName", "big"), ("PolicyDocument", big))).EnsureSuccess();
    }

    [Fact]
    public async Task Customer_managed_policies_get_account_ARNs_and_list_by_scope()
    {
        var created = (await Admin.IamAsync("CreatePolicy", ("PolicyName", "ReadReports"), ("Path", "/reports/"), ("PolicyDocument", AllowS3))).EnsureSuccess();
        string arn = $"arn:aws:iam::{Server.AccountId}:policy/reports/ReadReports";
        Assert.Equal(arn, created.Value("Arn"));
        Assert.Matches("^ANPA[A-Z0-9]{17}$", created.Value("PolicyId"));
        AssertError(await Admin.IamAsync("CreatePolicy", ("PolicyName", "readreports"), ("PolicyDocument", AllowS3)), 409, "EntityAlreadyExists");

        Assert.Equal(new[] { "ReadReports" }, (await Admin.IamAsync("ListPolicies", ("Scope", "Local"))).Values("PolicyName"));
        var aws = (await Admin.IamAsync("ListPolicies", ("Scope", "AWS"), ("MaxItems", "1000"))).EnsureSuccess();
        Assert.Contains("arn:aws:iam::aws:policy/job-function/ViewOnlyAccess", aws.Values("Arn"));
        Assert.Contains("arn:aws:iam::aws:policy/AdministratorAccess", aws.Values("Arn"));
        Assert.DoesNotContain(arn, aws.Values("Arn"));
        var jobFunctions = (await Admin.IamAsync("ListPolicies", ("PathPrefix", "/job-function/"))).EnsureSuccess();
        Assert.Equal(7, jobFunctions.Values("PolicyName").Count);
        var attachedOnly = (await Admin.IamAsync("ListPolicies", ("OnlyAttached", "true"))).EnsureSuccess();
        Assert.Equal(new[] { "AdministratorAccess" }, attachedOnly.Values("PolicyName"));

        var version = (await Admin.IamAsync("GetPolicyVersion", ("PolicyArn", arn), ("VersionId", "v1"))).EnsureSuccess();
        Assert.Equal(AllowS3, Uri.UnescapeDataString(version.Value("Document")!));

        (await Admin.IamAsync("CreateGroup", ("GroupName", "readers"))).EnsureSuccess();
        (await Admin.IamAsync("AttachGroupPolicy", ("GroupName", "readers"), ("PolicyArn", arn))).EnsureSuccess();
        AssertError(await Admin.IamAsync("DeletePolicy", ("PolicyArn", arn)), 409, "DeleteConflict");
        (await Admin.IamAsync("DetachGroupPolicy", ("GroupName", "readers"), ("PolicyArn", arn))).EnsureSuccess();
        (await Admin.IamAsync("DeletePolicy", ("PolicyArn", arn))).EnsureSuccess();
        AssertError(await Admin.IamAsync("GetPolicy", ("PolicyArn", arn)), 404, "NoSuchEntity");
    }

    [Fact]
    public async Task Managed_policy_documents_over_6144_characters_are_refused()
    {
        string huge = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[" +
            string.Join(",", Enumerable.Range(0, 400).Select(i => $"\"s3:GetObject{i:D4}\"")) + "],\"Resource\":\"*\"}]}";
        AssertError(await Admin.IamAsync("CreatePolicy", ("PolicyName", "Huge"), ("PolicyDocument", huge)), 409, "LimitExceeded");
    }
}
