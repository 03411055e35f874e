using System;
using System.Collections.Generic;
using System.Linq;
using IamOnboard.Rules;

namespace IamOnboard.LocalIam.State;

/// <summary>Who holds an access key: a user's long-term key, the root key, or an assumed-role session.</summary>
internal sealed class KeyOwner
{
    public KeyOwner(string secretAccessKey, UserEntity? user, AccessKeyEntity? key, RoleSessionEntity? session)
    {
        SecretAccessKey = secretAccessKey;
        User = user;
        Key = key;
        Session = session;
    }

    public string SecretAccessKey { get; }
    public UserEntity? User { get; }
    public AccessKeyEntity? Key { get; }
    public RoleSessionEntity? Session { get; }
    public bool IsRoot => User is null && Session is null;
}

/// <summary>
/// The account's entities plus the lookups the hot path needs (users by name, keys by id). Every method
/// must be called under the server's state lock.
/// </summary>
internal sealed class AccountStore
{
    private readonly Dictionary<string, UserEntity> _usersByName = new(IamNameRules.NameComparer);
    private readonly Dictionary<string, KeyOwner> _keys = new(StringComparer.Ordinal);

    public AccountStore(AccountState state)
    {
        State = state;
        RebuildIndexes();
    }

    public AccountState State { get; }

    public string AccountId => State.AccountId;

    public string Arn(string kind, string path, string name) => "arn:aws:iam::" + State.AccountId + ":" + kind + path + name;

    public string UserArn(UserEntity user) => Arn("user", user.Path, user.UserName);

    public string GroupArn(GroupEntity group) => Arn("group", group.Path, group.GroupName);

    public string RoleArn(RoleEntity role) => Arn("role", role.Path, role.RoleName);

    public void RebuildIndexes()
    {
        _usersByName.Clear();
        _keys.Clear();
        _keys[State.RootAccessKeyId] = new KeyOwner(State.RootSecretAccessKey, null, null, null);
        foreach (var user in State.Users)
        {
            _usersByName[user.UserName] = user;
            foreach (var key in user.AccessKeys)
            {
                _keys[key.AccessKeyId] = new KeyOwner(key.SecretAccessKey, user, key, null);
            }
        }

        foreach (var session in State.RoleSessions)
        {
            _keys[session.AccessKeyId] = new KeyOwner(session.SecretAccessKey, null, null, session);
        }
    }

    public KeyOwner? FindKey(string accessKeyId) => _keys.TryGetValue(accessKeyId, out var owner) ? owner : null;

    public UserEntity? FindUser(string name) => _usersByName.TryGetValue(name, out var user) ? user : null;

    public UserEntity? FindUserById(string userId) => State.Users.FirstOrDefault(u => u.UserId == userId);

    public void AddUser(UserEntity user)
    {
        State.Users.Add(user);
        _usersByName[user.UserName] = user;
    }

    public void RemoveUser(UserEntity user)
    {
        State.Users.Remove(user);
        _usersByName.Remove(user.UserName);
    }

    public void AddAccessKey(UserEntity user, AccessKeyEntity key)
    {
        user.AccessKeys.Add(key);
        _keys[key.AccessKeyId] = new KeyOwner(key.SecretAccessKey, user, key, null);
    }

    public void RemoveAccessKey(UserEntity user, AccessKeyEntity key)
    {
        user.AccessKeys.Remove(key);
        _keys.Remove(key.AccessKeyId);
    }

    public void AddSession(RoleSessionEntity session)
    {
        // Expired sessions are only kept long enough to answer ExpiredToken; drop the old ones here.
        DateTime cutoff = DateTime.UtcNow.AddDays(-1);
        foreach (var stale in State.RoleSessions.Where(s => s.Expiration < cutoff).ToList())
        {
            State.RoleSessions.Remove(stale);
            _keys.Remove(stale.AccessKeyId);
        }

        State.RoleSessions.Add(session);
        _keys[session.AccessKeyId] = new KeyOwner(session.SecretAccessKey, null, null, session);
    }

    public GroupEntity? FindGroup(string name) =>
        State.Groups.FirstOrDefault(g => IamNameRules.NameComparer.Equals(g.GroupName, name));

    public GroupEntity? FindGroupById(string groupId) => State.Groups.FirstOrDefault(g => g.GroupId == groupId);

    public RoleEntity? FindRole(string name) =>
        State.Roles.FirstOrDefault(r => IamNameRules.NameComparer.Equals(r.RoleName, name));

    public RoleEntity? FindRoleById(string roleId) => State.Roles.FirstOrDefault(r => r.RoleId == roleId);

    public ManagedPolicyEntity? FindCustomerPolicy(string arn) => State.Policies.FirstOrDefault(p => p.Arn == arn);

    public bool PolicyExists(string arn) => ManagedPolicyCatalog.Find(arn) is not null || FindCustomerPolicy(arn) is not null;

    /// <summary>How many users, groups and roles have the policy attached: IAM's AttachmentCount, always current.</summary>
    public int AttachmentCount(string arn) =>
        State.Users.Count(u => u.AttachedPolicyArns.Contains(arn))
        + State.Groups.Count(g => g.AttachedPolicyArns.Contains(arn))
        + State.Roles.Count(r => r.AttachedPolicyArns.Contains(arn));

    public VirtualMfaDeviceEntity? FindDevice(string serialNumber) =>
        State.VirtualMfaDevices.FirstOrDefault(d => d.SerialNumber == serialNumber);

    public IEnumerable<GroupEntity> GroupsOf(UserEntity user) =>
        user.GroupIds.Select(FindGroupById).Where(g => g is not null).Select(g => g!);

    public IEnumerable<UserEntity> MembersOf(GroupEntity group) => State.Users.Where(u => u.GroupIds.Contains(group.GroupId));

    public string PolicyNameOf(string arn) => arn.Substring(arn.LastIndexOf('/') + 1);
}
