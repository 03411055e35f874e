using System;

namespace IamOnboard.Commands;

/// <summary>
/// How a batch of rows ended, written to the information stream (tag <c>IamOnboard.Summary</c>) when
/// New-OnboardUser finishes a pipeline, so runbooks can log it. Every row is counted exactly once.
/// </summary>
public sealed class OnboardBatchSummary
{
    internal OnboardBatchSummary(bool plan, int total, int created, int completed, int unchanged, int failed, int declined, int rejected, int notReceived, TimeSpan elapsed)
    {
        Plan = plan;
        Total = total;
        Created = created;
        Completed = completed;
        Unchanged = unchanged;
        Failed = failed;
        Declined = declined;
        Rejected = rejected;
        NotReceived = notReceived;
        Elapsed = elapsed;
    }

    /// <summary>True for a -WhatIf plan: the counts say what would happen.</summary>
    public bool Plan { get; }

    public int Total { get; }

    public int Created { get; }

    /// <summary>Users that existed and were given what they lacked.</summary>
    public int Completed { get; }

    /// <summary>Users that existed with everything asked for.</summary>
    public int Unchanged { get; }

    /// <summary>Rows that failed, each with its own error record.</summary>
    public int Failed { get; }

    /// <summary>Rows answered No at the -Confirm prompt: nothing was done for them.</summary>
    public int Declined { get; }

    /// <summary>Rows Import-OnboardCsv refused, each with its error: they never reached New-OnboardUser.</summary>
    public int Rejected { get; }

    /// <summary>
    /// Rows of the files Import-OnboardCsv read that never reached New-OnboardUser for another reason: left out by a
    /// command between the two (Where-Object, Select-Object -First), or refused by parameter binding with an error.
    /// </summary>
    public int NotReceived { get; }

    public TimeSpan Elapsed { get; }

    public override string ToString() =>
        $"{(Plan ? "Plan" : "Batch")}: {Total} rows: {Created} {(Plan ? "to create" : "created")}, {Completed} {(Plan ? "to complete" : "completed")}, " +
        $"{Unchanged} unchanged, {Failed} failed, {Declined} declined, {Rejected} rejected" +
        (NotReceived > 0 ? $", {NotReceived} not received" : string.Empty) + $" ({Elapsed.TotalSeconds:0.0} s).";
}
