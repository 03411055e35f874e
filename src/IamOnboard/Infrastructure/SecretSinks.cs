using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Reflection;
using System.Runtime.InteropServices;

namespace IamOnboard.Commands.Infrastructure;

/// <summary>
/// Where a cmdlet's output goes, as far as a new user's credentials are concerned: to a command that keeps no secret
/// (a sink), to another IamOnboard command, or anywhere else.
/// </summary>
/// <remarks>
/// <para>Sinks: the screen (Out-Default: a command typed at the prompt, or a script's output nobody captures), Out-Host,
/// Out-Null, Out-String, Format-*, Out-GridView; the commands that turn objects into text (Export-Csv, ConvertTo-*,
/// Out-File and `&gt;` redirection, Set-Content, Add-Content, Write-Host), where a SecureString becomes its type name or
/// its length; and discarded output (`&gt; $null`, `$null = …`, `[void](…)`). Commands that pass objects on and keep
/// none (Sort-Object, Where-Object, Select-Object, ..., and Tee-Object to a file) are looked through: where they send the
/// output decides. Anything else may keep them: a variable, an -OutVariable, Tee-Object -Variable, ForEach-Object,
/// Export-Clixml.</para>
/// <para>PowerShell has no public way to see the next command; its command runtime's output pipe knows it (PowerShell 7 and
/// Windows PowerShell 5.1 alike), and the invocation's script position gives the statement. Where those internals
/// cannot be read the answer is "anywhere else", what it was before: the credentials count as handed out.</para>
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
        ["Microsoft.PowerShell.Commands.OutGridViewCommand"] = "Out-GridView",
        ["Microsoft.PowerShell.Commands.FormatTableCommand"] = "Format-Table",
        ["Microsoft.PowerShell.Commands.FormatListCommand"] = "Format-List",
        ["Microsoft.PowerShell.Commands.FormatWideCommand"] = "Format-Wide",
        ["Microsoft.PowerShell.Commands.FormatCustomCommand"] = "Format-Custom",
        ["Microsoft.PowerShell.Commands.ExportCsvCommand"] = "Export-Csv",
        ["Microsoft.PowerShell.Commands.ConvertToCsvCommand"] = "ConvertTo-Csv",
        ["Microsoft.PowerShell.Commands.ConvertToJsonCommand"] = "ConvertTo-Json",
        ["Microsoft.PowerShell.Commands.ConvertToHtmlCommand"] = "ConvertTo-Html",
        ["Microsoft.PowerShell.Commands.ConvertToXmlCommand"] = "ConvertTo-Xml",
        ["Microsoft.PowerShell.Commands.OutFileCommand"] = "Out-File",
        ["Microsoft.PowerShell.Commands.SetContentCommand"] = "Set-Content",
        ["Microsoft.PowerShell.Commands.AddContentCommand"] = "Add-Content",
        ["Microsoft.PowerShell.Commands.WriteHostCommand"] = "Write-Host",
    };

    /// <summary>
    /// The output of a Start-Job or Invoke-Command script: it reaches the caller's process only as a deserialized copy,
    /// which Export-OnboardCredential refuses, so nobody there can hand the credentials out.
    /// </summary>
    public const string JobOutput = "the output of a job in another process (Start-Job, Invoke-Command)";

    /// <summary>
    /// Commands that pass objects on, reordered, filtered or reshaped, and keep none: where their output goes decides.
    /// `… | Sort-Object | Out-Default` loses the secret as the bare command does; `$x = … | Select-Object -First 1` keeps it.
    /// </summary>
    private static readonly Dictionary<string, string> PassThrough = new(StringComparer.Ordinal)
    {
        ["Microsoft.PowerShell.Commands.SelectObjectCommand"] = "Select-Object",
        ["Microsoft.PowerShell.Commands.SortObjectCommand"] = "Sort-Object",
        ["Microsoft.PowerShell.Commands.WhereObjectCommand"] = "Where-Object",
        ["Microsoft.PowerShell.Commands.GetUniqueCommand"] = "Get-Unique",
        ["Microsoft.PowerShell.Commands.GroupObjectCommand"] = "Group-Object",
    };

    /// <summary>
    /// The sink <paramref name="cmdlet"/>'s output goes to, in words, or the IamOnboard command it goes to
    /// (<paramref name="onboardCommand"/>); both null for anything else. Output kept in an -OutVariable is kept.
    /// </summary>
    public static string? Downstream(PSCmdlet cmdlet, out string? onboardCommand)
    {
        onboardCommand = null;
        try
        {
            return DownstreamOf(cmdlet, ref onboardCommand, hops: 0);
        }
        catch (Exception exception) when (exception is TargetInvocationException or MemberAccessException or AmbiguousMatchException or InvalidCastException)
        {
            return null;
        }
    }

    private static string? DownstreamOf(PSCmdlet cmdlet, ref string? onboardCommand, int hops)
    {
        if (KeepsInOutVariable(cmdlet) || OutputPipe(cmdlet) is not { } pipe)
        {
            return null;
        }

        if (pipe.GetType().GetProperty("NullPipe", Internal)?.GetValue(pipe) is true)
        {
            return "$null (discarded)";
        }

        var next = DownstreamProcessor(pipe) ?? RedirectedTo(pipe);
        if (next is null)
        {
            // Collected: a variable, a nested pipeline's result, a statement that throws it away, or the output of a job
            // in another process.
            if (IsDiscardedByStatement(cmdlet.MyInvocation))
            {
                return "$null (discarded)";
            }

            return IsJobOutputToAnotherProcess(cmdlet) ? JobOutput : null;
        }

        var command = CommandOf(next);
        if (command is AsyncCmdletBase onboard)
        {
            onboardCommand = hops == 0 ? onboard.MyInvocation.MyCommand.Name : null;
            return null;
        }

        var type = command?.GetType().FullName ?? string.Empty;
        if (command is PSCmdlet teeing && hops < 16 && IsTeeToFileOnly(teeing))
        {
            var further = DownstreamOf(teeing, ref onboardCommand, hops + 1);
            return further is null ? null : "Tee-Object (its file keeps text), then " + further;
        }

        if (command is PSCmdlet passing && hops < 16 && PassThrough.TryGetValue(type, out var passName))
        {
            var further = DownstreamOf(passing, ref onboardCommand, hops + 1);
            return further is null ? null : passName + ", then " + further;
        }

        return command is not null && Sinks.TryGetValue(type, out var name) ? name : null;
    }

    /// <summary>
    /// The commands that pass objects on and keep none (<see cref="PassThrough"/>) through which
    /// <paramref name="cmdlet"/>'s output goes on to an IamOnboard command (<paramref name="onboardCommand"/>), in words;
    /// null when the output goes anywhere else, straight to it, or PowerShell's internals cannot be read.
    /// <paramref name="holdsBack"/>: one of them holds objects back (Sort-Object, Group-Object, Select-Object -Last), so a
    /// user reaches the IamOnboard command only at that command's end. Otherwise each passes an object on as it receives
    /// it, so a user reaches the IamOnboard command within the write itself, or was left out on the way.
    /// </summary>
    public static string? PassThroughRouteTo(PSCmdlet cmdlet, out AsyncCmdletBase? onboardCommand, out bool holdsBack)
    {
        onboardCommand = null;
        holdsBack = false;
        var route = new List<string>();
        var current = cmdlet;
        for (var hops = 0; hops < 16; hops++)
        {
            if (KeepsInOutVariable(current) || !TryGetDownstreamCommand(current, out var next))
            {
                return null;
            }

            if (next is AsyncCmdletBase onboard)
            {
                onboardCommand = route.Count == 0 ? null : onboard;
                return route.Count == 0 ? null : string.Join(", then ", route);
            }

            if (next is not PSCmdlet passing || !PassThrough.TryGetValue(passing.GetType().FullName ?? string.Empty, out var name))
            {
                return null;
            }

            holdsBack |= !PassesOnAsReceived(passing);
            route.Add(name);
            current = passing;
        }

        return null;
    }

    private static bool PassesOnAsReceived(PSCmdlet command)
    {
        var bound = command.MyInvocation.BoundParameters;
        return command.GetType().FullName switch
        {
            "Microsoft.PowerShell.Commands.WhereObjectCommand" or "Microsoft.PowerShell.Commands.GetUniqueCommand" => true,
            "Microsoft.PowerShell.Commands.SelectObjectCommand" => !bound.ContainsKey("Last") && !bound.ContainsKey("SkipLast") && !bound.ContainsKey("Unique"),
            _ => false,
        };
    }

    /// <summary>
    /// Whether <paramref name="cmdlet"/> is Tee-Object writing to a file (-FilePath, -LiteralPath), which keeps the objects
    /// as text, as Out-File does, and passes them on: where it sends them decides. Tee-Object -Variable keeps them.
    /// </summary>
    private static bool IsTeeToFileOnly(PSCmdlet cmdlet) =>
        cmdlet.GetType().FullName == "Microsoft.PowerShell.Commands.TeeObjectCommand" && !cmdlet.MyInvocation.BoundParameters.ContainsKey("Variable");

    /// <summary>Whether the command keeps its output in a variable of its own (-OutVariable): whatever follows, someone has it.</summary>
    private static bool KeepsInOutVariable(PSCmdlet cmdlet) =>
        cmdlet.MyInvocation.BoundParameters.TryGetValue("OutVariable", out var variable) && variable is string { Length: > 0 } name && name != "+";

    /// <summary>
    /// Commands that keep a SecureString as CLIXML: encrypted for the current user on Windows (DPAPI), but elsewhere only
    /// as the hex of its text, which anyone who can read the result can turn back into the password, key or seed.
    /// </summary>
    private static readonly Dictionary<string, string> ClixmlKeepers = new(StringComparer.Ordinal)
    {
        ["Microsoft.PowerShell.Commands.ExportClixmlCommand"] = "Export-Clixml",
        ["Microsoft.PowerShell.Commands.ConvertToClixmlCommand"] = "ConvertTo-CliXml",
    };

    /// <summary>
    /// Where <paramref name="cmdlet"/>'s output is kept in clear text although it holds SecureStrings: Export-Clixml (with
    /// its file) or ConvertTo-CliXml, directly or through commands that pass objects on, on a platform without DPAPI.
    /// Null anywhere else, on Windows, and where PowerShell's internals cannot be read.
    /// </summary>
    public static string? ClearTextKeeper(Cmdlet cmdlet)
    {
        if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
        {
            return null;
        }

        var route = string.Empty;
        Cmdlet current = cmdlet;
        for (var hops = 0; hops < 16 && TryGetDownstreamCommand(current, out var next) && next is PSCmdlet command; hops++)
        {
            var type = command.GetType().FullName ?? string.Empty;
            if (ClixmlKeepers.TryGetValue(type, out var keeper))
            {
                var bound = command.MyInvocation.BoundParameters;
                var file = bound.TryGetValue("LiteralPath", out var literal) ? literal : bound.TryGetValue("Path", out var path) ? path : null;
                return route + keeper + (file is null ? string.Empty : $" ({command.SessionState.Path.GetUnresolvedProviderPathFromPSPath(file.ToString())})");
            }

            if (!PassThrough.TryGetValue(type, out var passName))
            {
                return null;
            }

            route += passName + ", then ";
            current = command;
        }

        return null;
    }

    /// <summary>
    /// The command <paramref name="cmdlet"/>'s output goes to directly (<paramref name="next"/>: its cmdlet object, or
    /// null when the output is collected or goes nowhere). False when PowerShell's internals cannot be read.
    /// </summary>
    public static bool TryGetDownstreamCommand(Cmdlet cmdlet, out object? next)
    {
        next = null;
        try
        {
            if (OutputPipe(cmdlet) is not { } pipe)
            {
                return false;
            }

            next = DownstreamProcessor(pipe) is { } processor ? CommandOf(processor) : null;
            return true;
        }
        catch (Exception exception) when (exception is TargetInvocationException or MemberAccessException or AmbiguousMatchException or InvalidCastException)
        {
            return false;
        }
    }

    /// <summary>
    /// The <typeparamref name="T"/> command <paramref name="cmdlet"/>'s output reaches, directly or through commands that
    /// pass objects on (Where-Object, Sort-Object, ...); null when there is none or PowerShell's internals cannot be read.
    /// </summary>
    public static T? FindDownstream<T>(Cmdlet cmdlet)
        where T : Cmdlet
    {
        Cmdlet current = cmdlet;
        for (var hops = 0; hops < 16 && TryGetDownstreamCommand(current, out var next); hops++)
        {
            switch (next)
            {
                case T found:
                    return found;
                case Cmdlet passing when PassThrough.ContainsKey(passing.GetType().FullName ?? string.Empty):
                    current = passing;
                    continue;
                default:
                    return null;
            }
        }

        return null;
    }

    // The command runtime's output pipe, the command processor it writes to, and that processor's cmdlet object.
    private static object? OutputPipe(Cmdlet cmdlet) => cmdlet.CommandRuntime is { } runtime ? runtime.GetType().GetProperty("OutputPipe", Internal)?.GetValue(runtime) : null;

    private static object? DownstreamProcessor(object pipe) => pipe.GetType().GetProperty("DownstreamCmdlet", Internal)?.GetValue(pipe);

    private static object? CommandOf(object processor) => processor.GetType().GetProperty("Command", Internal)?.GetValue(processor);

    /// <summary>`&gt; file` sends the output to a pipeline of its own, whose first command is Out-File.</summary>
    private static object? RedirectedTo(object pipe)
    {
        var processor = pipe.GetType().GetProperty("PipelineProcessor", Internal)?.GetValue(pipe);
        var commands = processor?.GetType().GetProperty("Commands", Internal)?.GetValue(processor) as IList;
        return commands is { Count: > 0 } ? commands[0] : null;
    }

    /// <summary>
    /// Whether the command's output goes out of a job's own script to another process: the host is PowerShell's remote
    /// server host (Start-Job, Invoke-Command), the script is the job's own (no script file, which a caller may assign),
    /// and the statement is at its top level, not assigned, in a function or in a script block run by another command.
    /// </summary>
    private static bool IsJobOutputToAnotherProcess(PSCmdlet cmdlet)
    {
        var invocation = cmdlet.MyInvocation;
        if (!string.Equals(cmdlet.Host?.Name, "ServerRemoteHost", StringComparison.Ordinal) || !string.IsNullOrEmpty(invocation.ScriptName)
            || CommandAt(invocation) is not { } command)
        {
            return false;
        }

        for (var node = command.Parent; node is not null; node = node.Parent)
        {
            switch (node)
            {
                case ScriptBlockAst root when root.Parent is null:
                    return true;
                case PipelineAst or NamedBlockAst or StatementBlockAst or IfStatementAst or LoopStatementAst or TryStatementAst or CatchClauseAst or SwitchStatementAst:
                    continue;
                default:
                    return false;
            }
        }

        return false;
    }

    /// <summary>The command's node in the script it was invoked from; null where PowerShell's internals cannot be read.</summary>
    private static Ast? CommandAt(InvocationInfo invocation)
    {
        if (invocation.GetType().GetProperty("ScriptPosition", Internal)?.GetValue(invocation) is not IScriptExtent extent
            || extent.StartScriptPosition.GetFullScript() is not { Length: > 0 } script)
        {
            return null;
        }

        var ast = Parser.ParseInput(script, out _, out _);
        return ast.Find(a => a is CommandAst && a.Extent.StartOffset == extent.StartOffset && a.Extent.EndOffset == extent.EndOffset, true);
    }

    /// <summary>Whether the statement around the command throws its output away: `$null = …` or `[void](…)`.</summary>
    private static bool IsDiscardedByStatement(InvocationInfo invocation)
    {
        for (var node = CommandAt(invocation)?.Parent; node is not null; node = node.Parent)
        {
            switch (node)
            {
                case AssignmentStatementAst assignment:
                    return assignment.Left is VariableExpressionAst variable && variable.VariablePath.IsVariable
                        && string.Equals(variable.VariablePath.UserPath, "null", StringComparison.OrdinalIgnoreCase);
                case ConvertExpressionAst convert:
                    return convert.StaticType == typeof(void);
                case PipelineAst or ParenExpressionAst or SubExpressionAst or ArrayExpressionAst or StatementBlockAst or CommandExpressionAst:
                    continue;
                default:
                    return false;
            }
        }

        return false;
    }
}
