using System.Collections;
using System.Linq;
using System.Management.Automation;
using IamOnboard.Commands.Infrastructure;
using IamOnboard.Commands.Transformations;
using IamOnboard.Onboarding;

namespace IamOnboard.Commands;

/// <summary>New-OnboardGroup: creates a group with attached managed policies; completes an existing one.</summary>
[Cmdlet(VerbsCommon.New, "OnboardGroup", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = DefaultSet)]
[OutputType(typeof(OnboardGroup))]
public sealed class NewOnboardGroupCommand : OnboardCmdletBase
{
    private GroupOnboarder? _onboarder;

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Name", "Group name")]
    [TextOnly(NameProperty = "GroupName")]
    [ValidateNotNullOrEmpty]
    [SingleName("GroupName", "For several groups, pipe them: {0} | New-OnboardGroup.")]
    public string GroupName { get; set; } = string.Empty;

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    [AllowNull]
    public string? Path { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("Policies", "PolicyArn")]
    [TextOnly(NameProperty = "PolicyArn")]
    [SemicolonList]
    [ArgumentCompleter(typeof(PolicyCompleter))]
    [AllowEmptyCollection]
    public string[] Policy { get; set; } = System.Array.Empty<string>();

    /// <summary>Also attach the account's IamOnboard-RequireMfa policy (created once): nothing but MFA and password set-up without MFA.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public SwitchParameter RequireMfa { get; set; }

    /// <summary>Refused: IAM groups cannot be tagged. Present so the refusal is explained rather than a binding error.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("Tags")]
    [AllowNull]
    public IDictionary? Tag { get; set; }

    /// <summary>The pipeline item itself, for what a row brings that binding passes over (<see cref="PipelineRowColumns"/>).</summary>
    [Parameter(ValueFromPipeline = true, DontShow = true)]
    [RowOnly]
    public PipelineItem? PipelineRow { get; set; }

    protected override void ProcessItem()
    {
        var name = GroupName.Trim();
        var path = string.IsNullOrWhiteSpace(Path) ? null : Path!.Trim();
        var policies = Policy.Where(p => !string.IsNullOrWhiteSpace(p)).Select(p => p.Trim()).ToList();
        if (Tag is { Count: > 0 })
        {
            WriteError(OnboardErrors.Create("GroupTagsNotSupported", ErrorCategory.InvalidArgument, name,
                $"IAM groups cannot be tagged, so the group '{name}' was not created with tags. Tag the users instead (New-OnboardUser -Tag), or leave -Tag out."));
            return;
        }

        try
        {
            GroupOnboarder.ValidateOffline(name, path);
        }
        catch (OnboardInputException invalid)
        {
            WriteError(OnboardErrors.FromException(invalid, name));
            return;
        }

        var requireMfa = RequireMfa.IsPresent;
        var attachments = requireMfa ? policies.Append(RequireMfaPolicy.PolicyName).ToList() : policies;
        var apply = ShouldProcess($"IAM group '{name}'",
            attachments.Count == 0 ? "Create IAM group" : $"Create IAM group and attach {string.Join(", ", attachments)}");
        var onboarder = _onboarder ??= new GroupOnboarder(OnboardSession);
        StartItem(async ct =>
        {
            var result = await onboarder.CreateAsync(name, path, policies, apply, ct, requireMfa).ConfigureAwait(false);
            if (apply)
            {
                Dispatcher.WriteObject(new OnboardGroup(result));
            }
            else
            {
                Dispatcher.WriteVerbose($"Plan for group '{name}': {(result.Actions.Count == 0 ? "nothing to change" : string.Join("; ", result.Actions))}.");
            }
        }, name);
    }
}
