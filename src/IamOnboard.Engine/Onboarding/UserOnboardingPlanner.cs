using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using IamOnboard.Diagnostics;
using IamOnboard.Iam;
using IamOnboard.Passwords;
using IamOnboard.Rules;
using IamOnboard.Sessions;

namespace IamOnboard.Onboarding;

/// <summary>
/// Works out, with reads only, the steps that onboard one request: all of them for a new user, what is missing for an
/// existing one. Everything that can be refused (unknown policy or group, a password the account policy rejects,
/// credentials another live run is handing out) is refused here, before the first change.
/// </summary>
internal sealed class UserOnboardingPlanner
{
    private readonly OnboardSession _session;
    private readonly AccountFacts _facts;
    private readonly OnboardingRun _run;

    public UserOnboardingPlanner(OnboardSession session, AccountFacts facts, OnboardingRun run)
    {
        _session = session;
        _facts = facts;
        _run = run;
    }

    /// <summary>
    /// The checks that need reads (policies, groups, password policy), all before the first change. The prepared
    /// request is the one to plan with: its permissions boundary, when given by name, is the policy's ARN.
    /// </summary>
    public async Task<PreparedRequest> PrepareAsync(UserOnboardingRequest request, CancellationToken ct)
    {
        var prepared = new PreparedRequest(request);

        // Asked first, so that it travels with the policy and group reads: a batch's first row waits for one round
        // trip, not one after the other.
        var passwordPolicy = request.ConsoleAccess ? _facts.GetPasswordPolicyAsync(ct) : null;
        try
        {
            await CheckPoliciesAndGroupsAsync(request, prepared, ct).ConfigureAwait(false);
        }
        catch
        {
            // The row fails on its first finding; the read left running is the batch's, and its failure is not this row's.
            _ = passwordPolicy?.ContinueWith(static read => read.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            throw;
        }

        if (passwordPolicy is not null)
        {
            var policy = await passwordPolicy.ConfigureAwait(false);
            prepared.PasswordPolicy = policy;
            if (request.Password is not null)
            {
                var violations = policy.Check(SecretText.Reveal(request.Password));
                if (violations.Count > 0)
                {
                    throw new OnboardInputException("PasswordPolicyViolation", "Password", null,
                        $"Password: the password does not satisfy the account password policy: {string.Join("; ", violations)}.").AtRow(request);
                }
            }

            // Like the console: a user told to reset the password must be allowed to change it.
            if (request.PasswordResetRequired && !policy.AllowUsersToChangePassword)
            {
                AddOnce(prepared.PolicyArns, PolicyReference.AwsManagedArn(_session.Partition, "IAMUserChangePassword"));
            }
        }

        // As a new user: what an existing one has already is counted when it is planned.
        await CheckQuotasAsync(request, 0, prepared.PolicyArns, 0, request.Groups, ct).ConfigureAwait(false);
        return prepared;
    }

    /// <summary>
    /// Refuses, before any change, a user that would have more managed policies or groups than the account allows: IAM
    /// refuses the attach past its quota only once the user is made (and the row is rolled back), so -WhatIf would plan
    /// the row as fine. The default quotas are 10, and an account may have its policies' raised (up to 20), so more than
    /// 10 are refused only when GetAccountSummary reports a lower quota; where it cannot be read, IAM checks it.
    /// </summary>
    private async Task CheckQuotasAsync(UserOnboardingRequest request, int attached, IReadOnlyList<string> policiesToAttach, int memberOf,
        IReadOnlyList<string> groupsToJoin, CancellationToken ct)
    {
        var total = attached + policiesToAttach.Count;
        if (total > IamLimits.ManagedPoliciesPerUser
            && await _facts.GetQuotaAsync("AttachedPoliciesPerUserQuota", $"{request.Where}IAM user '{request.UserName}'", ct).ConfigureAwait(false) is { } policyQuota
            && total > policyQuota)
        {
            var already = attached == 0 ? "none attached yet" : $"{attached} already attached";
            throw new OnboardInputException("PolicyQuotaExceeded", "Policy", string.Join(", ", policiesToAttach),
                $"Policy: the user '{request.UserName}' would have {total} managed policies ({already}, {policiesToAttach.Count} to attach: {string.Join(", ", policiesToAttach)}), "
                + $"more than the account's quota of {policyQuota} per user; nothing was changed. Attach at most {Math.Max(0, policyQuota - attached)}, "
                + "or give the permissions through a group or a customer managed policy.").AtRow(request);
        }

        total = memberOf + groupsToJoin.Count;
        if (total > IamLimits.GroupsPerUser
            && await _facts.GetQuotaAsync("GroupsPerUserQuota", $"{request.Where}IAM user '{request.UserName}'", ct).ConfigureAwait(false) is { } groupQuota
            && total > groupQuota)
        {
            var already = memberOf == 0 ? "in none yet" : $"already in {memberOf}";
            throw new OnboardInputException("GroupQuotaExceeded", "Group", string.Join(", ", groupsToJoin),
                $"Group: the user '{request.UserName}' would be in {total} groups ({already}, {groupsToJoin.Count} to join: {string.Join(", ", groupsToJoin)}), "
                + $"more than the account's quota of {groupQuota} per user; nothing was changed. Name at most {Math.Max(0, groupQuota - memberOf)}.").AtRow(request);
        }
    }

    /// <summary>The row's managed policies and permissions boundary resolved to ARNs, and its groups found, in the order given.</summary>
    private async Task CheckPoliciesAndGroupsAsync(UserOnboardingRequest request, PreparedRequest prepared, CancellationToken ct)
    {
        // A name given twice is often a typo for another one: said before any lookup, and never dropped unsaid.
        ThrowIfNamedTwice(request, request.Policies, "Policy", "policy");
        ThrowIfNamedTwice(request, request.Groups, "Group", "group");
        var namedAs = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var reference in request.Policies)
        {
            var arn = await ResolvePolicyAsync(request, reference, "Policy", ct).ConfigureAwait(false);
            if (namedAs.TryGetValue(arn, out var earlier))
            {
                throw new OnboardInputException("PolicyNamedTwice", "Policy", reference,
                    $"Policy: '{earlier}' and '{reference}' name the same policy ({arn}); give each policy once.").AtRow(request);
            }

            namedAs.Add(arn, reference);
            AddOnce(prepared.PolicyArns, arn);
        }

        // Looked up like -Policy's, an ARN too (GetPolicy, once per batch): IAM's own refusal of an ARN that does not
        // exist ("Scope ARN: ... does not exist") names no row or field.
        if (request.PermissionsBoundary is { } boundary)
        {
            var boundaryArn = await ResolvePolicyAsync(request, boundary, "PermissionsBoundary", ct).ConfigureAwait(false);
            if (!string.Equals(boundaryArn, boundary, StringComparison.Ordinal))
            {
                prepared.Request = request.Clone();
                prepared.Request.PermissionsBoundary = boundaryArn;
            }
        }

        if (request.RequireMfa)
        {
            // Made once for the account before any row is applied (UserOnboarder); here it is only named.
            AddOnce(prepared.PolicyArns, RequireMfaPolicy.ArnFor(_session));
        }

        foreach (var group in request.Groups)
        {
            if (!await _facts.GroupExistsAsync(group, ct).ConfigureAwait(false))
            {
                throw new OnboardInputException("GroupNotFound", "Group", group,
                    await _facts.JoinedGroupsErrorAsync(group, "Group", ct).ConfigureAwait(false)
                    ?? $"Group: the group '{group}' does not exist. Create it first with New-OnboardGroup.").AtRow(request);
            }
        }
    }

    /// <summary>Refuses a list that names one policy or group twice, alike or differing only in case (IAM names ignore case).</summary>
    private static void ThrowIfNamedTwice(UserOnboardingRequest request, IEnumerable<string> names, string field, string what)
    {
        var seen = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in names)
        {
            if (!seen.TryGetValue(name, out var earlier))
            {
                seen.Add(name, name);
                continue;
            }

            var message = string.Equals(earlier, name, StringComparison.Ordinal)
                ? $"{field}: '{name}' is named twice; give each {what} once."
                : $"{field}: '{earlier}' and '{name}' name the same {what} (IAM names ignore case); give each {what} once.";
            throw new OnboardInputException(field + "NamedTwice", field, name, message).AtRow(request);
        }
    }

    /// <summary>The ARN of a managed policy the row names; an unknown one is refused naming the field and the row.</summary>
    private async Task<string> ResolvePolicyAsync(UserOnboardingRequest request, string reference, string field, CancellationToken ct)
    {
        try
        {
            return await _facts.ResolvePolicyArnAsync(reference, field, ct).ConfigureAwait(false);
        }
        catch (OnboardInputException unknown) when (request.Row is not null && unknown.Row is null)
        {
            // The same message the cmdlet gives, with the row it came from, so a batch's errors can be traced back.
            var message = unknown.Message.StartsWith(unknown.Field + ":", StringComparison.Ordinal) ? unknown.Message : $"{unknown.Field}: {unknown.Message}";
            throw new OnboardInputException(unknown.ErrorId, unknown.Field, unknown.Value, message).AtRow(request);
        }
    }

    /// <summary>The plan for the user as IAM has it now (null: it does not exist).</summary>
    public async Task<UserOnboardingPlan> PlanAsync(UserOnboardingRequest request, PreparedRequest prepared, CancellationToken ct)
    {
        IamUser existing;
        try
        {
            existing = await _session.Iam.GetUserAsync(request.UserName, ct).ConfigureAwait(false);
        }
        catch (IamNoSuchEntityException)
        {
            return PlanNewUser(request, prepared);
        }

        return await PlanExistingUserAsync(request, prepared, existing, markIsThisCalls: false, ct).ConfigureAwait(false);
    }

    public UserOnboardingPlan PlanNewUser(UserOnboardingRequest request, PreparedRequest prepared)
    {
        var mark = UserOnboarder.NeedsHandOffMark(request)
            ? new HandOffMark(_run.Id, DateTime.UtcNow, request.ConsoleAccess, request.ProgrammaticAccess, Array.Empty<string>())
            : null;
        // A user made with a key for a request with AdditionalAccessKey: the record keeps a re-run from adding a second.
        var record = request.ProgrammaticAccess && request.AdditionalAccessKey ? new AddedKeyRecord(Array.Empty<string>(), DateTime.UtcNow) : null;
        var steps = new List<OnboardingStep> { new CreateUserStep(request, mark, record) };
        if (request.ConsoleAccess)
        {
            steps.Add(new CreateLoginProfileStep(request));
        }

        steps.AddRange(prepared.PolicyArns.Select(arn => new AttachPolicyStep(arn)));
        steps.AddRange(request.Groups.Select(group => new AddToGroupStep(group)));
        if (request.ProgrammaticAccess)
        {
            steps.Add(new CreateAccessKeyStep(Array.Empty<string>(), undoable: true));
        }

        var plan = new UserOnboardingPlan(request, null, steps) { PasswordPolicy = prepared.PasswordPolicy, ClearsHandOffMark = mark is not null };
        plan.PolicyArns.AddRange(prepared.PolicyArns);
        plan.Groups.AddRange(request.Groups);
        return plan;
    }

    /// <summary>
    /// The plan that completes an existing user. <paramref name="markIsThisCalls"/>: the user was made by this call's
    /// own CreateUser (its response was lost), so a mark of this run on it is this call's.
    /// </summary>
    public async Task<UserOnboardingPlan> PlanExistingUserAsync(
        UserOnboardingRequest request, PreparedRequest prepared, IamUser user, bool markIsThisCalls, CancellationToken ct)
    {
        // Remove-OnboardUser -Disable left it nothing usable on purpose: a batch run again that still lists it must not
        // give it a password or key again. GetUser's answer has the tags, so this costs no request.
        if (UserRemover.FindDisabling(user) is { } disabling)
        {
            throw DisabledUserRefused(request, user, disabling);
        }

        var iam = _session.Iam;
        var steps = new List<OnboardingStep>();
        var notes = new List<string>();
        if (request.Path is not null && !string.Equals(request.Path, user.Path, StringComparison.Ordinal))
        {
            // Said, like a boundary left as it is: a re-run that asks for another path must not look as if it moved the user.
            var left = $"path is {user.Path}, not {request.Path}; left unchanged (a path is part of the user's ARN, which policies may name; change it in IAM if that is meant)";
            notes.Add(left);
            OnboardLog.Current.Warning($"{request.Where}IAM user '{user.UserName}': {left}.");
        }

        if (request.PermissionsBoundary is { } boundary && !string.Equals(boundary, user.PermissionsBoundaryArn, StringComparison.Ordinal))
        {
            if (user.PermissionsBoundaryArn is null)
            {
                // A guardrail added to the file and run again: completing the user means setting it.
                steps.Add(new SetPermissionsBoundaryStep(boundary));
            }
            else
            {
                // Replacing a boundary can widen what the user may do: that is a change to make knowingly, not a re-run's.
                var left = $"permissions boundary is {user.PermissionsBoundaryArn}, not {boundary}; left unchanged (replacing a boundary can widen what the user may do; change it in IAM if that is meant)";
                notes.Add(left);
                OnboardLog.Current.Warning($"{request.Where}IAM user '{user.UserName}': {left}.");
            }
        }

        // Keys compared without regard to case, as IAM does: it refuses two keys on one user that differ only in case.
        var missingTags = new List<IamTag>();
        var otherValues = new List<(IamTag Existing, string Asked)>();
        foreach (var tag in request.Tags)
        {
            var existing = user.Tags.FirstOrDefault(t => string.Equals(t.Key, tag.Key, StringComparison.OrdinalIgnoreCase));
            if (existing is null)
            {
                missingTags.Add(new IamTag(tag.Key, tag.Value));
            }
            else if (!string.Equals(existing.Value, tag.Value, StringComparison.Ordinal))
            {
                otherValues.Add((existing, tag.Value));
            }
        }

        if (otherValues.Count > 0)
        {
            // Said, like a path left as it is: a tag may drive cost reports or access (aws:ResourceTag), so a re-run only adds.
            var which = string.Join("; ", otherValues.Select(o => $"tag {o.Existing.Key} is {o.Existing.Value}, not {o.Asked}"));
            var command = $"aws iam tag-user --user-name {user.UserName} --tags "
                + string.Join(" ", otherValues.Select(o => $"'Key={o.Existing.Key},Value={o.Asked}'"));
            var left = $"{which}; left unchanged (a re-run only adds missing tags; change a value in IAM if that is meant: {command})";
            notes.Add(left);
            OnboardLog.Current.Warning($"{request.Where}IAM user '{user.UserName}': {left}.");
        }

        if (missingTags.Count > 0)
        {
            steps.Add(new TagUserStep(missingTags));
        }

        var mark = MarkToRepair(request, user, markIsThisCalls, notes);
        var credentials = await PlanCredentialsAsync(request, user, mark, notes, ct).ConfigureAwait(false);
        ThrowIfTagsExceedQuota(request, user, missingTags, credentials.Mark is not null, credentials.AddedKeyRecord is not null && AddedKeyRecord.Find(user.Tags) is null);
        if (credentials.Mark is not null)
        {
            // Bookkeeping first: a run that has to back off has changed nothing.
            steps.Insert(0, new SetHandOffMarkStep(credentials.Mark, mark, credentials.KeysSeen, credentials.AddedKeyRecord));
        }
        else if (credentials.ClearsMark && mark?.Run is { } dead && !mark.IsOf(_run))
        {
            // The dead run's mark goes at the hand-off, with nothing new in its place: an MFA seed that rode on it must not look taken.
            steps.Insert(0, new KeepMfaSeedsPendingStep(dead));
        }

        if (credentials.Password is not null)
        {
            steps.Add(credentials.Password);
        }

        var attached = await iam.ListAttachedUserPoliciesAsync(user.UserName, ct).ConfigureAwait(false);
        var missingPolicies = prepared.PolicyArns.Where(arn => !attached.Any(p => p.PolicyArn == arn)).ToList();
        steps.AddRange(missingPolicies.Select(arn => new AttachPolicyStep(arn)));
        var memberOf = await iam.ListGroupsForUserAsync(user.UserName, ct).ConfigureAwait(false);
        var missingGroups = request.Groups.Where(g => !memberOf.Any(m => string.Equals(m.GroupName, g, StringComparison.OrdinalIgnoreCase))).ToList();
        steps.AddRange(missingGroups.Select(group => new AddToGroupStep(group)));
        steps.AddRange(credentials.KeySteps);
        await CheckQuotasAsync(request, attached.Count, missingPolicies, memberOf.Count, missingGroups, ct).ConfigureAwait(false);

        var plan = new UserOnboardingPlan(request, user, steps)
        {
            PasswordPolicy = prepared.PasswordPolicy,
            ClearsHandOffMark = credentials.ClearsMark,
            ConsoleAccessKept = credentials.ConsoleAccessKept,
        };
        plan.Notes.AddRange(notes);
        plan.PolicyArns.AddRange(attached.Select(p => p.PolicyArn).Concat(missingPolicies));
        plan.Groups.AddRange(memberOf.Select(g => g.GroupName).Concat(missingGroups));
        return plan;
    }

    /// <summary>
    /// Refuses, before any change, tags an existing user has no room for: IAM's TagUser would refuse them ("The number of
    /// tags has reached the maximum limit of 50", naming no user) once the plan is under way. While new credentials are
    /// handed out, IamOnboard's own tags count too: its mark and this run's claim.
    /// </summary>
    private static void ThrowIfTagsExceedQuota(UserOnboardingRequest request, IamUser user, IReadOnlyList<IamTag> missingTags, bool setsMark, bool addsRecord)
    {
        var handOffTags = (!setsMark ? 0 : HandOffMark.Find(user.Tags) is null ? 2 : 1) + (addsRecord ? 1 : 0);
        var total = user.Tags.Count + missingTags.Count + handOffTags;
        if (missingTags.Count + handOffTags == 0 || total <= IamLimits.TagsPerUser)
        {
            return;
        }

        var adding = missingTags.Count == 0 ? string.Empty : $"{missingTags.Count} to add ({string.Join(", ", missingTags.Select(t => t.Key))})";
        var ownTags = handOffTags == 0 ? string.Empty
            : $"{(adding.Length == 0 ? string.Empty : " and ")}{handOffTags} that IamOnboard sets while the new credentials are handed out ('{HandOffMark.TagKey}'{(setsMark && HandOffMark.Find(user.Tags) is null ? " and this run's claim" : string.Empty)}{(addsRecord ? $", and '{AddedKeyRecord.TagKey}' that keeps a re-run from adding one more key" : string.Empty)})";
        throw new OnboardInputException("TooManyTags", "Tag", string.Join(", ", missingTags.Select(t => t.Key)),
            $"Tag: IAM user '{user.UserName}' has {user.Tags.Count} tags; with {adding}{ownTags} it would have {total}, more than IAM's {IamLimits.TagsPerUser} per user; "
            + $"nothing was changed. Remove tags it no longer needs (aws iam untag-user --user-name {user.UserName} --tag-keys ...), or leave some out of the row.").AtRow(request);
    }

    /// <summary>The refusal of a row naming a user Remove-OnboardUser -Disable disabled: when, by whom, and how to onboard it again.</summary>
    private static OnboardInputException DisabledUserRefused(UserOnboardingRequest request, IamUser user, (string At, string? By) disabling) =>
        DisabledUsers.Refusal(user.UserName, disabling, "onboarded again", "onboard it again").AtRow(request);

    /// <summary>
    /// The user's hand-off mark when it is one this run may repair (a dead run's, or this call's own); null when there is
    /// none or it is a live run's that this request does not touch. Throws when the request would touch a live run's credentials.
    /// </summary>
    private HandOffMark? MarkToRepair(UserOnboardingRequest request, IamUser user, bool markIsThisCalls, List<string> notes)
    {
        var mark = HandOffMark.Find(user.Tags);
        if (mark is null || (markIsThisCalls && mark.IsOf(_run)) || !(mark.IsOf(_run) || mark.IsLive(DateTime.UtcNow)))
        {
            return mark;
        }

        if (UserOnboarder.NeedsHandOffMark(request))
        {
            throw HandOffConflict.Exception(request, mark);
        }

        notes.Add($"{mark.DescribeRun()} is still handing out credentials of this user; they were left alone");
        return null;
    }

    private async Task<CredentialPlan> PlanCredentialsAsync(UserOnboardingRequest request, IamUser user, HandOffMark? mark, List<string> notes, CancellationToken ct)
    {
        var iam = _session.Iam;
        var userName = user.UserName;
        var plan = new CredentialPlan();

        // A mark left by a run that never handed its secrets out: the password it set and the keys it made reached
        // nobody, so they are replaced when this request asks for that kind of access.
        var profile = request.ConsoleAccess || mark?.Password == true
            ? await LoginProfiles.FindAsync(iam, userName, ct).ConfigureAwait(false)
            : null;
        var keys = request.ProgrammaticAccess || mark?.AccessKey == true
            ? await iam.ListAccessKeysAsync(userName, ct).ConfigureAwait(false)
            : Array.Empty<IamAccessKeyMetadata>();
        plan.KeysSeen = request.ProgrammaticAccess || mark?.AccessKey == true ? keys.Select(k => k.AccessKeyId).ToList() : null;
        var unclaimedKeys = mark?.UnclaimedKeys(keys) ?? Array.Empty<IamAccessKeyMetadata>();
        var unclaimedPassword = mark?.Password == true && profile is not null;
        var newPassword = request.ConsoleAccess && (profile is null || unclaimedPassword);
        var keysKept = keys.Where(k => !unclaimedKeys.Contains(k)).ToList();
        // AdditionalAccessKey is met once: a re-run of the row finds the key an earlier run added (AddedKeyRecord).
        var addedEarlier = request.ProgrammaticAccess && request.AdditionalAccessKey && AddedKeyRecord.Find(user.Tags) is { } record
            && record.AddedKey(keysKept.Select(k => k.AccessKeyId).ToList()) is { } added
            ? (Record: record, Key: added)
            : ((AddedKeyRecord Record, string Key)?)null;
        var newKey = request.ProgrammaticAccess && (unclaimedKeys.Count > 0 || keys.Count == 0 || (request.AdditionalAccessKey && addedEarlier is null));
        if (newKey && keysKept.Count >= IamLimits.AccessKeysPerUser)
        {
            // IAM's CreateAccessKey would refuse it ("Cannot exceed quota for AccessKeysPerUser"), naming no user; said
            // here, before any change and in the -WhatIf plan, with the keys and how to make room.
            throw new OnboardInputException("AccessKeyQuotaExceeded", "AdditionalAccessKey", userName,
                $"AdditionalAccessKey: IAM user '{userName}' has {keysKept.Count} access keys ({string.Join(", ", keysKept.Select(k => $"{k.AccessKeyId} ({k.Status.ToString().ToLowerInvariant()})"))}), "
                + $"as many as IAM allows a user, so no key can be added; nothing was changed. Delete the one no longer used "
                + $"(aws iam delete-access-key --user-name {userName} --access-key-id <id>) and run the row again.").AtRow(request);
        }

        var passwordLeft = unclaimedPassword && !request.ConsoleAccess;
        var keysLeft = unclaimedKeys.Count > 0 && !request.ProgrammaticAccess;
        if (passwordLeft)
        {
            notes.Add("the console password an earlier run set was never handed out; run with -ConsoleAccess to set a new one");
        }

        if (keysLeft)
        {
            notes.Add($"the secret of access key {string.Join(", ", unclaimedKeys.Select(k => k.AccessKeyId))} was never handed out by the run that made it; run with -ProgrammaticAccess to replace it");
        }

        if (newPassword || newKey)
        {
            var wanted = new HandOffMark(_run.Id, DateTime.UtcNow, newPassword || passwordLeft, newKey || keysLeft,
                keys.Where(k => !unclaimedKeys.Contains(k)).Select(k => k.AccessKeyId));
            plan.Mark = mark is null || !mark.Covers(wanted) ? wanted : null;
            plan.ClearsMark = !passwordLeft && !keysLeft;
        }
        else
        {
            // Nothing it speaks of is left (e.g. the run was stopped before it made anything): remove it.
            plan.ClearsMark = mark is not null && !passwordLeft && !keysLeft;
        }

        if (request.ConsoleAccess)
        {
            plan.ConsoleAccessKept = !newPassword;
            plan.Password = !newPassword ? null : profile is null ? new CreateLoginProfileStep(request) : new ReplacePasswordStep(request);
            if (!newPassword)
            {
                notes.Add("console access already enabled; the password was not reset");
            }
        }

        if (request.ProgrammaticAccess && newKey)
        {
            if (request.AdditionalAccessKey)
            {
                plan.AddedKeyRecord = new AddedKeyRecord(keysKept.Select(k => k.AccessKeyId), DateTime.UtcNow);
            }

            plan.KeySteps.AddRange(unclaimedKeys.Select(k => new DeleteUnclaimedKeyStep(k.AccessKeyId)));
            plan.KeySteps.Add(new CreateAccessKeyStep(keys.Where(k => !unclaimedKeys.Contains(k)).Select(k => k.AccessKeyId), undoable: false));
        }
        else if (addedEarlier is { } met)
        {
            notes.Add(met.Record.MetNote(userName, met.Key));
        }
        else if (request.ProgrammaticAccess && keys.All(k => k.Status == IamAccessKeyStatus.Inactive))
        {
            // No key of it signs (a user disabled with Remove-OnboardUser -Disable, then re-enabled, keeps its keys so), so the
            // request is not met: said, with the way to meet it. Never by reactivating a key, whose secret may have left with
            // whoever held it; nor by a new key beside it unasked, as an admin may have deactivated it to revoke it.
            var inactive = string.Join(", ", keys.Select(k => k.AccessKeyId));
            var delete = string.Join("; ", keys.Select(k => $"aws iam delete-access-key --user-name {userName} --access-key-id {k.AccessKeyId}"));
            var beside = keys.Count < IamLimits.AccessKeysPerUser ? ", or add one beside it with -AdditionalAccessKey" : string.Empty;
            var left = $"has no active access key: {(keys.Count == 1 ? "access key" : "access keys")} {inactive} {(keys.Count == 1 ? "is" : "are")} inactive "
                + "(Remove-OnboardUser -Disable deactivates keys, and a key is never reactivated here: its secret may have left with whoever held it); "
                + $"no new key created. To give it a new key, delete the inactive {(keys.Count == 1 ? "one" : "ones")} ({delete}) and run this again{beside}";
            notes.Add(left);
            OnboardLog.Current.Warning($"{request.Where}IAM user '{userName}': {left}.");
        }
        else if (request.ProgrammaticAccess)
        {
            // A second key is a second secret to guard; never made without being asked.
            notes.Add($"already has access key {string.Join(", ", keys.Select(k => k.AccessKeyId))}; no new key created (use -AdditionalAccessKey to add one)");
        }

        return plan;
    }

    private static void AddOnce(List<string> arns, string arn)
    {
        if (!arns.Contains(arn, StringComparer.Ordinal))
        {
            arns.Add(arn);
        }
    }

    /// <summary>What the credential part of an existing user's plan is.</summary>
    private sealed class CredentialPlan
    {
        public HandOffMark? Mark { get; set; }

        /// <summary>Written with the mark when a key is made for AdditionalAccessKey.</summary>
        public AddedKeyRecord? AddedKeyRecord { get; set; }

        /// <summary>The user's access keys when the plan read them (null: not read).</summary>
        public List<string>? KeysSeen { get; set; }

        public bool ClearsMark { get; set; }

        public bool ConsoleAccessKept { get; set; }

        public OnboardingStep? Password { get; set; }

        public List<OnboardingStep> KeySteps { get; } = new();
    }
}

/// <summary>A request's facts that need reads: its policies as ARNs (deduplicated), its boundary as an ARN and the account password policy.</summary>
internal sealed class PreparedRequest
{
    public PreparedRequest(UserOnboardingRequest request) => Request = request;

    /// <summary>The request to plan with: the one given, or a copy with its permissions boundary's name resolved to the ARN.</summary>
    public UserOnboardingRequest Request { get; set; }

    public List<string> PolicyArns { get; } = new();

    public PasswordPolicy? PasswordPolicy { get; set; }
}
