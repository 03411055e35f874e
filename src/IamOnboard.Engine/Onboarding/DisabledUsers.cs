using System.Threading;
using System.Threading.Tasks;
using IamOnboard.Diagnostics;
using IamOnboard.Iam;
using IamOnboard.Rules;
using IamOnboard.Sessions;

namespace IamOnboard.Onboarding;

/// <summary>
/// A user Remove-OnboardUser -Disable disabled (tagged <see cref="UserRemover.DisabledAtTag"/>) was left nothing usable on
/// purpose: no command gives it access or credentials again until it is re-enabled on purpose, by removing both tags.
/// </summary>
public static class DisabledUsers
{
    /// <summary>
    /// The refusal (error UserDisabled) of <paramref name="notDone"/> ("onboarded again", "added to group 'G'") for a
    /// disabled user: when and by whom it was disabled, that nothing of it changed, and how to re-enable it on purpose.
    /// </summary>
    public static OnboardInputException Refusal(string userName, (string At, string? By) disabling, string notDone, string wayBack)
    {
        var by = disabling.By is null ? string.Empty : $" by {disabling.By}";
        return new OnboardInputException("UserDisabled", "UserName", userName,
            $"UserName: IAM user '{userName}' was disabled at {disabling.At}{by} (Remove-OnboardUser -Disable), so it is not {notDone}; "
            + $"nothing of it was changed. To {wayBack} on purpose, remove its {UserRemover.DisabledAtTag} and {UserRemover.DisabledByTag} tags "
            + $"(aws iam untag-user --user-name {userName} --tag-keys {UserRemover.DisabledAtTag} {UserRemover.DisabledByTag}), then run it again.");
    }

    /// <summary>
    /// Reads the user (one GetUser: its answer has the tags) and throws <see cref="Refusal"/> when it is disabled. A name
    /// IAM would refuse, or a user that does not exist, goes on, so the command's own check or call says so as it
    /// always has; where GetUser is denied, a warning says the check was not made (the identity may still be allowed
    /// the command's own call).
    /// </summary>
    public static async Task ThrowIfDisabledAsync(OnboardSession session, string userName, string notDone, CancellationToken ct)
    {
        if (IamNameRules.CheckUserName(userName) is not null)
        {
            return; // not a name IAM could have: the command refuses it, naming the rule, before any call
        }

        IamUser user;
        try
        {
            user = await session.Iam.GetUserAsync(userName, ct).ConfigureAwait(false);
        }
        catch (IamNoSuchEntityException)
        {
            return;
        }
        catch (IamAccessDeniedException denied) when (denied.ErrorCode == IamErrorCodes.AccessDenied)
        {
            OnboardLog.Current.Warning($"{userName}: could not check whether Remove-OnboardUser -Disable disabled this user ({denied.Message.TrimEnd('.')}); "
                + $"went on without the check (a disabled user has the tag {UserRemover.DisabledAtTag}: aws iam list-user-tags --user-name {userName}).");
            return;
        }

        if (UserRemover.FindDisabling(user) is { } disabling)
        {
            throw Refusal(user.UserName, disabling, notDone, "re-enable it");
        }
    }
}
