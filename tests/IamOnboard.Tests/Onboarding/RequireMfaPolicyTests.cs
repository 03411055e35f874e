using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using IamOnboard.Onboarding;
using IamOnboard.Rules;
using Xunit;

namespace IamOnboard.Tests.Onboarding;

/// <summary>
/// IamOnboard-RequireMfa is made once per account, so a better document only reaches accounts that already have the
/// policy if the module brings the policy up to date: a new default version, within IAM's five.
/// </summary>
public sealed class RequireMfaPolicyTests : LocalSessionTestBase
{
    // The document module versions before user/*/${aws:username} put in every account (users on a path were locked out).
    private const string WithoutPathUsers = """
        {"Version":"2012-10-17","Statement":[{"Sid":"SeeAccountPasswordRulesAndDevices","Effect":"Allow","Action":["iam:GetAccountPasswordPolicy","iam:ListVirtualMFADevices"],"Resource":"*"},{"Sid":"ManageOwnPassword","Effect":"Allow","Action":["iam:ChangePassword","iam:GetUser","iam:GetLoginProfile"],"Resource":"arn:aws:iam::*:user/${aws:username}"},{"Sid":"SetUpOwnMfaDevice","Effect":"Allow","Action":["iam:CreateVirtualMFADevice","iam:EnableMFADevice","iam:ListMFADevices","iam:ResyncMFADevice"],"Resource":["arn:aws:iam::*:user/${aws:username}","arn:aws:iam::*:mfa/*"]},{"Sid":"DenyEverythingElseWithoutMfa","Effect":"Deny","NotAction":["iam:ChangePassword","iam:GetAccountPasswordPolicy","iam:GetUser","iam:GetLoginProfile","iam:CreateVirtualMFADevice","iam:EnableMFADevice","iam:ListMFADevices","iam:ListVirtualMFADevices","iam:ResyncMFADevice","sts:GetSessionToken"],"Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}]}
        """;

    private string Arn => RequireMfaPolicy.ArnFor(Session);

    private async Task<string> DefaultDocumentAsync()
    {
        var policy = await Session.Iam.GetPolicyAsync(Arn);
        return (await Session.Iam.GetPolicyVersionAsync(Arn, policy.DefaultVersionId)).Document!;
    }

    [Fact]
    public void The_document_names_users_on_a_path_wherever_it_names_the_user_itself()
    {
        string document = RequireMfaPolicy.Document("aws");
        Assert.True(PolicyDocumentValidator.Validate(document, PolicyDocumentKind.Identity).IsValid);
        Assert.Equal(2, document.Split("\"arn:aws:iam::*:user/${aws:username}\"").Length - 1);
        Assert.Equal(2, document.Split("\"arn:aws:iam::*:user/*/${aws:username}\"").Length - 1);
    }

    [Fact]
    public async Task An_account_with_the_old_document_gets_a_new_default_version_once()
    {
        await Session.Iam.CreatePolicyAsync(RequireMfaPolicy.PolicyName, WithoutPathUsers, description: RequireMfaPolicy.Description);

        var planned = await RequireMfaPolicy.EnsureAsync(Session, apply: false, CancellationToken.None);
        Assert.Equal((Arn, false, true), planned);
        Assert.True(PolicyJson.Same(WithoutPathUsers, await DefaultDocumentAsync()));

        var applied = await RequireMfaPolicy.EnsureAsync(Session, apply: true, CancellationToken.None);
        Assert.Equal((Arn, false, true), applied);
        Assert.True(PolicyJson.Same(RequireMfaPolicy.Document("aws"), await DefaultDocumentAsync()));
        Assert.Equal(new[] { "v2", "v1" }, (await Session.Iam.ListPolicyVersionsAsync(Arn)).Select(v => v.VersionId));

        Assert.Equal((Arn, false, false), await RequireMfaPolicy.EnsureAsync(Session, apply: true, CancellationToken.None));
        Assert.Equal(2, (await Session.Iam.ListPolicyVersionsAsync(Arn)).Count);
    }

    [Fact]
    public async Task With_five_versions_the_oldest_that_is_not_the_default_makes_room()
    {
        await Session.Iam.CreatePolicyAsync(RequireMfaPolicy.PolicyName, WithoutPathUsers);
        for (int i = 2; i <= 5; i++)
        {
            await Session.Iam.CreatePolicyVersionAsync(Arn, WithoutPathUsers.Replace("SeeAccountPasswordRulesAndDevices", "Draft" + i), setAsDefault: false);
        }

        await RequireMfaPolicy.EnsureAsync(Session, apply: true, CancellationToken.None);

        var versions = await Session.Iam.ListPolicyVersionsAsync(Arn);
        Assert.Equal(new[] { "v6", "v5", "v4", "v3", "v1" }, versions.Select(v => v.VersionId));
        Assert.Equal("v6", Assert.Single(versions, v => v.IsDefaultVersion).VersionId);
        Assert.True(PolicyJson.Same(RequireMfaPolicy.Document("aws"), await DefaultDocumentAsync()));
    }
}
