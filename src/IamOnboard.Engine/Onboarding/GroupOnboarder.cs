using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using IamOnboard.Diagnostics;
using IamOnboard.Iam;
using IamOnboard.Iam.Internal;
using IamOnboard.Rules;
using IamOnboard.Sessions;

namespace IamOnboard.Onboarding;

/// <summary>The result of creating (or completing) a group.</summary>
public sealed class GroupOnboardingResult
{
    public GroupOnboardingResult(IamGroup group, OnboardingOutcome outcome)
    {
        Group = group;
        Outcome = outcome;
    }

    public IamGroup Group { get; }

    public OnboardingOutcome Outcome { get; internal set; }

    public List<string> PolicyArns { get; } = new();

    public List<string> Actions { get; } = new();
}

/// <summary>Creates groups with attached policies, and adds users to groups. Both are safe to repeat.</summary>
public sealed class GroupOnboarder
{
    private readonly OnboardSession _session;
    private readonly AccountFacts _facts;

    public GroupOnboarder(OnboardSession session)
    {
        _session = session;
        _facts = new AccountFacts(session);
    }

    public static void ValidateOffline(string groupName, string? path)
    {
        NameInput.CheckGroup(groupName, "GroupName");

        if (path is not null && IamNameRules.CheckPath(path) is { } badPath)
        {
            throw new OnboardInputException("InvalidPath", "Path", path, NameInput.PathHint(path, "Path") ?? badPath.Message);
        }
    }

    /// <summary>
    /// Creates the group, or completes an existing one, and attaches the policies it lacks. With
    /// <paramref name="requireMfa"/>, the account's <see cref="RequireMfaPolicy"/> (created once) is one of them.
    /// </summary>
    public async Task<GroupOnboardingResult> CreateAsync(string groupName, string? path, IReadOnlyList<string> policies, bool apply, CancellationToken ct, bool requireMfa = false)
    {
        ValidateOffline(groupName, path);
        var arns = new List<string>();
        if (requireMfa)
        {
            arns.Add(RequireMfaPolicy.ArnFor(_session));
        }

        foreach (var policy in policies)
        {
            var arn = await _facts.ResolvePolicyArnAsync(policy, "Policy", ct).ConfigureAwait(false);
            if (!arns.Contains(arn, StringComparer.Ordinal))
            {
                arns.Add(arn);
            }
        }

        var iam = _session.Iam;
        GroupOnboardingResult? existing = null;
        IReadOnlyList<IamAttachedPolicy> attached = Array.Empty<IamAttachedPolicy>();
        try
        {
            (existing, attached) = await ReadExistingAsync(groupName, ct).ConfigureAwait(false);
        }
        catch (IamNoSuchEntityException)
        {
        }

        await CheckPolicyQuotaAsync(groupName, attached, arns, ct).ConfigureAwait(false);
        string? mfaPolicyAction = null;
        if (requireMfa)
        {
            var (_, created, updated) = await RequireMfaPolicy.EnsureAsync(_session, apply, ct).ConfigureAwait(false);
            mfaPolicyAction = created ? $"create policy {RequireMfaPolicy.PolicyName}"
                : updated ? $"update policy {RequireMfaPolicy.PolicyName} to the current document (new default version)"
                : null;
        }

        GroupOnboardingResult result;
        if (existing is not null)
        {
            result = existing;
        }
        else
        {
            var planned = new IamGroup(groupName, string.Empty, $"arn:{_session.Partition}:iam::{_session.AccountId}:group{path ?? "/"}{groupName}", path ?? "/", DateTime.UtcNow);
            try
            {
                var group = apply ? await iam.CreateGroupAsync(groupName, path, ct).ConfigureAwait(false) : planned;
                _facts.RememberGroup(group.GroupName);
                result = new GroupOnboardingResult(group, OnboardingOutcome.Created);
                result.Actions.Add($"create group {groupName} (path {path ?? "/"})");
            }
            catch (IamEntityAlreadyExistsException)
            {
                // Another run (a colleague's) created it since the read: complete it as a re-run completes an existing
                // group. Just created, it may not be readable everywhere yet: reads of it wait for IAM to catch up.
                iam.RecentlyCreated.Add(EntityKind.Group, groupName);
                (result, attached) = await ReadExistingAsync(groupName, ct).ConfigureAwait(false);
            }
        }

        if (path is not null && result.Outcome != OnboardingOutcome.Created && !string.Equals(path, result.Group.Path, StringComparison.Ordinal))
        {
            // Said, as for a user: a re-run that asks for another path must not look as if it moved the group.
            OnboardLog.Current.Warning($"IAM group '{result.Group.GroupName}': path is {result.Group.Path}, not {path}; left unchanged "
                + "(a path is part of the group's ARN, which policies may name; change it in IAM if that is meant).");
        }

        if (mfaPolicyAction is not null)
        {
            result.Actions.Add(mfaPolicyAction);
        }

        result.PolicyArns.AddRange(attached.Select(p => p.PolicyArn));
        var toAttach = arns.Where(a => !attached.Any(p => p.PolicyArn == a)).ToList();
        for (int i = 0; i < toAttach.Count; i++)
        {
            if (apply)
            {
                try
                {
                    await iam.AttachGroupPolicyAsync(groupName, toAttach[i], ct).ConfigureAwait(false);
                }
                catch (IamServiceException failure)
                {
                    throw AttachFailed(result, toAttach, i, failure);
                }
            }

            result.PolicyArns.Add(toAttach[i]);
            result.Actions.Add($"attach {toAttach[i]}");
        }

        if (result.Outcome == OnboardingOutcome.Unchanged && result.Actions.Count > 0)
        {
            result.Outcome = OnboardingOutcome.Completed;
        }

        if (!apply)
        {
            result.Outcome = OnboardingOutcome.Planned;
        }

        return result;
    }

    /// <summary>
    /// Refuses, before any change, policies that would take the group past the account's quota of attached managed
    /// policies. The default quota is 10, but accounts may have it raised (up to 20), so more than 10 are only refused
    /// when GetAccountSummary reports a lower quota; where it cannot be read, IAM's own refusal is made clear instead.
    /// </summary>
    private async Task CheckPolicyQuotaAsync(string groupName, IReadOnlyList<IamAttachedPolicy> attached, IReadOnlyList<string> arns, CancellationToken ct)
    {
        var toAttach = arns.Where(a => !attached.Any(p => p.PolicyArn == a)).ToList();
        int total = attached.Count + toAttach.Count;
        if (total <= IamLimits.ManagedPoliciesPerGroup)
        {
            return;
        }

        var quota = await AccountQuotaAsync("AttachedPoliciesPerGroupQuota", $"IAM group '{groupName}'", "managed policies per group", "attaching", ct).ConfigureAwait(false);

        if (quota is { } limit && total > limit)
        {
            string already = attached.Count == 0 ? "none attached yet" : $"{attached.Count} already attached";
            throw new OnboardInputException("PolicyQuotaExceeded", "Policy", string.Join(", ", toAttach),
                $"Policy: the group '{groupName}' would have {total} managed policies ({already}, {toAttach.Count} to attach: {string.Join(", ", toAttach)}), "
                + $"more than the account's quota of {limit} per group; nothing was changed. Attach at most {Math.Max(0, limit - attached.Count)} more, "
                + "or combine permissions in a customer managed policy.");
        }
    }

    /// <summary>An attach IAM refused: names the group, the policy, what this run attached and what it left unattached.</summary>
    private static OnboardingFailedException AttachFailed(GroupOnboardingResult result, IReadOnlyList<string> toAttach, int failedAt, IamServiceException failure)
    {
        string groupName = result.Group.GroupName;
        string made = result.Outcome == OnboardingOutcome.Created ? $"the group '{groupName}' was created" : $"the group '{groupName}' exists";
        string done = failedAt == 0 ? "no policy was attached" : "attached: " + string.Join(", ", toAttach.Take(failedAt));
        string left = "not attached: " + string.Join(", ", toAttach.Skip(failedAt));
        return new OnboardingFailedException(
            $"IAM group '{groupName}': policy {toAttach[failedAt]} was not attached: {failure.Message.TrimEnd('.')}. So far {made}; {done}; {left}. "
            + "Run the same command again once the cause is fixed: it attaches only what is missing.",
            groupName, rolledBack: false, failure);
    }

    private async Task<(GroupOnboardingResult Result, IReadOnlyList<IamAttachedPolicy> Attached)> ReadExistingAsync(string groupName, CancellationToken ct)
    {
        var existing = await _session.Iam.GetGroupAsync(groupName, ct).ConfigureAwait(false);
        var attached = await _session.Iam.ListAttachedGroupPoliciesAsync(groupName, ct).ConfigureAwait(false);
        return (new GroupOnboardingResult(existing.Group, OnboardingOutcome.Unchanged), attached);
    }

    /// <summary>
    /// Checks that each group exists before any user is added to it (one GetGroup each), so that a typo stops a batch
    /// before users are made, not once per user after. Throws <see cref="OnboardInputException"/> (GroupNotFound) naming
    /// every group that does not exist. Where GetGroup is denied the group is not checked, and a warning says so: the
    /// identity may still be allowed AddUserToGroup.
    /// </summary>
    public async Task CheckGroupsExistAsync(IReadOnlyList<string> groupNames, CancellationToken ct)
    {
        var missing = new List<string>();
        foreach (var groupName in groupNames)
        {
            NameInput.CheckGroup(groupName, "GroupName");

            try
            {
                await _session.Iam.GetGroupWithoutMembersAsync(groupName, ct).ConfigureAwait(false);
            }
            catch (IamNoSuchEntityException)
            {
                missing.Add(groupName);
            }
            catch (IamAccessDeniedException denied) when (denied.ErrorCode == IamErrorCodes.AccessDenied)
            {
                OnboardLog.Current.Warning($"GroupName: could not check that the group '{groupName}' exists ({denied.Message.TrimEnd('.')}); "
                    + "if it does not, adding each user to it fails.");
            }
        }

        foreach (var groupName in missing)
        {
            if (await _facts.JoinedGroupsErrorAsync(groupName, "GroupName", ct).ConfigureAwait(false) is { } joined)
            {
                throw new OnboardInputException("GroupNotFound", "GroupName", groupName, joined);
            }
        }

        if (missing.Count == 1)
        {
            throw new OnboardInputException("GroupNotFound", "GroupName", missing[0],
                $"GroupName: the group '{missing[0]}' does not exist. Create it first with New-OnboardGroup.");
        }

        if (missing.Count > 1)
        {
            throw new OnboardInputException("GroupNotFound", "GroupName", string.Join(", ", missing),
                $"GroupName: the groups {string.Join(", ", missing.Select(g => $"'{g}'"))} do not exist. Create them first with New-OnboardGroup.");
        }
    }

    /// <summary>
    /// Refuses, before the add and in the -WhatIf plan, a user already in as many groups as the account allows (10 by
    /// default, read with GetAccountSummary only then); where the quota cannot be read, IAM's own refusal says so.
    /// </summary>
    private async Task CheckGroupQuotaAsync(string groupName, string userName, int memberOf, CancellationToken ct)
    {
        if (memberOf < IamLimits.GroupsPerUser)
        {
            return;
        }

        var quota = await AccountQuotaAsync("GroupsPerUserQuota", $"IAM user '{userName}'", "groups per user", "adding", ct).ConfigureAwait(false);

        if (quota is { } limit && memberOf >= limit)
        {
            throw new OnboardInputException("GroupQuotaExceeded", "GroupName", groupName,
                $"GroupName: IAM user '{userName}' is in {memberOf} groups, the account's quota of {limit} per user, so it was not added to group '{groupName}'; "
                + "nothing was changed. Remove it from a group it no longer needs (Remove-IAMUserFromGroup, aws iam remove-user-from-group) first.");
        }
    }

    /// <summary>
    /// The account's quota <paramref name="quotaKey"/> from GetAccountSummary; null when it cannot be read
    /// (iam:GetAccountSummary denied), said in verbose output, as IAM then checks it itself.
    /// </summary>
    private async Task<int?> AccountQuotaAsync(string quotaKey, string forWhom, string what, string whenChecked, CancellationToken ct)
    {
        try
        {
            return (await _session.Iam.GetAccountSummaryAsync(ct).ConfigureAwait(false))[quotaKey];
        }
        catch (IamServiceException unread)
        {
            OnboardLog.Current.Verbose($"{forWhom}: could not read the account's quota of {what} ({unread.Message.TrimEnd('.')}); IAM checks it when {whenChecked}.");
            return null;
        }
    }

    /// <summary>
    /// Adds a user to a group (or, without <paramref name="apply"/>, checks that it could be): Added is true when it was
    /// (or would be) added, false when it was already a member. AddUserToGroup is idempotent in IAM, so the membership is
    /// read unless the caller knows it (a user piped from New-OnboardUser, or the MemberOf of the add before). MemberOf is
    /// the user's groups after this add, planned or made, for the next group of the same user: a plan counts the groups
    /// it plans, as the run counts those it adds.
    /// </summary>
    public async Task<(bool Added, IReadOnlyCollection<string> MemberOf)> AddMemberAsync(string groupName, string userName, IReadOnlyCollection<string>? knownGroups, bool apply, CancellationToken ct)
    {
        NameInput.CheckGroup(groupName, "GroupName");

        NameInput.CheckUser(userName, "UserName");

        try
        {
            // Without the user's groups at hand (a user name, not a user from New-OnboardUser), ask IAM: AddUserToGroup
            // succeeds either way, so only this read tells Added from AlreadyMember.
            if (knownGroups is null)
            {
                var groups = await _session.Iam.ListGroupsForUserAsync(userName, ct).ConfigureAwait(false);
                knownGroups = groups.Select(g => g.GroupName).ToList();
            }

            if (knownGroups.Contains(groupName, StringComparer.OrdinalIgnoreCase))
            {
                return (false, knownGroups);
            }

            await CheckGroupQuotaAsync(groupName, userName, knownGroups.Count, ct).ConfigureAwait(false);
            if (apply)
            {
                await _session.Iam.AddUserToGroupAsync(groupName, userName, ct).ConfigureAwait(false);
            }

            return (true, knownGroups.Append(groupName).ToList());
        }
        catch (IamServiceException failure)
        {
            // IAM's message names the group or the user, not both ("The group with name X cannot be found."): in a batch
            // every user's error would read the same. The ErrorId stays IAM's code.
            throw new OnboardingFailedException($"IAM user '{userName}' was not added to group '{groupName}': {failure.Message}",
                userName, rolledBack: !failure.MayHaveBeenApplied, failure);
        }
    }
}
