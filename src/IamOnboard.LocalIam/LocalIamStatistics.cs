using System.Collections.Generic;

namespace IamOnboard.LocalIam;

/// <summary>A snapshot of what a <see cref="LocalIamServer"/> has answered since it started.</summary>
public sealed class LocalIamStatistics
{
    internal LocalIamStatistics(long totalRequests, IReadOnlyDictionary<string, long> requestsByAction, long throttled,
        long failuresInjected, long responsesDropped, long authenticationFailures, long malformedRequests)
    {
        TotalRequests = totalRequests;
        RequestsByAction = requestsByAction;
        Throttled = throttled;
        FailuresInjected = failuresInjected;
        ResponsesDropped = responsesDropped;
        AuthenticationFailures = authenticationFailures;
        MalformedRequests = malformedRequests;
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
}
