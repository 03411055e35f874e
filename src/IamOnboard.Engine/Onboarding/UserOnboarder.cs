using System;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using IamOnboard.Diagnostics;
using IamOnboard.Iam;
using IamOnboard.Rules;
using IamOnboard.Sessions;

namespace IamOnboard.Onboarding;

/// <summary>
/// Onboards one user: the user with its path and tags, console and programmatic access, managed policies and
/// groups. Safe to re-run: an existing user is completed, never reset. A new user whose onboarding fails midway is
/// rolled back, or the failure says exactly what is left. Planning (<see cref="UserOnboardingPlanner"/>, reads only)
/// and applying (<see cref="UserPlanExecutor"/>) are separate, so -WhatIf shows the steps that applying runs.
/// </summary>
public sealed class UserOnboarder
{
    private static readonly Regex ManagedPolicyArn = new(
        @"^arn:aws(-cn|-us-gov)?:iam::(aws|\d{12}):policy/[\x21-\x7E]+$", RegexOptions.CultureInvariant);

    /// <summary>The default number of sends of a create whose responses are lost (the session's client options decide).</summary>
    internal const int LostResponseAttempts = IamClientOptions.DefaultLostResponseAttempts;

    private readonly OnboardSession _session;
    private readonly object _requireMfaGate = new();
    private Task<(string Arn, bool Created, bool Updated)>? _requireMfaPolicy;
    private readonly UserOnboardingPlanner _planner;
    private readonly UserPlanExecutor _executor;

    /// <summary>
    /// An onboarder whose marks belong to a run of its own that holds nothing: a later run in this process repairs
    /// what it leaves unclaimed, and runs in other processes leave it alone while this process lives. Callers that hand
    /// credentials out pass their run (<see cref="OnboardingRuns.Begin"/>) instead.
    /// </summary>
    public UserOnboarder(OnboardSession session)
        : this(session, EndedRun())
    {
    }

    public UserOnboarder(OnboardSession session, OnboardingRun run)
    {
        _session = session;
        Run = run ?? throw new ArgumentNullException(nameof(run));
        _planner = new UserOnboardingPlanner(session, new AccountFacts(session), run);
        _executor = new UserPlanExecutor(session, run);
    }

    /// <summary>The run whose hand-off marks this onboarder sets.</summary>
    public OnboardingRun Run { get; }

    /// <summary>Checks everything that needs no call to IAM. Throws <see cref="OnboardInputException"/> naming the field and value.</summary>
    public static void ValidateOffline(UserOnboardingRequest request)
    {
        try
        {
            CheckOffline(request);
        }
        catch (OnboardInputException invalid)
        {
            throw invalid.AtRow(request);
        }
    }

    private static void CheckOffline(UserOnboardingRequest request)
    {
        if (IamNameRules.CheckUserName(request.UserName) is not null && NameInput.UserHint(request.UserName, "UserName") is { } userHint)
        {
            throw new OnboardInputException("InvalidUserName", "UserName", request.UserName, userHint);
        }

        Refuse(IamNameRules.CheckUserName(request.UserName), "InvalidUserName", "UserName");
        if (request.Path is not null)
        {
            if (IamNameRules.CheckPath(request.Path) is { } badPath)
            {
                if (NameInput.PathHint(request.Path, "Path") is { } pathHint)
                {
                    throw new OnboardInputException("InvalidPath", "Path", request.Path, pathHint);
                }

                Refuse(badPath, "InvalidPath", "Path");
            }
        }

        var tagProblem = IamNameRules.CheckUserTags(request.Tags).FirstOrDefault();
        Refuse(tagProblem, "InvalidTag", "Tag");
        if (request.Tags.Select(t => t.Key).FirstOrDefault(k => k.StartsWith(HandOffMark.ReservedKeyPrefix, StringComparison.OrdinalIgnoreCase)) is { } reserved)
        {
            throw new OnboardInputException("ReservedTagKey", "Tag", reserved,
                $"Tag: the key '{reserved}' is IamOnboard's own (keys starting with '{HandOffMark.ReservedKeyPrefix}' mark credentials not yet handed out).");
        }

        var ownTags = (NeedsHandOffMark(request) ? 1 : 0) + (request.ProgrammaticAccess && request.AdditionalAccessKey ? 1 : 0);
        if (ownTags > 0 && request.Tags.Count > IamLimits.TagsPerUser - ownTags)
        {
            throw new OnboardInputException("TooManyTags", "Tag", request.Tags.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
                $"Tag: {request.Tags.Count} tags given; with console or programmatic access at most {IamLimits.TagsPerUser - ownTags}, as IamOnboard needs one tag ('{HandOffMark.TagKey}') until the credentials are handed out"
                + (ownTags == 2 ? $" and one ('{AddedKeyRecord.TagKey}') that keeps a re-run of -AdditionalAccessKey from adding one more key." : "."));
        }
        foreach (var group in request.Groups)
        {
            if (IamNameRules.CheckGroupName(group) is not null && NameInput.GroupHint(group, "Group") is { } groupHint)
            {
                throw new OnboardInputException("InvalidGroupName", "Group", group, groupHint);
            }

            Refuse(IamNameRules.CheckGroupName(group), "InvalidGroupName", "Group");
        }

        foreach (var policy in request.Policies)
        {
            if (policy.StartsWith("arn:", StringComparison.OrdinalIgnoreCase) && !ManagedPolicyArn.IsMatch(policy))
            {
                throw new OnboardInputException("InvalidPolicyArn", "Policy", policy,
                    $"Policy: '{policy}' is not a managed policy ARN (arn:aws:iam::aws:policy/NAME or arn:aws:iam::ACCOUNT:policy/NAME).");
            }

            if (string.IsNullOrWhiteSpace(policy))
            {
                throw new OnboardInputException("InvalidPolicyName", "Policy", policy, $"Policy: an empty policy name was given.");
            }
        }

        // A name (IAMReadOnlyAccess, job-function/ViewOnlyAccess, a customer managed policy) is resolved like -Policy's.
        if (request.PermissionsBoundary is { } boundary)
        {
            if (boundary.StartsWith("arn:", StringComparison.OrdinalIgnoreCase) && !ManagedPolicyArn.IsMatch(boundary))
            {
                throw new OnboardInputException("InvalidPermissionsBoundary", "PermissionsBoundary", boundary,
                    $"PermissionsBoundary: '{boundary}' is not a managed policy ARN (arn:aws:iam::aws:policy/NAME or arn:aws:iam::ACCOUNT:policy/NAME).");
            }

            if (string.IsNullOrWhiteSpace(boundary))
            {
                throw new OnboardInputException("InvalidPermissionsBoundary", "PermissionsBoundary", boundary, "PermissionsBoundary: an empty policy name was given.");
            }
        }

        if (request.Password is not null && !request.ConsoleAccess)
        {
            throw new OnboardInputException("PasswordWithoutConsoleAccess", "Password", null,
                $"Password: a password was given without console access.");
        }
    }

    /// <summary>The account's IamOnboard-RequireMfa policy, looked up (and made, when applying) once per onboarder.</summary>
    private Task<(string Arn, bool Created, bool Updated)> RequireMfaPolicyAsync(bool apply, CancellationToken ct)
    {
        lock (_requireMfaGate)
        {
            return _requireMfaPolicy ??= RequireMfaPolicy.EnsureAsync(_session, apply, ct);
        }
    }

    /// <summary>Creates the user, or completes an existing one, with everything the request asks for.</summary>
    /// <exception cref="HandOffInProgressException">Another live run is handing out the user's credentials; nothing of them was touched.</exception>
    public async Task<UserOnboardingResult> OnboardAsync(UserOnboardingRequest request, CancellationToken ct)
    {
        ValidateOffline(request);
        if (request.RequireMfa)
        {
            // The account's policy is set up once, like New-OnboardGroup -RequireMfa does, before any row attaches it.
            await RequireMfaPolicyAsync(apply: true, ct).ConfigureAwait(false);
        }

        var prepared = await _planner.PrepareAsync(request, ct).ConfigureAwait(false);
        request = prepared.Request;

        // Planned as new without a read (most rows are new users; a read each would add a call per user): when the
        // user exists, CreateUser says so and the existing user is planned then.
        try
        {
            return await _executor.ApplyAsync(_planner.PlanNewUser(request, prepared), ct).ConfigureAwait(false);
        }
        catch (UserAlreadyExistsException exists)
        {
            OnboardLog.Current.Verbose(exists.MadeByLostSend
                ? $"{request.Where}The response to CreateUser for '{exists.User.UserName}' was lost, but the user exists; completing it."
                : $"{request.Where}IAM user '{exists.User.UserName}' already exists; completing it.");
            var plan = await _planner.PlanExistingUserAsync(request, prepared, exists.User, exists.MadeByLostSend, ct).ConfigureAwait(false);
            return await _executor.ApplyAsync(plan, ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// What <see cref="OnboardAsync"/> would do, found with reads only (for -WhatIf): a result whose
    /// <see cref="UserOnboardingResult.Plan"/> lists the steps, <see cref="UserOnboardingResult.Actions"/> their
    /// descriptions in order, and <see cref="UserOnboardingResult.PlannedOutcome"/> the outcome.
    /// </summary>
    public async Task<UserOnboardingResult> PlanAsync(UserOnboardingRequest request, CancellationToken ct)
    {
        ValidateOffline(request);
        var mfaPolicy = request.RequireMfa ? await RequireMfaPolicyAsync(apply: false, ct).ConfigureAwait(false) : default;
        var prepared = await _planner.PrepareAsync(request, ct).ConfigureAwait(false);
        request = prepared.Request;
        var plan = await _planner.PlanAsync(request, prepared, ct).ConfigureAwait(false);
        var user = plan.ExistingUser ?? new IamUser(request.UserName, string.Empty,
            $"arn:{_session.Partition}:iam::{_session.AccountId}:user{request.Path ?? "/"}{request.UserName}",
            request.Path ?? "/", DateTime.UtcNow, request.PermissionsBoundary,
            request.Tags.Select(t => new IamTag(t.Key, t.Value)).ToList());
        var result = new UserOnboardingResult(user, OnboardingOutcome.Planned)
        {
            PlannedOutcome = plan.PlannedOutcome,
            Plan = plan,
            ConsoleSignInUrl = _session.ConsoleSignInUrl,
            Row = request.Row,
            ConsoleAccess = plan.ConsoleAccessKept,
        };
        if (mfaPolicy.Created)
        {
            result.Actions.Add($"create policy {RequireMfaPolicy.PolicyName} for the account (once)");
        }
        else if (mfaPolicy.Updated)
        {
            result.Actions.Add($"update policy {RequireMfaPolicy.PolicyName} to the current document (once, a new default version)");
        }

        result.Actions.AddRange(plan.StepDescriptions);
        if (!plan.IsNewUser)
        {
            result.Notes.Add($"user '{user.UserName}' already exists");
        }

        result.Notes.AddRange(plan.Notes);
        result.PolicyArns.AddRange(plan.PolicyArns);
        result.Groups.AddRange(plan.Groups);
        return result;
    }

    /// <summary>
    /// Removes the user's hand-off mark (and this run's claim). Call once the result's secrets have reached the caller;
    /// until then a re-run treats them as lost and replaces them (once this onboarder's run is no longer live).
    /// </summary>
    public Task ClearHandOffMarkAsync(UserOnboardingResult result, CancellationToken ct) =>
        result.ClearsHandOffMark
            ? _session.Iam.UntagUserAsync(result.User.UserName, result.HandOffTagKeys, ct)
            : Task.CompletedTask;

    internal static bool NeedsHandOffMark(UserOnboardingRequest request) => request.ConsoleAccess || request.ProgrammaticAccess;

    private static OnboardingRun EndedRun()
    {
        var run = OnboardingRuns.Begin();
        run.End();
        return run;
    }

    private static void Refuse(RuleViolation? violation, string errorId, string field)
    {
        if (violation is not null)
        {
            // Names and paths are ASCII: a character that looks allowed but is not (copied from a document or web page)
            // is named by code point, as the value shown would look right. A tag's first refused character is named too
            // (a tab, a zero-width space): IAM's pattern quoted beside a value that looks fine says nothing.
            var unseen = field is "UserName" or "Group" or "Path" ? Input.UnseenCharacters.Describe(violation.Value, asciiOnly: true)
                : field == "Tag" && violation.Value is { } tagText && IamNameRules.FirstRefusedTagCharacter(tagText) is var refused and >= 0 ? Input.UnseenCharacters.At(tagText, refused)
                : null;
            var message = unseen is null ? violation.Message : $"{violation.Message}. Its {unseen}, which IAM does not allow in a {(field switch { "Path" => "path", "Tag" => "tag", _ => "name" })}; type it again";
            throw new OnboardInputException(errorId, field, violation.Value, message);
        }
    }

}
