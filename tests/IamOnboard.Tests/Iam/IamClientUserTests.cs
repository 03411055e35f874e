using System;
using System.Linq;
using System.Threading.Tasks;
using IamOnboard.Iam;
using Xunit;

namespace IamOnboard.Tests.Iam;

public sealed class IamClientUserTests : IClassFixture<LocalIamFixture>
{
    private readonly LocalIamFixture _fixture;

    public IamClientUserTests(LocalIamFixture fixture) => _fixture = fixture;

    [Fact]
    public async Task CreateGetListTagAndDeleteUser()
    {
        using var iam = _fixture.CreateClient();
        var name = Names.Unique("alice");
        var created = await iam.CreateUserAsync(name, "/staff/", new[] { new IamTag("Department", "Finance") });
        Assert.Equal(name, created.UserName);
        Assert.Equal("/staff/", created.Path);
        Assert.Equal($"arn:aws:iam::{_fixture.Server.AccountId}:user/staff/{name}", created.Arn);
        Assert.Equal(DateTimeKind.Utc, created.CreateDate!.Value.Kind);
        Assert.True((DateTime.UtcNow - created.CreateDate!.Value).Duration() < TimeSpan.FromMinutes(5));

        var fetched = await iam.GetUserAsync(name.ToUpperInvariant());
        Assert.Equal(created.UserId, fetched.UserId);
        Assert.Contains(fetched.Tags, t => t.Key == "Department" && t.Value == "Finance");

        Assert.Contains(await iam.ListUsersAsync("/staff/"), u => u.UserName == name);

        await iam.TagUserAsync(name, new[] { new IamTag("Team", "Payroll"), new IamTag("Empty", string.Empty) });
        var tags = await iam.ListUserTagsAsync(name);
        Assert.Equal(new[] { "Department", "Empty", "Team" }, tags.Select(t => t.Key).OrderBy(k => k, StringComparer.Ordinal));
        await iam.UntagUserAsync(name, new[] { "Team", "Empty" });
        Assert.Equal(new[] { "Department" }, (await iam.ListUserTagsAsync(name)).Select(t => t.Key));

        await iam.DeleteUserAsync(name);
        await Assert.ThrowsAsync<IamNoSuchEntityException>(() => iam.GetUserAsync(name + "-never"));
        Assert.DoesNotContain(await iam.ListUsersAsync(), u => u.UserName == name);
    }

    [Fact]
    public async Task GetUserWithoutNameIsTheCaller()
    {
        using var iam = _fixture.CreateClient();
        var me = await iam.GetUserAsync();
        Assert.Equal("onboard-admin", me.UserName);
    }
}
