using System;
using System.Collections.Generic;
using System.Security;
using System.Threading;
using System.Threading.Tasks;
using IamOnboard.Iam;
using IamOnboard.Passwords;

namespace IamOnboard.Onboarding;

/// <summary>
/// One change a <see cref="UserOnboardingPlan"/> makes: its plain-words description (the -WhatIf text), how it is
/// applied, and how it is undone when a new user's onboarding fails later.
/// </summary>
public abstract class OnboardingStep
{
    /// <summary>What the step does, in plain words.</summary>
    public abstract string Description { get; }

    /// <summary>False for bookkeeping that is no change the admin asked for (the hand-off mark).</summary>
    public virtual bool Shown => true;

    /// <summary>What the step did, once applied (e.g. with the new key's id); the result's Actions list these.</summary>
    internal virtual string Done => Description;

    /// <summary>The thing the step leaves, as a failure report names it ("policy ARN"); null when nothing is worth naming.</summary>
    internal virtual string? DoneLabel => null;

    /// <summary>What the undo removes, as a failed rollback names it; null when the step has no undo.</summary>
    internal virtual string? UndoWhat => null;

    /// <summary>
    /// True when a failed apply may still have made something (a create whose responses were lost): the undo is then
    /// registered before the step runs. The step's <see cref="UndoAsync"/> must cope with nothing having been made.
    /// </summary>
    internal virtual bool UndoEvenIfFailed => false;

    /// <summary>
    /// True when the undo is also owed after a failure that leaves unknown whether IAM applied the call: it was sent,
    /// and then every answer was lost or the caller stopped waiting (Ctrl+C, or another row's failure under -ErrorAction
    /// Stop). The undo must cope with nothing having been made (NoSuchEntity). A refusal from IAM owes none.
    /// </summary>
    internal virtual bool UndoIfUnanswered => false;

    internal abstract Task ApplyAsync(StepContext context, CancellationToken ct);

    internal virtual Task UndoAsync(StepContext context, CancellationToken ct) => Task.CompletedTask;
}

/// <summary>What the steps of one plan share while it is applied, and what they hand back.</summary>
internal sealed class StepContext
{
    public StepContext(IamClient iam, UserOnboardingPlan plan, OnboardingRun run)
    {
        Iam = iam;
        Plan = plan;
        Run = run;
        User = plan.ExistingUser;
    }

    public IamClient Iam { get; }

    public UserOnboardingPlan Plan { get; }

    public UserOnboardingRequest Request => Plan.Request;

    public OnboardingRun Run { get; }

    public string UserName => Request.UserName;

    public PasswordPolicy? PasswordPolicy => Plan.PasswordPolicy;

    /// <summary>The user: the existing one, or the one the create step made.</summary>
    public IamUser? User { get; set; }

    /// <summary>The password set, handed back in the result.</summary>
    public SecureString? Password { get; set; }

    public IamNewAccessKey? AccessKey { get; set; }

    /// <summary>The hand-off mark this run set on an existing user (withdrawn again if the run backs off).</summary>
    public HandOffMark? MarkSet { get; set; }

    /// <summary>This run put its claim tag on the existing user (<see cref="HandOffMark.ClaimTag"/>).</summary>
    public bool ClaimSet { get; set; }

    /// <summary>Claims of dead runs found on the user: removed with this run's own once its credentials are handed out.</summary>
    public List<string> StaleClaimKeys { get; } = new();
}

/// <summary>The user could not be created because it exists (made by someone else, or by a send whose response was lost).</summary>
internal sealed class UserAlreadyExistsException : Exception
{
    public UserAlreadyExistsException(IamUser user, bool madeByLostSend)
        : base($"IAM user '{user.UserName}' already exists.")
    {
        User = user;
        MadeByLostSend = madeByLostSend;
    }

    public IamUser User { get; }

    /// <summary>True when this call's own earlier send made it (its response was lost), so its hand-off mark is this call's.</summary>
    public bool MadeByLostSend { get; }
}
