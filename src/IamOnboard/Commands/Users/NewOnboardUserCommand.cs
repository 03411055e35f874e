using System.Management.Automation;
using System.Security;
using System.Threading.Tasks;
using System;
using IamOnboard.Commands.Infrastructure;
using IamOnboard.Commands.Transformations;
using IamOnboard.Onboarding;
using IamOnboard.Sessions;

namespace IamOnboard.Commands;

/// <summary>New-OnboardUser: creates an IAM user with console and programmatic access, policies and groups; completes an existing one.</summary>
[Cmdlet(VerbsCommon.New, "OnboardUser", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ParameterSets.ByName)]
[OutputType(typeof(OnboardUser))]
public sealed class NewOnboardUserCommand : OnboardCmdletBase
{
    private readonly UserRequestBinding _binding = new();
    private UserOnboarder? _onboarder;

    /// <summary>This command's run: named in every hand-off mark it sets, live while what it made is not yet handed out.</summary>
    private readonly OnboardingRun _run = OnboardingRuns.Begin();
    private InRowOrder? _planOrder;
    private readonly BatchProgress _progress = new("Onboarding IAM users");

    /// <summary>A batch's progress: $ProgressPreference = 'Inquire' where nobody can answer is refused before any row.</summary>
    private protected override bool WritesProgress => true;

    private static class ParameterSets
    {
        public const string ByName = "ByName";
        public const string Pipeline = "Pipeline";
        public const string ByNameWithSession = ByName + WithSession;
        public const string PipelineWithSession = Pipeline + WithSession;
    }

    /// <summary>The user to create or complete; in a pipeline, each item names one (see InputObject).</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ParameterSets.ByName)]
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ParameterSets.ByNameWithSession)]
    [Alias("User name", "Name")]
    [ValidateNotNullOrEmpty]
    [SingleName("UserName", "For several users, pipe them ({0} | New-OnboardUser) or a CSV (Import-Csv users.csv | New-OnboardUser).")]
    public string UserName { get; set; } = string.Empty;

    /// <summary>
    /// A pipeline item: a request from Import-OnboardCsv, a row from Import-Csv, a hashtable, an object with a
    /// UserName (Get-IAMUser output) or a user name. Mapped to a request in one place (UserRequestBinding).
    /// </summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ParameterSets.Pipeline, DontShow = true)]
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ParameterSets.PipelineWithSession, DontShow = true)]
    [AllowNull]
    public PSObject? InputObject { get; set; }

    [Parameter]
    [AllowEmptyString]
    [AllowNull]
    public string? Path { get; set; }

    /// <summary>key=value;key2=value2 text (or the AWS CLI's Key=k,Value=v), a hashtable, or {Key, Value} items as in AWS.Tools.</summary>
    [Parameter]
    [Alias("Tags")]
    [AllowNull]
    public object? Tag { get; set; }

    [Parameter]
    [AllowEmptyString]
    [AllowNull]
    [ArgumentCompleter(typeof(PolicyArnCompleter))]
    public string? PermissionsBoundary { get; set; }

    [Parameter]
    public SwitchParameter ConsoleAccess { get; set; }

    /// <summary>A SecureString, or text as AWS.Tools' New-IAMLoginProfile takes it (made a SecureString at once).</summary>
    [Parameter]
    [SecureStringFromText]
    public SecureString? Password { get; set; }

    [Parameter]
    public SwitchParameter PasswordResetRequired { get; set; }

    [Parameter]
    public SwitchParameter ProgrammaticAccess { get; set; }

    [Parameter]
    public SwitchParameter AdditionalAccessKey { get; set; }

    /// <summary>Attach the account's IamOnboard-RequireMfa policy (made once): nothing but setting up MFA and a password until signed in with MFA.</summary>
    [Parameter]
    public SwitchParameter RequireMfa { get; set; }

    [Parameter]
    [Alias("Policies", "PolicyArn")]
    [TextOnly(NameProperty = "PolicyArn")]
    [ArgumentCompleter(typeof(PolicyCompleter))]
    [AllowEmptyCollection]
    public string[] Policy { get; set; } = System.Array.Empty<string>();

    [Parameter]
    [Alias("Groups", "GroupName")]
    [TextOnly(NameProperty = "GroupName")]
    [ArgumentCompleter(typeof(GroupNameCompleter))]
    [AllowEmptyCollection]
    public string[] Group { get; set; } = System.Array.Empty<string>();

    /// <summary>How many rows the batch has, when rows come from Import-OnboardCsv (for progress).</summary>
    private int? BatchSize => _binding.BatchSize;

    /// <summary>
    /// Import-OnboardCsv names each file it read, even one whose every row it refused (no row of it arrives here to
    /// say so), so that the batch's progress and summary count every row of the files.
    /// </summary>
    internal void NoteBatchFile(string path, int rows, int refused) => _binding.NoteFile(path, rows, refused);

    /// <summary>How many users to work on at once; output streams as each finishes.</summary>
    [Parameter]
    [ValidateRange(1, 32)]
    public int ThrottleLimit { get; set; } = 4;

    // The connection parameters in this cmdlet's sets (the rules: OnboardCmdletBase): -Session, mandatory, in the
    // WithSession twins; the credentials of one call in the others. Every attribute is repeated: PowerShell reads an
    // overriding property's own attributes only.
    [Parameter(Mandatory = true, ParameterSetName = ParameterSets.ByNameWithSession)]
    [Parameter(Mandatory = true, ParameterSetName = ParameterSets.PipelineWithSession)]
    [Transformations.LiveSession]
    public override OnboardSession? Session { get; set; }

    [Parameter(ParameterSetName = ParameterSets.ByName)]
    [Parameter(ParameterSetName = ParameterSets.Pipeline)]
    [ArgumentCompleter(typeof(ProfileNameCompleter))]
    [ValidateNotNullOrEmpty]
    [Alias("StoredCredentials", "AWSProfileName")]
    public override string? ProfileName { get; set; }

    [Parameter(ParameterSetName = ParameterSets.ByName)]
    [Parameter(ParameterSetName = ParameterSets.Pipeline)]
    [ValidateNotNullOrEmpty]
    [Alias("ProfilesLocation", "AWSProfilesLocation")]
    public override string? ProfileLocation { get; set; }

    [Parameter(ParameterSetName = ParameterSets.ByName)]
    [Parameter(ParameterSetName = ParameterSets.Pipeline)]
    [ValidateNotNullOrEmpty]
    [Alias("AK")]
    public override string? AccessKey { get; set; }

    [Parameter(ParameterSetName = ParameterSets.ByName)]
    [Parameter(ParameterSetName = ParameterSets.Pipeline)]
    [SecureStringFromText]
    [Alias("SK", "SecretAccessKey")]
    public override SecureString? SecretKey { get; set; }

    [Parameter(ParameterSetName = ParameterSets.ByName)]
    [Parameter(ParameterSetName = ParameterSets.Pipeline)]
    [SecureStringFromText]
    [Alias("ST")]
    public override SecureString? SessionToken { get; set; }

    [Parameter(ParameterSetName = ParameterSets.ByName)]
    [Parameter(ParameterSetName = ParameterSets.Pipeline)]
    [ValidatePattern("^[0-9]{6}$")]
    public override string? TokenCode { get; set; }

    [Parameter(ParameterSetName = ParameterSets.ByName)]
    [Parameter(ParameterSetName = ParameterSets.Pipeline)]
    [AwsCredentialArgument]
    [ValidateNotNull]
    public override object? Credential { get; set; }

    protected override int ConcurrentItems => ThrottleLimit;

    protected override void ProcessItem()
    {
        // A plan's rows are read at once; what each writes, its error too, comes out in row order (a run's rows stream as
        // each finishes, their errors with them).
        var planOrder = IsWhatIf() ? _planOrder ??= new InRowOrder(Dispatcher) : null;
        var ticket = planOrder?.Take() ?? 0;
        // Under -ErrorAction Stop, a row's error stops the batch once the rows under way have settled (WriteErrorNow).
        Action<ErrorRecord> writeError = planOrder is null ? Dispatcher.WriteErrorNow : record => planOrder.Settle(ticket, _ => Dispatcher.WriteErrorNow(record));
        if (!_binding.TryBind(this, InputObject, _progress, writeError, out var request))
        {
            return;
        }

        var target = request.UserName;
        _progress.RowStarted(request.Row, BatchSize);

        try
        {
            UserOnboarder.ValidateOffline(request);
        }
        catch (OnboardInputException invalid)
        {
            _progress.RowFailed(target);
            writeError(OnboardErrors.FromException(invalid, target));
            return;
        }

        var onboarder = _onboarder ??= new UserOnboarder(OnboardSession, _run);
        if (planOrder is not null)
        {
            _progress.RowUnderWay(target);
            StartItem(async ct =>
            {
                UserOnboardingResult plan;
                try
                {
                    plan = await TrackAsync(request.UserName, () => onboarder.PlanAsync(request, ct), ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    // Stopping: nothing of this row is written (the dispatcher writes no error for it either).
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
            }, target, request.Row, writeError);
            return;
        }

        if (!ShouldProcess($"IAM user '{request.UserName}'", "Create or complete IAM user"))
        {
            _progress.RowDeclined();
            return;
        }

        _progress.RowUnderWay(target);
        StartItem(async ct =>
        {
            var result = await TrackAsync(request.UserName, () => onboarder.OnboardAsync(request, ct), ct).ConfigureAwait(false);
            foreach (var note in result.Notes)
            {
                Dispatcher.WriteVerbose($"{request.Where}{request.UserName}: {note}");
            }

            var output = new OnboardUser(result);
            if (result.ClearsHandOffMark)
            {
                // The run stays live (another run leaves these credentials alone) until they are handed out or abandoned.
                _run.AddHold();
                HandOffs.Register(output, this, t => onboarder.ClearHandOffMarkAsync(result, t), new RunHold(_run), result.HandOffMarkRun);
            }

            WriteOn(output, output);
        }, target, request.Row);
    }

    protected override void EndProcessing()
    {
        try
        {
            base.EndProcessing();
        }
        finally
        {
            // A single call shows progress too, and a host leaves a bar that was never completed on screen.
            CompleteProgress();
        }

        if (!MyInvocation.ExpectingInput)
        {
            return;
        }

        var summary = _progress.Summary(IsWhatIf(), _binding.RefusedBeforeThis);
        WriteInformation(new InformationRecord(summary, MyInvocation.MyCommand.Name) { Tags = { "IamOnboard.Summary" } });
        WriteVerbose(summary.ToString());
    }

    /// <summary>
    /// A batch stopped before its end (an error under -ErrorAction Stop, Select-Object -First) writes its summary all the
    /// same, with why it stopped, and says it in a warning too: a runbook's log shows warnings without being asked, and
    /// must say what was made before the stop and which rows to run again.
    /// </summary>
    private protected override void OnStoppedEarly(string why)
    {
        CompleteProgress();
        if (!MyInvocation.ExpectingInput)
        {
            return;
        }

        var summary = _progress.Summary(IsWhatIf(), _binding.RefusedBeforeThis, why);
        WriteInformation(new InformationRecord(summary, MyInvocation.MyCommand.Name) { Tags = { "IamOnboard.Summary" } });
        if (StopsOnWarning)
        {
            // Written, the warning would end the command in place of what stopped it: the information record says it all.
            WriteVerbose(summary.DescribeStop(MyInvocation.MyCommand.Name));
            return;
        }

        WriteWarning(summary.DescribeStop(MyInvocation.MyCommand.Name));
    }

    /// <summary>
    /// After Ctrl+C the batch's account goes to the host (no summary record can be written then), naming every user: it is
    /// the only record of what the stop left.
    /// </summary>
    private protected override string? DescribeStoppedByUser() =>
        MyInvocation.ExpectingInput
            ? _progress.Summary(IsWhatIf(), _binding.RefusedBeforeThis, StopCause + " stopped it").DescribeStop(MyInvocation.MyCommand.Name, int.MaxValue)
            : null;

    /// <summary>
    /// Counts the row's outcome and reports progress; a failure is counted and passed on: as the row's own failure, or as
    /// cut short when the batch was stopping (<paramref name="stopping"/> cancelled) by then.
    /// </summary>
    private async Task<UserOnboardingResult> TrackAsync(string userName, Func<Task<UserOnboardingResult>> row, System.Threading.CancellationToken stopping)
    {
        UserOnboardingResult result;
        try
        {
            result = await row().ConfigureAwait(false);
        }
        catch
        {
            if (stopping.IsCancellationRequested)
            {
                _progress.RowCutShort(userName);
            }
            else
            {
                _progress.RowFailed(userName, underWay: true);
            }

            ReportProgress();
            throw;
        }

        _progress.RowEnded(result.PlannedOutcome ?? result.Outcome, userName);
        ReportProgress();
        return result;
    }

    private void CompleteProgress()
    {
        if (_progress.Finished() is not { } done)
        {
            return;
        }

        try
        {
            WriteProgress(done);
        }
        catch (PipelineStoppedException)
        {
            // Stopped while ending: nothing more can be written.
        }
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

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            // The command's own hold; holds for credentials still travelling down the pipeline keep the run live.
            _run.End();
        }
    }

    /// <summary>Releases one hold on the run when its credentials are handed out or abandoned.</summary>
    private sealed class RunHold : IDisposable
    {
        private OnboardingRun? _run;

        public RunHold(OnboardingRun run) => _run = run;

        public void Dispose() => System.Threading.Interlocked.Exchange(ref _run, null)?.ReleaseHold();
    }
}
