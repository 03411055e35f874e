using System;
using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Amazon.Util.Internal;
using IamOnboard.AwsSdk;

namespace IamOnboard.Sessions;

/// <summary>
/// Roles assumed with an MFA code, kept while their credentials last, as the AWS CLI keeps them (in its cache folder;
/// here in memory, for one runspace, never on disk). AWS takes a code once: the same code again is refused
/// ("MultiFactorAuthentication failed with invalid MFA one time pass code"), so without this a second command naming
/// the same role profile, or a second stage of one pipeline given the same -TokenCode, would need the next code.
/// Keyed as the CLI's cache is, by the role as the files describe it (the files, the role profile, role, device,
/// session name, external id, duration) and the STS endpoint named, never by the code.
/// </summary>
public sealed class MfaRoleSessions
{
    private readonly ConcurrentDictionary<string, (MfaRoleCredentials Credentials, string CodeHash)> _sessions = new(StringComparer.Ordinal);

    /// <summary>Role sessions kept.</summary>
    public int Count => _sessions.Count;

    /// <summary>Forgets every role session (Disconnect-Onboard).</summary>
    public void Clear() => _sessions.Clear();

    /// <summary>
    /// The role session kept for <paramref name="key"/> when it has more than <see cref="CredentialClock.RenewalWindow"/>
    /// left (else the command would start on credentials about to end) and <paramref name="tokenCode"/> is none or the
    /// code it was assumed with (used up: AWS would refuse it again); a new code assumes the role anew.
    /// </summary>
    internal MfaRoleCredentials? Reusable(string key, string? tokenCode, ITimeProvider clock)
    {
        if (!_sessions.TryGetValue(key, out var kept) || kept.Credentials.Left(clock) <= CredentialClock.RenewalWindow)
        {
            return null;
        }

        return string.IsNullOrEmpty(tokenCode) || string.Equals(kept.CodeHash, CodeHash(key, tokenCode!), StringComparison.Ordinal) ? kept.Credentials : null;
    }

    internal void Remember(string key, string tokenCode, MfaRoleCredentials credentials) => _sessions[key] = (credentials, CodeHash(key, tokenCode));

    /// <summary>What identifies a role session: everything the AssumeRole call is made of but the code and the time.</summary>
    internal static string Key(SharedConfigFiles files, string roleProfileName, string roleArn, string mfaSerial, string? sessionName, string? externalId, TimeSpan? duration,
        string? endpointUrl)
        => string.Join(
            "\n",
            files.CredentialsPath,
            files.ConfigPath,
            roleProfileName,
            roleArn,
            mfaSerial,
            sessionName ?? string.Empty,
            externalId ?? string.Empty,
            duration?.TotalSeconds.ToString(CultureInfo.InvariantCulture) ?? string.Empty,
            endpointUrl ?? string.Empty,
            Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL") ?? string.Empty,
            Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL_STS") ?? string.Empty);

    // The code itself is not kept: only whether a code given later is the one already used.
    private static string CodeHash(string key, string tokenCode)
    {
        using var sha = SHA256.Create();
        return Convert.ToBase64String(sha.ComputeHash(Encoding.UTF8.GetBytes(key + "\n" + tokenCode.Trim())));
    }
}
