using IamOnboard.Input;
using IamOnboard.Onboarding;
using Xunit;

namespace IamOnboard.Tests.Input;

/// <summary>The AWS CLI's file:// and fileb:// habit, given where a policy document is expected.</summary>
public class AwsCliFileArgumentTests
{
    [Theory]
    [InlineData("file:///tmp/p.json", "/tmp/p.json")]
    [InlineData("file://p.json", "p.json")]
    [InlineData("fileb://policies/p.json", "policies/p.json")]
    [InlineData("FILE://C:/policies/p.json", "C:/policies/p.json")]
    [InlineData("  file://~/my policies/p.json ", "~/my policies/p.json")]
    public void The_path_after_the_prefix_is_the_file(string value, string expected) =>
        Assert.Equal(expected, AwsCliFileArgument.PathIn(value, "PolicyDocument"));

    [Theory]
    [InlineData("{\"Version\":\"2012-10-17\",\"Statement\":[]}")]
    [InlineData("./p.json")]
    [InlineData("https://example.com/p.json")]
    public void Anything_else_is_not_a_file_argument(string value) =>
        Assert.Null(AwsCliFileArgument.PathIn(value, "PolicyDocument"));

    [Fact]
    public void A_prefix_with_no_path_is_refused_naming_the_parameter()
    {
        var refused = Assert.Throws<OnboardInputException>(() => AwsCliFileArgument.PathIn("file://", "PolicyDocument"));
        Assert.Equal("PolicyDocument", refused.Field);
        Assert.Equal("PolicyDocument: 'file://' names no file; give the policy file's path after file://, as in file://policy.json.", refused.Message);
    }
}
