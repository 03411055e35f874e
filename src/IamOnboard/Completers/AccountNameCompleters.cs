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
/// <see cref="UserNameCache.Lifetime"/>: an account may have thousands of users, and each Tab would list them all again.
/// </summary>
public sealed class UserNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        AccountCompletion.Complete(fakeBoundParameters, wordToComplete, UserNameCache.GetAsync);
}

/// <summary>
/// Completes -Policy from AWS's managed policy catalogue and the account's customer managed policies; a word that
/// starts with arn: completes to policy ARNs.
/// </summary>
public sealed class PolicyCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        AccountCompletion.Complete(fakeBoundParameters, wordToComplete,
            wordToComplete.Trim('\'', '"').StartsWith("arn:", StringComparison.OrdinalIgnoreCase) ? AccountLookups.PolicyArnsAsync : AccountLookups.PolicyReferencesAsync);
}

/// <summary>Completes -PermissionsBoundary from managed policy ARNs (AWS managed and the account's own).</summary>
public sealed class PolicyArnCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        AccountCompletion.Complete(fakeBoundParameters, wordToComplete, AccountLookups.PolicyArnsAsync);
}

/// <summary>The account's user names per session, read once and kept briefly.</summary>
internal static class UserNameCache
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);

    private static readonly ConditionalWeakTable<OnboardSession, Entry> Entries = new();

    public static async Task<IReadOnlyList<string>> GetAsync(OnboardSession session, CancellationToken ct)
    {
        if (Entries.TryGetValue(session, out var cached) && DateTime.UtcNow - cached.ReadAt < Lifetime)
        {
            return cached.Names;
        }

        var names = await AccountLookups.UserNamesAsync(session, ct).ConfigureAwait(false);
        Entries.Remove(session);
        Entries.Add(session, new Entry(names, DateTime.UtcNow));
        return names;
    }

    private sealed class Entry
    {
        public Entry(IReadOnlyList<string> names, DateTime readAt)
        {
            Names = names;
            ReadAt = readAt;
        }

        public IReadOnlyList<string> Names { get; }
        public DateTime ReadAt { get; }
    }
}

internal static class AccountCompletion
{
    // Tab completion must feel instant; an unreachable endpoint yields no suggestions rather than a hang.
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(3);

    public static IEnumerable<CompletionResult> Complete(
        IDictionary fakeBoundParameters, string wordToComplete, Func<OnboardSession, CancellationToken, Task<IReadOnlyList<string>>> lookup)
    {
        var session = (fakeBoundParameters["Session"] is PSObject { BaseObject: OnboardSession wrapped } ? wrapped : fakeBoundParameters["Session"] as OnboardSession)
            ?? ModuleState.Current.DefaultSession;
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
}
