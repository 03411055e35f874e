using System.Collections.Generic;
using System.Security;
using IamOnboard.Iam;

namespace IamOnboard.Onboarding;

/// <summary>How a row ended.</summary>
public enum OnboardingOutcome
{
    /// <summary>The user did not exist and was created.</summary>
    Created,

    /// <summary>The user existed and had everything asked for.</summary>
    Unchanged,

    /// <summary>The user existed; what was missing was added.</summary>
    Completed,

    /// <summary>-WhatIf: nothing was changed.</summary>
    Planned,
}

/// <summary>The onboarded user, what was done, and the credentials created (secrets as SecureString).</summary>
public sealed class UserOnboardingResult
{
    public UserOnboardingResult(IamUser user, OnboardingOutcome outcome)
    {
        User = user;
        Outcome = outcome;
    }

    public IamUser User { get; }

    public OnboardingOutcome Outcome { get; internal set; }

    /// <summary>For a plan: what running it would do (Created, Completed or Unchanged).</summary>
    public OnboardingOutcome? PlannedOutcome { get; internal set; }

    /// <summary>Each change made (or, for a plan, that would be made), in order, in plain words.</summary>
    public List<string> Actions { get; } = new();

    /// <summary>Things left as they were, and why (e.g. an existing password not reset).</summary>
    public List<string> Notes { get; } = new();

    public List<string> Groups { get; } = new();

    public List<string> PolicyArns { get; } = new();

    public bool ConsoleAccess { get; internal set; }

    /// <summary>The password this call set; null when it set none.</summary>
    public SecureString? Password { get; internal set; }

    public bool PasswordResetRequired { get; internal set; }

    /// <summary>The access key this call created; null when it created none.</summary>
    public IamNewAccessKey? AccessKey { get; internal set; }

    public string ConsoleSignInUrl { get; internal set; } = string.Empty;

    public int? Row { get; internal set; }

    /// <summary>
    /// The user carries IamOnboard's bookkeeping tags (its <see cref="HandOffMark"/>, a run's claim) that are to be removed
    /// once this result has reached the caller (<see cref="UserOnboarder.ClearHandOffMarkAsync"/>).
    /// </summary>
    public bool ClearsHandOffMark => HandOffTagKeys.Count > 0;

    /// <summary>The keys of the bookkeeping tags <see cref="UserOnboarder.ClearHandOffMarkAsync"/> removes.</summary>
    public IReadOnlyList<string> HandOffTagKeys { get; internal set; } = System.Array.Empty<string>();

    /// <summary>
    /// The run whose hand-off mark the user carries in IAM, set by this call and removed with <see cref="HandOffTagKeys"/>;
    /// null when the hand-off removes no mark of this call's run. An MFA seed given out in the same output can ride on
    /// that mark (<see cref="HandOffMark.MfaSeedWith"/>) instead of needing one of its own.
    /// </summary>
    public RunId? HandOffMarkRun { get; internal set; }

    /// <summary>The plan this result comes from (for -WhatIf, the plan itself: its steps, in order).</summary>
    public UserOnboardingPlan? Plan { get; internal set; }
}
