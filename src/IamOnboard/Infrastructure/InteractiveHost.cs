using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Host;

namespace IamOnboard.Commands.Infrastructure;

/// <summary>Whether a person can answer a prompt: a host with a UI, not the API's default host, not pwsh -NonInteractive.</summary>
internal static class InteractiveHost
{
    public static bool CanPrompt(PSHost? host)
    {
        if (host?.UI is null || string.Equals(host.Name, "Default Host", StringComparison.Ordinal) || IsJobServer())
        {
            return false;
        }

        foreach (var argument in Environment.GetCommandLineArgs())
        {
            if (argument.StartsWith("-noni", StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Whether this process is PowerShell's server for a background job (Start-Job runs pwsh or powershell.exe with
    /// -s): a prompt there blocks the job until someone runs Receive-Job, and what its host shows goes to the job's output.
    /// Only PowerShell's own options count: they come before the first argument that is not one (a -File script's path,
    /// a -Command's text, an option's value), so a script's own -s is not read as server mode.
    /// </summary>
    private static bool IsJobServer()
    {
        var arguments = Environment.GetCommandLineArgs();
        for (var i = 1; i < arguments.Length && arguments[i].StartsWith("-", StringComparison.Ordinal); i++)
        {
            if (string.Equals(arguments[i], "-s", StringComparison.OrdinalIgnoreCase) || string.Equals(arguments[i], "-servermode", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether what the host shows reaches a screen rather than a file or a job's log: not the API's default host, and
    /// the console host's output not redirected. Asked only where nobody can prompt: a person may still watch the
    /// terminal of pwsh -NonInteractive.
    /// </summary>
    public static bool ShowsOnScreen(PSHost? host)
        => host?.UI is not null && !string.Equals(host.Name, "Default Host", StringComparison.Ordinal) && !IsJobServer()
            && !(string.Equals(host.Name, "ConsoleHost", StringComparison.Ordinal) && Console.IsOutputRedirected);

    /// <summary>
    /// The streams PowerShell may ask about: their name, the common parameter and the preference variable that set them,
    /// and, for the two whose preference -Debug changes, the property of PowerShell's command runtime that holds the one
    /// it applies (read there: those two are read afresh on each message, where the others are kept once read).
    /// </summary>
    private static readonly (string Stream, string Parameter, string Variable, string? Property)[] Streams =
    {
        ("error", "ErrorAction", "ErrorActionPreference", null),
        ("warning", "WarningAction", "WarningPreference", "WarningPreference"),
        ("verbose message", "Verbose", "VerbosePreference", "VerbosePreference"),
        ("debug message", "Debug", "DebugPreference", null),
        ("information message", "InformationAction", "InformationPreference", null),
    };

    /// <summary>Progress, which PowerShell asks about too: for the commands that write it (-ProgressAction is PowerShell 7.4's).</summary>
    private static readonly (string Stream, string Parameter, string Variable, string? Property) ProgressStream =
        ("progress update", "ProgressAction", "ProgressPreference", null);

    /// <summary>
    /// On a host where nobody can answer (a runbook, a job, pwsh -NonInteractive), -Debug's messages are written without
    /// the questions PowerShell adds to it (after each warning and, without -Verbose, each verbose message), and a stream
    /// set to ask (-WarningAction Inquire, $VerbosePreference = 'Inquire', ...) is refused: the error to end the command
    /// with in BeginProcessing, before any command of the pipeline makes anything, or null. Before, the first such
    /// message ended the command wherever its work was, with PowerShell's bare "NonInteractive mode" error, no batch
    /// summary and no account of the rows under way.
    /// </summary>
    /// <param name="cmdlet">The command.</param>
    /// <param name="writesProgress">The command writes progress ($ProgressPreference = 'Inquire' asks after each update).</param>
    public static ErrorRecord? RefuseQuestionsNobodyCanAnswer(PSCmdlet cmdlet, bool writesProgress = false)
    {
        if (CanPrompt(cmdlet.Host))
        {
            return null;
        }

        if (cmdlet.MyInvocation.BoundParameters.TryGetValue("Debug", out var debug) && LanguagePrimitives.IsTrue(debug))
        {
            WriteDebugWithoutQuestions(cmdlet);
        }

        var asking = StreamsThatAsk(cmdlet, writesProgress);
        if (asking.Count == 0)
        {
            return null;
        }

        var name = cmdlet.MyInvocation.MyCommand.Name;
        return OnboardErrors.Create("PromptNotPossible", ErrorCategory.InvalidOperation, name,
            $"{name} would ask whether to continue after each {string.Join(", each ", asking)}, but this session cannot prompt " +
            "(a runbook, a job, pwsh -NonInteractive). Set it to Continue (or SilentlyContinue, or Stop) instead of Inquire. " +
            "Nothing in this pipeline was changed.");
    }

    /// <summary>
    /// -Debug, on a host where nobody can answer, without its questions: PowerShell makes it ask whether to continue after
    /// each warning of a compiled command and, without -Verbose, each verbose message (after each debug message too, in
    /// Windows PowerShell). Those messages are written instead, as PowerShell itself does on a host without a UI. Where
    /// PowerShell's command runtime cannot be set, nothing changes (and <see cref="StreamsThatAsk"/> names the questions).
    /// </summary>
    private static void WriteDebugWithoutQuestions(Cmdlet cmdlet)
    {
        var runtime = cmdlet.CommandRuntime;
        try
        {
            if (Asks(runtime, "WarningPreference"))
            {
                Property(runtime, "WarningPreference").SetValue(runtime, ActionPreference.Continue);
            }

            if (Asks(runtime, "VerbosePreference"))
            {
                Property(runtime, "Verbose").SetValue(runtime, true); // as -Verbose
            }

            if (Asks(runtime, "DebugPreference"))
            {
                Property(runtime, "DebugPreference").SetValue(runtime, ActionPreference.Continue);
            }
        }
        catch (Exception unreadable) when (IsUnreadable(unreadable))
        {
        }
    }

    /// <summary>
    /// The streams of <paramref name="cmdlet"/> that would ask whether to continue after each message (Inquire), each
    /// with what set it: "warning (-WarningAction Inquire)", "verbose message ($VerbosePreference is 'Inquire')",
    /// "warning (-Debug)": from the common parameters and preference variables, and for warnings and verbose messages
    /// from PowerShell's command runtime, which applies -Debug's rules (where it cannot be read, as for the others).
    /// </summary>
    private static IReadOnlyList<string> StreamsThatAsk(PSCmdlet cmdlet, bool writesProgress)
    {
        var asking = new List<string>();
        var bound = cmdlet.MyInvocation.BoundParameters;
        foreach (var (stream, parameter, variable, property) in writesProgress ? Streams.Concat(new[] { ProgressStream }) : Streams)
        {
            var given = bound.TryGetValue(parameter, out var value) && value is ActionPreference ? value : null;
            bool asks;
            try
            {
                asks = property is null ? IsInquire(given ?? cmdlet.GetVariableValue(variable)) : Asks(cmdlet.CommandRuntime, property);
            }
            catch (Exception unreadable) when (IsUnreadable(unreadable))
            {
                asks = IsInquire(given ?? cmdlet.GetVariableValue(variable));
            }

            if (asks)
            {
                var setBy = given is not null ? $"-{parameter} Inquire"
                    : IsInquire(cmdlet.GetVariableValue(variable)) ? $"${variable} is 'Inquire'"
                    : "-Debug";
                asking.Add($"{stream} ({setBy})");
            }
        }

        return asking;
    }

    private static System.Reflection.PropertyInfo Property(ICommandRuntime runtime, string name) =>
        runtime.GetType().GetProperty(name, System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Public)
        ?? throw new MissingMemberException(runtime.GetType().FullName, name);

    private static bool Asks(ICommandRuntime runtime, string property) => IsInquire(Property(runtime, property).GetValue(runtime));

    private static bool IsInquire(object? preference) =>
        LanguagePrimitives.TryConvertTo<ActionPreference>(preference, out var value) && value == ActionPreference.Inquire;

    private static bool IsUnreadable(Exception exception) =>
        exception is System.Reflection.TargetInvocationException or MemberAccessException or System.Reflection.AmbiguousMatchException;

    /// <summary>Whether <paramref name="cmdlet"/> only says what it would do: -WhatIf, or $WhatIfPreference without -WhatIf:$false.</summary>
    public static bool IsWhatIf(PSCmdlet cmdlet) =>
        LanguagePrimitives.IsTrue(cmdlet.MyInvocation.BoundParameters.TryGetValue("WhatIf", out var bound) ? bound : cmdlet.GetVariableValue("WhatIfPreference"));

    /// <summary>
    /// Whether ShouldProcess would ask <paramref name="cmdlet"/>'s user to confirm a change of <paramref name="impact"/>:
    /// -Confirm, or $ConfirmPreference at or below the impact, and neither -WhatIf nor -Confirm:$false.
    /// </summary>
    public static bool WouldConfirm(PSCmdlet cmdlet, ConfirmImpact impact)
    {
        var bound = cmdlet.MyInvocation.BoundParameters;
        if (IsWhatIf(cmdlet))
        {
            return false;
        }

        if (bound.TryGetValue("Confirm", out var confirm))
        {
            return LanguagePrimitives.IsTrue(confirm);
        }

        return LanguagePrimitives.TryConvertTo<ConfirmImpact>(cmdlet.GetVariableValue("ConfirmPreference"), out var preference)
            && preference != ConfirmImpact.None && impact >= preference;
    }
}
