using System;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using IamOnboard.AwsSdk;
using IamOnboard.Iam;
using IamOnboard.Passwords;
using Xunit;

namespace IamOnboard.Tests.Iam;

public sealed class IamClientOperationTests : IClassFixture<LocalIamFixture>
{
    private const string S3ReadPolicy = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}]}";
    private readonly LocalIamFixture _fixture;

    public IamClientOperationTests(LocalIamFixture fixture) => _fixture = fixture;

    [Fact]
    public async Task GroupsMembershipAndGroupPolicies()
    {
        using var iam = _fixture.CreateClient();
        var group = Names.Unique("devs");
        var user = Names.Unique("bob");
        var created = await iam.CreateGroupAsync(group, "/eng/");
        Assert.Equal("/eng/", created.Path);
        await iam.CreateUserAsync(user);
        await iam.AddUserToGroupAsync(group, user);

        var detail = await iam.GetGroupAsync(group);
        Assert.Equal(created.GroupId, detail.Group.GroupId);
        Assert.Equal(new[] { user }, detail.Users.Select(u => u.UserName));
        Assert.Contains(await iam.ListGroupsAsync("/eng/"), g => g.GroupName == group);
        Assert.Equal(new[] { group }, (await iam.ListGroupsForUserAsync(user)).Select(g => g.GroupName));

        await iam.AttachGroupPolicyAsync(group, "arn:aws:iam::aws:policy/ReadOnlyAccess");
        Assert.Equal(new[] { "ReadOnlyAccess" }, (await iam.ListAttachedGroupPoliciesAsync(group)).Select(p => p.PolicyName));
        await iam.PutGroupPolicyAsync(group, "s3-read", S3ReadPolicy);
        Assert.Equal(new[] { "s3-read" }, await iam.ListGroupPoliciesAsync(group));
        var inline = await iam.GetGroupPolicyAsync(group, "s3-read");
        Assert.Contains("s3:GetObject", inline.Document, StringComparison.Ordinal);
        Assert.StartsWith("{", inline.Document, StringComparison.Ordinal);

        await Assert.ThrowsAsync<IamDeleteConflictException>(() => iam.DeleteGroupAsync(group));
        await iam.DeleteGroupPolicyAsync(group, "s3-read");
        await iam.DetachGroupPolicyAsync(group, "arn:aws:iam::aws:policy/ReadOnlyAccess");
        await iam.RemoveUserFromGroupAsync(group, user);
        await iam.DeleteGroupAsync(group);
        await iam.DeleteUserAsync(user);
        await Assert.ThrowsAsync<IamNoSuchEntityException>(() => iam.GetGroupAsync(group + "x"));
    }

    [Fact]
    public async Task UserPoliciesLoginProfileAndAccessKeys()
    {
        using var iam = _fixture.CreateClient();
        var user = Names.Unique("carol");
        await iam.CreateUserAsync(user);

        await iam.AttachUserPolicyAsync(user, "arn:aws:iam::aws:policy/IAMUserChangePassword");
        Assert.Single(await iam.ListAttachedUserPoliciesAsync(user));
        await iam.PutUserPolicyAsync(user, "inline", S3ReadPolicy);
        Assert.Equal(S3ReadPolicy, (await iam.GetUserPolicyAsync(user, "inline")).Document);
        Assert.Equal(new[] { "inline" }, await iam.ListUserPoliciesAsync(user));

        var profile = await iam.CreateLoginProfileAsync(user, "Xy7!kq2#Lm9@vb", passwordResetRequired: true);
        Assert.True(profile.PasswordResetRequired);
        Assert.Equal(user, (await iam.GetLoginProfileAsync(user)).UserName);
        await Assert.ThrowsAsync<IamEntityAlreadyExistsException>(() => iam.CreateLoginProfileAsync(user, "Xy7!kq2#Lm9@vb", false));

        using var key = await iam.CreateAccessKeyAsync(user);
        Assert.True(key.SecretAccessKey.IsReadOnly());
        Assert.Equal(40, key.SecretAccessKey.Length);
        Assert.DoesNotContain("Secret", key.ToString(), StringComparison.OrdinalIgnoreCase);
        await iam.UpdateAccessKeyAsync(user, key.AccessKeyId, IamAccessKeyStatus.Inactive);
        var listed = Assert.Single(await iam.ListAccessKeysAsync(user));
        Assert.Equal(IamAccessKeyStatus.Inactive, listed.Status);

        await Assert.ThrowsAsync<IamDeleteConflictException>(() => iam.DeleteUserAsync(user));
        await iam.DeleteAccessKeyAsync(user, key.AccessKeyId);
        await iam.DeleteLoginProfileAsync(user);
        await iam.DeleteUserPolicyAsync(user, "inline");
        await iam.DetachUserPolicyAsync(user, "arn:aws:iam::aws:policy/IAMUserChangePassword");
        await iam.DeleteUserAsync(user);
    }

    [Fact]
    public async Task ManagedPolicies()
    {
        using var iam = _fixture.CreateClient();
        var name = Names.Unique("policy");
        var created = await iam.CreatePolicyAsync(name, S3ReadPolicy, "/team/", "read objects");
        Assert.False(created.IsAwsManaged);
        Assert.Equal($"arn:aws:iam::{_fixture.Server.AccountId}:policy/team/{name}", created.Arn);
        Assert.Equal(name, (await iam.GetPolicyAsync(created.Arn)).PolicyName);
        Assert.Contains(await iam.ListPoliciesAsync(PolicyScope.Local), p => p.Arn == created.Arn);
        var awsPolicies = await iam.ListPoliciesAsync(PolicyScope.Aws);
        Assert.NotEmpty(awsPolicies);
        Assert.All(awsPolicies, p => Assert.True(p.IsAwsManaged));
        await Assert.ThrowsAsync<IamMalformedPolicyDocumentException>(() => iam.CreatePolicyAsync(Names.Unique("bad"), "{not json"));
        await iam.DeletePolicyAsync(created.Arn);
        await Assert.ThrowsAsync<IamNoSuchEntityException>(() => iam.GetPolicyAsync(created.Arn));
    }

    [Fact]
    public async Task VirtualMfaLifecycle()
    {
        using var iam = _fixture.CreateClient();
        var user = Names.Unique("dave");
        await iam.CreateUserAsync(user);
        var device = await iam.CreateVirtualMfaDeviceAsync(user);
        Assert.Equal($"arn:aws:iam::{_fixture.Server.AccountId}:mfa/{user}", device.SerialNumber);
        Assert.Equal(device.SerialNumber, device.ToString());
        var seed = Encoding.ASCII.GetString(device.Base32StringSeed);
        Assert.Matches("^[A-Z2-7]+=*$", seed);
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, device.QrCodePng.Take(4));
        Assert.Contains(await iam.ListVirtualMfaDevicesAsync(VirtualMfaAssignmentStatus.Unassigned), d => d.SerialNumber == device.SerialNumber);

        await Assert.ThrowsAsync<IamInvalidAuthenticationCodeException>(() => iam.EnableMfaDeviceAsync(user, device.SerialNumber, "000000", "000001"));
        var key = OtpNet.Base32Encoding.ToBytes(seed);
        var totp = new OtpNet.Totp(key);
        var now = DateTime.UtcNow;
        await iam.EnableMfaDeviceAsync(user, device.SerialNumber, totp.ComputeTotp(now.AddSeconds(-30)), totp.ComputeTotp(now));
        var assigned = Assert.Single(await iam.ListMfaDevicesAsync(user));
        Assert.Equal(device.SerialNumber, assigned.SerialNumber);
        Assert.Contains(await iam.ListVirtualMfaDevicesAsync(VirtualMfaAssignmentStatus.Assigned), d => d.UserName == user);

        await iam.DeactivateMfaDeviceAsync(user, device.SerialNumber);
        await iam.DeleteVirtualMfaDeviceAsync(device.SerialNumber);
        await iam.DeleteUserAsync(user);
    }

    [Fact]
    public async Task AccountPasswordPolicyAliasesAndSummary()
    {
        using var iam = _fixture.CreateClient();
        await iam.DeleteAccountPasswordPolicyAsync().ContinueWith(_ => { }, TaskScheduler.Default);
        Assert.Null(await iam.GetAccountPasswordPolicyAsync());
        await iam.UpdateAccountPasswordPolicyAsync(new PasswordPolicy { MinimumPasswordLength = 14, RequireSymbols = true, MaxPasswordAge = 90, AllowUsersToChangePassword = true });
        var policy = await iam.GetAccountPasswordPolicyAsync();
        Assert.NotNull(policy);
        Assert.Equal(14, policy!.MinimumPasswordLength);
        Assert.True(policy.RequireSymbols);
        Assert.False(policy.RequireNumbers);
        Assert.Equal(90, policy.MaxPasswordAge);
        Assert.Null(policy.PasswordReusePrevention);
        await iam.DeleteAccountPasswordPolicyAsync();
        Assert.Null(await iam.GetAccountPasswordPolicyAsync());

        var alias = Names.Unique("acme");
        await iam.CreateAccountAliasAsync(alias);
        Assert.Equal(new[] { alias }, await iam.ListAccountAliasesAsync());
        await iam.DeleteAccountAliasAsync(alias);
        Assert.Empty(await iam.ListAccountAliasesAsync());

        var summary = await iam.GetAccountSummaryAsync();
        Assert.True(summary["UsersQuota"] > 0);
        Assert.True(summary["Users"] >= 1);
    }

    [Fact]
    public async Task ErrorsCarryCodeTypeStatusRequestIdAndOperation()
    {
        using var iam = _fixture.CreateClient();
        var user = Names.Unique("erin");
        await iam.CreateUserAsync(user);
        var exists = await Assert.ThrowsAsync<IamEntityAlreadyExistsException>(() => iam.CreateUserAsync(user.ToUpperInvariant()));
        Assert.Equal(IamErrorCodes.EntityAlreadyExists, exists.ErrorCode);
        Assert.Equal("Sender", exists.ErrorType);
        Assert.Equal(409, exists.StatusCode);
        Assert.False(string.IsNullOrEmpty(exists.RequestId));
        Assert.Equal("CreateUser", exists.Operation);
        Assert.False(exists.MayHaveBeenApplied);

        var invalid = await Assert.ThrowsAsync<IamInvalidInputException>(() => iam.CreateUserAsync("bad name with spaces"));
        Assert.Equal(400, invalid.StatusCode);
        await Assert.ThrowsAsync<IamPasswordPolicyViolationException>(() => iam.CreateLoginProfileAsync(user, "short", false));
        var missing = await Assert.ThrowsAsync<IamNoSuchEntityException>(() => iam.DeleteUserAsync(Names.Unique("ghost")));
        Assert.Equal(404, missing.StatusCode);
        await iam.DeleteUserAsync(user);
    }

    [Fact]
    public async Task BadCredentialsAreAccessDeniedWithTheirCode()
    {
        using var wrongSecret = new IamClient(new IamClientOptions { EndpointUrl = _fixture.Server.Url.ToString(), MaxAttempts = 1 },
            _fixture.Server.AdminAccessKeyId, SdkCredentials.Protect("wrong-secret-wrong-secret-wrong-secret00"));
        var signature = await Assert.ThrowsAsync<IamAccessDeniedException>(() => wrongSecret.ListUsersAsync());
        Assert.Equal(IamErrorCodes.SignatureDoesNotMatch, signature.ErrorCode);
        Assert.DoesNotContain("wrong-secret", signature.Message, StringComparison.Ordinal);

        using var unknownKey = new IamClient(new IamClientOptions { EndpointUrl = _fixture.Server.Url.ToString(), MaxAttempts = 1 },
            "AKIAUNKNOWNUNKNOWN00", SdkCredentials.Protect("whatever-whatever-whatever-whatever-0000"));
        var token = await Assert.ThrowsAsync<IamAccessDeniedException>(() => unknownKey.ListUsersAsync());
        Assert.Equal(IamErrorCodes.InvalidClientTokenId, token.ErrorCode);
        Assert.Equal(403, token.StatusCode);
    }

    [Fact]
    public async Task ListsFollowMarkersToTheEnd()
    {
        using var iam = _fixture.CreateClient(pageSize: 7);
        var path = "/" + Names.Unique("page") + "/";
        var created = Enumerable.Range(0, 250).Select(i => Names.Unique("u" + i)).ToList();
        foreach (var batch in created.Chunk(25))
        {
            await Task.WhenAll(batch.Select(name => iam.CreateUserAsync(name, path)));
        }

        var listed = await iam.ListUsersAsync(path);
        Assert.Equal(created.OrderBy(n => n, StringComparer.OrdinalIgnoreCase), listed.Select(u => u.UserName).OrderBy(n => n, StringComparer.OrdinalIgnoreCase));
        Assert.True(_fixture.Server.GetStatistics().RequestsByAction["ListUsers"] >= 36);

        using var defaultPages = _fixture.CreateClient();
        Assert.Equal(250, (await defaultPages.ListUsersAsync(path)).Count);
    }
}
