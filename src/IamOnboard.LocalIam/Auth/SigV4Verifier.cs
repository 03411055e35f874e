using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using IamOnboard.LocalIam.Http;
using IamOnboard.LocalIam.Protocol;

namespace IamOnboard.LocalIam.Auth;

/// <summary>The parts of an <c>Authorization: AWS4-HMAC-SHA256 ...</c> header.</summary>
internal sealed class SigV4Authorization
{
    public SigV4Authorization(string accessKeyId, string date, string region, string service, string[] signedHeaders, string signature)
    {
        AccessKeyId = accessKeyId;
        Date = date;
        Region = region;
        Service = service;
        SignedHeaders = signedHeaders;
        Signature = signature;
    }

    public string AccessKeyId { get; }

    public string Date { get; }

    public string Region { get; }

    public string Service { get; }

    public string[] SignedHeaders { get; }

    public string Signature { get; }

    public string Scope => Date + "/" + Region + "/" + Service + "/aws4_request";
}

/// <summary>
/// Verifies AWS Signature Version 4 the way AWS does: rebuild the canonical request from what arrived,
/// derive the signing key from the caller's secret, and compare signatures in constant time.
/// </summary>
internal static class SigV4Verifier
{
    private const string Algorithm = "AWS4-HMAC-SHA256";
    private static readonly TimeSpan AllowedSkew = TimeSpan.FromMinutes(15);

    // Derived signing keys, keyed by secret and scope: four HMACs saved per request on the hot path.
    private static readonly ConcurrentDictionary<string, byte[]> SigningKeys = new(StringComparer.Ordinal);

    /// <summary>Parses the header; malformed ones are refused like AWS refuses them (IncompleteSignature).</summary>
    public static SigV4Authorization Parse(string header)
    {
        if (!header.StartsWith(Algorithm + " ", StringComparison.Ordinal))
        {
            throw new IamServiceException("IncompleteSignature", 400, "Unsupported signature algorithm; only " + Algorithm + " is accepted.");
        }

        string? credential = null, signedHeaders = null, signature = null;
        foreach (string rawPart in header.Substring(Algorithm.Length + 1).Split(','))
        {
            string part = rawPart.Trim();
            int equals = part.IndexOf('=');
            if (equals <= 0)
            {
                continue;
            }

            string value = part.Substring(equals + 1);
            switch (part.Substring(0, equals))
            {
                case "Credential": credential = value; break;
                case "SignedHeaders": signedHeaders = value; break;
                case "Signature": signature = value; break;
            }
        }

        if (credential is null || signedHeaders is null || signature is null)
        {
            throw new IamServiceException("IncompleteSignature", 400,
                "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters.");
        }

        string[] scope = credential.Split('/');
        if (scope.Length != 5 || scope[0].Length == 0 || scope[4] != "aws4_request" || scope[1].Length != 8)
        {
            throw new IamServiceException("IncompleteSignature", 400,
                "Credential must have the form <access key id>/<date>/<region>/<service>/aws4_request.");
        }

        return new SigV4Authorization(scope[0], scope[1], scope[2], scope[3], signedHeaders.Split(';'), signature);
    }

    /// <summary>
    /// The scope's region must be one the service signs in: IAM is global and signs in its partition's one region
    /// (us-east-1, cn-north-1, us-gov-west-1); STS signs in any real region.
    /// </summary>
    public static void CheckRegion(SigV4Authorization authorization)
    {
        bool known = authorization.Service == "iam"
            ? Array.IndexOf(IamSigningRegions, authorization.Region) >= 0
            : StsRegions.Contains(authorization.Region);
        if (!known)
        {
            throw SignatureMismatch("Credential should be scoped to a valid region, not '" + authorization.Region + "'. "
                + (authorization.Service == "iam" ? "IAM signs in " + string.Join(", ", IamSigningRegions) + " (one per partition)." : "STS signs in the region of its endpoint."));
        }
    }

    private static readonly string[] IamSigningRegions =
        { IamOnboard.Iam.AwsPartition.Aws.SigningRegion, IamOnboard.Iam.AwsPartition.China.SigningRegion, IamOnboard.Iam.AwsPartition.UsGov.SigningRegion };

    private static readonly HashSet<string> StsRegions = new(Amazon.RegionEndpoint.EnumerableAllRegions.Select(r => r.SystemName), StringComparer.Ordinal);

    /// <summary>Throws SignatureDoesNotMatch unless <paramref name="authorization"/> is a valid signature of <paramref name="request"/> under <paramref name="secretAccessKey"/>.</summary>
    public static void Verify(HttpRequest request, SigV4Authorization authorization, string secretAccessKey, DateTime now)
    {
        string? amzDate = request.Header("x-amz-date");
        if (amzDate is null || !DateTime.TryParseExact(amzDate, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out DateTime signedAt))
        {
            throw new IamServiceException("IncompleteSignature", 400, "Authorization requires a valid X-Amz-Date header (yyyyMMddTHHmmssZ).");
        }

        if (!amzDate.StartsWith(authorization.Date, StringComparison.Ordinal))
        {
            throw SignatureMismatch("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '"
                + authorization.Date + "' != '" + amzDate.Substring(0, 8) + "'");
        }

        if (signedAt < now - AllowedSkew)
        {
            throw SignatureMismatch("Signature expired: " + amzDate + " is now earlier than "
                + (now - AllowedSkew).ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)
                + " (" + now.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture) + " - 15 min.)");
        }

        if (signedAt > now + AllowedSkew)
        {
            throw SignatureMismatch("Signature not yet current: " + amzDate + " is still later than "
                + (now + AllowedSkew).ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)
                + " (" + now.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture) + " + 15 min.)");
        }

        if (Array.IndexOf(authorization.SignedHeaders, "host") < 0)
        {
            throw SignatureMismatch("'Host' must be a signed header.");
        }

        string bodyHash = HexSha256(request.Body);
        string? declaredHash = request.Header("x-amz-content-sha256");
        if (declaredHash == "UNSIGNED-PAYLOAD")
        {
            // IAM and STS sign the body: with it left out, headers signed for one action could carry another's body.
            throw SignatureMismatch("x-amz-content-sha256: UNSIGNED-PAYLOAD is not accepted by IAM or STS; the payload must be signed.");
        }

        if (declaredHash is not null && !string.Equals(declaredHash, bodyHash, StringComparison.OrdinalIgnoreCase))
        {
            throw SignatureMismatch("The provided 'x-amz-content-sha256' header does not match what was computed.");
        }

        string canonicalRequest = BuildCanonicalRequest(request, authorization.SignedHeaders, declaredHash ?? bodyHash);
        string stringToSign = Algorithm + "\n" + amzDate + "\n" + authorization.Scope + "\n" + HexSha256(Encoding.UTF8.GetBytes(canonicalRequest));

        byte[] signingKey = SigningKey(secretAccessKey, authorization);
        string expected = Hex(HmacSha256(signingKey, Encoding.UTF8.GetBytes(stringToSign)));
        if (!FixedTimeEquals(expected, authorization.Signature))
        {
            throw SignatureMismatch("The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.");
        }
    }

    internal static string BuildCanonicalRequest(HttpRequest request, string[] signedHeaders, string payloadHash)
    {
        var canonical = new StringBuilder(256);
        canonical.Append(request.Method).Append('\n');
        canonical.Append(CanonicalPath(request.RawPath)).Append('\n');
        canonical.Append(CanonicalQuery(request.RawQuery)).Append('\n');
        foreach (string name in signedHeaders)
        {
            canonical.Append(name).Append(':');
            if (request.Headers.TryGetValue(name, out var values))
            {
                for (int i = 0; i < values.Count; i++)
                {
                    if (i > 0)
                    {
                        canonical.Append(',');
                    }

                    canonical.Append(CollapseSpaces(values[i]));
                }
            }

            canonical.Append('\n');
        }

        canonical.Append('\n').Append(string.Join(";", signedHeaders)).Append('\n').Append(payloadHash);
        return canonical.ToString();
    }

    private static string CanonicalPath(string rawPath)
    {
        if (rawPath == "/")
        {
            return rawPath;
        }

        // Services other than S3 encode the (already encoded) path once more, segment by segment.
        string[] segments = rawPath.Split('/');
        for (int i = 0; i < segments.Length; i++)
        {
            segments[i] = UriEncode(segments[i]);
        }

        return string.Join("/", segments);
    }

    private static string CanonicalQuery(string rawQuery)
    {
        if (rawQuery.Length == 0)
        {
            return string.Empty;
        }

        var pairs = new List<KeyValuePair<string, string>>();
        foreach (string pair in rawQuery.Split('&'))
        {
            if (pair.Length == 0)
            {
                continue;
            }

            int equals = pair.IndexOf('=');
            string name = equals < 0 ? pair : pair.Substring(0, equals);
            string value = equals < 0 ? string.Empty : pair.Substring(equals + 1);
            pairs.Add(new KeyValuePair<string, string>(
                UriEncode(QueryParameters.Decode(name, plusIsSpace: false)),
                UriEncode(QueryParameters.Decode(value, plusIsSpace: false))));
        }

        pairs.Sort((a, b) =>
        {
            int byName = string.CompareOrdinal(a.Key, b.Key);
            return byName != 0 ? byName : string.CompareOrdinal(a.Value, b.Value);
        });

        var query = new StringBuilder();
        foreach (var pair in pairs)
        {
            if (query.Length > 0)
            {
                query.Append('&');
            }

            query.Append(pair.Key).Append('=').Append(pair.Value);
        }

        return query.ToString();
    }

    /// <summary>RFC 3986 encoding of everything but unreserved characters, upper-case hex, as SigV4 requires.</summary>
    internal static string UriEncode(string value)
    {
        var encoded = new StringBuilder(value.Length);
        foreach (byte b in Encoding.UTF8.GetBytes(value))
        {
            char c = (char)b;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~')
            {
                encoded.Append(c);
            }
            else
            {
                encoded.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return encoded.ToString();
    }

    private static string CollapseSpaces(string value)
    {
        string trimmed = value.Trim();
        if (trimmed.IndexOf("  ", StringComparison.Ordinal) < 0)
        {
            return trimmed;
        }

        var collapsed = new StringBuilder(trimmed.Length);
        bool lastWasSpace = false;
        foreach (char c in trimmed)
        {
            if (c == ' ')
            {
                if (!lastWasSpace)
                {
                    collapsed.Append(c);
                }

                lastWasSpace = true;
            }
            else
            {
                collapsed.Append(c);
                lastWasSpace = false;
            }
        }

        return collapsed.ToString();
    }

    private static byte[] SigningKey(string secret, SigV4Authorization authorization)
    {
        string cacheKey = secret + "\n" + authorization.Scope;
        if (SigningKeys.TryGetValue(cacheKey, out var cached))
        {
            return cached;
        }

        byte[] key = HmacSha256(Encoding.UTF8.GetBytes("AWS4" + secret), Encoding.UTF8.GetBytes(authorization.Date));
        key = HmacSha256(key, Encoding.UTF8.GetBytes(authorization.Region));
        key = HmacSha256(key, Encoding.UTF8.GetBytes(authorization.Service));
        key = HmacSha256(key, Encoding.UTF8.GetBytes("aws4_request"));
        if (SigningKeys.Count > 4096)
        {
            SigningKeys.Clear();
        }

        SigningKeys[cacheKey] = key;
        return key;
    }

    private static IamServiceException SignatureMismatch(string message) => new("SignatureDoesNotMatch", 403, message);

    internal static byte[] HmacSha256(byte[] key, byte[] data)
    {
        using var hmac = new HMACSHA256(key);
        return hmac.ComputeHash(data);
    }

    internal static string HexSha256(byte[] data)
    {
        using var sha = SHA256.Create();
        return Hex(sha.ComputeHash(data));
    }

    internal static string Hex(byte[] bytes)
    {
        const string digits = "0123456789abcdef";
        var chars = new char[bytes.Length * 2];
        for (int i = 0; i < bytes.Length; i++)
        {
            chars[2 * i] = digits[bytes[i] >> 4];
            chars[(2 * i) + 1] = digits[bytes[i] & 0xF];
        }

        return new string(chars);
    }

    /// <summary>Compares without an early exit, so the time taken does not reveal how much of a forged signature was right.</summary>
    internal static bool FixedTimeEquals(string expected, string actual)
    {
        int difference = expected.Length ^ actual.Length;
        for (int i = 0; i < expected.Length; i++)
        {
            char other = i < actual.Length ? actual[i] : '\0';
            difference |= expected[i] ^ other;
        }

        return difference == 0;
    }
}
