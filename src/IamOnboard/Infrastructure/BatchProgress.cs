using System;
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
    private int _highestRow;
    private int _batchSize;
    private long _lastReportTicks = -1;

    public BatchProgress(string activity) => _activity = activity;

    /// <summary>A row reached the cmdlet (its number and, if known, the batch's size).</summary>
    public void RowStarted(int? row, int? batchSize)
    {
        Interlocked.Increment(ref _started);
        InterlockedMax(ref _highestRow, row ?? 0);
        InterlockedMax(ref _batchSize, batchSize ?? 0);
    }

    public void RowEnded(OnboardingOutcome outcome)
    {
        switch (outcome)
        {
            case OnboardingOutcome.Created:
                Interlocked.Increment(ref _created);
                break;
            case OnboardingOutcome.Completed:
                Interlocked.Increment(ref _completed);
                break;
            default:
                Interlocked.Increment(ref _unchanged);
                break;
        }
    }

    public void RowFailed() => Interlocked.Increment(ref _failed);

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
        var done = _created + _completed + _unchanged + _failed + _declined;
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
    /// the batch that reached neither (left out by a filter between the two, or refused by parameter binding with an
    /// error of its own) are counted apart, as not received.
    /// </summary>
    public OnboardBatchSummary Summary(bool plan, int refusedBeforeThis)
    {
        var total = Math.Max(Math.Max(_batchSize, _highestRow), _started + refusedBeforeThis);
        var notReceived = Math.Max(0, total - _started - refusedBeforeThis);
        return new OnboardBatchSummary(plan, total, _created, _completed, _unchanged, _failed, _declined, refusedBeforeThis, notReceived, _clock.Elapsed);
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
