using IamOnboard.Iam;
using IamOnboard.Onboarding;
using Xunit;

namespace IamOnboard.Tests.Onboarding;

/// <summary>What a managed policy no one has is told: several joined in one value, or one a letter or two off.</summary>
public class PolicyReferenceTests
{
    private static readonly IamManagedPolicy[] Catalogue =
    {
        Aws("ReadOnlyAccess", "/"),
        Aws("IAMUserChangePassword", "/"),
        Aws("ViewOnlyAccess", "/job-function/"),
        Aws("AmazonS3ReadOnlyAccess", "/"),
        Aws("AmazonEC2ReadOnlyAccess", "/"),
        Aws("AmazonSQSReadOnlyAccess", "/"),
        Aws("AmazonSNSReadOnlyAccess", "/"),
    };

    private static IamManagedPolicy Aws(string name, string path) =>
        new(name, null, $"arn:aws:iam::aws:policy{path}{name}", path, "v1", 0, true, null);

    [Theory]
    [InlineData("ReadOnlyAccess,IAMUserChangePassword")]
    [InlineData("ReadOnlyAccess, IAMUserChangePassword")]
    [InlineData("ReadOnlyAccess;IAMUserChangePassword")]
    public void Several_policies_in_one_value_are_named_with_how_to_give_them(string given) =>
        Assert.Equal("No managed policy in the account or AWS's catalogue is named '" + given + "'; it is 2 policies in one value: give each as its own value, "
            + "as in -Policy ReadOnlyAccess, IAMUserChangePassword (in a CSV cell, separate them with ';': ReadOnlyAccess;IAMUserChangePassword).",
            PolicyReference.Resolve(given, Catalogue).Problem);

    [Fact]
    public void Several_ARNs_in_one_value_are_named_too() =>
        Assert.Contains("; it is 2 policies in one value",
            PolicyReference.Hint("arn:aws:iam::aws:policy/ReadOnlyAccess,arn:aws:iam::aws:policy/job-function/ViewOnlyAccess", Catalogue));

    [Theory]
    [InlineData("ReadOnlyAcess", "; did you mean 'ReadOnlyAccess'?")]
    [InlineData("job-function/ViewOnlyAcces", "; did you mean 'job-function/ViewOnlyAccess'?")]
    [InlineData("arn:aws:iam::aws:policy/ReadOnlyAcess", "; did you mean 'arn:aws:iam::aws:policy/ReadOnlyAccess'? ARNs are case-sensitive.")]
    [InlineData("arn:aws:iam::aws:policy/readonlyaccess", "; did you mean 'arn:aws:iam::aws:policy/ReadOnlyAccess'? ARNs are case-sensitive.")]
    public void A_near_name_or_ARN_is_offered(string given, string hint) =>
        Assert.Equal(hint, PolicyReference.Hint(given, Catalogue));

    [Theory]
    [InlineData("AmazonSSSReadOnlyAccess")] // one letter from SQS and one from SNS: no guess
    [InlineData("PowerUserAccess")]
    [InlineData("ReadOnlyAccess,NoSuchPolicy")]
    public void Nothing_is_guessed_when_nothing_is_near_or_two_are(string given) =>
        Assert.Equal(string.Empty, PolicyReference.Hint(given, Catalogue));
}
