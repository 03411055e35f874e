using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using IamOnboard.Diagnostics;
using IamOnboard.Iam;

namespace IamOnboard.Onboarding;

/// <summary>Creates the user with its tags, permissions boundary and (when secrets are to be made) the hand-off mark.</summary>
internal sealed class CreateUserStep : OnboardingStep
{
    private readonly IReadOnlyList<IamTag> _tags;
    private readonly IamTag? _markTag;

    public CreateUserStep(UserOnboardingRequest request, HandOffMark? mark, AddedKeyRecord? addedKeyRecord = null)
    {
        Description = StepTexts.CreateUser(request);
        var tags = request.Tags.Select(t => new IamTag(t.Key, t.Value)).ToList();
        if (mark is not null)
        {
            // Set by CreateUser itself, before any secret exists.
            _markTag = mark.ToTag();
            tags.Add(_markTag);
        }

        if (addedKeyRecord is not null)
        {
            tags.Add(addedKeyRecord.ToTag());
        }

        _tags = tags;
    }

    public override string Description { get; }

    internal override string? UndoWhat => "user";

    internal override async Task ApplyAsync(StepContext context, CancellationToken ct)
    {
        var request = context.Request;
        context.User = await LostResponseCreate.SendAsync(context.Iam, "CreateUser", request.UserName,
            async (attempt, t) =>
            {
                try
                {
                    return await context.Iam.CreateUserAsync(request.UserName, request.Path, _tags, request.PermissionsBoundary, t).ConfigureAwait(false);
                }
                catch (IamNoSuchEntityException missing) when (request.PermissionsBoundary is { } boundary)
                {
                    // The boundary is the one entity CreateUser needs; the planner checks it, unless iam:GetPolicy is denied.
                    throw new OnboardInputException("PolicyNotFound", "PermissionsBoundary", boundary,
                        $"PermissionsBoundary: {missing.Message}").AtRow(request);
                }
                catch (IamEntityAlreadyExistsException)
                {
                    var existing = await context.Iam.GetUserAsync(request.UserName, t).ConfigureAwait(false);
                    if (attempt.Number > 1 && IsThisCalls(existing))
                    {
                        return existing;
                    }

                    throw new UserAlreadyExistsException(existing, madeByLostSend: attempt.Number > 1);
                }
            },
            async t =>
            {
                // The user may or may not exist now: when it does, this call made it (or, without this call's mark to
                // tell, it may have been there before); complete it.
                try
                {
                    var found = await context.Iam.GetUserAsync(request.UserName, t).ConfigureAwait(false);
                    if (IsThisCalls(found))
                    {
                        return found;
                    }

                    throw new UserAlreadyExistsException(found, madeByLostSend: true);
                }
                catch (IamNoSuchEntityException)
                {
                    return null;
                }
            },
            ct).ConfigureAwait(false);
        OnboardLog.Current.Verbose($"{request.Where}Created IAM user '{context.User.UserName}'.");
    }

    /// <summary>
    /// Whether a user found after a lost response is the one this call's CreateUser made: it carries this call's hand-off
    /// mark (run and second it was set), which CreateUser put on with the user itself. The row then goes on as a new
    /// user's (reported Created, rolled back on a later failure); without the mark it is completed as an existing user.
    /// </summary>
    internal bool IsThisCalls(IamUser user) =>
        _markTag is not null && user.Tags.Any(t => HandOffMark.IsMark(t) && string.Equals(t.Value, _markTag.Value, StringComparison.Ordinal));

    internal override Task UndoAsync(StepContext context, CancellationToken ct) => context.Iam.DeleteUserAsync(context.UserName, ct);
}

/// <summary>
/// Before any secret is made for an existing user: claims the user for this run, checks that no other live run is at
/// work on it and that it is still what the plan was made for, and only then puts on this run's hand-off mark.
/// </summary>
/// <remarks>
/// IAM's tags are last-writer-wins, so the mark alone cannot settle two runs that tag the user at the same moment: the
/// later tag replaces the earlier, and each run could read its own back. The claim has a key per run, so it is never
/// replaced: of two runs that claim at once, the later reader sees the earlier claim (or both see both, and both back
/// off; the row is run again). A run that claimed, made, handed out and cleared everything between this run's plan and
/// its claim leaves no claim or mark, only credentials: the re-read of the mark and the keys catches that.
/// </remarks>
internal sealed class SetHandOffMarkStep : OnboardingStep
{
    private readonly HandOffMark _mark;
    private readonly HandOffMark? _plannedMark;
    private readonly HashSet<string>? _plannedKeys;
    private readonly AddedKeyRecord? _addedKeyRecord;

    /// <param name="mark">The mark to set.</param>
    /// <param name="plannedMark">The mark the plan found on the user (null: none).</param>
    /// <param name="plannedKeys">The access keys the plan found, when it read them.</param>
    /// <param name="addedKeyRecord">Set in the same call as the mark, when a key is made for AdditionalAccessKey.</param>
    public SetHandOffMarkStep(HandOffMark mark, HandOffMark? plannedMark, IEnumerable<string>? plannedKeys, AddedKeyRecord? addedKeyRecord = null)
    {
        _mark = mark;
        _addedKeyRecord = addedKeyRecord;
        _plannedMark = plannedMark;
        _plannedKeys = plannedKeys is null ? null : new HashSet<string>(plannedKeys, StringComparer.Ordinal);
    }

    public override string Description => "mark the credentials about to be made as not yet handed out";

    public override bool Shown => false;

    internal override async Task ApplyAsync(StepContext context, CancellationToken ct)
    {
        await context.Iam.TagUserAsync(context.UserName, new[] { HandOffMark.ClaimTag(context.Run, DateTime.UtcNow) }, ct).ConfigureAwait(false);
        context.ClaimSet = true;
        var user = await context.Iam.GetUserAsync(context.UserName, ct).ConfigureAwait(false);
        var now = DateTime.UtcNow;
        var claims = HandOffMark.FindClaims(user.Tags).Where(c => !c.Claim.IsOf(context.Run)).ToList();
        var mark = HandOffMark.Find(user.Tags);
        var rival = claims.Select(c => c.Claim).FirstOrDefault(c => c.IsLive(now))
            ?? (mark is not null && !mark.IsOf(context.Run) && mark.IsLive(now) ? mark : null);
        if (rival is not null)
        {
            throw HandOffConflict.Exception(context.Request, rival);
        }

        context.StaleClaimKeys.AddRange(claims.Select(c => c.Tag.Key));
        if (!IsPlanned(mark, context.Run))
        {
            throw HandOffConflict.Changed(context.Request, mark is null ? "the hand-off mark it found is gone" : $"{mark.DescribeRun()} has put its hand-off mark on it");
        }

        if (_plannedKeys is not null)
        {
            var added = (await context.Iam.ListAccessKeysAsync(context.UserName, ct).ConfigureAwait(false))
                .Select(k => k.AccessKeyId).Where(id => !_plannedKeys.Contains(id)).ToList();
            if (added.Count > 0)
            {
                throw HandOffConflict.Changed(context.Request, $"access key {string.Join(", ", added)} was made");
            }
        }

        if (mark?.Run is { } dead && !mark.IsOf(context.Run))
        {
            await MfaSeedsOnUserMark.KeepPendingAsync(context.Iam, context.UserName, dead, ct).ConfigureAwait(false);
        }

        await context.Iam.TagUserAsync(context.UserName, _addedKeyRecord is null ? new[] { _mark.ToTag() } : new[] { _mark.ToTag(), _addedKeyRecord.ToTag() }, ct).ConfigureAwait(false);
        context.MarkSet = _mark;
    }

    /// <summary>Whether the user's mark is the one the plan found (same run, same time), or this run's own.</summary>
    private bool IsPlanned(HandOffMark? mark, OnboardingRun run) =>
        mark is null ? _plannedMark is null
            : mark.IsOf(run) || (_plannedMark is not null && string.Equals(mark.Run?.ToString(), _plannedMark.Run?.ToString(), StringComparison.Ordinal) && mark.SetUtc == _plannedMark.SetUtc);
}

/// <summary>Adds the request's tags an existing user lacks.</summary>
internal sealed class TagUserStep : OnboardingStep
{
    private readonly IReadOnlyList<IamTag> _tags;

    public TagUserStep(IReadOnlyList<IamTag> tags) => _tags = tags;

    public override string Description => $"tag {string.Join(", ", _tags.Select(t => $"{t.Key}={t.Value}"))}";

    internal override string? DoneLabel => "tags";

    internal override async Task ApplyAsync(StepContext context, CancellationToken ct)
    {
        await context.Iam.TagUserAsync(context.UserName, _tags, ct).ConfigureAwait(false);
        if (context.User is { } user)
        {
            // The result shows the user as IAM now has it (TagUser replaces the value of a key it is given).
            var tags = user.Tags.Where(t => !_tags.Any(n => string.Equals(n.Key, t.Key, StringComparison.OrdinalIgnoreCase))).Concat(_tags).ToList();
            context.User = new IamUser(user.UserName, user.UserId, user.Arn, user.Path, user.CreateDate, user.PermissionsBoundaryArn, tags, user.PasswordLastUsed);
        }
    }
}

/// <summary>Gives an existing user without a permissions boundary the one the request names (a guardrail added on a re-run).</summary>
internal sealed class SetPermissionsBoundaryStep : OnboardingStep
{
    private readonly string _arn;

    public SetPermissionsBoundaryStep(string arn) => _arn = arn;

    public override string Description => $"set permissions boundary {_arn}";

    internal override string? DoneLabel => $"permissions boundary {_arn}";

    internal override async Task ApplyAsync(StepContext context, CancellationToken ct)
    {
        await context.Iam.PutUserPermissionsBoundaryAsync(context.UserName, _arn, ct).ConfigureAwait(false);
        if (context.User is { } user)
        {
            context.User = new IamUser(user.UserName, user.UserId, user.Arn, user.Path, user.CreateDate, _arn, user.Tags, user.PasswordLastUsed);
        }
    }
}

internal sealed class AttachPolicyStep : OnboardingStep
{
    private readonly string _arn;

    public AttachPolicyStep(string arn) => _arn = arn;

    public override string Description => $"attach {_arn}";

    internal override string? DoneLabel => $"policy {_arn}";

    internal override string? UndoWhat => $"the attachment of {_arn}";

    // IAM may have attached it without answering, and a user with an attachment cannot be deleted.
    internal override bool UndoIfUnanswered => true;

    internal override Task ApplyAsync(StepContext context, CancellationToken ct) => context.Iam.AttachUserPolicyAsync(context.UserName, _arn, ct);

    internal override Task UndoAsync(StepContext context, CancellationToken ct) => context.Iam.DetachUserPolicyAsync(context.UserName, _arn, ct);
}

internal sealed class AddToGroupStep : OnboardingStep
{
    private readonly string _group;

    public AddToGroupStep(string group) => _group = group;

    public override string Description => $"add to group {_group}";

    internal override string? DoneLabel => $"group {_group}";

    internal override string? UndoWhat => $"its membership of {_group}";

    // As an attachment: a membership IAM made without answering would keep the user from being deleted.
    internal override bool UndoIfUnanswered => true;

    internal override Task ApplyAsync(StepContext context, CancellationToken ct) => context.Iam.AddUserToGroupAsync(_group, context.UserName, ct);

    internal override Task UndoAsync(StepContext context, CancellationToken ct) => context.Iam.RemoveUserFromGroupAsync(_group, context.UserName, ct);
}

/// <summary>Builds the plain-words texts shared by steps and messages.</summary>
internal static class StepTexts
{
    public static string CreateUser(UserOnboardingRequest request)
    {
        var details = new List<string> { $"path {request.Path ?? "/"}" };
        if (request.Tags.Count > 0)
        {
            details.Add($"tags {string.Join(", ", request.Tags.Select(t => $"{t.Key}={t.Value}"))}");
        }

        if (request.PermissionsBoundary is not null)
        {
            details.Add($"permissions boundary {request.PermissionsBoundary}");
        }

        return $"create user {request.UserName} ({string.Join("; ", details)})";
    }

    public static string ResetAtSignIn(UserOnboardingRequest request) =>
        request.PasswordResetRequired ? " to be reset at first sign-in" : string.Empty;

    public static string PasswordSource(UserOnboardingRequest request) => request.Password is null ? "generated" : "given";
}

/// <summary>The failure of a row that met credentials another live run is handing out.</summary>
internal static class HandOffConflict
{
    /// <summary>The user changed between this run's plan and its claim, most likely through another run at that moment.</summary>
    public static HandOffInProgressException Changed(UserOnboardingRequest request, string what) =>
        new($"IAM user '{request.UserName}' changed after this run looked at it ({what}), most likely by another run at the same moment; " +
            "nothing of its credentials was deleted or replaced. Run the row again to see what is left to do.",
            request.UserName, new HandOffMark(false, false, Array.Empty<string>())) { Row = request.Row, Line = request.Line, File = request.SourceFile };

    public static HandOffInProgressException Exception(UserOnboardingRequest request, HandOffMark mark, string? extra = null)
    {
        var set = mark.SetUtc is { } at ? $" set its mark at {at:yyyy-MM-dd HH:mm:ss}Z and" : string.Empty;
        var retry = WhenToRetry(mark, "Run the row again");
        return new HandOffInProgressException(
            $"IAM user '{request.UserName}': {mark.DescribeRun()}{set} is still handing out its credentials; they were neither deleted nor replaced.{extra} {retry}",
            request.UserName, mark) { Row = request.Row, Line = request.Line, File = request.SourceFile };
    }

    /// <summary>When the run that set <paramref name="mark"/> will have ended, as advice starting with <paramref name="runAgain"/>.</summary>
    public static string WhenToRetry(HandOffMark mark, string runAgain)
    {
        if (mark.Run is null)
        {
            return $"{runAgain} later.";
        }

        if (OnboardingRuns.IsThisProcess(mark.Run))
        {
            return $"{runAgain} once that run, in this process, has handed them out or ended.";
        }

        if (OnboardingRuns.IsThisHost(mark.Run))
        {
            return $"{runAgain} once process {mark.Run.ProcessId} has ended.";
        }

        return $"{runAgain} once that run has finished (a run on another host counts as live until {mark.Until:yyyy-MM-dd HH:mm:ss}Z, {HandOffMark.Lease.TotalMinutes:0} minutes after it set its mark).";
    }
}
