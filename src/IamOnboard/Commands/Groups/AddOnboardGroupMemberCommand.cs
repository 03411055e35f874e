using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using IamOnboard.Commands.Infrastructure;
using IamOnboard.Commands.Transformations;
using IamOnboard.Input;
using IamOnboard.Onboarding;

namespace IamOnboard.Commands;

/// <summary>
/// Add-OnboardGroupMember: adds users to groups. Idempotent. A user object from New-OnboardUser, or any object carrying
/// a user's new credentials (an MFA device from Enable-OnboardVirtualMfa), is passed on, so the pipeline continues; a user
/// name gives a membership object.
/// </summary>
[Cmdlet(VerbsCommon.Add, "OnboardGroupMember", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ParameterSets.ByName)]
[OutputType(typeof(OnboardUser), ParameterSetName = new[] { ParameterSets.ByUser, ParameterSets.ByUserWithSession })]
[OutputType(typeof(OnboardGroupMembership), typeof(OnboardMfaDevice), ParameterSetName = new[] { ParameterSets.ByName, ParameterSets.ByNameWithSession })]
public sealed class AddOnboardGroupMemberCommand : ByNameOrUserCmdletBase
{
    private static class ParameterSets
    {
        public const string ByName = ByNameSet;
        public const string ByUser = ByUserSet;
        public const string ByNameWithSession = ByNameSet + WithSession;
        public const string ByUserWithSession = ByUserSet + WithSession;
    }

    /// <summary>
    /// The groups; binds from a group object's GroupName, so New-OnboardGroup output can be piped in with -UserName, and
    /// from a starters row's Group column, as New-OnboardUser does (several groups separated by ';'). Not Groups: a user
    /// from New-OnboardUser has that property, the groups it is in already.
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Group")]
    [TextOnly(NameProperty = "GroupName")]
    [ArgumentCompleter(typeof(GroupNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[] GroupName { get; set; } = System.Array.Empty<string>();

    [Parameter(Mandatory = true, Position = 1, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ParameterSets.ByName)]
    [Parameter(Mandatory = true, Position = 1, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ParameterSets.ByNameWithSession)]
    [Alias("User name")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(UserNameCompleter))]
    // Text only: an OnboardUser piped in binds -InputObject, and other objects bind by their UserName property.
    [TextOnly(LeavesUserObjects = true)]
    [SingleName("UserName", "For several users, pipe them: {0} | Add-OnboardGroupMember -GroupName <group>.")]
    public string UserName { get; set; } = string.Empty;

    /// <summary>A user read by another tool in another account is refused by its Arn (<see cref="OnboardCmdletBase"/>).</summary>
    private protected override bool ChecksUsersFromOtherTools => true;

    /// <summary>A user from New-OnboardUser; it is written back to the pipeline with its groups updated.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ParameterSets.ByUser)]
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ParameterSets.ByUserWithSession)]
    public OnboardUser? InputObject { get; set; }

    /// <summary>The pipeline item itself, for what a row brings that binding passes over (<see cref="PipelineRowColumns"/>).</summary>
    [Parameter(ValueFromPipeline = true, DontShow = true)]
    [RowOnly]
    public PipelineItem? PipelineRow { get; set; }

    /// <summary>How many users to add at once; output streams as each finishes.</summary>
    [Parameter]
    [ValidateRange(1, 32)]
    public int ThrottleLimit { get; set; } = 4;

    protected override int ConcurrentItems => ThrottleLimit;

    private bool _groupsOnCommandLine;

    protected override void BeginProcessing()
    {
        base.BeginProcessing();

        // Every command of a pipeline begins before the first record moves: groups named here are checked before
        // New-OnboardUser upstream makes anyone, not found missing once per user after. Groups bound from the pipeline
        // (New-OnboardGroup G | Add-OnboardGroupMember -UserName u) are not known yet, and may be made upstream.
        _groupsOnCommandLine = MyInvocation.BoundParameters.ContainsKey(nameof(GroupName));
        if (_groupsOnCommandLine)
        {
            // As in a row's Groups: a group named twice is often a typo for another one, said before anyone is made.
            var twice = GroupName.Select(g => g.Trim()).GroupBy(g => g, System.StringComparer.OrdinalIgnoreCase).FirstOrDefault(same => same.Count() > 1);
            if (twice is not null)
            {
                var spellings = twice.Distinct(System.StringComparer.Ordinal).ToList();
                ThrowTerminatingError(OnboardErrors.Create("GroupNamedTwice", ErrorCategory.InvalidArgument, twice.Key, spellings.Count == 1
                    ? $"GroupName: '{twice.Key}' is named twice; give each group once."
                    : $"GroupName: {string.Join(" and ", spellings.Select(g => $"'{g}'"))} name the same group (IAM names ignore case); give each group once."));
            }

            var groups = GroupName.Select(g => g.Trim()).ToList();
            var onboarder = new GroupOnboarder(OnboardSession);
            RunToCompletion(async ct =>
            {
                await onboarder.CheckGroupsExistAsync(groups, ct).ConfigureAwait(false);
                return true;
            }, groups.Count == 1 ? groups[0] : groups);
        }
    }

    protected override void ProcessItem()
    {
        var user = InputObject;
        var userName = user?.UserName ?? UserName.Trim();
        var carrier = user is null ? CarrierByName : null; // an MFA device from Enable-OnboardVirtualMfa, say: passed on as it came
        var onboarder = new GroupOnboarder(OnboardSession);
        // A row's cell may name several groups, as New-OnboardUser's Group column does; the command line names them one by one.
        var groups = (_groupsOnCommandLine ? GroupName.Select(g => g.Trim()) : GroupName.SelectMany(ListText.Split))
            .Distinct(System.StringComparer.OrdinalIgnoreCase).ToList();
        if (groups.Count == 0)
        {
            WriteError(OnboardErrors.Create("GroupNameEmpty", ErrorCategory.InvalidArgument, userName,
                $"{userName}: the input's GroupName ('{string.Join(";", GroupName)}') names no group, so the user was not added to any. Name the groups, separated by ';'."));
            return;
        }

        var apply = ShouldProcess($"IAM user '{userName}'", $"Add to group {string.Join(", ", groups)}");
        var mayBeDisabled = !CameDownThisPipeline(userName);
        StartItem(async ct =>
        {
            if (mayBeDisabled)
            {
                // A group's permissions are access: a leaver disabled with Remove-OnboardUser -Disable gets none.
                var toGroups = groups.Count == 1 ? $"group '{groups[0]}'" : $"groups {string.Join(", ", groups.Select(g => $"'{g}'"))}";
                await DisabledUsers.ThrowIfDisabledAsync(OnboardSession, userName, $"added to {toGroups}", ct).ConfigureAwait(false);
            }

            IReadOnlyCollection<string>? memberOf = user?.Groups;
            foreach (var group in groups)
            {
                (var added, memberOf) = await onboarder.AddMemberAsync(group, userName, memberOf, apply, ct).ConfigureAwait(false);
                var status = !apply ? (added ? "Planned" : "AlreadyMember") : added ? "Added" : "AlreadyMember";
                Dispatcher.WriteVerbose($"{userName}: {status} ({group}).");
                if (user is not null)
                {
                    if (added && apply && !user.Groups.Contains(group, System.StringComparer.OrdinalIgnoreCase))
                    {
                        user.Groups = user.Groups.Concat(new[] { group }).ToArray();
                    }
                }
                else if (carrier is null)
                {
                    Dispatcher.WriteObject(new OnboardGroupMembership(group, userName, status));
                }
            }

            if (user is not null)
            {
                WriteOn(user, user);
            }
            else if (carrier is not null && apply)
            {
                WriteOn(carrier, HandOffLedger.KeyIn(carrier));
            }
        }, (object?)user ?? userName, user?.Row);
    }
}
