using System;
using System.Diagnostics;
using System.Threading;

namespace IamOnboard.LocalIam;

/// <summary>
/// Counts the requests a <see cref="LocalIamServer"/> is working on (from the request read to its response ready to send,
/// injected latency included), the most at once, and the time they spent in flight: the concurrency a client really
/// put on the endpoint, whatever the client says it limits itself to.
/// </summary>
internal sealed class RequestsInFlight
{
    private int _current;
    private int _peak;
    private long _stopwatchTicks;

    public int Current => Volatile.Read(ref _current);

    public int Peak => Volatile.Read(ref _peak);

    /// <summary>The requests' time in flight, summed: divided by a period's length, the mean number in flight.</summary>
    public TimeSpan TotalTime => TimeSpan.FromSeconds(Interlocked.Read(ref _stopwatchTicks) / (double)Stopwatch.Frequency);

    /// <summary>A request was read; returns its start, for <see cref="Exit"/>.</summary>
    public long Enter()
    {
        int now = Interlocked.Increment(ref _current);
        RaisePeak(now);
        return Stopwatch.GetTimestamp();
    }

    /// <summary>The request was answered (its response ready to send, or dropped, or the connection lost); returns the time it ended.</summary>
    public long Exit(long started)
    {
        long finished = Stopwatch.GetTimestamp();
        Interlocked.Add(ref _stopwatchTicks, finished - started);
        Interlocked.Decrement(ref _current);
        return finished;
    }

    /// <summary>Starts a new peak from the requests in flight now, so that one run's peak is not an earlier run's.</summary>
    public void ResetPeak()
    {
        Volatile.Write(ref _peak, 0);
        RaisePeak(Current);
    }

    private void RaisePeak(int value)
    {
        int seen = Volatile.Read(ref _peak);
        while (value > seen)
        {
            int previous = Interlocked.CompareExchange(ref _peak, value, seen);
            if (previous == seen)
            {
                return;
            }

            seen = previous;
        }
    }
}
