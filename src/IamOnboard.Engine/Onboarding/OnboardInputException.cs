using System;

namespace IamOnboard.Onboarding;

/// <summary>
/// Input that was refused before any call to IAM: a bad name, path, tag, policy document, password, MFA code or
/// CSV value. Names the field and, unless it is a secret, the value.
/// </summary>
public class OnboardInputException : Exception
{
    public OnboardInputException(string errorId, string field, string? value, string message)
        : base(message)
    {
        ErrorId = errorId;
        Field = field;
        Value = value;
    }

    public OnboardInputException()
        : this("InvalidInput", string.Empty, null, "The input is not valid.")
    {
    }

    public OnboardInputException(string message)
        : this("InvalidInput", string.Empty, null, message)
    {
    }

    public OnboardInputException(string message, Exception innerException)
        : base(message, innerException)
    {
        ErrorId = "InvalidInput";
        Field = string.Empty;
    }

    /// <summary>A stable identifier for scripts and tests, e.g. <c>InvalidUserName</c>.</summary>
    public string ErrorId { get; }

    /// <summary>The parameter or CSV column at fault.</summary>
    public string Field { get; }

    /// <summary>The offending value; null when it is a secret.</summary>
    public string? Value { get; }
}
