using System.Linq;
using System.Threading.Tasks;
using IamOnboard.Iam;
using Xunit;

namespace IamOnboard.Tests.Iam;

public sealed class IamClientSimulationTests : IClassFixture<LocalIamFixture>
{
    private readonly LocalIamFixture _fixture;

    public IamClientSimulationTests(LocalIamFixture fixture) => _fixture = fixture;

    [Fact]
    public async Task SimulatePrincipalPolicy_reads_every_page_with_statements_context_and_boundary()
    {
        using var iam = _fixture.CreateClient(pageSize: 2);
        string name = Names.Unique("sim");
        var user = await iam.CreateUserAsync(name, permissionsBoundary: "arn:aws:iam::aws:policy/IAMReadOnlyAccess");
        await iam.AttachUserPolicyAsync(name, "arn:aws:iam::aws:policy/IAMFullAccess");
        await iam.PutUserPolicyAsync(name, "no-delete-without-mfa",
            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"iam:DeleteUser\",\"Resource\":\"*\",\"Condition\":{\"Bool\":{\"aws:MultiFactorAuthPresent\":\"false\"}}}]}");

        var results = await iam.SimulatePrincipalPolicyAsync(user.Arn, new[] { "iam:ListUsers", "iam:CreateUser", "iam:DeleteUser" }, null,
            new[] { new IamContextEntry("aws:MultiFactorAuthPresent", "boolean", new[] { "false" }) });

        Assert.Equal(new[] { "iam:ListUsers", "iam:CreateUser", "iam:DeleteUser" }, results.Select(r => r.ActionName));
        Assert.Equal(new[] { "allowed", "implicitDeny", "explicitDeny" }, results.Select(r => r.Decision));
        Assert.Equal(new bool?[] { true, false, false }, results.Select(r => r.AllowedByPermissionsBoundary));
        var deny = Assert.Single(results[2].MatchedStatements);
        Assert.Equal(("no-delete-without-mfa", "user", 1), (deny.SourcePolicyId, deny.SourcePolicyType, deny.StartLine));
        Assert.Equal("IAMFullAccess", results[0].MatchedStatements[0].SourcePolicyId);
        Assert.Empty(results[0].MissingContextValues);
        Assert.True(results[0].IsAllowed);
    }
}
