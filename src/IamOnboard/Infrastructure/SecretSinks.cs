using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Reflection;

namespace IamOnboard.Commands.Infrastructure;

/// <summary>
/// Whether a cmdlet's output goes straight to one of PowerShell's display or discard commands: Out-Default (what runs
/// after a command typed at the prompt, or a script's output that nobody captures), Out-Host, Out-Null, Out-String and
/// Format-*. What reaches them keeps no secret: a password or key there is a SecureString shown as its type name, or
/// thrown away. A new user's credentials written there have been handed to nobody.
/// </summary>
/// <remarks>
/// PowerShell has no public way to see the next command; its command runtime's output pipe knows it (PowerShell 7 and
/// Windows PowerShell 5.1 alike). Where those internals cannot be read the answer is "not a sink", which is what it was
/// before: the credentials count as handed out. Nothing else is a sink: a variable, Select-Object, ForEach-Object,
/// Export-Csv or any other command may keep them.
/// </remarks>
internal static class SecretSinks
{
    private const BindingFlags Internal = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;

    private static readonly Dictionary<string, string> Sinks = new(StringComparer.Ordinal)
    {
        ["Microsoft.PowerShell.Commands.OutDefaultCommand"] = "Out-Default (the screen)",
        ["Microsoft.PowerShell.Commands.OutHostCommand"] = "Out-Host (the screen)",
        ["Microsoft.PowerShell.Commands.OutNullCommand"] = "Out-Null",
        ["Microsoft.PowerShell.Commands.OutStringCommand"] = "Out-String",
        ["Microsoft.PowerShell.Commands.FormatTableCommand"] = "Format-Table",
        ["Microsoft.PowerShell.Commands.FormatListCommand"] = "Format-List",
        ["Microsoft.PowerShell.Commands.FormatWideCommand"] = "Format-Wide",
        ["Microsoft.PowerShell.Commands.FormatCustomCommand"] = "Format-Custom",
    };

    /// <summary>The display or discard command <paramref name="cmdlet"/>'s output goes to, in words; null for anything else.</summary>
    public static string? Downstream(Cmdlet cmdlet)
    {
        try
        {
            var runtime = cmdlet.CommandRuntime;
            var pipe = runtime?.GetType().GetProperty("OutputPipe", Internal)?.GetValue(runtime);
            var next = pipe?.GetType().GetProperty("DownstreamCmdlet", Internal)?.GetValue(pipe);
            var command = next?.GetType().GetProperty("Command", Internal)?.GetValue(next);
            return command is not null && Sinks.TryGetValue(command.GetType().FullName ?? string.Empty, out var name) ? name : null;
        }
        catch (Exception exception) when (exception is TargetInvocationException or MemberAccessException or AmbiguousMatchException)
        {
            return null;
        }
    }
}
