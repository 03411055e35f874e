using System.Management.Automation;
using IamOnboard.Commands.Infrastructure;
using IamOnboard.Onboarding;

namespace IamOnboard.Commands;

/// <summary>Remove-OnboardUser: offboards users, removing everything IAM requires gone before the user itself.</summary>
[Cmdlet(VerbsCommon.Remove, "OnboardUser", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(void))]
public sealed class RemoveOnboardUserCommand : OnboardCmdletBase
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("User name")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(UserNameCompleter))]
    public string[] UserName { get; set; } = System.Array.Empty<string>();

    protected override void ProcessItem()
    {
        var remover = new UserRemover(OnboardSession);
        foreach (var name in UserName)
        {
            var userName = name.Trim();
            if (!ShouldProcess($"IAM user '{userName}'", "Remove the user with its login profile, access keys, MFA devices, policies and group memberships"))
            {
                continue;
            }

            StartItem(async ct =>
            {
                var removed = await remover.RemoveAsync(userName, ct).ConfigureAwait(false);
                Dispatcher.WriteVerbose($"Removed {string.Join(", ", removed)}.");
            }, userName);
        }
    }
}
