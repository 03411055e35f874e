using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using IamOnboard.Commands.Infrastructure;
using IamOnboard.Onboarding;
using IamOnboard.Sessions;

namespace IamOnboard.Commands;

/// <summary>Completes -GroupName from the account's groups (needs a session: -Session or Connect-Onboard).</summary>
public sealed class GroupNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        AccountCompletion.Complete(fakeBoundParameters, wordToComplete, AccountLookups.GroupNamesAsync);
}

/// <summary>
/// Completes -UserName from the account's users (needs a session). One paged ListUsers per session, kept for
/// <see cref="CompletionCache.Lifetime"/>: an account may have thousands of users, and each Tab would list them all again.
/// </summary>
public sealed class UserNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        AccountCompletion.CompleteCached(fakeBoundParameters, wordToComplete, "users", AccountLookups.UserNamesAsync, names => names);
}

/// <summary>
/// Completes -Policy from AWS's managed policy catalogue and the account's customer managed policies; a word that
/// starts with arn: completes to policy ARNs. The catalogue is read once per session and kept like the user names.
/// </summary>
public sealed class PolicyCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        AccountCompletion.CompleteCached(fakeBoundParameters, wordToComplete, "policies", AccountLookups.PoliciesAsync,
            wordToComplete.Trim('\'', '"').StartsWith("arn:", StringComparison.OrdinalIgnoreCase) ? AccountLookups.PolicyArns : AccountLookups.PolicyReferences);
}

/// <summary>Completes -PermissionsBoundary from managed policy ARNs (AWS managed and the account's own).</summary>
public sealed class PolicyArnCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        AccountCompletion.CompleteCached(fakeBoundParameters, wordToComplete, "policies", AccountLookups.PoliciesAsync, AccountLookups.PolicyArns);
}

/// <summary>
/// What completion read from the account, per session and kind, kept for <see cref="Lifetime"/> after the read ended.
/// A read is not bound to the Tab that started it: when the completion budget runs out it goes on in the background
/// (for at most <see cref="BackgroundLimit"/>), and the next Tab finds its result.
/// </summary>
internal static class CompletionCache
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan BackgroundLimit = TimeSpan.FromMinutes(2);

    private static readonly ConditionalWeakTable<OnboardSession, Dictionary<string, Entry>> Entries = new();

    /// <summary>
    /// The read to wait for: the kept result while it is fresh, else the read under way, else one started now. Also the
    /// last result read in full, however old, to offer while a new read is still under way.
    /// </summary>
    public static (Task<T> Reading, T? Previous) Get<T>(OnboardSession session, string kind, Func<OnboardSession, CancellationToken, Task<T>> read)
        where T : class
    {
        var entries = Entries.GetValue(session, _ => new Dictionary<string, Entry>(StringComparer.Ordinal));
        lock (entries)
        {
            if (!entries.TryGetValue(kind, out var entry))
            {
                entries[kind] = entry = new Entry();
            }

            if (entry.Last is T last && DateTime.UtcNow - entry.LastReadAt < Lifetime)
            {
                return (Task.FromResult(last), last);
            }

            if (entry.Reading is not Task<T> { IsCompleted: false } reading)
            {
                reading = Task.Run(() => ReadAsync(entries, entry, session, read));
                // A read nobody waits for any more may fail (a closed session, a denied List call): seen, not thrown later.
                _ = reading.ContinueWith(t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                entry.Reading = reading;
            }

            return (reading, entry.Last as T);
        }
    }

    private static async Task<T> ReadAsync<T>(object gate, Entry entry, OnboardSession session, Func<OnboardSession, CancellationToken, Task<T>> read)
        where T : class
    {
        using var limit = new CancellationTokenSource(BackgroundLimit);
        var result = await read(session, limit.Token).ConfigureAwait(false);
        lock (gate)
        {
            entry.Last = result;
            entry.LastReadAt = DateTime.UtcNow;
        }

        return result;
    }

    private sealed class Entry
    {
        public Task? Reading { get; set; }
        public object? Last { get; set; }
        public DateTime LastReadAt { get; set; }
    }
}

internal static class AccountCompletion
{
    // Tab completion must feel instant; an unreachable endpoint yields no suggestions rather than a hang.
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(3);

    /// <summary>Completes from a lookup made for this Tab alone (names that change as the session makes them, such as groups).</summary>
    public static IEnumerable<CompletionResult> Complete(
        IDictionary fakeBoundParameters, string wordToComplete, Func<OnboardSession, CancellationToken, Task<IReadOnlyList<string>>> lookup)
    {
        var session = SessionOf(fakeBoundParameters);
        if (session is null)
        {
            return Enumerable.Empty<CompletionResult>();
        }

        try
        {
            using var timeout = new CancellationTokenSource(Budget);
            var names = Task.Run(() => lookup(session, timeout.Token)).GetAwaiter().GetResult();
            return CompletionText.Matching(names, wordToComplete).ToList();
        }
        catch (Exception)
        {
            return Enumerable.Empty<CompletionResult>();
        }
    }

    /// <summary>
    /// Completes from a listing kept in <see cref="CompletionCache"/>. When the budget runs out, the listing goes on for
    /// the next Tab, and this one offers what the last listing found (or nothing, the first time).
    /// </summary>
    public static IEnumerable<CompletionResult> CompleteCached<T>(
        IDictionary fakeBoundParameters, string wordToComplete, string kind, Func<OnboardSession, CancellationToken, Task<T>> read, Func<T, IReadOnlyList<string>> names)
        where T : class
    {
        var session = SessionOf(fakeBoundParameters);
        if (session is null)
        {
            return Enumerable.Empty<CompletionResult>();
        }

        try
        {
            var (reading, previous) = CompletionCache.Get(session, kind, read);
            T? found;
            try
            {
                found = reading.Wait(Budget) ? reading.Result : previous;
            }
            catch (AggregateException)
            {
                found = previous;
            }

            return found is null ? Enumerable.Empty<CompletionResult>() : CompletionText.Matching(names(found), wordToComplete).ToList();
        }
        catch (Exception)
        {
            return Enumerable.Empty<CompletionResult>();
        }
    }

    private static OnboardSession? SessionOf(IDictionary fakeBoundParameters)
        => (fakeBoundParameters["Session"] is PSObject { BaseObject: OnboardSession wrapped } ? wrapped : fakeBoundParameters["Session"] as OnboardSession)
            ?? ModuleState.Current.DefaultSession;
}
