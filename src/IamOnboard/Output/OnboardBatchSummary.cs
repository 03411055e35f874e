using System;
using System.Collections.Generic;
using System.Linq;

namespace IamOnboard.Commands;

/// <summary>
/// How a batch of rows ended, written to the information stream (tag <c>IamOnboard.Summary</c>) when
/// New-OnboardUser finishes a pipeline, so runbooks can log it. Every row is counted exactly once. A batch stopped before
/// its input ended (an error under -ErrorAction Stop, Select-Object -First) writes it too, with <see cref="StoppedBy"/>,
/// and a warning that says the same.
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

    /// <summary>
    /// Rows under way when the batch stopped (<see cref="StoppedBy"/>): their work was cancelled and what it had made
    /// rolled back, each told in a warning. Running the row again finishes it.
    /// </summary>
    public int CutShort { get; internal set; }

    /// <summary>Why the batch ended before its input did (an error under -ErrorAction Stop, the command after it); null when it ran to its end.</summary>
    public string? StoppedBy { get; internal set; }

    public TimeSpan Elapsed { get; }

    /// <summary>The users counted in <see cref="Created"/>, in the order their rows ended.</summary>
    public string[] CreatedUsers { get; internal set; } = Array.Empty<string>();

    /// <summary>The users counted in <see cref="Completed"/>.</summary>
    public string[] CompletedUsers { get; internal set; } = Array.Empty<string>();

    /// <summary>The users of the rows counted in <see cref="Failed"/> (a row refused before it named a valid user has no name here).</summary>
    public string[] FailedUsers { get; internal set; } = Array.Empty<string>();

    /// <summary>The users counted in <see cref="CutShort"/>.</summary>
    public string[] CutShortUsers { get; internal set; } = Array.Empty<string>();

    public override string ToString() =>
        $"{(Plan ? "Plan" : "Batch")}: {Total} rows: {Created} {(Plan ? "to create" : "created")}, {Completed} {(Plan ? "to complete" : "completed")}, " +
        $"{Unchanged} unchanged, {Failed} failed, {Declined} declined, {Rejected} rejected" +
        (CutShort > 0 ? $", {CutShort} cut short" : string.Empty) +
        (NotReceived > 0 ? $", {NotReceived} not received" : string.Empty) + $" ({Elapsed.TotalSeconds:0.0} s).";

    /// <summary>
    /// The warning a batch stopped before its end writes: the counts so far and the users made, failed and cut short, so
    /// that a runbook's log says what the stop left (at most <paramref name="namesPerOutcome"/> names of each).
    /// </summary>
    internal string DescribeStop(string command, int namesPerOutcome = 20)
    {
        var named = new List<string>();
        Name(Plan ? "to create" : "created", CreatedUsers);
        Name(Plan ? "to complete" : "completed", CompletedUsers);
        Name("failed", FailedUsers);
        Name("cut short (run them again; one that had begun says in its own warning what it left)", CutShortUsers);
        return $"{command} stopped before the end of its input: {StoppedBy?.TrimEnd('.')}. {this}" +
            (named.Count > 0 ? " " + string.Join(" ", named) : string.Empty) +
            (NotReceived > 0 ? $" The {NotReceived} rows not received were not worked on." : string.Empty);

        void Name(string outcome, string[] users)
        {
            if (users.Length == 0)
            {
                return;
            }

            var more = users.Length > namesPerOutcome ? $" and {users.Length - namesPerOutcome} more (the IamOnboard.Summary record lists them all)" : string.Empty;
            named.Add($"{char.ToUpperInvariant(outcome[0])}{outcome.Substring(1)}: {string.Join(", ", users.Take(namesPerOutcome))}{more}.");
        }
    }
}
