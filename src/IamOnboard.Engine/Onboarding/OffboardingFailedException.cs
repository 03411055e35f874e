using System;

namespace IamOnboard.Onboarding;

/// <summary>A removal or disabling of a user that failed after it had started changing IAM. The message says what is left.</summary>
public class OffboardingFailedException : Exception
{
    public OffboardingFailedException(string message, string userName, Exception innerException)
        : base(message, innerException)
    {
        UserName = userName;
    }

    public OffboardingFailedException()
    {
        UserName = string.Empty;
    }

    public OffboardingFailedException(string message)
        : base(message)
    {
        UserName = string.Empty;
    }

    public OffboardingFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
        UserName = string.Empty;
    }

    public string UserName { get; }
}
