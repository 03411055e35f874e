using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using IamOnboard.Commands.Infrastructure;
using IamOnboard.Onboarding;
using IamOnboard.Sessions;

namespace IamOnboard.Commands;

/// <summary>
/// Completes -ProfileName from the shared credentials and config files the command would read: the -ProfileLocation
/// already typed, else AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE. Relative paths are PowerShell's current
/// location's, as the command reads them (the process's directory, which `cd` does not move, would list another
/// folder's profiles).
/// </summary>
public sealed class ProfileNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        // The files the command itself would read: resolved as SessionResolver does for it.
        var files = new OnboardConnectOptions { ProfileLocation = fakeBoundParameters?["ProfileLocation"] as string };
        if (CurrentPaths() is { } paths)
        {
            try
            {
                SessionResolver.ResolveFileLocations(paths, files);
            }
            catch (Exception exception) when (exception is ArgumentException or NotSupportedException or System.IO.PathTooLongException
                or PSInvalidOperationException or InvalidOperationException or ProviderNotFoundException or DriveNotFoundException or OnboardInputException)
            {
                // An unresolvable path completes nothing, rather than another file's profiles.
                return Array.Empty<CompletionResult>();
            }
        }

        return CompletionText.Matching(AwsCatalogs.ListProfileNames(files.ProfileLocation, files.ConfigFile), wordToComplete);
    }

    // The session's own paths, through a nested pipeline: completion runs on the pipeline thread, where the runspace's
    // SessionStateProxy refuses to be used while the TabExpansion2 pipeline runs.
    private static PathIntrinsics? CurrentPaths()
    {
        try
        {
            using var shell = PowerShell.Create(RunspaceMode.CurrentRunspace);
            var context = shell.AddCommand("Get-Variable").AddParameter("Name", "ExecutionContext").AddParameter("ValueOnly").Invoke<EngineIntrinsics>();
            return context.Count == 1 ? context[0].SessionState.Path : null;
        }
        catch (Exception exception) when (exception is PSInvalidOperationException or InvalidOperationException or RuntimeException)
        {
            // No session state to be had: relative paths are then left to the engine.
            return null;
        }
    }
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
