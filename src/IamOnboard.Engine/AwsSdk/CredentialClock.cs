using System;
using Amazon.Util.Internal;

namespace IamOnboard.AwsSdk;

/// <summary>
/// The clock a session's temporary credentials are judged by: the AWS SDK's (UTC, corrected for the clock skew it
/// measured), unless a test gives its own so that it can step past an expiry instead of waiting an hour.
/// </summary>
internal sealed class CredentialClock : ITimeProvider
{
    private readonly Func<DateTime>? _utcNow;

    public CredentialClock(Func<DateTime>? utcNow) => _utcNow = utcNow;

    public DateTime CorrectedUtcNow => _utcNow?.Invoke() ?? DefaultTimeProvider.Instance.CorrectedUtcNow;
}
