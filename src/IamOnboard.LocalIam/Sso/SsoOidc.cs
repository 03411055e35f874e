using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Text.Json;
using IamOnboard.LocalIam.Http;

namespace IamOnboard.LocalIam.Sso;

/// <summary>
/// IAM Identity Center's SSO OIDC CreateToken (<c>POST /token</c>, JSON, unsigned) for the one grant an SDK makes without
/// a person at a browser: <c>refresh_token</c>, which exchanges a cached sign-in's refresh token (with its client id and
/// secret) for a new access token. The device-code and authorization-code grants need a person signing in, which the
/// endpoint stands in for with <see cref="IdentityCenterTokens.SignIn"/>; they are answered UnsupportedGrantTypeException.
/// Errors are the service's: the exception name in <c>x-amzn-ErrorType</c>, OAuth's <c>error</c> and
/// <c>error_description</c> in the body.
/// </summary>
internal sealed class SsoOidc
{
    public const string Path = "/token";
    public const string RefreshTokenGrant = "refresh_token";

    private readonly IdentityCenterTokens _tokens;

    public SsoOidc(IdentityCenterTokens tokens)
    {
        _tokens = tokens;
    }

    public static bool Serves(HttpRequest request) => request.Method == "POST" && request.RawPath == Path;

    public HttpResponse CreateToken(HttpRequest request, DateTime now)
    {
        Dictionary<string, string> fields;
        try
        {
            fields = ReadStringFields(request.Body);
        }
        catch (JsonException)
        {
            return Error(400, "InvalidRequestException", "invalid_request", "The request body is not a JSON object.");
        }

        fields.TryGetValue("clientId", out var clientId);
        fields.TryGetValue("clientSecret", out var clientSecret);
        fields.TryGetValue("grantType", out var grantType);
        if (string.IsNullOrEmpty(clientId) || string.IsNullOrEmpty(clientSecret) || string.IsNullOrEmpty(grantType))
        {
            return Error(400, "InvalidRequestException", "invalid_request", "clientId, clientSecret and grantType are required.");
        }

        if (grantType != RefreshTokenGrant)
        {
            return Error(400, "UnsupportedGrantTypeException", "unsupported_grant_type", "This endpoint grants refresh_token only; a sign-in is made with SignInToSso.");
        }

        if (!fields.TryGetValue("refreshToken", out var refreshToken) || string.IsNullOrEmpty(refreshToken))
        {
            return Error(400, "InvalidRequestException", "invalid_request", "refreshToken is required for the refresh_token grant.");
        }

        switch (_tokens.Refresh(clientId!, clientSecret!, refreshToken!, now, out var accessToken, out var newRefreshToken))
        {
            case IdentityCenterTokens.Refusal.InvalidClient:
                return Error(401, "InvalidClientException", "invalid_client", "Invalid client, or its registration has expired.");
            case IdentityCenterTokens.Refusal.InvalidGrant:
                return Error(400, "InvalidGrantException", "invalid_grant", "Invalid refresh token provided.");
        }

        var json = "{\"accessToken\":\"" + accessToken + "\",\"tokenType\":\"Bearer\",\"expiresIn\":"
            + ((int)IdentityCenterTokens.RefreshedTokenLifetime.TotalSeconds).ToString(CultureInfo.InvariantCulture)
            + ",\"refreshToken\":\"" + newRefreshToken + "\"}";
        return new HttpResponse(200, "application/json", Encoding.UTF8.GetBytes(json));
    }

    /// <summary>The body's top-level string members; anything that is not a JSON object is a <see cref="JsonException"/>.</summary>
    private static Dictionary<string, string> ReadStringFields(byte[] body)
    {
        using var document = JsonDocument.Parse(body);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException("not an object");
        }

        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var member in document.RootElement.EnumerateObject())
        {
            if (member.Value.ValueKind == JsonValueKind.String)
            {
                fields[member.Name] = member.Value.GetString()!;
            }
        }

        return fields;
    }

    private static HttpResponse Error(int status, string type, string error, string description)
    {
        var body = "{\"error\":\"" + error + "\",\"error_description\":\"" + description + "\"}";
        var response = new HttpResponse(status, "application/json", Encoding.UTF8.GetBytes(body));
        response.Headers.Add(new KeyValuePair<string, string>("x-amzn-ErrorType", type));
        return response;
    }
}
