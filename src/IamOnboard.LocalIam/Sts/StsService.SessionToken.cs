using System;
using IamOnboard.LocalIam.Auth;
using IamOnboard.LocalIam.Iam;
using IamOnboard.LocalIam.Protocol;
using IamOnboard.LocalIam.State;
using IamOnboard.Mfa;

namespace IamOnboard.LocalIam.Sts;

/// <summary>
/// GetSessionToken: temporary credentials for the calling user (or root), optionally proven with the user's MFA device.
/// Requests signed with them carry <c>aws:MultiFactorAuthPresent</c> true (and <c>aws:MultiFactorAuthAge</c>) when a
/// valid code was given, false otherwise. Like STS, it needs no permission but refuses session credentials.
/// </summary>
internal sealed partial class StsService
{
    private const string GetSessionTokenAction = "GetSessionToken";

    private static void GetSessionToken(OperationContext context)
    {
        var caller = context.Caller;
        bool isRoot = caller.Kind == CallerKind.Root;
        int duration = context.OptionalInt("DurationSeconds", 900, isRoot ? 3600 : 129600) ?? (isRoot ? 3600 : 43200);
        string? serial = context.Optional("SerialNumber");
        string? code = context.Optional("TokenCode");
        OperationContext.EnforceLength("SerialNumber", serial, 9, 256);
        if (code is not null && !Totp.IsWellFormedCode(code))
        {
            // A one-time code is a secret: the message does not repeat it.
            throw IamServiceException.Validation("1 validation error detected: Value at 'tokenCode' failed to satisfy constraint: Member must have length 6 and satisfy regular expression pattern: [\\d]*");
        }

        if (caller.Session is not null)
        {
            throw IamServiceException.AccessDenied("Cannot call GetSessionToken with session credentials");
        }

        DateTime? mfaAt = null;
        if (serial is not null || code is not null)
        {
            CheckMfa(context, serial, code);
            mfaAt = context.Now;
        }

        var session = new RoleSessionEntity
        {
            AccessKeyId = IdGenerator.AccessKeyId("ASIA"),
            SecretAccessKey = IdGenerator.SecretAccessKey(),
            SessionToken = IdGenerator.SessionToken(),
            TokenOwnerId = isRoot ? context.Store.AccountId : caller.User!.UserId,
            SessionName = isRoot ? "root" : caller.User!.UserName,
            Expiration = context.CredentialTime.AddSeconds(duration),
            MfaAuthenticatedAt = mfaAt,
            IssuedAt = context.Now,
        };
        context.Store.AddSession(session);
        context.Result.Open("Credentials")
            .Element("AccessKeyId", session.AccessKeyId)
            .Element("SecretAccessKey", session.SecretAccessKey)
            .Element("SessionToken", session.SessionToken)
            .Element("Expiration", session.Expiration)
            .Close("Credentials");
    }

    /// <summary>The serial must be an MFA device enabled for the caller, and the code its current one (a step either side allowed for clock drift), not used before.</summary>
    private static void CheckMfa(OperationContext context, string? serial, string? code)
    {
        var caller = context.Caller;
        var device = serial is null ? null : context.Store.FindDevice(serial);
        string? ownerId = caller.Kind == CallerKind.Root ? null : caller.User?.UserId;
        if (serial is null || code is null || device is null || device.EnableDate is null || device.UserId is null || device.UserId != ownerId)
        {
            throw IamServiceException.AccessDenied("MultiFactorAuthentication failed, unable to validate MFA code. Please verify your MFA serial number is valid and associated with this user.");
        }

        AcceptCodeOnce(context, device, code);
    }
}
