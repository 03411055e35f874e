using IamOnboard.LocalIam.State;

namespace IamOnboard.LocalIam.Auth;

internal enum CallerKind
{
    Root,
    User,
    AssumedRole,
}

/// <summary>The authenticated principal behind a request.</summary>
internal sealed class CallerIdentity
{
    private CallerIdentity(CallerKind kind, string arn, string userId, UserEntity? user, RoleEntity? role, RoleSessionEntity? session)
    {
        Kind = kind;
        Arn = arn;
        UserId = userId;
        User = user;
        Role = role;
        Session = session;
    }

    public CallerKind Kind { get; }
    public string Arn { get; }
    public string UserId { get; }
    public UserEntity? User { get; }
    public RoleEntity? Role { get; }
    public RoleSessionEntity? Session { get; }

    public static CallerIdentity Root(AccountStore store) =>
        new(CallerKind.Root, "arn:aws:iam::" + store.AccountId + ":root", store.AccountId, null, null, null);

    public static CallerIdentity ForUser(AccountStore store, UserEntity user) =>
        new(CallerKind.User, store.UserArn(user), user.UserId, user, null, null);

    public static CallerIdentity ForSession(AccountStore store, RoleEntity role, RoleSessionEntity session) =>
        new(CallerKind.AssumedRole, AssumedRoleArn(store, role, session.SessionName), role.RoleId + ":" + session.SessionName, null, role, session);

    /// <summary>GetSessionToken's credentials: they act as the user (or root) that asked for them.</summary>
    public static CallerIdentity ForTokenSession(AccountStore store, UserEntity? user, RoleSessionEntity session) =>
        user is null
            ? new(CallerKind.Root, "arn:aws:iam::" + store.AccountId + ":root", store.AccountId, null, null, session)
            : new(CallerKind.User, store.UserArn(user), user.UserId, user, null, session);

    public static string AssumedRoleArn(AccountStore store, RoleEntity role, string sessionName) =>
        "arn:aws:sts::" + store.AccountId + ":assumed-role/" + role.RoleName + "/" + sessionName;
}
