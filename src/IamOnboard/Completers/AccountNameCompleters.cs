using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
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

/// <summary>Completes -Policy from AWS's managed policy catalogue and the account's customer managed policies.</summary>
public sealed class PolicyCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        AccountCompletion.Complete(fakeBoundParameters, wordToComplete, AccountLookups.PolicyReferencesAsync);
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
