using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using IamOnboard.Diagnostics;
using IamOnboard.Iam;
using IamOnboard.Passwords;
using IamOnboard.Rules;
using IamOnboard.Sessions;

namespace IamOnboard.Onboarding;

/// <summary>
/// Onboards one user: the user with its path and tags, console and programmatic access, managed policies and
/// groups. Safe to re-run: an existing user is completed, never reset. A new user whose onboarding fails midway is
/// rolled back, or the failure says exactly what is left.
/// </summary>
public sealed class UserOnboarder
{
    private static readonly Regex ManagedPolicyArn = new(
        @"^arn:aws(-cn|-us-gov)?:iam::(aws|\d{12}):policy/[\x21-\x7E]+$", RegexOptions.CultureInvariant);

    /// <summary>
    /// Sends of one create whose responses were all lost before the row fails. Each loss is looked into first (does the
    /// entity exist? is there a key or device whose secret nobody received?), so a repeat never makes a duplicate.
    /// </summary>
    internal const int LostResponseAttempts = 4;

    /// <summary>The debug line of a create sent again after a lost response, like the client's "attempt N of M" lines.</summary>
    internal static void LogResend(string action, string userName, int nextAttempt) =>
        OnboardLog.Current.Debug($"IAM {action} for '{userName}' attempt {nextAttempt} of {LostResponseAttempts} after its response was lost and what it may have made was looked into.");

    private readonly OnboardSession _session;
    private readonly AccountFacts _facts;

    public UserOnboarder(OnboardSession session)
    {
        _session = session;
        _facts = new AccountFacts(session);
    }

    /// <summary>Checks everything that needs no call to IAM. Throws <see cref="OnboardInputException"/> naming the field and value.</summary>
    public static void ValidateOffline(UserOnboardingRequest request)
    {
        try
        {
            CheckOffline(request);
        }
        catch (OnboardInputException invalid)
        {
            throw invalid.AtRow(request.Row, request.Line);
        }
    }

    private static void CheckOffline(UserOnboardingRequest request)
    {
        Refuse(IamNameRules.CheckUserName(request.UserName), "InvalidUserName", "UserName");
        if (request.Path is not null)
        {
            Refuse(IamNameRules.CheckPath(request.Path), "InvalidPath", "Path");
        }

        var tagProblem = IamNameRules.CheckUserTags(request.Tags).FirstOrDefault();
        Refuse(tagProblem, "InvalidTag", "Tag");
        if (request.Tags.Any(t => string.Equals(t.Key, HandOffMark.TagKey, StringComparison.OrdinalIgnoreCase)))
        {
            throw new OnboardInputException("ReservedTagKey", "Tag", HandOffMark.TagKey,
                $"Tag: the key '{HandOffMark.TagKey}' is IamOnboard's own: it marks credentials not yet handed out.");
        }

        if (NeedsHandOffMark(request) && request.Tags.Count >= IamLimits.TagsPerUser)
        {
            throw new OnboardInputException("TooManyTags", "Tag", request.Tags.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
                $"Tag: {request.Tags.Count} tags given; with console or programmatic access at most {IamLimits.TagsPerUser - 1}, as IamOnboard needs one tag ('{HandOffMark.TagKey}') until the credentials are handed out.");
        }
        foreach (var group in request.Groups)
        {
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

        if (request.PermissionsBoundary is { } boundary && !ManagedPolicyArn.IsMatch(boundary))
        {
            throw new OnboardInputException("InvalidPermissionsBoundary", "PermissionsBoundary", boundary,
                $"PermissionsBoundary: '{boundary}' is not a managed policy ARN.");
        }

        if (request.Password is not null && !request.ConsoleAccess)
        {
            throw new OnboardInputException("PasswordWithoutConsoleAccess", "Password", null,
                $"Password: a password was given without console access.");
        }
    }

    /// <summary>Creates the user, or completes an existing one, with everything the request asks for.</summary>
    public async Task<UserOnboardingResult> OnboardAsync(UserOnboardingRequest request, CancellationToken ct)
    {
        ValidateOffline(request);
        var prepared = await PrepareAsync(request, ct).ConfigureAwait(false);

        IamUser? user = null;
        for (var attempt = 1; user is null; attempt++)
        {
            try
            {
                user = await _session.Iam.CreateUserAsync(request.UserName, request.Path, TagsToCreate(request), request.PermissionsBoundary, ct).ConfigureAwait(false);
            }
            catch (IamEntityAlreadyExistsException)
            {
                var existing = await _session.Iam.GetUserAsync(request.UserName, ct).ConfigureAwait(false);
                OnboardLog.Current.Verbose(attempt == 1
                    ? $"{request.Where}IAM user '{existing.UserName}' already exists; completing it."
                    : $"{request.Where}The response to CreateUser for '{existing.UserName}' was lost, but the user exists; completing it.");
                return await CompleteExistingUserAsync(request, prepared, existing, apply: true, ct).ConfigureAwait(false);
            }
            catch (IamResponseLostException) when (attempt < LostResponseAttempts)
            {
                // The user may or may not exist now: look, and complete it when it does, else create it once more.
                IamUser? found = null;
                try
                {
                    found = await _session.Iam.GetUserAsync(request.UserName, ct).ConfigureAwait(false);
                }
                catch (IamNoSuchEntityException)
                {
                }

                if (found is not null)
                {
                    OnboardLog.Current.Verbose($"{request.Where}The response to CreateUser for '{found.UserName}' was lost, but the user exists; completing it.");
                    return await CompleteExistingUserAsync(request, prepared, found, apply: true, ct).ConfigureAwait(false);
                }

                LogResend("CreateUser", request.UserName, attempt + 1);
            }
        }

        OnboardLog.Current.Verbose($"{request.Where}Created IAM user '{user.UserName}'.");
        return await CompleteNewUserAsync(request, prepared, user, ct).ConfigureAwait(false);
    }

    /// <summary>What <see cref="OnboardAsync"/> would do, found with reads only (for -WhatIf).</summary>
    public async Task<UserOnboardingResult> PlanAsync(UserOnboardingRequest request, CancellationToken ct)
    {
        ValidateOffline(request);
        var prepared = await PrepareAsync(request, ct).ConfigureAwait(false);
        IamUser existing;
        try
        {
            existing = await _session.Iam.GetUserAsync(request.UserName, ct).ConfigureAwait(false);
        }
        catch (IamNoSuchEntityException)
        {
            var planned = new IamUser(request.UserName, string.Empty, $"arn:{_session.Partition}:iam::{_session.AccountId}:user{request.Path ?? "/"}{request.UserName}",
                request.Path ?? "/", DateTime.UtcNow, request.PermissionsBoundary,
                request.Tags.Select(t => new IamTag(t.Key, t.Value)).ToList());
            var plan = NewResult(request, planned, OnboardingOutcome.Planned);
            plan.PlannedOutcome = OnboardingOutcome.Created;
            plan.Actions.Add(Describe.CreateUser(request));
            if (request.ConsoleAccess)
            {
                plan.Actions.Add(Describe.LoginProfile(request));
            }

            plan.Actions.AddRange(prepared.PolicyArns.Select(Describe.Attach));
            plan.Actions.AddRange(request.Groups.Select(Describe.AddToGroup));
            if (request.ProgrammaticAccess)
            {
                plan.Actions.Add("create an access key");
            }

            plan.PolicyArns.AddRange(prepared.PolicyArns);
            plan.Groups.AddRange(request.Groups);
            return plan;
        }

        var result = await CompleteExistingUserAsync(request, prepared, existing, apply: false, ct).ConfigureAwait(false);
        result.PlannedOutcome = result.Outcome;
        result.Outcome = OnboardingOutcome.Planned;
        result.Notes.Insert(0, $"user '{existing.UserName}' already exists");
        return result;
    }

    private sealed class Prepared
    {
        public List<string> PolicyArns { get; } = new();
        public PasswordPolicy? PasswordPolicy { get; set; }
    }

    /// <summary>The checks that need reads (policies, groups, password policy), all before the first change.</summary>
    private async Task<Prepared> PrepareAsync(UserOnboardingRequest request, CancellationToken ct)
    {
        var prepared = new Prepared();
        foreach (var reference in request.Policies)
        {
            string arn;
            try
            {
                arn = await _facts.ResolvePolicyArnAsync(reference, "Policy", ct).ConfigureAwait(false);
            }
            catch (OnboardInputException unknown) when (request.Row is not null && unknown.Row is null)
            {
                // The same message the cmdlet gives, with the row it came from, so a batch's errors can be traced back.
                var message = unknown.Message.StartsWith(unknown.Field + ":", StringComparison.Ordinal) ? unknown.Message : $"{unknown.Field}: {unknown.Message}";
                throw new OnboardInputException(unknown.ErrorId, unknown.Field, unknown.Value, message).AtRow(request.Row, request.Line);
            }

            if (!prepared.PolicyArns.Contains(arn, StringComparer.Ordinal))
            {
                prepared.PolicyArns.Add(arn);
            }
        }

        foreach (var group in request.Groups)
        {
            if (!await _facts.GroupExistsAsync(group, ct).ConfigureAwait(false))
            {
                throw new OnboardInputException("GroupNotFound", "Group", group,
                    $"Group: the group '{group}' does not exist. Create it first with New-OnboardGroup.").AtRow(request.Row, request.Line);
            }
        }

        if (request.ConsoleAccess)
        {
            var policy = await _facts.GetPasswordPolicyAsync(ct).ConfigureAwait(false);
            prepared.PasswordPolicy = policy;
            if (request.Password is not null)
            {
                var violations = policy.Check(SecretText.Reveal(request.Password));
                if (violations.Count > 0)
                {
                    throw new OnboardInputException("PasswordPolicyViolation", "Password", null,
                        $"Password: the password does not satisfy the account password policy: {string.Join("; ", violations)}.").AtRow(request.Row, request.Line);
                }
            }

            // Like the console: a user told to reset the password must be allowed to change it.
            if (request.PasswordResetRequired && !policy.AllowUsersToChangePassword)
            {
                var changePassword = PolicyReference.AwsManagedArn(_session.Partition, "IAMUserChangePassword");
                if (!prepared.PolicyArns.Contains(changePassword, StringComparer.Ordinal))
                {
                    prepared.PolicyArns.Add(changePassword);
                }
            }
        }

        return prepared;
    }

    private async Task<UserOnboardingResult> CompleteNewUserAsync(
        UserOnboardingRequest request, Prepared prepared, IamUser user, CancellationToken ct)
    {
        var result = NewResult(request, user, OnboardingOutcome.Created);
        result.Actions.Add(Describe.CreateUser(request));
        result.ClearsHandOffMark = NeedsHandOffMark(request);
        var undo = new Stack<(string What, Func<CancellationToken, Task> Undo)>();
        undo.Push(($"user '{user.UserName}'", t => _session.Iam.DeleteUserAsync(user.UserName, t)));
        try
        {
            if (request.ConsoleAccess)
            {
                // Pushed first: a call whose every response was lost may still have made the profile.
                undo.Push(("its login profile", t => _session.Iam.DeleteLoginProfileAsync(user.UserName, t)));
                await CreateLoginProfileAsync(request, prepared, result, ct).ConfigureAwait(false);
            }

            foreach (var arn in prepared.PolicyArns)
            {
                await _session.Iam.AttachUserPolicyAsync(user.UserName, arn, ct).ConfigureAwait(false);
                undo.Push(($"the attachment of {arn}", t => _session.Iam.DetachUserPolicyAsync(user.UserName, arn, t)));
                result.PolicyArns.Add(arn);
                result.Actions.Add(Describe.Attach(arn));
            }

            foreach (var group in request.Groups)
            {
                await _session.Iam.AddUserToGroupAsync(group, user.UserName, ct).ConfigureAwait(false);
                undo.Push(($"its membership of {group}", t => _session.Iam.RemoveUserFromGroupAsync(group, user.UserName, t)));
                result.Groups.Add(group);
                result.Actions.Add(Describe.AddToGroup(group));
            }

            if (request.ProgrammaticAccess)
            {
                // The user is new, so every key it has is this call's: one handed back, or one whose secret was lost.
                undo.Push(("its access keys", t => DeleteAccessKeysAsync(user.UserName, new HashSet<string>(), lostResponse: false, t)));
                var key = await CreateAccessKeyAsync(user.UserName, new HashSet<string>(), ct).ConfigureAwait(false);
                result.AccessKey = key;
                result.Actions.Add($"create access key {key.AccessKeyId}");
            }

            return result;
        }
        catch (Exception failure)
        {
            await RollBackAsync(request, user, undo, failure).ConfigureAwait(false);
            throw; // RollBackAsync throws; this keeps the compiler's flow analysis honest.
        }
    }

    /// <summary>Undoes what this call created, newest first, and throws a failure that says what (if anything) is left.</summary>
    private async Task RollBackAsync(UserOnboardingRequest request, IamUser user, Stack<(string What, Func<CancellationToken, Task> Undo)> undo, Exception failure)
    {
        // The caller's token may be the reason we are here (Ctrl+C); clean-up gets its own short budget.
        using var budget = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var left = new List<string>();
        while (undo.Count > 0)
        {
            var (what, undoStep) = undo.Pop();
            try
            {
                await undoStep(budget.Token).ConfigureAwait(false);
            }
            catch (IamNoSuchEntityException)
            {
                // Already gone.
            }
            catch (Exception undoFailure)
            {
                left.Add(what);
                OnboardLog.Current.Warning($"{request.Where}Could not remove {what} while rolling back: {undoFailure.Message}");
            }
        }

        var reason = failure is OperationCanceledException ? "the operation was stopped" : failure.Message;
        var state = left.Count == 0
            ? "Everything this call had created was removed, so the row can simply be run again."
            : $"Rolling back failed, so these still exist: {string.Join(", ", left)}. Run Remove-OnboardUser '{user.UserName}' or run the row again to complete it.";
        throw new OnboardingFailedException(
            $"IAM user '{user.UserName}' was not onboarded: {reason}. {state}",
            user.UserName, left.Count == 0, failure) { Row = request.Row, Line = request.Line };
    }

    private async Task<UserOnboardingResult> CompleteExistingUserAsync(
        UserOnboardingRequest request, Prepared prepared, IamUser user, bool apply, CancellationToken ct)
    {
        var result = NewResult(request, user, OnboardingOutcome.Unchanged);
        var iam = _session.Iam;
        var done = new List<string>();
        var mayHaveMadeProfile = false;
        try
        {
            if (request.Path is not null && !string.Equals(request.Path, user.Path, StringComparison.Ordinal))
            {
                result.Notes.Add($"path is {user.Path}, not {request.Path}; left unchanged");
            }

            var missingTags = request.Tags
                .Where(t => !user.Tags.Any(existing => string.Equals(existing.Key, t.Key, StringComparison.OrdinalIgnoreCase) && existing.Value == t.Value))
                .ToList();
            if (missingTags.Count > 0)
            {
                if (apply)
                {
                    await iam.TagUserAsync(user.UserName, missingTags.Select(t => new IamTag(t.Key, t.Value)).ToList(), ct).ConfigureAwait(false);
                    done.Add("tags");
                }

                result.Actions.Add($"tag {string.Join(", ", missingTags.Select(t => $"{t.Key}={t.Value}"))}");
            }

            // A mark left by a run that never handed its secrets out: the password it set and the keys it made reached
            // nobody, so they are replaced when this request asks for that kind of access.
            var mark = HandOffMark.Find(user.Tags);
            var profile = request.ConsoleAccess || mark?.Password == true
                ? await LoginProfiles.FindAsync(iam, user.UserName, ct).ConfigureAwait(false)
                : null;
            var keys = request.ProgrammaticAccess || mark?.AccessKey == true
                ? await iam.ListAccessKeysAsync(user.UserName, ct).ConfigureAwait(false)
                : Array.Empty<IamAccessKeyMetadata>();
            var unclaimedKeys = mark?.UnclaimedKeys(keys) ?? Array.Empty<IamAccessKeyMetadata>();
            var unclaimedPassword = mark?.Password == true && profile is not null;
            var newPassword = request.ConsoleAccess && (profile is null || unclaimedPassword);
            var newKey = request.ProgrammaticAccess && (unclaimedKeys.Count > 0 || keys.Count == 0 || request.AdditionalAccessKey);
            var passwordLeft = unclaimedPassword && !request.ConsoleAccess;
            var keysLeft = unclaimedKeys.Count > 0 && !request.ProgrammaticAccess;
            if (passwordLeft)
            {
                result.Notes.Add("the console password an earlier run set was never handed out; run with -ConsoleAccess to set a new one");
            }

            if (keysLeft)
            {
                result.Notes.Add($"the secret of access key {string.Join(", ", unclaimedKeys.Select(k => k.AccessKeyId))} was never handed out by the run that made it; run with -ProgrammaticAccess to replace it");
            }

            if (newPassword || newKey)
            {
                var wanted = new HandOffMark(newPassword || passwordLeft, newKey || keysLeft,
                    keys.Where(k => !unclaimedKeys.Contains(k)).Select(k => k.AccessKeyId));
                if (apply && (mark is null || !mark.Covers(wanted)))
                {
                    // Bookkeeping, not something to report as added: if what follows fails, it must stay.
                    await iam.TagUserAsync(user.UserName, new[] { wanted.ToTag() }, ct).ConfigureAwait(false);
                }

                result.ClearsHandOffMark = !passwordLeft && !keysLeft;
            }
            else
            {
                // Nothing it speaks of is left (e.g. the run was stopped before it made anything): remove it.
                result.ClearsHandOffMark = mark is not null && !passwordLeft && !keysLeft;
            }

            if (request.ConsoleAccess)
            {
                if (!newPassword)
                {
                    result.ConsoleAccess = true;
                    result.Notes.Add("console access already enabled; the password was not reset");
                }
                else if (apply && profile is null)
                {
                    // Set first: a call whose every response was lost may still have made the profile.
                    mayHaveMadeProfile = true;
                    await CreateLoginProfileAsync(request, prepared, result, ct).ConfigureAwait(false);
                    done.Add("login profile");
                }
                else if (apply)
                {
                    await ReplacePasswordAsync(request, prepared, result, ct).ConfigureAwait(false);
                    done.Add("new password");
                }
                else
                {
                    result.Actions.Add(profile is null ? Describe.LoginProfile(request) : Describe.ReplacePassword(request));
                }
            }

            var attached = await iam.ListAttachedUserPoliciesAsync(user.UserName, ct).ConfigureAwait(false);
            result.PolicyArns.AddRange(attached.Select(p => p.PolicyArn));
            foreach (var arn in prepared.PolicyArns.Where(arn => !attached.Any(p => p.PolicyArn == arn)))
            {
                if (apply)
                {
                    await iam.AttachUserPolicyAsync(user.UserName, arn, ct).ConfigureAwait(false);
                    done.Add($"policy {arn}");
                }

                result.PolicyArns.Add(arn);
                result.Actions.Add(Describe.Attach(arn));
            }

            var memberOf = await iam.ListGroupsForUserAsync(user.UserName, ct).ConfigureAwait(false);
            result.Groups.AddRange(memberOf.Select(g => g.GroupName));
            foreach (var group in request.Groups.Where(g => !memberOf.Any(m => string.Equals(m.GroupName, g, StringComparison.OrdinalIgnoreCase))))
            {
                if (apply)
                {
                    await iam.AddUserToGroupAsync(group, user.UserName, ct).ConfigureAwait(false);
                    done.Add($"group {group}");
                }

                result.Groups.Add(group);
                result.Actions.Add(Describe.AddToGroup(group));
            }

            if (request.ProgrammaticAccess)
            {
                if (newKey)
                {
                    foreach (var unclaimed in unclaimedKeys)
                    {
                        if (apply)
                        {
                            OnboardLog.Current.Warning($"{request.Where}Deleting access key {unclaimed.AccessKeyId} of '{user.UserName}': the run that created it never handed its secret out.");
                            await iam.DeleteAccessKeyAsync(user.UserName, unclaimed.AccessKeyId, ct).ConfigureAwait(false);
                            done.Add($"deleted access key {unclaimed.AccessKeyId}");
                        }

                        result.Actions.Add($"delete access key {unclaimed.AccessKeyId}, whose secret was never handed out");
                    }

                    if (apply)
                    {
                        var keysBefore = new HashSet<string>(keys.Where(k => !unclaimedKeys.Contains(k)).Select(k => k.AccessKeyId));
                        var key = await CreateAccessKeyAsync(user.UserName, keysBefore, ct).ConfigureAwait(false);
                        result.AccessKey = key;
                        done.Add($"access key {key.AccessKeyId}");
                        result.Actions.Add($"create access key {key.AccessKeyId}");
                    }
                    else
                    {
                        result.Actions.Add("create an access key");
                    }
                }
                else
                {
                    // A second key is a second secret to guard; never made without being asked.
                    result.Notes.Add($"already has access key {string.Join(", ", keys.Select(k => k.AccessKeyId))}; no new key created (use -AdditionalAccessKey to add one)");
                }
            }
        }
        catch (Exception failure) when (apply && (done.Count > 0 || mayHaveMadeProfile))
        {
            // The result carrying the password is never returned, so a profile this call made has a password nobody
            // holds, and a re-run would leave it so ("console access already enabled"): delete it, and the re-run
            // makes a new one and hands its password back.
            var profileLeft = mayHaveMadeProfile && !await DiscardLoginProfileAsync(request, user.UserName).ConfigureAwait(false);
            done.Remove("login profile");
            if (profileLeft)
            {
                done.Add("login profile (its password was never handed back: reset it, or delete it and run the row again)");
            }

            if (failure is OperationCanceledException || done.Count == 0)
            {
                throw;
            }

            throw new OnboardingFailedException(
                $"IAM user '{user.UserName}' was only partly completed: {failure.Message}. Added before the failure: {string.Join(", ", done)}. Run the row again to finish it.",
                user.UserName, false, failure) { Row = request.Row, Line = request.Line };
        }

        if (result.Actions.Count > 0)
        {
            result.Outcome = OnboardingOutcome.Completed;
        }

        return result;
    }

    private async Task CreateLoginProfileAsync(UserOnboardingRequest request, Prepared prepared, UserOnboardingResult result, CancellationToken ct)
    {
        var password = PasswordFor(request, prepared);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await _session.Iam.CreateLoginProfileAsync(request.UserName, password, request.PasswordResetRequired, ct).ConfigureAwait(false);
                break;
            }
            catch (IamEntityAlreadyExistsException) when (attempt > 1)
            {
                // Only called when the user had no login profile, so after a lost response one that exists now was made
                // by this call, with this password (a read can lag behind the write): keep it.
                OnboardLog.Current.Verbose($"{request.Where}The response to CreateLoginProfile for '{request.UserName}' was lost, but the login profile exists with the password sent.");
                break;
            }
            catch (IamResponseLostException)
            {
                // As above: a profile that exists now was made by this call, with this password; keep it (the password is
                // handed back below). Else the request never arrived: send it again, while attempts last.
                if (await LoginProfiles.FindAsync(_session.Iam, request.UserName, ct).ConfigureAwait(false) is not null)
                {
                    OnboardLog.Current.Verbose($"{request.Where}The response to CreateLoginProfile for '{request.UserName}' was lost, but the login profile exists with the password sent.");
                    break;
                }

                if (attempt >= LostResponseAttempts)
                {
                    throw;
                }

                LogResend("CreateLoginProfile", request.UserName, attempt + 1);
            }
        }

        HandBackPassword(request, result, password, Describe.LoginProfile(request));
    }

    private static string PasswordFor(UserOnboardingRequest request, Prepared prepared) =>
        request.Password is null ? PasswordGenerator.Generate(prepared.PasswordPolicy ?? PasswordPolicy.IamDefault) : SecretText.Reveal(request.Password);

    private static void HandBackPassword(UserOnboardingRequest request, UserOnboardingResult result, string password, string action)
    {
        result.ConsoleAccess = true;
        result.PasswordResetRequired = request.PasswordResetRequired;
        result.Password = request.Password ?? SecretText.Protect(password);
        result.Actions.Add(action);
    }

    /// <summary>Gives an existing login profile a new password (UpdateLoginProfile: sent again after a lost response, it sets the same one).</summary>
    private async Task ReplacePasswordAsync(UserOnboardingRequest request, Prepared prepared, UserOnboardingResult result, CancellationToken ct)
    {
        var password = PasswordFor(request, prepared);
        await _session.Iam.UpdateLoginProfileAsync(request.UserName, password, request.PasswordResetRequired, ct).ConfigureAwait(false);
        HandBackPassword(request, result, password, Describe.ReplacePassword(request));
    }

    /// <summary>Deletes a login profile whose password cannot be handed back; false when it could not be deleted.</summary>
    private async Task<bool> DiscardLoginProfileAsync(UserOnboardingRequest request, string userName)
    {
        // The caller's token may be why we are here (Ctrl+C); clean-up gets its own short budget.
        using var budget = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await _session.Iam.DeleteLoginProfileAsync(userName, budget.Token).ConfigureAwait(false);
            OnboardLog.Current.Verbose($"{request.Where}Deleted the login profile just made for '{userName}': the onboarding failed, so its password could not be handed back.");
            return true;
        }
        catch (IamNoSuchEntityException)
        {
            return true;
        }
        catch (Exception failure)
        {
            OnboardLog.Current.Warning($"{request.Where}Could not delete the login profile just made for '{userName}', whose password was never handed back: {failure.Message}");
            return false;
        }
    }

    /// <summary>
    /// Creates an access key. When the response is lost in transit the key may exist with a secret nobody holds:
    /// any key that was not there before is deleted and the call is made again, up to <see cref="LostResponseAttempts"/>
    /// times. When every response is lost, such keys are still deleted before the failure is thrown.
    /// </summary>
    private async Task<IamNewAccessKey> CreateAccessKeyAsync(string userName, HashSet<string> keysBefore, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await _session.Iam.CreateAccessKeyAsync(userName, ct).ConfigureAwait(false);
            }
            catch (IamResponseLostException)
            {
                await DeleteAccessKeysAsync(userName, keysBefore, lostResponse: true, ct).ConfigureAwait(false);
                if (attempt >= LostResponseAttempts)
                {
                    throw;
                }

                LogResend("CreateAccessKey", userName, attempt + 1);
            }
        }
    }

    /// <summary>Deletes the user's access keys that are not in <paramref name="keep"/> (after a lost response: keys whose secret never arrived).</summary>
    private async Task DeleteAccessKeysAsync(string userName, HashSet<string> keep, bool lostResponse, CancellationToken ct)
    {
        var keys = await _session.Iam.ListAccessKeysAsync(userName, ct).ConfigureAwait(false);
        foreach (var orphan in keys.Where(k => !keep.Contains(k.AccessKeyId)))
        {
            if (lostResponse)
            {
                OnboardLog.Current.Warning($"The response to CreateAccessKey for '{userName}' was lost; deleting access key {orphan.AccessKeyId}, whose secret never arrived.");
            }

            await _session.Iam.DeleteAccessKeyAsync(userName, orphan.AccessKeyId, ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Removes the user's hand-off mark. Call once the result's secrets have reached the caller; until then a re-run
    /// treats them as lost and replaces them.
    /// </summary>
    public Task ClearHandOffMarkAsync(UserOnboardingResult result, CancellationToken ct) =>
        result.ClearsHandOffMark
            ? _session.Iam.UntagUserAsync(result.User.UserName, new[] { HandOffMark.TagKey }, ct)
            : Task.CompletedTask;

    private static bool NeedsHandOffMark(UserOnboardingRequest request) => request.ConsoleAccess || request.ProgrammaticAccess;

    /// <summary>The request's tags and, when secrets are to be made, the hand-off mark: set by CreateUser itself, before any secret exists.</summary>
    private static List<IamTag> TagsToCreate(UserOnboardingRequest request)
    {
        var tags = request.Tags.Select(t => new IamTag(t.Key, t.Value)).ToList();
        if (NeedsHandOffMark(request))
        {
            tags.Add(new HandOffMark(request.ConsoleAccess, request.ProgrammaticAccess, Array.Empty<string>()).ToTag());
        }

        return tags;
    }

    private UserOnboardingResult NewResult(UserOnboardingRequest request, IamUser user, OnboardingOutcome outcome) =>
        new(user, outcome) { ConsoleSignInUrl = _session.ConsoleSignInUrl, Row = request.Row };

    private static void Refuse(RuleViolation? violation, string errorId, string field)
    {
        if (violation is not null)
        {
            throw new OnboardInputException(errorId, field, violation.Value, violation.Message);
        }
    }

    /// <summary>The plain-words descriptions used in results, -WhatIf plans and confirmations.</summary>
    internal static class Describe
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

        public static string LoginProfile(UserOnboardingRequest request) =>
            $"enable console access with a {(request.Password is null ? "generated" : "given")} password{(request.PasswordResetRequired ? " to be reset at first sign-in" : string.Empty)}";

        public static string ReplacePassword(UserOnboardingRequest request) =>
            $"set a new {(request.Password is null ? "generated" : "given")} console password{(request.PasswordResetRequired ? " to be reset at first sign-in" : string.Empty)} (the one an earlier run set was never handed out)";

        public static string Attach(string arn) => $"attach {arn}";

        public static string AddToGroup(string group) => $"add to group {group}";
    }
}
