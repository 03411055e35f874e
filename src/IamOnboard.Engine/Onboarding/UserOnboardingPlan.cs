using System.Collections.Generic;
using System.Linq;
using IamOnboard.Iam;
using IamOnboard.Passwords;

namespace IamOnboard.Onboarding;

/// <summary>
/// What onboarding one request takes, found with reads only (<see cref="UserOnboarder.PlanAsync"/>): the steps in the
/// order they are applied. -WhatIf shows <see cref="StepDescriptions"/>; applying runs <see cref="Steps"/>. A new user's
/// plan starts with creating it; an existing user's plan has only what is missing.
/// </summary>
public sealed class UserOnboardingPlan
{
    internal UserOnboardingPlan(UserOnboardingRequest request, IamUser? existingUser, IReadOnlyList<OnboardingStep> steps)
    {
        Request = request;
        ExistingUser = existingUser;
        Steps = steps;
    }

    public UserOnboardingRequest Request { get; }

    /// <summary>The user as it is in IAM; null when the plan creates it.</summary>
    public IamUser? ExistingUser { get; }

    public bool IsNewUser => ExistingUser is null;

    /// <summary>Every step, in order, including bookkeeping that is not shown (the hand-off mark).</summary>
    public IReadOnlyList<OnboardingStep> Steps { get; }

    /// <summary>The plain-words description of each change, in the order applying makes them (the -WhatIf text).</summary>
    public IReadOnlyList<string> StepDescriptions => Steps.Where(s => s.Shown).Select(s => s.Description).ToList();

    /// <summary>What applying the plan ends as: Created, Completed, or Unchanged (nothing to do).</summary>
    public OnboardingOutcome PlannedOutcome => IsNewUser
        ? OnboardingOutcome.Created
        : Steps.Any(s => s.Shown) ? OnboardingOutcome.Completed : OnboardingOutcome.Unchanged;

    /// <summary>Things left as they are, and why (e.g. an existing password not reset).</summary>
    public List<string> Notes { get; } = new();

    /// <summary>The managed policies the user has once the plan is applied.</summary>
    public List<string> PolicyArns { get; } = new();

    /// <summary>The groups the user is in once the plan is applied.</summary>
    public List<string> Groups { get; } = new();

    /// <summary>The request asks for console access, which the user already has (the password is not reset).</summary>
    public bool ConsoleAccessKept { get; internal set; }

    /// <summary>The user's hand-off mark is to be removed once the result has reached the caller.</summary>
    public bool ClearsHandOffMark { get; internal set; }

    internal PasswordPolicy? PasswordPolicy { get; set; }
}
