using System;

namespace IamOnboard.Onboarding;

/// <summary>
/// Input that was refused before any call to IAM: a bad name, path, tag, policy document, password, MFA code or
/// CSV value. Names the field and, unless it is a secret, the value; in a batch, the row and line as data.
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

    /// <summary>The batch row (1-based) the input came from; null outside a batch. Error records put it before the message.</summary>
    public int? Row { get; set; }

    /// <summary>The file line the row starts on, when the row came from a file.</summary>
    public int? Line { get; set; }

    /// <summary>The name of the file the row was read from, when known.</summary>
    public string? File { get; set; }

    /// <summary>Sets <see cref="Row"/>, <see cref="Line"/> and <see cref="File"/> where not set yet, and returns this exception.</summary>
    public OnboardInputException AtRow(int? row, int? line, string? file = null)
    {
        Row ??= row;
        Line ??= line;
        File ??= file;
        return this;
    }

    /// <summary>Places this exception at the request's row, line and file.</summary>
    public OnboardInputException AtRow(UserOnboardingRequest request) => AtRow(request.Row, request.Line, request.SourceFile);
}
