using IamOnboard.Onboarding;
using IamOnboard.Rules;
using Xunit;

namespace IamOnboard.Tests.Rules;

/// <summary>
/// A policy built as a hashtable and passed through ConvertTo-Json at its default -Depth of 2: the policies below are
/// ConvertTo-Json's own output for @{ Version; Statement = @(@{ ... }) } with nested conditions and lists.
/// </summary>
public class ConvertToJsonTruncationTests
{
    private static string Statement(string members) =>
        "{\"Statement\":[{\"Effect\":\"Allow\"," + members + "}],\"Version\":\"2012-10-17\"}";

    [Theory]
    [InlineData("\"Action\":\"s3:GetObject\",\"Resource\":\"*\",\"Condition\":\"System.Collections.Hashtable\"", "Statement[0].Condition: \"System.Collections.Hashtable\" is the name of an object")]
    [InlineData("\"Action\":\"s3:GetObject\",\"Resource\":\"*\",\"Condition\":\"System.Collections.Specialized.OrderedDictionary\"", "Statement[0].Condition: \"System.Collections.Specialized.OrderedDictionary\"")]
    [InlineData("\"Action\":\"s3:GetObject\",\"Resource\":\"*\",\"Condition\":\"@{Bool=System.Collections.Hashtable}\"", "Statement[0].Condition: \"@{Bool=System.Collections.Hashtable}\"")]
    [InlineData("\"Action\":\"s3:GetObject s3:PutObject\",\"Resource\":\"*\"", "Statement[0].Action: \"s3:GetObject s3:PutObject\" is a list joined by spaces")]
    [InlineData("\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::reports arn:aws:s3:::reports/*\"", "Statement[0].Resource: \"arn:aws:s3:::reports arn:aws:s3:::reports/*\" is a list joined by spaces")]
    public void A_policy_cut_short_by_ConvertTo_Json_is_refused_saying_where_and_what_to_do(string members, string expected)
    {
        var refused = Assert.Throws<OnboardInputException>(() => InlinePolicyWriter.ValidateOffline("Reports", Statement(members)));
        Assert.Equal("MalformedPolicyDocument", refused.ErrorId);
        Assert.Contains(expected, refused.Message);
        Assert.StartsWith("The policy document 'Reports' was cut short by ConvertTo-Json, which writes what is nested deeper than its -Depth (2 by default) as text: ", refused.Message);
        Assert.EndsWith("Give the hashtable itself as -PolicyDocument, or convert it with ConvertTo-Json -Depth 10.", refused.Message);
    }

    [Theory]
    [InlineData("\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::reports/Q1 summary.pdf\"")]
    [InlineData("\"Action\":\"s3:GetObject\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{\"aws:PrincipalTag/team\":\"Data Science\"}}")]
    [InlineData("\"Action\":\"s3:GetObject\",\"Resource\":\"*\",\"Condition\":{\"StringLike\":{\"s3:prefix\":\"System.* @{home}\"}}")]
    public void Spaces_and_braces_a_policy_means_are_accepted(string members) =>
        Assert.Empty(InlinePolicyWriter.ValidateOffline("Reports", Statement(members)));

    [Fact]
    public void The_local_endpoint_still_accepts_what_IAM_accepts()
    {
        // IAM takes a resource with a space in it; only the module refuses what ConvertTo-Json left.
        var flattened = Statement("\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::reports arn:aws:s3:::reports/*\"");
        Assert.True(PolicyDocumentValidator.Validate(flattened, PolicyDocumentKind.Identity).IsValid);
    }
}
