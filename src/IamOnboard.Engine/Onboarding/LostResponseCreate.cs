using System;
using System.Threading;
using System.Threading.Tasks;
using IamOnboard.Diagnostics;
using IamOnboard.Iam;

namespace IamOnboard.Onboarding;

/// <summary>
/// Sends a create whose response may be lost in transit (users, login profiles, access keys, MFA devices): after a
/// loss it looks into what the lost call may have made, cleans up what nobody can use, and sends it again, up to
/// <see cref="IamClientOptions.LostResponseAttempts"/> times. The look-into step runs after the last loss too, so
/// nothing whose secret never arrived is left when the create gives up.
/// </summary>
internal static class LostResponseCreate
{
    /// <param name="iam">The client (its options give the number of sends).</param>
    /// <param name="action">The IAM action, for the debug line of a resend.</param>
    /// <param name="subject">What the create is for (a user name), for the same line.</param>
    /// <param name="send">Sends the create; gets the attempt (number 1 first, and whether it is the last), as an
    /// EntityAlreadyExists means another thing on the first attempt (someone else made it) than on a later one (a lost
    /// earlier send made it). Returns null to be called again (it cleared the way, e.g. deleted an abandoned device).</param>
    /// <param name="afterLoss">Looks into what a lost send may have made: returns the result to keep (it exists and is
    /// usable), or null after cleaning up what is not, to send again.</param>
    /// <param name="ct">Cancels the sends and the looking into.</param>
    public static async Task<T> SendAsync<T>(
        IamClient iam, string action, string subject,
        Func<SendAttempt, CancellationToken, Task<T?>> send, Func<CancellationToken, Task<T?>> afterLoss, CancellationToken ct)
        where T : class
    {
        var attempts = Math.Max(1, iam.Options.LostResponseAttempts);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                if (await send(new SendAttempt(attempt, attempt >= attempts), ct).ConfigureAwait(false) is { } made)
                {
                    return made;
                }

                if (attempt >= attempts)
                {
                    throw new InvalidOperationException($"IAM {action} for '{subject}': asked to send again after the last attempt.");
                }
            }
            catch (IamResponseLostException)
            {
                if (await afterLoss(ct).ConfigureAwait(false) is { } kept)
                {
                    return kept;
                }

                if (attempt >= attempts)
                {
                    throw;
                }

                OnboardLog.Current.Debug($"IAM {action} for '{subject}' attempt {attempt + 1} of {attempts} after its response was lost and what it may have made was looked into.");
            }
        }
    }
}

/// <summary>One send of a create: its number (1 first) and whether it is the last one allowed.</summary>
internal readonly struct SendAttempt
{
    public SendAttempt(int number, bool isLast)
    {
        Number = number;
        IsLast = isLast;
    }

    public int Number { get; }

    public bool IsLast { get; }
}
