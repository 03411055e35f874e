using System;
using System.Globalization;
using System.Threading;
using IamOnboard.Mfa;

namespace IamOnboard.AwsSdk;

/// <summary>
/// The service's time as its answers tell it: each answer's <c>Date</c> header (RFC 1123, whole seconds) held against
/// this machine's clock halfway through the request's round trip, the way AWSSDK.Core measures the skew it corrects
/// signing for. Nothing is guessed: until an answer with a Date header has arrived, and while the difference is within
/// what a Date header can tell (<see cref="Tolerance"/>), the machine's clock is the time.
/// </summary>
internal sealed class ServiceClock : IClock
{
    /// <summary>
    /// A Date header has whole seconds and was written somewhere in the round trip: a difference this small is not told
    /// apart from none.
    /// </summary>
    internal static readonly TimeSpan Tolerance = TimeSpan.FromSeconds(2);

    /// <summary>An answer slower than this says too little of when its Date was written; it is not used.</summary>
    internal static readonly TimeSpan MaxRoundTrip = TimeSpan.FromSeconds(10);

    private readonly Func<DateTime> _machineUtcNow;
    private ServiceTimeReading? _latest;

    public ServiceClock(Func<DateTime>? machineUtcNow = null) => _machineUtcNow = machineUtcNow ?? (() => DateTime.UtcNow);

    /// <summary>This machine's time (UTC), as the readings are taken.</summary>
    public DateTime MachineUtcNow => _machineUtcNow();

    /// <summary>The latest answer's reading; null until an answer with a Date header has arrived.</summary>
    public ServiceTimeReading? Latest => Volatile.Read(ref _latest);

    /// <summary>How far the service's clock is ahead of this machine's (negative: behind), when the latest answer says it is off by more than <see cref="Tolerance"/>; else null.</summary>
    public TimeSpan? Offset => Latest is { } reading && reading.Offset.Duration() > Tolerance ? reading.Offset : null;

    /// <summary>The service's time: this machine's, moved by <see cref="Offset"/> when one is known.</summary>
    public DateTimeOffset UtcNow => new(MachineUtcNow + (Offset ?? TimeSpan.Zero), TimeSpan.Zero);

    /// <summary>Takes a reading from an answer sent at <paramref name="sentUtc"/> and received at <paramref name="receivedUtc"/> (this machine's clock); an answer without a parseable Date, or too slow, leaves the latest reading as it is.</summary>
    public void Record(DateTime sentUtc, DateTime receivedUtc, string? dateHeader)
    {
        var roundTrip = receivedUtc - sentUtc;
        if (!TryParseDate(dateHeader, out var date) || roundTrip < TimeSpan.Zero || roundTrip > MaxRoundTrip)
        {
            return;
        }

        // The service wrote its Date somewhere in that second: the middle of it, against the middle of the round trip.
        var machine = sentUtc + TimeSpan.FromTicks(roundTrip.Ticks / 2);
        Volatile.Write(ref _latest, new ServiceTimeReading(machine, date, date.AddMilliseconds(500) - machine));
    }

    /// <summary>An HTTP Date header (RFC 1123, GMT) as UTC.</summary>
    public static bool TryParseDate(string? header, out DateTime utc)
    {
        utc = default;
        return !string.IsNullOrEmpty(header)
            && DateTime.TryParseExact(header!.Trim(), "r", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out utc);
    }

    /// <summary>"3 min 5 s behind" or "20 min ahead of" (whole seconds): how this machine's clock stands to the service's, for messages.</summary>
    public static string Describe(TimeSpan serviceAheadBy) => Length(serviceAheadBy) + (serviceAheadBy > TimeSpan.Zero ? " behind" : " ahead of");

    /// <summary>"1 h 0 min 59 s", "20 min", "0 s": how long <paramref name="span"/> is, either way, in whole seconds, for messages.</summary>
    public static string Length(TimeSpan span)
    {
        long seconds = (long)Math.Round(Math.Abs(span.TotalSeconds));
        var parts = new System.Collections.Generic.List<string>();
        if (seconds >= 3600)
        {
            parts.Add((seconds / 3600).ToString(CultureInfo.InvariantCulture) + " h");
        }

        if (seconds % 3600 >= 60)
        {
            parts.Add((seconds % 3600 / 60).ToString(CultureInfo.InvariantCulture) + " min");
        }

        if (seconds % 60 != 0 || parts.Count == 0)
        {
            parts.Add((seconds % 60).ToString(CultureInfo.InvariantCulture) + " s");
        }

        return string.Join(" ", parts);
    }
}

/// <summary>One answer's word on the time: this machine's clock then, the answer's Date, and the service's time minus the machine's.</summary>
internal sealed class ServiceTimeReading
{
    public ServiceTimeReading(DateTime machineUtc, DateTime serviceDateUtc, TimeSpan offset)
    {
        MachineUtc = machineUtc;
        ServiceDateUtc = serviceDateUtc;
        Offset = offset;
    }

    public DateTime MachineUtc { get; }

    public DateTime ServiceDateUtc { get; }

    public TimeSpan Offset { get; }
}
