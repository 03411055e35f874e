using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation.Runspaces;
using IamOnboard.Sessions;

namespace IamOnboard.Commands.Infrastructure;

/// <summary>
/// The module's state for one runspace: the default session from Connect-Onboard and the local endpoints it
/// started. Per runspace, not process-wide, so ForEach-Object -Parallel, jobs and hosted runspaces never share
/// or overwrite each other's default session.
/// </summary>
internal sealed class ModuleState
{
    private static readonly ConcurrentDictionary<Guid, ModuleState> States = new();
    private readonly object _gate = new();
    private OnboardSession? _defaultSession;
    private EnvironmentCredentialChoice? _chosenByEnvironment;
    private EnvironmentCredentialChoice? _environmentChangeWarned;

    private ModuleState()
    {
    }

    /// <summary>The state of the runspace the calling cmdlet runs in.</summary>
    public static ModuleState Current
    {
        get
        {
            var runspace = Runspace.DefaultRunspace;
            if (runspace is null)
            {
                return States.GetOrAdd(Guid.Empty, _ => new ModuleState());
            }

            return States.GetOrAdd(runspace.InstanceId, _ =>
            {
                // A runspace closed without Remove-Module still releases its sessions and endpoints.
                runspace.StateChanged += OnRunspaceStateChanged;
                return new ModuleState();
            });
        }
    }

    public OnboardSession? DefaultSession
    {
        get { lock (_gate) { return _defaultSession; } }
    }

    /// <summary>
    /// Whether another runspace of this process has a session from Connect-Onboard while the calling one has none:
    /// ForEach-Object -Parallel, Start-ThreadJob and hosted runspaces start without the session of the runspace that
    /// made them.
    /// </summary>
    public static bool OnlyAnotherRunspaceIsConnected()
    {
        var current = Current;
        return current.DefaultSession is null && States.Values.Any(state => !ReferenceEquals(state, current) && state.DefaultSession is not null);
    }

    /// <summary>
    /// Makes <paramref name="session"/> the default. The one it replaces is not disposed: the user may still hold it
    /// and pass it with -Session.
    /// </summary>
    public void SetDefaultSession(OnboardSession? session, EnvironmentCredentialChoice? chosenByEnvironment = null)
    {
        lock (_gate)
        {
            _defaultSession = session;
            _chosenByEnvironment = session is null ? null : chosenByEnvironment;
            _environmentChangeWarned = null;
        }
    }

    /// <summary>
    /// When the default session's credentials were the environment's choice (Connect-Onboard naming none) and the
    /// environment now picks others: the choice then and now, once per new choice (a command warns once, not every
    /// command after it). Null otherwise.
    /// </summary>
    public (EnvironmentCredentialChoice Then, EnvironmentCredentialChoice Now)? EnvironmentChangedSinceConnect()
    {
        lock (_gate)
        {
            if (_chosenByEnvironment is not { } then)
            {
                return null;
            }

            var now = EnvironmentCredentialChoice.Current();
            if (now.Equals(then) || now.Equals(_environmentChangeWarned))
            {
                return null;
            }

            _environmentChangeWarned = now;
            return (then, now);
        }
    }

    /// <summary>Roles assumed with an MFA code in this runspace, used again by later commands while they last (Disconnect-Onboard forgets them).</summary>
    public MfaRoleSessions MfaRoleSessions { get; } = new();

    /// <summary>Users whose new secrets are not yet handed out, and which command holds each.</summary>
    public HandOffLedger HandOffs { get; } = new();

    /// <summary>The IamOnboard commands running now, in pipeline order.</summary>
    public PipelineStages Stages { get; } = new();

    /// <summary>Things to dispose with the runspace (local endpoints and the like).</summary>
    public List<IDisposable> OwnedResources { get; } = new();

    /// <summary>Releases the current runspace's state (Remove-Module).</summary>
    public static void ReleaseCurrent()
    {
        var key = Runspace.DefaultRunspace?.InstanceId ?? Guid.Empty;
        if (States.TryRemove(key, out var state))
        {
            state.Release();
        }
    }

    private static void OnRunspaceStateChanged(object? sender, RunspaceStateEventArgs e)
    {
        if (sender is Runspace runspace &&
            (e.RunspaceStateInfo.State == RunspaceState.Closed || e.RunspaceStateInfo.State == RunspaceState.Broken) &&
            States.TryRemove(runspace.InstanceId, out var state))
        {
            runspace.StateChanged -= OnRunspaceStateChanged;
            state.Release();
        }
    }

    private void Release()
    {
        SetDefaultSession(null);
        IDisposable[] owned;
        lock (OwnedResources)
        {
            owned = OwnedResources.ToArray();
            OwnedResources.Clear();
        }

        foreach (var resource in owned)
        {
            resource.Dispose();
        }
    }
}
