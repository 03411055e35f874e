using System;
using System.Management.Automation;
using IamOnboard.Commands.Infrastructure;
using IamOnboard.Commands.Transformations;
using IamOnboard.Onboarding;

namespace IamOnboard.Commands;

/// <summary>Remove-OnboardUser: offboards users, removing everything IAM requires gone before the user itself (or, with -Disable, everything usable).</summary>
[Cmdlet(VerbsCommon.Remove, "OnboardUser", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = DefaultSet)]
[OutputType(typeof(void))]
public sealed class RemoveOnboardUserCommand : OnboardCmdletBase
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("User name")]
    [TextOnly(NameProperty = "UserName")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(UserNameCompleter))]
    public string[] UserName { get; set; } = Array.Empty<string>();

    /// <summary>The pipeline item itself, for what a row brings that binding passes over (<see cref="PipelineRowColumns"/>).</summary>
    [Parameter(ValueFromPipeline = true, DontShow = true)]
    [RowOnly]
    public PipelineItem? PipelineRow { get; set; }

    /// <summary>A user read by another tool in another account is refused by its Arn (<see cref="OnboardCmdletBase"/>).</summary>
    private protected override bool ChecksUsersFromOtherTools => true;

    [Parameter]
    public SwitchParameter Disable { get; set; }

    /// <summary>
    /// Remove (or disable) without asking, as AWS.Tools' Remove-IAMUser -Force. -WhatIf still only says what would be
    /// done; an explicit -Confirm still asks; no refusal (RemovingSessionIdentity, AccountMismatch) is overridden.
    /// </summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    private protected override string? ConfirmationWaiver => "-Force";

    private protected override bool ConfirmationWaived =>
        Force && !(MyInvocation.BoundParameters.TryGetValue("Confirm", out var confirm) && LanguagePrimitives.IsTrue(confirm));

    // One for the command's whole input (a pipeline of names calls ProcessItem once per name), made on first use.
    private UserRemover? _remover;

    protected override void ProcessItem()
    {
        var remover = _remover ??= new UserRemover(OnboardSession);
        foreach (var name in UserName)
        {
            var userName = name.Trim();
            var action = Disable
                ? "Disable the user: deactivate its access keys, delete its login profile, MFA devices, SSH keys, signing certificates and service-specific credentials, and tag it; keep the user"
                : "Remove the user with its login profile, access keys, MFA devices, SSH keys, signing certificates, service-specific credentials, policies and group memberships";
            if (!ShouldProcessUnlessWaived($"IAM user '{userName}'", action))
            {
                if (InteractiveHost.IsWhatIf(this))
                {
                    // The plan gives the refusals the run would: a misspelt leaver, a bad name, the session's own identity.
                    StartItem(ct => remover.CheckAsync(userName, ct), userName);
                }

                continue;
            }

            var disable = Disable.IsPresent;
            StartItem(async ct =>
            {
                var done = disable
                    ? await remover.DisableAsync(userName, DateTimeOffset.UtcNow, ct).ConfigureAwait(false)
                    : await remover.RemoveAsync(userName, ct).ConfigureAwait(false);
                var line = done.Done.Count == 0 && done.Note is { } note
                    ? $"IAM user '{done.UserName}' unchanged: {note}."
                    : (disable ? $"Disabled IAM user '{done.UserName}': " : $"Removed IAM user '{done.UserName}': ") + string.Join(", ", done.Done)
                        + (done.Note is { } alsoNote ? $"; {alsoNote}." : ".");
                Dispatcher.Post(c => c.WriteInformation(new InformationRecord(line, "Remove-OnboardUser"), new[] { "PSHOST" }));
            }, userName);
        }
    }
}
