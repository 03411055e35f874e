using System;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using IamOnboard.Diagnostics;

namespace IamOnboard.Mfa;

/// <summary>
/// Two consecutive codes computed from a seed the module holds (unattended enrolment, where no person types codes).
/// </summary>
public static class UnattendedMfaCodes
{
    /// <summary>
    /// Code 1 for the current step and code 2 for the next, both computed at once. When less than
    /// <paramref name="minimumRemaining"/> is left of the current step it first waits for the next step to begin, so
    /// code 1 is not already stale by the time the request reaches IAM.
    /// </summary>
    /// <param name="key">The device's seed.</param>
    /// <param name="clock">The time source; <see cref="SystemClock.Instance"/> outside tests.</param>
    /// <param name="minimumRemaining">From zero to under 30 s; about 5 s covers a slow round trip.</param>
    /// <param name="ct">Cancels the wait.</param>
    public static async Task<(string Code1, string Code2)> GetConsecutiveCodesAsync(
        byte[] key, IClock clock, TimeSpan minimumRemaining, CancellationToken ct)
    {
        if (key is null || key.Length == 0)
        {
            throw new ArgumentException("The MFA key must not be empty.", nameof(key));
        }

        if (clock is null)
        {
            throw new ArgumentNullException(nameof(clock));
        }

        if (minimumRemaining < TimeSpan.Zero || minimumRemaining >= Totp.StepLength)
        {
            throw new ArgumentOutOfRangeException(nameof(minimumRemaining), minimumRemaining, "Must be at least zero and less than the 30-second step.");
        }

        while (true)
        {
            ct.ThrowIfCancellationRequested();
            var now = clock.UtcNow;
            var remaining = Totp.RemainingInStep(now);
            if (remaining >= minimumRemaining)
            {
                long step = Totp.GetTimeStep(now);
                return (Totp.ComputeCodeForStep(key, step), Totp.ComputeCodeForStep(key, step + 1));
            }

            // A timer may wake a little early; the loop then waits out the rest.
            OnboardLog.Current.Verbose(string.Format(CultureInfo.InvariantCulture,
                "Waiting {0:0.0} s for a fresh MFA time step before computing the codes.", remaining.TotalSeconds));
            await clock.Delay(remaining, ct);
        }
    }
}
