using System;
using System.Globalization;
using Amazon.Runtime;
using IamOnboard.Diagnostics;
using IamOnboard.Iam;

namespace IamOnboard.AwsSdk;

/// <summary>
/// A request refused for its signing time because the AWS SDK signed it with a clock correction it kept from when this
/// machine's clock was off (put right since, by time synchronization after a resume): sent once more, signed with the
/// correction the SDK has just taken from the refusal's Date header.
/// <para>
/// Why the SDK does not do it itself (AWSSDK.Core 4.1.0): it takes a new correction for the endpoint from every answer's
/// Date header, refusals included (ClockSkewPipelineHelper.RecordFromResponse: Date minus this machine's time), so it
/// does learn the right one; but it sends a refused request again only when that new correction is over 4 minutes
/// (RetryPolicy.IsClockskew, AttemptSkewExceedsThreshold), that is, when this machine's clock is off, not when the
/// request was signed with a correction other than the one the answer shows. With the clock right again the new
/// correction is about zero, so each request signed before the first refusal arrived (the call that meets it, up to a
/// batch's worth of rows in flight) fails.
/// </para>
/// The resend is one of the call's attempts, like the SDK's own resend for a clock that is off, and draws nothing from
/// the retry quota (as the SDK's does not); at most one per request.
/// </summary>
internal static class StaleClockCorrection
{
    /// <summary>SigV4: a request signed this far from the service's time is refused.</summary>
    internal static readonly TimeSpan SigningWindow = TimeSpan.FromMinutes(15);

    /// <summary>
    /// How close to the service's time (the answer's Date) the SDK's correction must now bring the signing time for the
    /// request to be sent again: well inside <see cref="SigningWindow"/>, and far above a Date header's whole second and
    /// the moments between the answer and the resend.
    /// </summary>
    internal static readonly TimeSpan ResendMargin = TimeSpan.FromMinutes(1);

    private const string StateKey = "IamOnboard.StaleClockCorrection";
    private const string Resending = "resending";
    private const string Resent = "resent";

    /// <summary>
    /// True, once per request, when <paramref name="exception"/> is the service refusing the request for its signing time
    /// (SignatureDoesNotMatch, signed more than the signing window away from the answer's Date) while the correction the
    /// SDK now holds for the endpoint brings this machine's time to the Date's: marks the request to be signed again,
    /// and says so on the verbose stream. <paramref name="operation"/> names the request for that line ("IAM CreateUser for 'ana'").
    /// </summary>
    public static bool ResendsSignedAgain(IExecutionContext executionContext, Exception exception, string service, string operation, int maxAttempts)
    {
        var context = executionContext.RequestContext;
        if (exception is not AmazonServiceException { ErrorCode: IamErrorCodes.SignatureDoesNotMatch } refused || refused.StatusCode == 0
            || context.Request is not { } request || context.ContextAttributes.ContainsKey(StateKey)
            || !ServiceClock.TryParseDate(SdkErrors.AnswerDate(refused), out var answered)
            || !request.Headers.TryGetValue("X-Amz-Date", out var amzDate) || !TryParseAmzDate(amzDate, out var signedAt))
        {
            return false;
        }

        // The Date was written somewhere in its second: its middle, as ServiceClock takes it.
        var serviceTime = answered.AddMilliseconds(500);
        var signedOffBy = signedAt - serviceTime;
        var endpoint = request.Endpoint.ToString();
        var resendWouldSignAt = CorrectClockSkew.GetCorrectedUtcNowForEndpoint(endpoint, context.ClientConfig);
        if (signedOffBy.Duration() <= SigningWindow - ServiceClock.Tolerance || (resendWouldSignAt - serviceTime).Duration() > ResendMargin)
        {
            return false;
        }

        context.ContextAttributes[StateKey] = Resending;
        context.IsSigned = false;
        var correction = CorrectClockSkew.GetClockCorrectionForEndpoint(endpoint);
        // A correction kept from before the clock was put right, or one that no longer matches a clock still off by
        // another amount (a clock off with no correction yet is the SDK's own resend); the line says which.
        var clockRightNow = correction.Duration() <= ServiceClock.Tolerance;
        OnboardLog.Current.Verbose(string.Format(CultureInfo.InvariantCulture,
            "{0} was refused for its signing time ({1}): the AWS SDK signed it {2} {3} {4}'s time ({4}'s answer is dated {5} by its Date header), {6}. The SDK's correction "
            + "for {7} is put right by {8}, to {9} (this machine's clock {10} {4}'s); sending it again, attempt {11} of {12}.",
            operation, FirstSentence(refused.Message), ServiceClock.Length(signedOffBy), signedOffBy > TimeSpan.Zero ? "ahead of" : "behind", service,
            CredentialClock.Utc(answered),
            clockRightNow ? "with a clock correction it kept from when this machine's clock was off" : "with a clock correction other than the one this answer shows",
            endpoint, ServiceClock.Length(signedOffBy), Signed(correction),
            clockRightNow ? "agrees with" : "is " + ServiceClock.Describe(correction),
            context.Retries + 2, maxAttempts));
        return true;
    }

    /// <summary>
    /// Whether this retry is the resend of <see cref="ResendsSignedAgain"/>, which, like the SDK's own resend for a clock
    /// that is off, draws nothing from the retry quota. True once, for the retry that follows it.
    /// </summary>
    public static bool BypassesQuota(IExecutionContext executionContext)
    {
        var attributes = executionContext.RequestContext.ContextAttributes;
        if (attributes.TryGetValue(StateKey, out var state) && Equals(state, Resending))
        {
            attributes[StateKey] = Resent;
            return true;
        }

        return false;
    }

    private static bool TryParseAmzDate(string? value, out DateTime utc)
    {
        utc = default;
        return !string.IsNullOrEmpty(value) && DateTime.TryParseExact(value, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out utc);
    }

    private static string FirstSentence(string? message)
    {
        var text = (message ?? string.Empty).Trim();
        var colon = text.IndexOf(':');
        return colon > 0 ? text.Substring(0, colon) : text.TrimEnd('.');
    }

    private static string Signed(TimeSpan correction) =>
        correction.Duration() <= ServiceClock.Tolerance ? "0 s" : (correction > TimeSpan.Zero ? "+" : "-") + ServiceClock.Length(correction);
}
