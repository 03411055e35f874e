using System;
using System.Globalization;
using IamOnboard.LocalIam.Policy;
using IamOnboard.LocalIam.State;

namespace IamOnboard.LocalIam.Auth;

/// <summary>What the transport knows about a request: when it arrived, from where, and the region it was signed for.</summary>
internal sealed class RequestFacts
{
    public RequestFacts(DateTime time, string sourceIp, string region)
    {
        Time = time;
        SourceIp = sourceIp;
        Region = region;
    }

    public DateTime Time { get; }
    public string SourceIp { get; }
    public string Region { get; }

    /// <summary>
    /// The global condition keys IAM sets for a request by <paramref name="caller"/>. The MFA keys follow IAM: absent for
    /// long-term access keys, <c>aws:MultiFactorAuthPresent</c> false for temporary credentials obtained without MFA, true
    /// (with <c>aws:MultiFactorAuthAge</c>) for those obtained with it. This endpoint speaks plain HTTP, so
    /// <c>aws:SecureTransport</c> is false.
    /// </summary>
    public RequestContext ContextFor(AccountStore store, CallerIdentity caller)
    {
        var context = new RequestContext()
            .Set("aws:CurrentTime", Iso(Time))
            .Set("aws:EpochTime", Seconds(new DateTimeOffset(Time, TimeSpan.Zero).ToUnixTimeSeconds()))
            .Set("aws:SecureTransport", "false")
            .Set("aws:SourceIp", SourceIp)
            .Set("aws:RequestedRegion", Region)
            .Set("aws:PrincipalAccount", store.AccountId)
            .Set("aws:userid", caller.UserId);
        switch (caller.Kind)
        {
            case CallerKind.User:
                context.Set("aws:PrincipalArn", caller.Arn).Set("aws:PrincipalType", "User").Set("aws:username", caller.User!.UserName);
                break;
            case CallerKind.AssumedRole:
                context.Set("aws:PrincipalArn", store.RoleArn(caller.Role!)).Set("aws:PrincipalType", "AssumedRole");
                break;
            default:
                context.Set("aws:PrincipalArn", caller.Arn).Set("aws:PrincipalType", "Account");
                break;
        }

        var session = caller.Session;
        if (session is not null)
        {
            context.Set("aws:MultiFactorAuthPresent", session.MfaAuthenticatedAt is null ? "false" : "true");
            if (session.MfaAuthenticatedAt is { } at)
            {
                context.Set("aws:MultiFactorAuthAge", Seconds(Math.Max(0, (long)(Time - at).TotalSeconds)));
            }

            if (session.IssuedAt is { } issued)
            {
                context.Set("aws:TokenIssueTime", Iso(issued));
            }
        }

        return context;
    }

    private static string Iso(DateTime time) => time.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Seconds(long value) => value.ToString(CultureInfo.InvariantCulture);
}
