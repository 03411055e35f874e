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
    /// Whether ShouldProcess would ask <paramref name="cmdlet"/>'s user to confirm a change of <paramref name="impact"/>:
    /// -Confirm, or $ConfirmPreference at or below the impact, and neither -WhatIf nor -Confirm:$false.
    /// </summary>
    public static bool WouldConfirm(PSCmdlet cmdlet, ConfirmImpact impact)
    {
        var bound = cmdlet.MyInvocation.BoundParameters;
        var whatIf = bound.TryGetValue("WhatIf", out var boundWhatIf) ? boundWhatIf : cmdlet.GetVariableValue("WhatIfPreference");
        if (LanguagePrimitives.IsTrue(whatIf))
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
