using System;
using System.Management.Automation;
using System.Management.Automation.Host;

namespace IamOnboard.Commands.Infrastructure;

/// <summary>Whether a person can answer a prompt: a host with a UI, not the API's default host, not pwsh -NonInteractive.</summary>
internal static class InteractiveHost
{
    public static bool CanPrompt(PSHost? host)
    {
        if (host?.UI is null || string.Equals(host.Name, "Default Host", StringComparison.Ordinal))
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
    /// Whether what the host shows reaches a screen rather than a file or a job's log: not the API's default host, and
    /// the console host's output not redirected. Asked only where nobody can prompt: a person may still watch the
    /// terminal of pwsh -NonInteractive.
    /// </summary>
    public static bool ShowsOnScreen(PSHost? host)
        => host?.UI is not null && !string.Equals(host.Name, "Default Host", StringComparison.Ordinal)
            && !(string.Equals(host.Name, "ConsoleHost", StringComparison.Ordinal) && Console.IsOutputRedirected);

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
