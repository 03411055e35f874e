using System;

namespace IamOnboard.Onboarding;

/// <summary>
/// The user's credentials are being handed out by another live run (its <see cref="HandOffMark"/> says so): nothing
/// of them was deleted or replaced. The message says which run, and when to try again.
/// </summary>
public sealed class HandOffInProgressException : OnboardingFailedException
{
    public HandOffInProgressException(string message, string userName, HandOffMark mark)
        : base(message, userName, rolledBack: true, innerException: null!)
    {
        Mark = mark;
    }

    public HandOffInProgressException()
    {
        Mark = new HandOffMark(false, false, Array.Empty<string>());
    }

    public HandOffInProgressException(string message)
        : base(message)
    {
        Mark = new HandOffMark(false, false, Array.Empty<string>());
    }

    public HandOffInProgressException(string message, Exception innerException)
        : base(message, innerException)
    {
        Mark = new HandOffMark(false, false, Array.Empty<string>());
    }

    /// <summary>The other run's mark (its run id and when it was set).</summary>
    public HandOffMark Mark { get; }

    /// <summary>The error id the cmdlets report it with.</summary>
    public const string ErrorId = "HandOffInProgress";
}
