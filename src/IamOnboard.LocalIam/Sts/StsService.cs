using System;
using System.Collections.Generic;
using System.Linq;
using IamOnboard.LocalIam.Auth;
using IamOnboard.LocalIam.Iam;
using IamOnboard.LocalIam.Protocol;
using IamOnboard.LocalIam.State;
using IamOnboard.Mfa;
using IamOnboard.Rules;

namespace IamOnboard.LocalIam.Sts;

/// <summary>The two STS (2011-06-15) operations the module and its tests need: GetCallerIdentity and AssumeRole.</summary>
internal sealed partial class StsService
{
    public const string Namespace = "https://sts.amazonaws.com/doc/2011-06-15/";

    private static readonly HashSet<string> Actions = new(StringComparer.Ordinal) { "GetCallerIdentity", "AssumeRole", GetSessionTokenAction };

    public bool Knows(string action) => Actions.Contains(action);

    public static bool IsMutating(string action) => action == "AssumeRole" || action == GetSessionTokenAction;

    public string Invoke(string action, OperationContext context)
    {
        if (action == "GetCallerIdentity")
        {
            context.Result.Element("UserId", context.Caller.UserId).Element("Account", context.Store.AccountId).Element("Arn", context.Caller.Arn);
        }
        else if (action == GetSessionTokenAction)
        {
            GetSessionToken(context);
        }
        else
        {
            AssumeRole(context);
        }

        return context.Result.ToString();
    }

    /// <summary>
    /// SerialNumber and TokenCode as STS checks them: the device must be the caller's and the code current (one step of
    /// clock drift either way) and not used before (<see cref="AcceptCodeOnce"/>). True when a code was given and taken:
    /// the trust policy is then evaluated with aws:MultiFactorAuthPresent true.
    /// </summary>
    private static bool AcceptMfaCodeIfGiven(OperationContext context)
    {
        string? serial = context.Optional("SerialNumber");
        string? code = context.Optional("TokenCode");
        if (serial is null && code is null)
        {
            return false;
        }

        if (serial is null || code is null || !Totp.IsWellFormedCode(code))
        {
            // A one-time code is a secret: the message never echoes it.
            throw IamServiceException.Validation("1 validation error detected: SerialNumber and TokenCode go together, and TokenCode must be 6 digits.");
        }

        var device = context.Store.FindDevice(serial);
        if (device is null || context.Caller.User is null || device.UserId != context.Caller.User.UserId)
        {
            throw IamServiceException.AccessDenied("MultiFactorAuthentication failed, unable to validate MFA code. The device " + serial + " is not assigned to " + context.Caller.Arn + ".");
        }

        AcceptCodeOnce(context, device, code);
        return true;
    }

    /// <summary>
    /// The code must be the device's for the endpoint's step or one either side (clock drift), and of a later step than
    /// any code the device had accepted before: STS takes a code once (RFC 6238 5.2), so a second AssumeRole or
    /// GetSessionToken with the same code is refused in STS's words. The step is kept, never the code.
    /// </summary>
    private static void AcceptCodeOnce(OperationContext context, VirtualMfaDeviceEntity device, string code)
    {
        byte[] key = Totp.KeyFromBase32(device.Base32Seed);
        long now = Totp.GetTimeStep(new DateTimeOffset(context.Now));
        long? matched = new[] { now + 1, now, now - 1 }
            .Where(step => step > (device.LastAcceptedCodeStep ?? long.MinValue) && Totp.ComputeCodeForStep(key, step) == code)
            .Select(step => (long?)step)
            .FirstOrDefault();
        if (matched is null)
        {
            throw IamServiceException.AccessDenied("MultiFactorAuthentication failed with invalid MFA one time pass code.");
        }

        device.LastAcceptedCodeStep = matched;
    }

    /// <summary>
    /// STS's limits on DurationSeconds: an hour for a role assumed with temporary credentials (role chaining, whatever the
    /// role's MaxSessionDuration), else the role's MaxSessionDuration; both refused with STS's own words.
    /// </summary>
    private static void RequireSessionLengthAllowed(OperationContext context, RoleEntity role, int duration)
    {
        if (context.Caller.Session is not null && duration > 3600)
        {
            throw IamServiceException.Validation("The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.");
        }

        if (duration > role.MaxSessionDuration)
        {
            throw IamServiceException.Validation("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
        }
    }

    private static void AssumeRole(OperationContext context)
    {
        string roleArn = context.Required("RoleArn");
        OperationContext.EnforceLength("RoleArn", roleArn, 20, 2048);
        string sessionName = context.Required("RoleSessionName");
        OperationContext.Enforce(IamNameRules.CheckRoleSessionName(sessionName));
        int duration = context.OptionalInt("DurationSeconds", 900, 43200) ?? 3600;
        string? externalId = context.Optional("ExternalId");
        if (externalId is not null)
        {
            OperationContext.Enforce(IamNameRules.CheckExternalId(externalId));
        }

        // Root assumes no role, with its keys or a GetSessionToken session of them, whatever the trust policy says.
        if (context.Caller.Kind == CallerKind.Root)
        {
            throw IamServiceException.AccessDenied("Roles may not be assumed by root accounts.");
        }

        var store = context.Store;
        var role = store.State.Roles.FirstOrDefault(r => store.RoleArn(r) == roleArn);
        if (role is null)
        {
            throw Authorizer.Denied(context.Caller, "sts:AssumeRole", roleArn);
        }

        bool withMfa = AcceptMfaCodeIfGiven(context);
        var request = context.Facts.ContextFor(store, context.Caller).Set("sts:RoleSessionName", sessionName);
        if (withMfa)
        {
            request.Set("aws:MultiFactorAuthPresent", "true").Set("aws:MultiFactorAuthAge", "0");
        }

        if (externalId is not null)
        {
            request.Set("sts:ExternalId", externalId);
        }

        // The trust policy must let the caller in; when it lets in the account rather than the caller, the caller's own
        // policies must allow sts:AssumeRole as well.
        var trust = TrustPolicy.Evaluate(store, role, context.Caller, "sts:AssumeRole", request);
        if (trust == TrustDecision.Denied)
        {
            throw IamServiceException.AccessDenied("User: " + context.Caller.Arn + " is not authorized to perform: sts:AssumeRole on resource: " + roleArn);
        }

        if (context.EvaluatePolicies)
        {
            Authorizer.AuthorizeAssumeRole(store, context.Caller, roleArn, context.Facts, byNameInTrust: trust == TrustDecision.AllowedByName);
        }

        RequireSessionLengthAllowed(context, role, duration);
        IssueRoleSession(context, store, role, sessionName, duration);
        WriteAssumedRoleUser(context, store, role, sessionName);
    }

    /// <summary>A session of <paramref name="role"/> (AssumeRole, AssumeRoleWithWebIdentity alike), its Credentials element written.</summary>
    private static void IssueRoleSession(OperationContext context, AccountStore store, RoleEntity role, string sessionName, int duration)
    {
        if (duration > role.MaxSessionDuration)
        {
            throw IamServiceException.Validation("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
        }

        var session = new RoleSessionEntity
        {
            AccessKeyId = IdGenerator.AccessKeyId("ASIA"),
            SecretAccessKey = IdGenerator.SecretAccessKey(),
            SessionToken = IdGenerator.SessionToken(),
            RoleId = role.RoleId,
            SessionName = sessionName,
            Expiration = context.CredentialTime.AddSeconds(duration),
        };
        store.AddSession(session);
        context.Result.Open("Credentials")
            .Element("AccessKeyId", session.AccessKeyId)
            .Element("SecretAccessKey", session.SecretAccessKey)
            .Element("SessionToken", session.SessionToken)
            .Element("Expiration", session.Expiration)
            .Close("Credentials");
    }

    private static void WriteAssumedRoleUser(OperationContext context, AccountStore store, RoleEntity role, string sessionName)
        => context.Result.Open("AssumedRoleUser")
            .Element("AssumedRoleId", role.RoleId + ":" + sessionName)
            .Element("Arn", CallerIdentity.AssumedRoleArn(store, role, sessionName))
            .Close("AssumedRoleUser");
}
