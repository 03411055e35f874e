using System;
using System.Collections.Generic;
using System.Diagnostics;

namespace IamOnboard.LocalIam.Faults;

/// <summary>
/// The server's deliberate misbehaviour: a token bucket for throttling and dice for injected failures and
/// dropped responses. One seeded generator behind a lock, so a given seed and request order repeat exactly.
/// </summary>
internal sealed class FaultInjector
{
    private readonly object _gate = new();
    private readonly Random _random;
    private readonly double _throttleRate;
    private readonly double _capacity;
    private readonly double _failureRate;
    private readonly double _dropRate;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Dictionary<string, int> _scriptedDrops = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _scriptedFailures = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _scriptedGatewayTimeouts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _scriptedConcurrentModifications = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Action> _interruptions = new(StringComparer.Ordinal);
    private double _tokens;
    private double _lastRefillSeconds;

    public FaultInjector(LocalIamOptions options)
    {
        _random = options.RandomSeed is int seed ? new Random(seed) : new Random();
        _throttleRate = options.ThrottleRate;
        _capacity = options.ThrottleBurst > 0 ? options.ThrottleBurst : Math.Max(1, Math.Ceiling(options.ThrottleRate));
        _tokens = _capacity;
        _failureRate = options.FailureRate;
        _dropRate = options.DropResponseRate;
    }

    /// <summary>Takes a token; false when the bucket is empty and the request must be throttled.</summary>
    public bool TryAdmit()
    {
        if (_throttleRate <= 0)
        {
            return true;
        }

        lock (_gate)
        {
            double now = _clock.Elapsed.TotalSeconds;
            _tokens = Math.Min(_capacity, _tokens + ((now - _lastRefillSeconds) * _throttleRate));
            _lastRefillSeconds = now;
            if (_tokens >= 1)
            {
                _tokens -= 1;
                return true;
            }

            return false;
        }
    }

    /// <summary>Whether this request is answered ServiceFailure: first the scripted failures for its action, then the dice.</summary>
    public bool ShouldFail(string action)
        => TakeScripted(_scriptedFailures, action) || Roll(_failureRate);

    /// <summary>Answers the next <paramref name="count"/> requests of <paramref name="action"/> ServiceFailure (not carried out), whatever the rate.</summary>
    public void FailNext(string action, int count)
        => Script(_scriptedFailures, action, count);

    /// <summary>Whether this mutation's response is dropped: first the scripted drops for its action, then the dice.</summary>
    public bool ShouldDropResponse(string action)
        => TakeScripted(_scriptedDrops, action) || Roll(_dropRate);

    /// <summary>Drops the responses of the next <paramref name="count"/> requests of <paramref name="action"/> (carried out first), whatever the rate.</summary>
    public void DropNextResponses(string action, int count)
        => Script(_scriptedDrops, action, count);

    /// <summary>Whether this mutation, once carried out, is answered with a gateway's 504 (scripted only).</summary>
    public bool ShouldAnswerGatewayTimeout(string action)
        => TakeScripted(_scriptedGatewayTimeouts, action);

    /// <summary>Answers the next <paramref name="count"/> requests of <paramref name="action"/> with a gateway's 504 once carried out.</summary>
    public void GatewayTimeoutNext(string action, int count)
        => Script(_scriptedGatewayTimeouts, action, count);

    /// <summary>Whether this request is answered ConcurrentModification, not carried out (scripted only).</summary>
    public bool ShouldAnswerConcurrentModification(string action)
        => TakeScripted(_scriptedConcurrentModifications, action);

    /// <summary>Answers the next <paramref name="count"/> requests of <paramref name="action"/> ConcurrentModification (not carried out).</summary>
    public void ConcurrentModificationNext(string action, int count)
        => Script(_scriptedConcurrentModifications, action, count);

    /// <summary>Runs <paramref name="interruption"/> once, just before the next request of <paramref name="action"/> is carried out.</summary>
    public void InterruptNext(string action, Action interruption)
    {
        lock (_gate)
        {
            _interruptions[action] = interruption;
        }
    }

    /// <summary>The interruption waiting for this request's action, taken (it runs once); null when there is none.</summary>
    public Action? TakeInterruption(string action)
    {
        lock (_gate)
        {
            if (_interruptions.TryGetValue(action, out var interruption))
            {
                _interruptions.Remove(action);
                return interruption;
            }

            return null;
        }
    }

    /// <summary>Whether a scripted answer is left for <paramref name="action"/>; if so, it is used up.</summary>
    private bool TakeScripted(Dictionary<string, int> scripted, string action)
    {
        lock (_gate)
        {
            if (scripted.TryGetValue(action, out var left) && left > 0)
            {
                scripted[action] = left - 1;
                return true;
            }

            return false;
        }
    }

    private void Script(Dictionary<string, int> scripted, string action, int count)
    {
        lock (_gate)
        {
            scripted[action] = count;
        }
    }

    private bool Roll(double rate)
    {
        if (rate <= 0)
        {
            return false;
        }

        lock (_gate)
        {
            return _random.NextDouble() < rate;
        }
    }
}
