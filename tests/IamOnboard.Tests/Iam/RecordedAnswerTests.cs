using System;
using System.Collections.Generic;
using System.Linq;
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

    // ---- Members IAM's model makes optional (botocore's iam service-2.json) ----

    private const string Seed = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

    private static string Answer(string action, string result)
        => "<" + action + "Response xmlns=\"" + Ns + "\">" + result + "<ResponseMetadata><RequestId>r-" + action + "</RequestId></ResponseMetadata></" + action + "Response>";

    private static string Base64(string text) => Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(text));

    [Fact]
    public async Task CreateUserAnsweredWithoutTheUserReadsItBack()
    {
        // CreateUserResponse.User is optional in IAM's model; the AWS CLI prints nothing and exits 0.
        using var server = new RecordedAnswerServer(action => action switch
        {
            "CreateUser" => new RecordedAnswer(200, Answer(action, "<CreateUserResult/>")),
            "GetUser" => new RecordedAnswer(200, Answer(action, "<GetUserResult><User><UserName>anna</UserName><UserId>AIDAEXAMPLE1</UserId>"
                + "<Arn>arn:aws:iam::000000000000:user/anna</Arn><Path>/</Path></User></GetUserResult>")),
            _ => new RecordedAnswer(400, string.Empty),
        });
        using var iam = server.CreateClient();

        var user = await iam.CreateUserAsync("anna");
        Assert.Equal("arn:aws:iam::000000000000:user/anna", user.Arn);
        Assert.Equal(new[] { "CreateUser", "GetUser" }, server.Actions);
    }

    [Fact]
    public async Task VirtualMfaDeviceWithoutQrCodePngKeepsTheSeed()
    {
        // Only SerialNumber is required in IAM's model; the module draws its own QR code from the seed.
        using var server = new RecordedAnswerServer(action => new RecordedAnswer(200, Answer(action, "<CreateVirtualMFADeviceResult><VirtualMFADevice>"
            + "<SerialNumber>arn:aws:iam::000000000000:mfa/anna</SerialNumber><Base32StringSeed>" + Base64(Seed) + "</Base32StringSeed>"
            + "</VirtualMFADevice></CreateVirtualMFADeviceResult>")));
        using var iam = server.CreateClient();

        var device = await iam.CreateVirtualMfaDeviceAsync("anna");
        Assert.Equal("arn:aws:iam::000000000000:mfa/anna", device.SerialNumber);
        Assert.Equal(Seed, System.Text.Encoding.ASCII.GetString(device.Base32StringSeed));
        Assert.Empty(device.QrCodePng);
        Assert.Equal(new[] { "CreateVirtualMFADevice" }, server.Actions);
    }

    [Theory]
    [InlineData("", "lacks the <Base32StringSeed> element")]
    [InlineData("<Base32StringSeed>bm90IGJhc2UzMiE=</Base32StringSeed>", "has a <Base32StringSeed> that is not a base32 seed")]
    public async Task VirtualMfaDeviceWithoutAUsableSeedIsDeletedAndTheErrorSaysSo(string seedElement, string problem)
    {
        using var server = new RecordedAnswerServer(action => action switch
        {
            "CreateVirtualMFADevice" => new RecordedAnswer(200, Answer(action, "<CreateVirtualMFADeviceResult><VirtualMFADevice>"
                + "<SerialNumber>arn:aws:iam::000000000000:mfa/anna</SerialNumber>" + seedElement + "</VirtualMFADevice></CreateVirtualMFADeviceResult>")),
            "DeleteVirtualMFADevice" => new RecordedAnswer(200, Answer(action, string.Empty)),
            _ => new RecordedAnswer(400, string.Empty),
        });
        using var iam = server.CreateClient();

        var error = await Assert.ThrowsAsync<IamServiceException>(() => iam.CreateVirtualMfaDeviceAsync("anna"));
        Assert.Equal("MalformedResponse", error.ErrorCode);
        Assert.Equal("CreateVirtualMFADevice", error.Operation);
        Assert.Equal(
            "IAM's CreateVirtualMFADevice answer for device 'anna' " + problem + ", without which no authenticator can be set up; "
            + "the device arn:aws:iam::000000000000:mfa/anna it made was deleted.",
            error.Message);
        Assert.Equal(new[] { "CreateVirtualMFADevice", "DeleteVirtualMFADevice" }, server.Actions);
    }

    [Fact]
    public async Task VirtualMfaDeviceWithoutASeedThatCannotBeDeletedIsNamed()
    {
        const string denied = "<ErrorResponse xmlns=\"" + Ns + "\"><Error><Type>Sender</Type><Code>AccessDenied</Code>"
            + "<Message>User is not authorized to perform: iam:DeleteVirtualMFADevice.</Message></Error><RequestId>r-denied</RequestId></ErrorResponse>";
        using var server = new RecordedAnswerServer(action => action switch
        {
            "CreateVirtualMFADevice" => new RecordedAnswer(200, Answer(action, "<CreateVirtualMFADeviceResult><VirtualMFADevice>"
                + "<SerialNumber>arn:aws:iam::000000000000:mfa/anna</SerialNumber></VirtualMFADevice></CreateVirtualMFADeviceResult>")),
            _ => new RecordedAnswer(403, denied),
        });
        using var iam = server.CreateClient();

        var error = await Assert.ThrowsAsync<IamServiceException>(() => iam.CreateVirtualMfaDeviceAsync("anna"));
        Assert.Contains("the device arn:aws:iam::000000000000:mfa/anna it made could not be deleted (User is not authorized to perform: iam:DeleteVirtualMFADevice)", error.Message, StringComparison.Ordinal);
        Assert.Contains("aws iam delete-virtual-mfa-device --serial-number arn:aws:iam::000000000000:mfa/anna", error.Message, StringComparison.Ordinal);
        Assert.IsType<IamAccessDeniedException>(error.InnerException);
    }

    [Fact]
    public async Task PoliciesWithOnlyTheArnAreRead()
    {
        // Every Policy member is optional in IAM's model; name and path are in the ARN.
        using var server = new RecordedAnswerServer(action => new RecordedAnswer(200, Answer(action, "<ListPoliciesResult><IsTruncated>false</IsTruncated><Policies>"
            + "<member><Arn>arn:aws:iam::aws:policy/job-function/ViewOnlyAccess</Arn></member>"
            + "<member><PolicyName>ReadOnlyAccess</PolicyName><Arn>arn:aws:iam::aws:policy/ReadOnlyAccess</Arn><Path>/</Path></member>"
            + "</Policies></ListPoliciesResult>")));
        using var iam = server.CreateClient();

        var policies = await iam.ListPoliciesAsync();
        Assert.Equal(new[] { "ViewOnlyAccess", "ReadOnlyAccess" }, policies.Select(p => p.PolicyName));
        Assert.Equal(new[] { "/job-function/", "/" }, policies.Select(p => p.Path));
        Assert.All(policies, p => Assert.Null(p.PolicyId));
        Assert.All(policies, p => Assert.True(p.IsAwsManaged));
    }

    [Fact]
    public async Task AttachedPoliciesWithOnlyTheArnAreRead()
    {
        using var server = new RecordedAnswerServer(action => new RecordedAnswer(200, Answer(action, "<" + action + "Result><IsTruncated>false</IsTruncated><AttachedPolicies>"
            + "<member><PolicyArn>arn:aws:iam::000000000000:policy/team/S3Reader</PolicyArn></member>"
            + "</AttachedPolicies></" + action + "Result>")));
        using var iam = server.CreateClient();

        var toUser = Assert.Single(await iam.ListAttachedUserPoliciesAsync("anna"));
        Assert.Equal("S3Reader", toUser.PolicyName);
        Assert.Equal("arn:aws:iam::000000000000:policy/team/S3Reader", toUser.PolicyArn);
        Assert.Equal("S3Reader", Assert.Single(await iam.ListAttachedGroupPoliciesAsync("staff")).PolicyName);
    }

    [Fact]
    public async Task PolicyAnswersWithoutThePolicyAreTheArnsPolicy()
    {
        // GetPolicyResponse.Policy and CreatePolicyResponse.Policy are optional in IAM's model.
        using var server = new RecordedAnswerServer(action => action switch
        {
            "GetPolicy" => new RecordedAnswer(200, Answer(action, "<GetPolicyResult/>")),
            "CreatePolicy" => new RecordedAnswer(200, Answer(action, "<CreatePolicyResult/>")),
            "ListPolicies" => new RecordedAnswer(200, Answer(action, "<ListPoliciesResult><IsTruncated>false</IsTruncated><Policies>"
                + "<member><PolicyName>S3Reader</PolicyName><Arn>arn:aws:iam::000000000000:policy/S3Reader</Arn><Path>/</Path></member>"
                + "<member><PolicyName>S3Reader</PolicyName><Arn>arn:aws:iam::000000000000:policy/team/S3Reader</Arn><Path>/team/</Path></member>"
                + "</Policies></ListPoliciesResult>")),
            _ => new RecordedAnswer(400, string.Empty),
        });
        using var iam = server.CreateClient();

        var got = await iam.GetPolicyAsync("arn:aws:iam::aws:policy/job-function/ViewOnlyAccess");
        Assert.Equal(("ViewOnlyAccess", "/job-function/"), (got.PolicyName, got.Path));
        var created = await iam.CreatePolicyAsync("S3Reader", "{}", "/team/");
        Assert.Equal("arn:aws:iam::000000000000:policy/team/S3Reader", created.Arn);
    }

    [Fact]
    public async Task AccountSummaryWithoutASummaryMapIsEmpty()
    {
        using var server = new RecordedAnswerServer(action => new RecordedAnswer(200, Answer(action, "<GetAccountSummaryResult/>")));
        using var iam = server.CreateClient();

        Assert.Null((await iam.GetAccountSummaryAsync())["Users"]);
    }

    [Fact]
    public async Task ARepeatedMarkerStopsTheListing()
    {
        // An endpoint that pages wrongly: every page truncated, every page giving the same Marker.
        using var server = new RecordedAnswerServer(action => new RecordedAnswer(200, Answer(action, "<ListGroupsResult><Groups>"
            + "<member><Path>/</Path><GroupName>staff</GroupName><GroupId>AGPAEXAMPLE1</GroupId><Arn>arn:aws:iam::000000000000:group/staff</Arn></member>"
            + "</Groups><IsTruncated>true</IsTruncated><Marker>page-2</Marker></ListGroupsResult>")));
        using var iam = server.CreateClient();
        using var giveUp = new System.Threading.CancellationTokenSource(TimeSpan.FromSeconds(20));

        var listing = iam.ListGroupsAsync(cancellationToken: giveUp.Token);
        Assert.Same(listing, await Task.WhenAny(listing, Task.Delay(TimeSpan.FromSeconds(15))));
        var error = await Assert.ThrowsAsync<IamServiceException>(() => listing);
        Assert.Equal("RepeatedMarker", error.ErrorCode);
        Assert.Equal("ListGroups", error.Operation);
        Assert.Equal("IAM ListGroups at " + iam.Endpoint + " gave the same Marker twice, after 2 pages: following it would list the same pages for ever, so the listing was stopped.", error.Message);
        Assert.Equal(2, server.Actions.Count);
    }

    [Fact]
    public async Task AnErrorNamedOnlyByItsCodeSaysTheOperationAndStatus()
    {
        using var server = new RecordedAnswerServer(_ => new RecordedAnswer(409, string.Empty, ErrorTypeHeader));
        using var iam = server.CreateClient();

        var error = await Assert.ThrowsAsync<IamEntityAlreadyExistsException>(() => iam.CreateGroupAsync("staff"));
        Assert.Equal("CreateGroup failed with EntityAlreadyExists (HTTP 409), and the answer gave no message.", error.Message);
    }

    [Fact]
    public async Task AnUnreadableAnswerToAReadSaysItArrived()
    {
        // A 200 whose body is not well-formed XML: an answer came, and it could not be read.
        using var server = new RecordedAnswerServer(action => new RecordedAnswer(200,
            "<GetUserResponse xmlns=\"" + Ns + "\"><GetUserResult><User><UserName>anna</User></GetUserResult></GetUserResponse>"));
        using var iam = server.CreateClient();

        var error = await Assert.ThrowsAsync<IamServiceException>(() => iam.GetUserAsync("anna"));
        Assert.Equal("UnreadableResponse", error.ErrorCode);
        Assert.Equal("GetUser", error.Operation);
        Assert.Equal(200, error.StatusCode);
        Assert.StartsWith("IAM GetUser at " + iam.Endpoint + " answered, but the answer is not XML IamOnboard can read (The 'UserName' start tag", error.Message, StringComparison.Ordinal);
        Assert.IsType<System.Xml.XmlException>(error.InnerException);
    }
}
