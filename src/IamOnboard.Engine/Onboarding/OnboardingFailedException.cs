using System;

namespace IamOnboard.Onboarding;

/// <summary>An onboarding that failed after it had started changing IAM. The message says what is left.</summary>
public class OnboardingFailedException : Exception
{
    public OnboardingFailedException(string message, string userName, bool rolledBack, Exception innerException)
        : base(message, innerException)
    {
        UserName = userName;
        RolledBack = rolledBack;
    }

    public OnboardingFailedException()
    {
        UserName = string.Empty;
    }

    public OnboardingFailedException(string message)
        : base(message)
    {
        UserName = string.Empty;
    }

    public OnboardingFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
        UserName = string.Empty;
    }

    public string UserName { get; }

    /// <summary>True when everything the failed call created was removed again.</summary>
    public bool RolledBack { get; }

    /// <summary>The batch row (1-based) of the request; null outside a batch. Error records put it before the message.</summary>
    public int? Row { get; set; }

    /// <summary>The file line the row starts on, when the row came from a file.</summary>
    public int? Line { get; set; }

    /// <summary>The name of the file the row was read from, when known.</summary>
    public string? File { get; set; }
}
