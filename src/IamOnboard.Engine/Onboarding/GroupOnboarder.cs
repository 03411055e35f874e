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
        if (IamNameRules.CheckGroupName(groupName) is { } badName)
        {
            throw new OnboardInputException("InvalidGroupName", "GroupName", groupName, badName.Message);
        }

        if (path is not null && IamNameRules.CheckPath(path) is { } badPath)
        {
            throw new OnboardInputException("InvalidPath", "Path", path, badPath.Message);
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
        string? mfaPolicyAction = null;
        if (requireMfa)
        {
            var (mfaArn, created, updated) = await RequireMfaPolicy.EnsureAsync(_session, apply, ct).ConfigureAwait(false);
            arns.Add(mfaArn);
            mfaPolicyAction = created ? $"create policy {RequireMfaPolicy.PolicyName}"
                : updated ? $"update policy {RequireMfaPolicy.PolicyName} to the current document (new default version)"
                : null;
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
        GroupOnboardingResult result;
        IReadOnlyList<IamAttachedPolicy> attached;
        try
        {
            (result, attached) = await ReadExistingAsync(groupName, ct).ConfigureAwait(false);
        }
        catch (IamNoSuchEntityException)
        {
            var planned = new IamGroup(groupName, string.Empty, $"arn:{_session.Partition}:iam::{_session.AccountId}:group{path ?? "/"}{groupName}", path ?? "/", DateTime.UtcNow);
            try
            {
                var group = apply ? await iam.CreateGroupAsync(groupName, path, ct).ConfigureAwait(false) : planned;
                _facts.RememberGroup(group.GroupName);
                result = new GroupOnboardingResult(group, OnboardingOutcome.Created);
                result.Actions.Add($"create group {groupName} (path {path ?? "/"})");
                attached = Array.Empty<IamAttachedPolicy>();
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
        foreach (var arn in arns.Where(a => !attached.Any(p => p.PolicyArn == a)))
        {
            if (apply)
            {
                await iam.AttachGroupPolicyAsync(groupName, arn, ct).ConfigureAwait(false);
            }

            result.PolicyArns.Add(arn);
            result.Actions.Add($"attach {arn}");
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
            if (IamNameRules.CheckGroupName(groupName) is { } badGroup)
            {
                throw new OnboardInputException("InvalidGroupName", "GroupName", groupName, badGroup.Message);
            }

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
    /// Adds a user to a group; true when it was added, false when it was already a member. AddUserToGroup is
    /// idempotent in IAM, so the membership is read unless the caller knows it (a user piped from New-OnboardUser).
    /// </summary>
    public async Task<bool> AddMemberAsync(string groupName, string userName, IReadOnlyCollection<string>? knownGroups, bool apply, CancellationToken ct)
    {
        if (IamNameRules.CheckGroupName(groupName) is { } badGroup)
        {
            throw new OnboardInputException("InvalidGroupName", "GroupName", groupName, badGroup.Message);
        }

        if (IamNameRules.CheckUserName(userName) is { } badUser)
        {
            throw new OnboardInputException("InvalidUserName", "UserName", userName, badUser.Message);
        }

        try
        {
            // Without the user's groups at hand (a user name, not a user from New-OnboardUser), ask IAM: AddUserToGroup
            // succeeds either way, so only this read tells Added from AlreadyMember.
            if (knownGroups is null)
            {
                var groups = await _session.Iam.ListGroupsForUserAsync(userName, ct).ConfigureAwait(false);
                knownGroups = groups.Select(g => g.GroupName).ToList();
            }

            if (knownGroups is not null && knownGroups.Contains(groupName, StringComparer.OrdinalIgnoreCase))
            {
                return false;
            }

            if (apply)
            {
                await _session.Iam.AddUserToGroupAsync(groupName, userName, ct).ConfigureAwait(false);
            }

            return true;
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
