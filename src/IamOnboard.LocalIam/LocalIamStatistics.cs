using System;
using System.Collections.Generic;

namespace IamOnboard.LocalIam;

/// <summary>A snapshot of what a <see cref="LocalIamServer"/> has answered since it started.</summary>
public sealed class LocalIamStatistics
{
    internal LocalIamStatistics(long totalRequests, IReadOnlyDictionary<string, long> requestsByAction, long throttled,
        long failuresInjected, long responsesDropped, long authenticationFailures, long malformedRequests,
        int inFlight, int peakInFlight, TimeSpan totalTimeInFlight, long connectionsAccepted, int connectionsOpen)
    {
        ConnectionsOpen = connectionsOpen;
        InFlight = inFlight;
        PeakInFlight = peakInFlight;
        TotalTimeInFlight = totalTimeInFlight;
        TotalRequests = totalRequests;
        RequestsByAction = requestsByAction;
        Throttled = throttled;
        FailuresInjected = failuresInjected;
        ResponsesDropped = responsesDropped;
        AuthenticationFailures = authenticationFailures;
        MalformedRequests = malformedRequests;
        ConnectionsAccepted = connectionsAccepted;
    }

    /// <summary>Every HTTP request read, well-formed or not.</summary>
    public long TotalRequests { get; }

    /// <summary>Requests per <c>Action</c> that passed throttling and authentication.</summary>
    public IReadOnlyDictionary<string, long> RequestsByAction { get; }

    /// <summary>Requests answered with <c>Throttling</c>.</summary>
    public long Throttled { get; }

    /// <summary>Requests answered with an injected <c>ServiceFailure</c>.</summary>
    public long FailuresInjected { get; }

    /// <summary>Mutations carried out whose response was deliberately dropped.</summary>
    public long ResponsesDropped { get; }

    /// <summary>Requests refused because they were unsigned, badly signed, or signed with an unknown, inactive or expired key.</summary>
    public long AuthenticationFailures { get; }

    /// <summary>Requests that were not valid HTTP (answered 4xx before reaching IAM).</summary>
    public long MalformedRequests { get; }

    /// <summary>Requests being worked on now: read, and their response not yet written.</summary>
    public int InFlight { get; }

    /// <summary>
    /// The most requests in flight at once (from the request read to its response written, injected latency
    /// included) since the endpoint started or since <see cref="LocalIamServer.ResetPeakInFlight"/>: the concurrency
    /// the clients really put on the endpoint.
    /// </summary>
    public int PeakInFlight { get; }

    /// <summary>
    /// The time every request spent in flight, summed. The change over a period divided by the period's length is the
    /// mean number of requests in flight during it.
    /// </summary>
    public TimeSpan TotalTimeInFlight { get; }

    /// <summary>TCP connections accepted: with keep-alive, a client that reuses its connections opens about as many as it has requests in flight at once.</summary>
    public long ConnectionsAccepted { get; }

    /// <summary>TCP connections open now: accepted and not yet closed (by the client, or by the endpoint when idle).</summary>
    public int ConnectionsOpen { get; }
}
