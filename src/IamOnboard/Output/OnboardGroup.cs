using System;
using IamOnboard.Onboarding;

namespace IamOnboard.Commands;

/// <summary>A group created or completed by New-OnboardGroup.</summary>
public sealed class OnboardGroup
{
    internal OnboardGroup(GroupOnboardingResult result)
    {
        GroupName = result.Group.GroupName;
        GroupId = result.Group.GroupId;
        Arn = result.Group.Arn;
        Path = result.Group.Path;
        CreateDate = result.Group.CreateDate;
        Policies = result.PolicyArns.ToArray();
        Status = result.Outcome.ToString();
        Actions = result.Actions.ToArray();
    }

    public string GroupName { get; }

    public string GroupId { get; }

    public string Arn { get; }

    public string Path { get; }

    public DateTime? CreateDate { get; }

    /// <summary>ARNs of the managed policies attached to the group.</summary>
    public string[] Policies { get; }

    /// <summary>Created, Completed, Unchanged or Planned.</summary>
    public string Status { get; }

    public string[] Actions { get; }

    public override string ToString() => GroupName;
}

/// <summary>A user's membership of a group, from Add-OnboardGroupMember when given a user name.</summary>
public sealed class OnboardGroupMembership
{
    internal OnboardGroupMembership(string groupName, string userName, string status)
    {
        GroupName = groupName;
        UserName = userName;
        Status = status;
    }

    public string GroupName { get; }

    public string UserName { get; }

    /// <summary>Added, AlreadyMember or Planned.</summary>
    public string Status { get; }

    public override string ToString() => $"{UserName} in {GroupName}";
}

/// <summary>An inline policy put on a user or group by Add-OnboardInlinePolicy.</summary>
public sealed class OnboardInlinePolicy
{
    internal OnboardInlinePolicy(InlinePolicyResult result)
    {
        OwnerType = result.OwnerKind.ToString();
        OwnerName = result.OwnerName;
        PolicyName = result.PolicyName;
        Document = result.Document;
        Status = result.Status;
        AggregateSize = result.AggregateSize;
        AggregateLimit = result.AggregateLimit;
    }

    /// <summary>User or Group.</summary>
    public string OwnerType { get; }

    public string OwnerName { get; }

    public string PolicyName { get; }

    public string Document { get; }

    /// <summary>Created, Updated, Unchanged or Planned.</summary>
    public string Status { get; }

    /// <summary>The owner's inline policies together, in characters that are not white space.</summary>
    public int AggregateSize { get; }

    public int AggregateLimit { get; }

    public override string ToString() => $"{OwnerType} {OwnerName}: {PolicyName}";
}
