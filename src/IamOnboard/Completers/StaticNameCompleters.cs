using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using IamOnboard.Sessions;

namespace IamOnboard.Commands;

/// <summary>Completes -ProfileName from the shared credentials and config files.</summary>
public sealed class ProfileNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        CompletionText.Matching(AwsCatalogs.ListProfileNames(), wordToComplete);
}

/// <summary>Completes -Region from the SDK's region list.</summary>
public sealed class RegionCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        CompletionText.Matching(AwsCatalogs.ListRegionNames(), wordToComplete);
}

internal static class CompletionText
{
    /// <summary>Candidates starting with the typed word (quotes stripped), quoted when they need it.</summary>
    public static IEnumerable<CompletionResult> Matching(IEnumerable<string> candidates, string? wordToComplete, string? toolTipPrefix = null)
    {
        var typed = (wordToComplete ?? string.Empty).Trim('\'', '"');
        return candidates
            .Where(candidate => candidate.StartsWith(typed, StringComparison.OrdinalIgnoreCase))
            .Select(candidate => new CompletionResult(
                Quote(candidate), candidate, CompletionResultType.ParameterValue, toolTipPrefix is null ? candidate : toolTipPrefix + candidate));
    }

    private static string Quote(string value) =>
        value.Any(c => char.IsWhiteSpace(c) || "'\"`$&(){};,|<>@#".IndexOf(c) >= 0) ? "'" + value.Replace("'", "''") + "'" : value;
}
