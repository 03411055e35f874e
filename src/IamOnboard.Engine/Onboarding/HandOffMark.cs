using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using IamOnboard.Iam;

namespace IamOnboard.Onboarding;

/// <summary>
/// The user tag that says "secrets were created for this user and have not been handed out yet". It is put on the
/// user before a password or access key is made and taken off only once the caller has taken the result, so a run
/// killed in between leaves a mark in IAM itself: the next run knows the password and the keys made after the mark
/// reached nobody and replaces them, instead of reporting "already has an access key".
/// </summary>
/// <remarks>
/// <para>The value says which run set it and when (<c>run=host/pid/start/seq set=2026-12-05T19:25:49Z</c>), what is
/// pending (<c>password</c>, <c>access-key</c>) and the keys the user already had when the mark was set
/// (<c>kept=AKIA...</c>), which are never touched. On a virtual MFA device the same tag says which run created the
/// device and when, and <c>mfa-seed</c> that its seed is given out only in the run's output (-IncludeSeed) and has not
/// been taken yet. <c>mfa-seed-with=N</c> on a device says its seed went out in the same output as the user's new
/// password or key, under the user's mark of run N of the same process (the output is one runspace's, so the two runs
/// share host, process and start; only the sequence is written, which keeps the value within IAM's 256 characters):
/// while that mark is on the user, the seed has not been taken either, and one removal of the user's mark hands both
/// out (no second call for the device). Only characters IAM
/// allows in tag values are used. A mark without
/// <c>run=</c> (left by IamOnboard before runs were named) belongs to an unknown run, taken as dead.</para>
/// <para>While the run that set a mark is live, another run never replaces what it made: it reports the user instead
/// (<see cref="HandOffInProgressException"/>). Liveness (<see cref="IsLive"/>): a run of this process is live while it
/// holds credentials (<see cref="OnboardingRun"/>); a run of another process on this host while that process exists
/// (same process id and start time); a run on another host, which cannot be asked, for <see cref="Lease"/> after it set
/// the mark. The lease is 15 minutes: a run hands credentials on seconds after making them, so 15 minutes covers a slow
/// pipeline and clocks minutes apart, while a crashed run's users can still be repaired the same hour.</para>
/// </remarks>
public sealed class HandOffMark
{
    /// <summary>The tag key; refused in a request's own tags.</summary>
    public const string TagKey = "iamonboard:handoff";

    /// <summary>
    /// The start of a run's claim tag's key (<see cref="ClaimTag"/>). Every tag key starting with <c>iamonboard:</c> is
    /// IamOnboard's own and refused in a request's tags.
    /// </summary>
    public const string ClaimKeyPrefix = "iamonboard:claim:";

    /// <summary>What every IamOnboard bookkeeping tag key starts with.</summary>
    public const string ReservedKeyPrefix = "iamonboard:";

    /// <summary>How long a mark set on another host counts as its run's (see the remarks).</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(15);

    private const string PasswordToken = "password";
    private const string AccessKeyToken = "access-key";
    private const string MfaSeedToken = "mfa-seed";
    private const string MfaSeedWithPrefix = "mfa-seed-with=";
    private const string KeptPrefix = "kept=";
    private const string RunPrefix = "run=";
    private const string SetPrefix = "set=";
    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss'Z'";

    /// <summary>Start times of one process read twice can differ by a few milliseconds (they are computed from boot time).</summary>
    private static readonly TimeSpan StartTimeTolerance = TimeSpan.FromSeconds(2);

    private readonly HashSet<string> _kept;

    /// <summary>A mark of an unknown run (as marks of the previous version are read).</summary>
    public HandOffMark(bool password, bool accessKey, IEnumerable<string> keptAccessKeyIds)
        : this(null, null, password, accessKey, keptAccessKeyIds)
    {
    }

    public HandOffMark(RunId? run, DateTime? setUtc, bool password, bool accessKey, IEnumerable<string> keptAccessKeyIds)
        : this(run, setUtc, password, accessKey, keptAccessKeyIds, mfaSeed: false)
    {
    }

    /// <summary>A mark that may also say an MFA seed is pending (<see cref="MfaSeed"/>, <see cref="MfaSeedWith"/>), as on a virtual MFA device.</summary>
    public HandOffMark(RunId? run, DateTime? setUtc, bool password, bool accessKey, IEnumerable<string> keptAccessKeyIds, bool mfaSeed, RunId? mfaSeedWith = null)
    {
        if (mfaSeedWith is not null && !(run is not null && run.Host == mfaSeedWith.Host && run.ProcessId == mfaSeedWith.ProcessId && run.ProcessStartMs == mfaSeedWith.ProcessStartMs))
        {
            throw new ArgumentException("A seed rides only on the mark of a run of the same process as the device's run.", nameof(mfaSeedWith));
        }

        MfaSeed = mfaSeed;
        MfaSeedWith = mfaSeedWith;
        Run = run;
        SetUtc = setUtc is { } set ? new DateTime(set.Ticks - (set.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc) : null;
        Password = password;
        AccessKey = accessKey;
        _kept = new HashSet<string>(keptAccessKeyIds ?? throw new ArgumentNullException(nameof(keptAccessKeyIds)), StringComparer.Ordinal);
    }

    /// <summary>The run that set the mark; null for a mark of the previous version (an unknown, dead run).</summary>
    public RunId? Run { get; }

    /// <summary>When the mark was set (UTC, whole seconds); null when unknown.</summary>
    public DateTime? SetUtc { get; }

    /// <summary>When a run on another host stops counting as live: <see cref="SetUtc"/> + <see cref="Lease"/>.</summary>
    public DateTime? Until => SetUtc + Lease;

    /// <summary>A console password was (or is about to be) set and has not been handed out.</summary>
    public bool Password { get; }

    /// <summary>An access key was (or is about to be) created and its secret has not been handed out.</summary>
    public bool AccessKey { get; }

    /// <summary>
    /// On a virtual MFA device: its seed goes out only in the output of the run that created it (-IncludeSeed, no QR
    /// file), and that output has not been taken yet. A device enabled with this mark left by a dead run has a seed
    /// nobody holds.
    /// </summary>
    public bool MfaSeed { get; }

    /// <summary>
    /// On a virtual MFA device: its seed went out in the output that also carried the user's new credentials, so it is
    /// pending exactly while the user carries the mark of this run (the run that made those credentials, of the same
    /// process as <see cref="Run"/>).
    /// </summary>
    public RunId? MfaSeedWith { get; }

    /// <summary>Keys the user had before the mark: claimed by someone, never replaced.</summary>
    public IReadOnlyCollection<string> KeptAccessKeyIds => _kept;

    /// <summary>The mark among a user's tags, or null when there is none.</summary>
    public static HandOffMark? Find(IEnumerable<IamTag> tags)
    {
        var tag = tags.FirstOrDefault(IsMark);
        if (tag is null)
        {
            return null;
        }

        var tokens = tag.Value.Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries);
        string? Value(string prefix) => tokens.Where(t => t.StartsWith(prefix, StringComparison.Ordinal)).Select(t => t.Substring(prefix.Length)).FirstOrDefault();
        var run = Value(RunPrefix) is { } id ? RunId.Parse(id) : null;
        DateTime? set = DateTime.TryParseExact(Value(SetPrefix), TimeFormat, CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var parsed) ? parsed : null;
        return new HandOffMark(
            run,
            set,
            tokens.Contains(PasswordToken, StringComparer.Ordinal),
            tokens.Contains(AccessKeyToken, StringComparer.Ordinal),
            tokens.Where(t => t.StartsWith(KeptPrefix, StringComparison.Ordinal)).Select(t => t.Substring(KeptPrefix.Length)),
            tokens.Contains(MfaSeedToken, StringComparer.Ordinal),
            run is not null && long.TryParse(Value(MfaSeedWithPrefix), NumberStyles.None, CultureInfo.InvariantCulture, out var with)
                ? new RunId(run.Host, run.ProcessId, run.ProcessStartMs, with)
                : null);
    }

    /// <summary>Whether a tag is the mark.</summary>
    public static bool IsMark(IamTag tag) => string.Equals(tag.Key, TagKey, StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether a tag is IamOnboard's bookkeeping, a mark, a claim or the AdditionalAccessKey record (the output leaves them out).</summary>
    public static bool IsBookkeeping(IamTag tag) => tag.Key.StartsWith(ReservedKeyPrefix, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// A run's claim on an existing user, put on before the run touches the user's credentials. Unlike the mark, whose
    /// one key any run overwrites (IAM's tags are last-writer-wins, with no compare-and-set), each run's claim has a key
    /// of its own, so two runs that claim the user at the same moment both see both claims and neither goes on.
    /// </summary>
    public static IamTag ClaimTag(OnboardingRun run, DateTime utcNow) =>
        new(ClaimKey(run.Id), $"{RunPrefix}{run.Id} {SetPrefix}{utcNow.ToString(TimeFormat, CultureInfo.InvariantCulture)}");

    /// <summary>The key of <paramref name="run"/>'s claim tag: the prefix and a short hash of the run id (a key has at most 128 characters).</summary>
    public static string ClaimKey(RunId run)
    {
        using var sha = System.Security.Cryptography.SHA256.Create();
        var hash = sha.ComputeHash(System.Text.Encoding.UTF8.GetBytes(run.ToString()));
        return ClaimKeyPrefix + string.Concat(hash.Take(8).Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
    }

    /// <summary>Whether a tag is <paramref name="run"/>'s claim.</summary>
    public static bool IsClaimOf(IamTag tag, OnboardingRun run) => string.Equals(tag.Key, ClaimKey(run.Id), StringComparison.OrdinalIgnoreCase);

    /// <summary>The claims among a user's tags, each read as a mark of its run (no credentials pending) for its liveness and description.</summary>
    public static IReadOnlyList<(IamTag Tag, HandOffMark Claim)> FindClaims(IEnumerable<IamTag> tags) =>
        tags.Where(t => t.Key.StartsWith(ClaimKeyPrefix, StringComparison.OrdinalIgnoreCase))
            .Select(t => (t, Find(new[] { new IamTag(TagKey, t.Value) })!))
            .ToList();

    /// <summary>The keys that reached nobody: those the user has now that it did not have when the mark was set.</summary>
    public IReadOnlyList<IamAccessKeyMetadata> UnclaimedKeys(IEnumerable<IamAccessKeyMetadata> keys) =>
        AccessKey ? keys.Where(k => !_kept.Contains(k.AccessKeyId)).ToList() : new List<IamAccessKeyMetadata>();

    /// <summary>Whether the run that set the mark may still be handing its credentials out (see the remarks).</summary>
    public bool IsLive(DateTime utcNow)
    {
        if (Run is null)
        {
            return false;
        }

        if (OnboardingRuns.IsThisProcess(Run))
        {
            return OnboardingRuns.IsLiveHere(Run);
        }

        if (OnboardingRuns.IsThisHost(Run))
        {
            return ProcessExists(Run);
        }

        return SetUtc is null || utcNow < Until;
    }

    /// <summary>Who set the mark, in words for an error message.</summary>
    public string DescribeRun() => Run is null
        ? "an earlier run"
        : $"the run of process {Run.ProcessId} on host {Run.Host} (run {Run})";

    private static bool ProcessExists(RunId run)
    {
        Process process;
        try
        {
            process = Process.GetProcessById(run.ProcessId);
        }
        catch (ArgumentException)
        {
            return false; // No such process.
        }

        using (process)
        {
            try
            {
                var started = process.StartTime.ToUniversalTime();
                return !process.HasExited && (started - run.ProcessStartUtc).Duration() <= StartTimeTolerance;
            }
            catch (Exception unreadable) when (unreadable is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
            {
                // A process we may not inspect (another user's): it exists, so it may be the run. Never guess "dead".
                return !SafeHasExited(process);
            }
        }
    }

    private static bool SafeHasExited(Process process)
    {
        try
        {
            return process.HasExited;
        }
        catch (Exception unreadable) when (unreadable is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            return false;
        }
    }

    public IamTag ToTag()
    {
        var tokens = new List<string>();
        if (Run is not null)
        {
            tokens.Add(RunPrefix + Run);
        }

        if (SetUtc is { } set)
        {
            tokens.Add(SetPrefix + set.ToString(TimeFormat, CultureInfo.InvariantCulture));
        }

        if (Password)
        {
            tokens.Add(PasswordToken);
        }

        if (AccessKey)
        {
            tokens.Add(AccessKeyToken);
        }

        if (MfaSeed)
        {
            tokens.Add(MfaSeedToken);
        }

        if (MfaSeedWith is not null)
        {
            tokens.Add(MfaSeedWithPrefix + MfaSeedWith.Sequence.ToString(CultureInfo.InvariantCulture));
        }

        tokens.AddRange(_kept.OrderBy(id => id, StringComparer.Ordinal).Select(id => KeptPrefix + id));
        return new IamTag(TagKey, string.Join(" ", tokens));
    }

    /// <summary>Whether this mark already says everything <paramref name="other"/> says, set by the same run.</summary>
    public bool Covers(HandOffMark other) =>
        string.Equals(Run?.ToString(), other.Run?.ToString(), StringComparison.Ordinal)
        && (Password || !other.Password) && (AccessKey || !other.AccessKey) && (MfaSeed || !other.MfaSeed) && _kept.SetEquals(other._kept);

    /// <summary>Whether the mark was set by <paramref name="run"/>.</summary>
    public bool IsOf(OnboardingRun run) => IsOf(run.Id);

    /// <summary>Whether the mark was set by the run <paramref name="run"/>.</summary>
    public bool IsOf(RunId run) => Run is not null && string.Equals(Run.ToString(), run.ToString(), StringComparison.Ordinal);

    /// <summary>
    /// This device mark with its seed pending on the device itself (<see cref="MfaSeed"/>), for when the user's mark it
    /// rode on is about to be replaced or removed by a run that did not hand it out.
    /// </summary>
    public HandOffMark WithSeedPendingOnDevice() => new(Run, SetUtc, Password, AccessKey, _kept, mfaSeed: true);
}
