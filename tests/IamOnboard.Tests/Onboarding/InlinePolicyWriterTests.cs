using System.Threading;
using System.Threading.Tasks;
using IamOnboard.Onboarding;
using IamOnboard.Tests.Iam;
using Xunit;

namespace IamOnboard.Tests.Onboarding;

/// <summary>When putting an inline policy again is a change: the JSON differs, not merely its layout.</summary>
public sealed class InlinePolicyWriterTests : LocalSessionTestBase
{
    private const string DataScience = """
        {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::reports/*",
         "Condition":{"StringEquals":{"aws:PrincipalTag/team":"Data Science"}}}]}
        """;

    [Fact]
    public async Task White_space_inside_a_value_is_a_change_and_is_sent()
    {
        string user = Names.Unique("ana");
        await Session.Iam.CreateUserAsync(user, cancellationToken: CancellationToken.None);
        var writer = new InlinePolicyWriter(Session);
        Assert.Equal("Created", (await writer.PutAsync(InlinePolicyOwnerKind.User, user, "Reports", DataScience, apply: true, CancellationToken.None)).Status);

        string joined = DataScience.Replace("Data Science", "DataScience");
        Assert.Equal("Updated", (await writer.PutAsync(InlinePolicyOwnerKind.User, user, "Reports", joined, apply: true, CancellationToken.None)).Status);
        Assert.Contains("\"DataScience\"", (await Session.Iam.GetUserPolicyAsync(user, "Reports", CancellationToken.None)).Document);
    }

    [Fact]
    public async Task Only_the_layout_changed_is_Unchanged()
    {
        string user = Names.Unique("ben");
        await Session.Iam.CreateUserAsync(user, cancellationToken: CancellationToken.None);
        var writer = new InlinePolicyWriter(Session);
        await writer.PutAsync(InlinePolicyOwnerKind.User, user, "Reports", DataScience, apply: true, CancellationToken.None);

        string relaidOut = DataScience.Replace(",", ",\n    ").Replace("{", "{ ").Replace("Data Science", "Data\\u0020Science");
        Assert.Equal("Unchanged", (await writer.PutAsync(InlinePolicyOwnerKind.User, user, "Reports", relaidOut, apply: true, CancellationToken.None)).Status);
    }
}
