using System;
using System.Collections.Generic;
using System.Linq;
using IamOnboard.LocalIam.Iam;
using IamOnboard.LocalIam.Protocol;
using IamOnboard.LocalIam.State;
using IamOnboard.Rules;

namespace IamOnboard.LocalIam.Sts;

/// <summary>
/// The web identity tokens the endpoint stands in as identity provider for (an EKS service account's, a CI system's
/// OIDC token), in memory only, each accepted until it expires. For tests: real STS checks a JWT against an OIDC provider
/// registered in IAM; here a token is good for any role of the account, as the endpoint's SSO tokens are.
/// </summary>
internal sealed class WebIdentityTokens
{
    private readonly object _gate = new();
    private readonly Dictionary<string, DateTime> _expiries = new(StringComparer.Ordinal);

    public string Issue(TimeSpan lifetime)
    {
        var token = "eyJ" + IdGenerator.SessionToken();
        lock (_gate)
        {
            _expiries[token] = DateTime.UtcNow + lifetime;
        }

        return token;
    }

    /// <summary>When the token expires; null for a token the endpoint never issued.</summary>
    public DateTime? ExpiryOf(string token)
    {
        lock (_gate)
        {
            return _expiries.TryGetValue(token, out var expiry) ? expiry : null;
        }
    }
}

/// <summary>
/// AssumeRoleWithWebIdentity: unsigned, the token is the proof. Temporary credentials of the role, as AssumeRole's, for
/// a token <see cref="WebIdentityTokens"/> issued and that has not expired (by the real time, as an identity provider's
/// token is judged).
/// </summary>
internal sealed partial class StsService
{
    public const string AssumeRoleWithWebIdentityAction = "AssumeRoleWithWebIdentity";

    public static void AssumeRoleWithWebIdentity(OperationContext context, WebIdentityTokens tokens)
    {
        string roleArn = context.Required("RoleArn");
        OperationContext.EnforceLength("RoleArn", roleArn, 20, 2048);
        string sessionName = context.Required("RoleSessionName");
        OperationContext.Enforce(IamNameRules.CheckRoleSessionName(sessionName));
        string token = context.Required("WebIdentityToken");
        int duration = context.OptionalInt("DurationSeconds", 900, 43200) ?? 3600;

        // STS's error codes for a token it cannot verify and for one past its exp claim; the token is never echoed.
        var expiry = tokens.ExpiryOf(token) ?? throw new IamServiceException("InvalidIdentityToken", 400, "Couldn't retrieve verification key from your identity provider, please reference AssumeRoleWithWebIdentity documentation for requirements");
        if (expiry <= DateTime.UtcNow)
        {
            throw new IamServiceException("ExpiredTokenException", 400, "Token expired: current date/time must be before the expiration date/time.");
        }

        var store = context.Store;
        var role = store.State.Roles.FirstOrDefault(r => store.RoleArn(r) == roleArn)
            ?? throw IamServiceException.AccessDenied("Not authorized to perform sts:AssumeRoleWithWebIdentity");
        IssueRoleSession(context, store, role, sessionName, duration);
        context.Result.Element("SubjectFromWebIdentityToken", "system:serviceaccount:local:onboard");
        WriteAssumedRoleUser(context, store, role, sessionName);
    }
}
