using System;

namespace IamOnboard.Mfa;

/// <summary>
/// Two consecutive codes computed from a seed the module holds (unattended enrolment, where no person types codes).
/// </summary>
public static class UnattendedMfaCodes
{
    /// <summary>
    /// Code 1 for the previous step and code 2 for the current one: both already valid, so nothing waits for a step
    /// to begin. It is the pair a person submits after waiting for the second code, and it stays inside IAM's window
    /// (which reaches back at least two steps) when the request crosses a step boundary on its way.
    /// </summary>
    /// <param name="key">The device's seed.</param>
    /// <param name="clock">The time source: IAM's time as the session's answers tell it (VirtualMfaEnroller), <see cref="SystemClock.Instance"/> in tests.</param>
    public static (string Code1, string Code2) GetConsecutiveCodes(byte[] key, IClock clock)
    {
        if (key is null || key.Length == 0)
        {
            throw new ArgumentException("The MFA key must not be empty.", nameof(key));
        }

        if (clock is null)
        {
            throw new ArgumentNullException(nameof(clock));
        }

        long step = Totp.GetTimeStep(clock.UtcNow);
        return (Totp.ComputeCodeForStep(key, step - 1), Totp.ComputeCodeForStep(key, step));
    }
}
