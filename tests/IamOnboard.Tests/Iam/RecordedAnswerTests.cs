using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using IamOnboard.Iam;
using Xunit;

namespace IamOnboard.Tests.Iam;

/// <summary>
/// The client against answers in the shapes the AWS CLI's query parser (botocore QueryParser) accepts, none of them
/// produced by the local endpoint: both error document shapes, the X-Amzn-ErrorType header, and results that leave
/// out members the module does not rely on.
/// </summary>
public sealed class RecordedAnswerTests
{
    private const string Ns = "https://iam.amazonaws.com/doc/2010-05-08/";

    private static readonly Dictionary<string, string> ErrorTypeHeader = new()
    {
        ["X-Amzn-ErrorType"] = "EntityAlreadyExists:http://internal.amazon.com/coral/com.amazonaws.iam/",
        ["x-amzn-RequestId"] = "7a62c49f-347e-4fc4-9331-6e8eEXAMPLE",
    };

    [Fact]
    public async Task ErrorInsideAnErrorsElementIsTheTypedError()
    {
        // botocore QueryParser._do_error_parse lifts <Errors><Error> to <Error>: both shapes are one error to it.
        const string body = "<ErrorResponse xmlns=\"" + Ns + "\"><Errors><Error><Type>Sender</Type><Code>EntityAlreadyExists</Code>"
            + "<Message>User with name anna already exists.</Message></Error></Errors><RequestId>r-errors</RequestId></ErrorResponse>";
        using var server = new RecordedAnswerServer(_ => new RecordedAnswer(409, body, ErrorTypeHeader));
        using var iam = server.CreateClient();

        var error = await Assert.ThrowsAsync<IamEntityAlreadyExistsException>(() => iam.CreateUserAsync("anna"));
        Assert.Equal("EntityAlreadyExists", error.ErrorCode);
        Assert.Equal("Sender", error.ErrorType);
        Assert.Equal(409, error.StatusCode);
        Assert.Equal("r-errors", error.RequestId);
        Assert.Contains("User with name anna already exists.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ErrorDirectlyUnderErrorResponseIsTheTypedError()
    {
        const string body = "<ErrorResponse xmlns=\"" + Ns + "\"><Error><Type>Sender</Type><Code>NoSuchEntity</Code>"
            + "<Message>The user with name ghost cannot be found.</Message></Error><RequestId>r-error</RequestId></ErrorResponse>";
        using var server = new RecordedAnswerServer(_ => new RecordedAnswer(404, body));
        using var iam = server.CreateClient();

        var error = await Assert.ThrowsAsync<IamNoSuchEntityException>(() => iam.GetUserAsync("ghost"));
        Assert.Equal("r-error", error.RequestId);
    }

    [Fact]
    public async Task ErrorTypeHeaderNamesTheErrorWhenTheBodyHasNone()
    {
        using var server = new RecordedAnswerServer(_ => new RecordedAnswer(409, string.Empty, ErrorTypeHeader));
        using var iam = server.CreateClient();

        var error = await Assert.ThrowsAsync<IamEntityAlreadyExistsException>(() => iam.CreateGroupAsync("staff"));
        Assert.Equal("EntityAlreadyExists", error.ErrorCode);
    }

    [Fact]
    public async Task ErrorTypeHeaderWithoutAColonIsTheCode()
    {
        var headers = new Dictionary<string, string> { ["X-Amzn-ErrorType"] = "LimitExceeded" };
        using var server = new RecordedAnswerServer(_ => new RecordedAnswer(409, "<html>not xml</html", headers));
        using var iam = server.CreateClient();

        await Assert.ThrowsAsync<IamLimitExceededException>(() => iam.CreateAccessKeyAsync("anna"));
    }

    [Fact]
    public async Task NoErrorDocumentAndNoHeaderStillSaysSo()
    {
        using var server = new RecordedAnswerServer(_ => new RecordedAnswer(409, string.Empty));
        using var iam = server.CreateClient();

        var error = await Assert.ThrowsAsync<IamServiceException>(() => iam.CreateGroupAsync("staff"));
        Assert.Equal("HttpStatus409", error.ErrorCode);
    }

    [Fact]
    public async Task GroupsWithoutCreateDateAreRead()
    {
        const string body = "<ListGroupsResponse xmlns=\"" + Ns + "\"><ListGroupsResult><IsTruncated>false</IsTruncated><Groups>"
            + "<member><Path>/</Path><GroupName>staff</GroupName><GroupId>AGPAEXAMPLE1</GroupId><Arn>arn:aws:iam::000000000000:group/staff</Arn></member>"
            + "</Groups></ListGroupsResult><ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></ListGroupsResponse>";
        using var server = new RecordedAnswerServer(_ => new RecordedAnswer(200, body));
        using var iam = server.CreateClient();

        var group = Assert.Single(await iam.ListGroupsAsync());
        Assert.Equal("staff", group.GroupName);
        Assert.Null(group.CreateDate);
    }

    [Fact]
    public async Task GroupMembersWithoutCreateDateAreRead()
    {
        const string body = "<GetGroupResponse xmlns=\"" + Ns + "\"><GetGroupResult>"
            + "<Group><GroupName>staff</GroupName><GroupId>AGPAEXAMPLE1</GroupId><Arn>arn:aws:iam::000000000000:group/staff</Arn><Path>/</Path></Group>"
            + "<Users><member><UserName>anna</UserName><UserId>AIDAEXAMPLE1</UserId><Arn>arn:aws:iam::000000000000:user/anna</Arn><Path>/</Path></member></Users>"
            + "<IsTruncated>false</IsTruncated></GetGroupResult><ResponseMetadata><RequestId>r2</RequestId></ResponseMetadata></GetGroupResponse>";
        using var server = new RecordedAnswerServer(_ => new RecordedAnswer(200, body));
        using var iam = server.CreateClient();

        var detail = await iam.GetGroupAsync("staff");
        Assert.Null(detail.Group.CreateDate);
        Assert.Equal("anna", Assert.Single(detail.Users).UserName);
        Assert.Null(detail.Users[0].CreateDate);
    }

    [Fact]
    public async Task AccessKeyMetadataWithOnlyTheKeyIdIsRead()
    {
        // Every AccessKeyMetadata member is optional in IAM's model.
        const string body = "<ListAccessKeysResponse xmlns=\"" + Ns + "\"><ListAccessKeysResult><AccessKeyMetadata>"
            + "<member><AccessKeyId>AKIAEXAMPLE1</AccessKeyId><Status>Inactive</Status></member>"
            + "</AccessKeyMetadata><IsTruncated>false</IsTruncated></ListAccessKeysResult></ListAccessKeysResponse>";
        using var server = new RecordedAnswerServer(_ => new RecordedAnswer(200, body));
        using var iam = server.CreateClient();

        var key = Assert.Single(await iam.ListAccessKeysAsync("anna"));
        Assert.Equal("anna", key.UserName);
        Assert.Equal(IamAccessKeyStatus.Inactive, key.Status);
        Assert.Null(key.CreateDate);
    }

    [Fact]
    public async Task UserWithCreateDateKeepsItInUtc()
    {
        const string body = "<GetUserResponse xmlns=\"" + Ns + "\"><GetUserResult><User><UserName>anna</UserName><UserId>AIDAEXAMPLE1</UserId>"
            + "<Arn>arn:aws:iam::000000000000:user/anna</Arn><Path>/</Path><CreateDate>2026-01-02T03:04:05Z</CreateDate></User></GetUserResult></GetUserResponse>";
        using var server = new RecordedAnswerServer(_ => new RecordedAnswer(200, body));
        using var iam = server.CreateClient();

        var user = await iam.GetUserAsync("anna");
        Assert.Equal(new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc), user.CreateDate);
        Assert.Equal(DateTimeKind.Utc, user.CreateDate!.Value.Kind);
    }
}
