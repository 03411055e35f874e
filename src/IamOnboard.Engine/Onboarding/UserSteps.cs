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

    public CreateUserStep(UserOnboardingRequest request, HandOffMark? mark)
    {
        Description = StepTexts.CreateUser(request);
        var tags = request.Tags.Select(t => new IamTag(t.Key, t.Value)).ToList();
        if (mark is not null)
        {
            // Set by CreateUser itself, before any secret exists.
            tags.Add(mark.ToTag());
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
                catch (IamEntityAlreadyExistsException)
                {
                    var existing = await context.Iam.GetUserAsync(request.UserName, t).ConfigureAwait(false);
                    throw new UserAlreadyExistsException(existing, madeByLostSend: attempt.Number > 1);
                }
            },
            async t =>
            {
                // The user may or may not exist now: when it does, this call made it; complete it.
                try
                {
                    var found = await context.Iam.GetUserAsync(request.UserName, t).ConfigureAwait(false);
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

    internal override Task UndoAsync(StepContext context, CancellationToken ct) => context.Iam.DeleteUserAsync(context.UserName, ct);
}

/// <summary>
/// Puts this run's hand-off mark on an existing user before any secret is made, then reads the user back: when
/// another live run marked it at the same moment (the last tag wins), this run backs off without making anything.
/// </summary>
internal sealed class SetHandOffMarkStep : OnboardingStep
{
    private readonly HandOffMark _mark;

    public SetHandOffMarkStep(HandOffMark mark) => _mark = mark;

    public override string Description => "mark the credentials about to be made as not yet handed out";

    public override bool Shown => false;

    internal override async Task ApplyAsync(StepContext context, CancellationToken ct)
    {
        await context.Iam.TagUserAsync(context.UserName, new[] { _mark.ToTag() }, ct).ConfigureAwait(false);
        context.MarkSet = _mark;
        var reread = await context.Iam.GetUserAsync(context.UserName, ct).ConfigureAwait(false);
        var now = HandOffMark.Find(reread.Tags);
        if (now is not null && !now.IsOf(context.Run) && now.IsLive(DateTime.UtcNow))
        {
            context.MarkSet = null; // Replaced by the other run's: nothing of this run's to withdraw.
            throw HandOffConflict.Exception(context.Request, now);
        }
    }
}

/// <summary>Adds the request's tags an existing user lacks.</summary>
internal sealed class TagUserStep : OnboardingStep
{
    private readonly IReadOnlyList<IamTag> _tags;

    public TagUserStep(IReadOnlyList<IamTag> tags) => _tags = tags;

    public override string Description => $"tag {string.Join(", ", _tags.Select(t => $"{t.Key}={t.Value}"))}";

    internal override string? DoneLabel => "tags";

    internal override Task ApplyAsync(StepContext context, CancellationToken ct) => context.Iam.TagUserAsync(context.UserName, _tags, ct);
}

internal sealed class AttachPolicyStep : OnboardingStep
{
    private readonly string _arn;

    public AttachPolicyStep(string arn) => _arn = arn;

    public override string Description => $"attach {_arn}";

    internal override string? DoneLabel => $"policy {_arn}";

    internal override string? UndoWhat => $"the attachment of {_arn}";

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
    public static HandOffInProgressException Exception(UserOnboardingRequest request, HandOffMark mark, string? extra = null)
    {
        var set = mark.SetUtc is { } at ? $" set its mark at {at:yyyy-MM-dd HH:mm:ss}Z and" : string.Empty;
        string retry;
        if (mark.Run is null)
        {
            retry = "Run the row again later.";
        }
        else if (OnboardingRuns.IsThisProcess(mark.Run))
        {
            retry = "Run the row again once this run has handed them out or ended.";
        }
        else if (OnboardingRuns.IsThisHost(mark.Run))
        {
            retry = $"Run the row again once process {mark.Run.ProcessId} has ended.";
        }
        else
        {
            retry = $"Run the row again once that run has finished (a run on another host counts as live until {mark.Until:yyyy-MM-dd HH:mm:ss}Z, {HandOffMark.Lease.TotalMinutes:0} minutes after it set its mark).";
        }

        return new HandOffInProgressException(
            $"IAM user '{request.UserName}': {mark.DescribeRun()}{set} is still handing out its credentials; they were neither deleted nor replaced.{extra} {retry}",
            request.UserName, mark) { Row = request.Row, Line = request.Line };
    }
}
