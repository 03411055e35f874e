using System;
using System.Globalization;
using System.Net.Sockets;
using System.Threading.Tasks;
using Amazon.Runtime;
using Amazon.Runtime.Internal;
using IamOnboard.AwsSdk;
using IamOnboard.Diagnostics;

namespace IamOnboard.Iam.Internal;

/// <summary>What the client adds to the SDK's retry decision.</summary>
internal static class IamRetryRules
{
    /// <summary>True when an HTTP response came back (the request was processed, whatever the outcome).</summary>
    public static bool HasResponse(Exception exception)
        => (exception is AmazonServiceException service && service.StatusCode != 0) || exception is HttpErrorResponseException;

    /// <summary>True when the failure happened before the request could reach the server (refused, no route, name not resolved).</summary>
    public static bool NeverSent(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is SocketException socket)
            {
                return socket.SocketErrorCode is SocketError.ConnectionRefused or SocketError.HostNotFound or SocketError.HostUnreachable
                    or SocketError.NetworkUnreachable or SocketError.TryAgain or SocketError.NoData;
            }
        }

        return false;
    }

    /// <summary>
    /// True for an answer that does not say whether IAM carried the request out: a 5xx other than throttling (IAM's 500
    /// ServiceFailure, a proxy's or load balancer's 502 or 504 after it stopped waiting).
    /// </summary>
    public static bool OutcomeUnknown(Exception exception) => exception switch
    {
        AmazonServiceException service => (int)service.StatusCode >= 500 && !ThrottlingCodes.Contains(service.ErrorCode ?? string.Empty),
        HttpErrorResponseException http => (int)http.Response.StatusCode >= 500,
        _ => false,
    };

    /// <summary>
    /// IAM's ConcurrentModification (409): it refused the change because another change to the same entity was under
    /// way, and asks for it to be sent again later. The SDK does not retry it; we do. Refused means not applied, so
    /// sending it again duplicates nothing, creates included (a create whose earlier attempt lost its answer is never
    /// sent again at all, see <see cref="MayRetry"/>).
    /// </summary>
    public static bool IsConcurrentModification(Exception exception) =>
        exception is AmazonServiceException { ErrorCode: IamErrorCodes.ConcurrentModification } service && service.StatusCode != 0;

    /// <summary>
    /// True for ConcurrentModification, which the retry policies send again (on top of what the SDK retries) once
    /// <see cref="MayRetry"/> allows it: the retry is one of the call's attempts, and holds the call's place in the
    /// request budget.
    /// </summary>
    public static bool RetriesConcurrentModification(IExecutionContext executionContext, Exception exception)
    {
        if (!IsConcurrentModification(exception))
        {
            return false;
        }

        if (executionContext.RequestContext.OriginalRequest is IamQueryRequest request)
        {
            request.RetryingConcurrentModification = true;
        }

        return true;
    }

    /// <summary>
    /// True for a request refused for its signing time because the AWS SDK signed it with a clock correction it kept
    /// from when this machine's clock was off (<see cref="StaleClockCorrection"/>): sent again once, signed anew.
    /// </summary>
    public static bool ResendsWithCorrectedClock(IExecutionContext executionContext, Exception exception)
        => executionContext.RequestContext.OriginalRequest is IamQueryRequest request
            && StaleClockCorrection.ResendsSignedAgain(executionContext, exception, "IAM",
                "IAM " + request.Action + (request.Subject is { } subject ? " for '" + subject + "'" : string.Empty), request.MaxAttempts);

    /// <summary>
    /// Whether this retry leaves the SDK's retry quota alone: throttling, and ConcurrentModification, both IAM asking
    /// us to wait, which the backoff does (see <see cref="IamStandardRetryPolicy"/>); and the resend of a request signed
    /// with a stale clock correction, as the SDK's own resend for a clock that is off.
    /// </summary>
    public static bool BypassesQuota(IExecutionContext executionContext, bool isThrottlingError)
    {
        if (StaleClockCorrection.BypassesQuota(executionContext))
        {
            return true;
        }

        if (executionContext.RequestContext.OriginalRequest is IamQueryRequest { RetryingConcurrentModification: true } request)
        {
            request.RetryingConcurrentModification = false;
            return true;
        }

        return isThrottlingError;
    }

    private static readonly System.Collections.Generic.HashSet<string> ThrottlingCodes = new(StringComparer.Ordinal)
    {
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException", "TooManyRequestsException",
        "RequestLimitExceeded", "RequestThrottled", "SlowDown",
    };

    /// <summary>
    /// Vetoes what the SDK would otherwise retry: anything after cancellation, and a create whose request may have
    /// reached IAM without its response reaching us (the SDK retries IOExceptions on POSTs, which for CreateAccessKey
    /// would mint a second key whose twin's secret nobody received). The creates whose callers look into a lost response
    /// (<see cref="IamOperations.LooksIntoLostResponse"/>) are handed back on an answer of unknown outcome as well.
    /// </summary>
    public static bool MayRetry(IExecutionContext executionContext, Exception exception)
    {
        if (executionContext.RequestContext.CancellationToken.IsCancellationRequested)
        {
            return false;
        }

        if (HasResponse(exception))
        {
            if (OutcomeUnknown(exception) && executionContext.RequestContext.OriginalRequest is IamQueryRequest { LooksIntoLostResponse: true } lookedInto)
            {
                lookedInto.ResponseLostNotRetried = true;
                return false;
            }

            return true;
        }

        if (NeverSent(exception))
        {
            return true;
        }

        if (executionContext.RequestContext.OriginalRequest is IamQueryRequest { Kind: OperationKind.Create } request)
        {
            request.ResponseLostNotRetried = true;
            return false;
        }

        return true;
    }
}

/// <summary>
/// Standard mode, except that ConcurrentModification is retried too (<see cref="IamRetryRules.IsConcurrentModification"/>),
/// a request signed with a stale clock correction is sent again once (<see cref="StaleClockCorrection"/>), and throttling
/// and ConcurrentModification retries do not draw on the SDK's retry quota. AWSSDK.Core 4.1 keeps one process-wide
/// quota per endpoint (500 tokens, 5 per throttled retry, 14 per other retry); a batch that IAM throttles drains it after
/// ~100 throttled retries, and from then on every throttle fails the call at once. Throttling is IAM telling us to slow
/// down, which the backoff does; the quota still guards against 5xx and network retry storms.
/// </summary>
internal sealed class IamStandardRetryPolicy : StandardRetryPolicy
{
    public IamStandardRetryPolicy(IClientConfig config)
        : base(config)
    {
    }

    public override bool RetryForException(IExecutionContext executionContext, Exception exception)
        => IamRetryRules.MayRetry(executionContext, exception)
            && (IamRetryRules.RetriesConcurrentModification(executionContext, exception) || IamRetryRules.ResendsWithCorrectedClock(executionContext, exception)
                || base.RetryForException(executionContext, exception));

    public override async Task<bool> RetryForExceptionAsync(IExecutionContext executionContext, Exception exception)
        => IamRetryRules.MayRetry(executionContext, exception)
            && (IamRetryRules.RetriesConcurrentModification(executionContext, exception) || IamRetryRules.ResendsWithCorrectedClock(executionContext, exception)
                || await base.RetryForExceptionAsync(executionContext, exception).ConfigureAwait(false));

    public override bool OnRetry(IExecutionContext executionContext, bool bypassAcquireCapacity, bool isThrottlingError)
        => base.OnRetry(executionContext, bypassAcquireCapacity || IamRetryRules.BypassesQuota(executionContext, isThrottlingError), isThrottlingError);
}

/// <summary>Adaptive mode (client-side rate limiting while throttled), with the same changes as <see cref="IamStandardRetryPolicy"/>.</summary>
internal sealed class IamAdaptiveRetryPolicy : AdaptiveRetryPolicy
{
    public IamAdaptiveRetryPolicy(IClientConfig config)
        : base(config)
    {
    }

    public override bool RetryForException(IExecutionContext executionContext, Exception exception)
        => IamRetryRules.MayRetry(executionContext, exception)
            && (IamRetryRules.RetriesConcurrentModification(executionContext, exception) || IamRetryRules.ResendsWithCorrectedClock(executionContext, exception)
                || base.RetryForException(executionContext, exception));

    public override async Task<bool> RetryForExceptionAsync(IExecutionContext executionContext, Exception exception)
        => IamRetryRules.MayRetry(executionContext, exception)
            && (IamRetryRules.RetriesConcurrentModification(executionContext, exception) || IamRetryRules.ResendsWithCorrectedClock(executionContext, exception)
                || await base.RetryForExceptionAsync(executionContext, exception).ConfigureAwait(false));

    public override bool OnRetry(IExecutionContext executionContext, bool bypassAcquireCapacity, bool isThrottlingError)
        => base.OnRetry(executionContext, bypassAcquireCapacity || IamRetryRules.BypassesQuota(executionContext, isThrottlingError), isThrottlingError);
}

/// <summary>
/// Sits inside the retry handler, so it sees every attempt: writes one debug line per retry (attempt, error code, request
/// id; never parameters), and takes the service's time from each answer's Date header (<see cref="ServiceClock"/>).
/// </summary>
internal sealed class IamAttemptHandler : PipelineHandler
{
    public override async Task<T> InvokeAsync<T>(IExecutionContext executionContext)
    {
        var request = executionContext.RequestContext.OriginalRequest as IamQueryRequest;
        if (request is not null && executionContext.RequestContext.Retries > 0)
        {
            OnboardLog.Current.Debug(string.Format(CultureInfo.InvariantCulture, "IAM {0} attempt {1} of {2} after {3}",
                request.Action, executionContext.RequestContext.Retries + 1, request.MaxAttempts, request.LastFailure));
            if (request.LastErrorCode == IamErrorCodes.ConcurrentModification)
            {
                // Not a fault of the network or of IAM: another change to the same entity (often another run's); said where admins look.
                OnboardLog.Current.Verbose(string.Format(CultureInfo.InvariantCulture,
                    "IAM {0}{1} was refused with ConcurrentModification (another change to it was under way); sending it again, attempt {2} of {3}.",
                    request.Action, request.Subject is { } subject ? " for '" + subject + "'" : string.Empty, executionContext.RequestContext.Retries + 1, request.MaxAttempts));
            }
        }

        var sent = request?.ServiceClock?.MachineUtcNow ?? default;
        try
        {
            var response = await base.InvokeAsync<T>(executionContext).ConfigureAwait(false);
            request?.ServiceClock?.Record(sent, request.ServiceClock.MachineUtcNow, executionContext.ResponseContext.HttpResponse?.GetHeaderValue("Date"));
            return response;
        }
        catch (Exception exception) when (request is not null)
        {
            if (IsIamsOwnRefusal(exception))
            {
                request.ServiceClock?.Record(sent, request.ServiceClock.MachineUtcNow, SdkErrors.AnswerDate(exception));
            }

            request.LastFailure = Describe(exception);
            request.LastErrorCode = (exception as AmazonServiceException)?.ErrorCode;
            var lost = IamRetryRules.OutcomeUnknown(exception) || (!IamRetryRules.HasResponse(exception) && !IamRetryRules.NeverSent(exception));
            if (lost && !executionContext.RequestContext.CancellationToken.IsCancellationRequested)
            {
                request.AnAttemptLostItsResponse = true;
            }

            throw;
        }
    }

    /// <summary>
    /// An error document IAM wrote, not a proxy's page or a 5xx of whatever stands in front of IAM: the only failed
    /// answers whose Date header is IAM's clock.
    /// </summary>
    private static bool IsIamsOwnRefusal(Exception exception) =>
        exception is AmazonServiceException { StatusCode: > 0 and < System.Net.HttpStatusCode.InternalServerError } service
            && !string.IsNullOrEmpty(service.ErrorCode) && !service.ErrorCode.StartsWith("HttpStatus", StringComparison.Ordinal);

    public static string Describe(Exception exception)
    {
        if (exception is AmazonServiceException service && service.StatusCode != 0)
        {
            return string.Format(CultureInfo.InvariantCulture, "{0} (HTTP {1}), request id {2}", service.ErrorCode, (int)service.StatusCode, service.RequestId ?? "none");
        }

        return "no response (" + SdkErrors.Innermost(exception).Message + ")";
    }
}
