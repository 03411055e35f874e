using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Management.Automation;
using System.Threading;
using IamOnboard.Onboarding;

namespace IamOnboard.Commands.Infrastructure;

/// <summary>
/// Counts how each row of a batch ends and reports it: Write-Progress while it runs (rows done, failed, time
/// remaining when the batch size is known) and a summary at the end. Thread-safe: rows finish on pool threads.
/// </summary>
internal sealed class BatchProgress
{
    private const int ActivityId = 0x1A40;
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(250);

    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly string _activity;
    private int _started;
    private int _created;
    private int _completed;
    private int _unchanged;
    private int _failed;
    private int _declined;
    private int _cutShort;
    private int _highestRow;
    private int _batchSize;
    private long _lastReportTicks = -1;

    // The users of each outcome, in the order their rows ended, so that a batch cut short can say what it made.
    private readonly ConcurrentQueue<string> _createdUsers = new();
    private readonly ConcurrentQueue<string> _completedUsers = new();
    private readonly ConcurrentQueue<string> _failedUsers = new();
    private readonly ConcurrentQueue<string> _cutShortUsers = new();

    // Rows handed to their work and not yet ended (a batch's user names are unique): what a stop leaves here was cut short.
    private readonly ConcurrentDictionary<string, byte> _underWay = new(StringComparer.Ordinal);

    public BatchProgress(string activity) => _activity = activity;

    /// <summary>A row reached the cmdlet (its number and, if known, the batch's size).</summary>
    public void RowStarted(int? row, int? batchSize)
    {
        Interlocked.Increment(ref _started);
        InterlockedMax(ref _highestRow, row ?? 0);
        InterlockedMax(ref _batchSize, batchSize ?? 0);
    }

    /// <summary>The row's work is about to start; it ends with <see cref="RowEnded"/>, <see cref="RowFailed"/> (underWay) or <see cref="RowCutShort"/>.</summary>
    public void RowUnderWay(string userName) => _underWay[userName] = 0;

    public void RowEnded(OnboardingOutcome outcome, string userName)
    {
        _underWay.TryRemove(userName, out _);
        switch (outcome)
        {
            case OnboardingOutcome.Created:
                _createdUsers.Enqueue(userName);
                Interlocked.Increment(ref _created);
                break;
            case OnboardingOutcome.Completed:
                _completedUsers.Enqueue(userName);
                Interlocked.Increment(ref _completed);
                break;
            default:
                Interlocked.Increment(ref _unchanged);
                break;
        }
    }

    /// <summary>
    /// A row that failed with its own error; <paramref name="userName"/> when the row named one. <paramref name="underWay"/>:
    /// the row had been marked under way (<see cref="RowUnderWay"/>); a row refused before is not, and its name may be a
    /// duplicate of one that is.
    /// </summary>
    public void RowFailed(string? userName = null, bool underWay = false)
    {
        if (userName is { Length: > 0 })
        {
            _failedUsers.Enqueue(userName);
            if (underWay)
            {
                _underWay.TryRemove(userName, out _);
            }
        }

        Interlocked.Increment(ref _failed);
    }

    /// <summary>A row under way when the batch was stopped (an error under -ErrorAction Stop, Select-Object -First): its work was cancelled.</summary>
    public void RowCutShort(string userName)
    {
        _underWay.TryRemove(userName, out _);
        _cutShortUsers.Enqueue(userName);
        Interlocked.Increment(ref _cutShort);
    }

    /// <summary>A row the user said no to at the -Confirm prompt: nothing was done, and the user may not exist.</summary>
    public void RowDeclined() => Interlocked.Increment(ref _declined);

    /// <summary>A progress record when one is due (at most four a second), else null.</summary>
    public ProgressRecord? DueProgress()
    {
        var now = _clock.Elapsed.Ticks;
        var last = Interlocked.Read(ref _lastReportTicks);
        if (last >= 0 && now - last < ProgressInterval.Ticks)
        {
            return null;
        }

        Interlocked.Exchange(ref _lastReportTicks, now);
        var done = _created + _completed + _unchanged + _failed + _declined + _cutShort;
        var record = new ProgressRecord(ActivityId, _activity, $"{done} rows done, {_failed} failed");
        var size = Math.Max(_batchSize, _highestRow);
        if (_batchSize > 0 && done > 0)
        {
            record.PercentComplete = Math.Min(100, done * 100 / size);
            var perRow = _clock.Elapsed.TotalSeconds / done;
            record.SecondsRemaining = (int)Math.Ceiling(perRow * Math.Max(0, size - done));
        }

        return record;
    }

    /// <summary>The record that takes the progress bar down, when one was shown (else null).</summary>
    public ProgressRecord? Finished() =>
        Interlocked.Read(ref _lastReportTicks) < 0 ? null : new(ActivityId, _activity, "Done") { RecordType = ProgressRecordType.Completed };

    /// <summary>
    /// How the batch ended. <paramref name="refusedBeforeThis"/>: the rows Import-OnboardCsv refused, rejected. Rows of
    /// the batch that reached neither (left out by a filter between the two, refused by parameter binding with an
    /// error of its own, or not yet read when the batch stopped) are counted apart, as not received.
    /// <paramref name="stoppedBy"/>: why the batch ended before its input did, or null when it ran to its end.
    /// </summary>
    public OnboardBatchSummary Summary(bool plan, int refusedBeforeThis, string? stoppedBy = null)
    {
        if (stoppedBy is not null)
        {
            // Received but never worked on (the stop came first), or still under way past the wait for it: cut short too.
            foreach (var userName in _underWay.Keys)
            {
                RowCutShort(userName);
            }
        }

        var total = Math.Max(Math.Max(_batchSize, _highestRow), _started + refusedBeforeThis);
        var notReceived = Math.Max(0, total - _started - refusedBeforeThis);
        return new OnboardBatchSummary(plan, total, _created, _completed, _unchanged, _failed, _declined, refusedBeforeThis, notReceived, _clock.Elapsed)
        {
            CutShort = _cutShort,
            StoppedBy = stoppedBy,
            CreatedUsers = _createdUsers.ToArray(),
            CompletedUsers = _completedUsers.ToArray(),
            FailedUsers = _failedUsers.ToArray(),
            CutShortUsers = _cutShortUsers.ToArray(),
        };
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while (value > (current = Volatile.Read(ref target)))
        {
            if (Interlocked.CompareExchange(ref target, value, current) == current)
            {
                return;
            }
        }
    }
}
