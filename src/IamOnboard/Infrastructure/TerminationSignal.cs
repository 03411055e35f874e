using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Management.Automation.Host;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Threading;

namespace IamOnboard.Commands.Infrastructure;

/// <summary>
/// SIGTERM while a batch runs on pwsh's console host: what timeout(1), systemd, docker stop, Kubernetes and a CI's
/// cancel send to end a runbook. .NET's default ends the process at once, so the work under way was neither undone nor
/// marked as stopped, and nothing said what the run left. It is handled as Ctrl+C is: the signal is turned into the
/// SIGINT pwsh stops its pipeline on (undoing the rows under way and writing the batch's account, as after Ctrl+C),
/// and once the last batch command has finished, the process ends with 143, the exit status of a process SIGTERM ended.
/// </summary>
/// <remarks>
/// Only on Linux and macOS, and only on pwsh's console host: another host (a job's, an application embedding
/// PowerShell) keeps its own handling. With no batch running, the signal's default stands. Should the stop not end the
/// batch (its pipeline held elsewhere), the process ends with 143 a minute after the signal, as it would have at once.
/// </remarks>
internal static class TerminationSignal
{
    private const int SigInt = 2;
    private const int ExitStatus = 128 + 15;
    private static readonly TimeSpan Grace = TimeSpan.FromMinutes(1);
    private static readonly object Gate = new();
    private static readonly HashSet<object> Running = new();
    private static object? _registration;
    private static volatile bool _received;

    /// <summary>True once SIGTERM asked a running batch to stop: the stop's words name it, and the process then ends.</summary>
    public static bool Received => _received;

    /// <summary>A batch command begins (BeginProcessing). Pipeline thread.</summary>
    public static void Enter(object command, PSHost? host)
    {
        if (host?.Name != "ConsoleHost" || !(RuntimeInformation.IsOSPlatform(OSPlatform.Linux) || RuntimeInformation.IsOSPlatform(OSPlatform.OSX)))
        {
            return;
        }

        lock (Gate)
        {
            _registration ??= Register();
            Running.Add(command);
        }
    }

    /// <summary>A batch command has ended (Dispose, after its account); the last one ends the process after SIGTERM.</summary>
    public static void Leave(object command)
    {
        bool last;
        lock (Gate)
        {
            last = Running.Remove(command) && Running.Count == 0;
        }

        if (last && _received)
        {
            Environment.Exit(ExitStatus);
        }
    }

    /// <summary>One registration for the process (PosixSignalRegistration, .NET 6 and later, found by reflection: the module builds against .NET Standard).</summary>
    private static object? Register()
    {
        try
        {
            var registration = Type.GetType("System.Runtime.InteropServices.PosixSignalRegistration, System.Runtime.InteropServices", throwOnError: false);
            var signal = Type.GetType("System.Runtime.InteropServices.PosixSignal, System.Runtime.InteropServices", throwOnError: false);
            var context = Type.GetType("System.Runtime.InteropServices.PosixSignalContext, System.Runtime.InteropServices", throwOnError: false);
            if (registration is null || signal is null || context is null)
            {
                return null;
            }

            var handlerType = typeof(Action<>).MakeGenericType(context);
            var handler = Delegate.CreateDelegate(handlerType, typeof(TerminationSignal).GetMethod(nameof(OnTerminate), BindingFlags.NonPublic | BindingFlags.Static)!);
            return registration.GetMethod("Create", new[] { signal, handlerType })?.Invoke(null, new[] { Enum.Parse(signal, "SIGTERM"), handler });
        }
        catch (Exception failure) when (failure is TargetInvocationException or PlatformNotSupportedException or ArgumentException or MemberAccessException)
        {
            return null; // the signal keeps its default
        }
    }

    /// <summary>Runs on a thread of the runtime's signal handling, not the pipeline's.</summary>
    private static void OnTerminate(object context)
    {
        lock (Gate)
        {
            if (Running.Count == 0 || _received)
            {
                return;
            }

            _received = true;
        }

        context.GetType().GetProperty("Cancel")?.SetValue(context, true);
        if (kill(Process.GetCurrentProcess().Id, SigInt) != 0)
        {
            Environment.Exit(ExitStatus);
        }

        var deadline = new Thread(() =>
        {
            Thread.Sleep(Grace);
            Environment.Exit(ExitStatus);
        })
        { IsBackground = true, Name = "IamOnboard SIGTERM grace" };
        deadline.Start();
    }

    [DllImport("libc", SetLastError = true)]
#pragma warning disable SA1300, IDE1006 // the C library's name
    private static extern int kill(int pid, int sig);
#pragma warning restore SA1300, IDE1006
}
