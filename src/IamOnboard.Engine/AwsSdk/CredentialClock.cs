using System;
using System.Globalization;
using Amazon.Util.Internal;

namespace IamOnboard.AwsSdk;

/// <summary>
/// The clock a session's temporary credentials are judged by: the AWS SDK's (UTC, corrected for the clock skew it
/// measured), unless a test gives its own so that it can step past an expiry instead of waiting an hour.
/// </summary>
internal sealed class CredentialClock : ITimeProvider
{
    private readonly Func<DateTime>? _utcNow;

    /// <summary>
    /// How long before temporary credentials expire they are renewed, in the background, as the AWS SDKs' providers do;
    /// and when a session whose credentials cannot be renewed (a role assumed with MFA) warns that it is about to end.
    /// </summary>
    internal static readonly TimeSpan RenewalWindow = TimeSpan.FromMinutes(5);

    public CredentialClock(Func<DateTime>? utcNow) => _utcNow = utcNow;

    /// <summary>An expiry as messages give it: UTC, <c>2026-12-07 05:00:00Z</c>.</summary>
    internal static string Utc(DateTime time) => time.ToUniversalTime().ToString("u", CultureInfo.InvariantCulture);

    public DateTime CorrectedUtcNow => _utcNow?.Invoke() ?? DefaultTimeProvider.Instance.CorrectedUtcNow;
}
