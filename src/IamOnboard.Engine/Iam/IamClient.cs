using System;
using System.Collections.Generic;
using System.Linq;
using System.Security;
using System.Threading;
using System.Threading.Tasks;
using IamOnboard.AwsSdk;
using IamOnboard.Iam.Internal;
using IamOnboard.Passwords;

namespace IamOnboard.Iam;

/// <summary>
/// The IAM API as the module needs it. Every call takes a cancellation token that aborts in-flight HTTP; every List*
/// call follows Marker/IsTruncated to the last page. Errors surface as <see cref="IamServiceException"/> subclasses.
/// </summary>
/// <remarks>Thread-safe: one client serves concurrent calls.</remarks>
public sealed partial class IamClient : IDisposable
{
    private readonly IamQueryTransport _transport;
    private readonly RecentlyCreatedEntities _recentlyCreated;
    private readonly IamClientOptions _options;

    /// <summary>A client signing with an explicit access key (and session token for temporary credentials).</summary>
    public IamClient(IamClientOptions options, string accessKeyId, SecureString secretAccessKey, SecureString? sessionToken = null)
        : this(options, SdkCredentials.FromKeys(accessKeyId, secretAccessKey, sessionToken))
    {
    }

    internal IamClient(IamClientOptions options, Amazon.Runtime.AWSCredentials credentials)
        : this(options, new IamQueryTransport(options, credentials))
    {
    }

    internal IamClient(IamClientOptions options, IamQueryTransport transport)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _transport = transport;
        _recentlyCreated = new RecentlyCreatedEntities(options.ReadAfterCreateWindow);
    }

    /// <summary>How many requests this client may have in flight; shared by every command using the session.</summary>
    public RequestBudget Budget { get; } = new();

    public IamClientOptions Options => _options;

    /// <summary>The URL requests go to.</summary>
    public string Endpoint => _transport.Endpoint;

    internal RecentlyCreatedEntities RecentlyCreated => _recentlyCreated;

    /// <summary>IAM's time, as the Date headers of its answers to this client tell it.</summary>
    internal ServiceClock ServiceClock => _transport.ServiceClock;

    // ---- Users ----

    public async Task<IamUser> CreateUserAsync(string userName, string? path = null, IEnumerable<IamTag>? tags = null, string? permissionsBoundary = null, CancellationToken cancellationToken = default)
    {
        var parameters = new QueryParameters().Add("UserName", userName).Add("Path", path).Add("PermissionsBoundary", permissionsBoundary).AddTags(tags);
        var result = await CallAsync("CreateUser", parameters, cancellationToken).ConfigureAwait(false);
        _recentlyCreated.Add(EntityKind.User, userName);

        // IAM's model makes CreateUser's User optional (the AWS CLI prints nothing then): the user exists, so read it.
        return IamXml.Child(result, "User") is { } user ? IamXml.ReadUser(user) : await GetUserAsync(userName, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The named user, or the calling user when <paramref name="userName"/> is null.</summary>
    public async Task<IamUser> GetUserAsync(string? userName = null, CancellationToken cancellationToken = default)
    {
        var result = await CallAsync("GetUser", new QueryParameters().Add("UserName", userName), cancellationToken, Ref(EntityKind.User, userName)).ConfigureAwait(false);
        return IamXml.ReadUser(IamXml.Required(result, "User"));
    }

    /// <param name="pathPrefix">Only users on this path.</param>
    /// <param name="maxItems">Users per page (IAM allows 1 to 1,000); null for the client's page size.</param>
    /// <param name="cancellationToken">Stops the listing.</param>
    public Task<IReadOnlyList<IamUser>> ListUsersAsync(string? pathPrefix = null, int? maxItems = null, CancellationToken cancellationToken = default)
        => ListAsync("ListUsers", new QueryParameters().Add("PathPrefix", pathPrefix).Add("MaxItems", maxItems), "Users", IamXml.ReadUser, cancellationToken);

    public Task DeleteUserAsync(string userName, CancellationToken cancellationToken = default)
        => CallAsync("DeleteUser", new QueryParameters().Add("UserName", userName), cancellationToken, Ref(EntityKind.User, userName));

    public Task TagUserAsync(string userName, IEnumerable<IamTag> tags, CancellationToken cancellationToken = default)
        => CallAsync("TagUser", new QueryParameters().Add("UserName", userName).AddTags(tags), cancellationToken, Ref(EntityKind.User, userName));

    public Task UntagUserAsync(string userName, IEnumerable<string> tagKeys, CancellationToken cancellationToken = default)
        => CallAsync("UntagUser", new QueryParameters().Add("UserName", userName).AddList("TagKeys", tagKeys), cancellationToken, Ref(EntityKind.User, userName));

    public Task<IReadOnlyList<IamTag>> ListUserTagsAsync(string userName, CancellationToken cancellationToken = default)
        => ListAsync("ListUserTags", new QueryParameters().Add("UserName", userName), "Tags", IamXml.ReadTag, cancellationToken, Ref(EntityKind.User, userName));

    // ---- Login profiles ----

    /// <summary>Gives the user a console password. The password goes only into the signed request body, never into logs or exceptions.</summary>
    public async Task<IamLoginProfile> CreateLoginProfileAsync(string userName, string password, bool passwordResetRequired, CancellationToken cancellationToken = default)
    {
        var parameters = new QueryParameters().Add("UserName", userName).Add("Password", password).Add("PasswordResetRequired", passwordResetRequired);
        var result = await CallAsync("CreateLoginProfile", parameters, cancellationToken, Ref(EntityKind.User, userName)).ConfigureAwait(false);
        return IamXml.ReadLoginProfile(IamXml.Required(result, "LoginProfile"));
    }

    public async Task<IamLoginProfile> GetLoginProfileAsync(string userName, CancellationToken cancellationToken = default)
    {
        var result = await CallAsync("GetLoginProfile", new QueryParameters().Add("UserName", userName), cancellationToken).ConfigureAwait(false);
        return IamXml.ReadLoginProfile(IamXml.Required(result, "LoginProfile"));
    }

    /// <summary>
    /// Sets a new console password. Idempotent: sent again after a lost response it sets the same password. The password
    /// goes only into the signed request body.
    /// </summary>
    public Task UpdateLoginProfileAsync(string userName, string password, bool passwordResetRequired, CancellationToken cancellationToken = default)
        => CallAsync("UpdateLoginProfile", new QueryParameters().Add("UserName", userName).Add("Password", password).Add("PasswordResetRequired", passwordResetRequired), cancellationToken, Ref(EntityKind.User, userName));

    public Task DeleteLoginProfileAsync(string userName, CancellationToken cancellationToken = default)
        => CallAsync("DeleteLoginProfile", new QueryParameters().Add("UserName", userName), cancellationToken);

    // ---- Access keys ----

    /// <summary>
    /// Creates an access key. Never retried after a lost response (that would leave a second key whose secret nobody
    /// has): a lost response throws <see cref="IamResponseLostException"/>; reconcile with <see cref="ListAccessKeysAsync"/>.
    /// </summary>
    public async Task<IamNewAccessKey> CreateAccessKeyAsync(string userName, CancellationToken cancellationToken = default)
    {
        var result = await CallAsync("CreateAccessKey", new QueryParameters().Add("UserName", userName), cancellationToken, Ref(EntityKind.User, userName)).ConfigureAwait(false);
        return IamXml.ReadNewAccessKey(IamXml.Required(result, "AccessKey"));
    }

    public Task<IReadOnlyList<IamAccessKeyMetadata>> ListAccessKeysAsync(string userName, CancellationToken cancellationToken = default)
        => ListAsync("ListAccessKeys", new QueryParameters().Add("UserName", userName), "AccessKeyMetadata", key => IamXml.ReadAccessKeyMetadata(key, userName), cancellationToken, Ref(EntityKind.User, userName));

    public Task DeleteAccessKeyAsync(string userName, string accessKeyId, CancellationToken cancellationToken = default)
        => CallAsync("DeleteAccessKey", new QueryParameters().Add("UserName", userName).Add("AccessKeyId", accessKeyId), cancellationToken);

    public Task UpdateAccessKeyAsync(string userName, string accessKeyId, IamAccessKeyStatus status, CancellationToken cancellationToken = default)
        => CallAsync("UpdateAccessKey", new QueryParameters().Add("UserName", userName).Add("AccessKeyId", accessKeyId).Add("Status", status.ToString()), cancellationToken);

    // ---- Groups ----

    public async Task<IamGroup> CreateGroupAsync(string groupName, string? path = null, CancellationToken cancellationToken = default)
    {
        var result = await CallAsync("CreateGroup", new QueryParameters().Add("GroupName", groupName).Add("Path", path), cancellationToken).ConfigureAwait(false);
        _recentlyCreated.Add(EntityKind.Group, groupName);
        return IamXml.ReadGroup(IamXml.Required(result, "Group"));
    }

    /// <summary>The group and every member (all pages).</summary>
    public async Task<IamGroupDetail> GetGroupAsync(string groupName, CancellationToken cancellationToken = default)
    {
        IamGroup? group = null;
        var users = new List<IamUser>();
        await foreach (var page in PagesAsync("GetGroup", new QueryParameters().Add("GroupName", groupName), cancellationToken, Ref(EntityKind.Group, groupName)).ConfigureAwait(false))
        {
            group ??= IamXml.ReadGroup(IamXml.Required(page, "Group"));
            users.AddRange(IamXml.Members(page, "Users").Select(IamXml.ReadUser));
        }

        return new IamGroupDetail(group!, users);
    }

    /// <summary>The group without its members: one GetGroup call asking for a single member, however many the group has.</summary>
    public async Task<IamGroup> GetGroupWithoutMembersAsync(string groupName, CancellationToken cancellationToken = default)
    {
        var result = await CallAsync("GetGroup", new QueryParameters().Add("GroupName", groupName).Add("MaxItems", 1), cancellationToken, Ref(EntityKind.Group, groupName)).ConfigureAwait(false);
        return IamXml.ReadGroup(IamXml.Required(result, "Group"));
    }

    /// <param name="pathPrefix">Only groups on this path.</param>
    /// <param name="maxItems">Groups per page (IAM allows 1 to 1,000); null for the client's page size.</param>
    /// <param name="cancellationToken">Stops the listing.</param>
    public Task<IReadOnlyList<IamGroup>> ListGroupsAsync(string? pathPrefix = null, int? maxItems = null, CancellationToken cancellationToken = default)
        => ListAsync("ListGroups", new QueryParameters().Add("PathPrefix", pathPrefix).Add("MaxItems", maxItems), "Groups", IamXml.ReadGroup, cancellationToken);

    public Task<IReadOnlyList<IamGroup>> ListGroupsForUserAsync(string userName, CancellationToken cancellationToken = default)
        => ListAsync("ListGroupsForUser", new QueryParameters().Add("UserName", userName), "Groups", IamXml.ReadGroup, cancellationToken, Ref(EntityKind.User, userName));

    public Task DeleteGroupAsync(string groupName, CancellationToken cancellationToken = default)
        => CallAsync("DeleteGroup", new QueryParameters().Add("GroupName", groupName), cancellationToken, Ref(EntityKind.Group, groupName));

    public Task AddUserToGroupAsync(string groupName, string userName, CancellationToken cancellationToken = default)
        => CallAsync("AddUserToGroup", new QueryParameters().Add("GroupName", groupName).Add("UserName", userName), cancellationToken, Ref(EntityKind.Group, groupName), Ref(EntityKind.User, userName));

    public Task RemoveUserFromGroupAsync(string groupName, string userName, CancellationToken cancellationToken = default)
        => CallAsync("RemoveUserFromGroup", new QueryParameters().Add("GroupName", groupName).Add("UserName", userName), cancellationToken, Ref(EntityKind.Group, groupName), Ref(EntityKind.User, userName));

    // ---- Managed policy attachments ----

    public Task PutUserPermissionsBoundaryAsync(string userName, string permissionsBoundaryArn, CancellationToken cancellationToken = default)
        => CallAsync("PutUserPermissionsBoundary", new QueryParameters().Add("UserName", userName).Add("PermissionsBoundary", permissionsBoundaryArn), cancellationToken, Ref(EntityKind.User, userName));

    public Task AttachUserPolicyAsync(string userName, string policyArn, CancellationToken cancellationToken = default)
        => CallAsync("AttachUserPolicy", new QueryParameters().Add("UserName", userName).Add("PolicyArn", policyArn), cancellationToken, Ref(EntityKind.User, userName), Ref(EntityKind.Policy, policyArn));

    public Task DetachUserPolicyAsync(string userName, string policyArn, CancellationToken cancellationToken = default)
        => CallAsync("DetachUserPolicy", new QueryParameters().Add("UserName", userName).Add("PolicyArn", policyArn), cancellationToken);

    public Task<IReadOnlyList<IamAttachedPolicy>> ListAttachedUserPoliciesAsync(string userName, CancellationToken cancellationToken = default)
        => ListAsync("ListAttachedUserPolicies", new QueryParameters().Add("UserName", userName), "AttachedPolicies", IamXml.ReadAttachedPolicy, cancellationToken, Ref(EntityKind.User, userName));

    public Task AttachGroupPolicyAsync(string groupName, string policyArn, CancellationToken cancellationToken = default)
        => CallAsync("AttachGroupPolicy", new QueryParameters().Add("GroupName", groupName).Add("PolicyArn", policyArn), cancellationToken, Ref(EntityKind.Group, groupName), Ref(EntityKind.Policy, policyArn));

    public Task DetachGroupPolicyAsync(string groupName, string policyArn, CancellationToken cancellationToken = default)
        => CallAsync("DetachGroupPolicy", new QueryParameters().Add("GroupName", groupName).Add("PolicyArn", policyArn), cancellationToken);

    public Task<IReadOnlyList<IamAttachedPolicy>> ListAttachedGroupPoliciesAsync(string groupName, CancellationToken cancellationToken = default)
        => ListAsync("ListAttachedGroupPolicies", new QueryParameters().Add("GroupName", groupName), "AttachedPolicies", IamXml.ReadAttachedPolicy, cancellationToken, Ref(EntityKind.Group, groupName));

    // ---- Inline policies ----

    public Task PutUserPolicyAsync(string userName, string policyName, string policyDocument, CancellationToken cancellationToken = default)
        => CallAsync("PutUserPolicy", new QueryParameters().Add("UserName", userName).Add("PolicyName", policyName).Add("PolicyDocument", policyDocument), cancellationToken, Ref(EntityKind.User, userName));

    public async Task<IamInlinePolicy> GetUserPolicyAsync(string userName, string policyName, CancellationToken cancellationToken = default)
    {
        var result = await CallAsync("GetUserPolicy", new QueryParameters().Add("UserName", userName).Add("PolicyName", policyName), cancellationToken).ConfigureAwait(false);
        return IamXml.ReadInlinePolicy(result!);
    }

    /// <summary>Names of the user's inline policies.</summary>
    public Task<IReadOnlyList<string>> ListUserPoliciesAsync(string userName, CancellationToken cancellationToken = default)
        => ListAsync("ListUserPolicies", new QueryParameters().Add("UserName", userName), "PolicyNames", e => e.Value, cancellationToken, Ref(EntityKind.User, userName));

    public Task DeleteUserPolicyAsync(string userName, string policyName, CancellationToken cancellationToken = default)
        => CallAsync("DeleteUserPolicy", new QueryParameters().Add("UserName", userName).Add("PolicyName", policyName), cancellationToken);

    public Task PutGroupPolicyAsync(string groupName, string policyName, string policyDocument, CancellationToken cancellationToken = default)
        => CallAsync("PutGroupPolicy", new QueryParameters().Add("GroupName", groupName).Add("PolicyName", policyName).Add("PolicyDocument", policyDocument), cancellationToken, Ref(EntityKind.Group, groupName));

    public async Task<IamInlinePolicy> GetGroupPolicyAsync(string groupName, string policyName, CancellationToken cancellationToken = default)
    {
        var result = await CallAsync("GetGroupPolicy", new QueryParameters().Add("GroupName", groupName).Add("PolicyName", policyName), cancellationToken).ConfigureAwait(false);
        return IamXml.ReadInlinePolicy(result!);
    }

    /// <summary>Names of the group's inline policies.</summary>
    public Task<IReadOnlyList<string>> ListGroupPoliciesAsync(string groupName, CancellationToken cancellationToken = default)
        => ListAsync("ListGroupPolicies", new QueryParameters().Add("GroupName", groupName), "PolicyNames", e => e.Value, cancellationToken, Ref(EntityKind.Group, groupName));

    public Task DeleteGroupPolicyAsync(string groupName, string policyName, CancellationToken cancellationToken = default)
        => CallAsync("DeleteGroupPolicy", new QueryParameters().Add("GroupName", groupName).Add("PolicyName", policyName), cancellationToken);

    // ---- Managed policies ----

    public async Task<IamManagedPolicy> CreatePolicyAsync(string policyName, string policyDocument, string? path = null, string? description = null, CancellationToken cancellationToken = default)
    {
        var parameters = new QueryParameters().Add("PolicyName", policyName).Add("PolicyDocument", policyDocument).Add("Path", path).Add("Description", description);
        var result = await CallAsync("CreatePolicy", parameters, cancellationToken).ConfigureAwait(false);

        // IAM's model makes CreatePolicy's Policy optional; the ARN, which the answer alone would give, is then found
        // among the account's policies on that path.
        var policy = IamXml.Child(result, "Policy") is { } created
            ? IamXml.ReadManagedPolicy(created)
            : (await ListPoliciesAsync(PolicyScope.Local, false, path ?? "/", cancellationToken: cancellationToken).ConfigureAwait(false))
                .FirstOrDefault(p => p.PolicyName == policyName && p.Path == (path ?? "/"))
                ?? throw new IamServiceException($"IAM CreatePolicy answered without the policy, and no policy named '{policyName}' is on path '{path ?? "/"}' in the account's list.",
                    "MalformedResponse", null, 200, null, "CreatePolicy");
        _recentlyCreated.Add(EntityKind.Policy, policy.Arn);
        return policy;
    }

    /// <summary>The policy; known by its ARN alone when IAM answers without the Policy (its model allows that).</summary>
    public async Task<IamManagedPolicy> GetPolicyAsync(string policyArn, CancellationToken cancellationToken = default)
    {
        var result = await CallAsync("GetPolicy", new QueryParameters().Add("PolicyArn", policyArn), cancellationToken, Ref(EntityKind.Policy, policyArn)).ConfigureAwait(false);
        return IamXml.Child(result, "Policy") is { } policy ? IamXml.ReadManagedPolicy(policy) : IamXml.ManagedPolicyFromArn(policyArn);
    }

    /// <param name="scope">AWS managed, the account's own, or both.</param>
    /// <param name="onlyAttached">Only policies attached to something.</param>
    /// <param name="pathPrefix">Only policies on this path.</param>
    /// <param name="maxItems">Policies per page (IAM allows 1 to 1,000); null for the client's page size.</param>
    /// <param name="cancellationToken">Stops the listing.</param>
    public Task<IReadOnlyList<IamManagedPolicy>> ListPoliciesAsync(PolicyScope scope = PolicyScope.All, bool onlyAttached = false, string? pathPrefix = null, int? maxItems = null, CancellationToken cancellationToken = default)
    {
        // IAM's enum spells it "AWS".
        var parameters = new QueryParameters().Add("Scope", scope == PolicyScope.Aws ? "AWS" : scope.ToString()).Add("PathPrefix", pathPrefix).Add("MaxItems", maxItems);
        if (onlyAttached)
        {
            parameters.Add("OnlyAttached", true);
        }

        return ListAsync("ListPolicies", parameters, "Policies", IamXml.ReadManagedPolicy, cancellationToken);
    }

    /// <summary>One version of a managed policy, with its document.</summary>
    public async Task<IamPolicyVersion> GetPolicyVersionAsync(string policyArn, string versionId, CancellationToken cancellationToken = default)
    {
        var result = await CallAsync("GetPolicyVersion", new QueryParameters().Add("PolicyArn", policyArn).Add("VersionId", versionId), cancellationToken, Ref(EntityKind.Policy, policyArn)).ConfigureAwait(false);
        return IamXml.ReadPolicyVersion(IamXml.Required(result, "PolicyVersion"));
    }

    /// <summary>The versions of a managed policy, without their documents.</summary>
    public Task<IReadOnlyList<IamPolicyVersion>> ListPolicyVersionsAsync(string policyArn, CancellationToken cancellationToken = default)
        => ListAsync("ListPolicyVersions", new QueryParameters().Add("PolicyArn", policyArn), "Versions", IamXml.ReadPolicyVersion, cancellationToken, Ref(EntityKind.Policy, policyArn));

    public async Task<IamPolicyVersion> CreatePolicyVersionAsync(string policyArn, string policyDocument, bool setAsDefault, CancellationToken cancellationToken = default)
    {
        var parameters = new QueryParameters().Add("PolicyArn", policyArn).Add("PolicyDocument", policyDocument);
        if (setAsDefault)
        {
            parameters.Add("SetAsDefault", true);
        }

        var result = await CallAsync("CreatePolicyVersion", parameters, cancellationToken, Ref(EntityKind.Policy, policyArn)).ConfigureAwait(false);
        return IamXml.ReadPolicyVersion(IamXml.Required(result, "PolicyVersion"));
    }

    public Task DeletePolicyVersionAsync(string policyArn, string versionId, CancellationToken cancellationToken = default)
        => CallAsync("DeletePolicyVersion", new QueryParameters().Add("PolicyArn", policyArn).Add("VersionId", versionId), cancellationToken, Ref(EntityKind.Policy, policyArn));

    public Task DeletePolicyAsync(string policyArn, CancellationToken cancellationToken = default)
        => CallAsync("DeletePolicy", new QueryParameters().Add("PolicyArn", policyArn), cancellationToken, Ref(EntityKind.Policy, policyArn));

    // ---- MFA ----

    /// <summary>
    /// Creates a virtual MFA device; seed and QR code come back only from this call. A lost response throws
    /// <see cref="IamResponseLostException"/>. An answer without a usable seed (IAM's model makes it optional) leaves a
    /// device nobody can ever enrol: it is deleted, and the error says so (or says it is still there).
    /// </summary>
    public Task<IamNewVirtualMfaDevice> CreateVirtualMfaDeviceAsync(string deviceName, string? path = null, CancellationToken cancellationToken = default)
        => CreateVirtualMfaDeviceAsync(deviceName, path, null, cancellationToken);

    /// <inheritdoc cref="CreateVirtualMfaDeviceAsync(string, string?, CancellationToken)"/>
    /// <param name="deviceName">The device's name.</param>
    /// <param name="path">The device's path; null for <c>/</c>.</param>
    /// <param name="tags">Tags the device is created with (IAM applies them with the create, or makes nothing).</param>
    /// <param name="cancellationToken">Stops the call.</param>
    public async Task<IamNewVirtualMfaDevice> CreateVirtualMfaDeviceAsync(string deviceName, string? path, IEnumerable<IamTag>? tags, CancellationToken cancellationToken = default)
    {
        var parameters = new QueryParameters().Add("VirtualMFADeviceName", deviceName).Add("Path", path);
        if (tags is not null)
        {
            parameters.AddTags(tags);
        }

        var result = await CallAsync("CreateVirtualMFADevice", parameters, cancellationToken).ConfigureAwait(false);
        var (serialNumber, seed, qrCodePng) = IamXml.ReadNewVirtualMfaDevice(IamXml.Required(result, "VirtualMFADevice"));
        _recentlyCreated.Add(EntityKind.MfaDevice, serialNumber);
        if (seed is null || !IsBase32Seed(seed))
        {
            var problem = seed is null ? "lacks the <Base32StringSeed> element" : "has a <Base32StringSeed> that is not a base32 seed";
            throw await DeleteUnusableDeviceAsync(serialNumber, $"IAM's CreateVirtualMFADevice answer for device '{deviceName}' {problem}, without which no authenticator can be set up").ConfigureAwait(false);
        }

        return new IamNewVirtualMfaDevice(serialNumber, seed, qrCodePng);
    }

    private static bool IsBase32Seed(byte[] seed)
    {
        try
        {
            var key = Mfa.Totp.KeyFromBase32(System.Text.Encoding.ASCII.GetString(seed));
            Array.Clear(key, 0, key.Length);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>Deletes a device made with no usable seed; returns the error naming the problem and what became of the device.</summary>
    private async Task<IamServiceException> DeleteUnusableDeviceAsync(string serialNumber, string problem)
    {
        try
        {
            // Not cut short by a stop: the device is useless to anyone, and this is the only moment anything knows of it.
            await DeleteVirtualMfaDeviceAsync(serialNumber, CancellationToken.None).ConfigureAwait(false);
            return new IamServiceException($"{problem}; the device {serialNumber} it made was deleted.", "MalformedResponse", null, 200, null, "CreateVirtualMFADevice");
        }
        catch (Exception notDeleted)
        {
            return new IamServiceException(
                $"{problem}; the device {serialNumber} it made could not be deleted ({notDeleted.Message.TrimEnd('.')}): delete it (aws iam delete-virtual-mfa-device --serial-number {serialNumber}).",
                "MalformedResponse", null, 200, null, "CreateVirtualMFADevice", notDeleted);
        }
    }

    /// <summary>Associates the device with the user. The two codes are secrets: never logged.</summary>
    public Task EnableMfaDeviceAsync(string userName, string serialNumber, string authenticationCode1, string authenticationCode2, CancellationToken cancellationToken = default)
    {
        var parameters = new QueryParameters().Add("UserName", userName).Add("SerialNumber", serialNumber)
            .Add("AuthenticationCode1", authenticationCode1).Add("AuthenticationCode2", authenticationCode2);
        // Not retried on a lost response: the same codes would be refused as reused and hide the success.
        return CallAsync("EnableMFADevice", parameters, cancellationToken, Ref(EntityKind.User, userName), Ref(EntityKind.MfaDevice, serialNumber));
    }

    public Task DeactivateMfaDeviceAsync(string userName, string serialNumber, CancellationToken cancellationToken = default)
        => CallAsync("DeactivateMFADevice", new QueryParameters().Add("UserName", userName).Add("SerialNumber", serialNumber), cancellationToken);

    public Task DeleteVirtualMfaDeviceAsync(string serialNumber, CancellationToken cancellationToken = default)
        => CallAsync("DeleteVirtualMFADevice", new QueryParameters().Add("SerialNumber", serialNumber), cancellationToken, Ref(EntityKind.MfaDevice, serialNumber));

    public Task<IReadOnlyList<IamTag>> ListMfaDeviceTagsAsync(string serialNumber, CancellationToken cancellationToken = default)
        => ListAsync("ListMFADeviceTags", new QueryParameters().Add("SerialNumber", serialNumber), "Tags", IamXml.ReadTag, cancellationToken, Ref(EntityKind.MfaDevice, serialNumber));

    public Task TagMfaDeviceAsync(string serialNumber, IEnumerable<IamTag> tags, CancellationToken cancellationToken = default)
        => CallAsync("TagMFADevice", new QueryParameters().Add("SerialNumber", serialNumber).AddTags(tags), cancellationToken, Ref(EntityKind.MfaDevice, serialNumber));

    public Task UntagMfaDeviceAsync(string serialNumber, IEnumerable<string> tagKeys, CancellationToken cancellationToken = default)
        => CallAsync("UntagMFADevice", new QueryParameters().Add("SerialNumber", serialNumber).AddList("TagKeys", tagKeys), cancellationToken, Ref(EntityKind.MfaDevice, serialNumber));

    /// <summary>MFA devices of the user, or of the caller when <paramref name="userName"/> is null.</summary>
    public Task<IReadOnlyList<IamMfaDevice>> ListMfaDevicesAsync(string? userName = null, CancellationToken cancellationToken = default)
        => ListAsync("ListMFADevices", new QueryParameters().Add("UserName", userName), "MFADevices", IamXml.ReadMfaDevice, cancellationToken, Ref(EntityKind.User, userName));

    public Task<IReadOnlyList<IamVirtualMfaDevice>> ListVirtualMfaDevicesAsync(VirtualMfaAssignmentStatus assignmentStatus = VirtualMfaAssignmentStatus.Any, CancellationToken cancellationToken = default)
        => ListAsync("ListVirtualMFADevices", new QueryParameters().Add("AssignmentStatus", assignmentStatus.ToString()), "VirtualMFADevices", IamXml.ReadVirtualMfaDevice, cancellationToken);

    // ---- Account ----

    /// <summary>The account's custom password policy, or null when the account has none (IAM answers NoSuchEntity; its default rules apply).</summary>
    public async Task<PasswordPolicy?> GetAccountPasswordPolicyAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            var result = await CallAsync("GetAccountPasswordPolicy", new QueryParameters(), cancellationToken).ConfigureAwait(false);
            return IamXml.ReadPasswordPolicy(IamXml.Required(result, "PasswordPolicy"));
        }
        catch (IamNoSuchEntityException)
        {
            return null;
        }
    }

    public Task UpdateAccountPasswordPolicyAsync(PasswordPolicy policy, CancellationToken cancellationToken = default)
    {
        if (policy is null)
        {
            throw new ArgumentNullException(nameof(policy));
        }

        var parameters = new QueryParameters()
            .Add("MinimumPasswordLength", policy.MinimumPasswordLength)
            .Add("RequireSymbols", policy.RequireSymbols)
            .Add("RequireNumbers", policy.RequireNumbers)
            .Add("RequireUppercaseCharacters", policy.RequireUppercaseCharacters)
            .Add("RequireLowercaseCharacters", policy.RequireLowercaseCharacters)
            .Add("AllowUsersToChangePassword", policy.AllowUsersToChangePassword)
            .Add("MaxPasswordAge", policy.MaxPasswordAge)
            .Add("PasswordReusePrevention", policy.PasswordReusePrevention)
            .Add("HardExpiry", policy.HardExpiry);
        return CallAsync("UpdateAccountPasswordPolicy", parameters, cancellationToken);
    }

    public Task DeleteAccountPasswordPolicyAsync(CancellationToken cancellationToken = default)
        => CallAsync("DeleteAccountPasswordPolicy", new QueryParameters(), cancellationToken);

    public Task<IReadOnlyList<string>> ListAccountAliasesAsync(CancellationToken cancellationToken = default)
        => ListAsync("ListAccountAliases", new QueryParameters(), "AccountAliases", e => e.Value, cancellationToken);

    public Task CreateAccountAliasAsync(string accountAlias, CancellationToken cancellationToken = default)
        => CallAsync("CreateAccountAlias", new QueryParameters().Add("AccountAlias", accountAlias), cancellationToken);

    public Task DeleteAccountAliasAsync(string accountAlias, CancellationToken cancellationToken = default)
        => CallAsync("DeleteAccountAlias", new QueryParameters().Add("AccountAlias", accountAlias), cancellationToken);

    public async Task<IamAccountSummary> GetAccountSummaryAsync(CancellationToken cancellationToken = default)
    {
        var result = await CallAsync("GetAccountSummary", new QueryParameters(), cancellationToken).ConfigureAwait(false);
        return IamXml.ReadAccountSummary(IamXml.Child(result, "SummaryMap"));
    }

    public void Dispose() => _transport.Dispose();

    public override string ToString() => "IAM client for " + Endpoint;
}
