using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;

namespace IamOnboard.LocalIam;

/// <summary>
/// One request a <see cref="LocalIamServer"/> answered while recording: its action, the user it named, and when it was
/// read and answered, in milliseconds since the recording started. Carries no parameter values beyond the user name and,
/// for AssumeRole, the role asked for; and who signed the request (never a key or a token).
/// </summary>
public sealed class RecordedRequest
{
    internal RecordedRequest(string? action, string? userName, double startedMs, double finishedMs, string? callerArn = null, string? roleArn = null)
    {
        Action = action;
        UserName = userName;
        CallerArn = callerArn;
        RoleArn = roleArn;
        StartedMs = startedMs;
        FinishedMs = finishedMs;
    }

    /// <summary>The awsQuery action, or null when the request was refused before its action was read.</summary>
    public string? Action { get; }

    /// <summary>The request's <c>UserName</c> parameter, or its <c>VirtualMFADeviceName</c> (CreateVirtualMFADevice names no user), when it has one.</summary>
    public string? UserName { get; }

    /// <summary>The ARN of whoever signed the request (an assumed role's session ARN for role credentials), once authenticated.</summary>
    public string? CallerArn { get; }

    /// <summary>AssumeRole's <c>RoleArn</c> parameter: which role a hop of a role chain asked for.</summary>
    public string? RoleArn { get; }

    /// <summary>When the request had been read.</summary>
    public double StartedMs { get; }

    /// <summary>When its response had been written (or dropped).</summary>
    public double FinishedMs { get; }
}

/// <summary>What a request tells the log while it is processed; timed by the connection that answers it.</summary>
internal sealed class RequestTrace
{
    public string? Action { get; set; }

    public string? UserName { get; set; }

    public string? CallerArn { get; set; }

    public string? RoleArn { get; set; }
}

/// <summary>Collects <see cref="RecordedRequest"/>s from the moment it is created; for benchmarks' per-user timings.</summary>
internal sealed class RequestLog
{
    private readonly long _origin = Stopwatch.GetTimestamp();
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();

    public void Add(RequestTrace trace, long started, long finished) =>
        _requests.Enqueue(new RecordedRequest(trace.Action, trace.UserName, Milliseconds(started), Milliseconds(finished), trace.CallerArn, trace.RoleArn));

    public IReadOnlyList<RecordedRequest> ToList() => _requests.OrderBy(r => r.StartedMs).ToList();

    private double Milliseconds(long timestamp) => (timestamp - _origin) * 1000.0 / Stopwatch.Frequency;
}
