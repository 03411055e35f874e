using System;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using IamOnboard.LocalIam.Auth;
using IamOnboard.LocalIam.Protocol;
using IamOnboard.LocalIam.State;

namespace IamOnboard.LocalIam.Iam;

/// <summary>ChangePassword, and the password bookkeeping it needs (IAM keeps no readable password; neither does this endpoint).</summary>
internal sealed partial class IamService
{
    private const int SaltBytes = 16;

    private void RegisterPasswords() => Register("ChangePassword", ChangePassword, hasResult: false);

    /// <summary>
    /// The calling IAM user changes their own console password: the old one must match, the new one must satisfy the
    /// account's password policy (including PasswordReusePrevention), and a pending PasswordResetRequired is cleared.
    /// </summary>
    private static void ChangePassword(OperationContext context)
    {
        var user = context.Caller.Kind == CallerKind.User ? context.Caller.User! : throw new IamServiceException("InvalidUserType", 400, "Only IAM users can change their own password.");
        string oldPassword = PasswordParameter(context, "OldPassword");
        string newPassword = PasswordParameter(context, "NewPassword");
        var profile = user.LoginProfile ?? throw IamServiceException.NoSuchEntity("Login Profile for User " + user.UserName + " cannot be found.");
        if (profile.PasswordHash is null || !Matches(profile.PasswordHash, oldPassword))
        {
            throw IamServiceException.AccessDenied("The old password provided is incorrect.");
        }

        EnforcePasswordPolicy(context.Store, newPassword);
        int reuse = context.Store.State.PasswordPolicy?.PasswordReusePrevention ?? 0;
        if (reuse > 0 && new[] { profile.PasswordHash }.Concat(profile.PreviousPasswordHashes).Take(reuse).Any(h => Matches(h, newPassword)))
        {
            throw new IamServiceException("PasswordPolicyViolation", 400,
                "Password does not conform to the account password policy: it was used among the last " + reuse + " passwords.");
        }

        SetPassword(context.Store, profile, newPassword);
        profile.PasswordResetRequired = false;
    }

    private static string PasswordParameter(OperationContext context, string name)
    {
        string value = context.Required(name);
        if (value.Length < 1 || value.Length > 128)
        {
            // Secrets: the message names the parameter, never the value.
            throw IamServiceException.Validation("1 validation error detected: Value at '" + OperationContext.MemberName(name) + "' failed to satisfy constraint: Member must have length between 1 and 128");
        }

        return value;
    }

    /// <summary>Records a new password's hash, keeping the earlier ones the reuse rule may need (IAM remembers at most 24).</summary>
    private static void SetPassword(AccountStore store, LoginProfileEntity profile, string password)
    {
        if (profile.PasswordHash is not null)
        {
            profile.PreviousPasswordHashes.Insert(0, profile.PasswordHash);
            int keep = store.State.PasswordPolicy?.PasswordReusePrevention ?? 0;
            profile.PreviousPasswordHashes.RemoveRange(Math.Min(keep, profile.PreviousPasswordHashes.Count), Math.Max(0, profile.PreviousPasswordHashes.Count - keep));
        }

        byte[] salt = IdGenerator.RandomBytes(SaltBytes);
        profile.PasswordHash = Convert.ToBase64String(salt) + ":" + Convert.ToBase64String(Hash(salt, password));
    }

    private static bool Matches(string stored, string password)
    {
        int colon = stored.IndexOf(':');
        if (colon < 0)
        {
            return false;
        }

        byte[] salt = Convert.FromBase64String(stored.Substring(0, colon));
        byte[] expected = Convert.FromBase64String(stored.Substring(colon + 1));
        byte[] actual = Hash(salt, password);
        int difference = expected.Length ^ actual.Length;
        for (int i = 0; i < Math.Min(expected.Length, actual.Length); i++)
        {
            difference |= expected[i] ^ actual[i];
        }

        return difference == 0;
    }

    private static byte[] Hash(byte[] salt, string password)
    {
        using var hmac = new HMACSHA256(salt);
        return hmac.ComputeHash(Encoding.UTF8.GetBytes(password));
    }

    /// <summary>GetLoginProfile: UserName is optional and defaults to the calling user.</summary>
    private static UserEntity RequireOwnLoginProfile(OperationContext context)
    {
        var user = UserOrCaller(context);
        if (user.LoginProfile is null)
        {
            throw IamServiceException.NoSuchEntity("Login Profile for User " + user.UserName + " cannot be found.");
        }

        return user;
    }
}
