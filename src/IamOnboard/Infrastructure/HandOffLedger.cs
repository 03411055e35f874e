using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using IamOnboard.Onboarding;

namespace IamOnboard.Commands.Infrastructure;

/// <summary>
/// Follows every user whose new secrets are marked in IAM as not yet handed out (the engine's HandOffMark), from the
/// command that made them to the one that finally hands them to someone: a variable, a file, any other command. One per
/// runspace; the base cmdlet drives it, so no cmdlet can forget a step.
/// </summary>
/// <remarks>
/// <para>The rules. A user is held by one IamOnboard command at a time. Every IamOnboard command that receives a held user
/// (or an MFA device carrying one) takes it over before its own code runs. The holder acknowledges only once its write
/// of the user has returned (the next command has it) or, for Export-OnboardCredential, once its line is on disk; the
/// acknowledgement removes the mark. -WhatIf, a declined -Confirm, an error, -ErrorAction Stop and a stopped pipeline
/// never acknowledge: the holder is disposed with the user still held, the entry is abandoned, and the mark stays in
/// IAM so the next run replaces the secrets nobody received. A command in a pipeline of its own (inside ForEach-Object's
/// script block) that takes over a user another command is writing, and throws it away, gives the user back to that
/// command, which may still pass it on: only what the inner command added (an MFA seed, marked on its device) is lost.</para>
/// <para>Entries are keyed by object identity: output objects are plain data and carry nothing of this. The key is the
/// user; for an MFA device enrolled by name (no user object), whose seed is marked on the device, the device itself
/// (<see cref="KeyIn"/>).</para>
/// </remarks>
internal sealed class HandOffLedger
{
    private readonly object _gate = new();
    private readonly Dictionary<object, Entry> _entries = new(IdentityComparer.Instance);

    /// <summary>
    /// Records that <paramref name="holder"/> made secrets for <paramref name="user"/> that are marked in IAM.
    /// <paramref name="removeMark"/> removes the mark; <paramref name="runHold"/> keeps the run that made them live
    /// until the secrets are handed out or abandoned. <paramref name="markRun"/>: the run whose mark on the user
    /// <paramref name="removeMark"/> removes, so a secret given out later in the same output can ride on it
    /// (<see cref="UserMarkRun"/>); null when it removes none.
    /// </summary>
    public void Register(object user, object holder, Func<CancellationToken, Task> removeMark, IDisposable? runHold, RunId? markRun = null)
    {
        lock (_gate)
        {
            _entries[user] = new Entry(holder, removeMark, runHold) { MarkRun = markRun };
        }
    }

    /// <summary>
    /// The run whose hand-off mark stays on <paramref name="user"/> until <paramref name="holder"/>'s output carrying it
    /// is taken, and goes then; null when <paramref name="holder"/> does not hold the user or its hand-off removes no
    /// such mark. A secret <paramref name="holder"/> adds to that output (an MFA seed) is pending exactly as long.
    /// </summary>
    public RunId? UserMarkRun(object? user, object holder) => Held(user, holder) is { ReturnTo: null } entry ? entry.MarkRun : null;

    /// <summary>The MFA device whose own hand-off mark goes with <paramref name="user"/>'s, while <paramref name="holder"/> holds it; null when none.</summary>
    public string? MarkedDevice(object? user, object holder) => Held(user, holder)?.MarkedDevice;

    private Entry? Held(object? user, object holder)
    {
        if (user is null)
        {
            return null;
        }

        lock (_gate)
        {
            return _entries.TryGetValue(user, out var entry) && ReferenceEquals(entry.Holder, holder) ? entry : null;
        }
    }

    /// <summary>
    /// Adds a second mark to remove with the same hand-off (an MFA seed marked on its device, <paramref name="device"/>):
    /// when <paramref name="holder"/> holds <paramref name="key"/>, one acknowledgement removes both marks; otherwise
    /// it is registered on its own.
    /// </summary>
    public void Attach(object key, object holder, Func<CancellationToken, Task> removeMark, IDisposable? runHold, string device)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue(key, out var held) && ReferenceEquals(held.Holder, holder))
            {
                _entries[key] = new Entry(holder, async t =>
                {
                    try
                    {
                        await held.RemoveMark(t).ConfigureAwait(false);
                    }
                    finally
                    {
                        await removeMark(t).ConfigureAwait(false);
                    }
                }, new BothHolds(held.RunHold, runHold)) { MarkRun = held.MarkRun, MarkedDevice = device, ReturnTo = held.ReturnTo, UserPart = held, AttachedHold = runHold };
                return;
            }

            _entries[key] = new Entry(holder, removeMark, runHold) { MarkedDevice = device };
        }
    }

    /// <summary>
    /// Takes over every held user in <paramref name="value"/> (a user, an MFA device with its user, a PSObject of either).
    /// True when there was one to take. <paramref name="receivesFrom"/> tells whether the command before (the holder)
    /// writes to <paramref name="holder"/> along one pipeline: when it does not, while it is writing the user
    /// (<paramref name="holder"/> runs in a pipeline of its own, inside ForEach-Object's script block), the user also
    /// goes on along the outer pipeline, and is given back to that command if this one throws it away
    /// (<see cref="Release"/>).
    /// </summary>
    public bool TakeOver(object? value, object holder, Func<object, bool> receivesFrom)
    {
        if (KeyIn(value) is not { } user)
        {
            return false;
        }

        lock (_gate)
        {
            if (_entries.TryGetValue(user, out var entry))
            {
                Hand(entry, user, holder, receivesFrom);
                return true;
            }
        }

        return false;
    }

    private void Hand(Entry entry, object user, object holder, Func<object, bool> receivesFrom)
    {
        if (!ReferenceEquals(entry.Holder, holder) && ReferenceEquals(_inTransit?.User, user) && !receivesFrom(entry.Holder))
        {
            entry.ReturnTo = entry.Holder;
        }

        entry.Holder = holder;
        entry.DeferredTo = null;
        entry.DeferredRoute = null;
    }

    /// <summary>
    /// <paramref name="holder"/> wrote the user to commands that hold objects back (Sort-Object) on their way to the
    /// IamOnboard command <paramref name="onboardCommand"/>: the user stays held, and marked, past the holder's end, until
    /// that command takes it over, or names it at its own end as left out on the way (<see cref="AbandonDeferredTo"/>).
    /// False when the holder did not hold it.
    /// </summary>
    public bool Defer(object user, object holder, object onboardCommand, string route)
    {
        lock (_gate)
        {
            if (!_entries.TryGetValue(user, out var entry) || !ReferenceEquals(entry.Holder, holder))
            {
                return false;
            }

            entry.DeferredTo = onboardCommand;
            entry.DeferredRoute = route;
            return true;
        }
    }

    /// <summary>
    /// Drops the users deferred to <paramref name="onboardCommand"/> that never reached it (a filter after the sort left
    /// them out): the marks stay in IAM. Returns each user's name with the commands it went through, for the message.
    /// </summary>
    public IReadOnlyList<(string UserName, string Route)> AbandonDeferredTo(object onboardCommand)
    {
        List<KeyValuePair<object, Entry>> dropped;
        lock (_gate)
        {
            dropped = _entries.Where(e => ReferenceEquals(e.Value.DeferredTo, onboardCommand)).ToList();
            foreach (var pair in dropped)
            {
                _entries.Remove(pair.Key);
            }
        }

        foreach (var pair in dropped)
        {
            pair.Value.RunHold?.Dispose();
        }

        return dropped.Select(p => (NameOf(p.Key), p.Value.DeferredRoute ?? string.Empty)).ToList();
    }

    /// <summary>
    /// Marks <paramref name="output"/> as the object an IamOnboard command is writing, until the returned scope ends: the
    /// write runs the next commands' ProcessRecord on this thread, so an IamOnboard command among them that receives
    /// the object bound by property name only (its UserName) can still take the user over (<see cref="TakeOverInTransit"/>).
    /// Every write of an IamOnboard command sets it, carrier or not, so an outer write's object is never mistaken for
    /// this one's. Pipeline thread only.
    /// </summary>
    public TransitScope BeginTransit(object? output)
    {
        var previous = _inTransit;
        _inTransit = KeyIn(output) is { } user ? new Transit(user, output!) : null;
        return new TransitScope(this, previous);
    }

    /// <summary>
    /// The object an IamOnboard command is writing right now (a user, or an MFA device with its user), whether or not
    /// it carries credentials; null when none is. Pipeline thread only.
    /// </summary>
    public object? OutputInTransit => _inTransit?.Output;

    /// <summary>
    /// Takes over the user whose object is being written right now, when another command holds it: the object reached
    /// <paramref name="holder"/> although none of its bound values is that object. Returns the object written (the user or
    /// the MFA device carrying it), which the holder must pass on; null when there is none.
    /// </summary>
    public object? TakeOverInTransit(object holder, Func<object, bool> receivesFrom)
    {
        if (_inTransit is not { } transit)
        {
            return null;
        }

        lock (_gate)
        {
            if (_entries.TryGetValue(transit.User, out var entry) && !ReferenceEquals(entry.Holder, holder))
            {
                Hand(entry, transit.User, holder, receivesFrom);
                return transit.Output;
            }
        }

        return null;
    }

    public bool IsHeldBy(object? user, object holder)
    {
        if (user is null)
        {
            return false;
        }

        lock (_gate)
        {
            return _entries.TryGetValue(user, out var entry) && ReferenceEquals(entry.Holder, holder);
        }
    }

    /// <summary>
    /// The secrets have reached someone: removes the mark, if <paramref name="holder"/> still holds the user (a command
    /// downstream may have taken it over meanwhile). Completes at once when there is nothing to do.
    /// </summary>
    public async Task AcknowledgeAsync(object? user, object holder)
    {
        Entry? entry;
        lock (_gate)
        {
            if (user is null || !_entries.TryGetValue(user, out entry) || !ReferenceEquals(entry.Holder, holder))
            {
                return;
            }

            _entries.Remove(user);
        }

        try
        {
            // The secrets are out, so nothing may cut the removal short: not the pipeline's stop, and no fixed limit. A
            // removal cut short leaves the mark, and the next run would replace credentials someone already has. Under
            // throttling the request can wait for the budget and back off for minutes (a fixed limit cut it short); the
            // client's attempts and per-attempt timeout bound it, and a removal that fails still says so.
            await entry.RemoveMark(CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            entry.RunHold?.Dispose();
        }
    }

    /// <summary>
    /// <paramref name="holder"/> wrote the user where its secrets are lost (the screen, Out-Null): not handed out. The
    /// entry is dropped and the mark stays in IAM, so the next run replaces them. False when the holder did not hold it.
    /// A user taken over from a command that was writing it to another pipeline (<see cref="TakeOver"/>) still goes on
    /// there: while that command runs (<paramref name="isRunning"/>), the user's own part is given back to it
    /// (<paramref name="givenBackTo"/>), and only what <paramref name="holder"/> added (an MFA seed marked on its device)
    /// is dropped.
    /// </summary>
    public bool Release(object? user, object holder, Func<object, bool> isRunning, out object? givenBackTo)
    {
        givenBackTo = null;
        Entry? entry;
        lock (_gate)
        {
            if (user is null || !_entries.TryGetValue(user, out entry) || !ReferenceEquals(entry.Holder, holder))
            {
                return false;
            }

            _entries.Remove(user);
            if (entry.ReturnTo is { } outer && isRunning(outer))
            {
                var back = entry.UserPart ?? entry;
                back.Holder = outer;
                back.ReturnTo = null;
                _entries[user] = back;
                givenBackTo = outer;
            }
        }

        if (givenBackTo is null)
        {
            entry.RunHold?.Dispose();
        }
        else
        {
            entry.AttachedHold?.Dispose();
        }

        return true;
    }

    /// <summary>
    /// Takes back the user <paramref name="value"/> carries after a write of it failed further down: a command there may
    /// have taken it over before it failed, and that command ends without a word. <paramref name="holder"/>, which
    /// wrote it, then names it among the users it did not hand on.
    /// </summary>
    public void Reclaim(object? value, object holder)
    {
        if (KeyIn(value) is not { } user)
        {
            return;
        }

        lock (_gate)
        {
            if (_entries.TryGetValue(user, out var entry) && !ReferenceEquals(entry.Holder, holder))
            {
                entry.Holder = holder;
                entry.ReturnTo = null;
            }
        }
    }

    /// <summary>
    /// Drops what <paramref name="holder"/> still holds when it ends without having handed it on (stopped, declined,
    /// failed): the marks stay in IAM and the run that made them is no longer kept live by them.
    /// </summary>
    /// <param name="holder">The command that ends.</param>
    /// <param name="keepDeferred">At the holder's end as planned: users deferred to a command further down (<see cref="Defer"/>) stay held.</param>
    /// <returns>The user names abandoned, for the message.</returns>
    public IReadOnlyList<string> Abandon(object holder, bool keepDeferred = false)
    {
        List<KeyValuePair<object, Entry>> dropped;
        lock (_gate)
        {
            dropped = _entries.Where(e => ReferenceEquals(e.Value.Holder, holder) && !(keepDeferred && e.Value.DeferredTo is not null)).ToList();
            foreach (var pair in dropped)
            {
                _entries.Remove(pair.Key);
            }
        }

        foreach (var pair in dropped)
        {
            pair.Value.RunHold?.Dispose();
        }

        return dropped.Select(p => NameOf(p.Key)).ToList();
    }

    /// <summary>The user name of a ledger key (<see cref="KeyIn"/>), for messages.</summary>
    public static string NameOf(object key) => key switch
    {
        OnboardUser user => user.UserName,
        OnboardMfaDevice device => device.UserName,
        _ => key.ToString() ?? string.Empty,
    };

    /// <summary>
    /// What a pipeline value is held under: the user it carries, or an MFA device enrolled by name (no user object),
    /// which carries its own seed.
    /// </summary>
    public static object? KeyIn(object? value) => (value is PSObject wrapped ? wrapped.BaseObject : value) switch
    {
        OnboardUser user => user,
        OnboardMfaDevice { User: { } user } => user,
        OnboardMfaDevice device => device,
        _ => null,
    };

    private Transit? _inTransit; // pipeline thread only

    internal sealed class Transit
    {
        public Transit(object user, object output)
        {
            User = user;
            Output = output;
        }

        public object User { get; }

        public object Output { get; }
    }

    /// <summary>Restores the object in transit before the write that began this scope.</summary>
    internal readonly struct TransitScope : IDisposable
    {
        private readonly HandOffLedger _ledger;
        private readonly Transit? _previous;

        internal TransitScope(HandOffLedger ledger, Transit? previous)
        {
            _ledger = ledger;
            _previous = previous;
        }

        public void Dispose() => _ledger._inTransit = _previous;
    }

    private sealed class Entry
    {
        public Entry(object holder, Func<CancellationToken, Task> removeMark, IDisposable? runHold)
        {
            Holder = holder;
            RemoveMark = removeMark;
            RunHold = runHold;
        }

        public object Holder { get; set; }

        public Func<CancellationToken, Task> RemoveMark { get; }

        public IDisposable? RunHold { get; }

        /// <summary>The run whose mark on the user <see cref="RemoveMark"/> removes; null when none.</summary>
        public RunId? MarkRun { get; init; }

        /// <summary>The MFA device whose own mark <see cref="RemoveMark"/> removes; null when none.</summary>
        public string? MarkedDevice { get; init; }

        /// <summary>The command that was writing the user to another pipeline when <see cref="Holder"/> took it over.</summary>
        public object? ReturnTo { get; set; }

        /// <summary>For a mark attached to a held user's (<see cref="Attach"/>): the user's own entry, and the attached mark's run hold.</summary>
        public Entry? UserPart { get; init; }

        public IDisposable? AttachedHold { get; init; }

        /// <summary>The IamOnboard command further down the user is on its way to, through commands that hold it back (<see cref="Defer"/>).</summary>
        public object? DeferredTo { get; set; }

        /// <summary>Those commands, in words (Sort-Object, then Where-Object).</summary>
        public string? DeferredRoute { get; set; }
    }

    private sealed class IdentityComparer : IEqualityComparer<object>
    {
        public static readonly IdentityComparer Instance = new();

        public new bool Equals(object? x, object? y) => ReferenceEquals(x, y);

        public int GetHashCode(object obj) => RuntimeHelpers.GetHashCode(obj);
    }

    private sealed class BothHolds : IDisposable
    {
        private readonly IDisposable? _first;
        private readonly IDisposable? _second;

        public BothHolds(IDisposable? first, IDisposable? second)
        {
            _first = first;
            _second = second;
        }

        public void Dispose()
        {
            _first?.Dispose();
            _second?.Dispose();
        }
    }
}
