using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using IamOnboard.Diagnostics;
using IamOnboard.Iam;
using IamOnboard.Sessions;

namespace IamOnboard.Onboarding;

/// <summary>
/// Applies a <see cref="UserOnboardingPlan"/> step by step. A new user whose onboarding fails after it was created is
/// rolled back, newest step first; an existing user keeps what was added, and the failure says exactly what that is.
/// </summary>
internal sealed class UserPlanExecutor
{
    /// <summary>Clean-up after a failure gets its own budget: the caller's token may be why it failed (Ctrl+C).</summary>
    private static readonly TimeSpan CleanUpBudget = TimeSpan.FromSeconds(30);

    private readonly OnboardSession _session;
    private readonly OnboardingRun _run;

    public UserPlanExecutor(OnboardSession session, OnboardingRun run)
    {
        _session = session;
        _run = run;
    }

    /// <summary>
    /// Applies the plan. A new user's plan throws <see cref="UserAlreadyExistsException"/> when the user turns out to
    /// exist (nothing was changed): the caller plans the existing user and applies that.
    /// </summary>
    public async Task<UserOnboardingResult> ApplyAsync(UserOnboardingPlan plan, CancellationToken ct)
    {
        var context = new StepContext(_session.Iam, plan, _run);
        if (plan.IsNewUser)
        {
            await ApplyToNewUserAsync(context, ct).ConfigureAwait(false);
        }
        else
        {
            await ApplyToExistingUserAsync(context, ct).ConfigureAwait(false);
        }

        return Result(context);
    }

    private async Task ApplyToNewUserAsync(StepContext context, CancellationToken ct)
    {
        var steps = context.Plan.Steps;
        var undo = new Stack<OnboardingStep>();
        try
        {
            await steps[0].ApplyAsync(context, ct).ConfigureAwait(false); // Creates the user: nothing to undo before it.
        }
        catch (OperationCanceledException stopped) when (steps[0] is CreateUserStep create)
        {
            await SettleStoppedCreateAsync(context, create, undo, stopped).ConfigureAwait(false);
            throw;
        }

        undo.Push(steps[0]);
        try
        {
            foreach (var step in steps.Skip(1))
            {
                if (step.UndoEvenIfFailed)
                {
                    undo.Push(step);
                }

                try
                {
                    await step.ApplyAsync(context, ct).ConfigureAwait(false);
                }
                catch (Exception unanswered) when (step.UndoIfUnanswered && unanswered is OperationCanceledException or IamNetworkException)
                {
                    undo.Push(step);
                    throw;
                }

                if (!step.UndoEvenIfFailed && step.UndoWhat is not null)
                {
                    undo.Push(step);
                }
            }

            // Stopped while the last step was at IAM: it was let finish, but the new user can no longer be handed on,
            // so it is undone as after any other step, never left made with credentials nobody has.
            ct.ThrowIfCancellationRequested();
        }
        catch (Exception failure)
        {
            await RollBackAsync(context, undo, failure).ConfigureAwait(false);
            throw; // RollBackAsync throws; this keeps the compiler's flow analysis honest.
        }
    }

    /// <summary>
    /// A CreateUser stopped after it was sent (Ctrl+C, or another row's failure under -ErrorAction Stop) may have made the
    /// user all the same. One carrying this call's mark is this call's, and is rolled back; one without it cannot be told
    /// from a user made by someone else meanwhile, so it is left, and the failure says so. Before, either was left unsaid.
    /// Returns (and the caller rethrows the stop) only when there is no such user.
    /// </summary>
    private static async Task SettleStoppedCreateAsync(StepContext context, CreateUserStep create, Stack<OnboardingStep> undo, OperationCanceledException stopped)
    {
        IamUser found;
        using (var budget = new CancellationTokenSource(CleanUpBudget))
        {
            try
            {
                found = await context.Iam.GetUserAsync(context.UserName, budget.Token).ConfigureAwait(false);
            }
            catch (IamNoSuchEntityException)
            {
                return;
            }
            catch (Exception unknown) when (unknown is not OperationCanceledException || budget.IsCancellationRequested)
            {
                throw new OnboardingFailedException(
                    $"IAM user '{context.UserName}' was not onboarded: the operation was stopped while CreateUser was under way, and whether it " +
                    $"made the user could not be read ({unknown.Message.TrimEnd('.')}). Check with Get-IAMUser or aws iam get-user, and run the row " +
                    "again to complete it.", context.UserName, rolledBack: false, stopped) { Row = context.Request.Row, Line = context.Request.Line, File = context.Request.SourceFile };
            }
        }

        if (create.IsThisCalls(found))
        {
            context.User = found;
            undo.Push(create);
            await RollBackAsync(context, undo, stopped).ConfigureAwait(false);
        }

        throw new OnboardingFailedException(
            $"IAM user '{context.UserName}' was not onboarded: the operation was stopped while CreateUser was under way, and the user exists " +
            "without this run's mark, so whether this run made it cannot be told; it was left as it is. Run the row again to complete it, or " +
            $"Remove-OnboardUser '{context.UserName}' if nobody else made it.", context.UserName, rolledBack: false, stopped) { Row = context.Request.Row, Line = context.Request.Line, File = context.Request.SourceFile };
    }

    /// <summary>Undoes what this call created, newest first, and throws a failure that says what (if anything) is left.</summary>
    private static async Task RollBackAsync(StepContext context, Stack<OnboardingStep> undo, Exception failure)
    {
        using var budget = new CancellationTokenSource(CleanUpBudget);
        var left = new List<string>();
        var where = context.Request.Where;
        while (undo.Count > 0)
        {
            var step = undo.Pop();
            var what = step is CreateUserStep ? $"user '{context.UserName}'" : step.UndoWhat!;
            try
            {
                await step.UndoAsync(context, budget.Token).ConfigureAwait(false);
            }
            catch (IamNoSuchEntityException)
            {
                // Already gone.
            }
            catch (Exception undoFailure)
            {
                left.Add(what);
                OnboardLog.Current.Warning($"{where}Could not remove {what} while rolling back: {undoFailure.Message}");
            }
        }

        // The failure's message is a sentence of its own (IAM's end with a period); joined into this one, without it.
        var reason = failure is OperationCanceledException ? "the operation was stopped" : failure.Message.TrimEnd('.');
        var state = left.Count == 0
            ? "Everything this call had created was removed, so the row can simply be run again."
            : $"Rolling back failed, so these still exist: {string.Join(", ", left)}. Run Remove-OnboardUser '{context.UserName}' or run the row again to complete it.";
        var message = $"IAM user '{context.UserName}' was not onboarded: {reason}. {state}";
        if (failure is HandOffInProgressException conflict)
        {
            throw new HandOffInProgressException($"{message} {conflict.Message}", context.UserName, conflict.Mark) { Row = context.Request.Row, Line = context.Request.Line, File = context.Request.SourceFile };
        }

        throw new OnboardingFailedException(message, context.UserName, left.Count == 0, failure) { Row = context.Request.Row, Line = context.Request.Line, File = context.Request.SourceFile };
    }

    private async Task ApplyToExistingUserAsync(StepContext context, CancellationToken ct)
    {
        try
        {
            await ApplyStepsToExistingUserAsync(context, ct).ConfigureAwait(false);
        }
        catch when (context.ClaimSet)
        {
            // The mark stays (a later run repairs what it speaks of); the claim goes, so this failed row holds nobody back.
            await WithdrawAsync(context, mark: false).ConfigureAwait(false);
            throw;
        }
    }

    private async Task ApplyStepsToExistingUserAsync(StepContext context, CancellationToken ct)
    {
        var done = new List<string>();
        CreateLoginProfileStep? profileStep = null;
        try
        {
            foreach (var step in context.Plan.Steps)
            {
                profileStep = step as CreateLoginProfileStep ?? profileStep;
                await step.ApplyAsync(context, ct).ConfigureAwait(false);
                if (step.DoneLabel is { } label)
                {
                    done.Add(label);
                }
            }
        }
        catch (HandOffInProgressException conflict)
        {
            // Another live run is handing this user's credentials out: take back this run's mark (if it is still the
            // one on the user), so that a later run does not take that run's credentials for this run's lost ones.
            await WithdrawAsync(context, mark: true).ConfigureAwait(false);
            if (done.Count == 0)
            {
                throw;
            }

            throw new HandOffInProgressException($"{conflict.Message} Added before it was found: {string.Join(", ", done)}.", context.UserName, conflict.Mark);
        }
        catch (Exception failure) when (done.Count > 0 || profileStep?.MayHaveMade == true)
        {
            // The result carrying the password is never returned, so a profile this call made has a password nobody
            // holds, and a re-run would leave it so ("console access already enabled"): delete it, and the re-run
            // makes a new one and hands its password back.
            var profileLeft = profileStep?.MayHaveMade == true && !await DiscardLoginProfileAsync(context).ConfigureAwait(false);
            done.Remove("login profile");
            if (profileLeft)
            {
                done.Add("login profile (its password was never handed back: reset it, or delete it and run the row again)");
            }

            if (failure is OperationCanceledException)
            {
                throw;
            }

            if (done.Count == 0)
            {
                throw IsRefusal(failure, out var refused) ? NotCompleted(context, refused) : failure;
            }

            throw new OnboardingFailedException(
                $"IAM user '{context.UserName}' was only partly completed: {failure.Message.TrimEnd('.')}. Added before the failure: {string.Join(", ", done)}. Run the row again to finish it.",
                context.UserName, false, failure) { Row = context.Request.Row, Line = context.Request.Line, File = context.Request.SourceFile };
        }
        catch (Exception failure) when (IsRefusal(failure, out var refused))
        {
            throw NotCompleted(context, refused);
        }
    }

    /// <summary>IAM's answer refusing the step, so nothing of it was applied (not a lost or missing answer, which the caller looks into).</summary>
    private static bool IsRefusal(Exception failure, out IamServiceException refused)
    {
        refused = (failure as IamServiceException)!;
        return failure is IamServiceException { MayHaveBeenApplied: false, StatusCode: > 0 };
    }

    /// <summary>
    /// IAM refused the first change to an existing user: its words name no row, and often no user ("Cannot exceed quota
    /// for ..."), so in a batch the error says whose row it was. The ErrorId stays IAM's code.
    /// </summary>
    private static OnboardingFailedException NotCompleted(StepContext context, IamServiceException refused) =>
        new($"IAM user '{context.UserName}' was not completed: {refused.Message.TrimEnd('.')}. Nothing the row asks for was added; run the row again once the cause is fixed.",
            context.UserName, true, refused) { Row = context.Request.Row, Line = context.Request.Line, File = context.Request.SourceFile };

    /// <summary>Deletes a login profile whose password cannot be handed back; false when it could not be deleted.</summary>
    private static async Task<bool> DiscardLoginProfileAsync(StepContext context)
    {
        using var budget = new CancellationTokenSource(CleanUpBudget);
        var where = context.Request.Where;
        try
        {
            await context.Iam.DeleteLoginProfileAsync(context.UserName, budget.Token).ConfigureAwait(false);
            OnboardLog.Current.Verbose($"{where}Deleted the login profile just made for '{context.UserName}': the onboarding failed, so its password could not be handed back.");
            return true;
        }
        catch (IamNoSuchEntityException)
        {
            return true;
        }
        catch (Exception failure)
        {
            OnboardLog.Current.Warning($"{where}Could not delete the login profile just made for '{context.UserName}', whose password was never handed back: {failure.Message}");
            return false;
        }
    }

    /// <summary>Takes back this run's claim, and its mark when <paramref name="mark"/> and the mark on the user is still this run's.</summary>
    private async Task WithdrawAsync(StepContext context, bool mark)
    {
        if (!context.ClaimSet && (!mark || context.MarkSet is null))
        {
            return;
        }

        using var budget = new CancellationTokenSource(CleanUpBudget);
        try
        {
            var keys = new List<string>();
            if (context.ClaimSet)
            {
                keys.Add(HandOffMark.ClaimKey(_run.Id));
            }

            if (mark && context.MarkSet is not null &&
                HandOffMark.Find((await context.Iam.GetUserAsync(context.UserName, budget.Token).ConfigureAwait(false)).Tags)?.IsOf(_run) == true)
            {
                keys.Add(HandOffMark.TagKey);
            }

            await context.Iam.UntagUserAsync(context.UserName, keys, budget.Token).ConfigureAwait(false);
            context.ClaimSet = false;
        }
        catch (Exception failure) when (failure is IamServiceException or OperationCanceledException or IamResponseLostException)
        {
            OnboardLog.Current.Warning($"{context.Request.Where}Could not take back this run's hand-off tags on '{context.UserName}': {failure.Message}");
        }
    }

    /// <summary>What the hand-off removes: the mark (when nothing it speaks of is left), this run's claim, dead runs' claims.</summary>
    private List<string> HandOffTagKeys(StepContext context)
    {
        var keys = new List<string>();
        if (context.Plan.ClearsHandOffMark)
        {
            keys.Add(HandOffMark.TagKey);
        }

        if (context.ClaimSet)
        {
            keys.Add(HandOffMark.ClaimKey(_run.Id));
        }

        keys.AddRange(context.StaleClaimKeys);
        return keys;
    }

    private UserOnboardingResult Result(StepContext context)
    {
        var plan = context.Plan;
        var result = new UserOnboardingResult(context.User!, plan.IsNewUser ? OnboardingOutcome.Created : plan.PlannedOutcome)
        {
            ConsoleSignInUrl = _session.ConsoleSignInUrl,
            Row = plan.Request.Row,
            Plan = plan,
            HandOffTagKeys = HandOffTagKeys(context),
            AccessKey = context.AccessKey,

            // A new user's mark came with CreateUser; an existing user's, from SetHandOffMarkStep. Either is this run's.
            HandOffMarkRun = plan.ClearsHandOffMark && (plan.IsNewUser || context.MarkSet is not null) ? _run.Id : null,
        };
        result.Actions.AddRange(plan.Steps.Where(s => s.Shown).Select(s => s.Done));
        result.Notes.AddRange(plan.Notes);
        result.PolicyArns.AddRange(plan.PolicyArns);
        result.Groups.AddRange(plan.Groups);
        if (context.Password is not null)
        {
            result.ConsoleAccess = true;
            result.Password = context.Password;
            result.PasswordResetRequired = plan.Request.PasswordResetRequired;
        }
        else if (plan.ConsoleAccessKept)
        {
            result.ConsoleAccess = true;
        }

        return result;
    }
}
