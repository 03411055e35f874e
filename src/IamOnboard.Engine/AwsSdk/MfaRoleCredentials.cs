using System;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime;
using Amazon.Util.Internal;
using IamOnboard.Diagnostics;
using IamOnboard.Sessions;

namespace IamOnboard.AwsSdk;

/// <summary>
/// The credentials of a role assumed with an MFA code (a role profile's mfa_serial and -TokenCode). They cannot be
/// renewed: that takes a new code, and no one is there to give it in the middle of a batch (the SDKs and the CLI would
/// prompt, which a runbook cannot answer). So the session ends when they expire, and says so: a warning once when
/// <see cref="CredentialClock.RenewalWindow"/> is left, then, from <see cref="RefuseWithin"/> before the expiry on, every call fails with an
/// error that names the profile, the role and the expiry and says to connect again with a new code, rather than
/// sending credentials that are about to be refused with a bare ExpiredToken.
/// </summary>
internal sealed class MfaRoleCredentials : AWSCredentials
{
    /// <summary>As the AWS SDK's ExpirationBuffer: a request signed later may reach AWS after the expiry.</summary>
    internal static readonly TimeSpan RefuseWithin = TimeSpan.FromMinutes(1);

    private readonly ImmutableCredentials _credentials;
    private readonly DateTime _expiration;
    private readonly string _profileName;
    private readonly string _mfaSerial;
    private readonly ITimeProvider _clock;
    private readonly string _roleArn;
    private readonly string _role;
    private int _warned;

    /// <summary>
    /// <paramref name="profileName"/> is the profile connected with; <paramref name="chainProfileName"/>, the role
    /// profile inside its chain whose role this is, when it is not the profile's own.
    /// </summary>
    public MfaRoleCredentials(TemporaryCredentials credentials, string profileName, string roleArn, string mfaSerial, ITimeProvider clock, string? chainProfileName = null)
    {
        _credentials = new ImmutableCredentials(credentials.AccessKeyId, SdkCredentials.Reveal(credentials.SecretAccessKey), SdkCredentials.Reveal(credentials.SessionToken));
        _expiration = credentials.Expiration.ToUniversalTime();
        _profileName = profileName;
        _mfaSerial = mfaSerial;
        _clock = clock;
        _roleArn = roleArn;
        _role = Describe(roleArn, profileName, chainProfileName);
    }

    private MfaRoleCredentials(MfaRoleCredentials assumed, string profileName, ITimeProvider clock, string? chainProfileName)
    {
        _credentials = assumed._credentials;
        _expiration = assumed._expiration;
        _mfaSerial = assumed._mfaSerial;
        _roleArn = assumed._roleArn;
        _profileName = profileName;
        _clock = clock;
        _role = Describe(_roleArn, profileName, chainProfileName);
    }

    /// <summary>The same role session for another connect: its profile (and chain) named in messages, its clock.</summary>
    internal MfaRoleCredentials For(string profileName, ITimeProvider clock, string? chainProfileName = null) => new(this, profileName, clock, chainProfileName);

    public override DateTime? Expiration => _expiration;

    /// <summary>How long the session has left by <paramref name="clock"/>.</summary>
    internal TimeSpan Left(ITimeProvider clock) => _expiration - clock.CorrectedUtcNow;

    /// <summary>What to run for a new session: Connect-Onboard with a new code.</summary>
    internal string WayOut => "Connect-Onboard -ProfileName " + _profileName + " -TokenCode <current code of " + _mfaSerial + ">";

    public override ImmutableCredentials GetCredentials()
    {
        var now = _clock.CorrectedUtcNow;
        var left = _expiration - now;
        if (left <= RefuseWithin)
        {
            throw new OnboardConfigurationException("The session of role profile '" + _profileName + "' has ended: the credentials of " + _role + ", assumed with MFA device "
                + _mfaSerial + ", " + (left > TimeSpan.Zero ? "expire at " : "expired at ") + CredentialClock.Utc(_expiration) + ", and a role assumed with an MFA code cannot be renewed without a new code. "
                + "Run " + WayOut + " and run the command again.");
        }

        if (left <= CredentialClock.RenewalWindow && Interlocked.Exchange(ref _warned, 1) == 0)
        {
            OnboardLog.Current.Warning("The session of role profile '" + _profileName + "' (" + _role + ", assumed with MFA) ends at " + CredentialClock.Utc(_expiration)
                + ": it cannot be renewed without a new code. Run " + WayOut + " before then to go on.");
        }

        return _credentials;
    }

    public override Task<ImmutableCredentials> GetCredentialsAsync() => Task.FromResult(GetCredentials());

    private static string Describe(string roleArn, string profileName, string? chainProfileName)
        => "role " + roleArn + (chainProfileName is null ? string.Empty : " (profile '" + chainProfileName + "', which '" + profileName + "' is assumed through)");
}
