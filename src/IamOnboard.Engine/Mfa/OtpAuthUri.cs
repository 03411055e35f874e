using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Linq;

namespace IamOnboard.Mfa;

/// <summary>
/// The <c>otpauth://</c> URI an authenticator app scans, in the form AWS's own QR codes are observed to carry:
/// <c>otpauth://totp/Amazon%20Web%20Services:{deviceName}@{accountLabel}?secret={base32}&amp;issuer=Amazon%20Web%20Services</c>.
/// </summary>
public static class OtpAuthUri
{
    public const string Issuer = "Amazon Web Services";

    private const string Prefix = "otpauth://totp/";

    /// <summary>
    /// The URI for a device. Label parts are percent-encoded (RFC 3986), so a name holding '@' or ':' cannot be
    /// misread; the secret is normalised to unpadded upper-case base32. Treat the result as a secret: it holds the seed.
    /// </summary>
    public static string Create(string deviceName, string accountLabel, string base32Secret)
    {
        if (string.IsNullOrEmpty(deviceName))
        {
            throw new ArgumentException("The device name must not be empty.", nameof(deviceName));
        }

        if (string.IsNullOrEmpty(accountLabel))
        {
            throw new ArgumentException("The account label must not be empty.", nameof(accountLabel));
        }

        // Round-trip through the key both validates the seed and normalises case, spaces and padding.
        string secret = Totp.ToBase32(Totp.KeyFromBase32(base32Secret ?? throw new ArgumentNullException(nameof(base32Secret))));
        string issuer = Uri.EscapeDataString(Issuer);
        return $"{Prefix}{issuer}:{Uri.EscapeDataString(deviceName)}@{Uri.EscapeDataString(accountLabel)}?secret={secret}&issuer={issuer}";
    }

    /// <summary>Reads an <c>otpauth://totp/</c> URI back; false when it is not one or has no secret.</summary>
    public static bool TryParse(string? uri, [NotNullWhen(true)] out OtpAuthUriParts? parts)
    {
        parts = null;
        if (uri is null || !uri.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        string rest = uri.Substring(Prefix.Length);
        int question = rest.IndexOf('?');
        string rawLabel = question < 0 ? rest : rest.Substring(0, question);
        string query = question < 0 ? string.Empty : rest.Substring(question + 1);

        // Split on the literal separators before decoding: encoded ones (%3A, %40) belong to the parts.
        string? labelIssuer = null;
        int colon = rawLabel.IndexOf(':');
        if (colon >= 0)
        {
            labelIssuer = Uri.UnescapeDataString(rawLabel.Substring(0, colon));
            rawLabel = rawLabel.Substring(colon + 1);
        }

        int at = rawLabel.LastIndexOf('@');
        string deviceName = Uri.UnescapeDataString(at < 0 ? rawLabel : rawLabel.Substring(0, at));
        string accountLabel = at < 0 ? string.Empty : Uri.UnescapeDataString(rawLabel.Substring(at + 1));

        var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (string pair in query.Split(new[] { '&' }, StringSplitOptions.RemoveEmptyEntries))
        {
            int equals = pair.IndexOf('=');
            string name = Uri.UnescapeDataString(equals < 0 ? pair : pair.Substring(0, equals));
            string value = equals < 0 ? string.Empty : Uri.UnescapeDataString(pair.Substring(equals + 1));
            parameters[name] = value;
        }

        if (!parameters.TryGetValue("secret", out string? secret) || secret.Length == 0 || deviceName.Length == 0)
        {
            return false;
        }

        parameters.TryGetValue("issuer", out string? issuer);
        parts = new OtpAuthUriParts(labelIssuer, deviceName, accountLabel, secret, issuer,
            parameters.Where(p => !p.Key.Equals("secret", StringComparison.OrdinalIgnoreCase)).ToDictionary(p => p.Key, p => p.Value, StringComparer.OrdinalIgnoreCase));
        return true;
    }
}

/// <summary>The pieces of an otpauth URI. <see cref="ToString"/> leaves the secret out.</summary>
public sealed class OtpAuthUriParts
{
    internal OtpAuthUriParts(string? labelIssuer, string deviceName, string accountLabel, string secret, string? issuer,
        IReadOnlyDictionary<string, string> otherParameters)
    {
        LabelIssuer = labelIssuer;
        DeviceName = deviceName;
        AccountLabel = accountLabel;
        Secret = secret;
        Issuer = issuer;
        OtherParameters = otherParameters;
    }

    /// <summary>The issuer prefix of the label (before ':'), if any.</summary>
    public string? LabelIssuer { get; }

    public string DeviceName { get; }

    /// <summary>What follows the last '@' of the label: the account alias or id; empty when the label has no '@'.</summary>
    public string AccountLabel { get; }

    /// <summary>The base32 seed, as written in the URI.</summary>
    public string Secret { get; }

    /// <summary>The <c>issuer</c> query parameter, if any.</summary>
    public string? Issuer { get; }

    /// <summary>Query parameters other than the secret (issuer, algorithm, digits, period...).</summary>
    public IReadOnlyDictionary<string, string> OtherParameters { get; }

    public override string ToString() => $"otpauth TOTP for {DeviceName}@{AccountLabel} (issuer {Issuer ?? LabelIssuer ?? "none"})";
}
