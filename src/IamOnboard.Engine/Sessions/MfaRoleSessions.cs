using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using Amazon.Util.Internal;
using IamOnboard.AwsSdk;
using IamOnboard.Mfa;

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
    /// <summary>
    /// How many steps after its use a code is known as spent. STS takes a code within a step either side of its own,
    /// so later the same six digits are a new code by chance (or one STS refuses as old anyway): not worth a claim.
    /// </summary>
    private const int SpentCodeSteps = 3;

    private readonly ConcurrentDictionary<string, (MfaRoleCredentials Credentials, string CodeHash)> _sessions = new(StringComparer.Ordinal);

    // Codes STS accepted for this runspace, per device: a hash, the step and the role profile, never the code.
    private readonly List<SpentCode> _spentCodes = new();

    /// <summary>Role sessions kept.</summary>
    public int Count => _sessions.Count;

    /// <summary>
    /// Forgets every role session (Disconnect-Onboard). Which codes were spent stays known: they stay spent, and the
    /// next command, which needs a new code, can tell a person who gives an old one so.
    /// </summary>
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

    /// <summary>Notes that STS took <paramref name="tokenCode"/> of <paramref name="mfaSerial"/> to assume the role of <paramref name="profileName"/>.</summary>
    internal void RememberSpent(string mfaSerial, string tokenCode, string profileName, ITimeProvider clock)
    {
        long step = Totp.GetTimeStep(Utc(clock));
        lock (_spentCodes)
        {
            _spentCodes.RemoveAll(spent => spent.Step < step - SpentCodeSteps);
            _spentCodes.Add(new SpentCode(mfaSerial, CodeHash(mfaSerial, tokenCode), step, profileName));
        }
    }

    /// <summary>
    /// The role profile whose role this runspace assumed with <paramref name="tokenCode"/> of <paramref name="mfaSerial"/>
    /// within the last few steps (STS refuses it a second time); null when the code is not known as spent.
    /// </summary>
    internal string? SpentFor(string mfaSerial, string? tokenCode, ITimeProvider clock)
    {
        if (string.IsNullOrEmpty(tokenCode))
        {
            return null;
        }

        long step = Totp.GetTimeStep(Utc(clock));
        string hash = CodeHash(mfaSerial, tokenCode!);
        lock (_spentCodes)
        {
            return _spentCodes.LastOrDefault(spent => spent.MfaSerial == mfaSerial && spent.CodeHash == hash && spent.Step >= step - SpentCodeSteps)?.ProfileName;
        }
    }

    /// <summary>What a person is told of a code this runspace has already used: the device, the profile, and to wait for the next code.</summary>
    internal static string SpentNote(string mfaSerial, string profileName)
        => "That code was used already in this PowerShell session, for MFA device " + mfaSerial + " (profile '" + profileName + "'), and each code is accepted once: wait for the device's next code";

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

    private static DateTimeOffset Utc(ITimeProvider clock) => new(DateTime.SpecifyKind(clock.CorrectedUtcNow, DateTimeKind.Utc));

    // The code itself is not kept: only whether a code given later is the one already used.
    private static string CodeHash(string key, string tokenCode)
    {
        using var sha = SHA256.Create();
        return Convert.ToBase64String(sha.ComputeHash(Encoding.UTF8.GetBytes(key + "\n" + tokenCode.Trim())));
    }

    private sealed record SpentCode(string MfaSerial, string CodeHash, long Step, string ProfileName);
}
