using System;
using System.Threading;

namespace IamOnboard.Diagnostics;

/// <summary>Where the engine's diagnostic messages go. The module bridges it to PowerShell's verbose, debug and warning streams.</summary>
/// <remarks>Messages must never carry secrets: passwords, secret access keys, session tokens, MFA seeds or codes.</remarks>
public interface IOnboardLog
{
    void Verbose(string message);
    void Debug(string message);
    void Warning(string message);
}

/// <summary>
/// The log of the current logical call. Ambient (AsyncLocal) because one shared client serves many cmdlet
/// invocations, each with its own output streams, and the SDK's pipeline runs on pool threads.
/// </summary>
public static class OnboardLog
{
    private static readonly AsyncLocal<IOnboardLog?> CurrentLog = new();

    /// <summary>The log for this logical call; a sink that drops everything when none was set.</summary>
    public static IOnboardLog Current => CurrentLog.Value ?? NullOnboardLog.Instance;

    /// <summary>Routes engine messages of this logical call (and the tasks it starts) to <paramref name="log"/> until disposed.</summary>
    public static IDisposable Use(IOnboardLog log)
    {
        var previous = CurrentLog.Value;
        CurrentLog.Value = log;
        return new Restore(previous);
    }

    private sealed class Restore : IDisposable
    {
        private readonly IOnboardLog? _previous;
        public Restore(IOnboardLog? previous) => _previous = previous;
        public void Dispose() => CurrentLog.Value = _previous;
    }
}

internal sealed class NullOnboardLog : IOnboardLog
{
    public static readonly NullOnboardLog Instance = new();
    public void Verbose(string message) { }
    public void Debug(string message) { }
    public void Warning(string message) { }
}
