using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Threading;

namespace IamOnboard.Onboarding;

/// <summary>
/// One onboarding run: the credentials it makes carry its id in their <see cref="HandOffMark"/>, so another run can
/// tell credentials still being handed out (never touched) from credentials a dead run left behind (replaced).
/// </summary>
/// <remarks>
/// A run is live while it holds references: <see cref="OnboardingRuns.Begin"/> gives the creator one, released by
/// <see cref="End"/>; whoever keeps credentials not yet handed out (the cmdlets' hand-off ledger) adds a hold for each
/// with <see cref="AddHold"/> and releases it with <see cref="ReleaseHold"/> once they are handed out or abandoned.
/// When the last hold is gone the run is dead, and its marks are repaired by the next run that meets them.
/// </remarks>
public sealed class OnboardingRun
{
    private int _holds = 1;

    internal OnboardingRun(RunId id) => Id = id;

    /// <summary>Host, process id, process start and sequence number: unique across hosts and time.</summary>
    public RunId Id { get; }

    /// <summary>Whether the run still holds credentials or has not ended.</summary>
    public bool IsLive => Volatile.Read(ref _holds) > 0;

    /// <summary>Keeps the run live while a credential it made is not yet handed out.</summary>
    public void AddHold()
    {
        if (Interlocked.Increment(ref _holds) == 1)
        {
            // A hold taken on a dead run would make it live again after its marks may have been repaired.
            Interlocked.Decrement(ref _holds);
            throw new InvalidOperationException($"Run {Id} has ended: it can no longer hold credentials.");
        }
    }

    /// <summary>Releases a hold taken with <see cref="AddHold"/>.</summary>
    public void ReleaseHold()
    {
        var left = Interlocked.Decrement(ref _holds);
        if (left < 0)
        {
            Interlocked.Increment(ref _holds);
            throw new InvalidOperationException($"Run {Id}: more holds released than taken.");
        }

        if (left == 0)
        {
            OnboardingRuns.Forget(this);
        }
    }

    /// <summary>Releases the creator's hold (once; later calls do nothing).</summary>
    public void End()
    {
        if (Interlocked.Exchange(ref _ended, 1) == 0)
        {
            ReleaseHold();
        }
    }

    private int _ended;

    public override string ToString() => Id.ToString();
}

/// <summary>Starts runs and knows which runs of this process are live.</summary>
public static class OnboardingRuns
{
    private static readonly ConcurrentDictionary<long, OnboardingRun> Live = new();
    private static long _sequence;
    private static readonly Lazy<(string Host, int Pid, long StartMs)> ThisProcess = new(() =>
    {
        using var process = Process.GetCurrentProcess();
        return (RunId.SanitiseHost(Environment.MachineName), process.Id, RunId.ToUnixMs(process.StartTime.ToUniversalTime()));
    });

    /// <summary>A new run, live until <see cref="OnboardingRun.End"/> and every hold are released.</summary>
    public static OnboardingRun Begin()
    {
        var (host, pid, start) = ThisProcess.Value;
        var run = new OnboardingRun(new RunId(host, pid, start, Interlocked.Increment(ref _sequence)));
        Live[run.Id.Sequence] = run;
        return run;
    }

    /// <summary>Whether a run id names this process (same host, process id and start time).</summary>
    internal static bool IsThisProcess(RunId id)
    {
        var (host, pid, start) = ThisProcess.Value;
        return id.ProcessId == pid && id.ProcessStartMs == start && string.Equals(id.Host, host, StringComparison.OrdinalIgnoreCase);
    }

    internal static bool IsThisHost(RunId id) => string.Equals(id.Host, ThisProcess.Value.Host, StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether a run of this process is live.</summary>
    internal static bool IsLiveHere(RunId id) => Live.TryGetValue(id.Sequence, out var run) && run.IsLive;

    internal static void Forget(OnboardingRun run) => Live.TryRemove(run.Id.Sequence, out _);
}

/// <summary>The id of a run, as written in a hand-off mark: <c>host/pid/process-start-ms/sequence</c>.</summary>
public sealed class RunId
{
    internal RunId(string host, int processId, long processStartMs, long sequence)
    {
        Host = host;
        ProcessId = processId;
        ProcessStartMs = processStartMs;
        Sequence = sequence;
    }

    /// <summary>The host name, lower case, letters, digits, '.', '-' and '_' only, at most 63 characters.</summary>
    public string Host { get; }

    public int ProcessId { get; }

    /// <summary>The process's start time in milliseconds since 1970 (UTC): a process id reused later is another process.</summary>
    public long ProcessStartMs { get; }

    /// <summary>Runs started in the process so far, this one included.</summary>
    public long Sequence { get; }

    public DateTime ProcessStartUtc => DateTimeOffset.FromUnixTimeMilliseconds(ProcessStartMs).UtcDateTime;

    public override string ToString() => string.Format(CultureInfo.InvariantCulture, "{0}/{1}/{2}/{3}", Host, ProcessId, ProcessStartMs, Sequence);

    /// <summary>Reads an id written by <see cref="ToString"/>; null when the text is not one.</summary>
    public static RunId? Parse(string text)
    {
        var parts = text.Split('/');
        if (parts.Length != 4 || parts[0].Length == 0 || SanitiseHost(parts[0]) != parts[0]
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var start)
            || !long.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
        {
            return null;
        }

        return new RunId(parts[0], pid, start, sequence);
    }

    internal static string SanitiseHost(string name)
    {
        var text = new StringBuilder();
        foreach (var c in name.ToLowerInvariant())
        {
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_')
            {
                text.Append(c);
            }
        }

        var host = text.Length == 0 ? "unknown-host" : text.ToString();
        return host.Length > 63 ? host.Substring(0, 63) : host;
    }

    internal static long ToUnixMs(DateTime utc) => new DateTimeOffset(utc).ToUnixTimeMilliseconds();
}
