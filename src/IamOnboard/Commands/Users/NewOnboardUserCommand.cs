using System.Collections;
using System.Linq;
using System.Management.Automation;
using System.Security;
using IamOnboard.Commands.Infrastructure;
using IamOnboard.Commands.Transformations;
using IamOnboard.Onboarding;

namespace IamOnboard.Commands;

/// <summary>New-OnboardUser: creates an IAM user with console and programmatic access, policies and groups; completes an existing one.</summary>
[Cmdlet(VerbsCommon.New, "OnboardUser", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(OnboardUser))]
public sealed class NewOnboardUserCommand : OnboardCmdletBase
{
    private int _received;

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("User name", "Name")]
    [ValidateNotNullOrEmpty]
    public string UserName { get; set; } = string.Empty;

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    [AllowNull]
    public string? Path { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("Tags")]
    [TagTable]
    [AllowNull]
    public IDictionary? Tag { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    [AllowNull]
    public string? PermissionsBoundary { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [FlexibleSwitch]
    public SwitchParameter ConsoleAccess { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public SecureString? Password { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [FlexibleSwitch]
    public SwitchParameter PasswordResetRequired { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [FlexibleSwitch]
    public SwitchParameter ProgrammaticAccess { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [FlexibleSwitch]
    public SwitchParameter AdditionalAccessKey { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("Policies", "PolicyArn")]
    [SemicolonList]
    [ArgumentCompleter(typeof(PolicyCompleter))]
    [AllowEmptyCollection]
    public string[] Policy { get; set; } = System.Array.Empty<string>();

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("Groups", "GroupName")]
    [SemicolonList]
    [ArgumentCompleter(typeof(GroupNameCompleter))]
    [AllowEmptyCollection]
    public string[] Group { get; set; } = System.Array.Empty<string>();

    /// <summary>How many users to work on at once; output streams as each finishes.</summary>
    [Parameter]
    [ValidateRange(1, 32)]
    public int ThrottleLimit { get; set; } = 4;

    protected override int ConcurrentItems => ThrottleLimit;

    protected override void ProcessRecord()
    {
        _received++;
        var request = new UserOnboardingRequest
        {
            UserName = UserName.Trim(),
            Path = string.IsNullOrWhiteSpace(Path) ? null : Path!.Trim(),
            Tags = TagTableAttribute.ToPairs(Tag),
            PermissionsBoundary = string.IsNullOrWhiteSpace(PermissionsBoundary) ? null : PermissionsBoundary!.Trim(),
            ConsoleAccess = ConsoleAccess.IsPresent || Password is not null,
            Password = Password,
            PasswordResetRequired = PasswordResetRequired.IsPresent,
            ProgrammaticAccess = ProgrammaticAccess.IsPresent,
            AdditionalAccessKey = AdditionalAccessKey.IsPresent,
            Policies = Policy.Where(p => !string.IsNullOrWhiteSpace(p)).Select(p => p.Trim()).ToList(),
            Groups = Group.Where(g => !string.IsNullOrWhiteSpace(g)).Select(g => g.Trim()).ToList(),
            Row = PipelineRow.Current(this, _received),
        };
        var target = request.UserName;

        try
        {
            UserOnboarder.ValidateOffline(request);
        }
        catch (OnboardInputException invalid)
        {
            WriteError(OnboardErrors.FromException(invalid, target));
            return;
        }

        var onboarder = new UserOnboarder(OnboardSession);
        if (IsWhatIf())
        {
            StartItem(async ct =>
            {
                var plan = await onboarder.PlanAsync(request, ct).ConfigureAwait(false);
                Dispatcher.Post(cmdlet =>
                {
                    foreach (var note in plan.Notes)
                    {
                        cmdlet.WriteVerbose($"{request.Where}{note}");
                    }

                    var actions = plan.Actions.Count == 0 ? "nothing to change" : string.Join("; ", plan.Actions);
                    cmdlet.ShouldProcess($"IAM user '{request.UserName}'", $"{request.Where}{actions}");
                });
            }, target);
            return;
        }

        if (!ShouldProcess($"IAM user '{request.UserName}'", "Create or complete IAM user"))
        {
            return;
        }

        StartItem(async ct =>
        {
            var result = await onboarder.OnboardAsync(request, ct).ConfigureAwait(false);
            foreach (var note in result.Notes)
            {
                Dispatcher.WriteVerbose($"{request.Where}{request.UserName}: {note}");
            }

            Dispatcher.WriteObject(new OnboardUser(result));
        }, target);
    }

    private bool IsWhatIf() =>
        MyInvocation.BoundParameters.TryGetValue("WhatIf", out var whatIf)
            ? whatIf is SwitchParameter { IsPresent: true }
            : GetVariableValue("WhatIfPreference") is bool preference ? preference : GetVariableValue("WhatIfPreference") is SwitchParameter { IsPresent: true };
}
