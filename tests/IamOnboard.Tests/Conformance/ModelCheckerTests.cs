using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Threading.Tasks;
using IamOnboard.LocalIam;
using IamOnboard.Tests.LocalIam;
using Xunit;

namespace IamOnboard.Tests.Conformance;

/// <summary>The model checks catch deliberate mismatches; a checker that finds nothing proves nothing.</summary>
public sealed class ModelCheckerTests
{
    private static IReadOnlyList<string> Request(params (string Name, string Value)[] parameters)
        => QueryRequestCheck.Problems(ServiceModel.Iam, new[] { ("Version", "2010-05-08") }.Concat(parameters).Select(p => new KeyValuePair<string, string>(p.Item1, p.Item2)).ToList());

    [Fact]
    public void ModelsAreTheInstalledBotocoreOnes()
    {
        Assert.StartsWith(ServiceModel.BotocoreData, ServiceModel.Iam.Path, StringComparison.Ordinal);
        Assert.True(ServiceModel.Iam.HasOperation("CreateUser"));
        Assert.True(ServiceModel.Sts.HasOperation("GetCallerIdentity"));
    }

    [Fact]
    public void AMissingModelFailsAndSaysWhatToInstall()
    {
        var error = Assert.Throws<FileNotFoundException>(() => ServiceModel.Load("iam/1999-01-01/service-2.json"));
        Assert.Contains("python3-botocore", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AConformingRequestHasNoProblems()
        => Assert.Empty(Request(("Action", "CreateUser"), ("UserName", "anna"), ("Path", "/staff/"), ("Tags.member.1.Key", "Team"), ("Tags.member.1.Value", "Blue")));

    [Fact]
    public void ARequestMissingARequiredMemberIsCaught()
        => Assert.Contains("CreateUser: required member UserName is missing", Request(("Action", "CreateUser"), ("Path", "/")));

    [Fact]
    public void ATagWithoutItsRequiredValueIsCaught()
        => Assert.Contains("CreateUser: required member Tags.member.1.Value is missing", Request(("Action", "CreateUser"), ("UserName", "anna"), ("Tags.member.1.Key", "Team")));

    [Theory]
    [InlineData("Tags.member.2.Key", "Tags entries are not numbered 1..1 without gaps")]
    [InlineData("Tags.member.0.Key", "Tags.member.0 is not numbered from 1")]
    [InlineData("Tags.1.Key", "Tags.1.Key is not serialised as Tags.member.N")]
    public void ListsOffTheMemberNFormAreCaught(string key, string expected)
    {
        var problems = Request(("Action", "CreateUser"), ("UserName", "anna"), (key, "Team"), (key.Replace("Key", "Value", StringComparison.Ordinal), "Blue"));
        Assert.Contains(problems, p => p.Contains(expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("UserName", "anna smith", "does not match the model's pattern")]
    [InlineData("UserName", "", "shorter than the model's min 1")]
    [InlineData("Bogus", "1", "parameter Bogus is not a member of CreateUserRequest")]
    public void ValuesOffTheModelAreCaught(string name, string value, string expected)
    {
        var parameters = name == "UserName" ? new[] { ("Action", "CreateUser"), (name, value) } : new[] { ("Action", "CreateUser"), ("UserName", "anna"), (name, value) };
        Assert.Contains(Request(parameters), p => p.Contains(expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("MaxItems", "ten", "is not an integer")]
    [InlineData("MaxItems", "1001", "is above the model's max 1000")]
    [InlineData("Scope", "Everything", "not one of All|AWS|Local")]
    [InlineData("OnlyAttached", "yes", "is not true or false")]
    public void TypesAndEnumsAreChecked(string name, string value, string expected)
        => Assert.Contains(Request(("Action", "ListPolicies"), (name, value)), p => p.Contains(expected, StringComparison.Ordinal));

    [Fact]
    public void ASecretInARequestIsNotQuotedWhole()
    {
        var problems = Request(("Action", "CreateLoginProfile"), ("UserName", "anna"), ("Password", "Hunter2\u0001secret"));
        var problem = Assert.Single(problems);
        Assert.DoesNotContain("Hun", problem, StringComparison.Ordinal);
        Assert.Contains("Password=(sensitive, 14 chars) does not match", problem, StringComparison.Ordinal);
    }

    private const string UserXml = "<UserName>anna</UserName><UserId>AIDAEXAMPLEEXAMPLE01</UserId><Arn>arn:aws:iam::123456789012:user/anna</Arn><Path>/</Path>";

    private static IReadOnlyList<string> Answer(string action, int status, string body) => QueryResponseCheck.Problems(ServiceModel.Iam, action, status, body);

    [Fact]
    public void AConformingAnswerHasNoProblems()
        => Assert.Empty(Answer("GetUser", 200, "<GetUserResponse><GetUserResult><User>" + UserXml + "<CreateDate>2026-01-02T03:04:05Z</CreateDate></User></GetUserResult>"
            + "<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetUserResponse>"));

    [Theory]
    [InlineData("", "required member <CreateDate> is missing")]
    [InlineData("<CreateDate>02/01/2026 03:04</CreateDate>", "CreateDate is not an ISO 8601 timestamp")]
    [InlineData("<CreateDate>2026-01-02T03:04:05Z</CreateDate><Shoe>9</Shoe>", "<Shoe> is not a member of the shape")]
    public void AnswersOffTheOutputShapeAreCaught(string extra, string expected)
    {
        var problems = Answer("GetUser", 200, "<GetUserResponse><GetUserResult><User>" + UserXml + extra + "</User></GetUserResult>"
            + "<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetUserResponse>");
        Assert.Contains(problems, p => p.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void AnErrorWithoutCodeOrRequestIdIsCaught()
    {
        var problems = Answer("GetUser", 404, "<ErrorResponse><Error><Type>Sender</Type><Message>gone</Message></Error></ErrorResponse>");
        Assert.Contains(problems, p => p.EndsWith("<Error> has no <Code>", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.EndsWith("no <RequestId>", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheEndpointFailsAnExchangeThatIsOffTheModel()
    {
        // The endpoint ignores a parameter it does not know and would answer 200; the model has no such member.
        using var server = LocalIamServer.Start(new LocalIamOptions());
        using var admin = SignedIamClient.Admin(server);
        var answer = await admin.IamAsync("ListUsers", ("Bogus", "1"));
        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal("ModelConformance", answer.ErrorCode);
        Assert.Contains("parameter Bogus is not a member of ListUsersRequest", answer.ErrorMessage, StringComparison.Ordinal);

        (await admin.IamAsync("ListUsers")).EnsureSuccess();
    }
}
