using System;
using System.Collections;
using System.Linq;
using System.Management.Automation;
using System.Security;
using System.Threading.Tasks;
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
    private UserOnboarder? _onboarder;
    private InRowOrder? _planOrder;
    private readonly BatchProgress _progress = new("Onboarding IAM users");

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
    [ArgumentCompleter(typeof(PolicyArnCompleter))]
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

    /// <summary>The data row number, when rows come from Import-OnboardCsv (used in every message about the row).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true, DontShow = true)]
    public int? Row { get; set; }

    /// <summary>How many rows the batch has, when rows come from Import-OnboardCsv (for progress).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true, DontShow = true)]
    public int? BatchSize { get; set; }

    /// <summary>How many users to work on at once; output streams as each finishes.</summary>
    [Parameter]
    [ValidateRange(1, 32)]
    public int ThrottleLimit { get; set; } = 4;

    protected override int ConcurrentItems => ThrottleLimit;

    protected override void ProcessItem()
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
            // Plain Import-Csv rows are numbered as they arrive (a row that failed parameter binding is not seen
            // here); Import-OnboardCsv numbers them itself, exactly.
            Row = Row ?? (MyInvocation.ExpectingInput ? _received : null),
        };
        var target = request.UserName;
        _progress.RowStarted(request.Row, BatchSize);

        try
        {
            UserOnboarder.ValidateOffline(request);
        }
        catch (OnboardInputException invalid)
        {
            _progress.RowFailed();
            WriteError(OnboardErrors.FromException(invalid, target));
            return;
        }

        var onboarder = _onboarder ??= new UserOnboarder(OnboardSession);
        if (IsWhatIf())
        {
            var planOrder = _planOrder ??= new InRowOrder(Dispatcher);
            var ticket = planOrder.Take();
            StartItem(async ct =>
            {
                UserOnboardingResult plan;
                try
                {
                    plan = await TrackAsync(() => onboarder.PlanAsync(request, ct)).ConfigureAwait(false);
                }
                catch
                {
                    planOrder.Settle(ticket, null);
                    throw;
                }

                planOrder.Settle(ticket, cmdlet =>
                {
                    foreach (var note in plan.Notes)
                    {
                        cmdlet.WriteVerbose($"{request.Where}{note}");
                    }

                    var actions = plan.PlannedOutcome switch
                    {
                        OnboardingOutcome.Created => string.Join("; ", plan.Actions),
                        OnboardingOutcome.Completed => "complete the existing user: " + string.Join("; ", plan.Actions),
                        _ => "already present with everything asked for; nothing to change",
                    };
                    cmdlet.ShouldProcess($"IAM user '{request.UserName}'", $"{request.Where}{actions}");
                });
            }, target);
            return;
        }

        if (!ShouldProcess($"IAM user '{request.UserName}'", "Create or complete IAM user"))
        {
            _progress.RowEnded(OnboardingOutcome.Unchanged);
            return;
        }

        StartItem(async ct =>
        {
            var result = await TrackAsync(() => onboarder.OnboardAsync(request, ct)).ConfigureAwait(false);
            foreach (var note in result.Notes)
            {
                Dispatcher.WriteVerbose($"{request.Where}{request.UserName}: {note}");
            }

            var output = new OnboardUser(result);
            if (result.ClearsHandOffMark)
            {
                HandOffs.Register(output, this, t => onboarder.ClearHandOffMarkAsync(result, t), runHold: null);
            }

            WriteOn(output, output);
        }, target);
    }

    protected override void EndProcessing()
    {
        base.EndProcessing();
        if (!MyInvocation.ExpectingInput)
        {
            return;
        }

        WriteProgress(_progress.Finished());
        var summary = _progress.Summary(IsWhatIf());
        WriteInformation(new InformationRecord(summary, MyInvocation.MyCommand.Name) { Tags = { "IamOnboard.Summary" } });
        WriteVerbose(summary.ToString());
    }

    /// <summary>Counts the row's outcome and reports progress; a failure is counted and passed on.</summary>
    private async Task<UserOnboardingResult> TrackAsync(Func<Task<UserOnboardingResult>> row)
    {
        UserOnboardingResult result;
        try
        {
            result = await row().ConfigureAwait(false);
        }
        catch
        {
            _progress.RowFailed();
            ReportProgress();
            throw;
        }

        _progress.RowEnded(result.PlannedOutcome ?? result.Outcome);
        ReportProgress();
        return result;
    }

    private void ReportProgress()
    {
        if (_progress.DueProgress() is { } record)
        {
            Dispatcher.WriteProgress(record);
        }
    }

    private bool IsWhatIf() =>
        MyInvocation.BoundParameters.TryGetValue("WhatIf", out var whatIf)
            ? whatIf is SwitchParameter { IsPresent: true }
            : GetVariableValue("WhatIfPreference") is bool preference ? preference : GetVariableValue("WhatIfPreference") is SwitchParameter { IsPresent: true };
}
