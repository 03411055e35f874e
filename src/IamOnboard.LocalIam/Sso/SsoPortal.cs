using System;
using System.Globalization;
using System.Text;
using IamOnboard.LocalIam.Http;
using IamOnboard.LocalIam.State;

namespace IamOnboard.LocalIam.Sso;

/// <summary>
/// The IAM Identity Center portal's GetRoleCredentials (<c>GET /federation/credentials?role_name=R&amp;account_id=A</c>
/// with header <c>x-amz-sso_bearer_token</c>), the call an SSO profile makes with the token <c>aws sso login</c> cached
/// (or SSO OIDC refreshed). Every role of the account is assigned to the token's holder.
/// </summary>
internal sealed class SsoPortal
{
    public const string Path = "/federation/credentials";

    private readonly IdentityCenterTokens _tokens;

    public SsoPortal(IdentityCenterTokens tokens)
    {
        _tokens = tokens;
    }

    public static bool Serves(HttpRequest request) => request.Method == "GET" && request.RawPath == Path;

    /// <summary>Runs under the server's state lock: it adds a role session to the store, valid for an hour from <paramref name="credentialTime"/>.</summary>
    public HttpResponse GetRoleCredentials(HttpRequest request, AccountStore store, DateTime now, DateTime credentialTime)
    {
        string? token = request.Header("x-amz-sso_bearer_token");
        if (token is null || !_tokens.Accepts(token, now))
        {
            return Error(401, "UnauthorizedException", "Session token not found or invalid");
        }

        string? roleName = null, accountId = null;
        foreach (var pair in request.RawQuery.Split('&'))
        {
            int equals = pair.IndexOf('=');
            string key = equals < 0 ? pair : pair.Substring(0, equals);
            string value = equals < 0 ? string.Empty : Uri.UnescapeDataString(pair.Substring(equals + 1).Replace('+', ' '));
            if (key == "role_name")
            {
                roleName = value;
            }
            else if (key == "account_id")
            {
                accountId = value;
            }
        }

        if (string.IsNullOrEmpty(roleName) || string.IsNullOrEmpty(accountId))
        {
            return Error(400, "InvalidRequestException", "role_name and account_id are required");
        }

        var role = store.FindRole(roleName!);
        if (accountId != store.AccountId || role is null)
        {
            return Error(403, "ForbiddenException", "No access");
        }

        var session = new RoleSessionEntity
        {
            AccessKeyId = IdGenerator.AccessKeyId("ASIA"),
            SecretAccessKey = IdGenerator.SecretAccessKey(),
            SessionToken = IdGenerator.SessionToken(),
            RoleId = role.RoleId,
            SessionName = "sso-portal-user",
            Expiration = credentialTime.AddHours(1),
        };
        store.AddSession(session);
        long expirationMs = (long)(session.Expiration - new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc)).TotalMilliseconds;
        string json = "{\"roleCredentials\":{\"accessKeyId\":\"" + session.AccessKeyId + "\",\"secretAccessKey\":\"" + session.SecretAccessKey
            + "\",\"sessionToken\":\"" + session.SessionToken + "\",\"expiration\":" + expirationMs.ToString(CultureInfo.InvariantCulture) + "}}";
        return new HttpResponse(200, "application/json", Encoding.UTF8.GetBytes(json));
    }

    private static HttpResponse Error(int status, string type, string message)
    {
        var response = new HttpResponse(status, "application/json", Encoding.UTF8.GetBytes("{\"message\":\"" + message + "\"}"));
        response.Headers.Add(new System.Collections.Generic.KeyValuePair<string, string>("x-amzn-ErrorType", type));
        return response;
    }
}
