using System;
using System.Management.Automation;
using IamOnboard.Iam;
using IamOnboard.Onboarding;
using IamOnboard.Sessions;

namespace IamOnboard.Commands.Infrastructure;

/// <summary>Turns engine failures into error records with a stable ErrorId, the right category and the failing item as target.</summary>
internal static class OnboardErrors
{
    public static ErrorRecord FromException(Exception exception, object? target)
    {
        var record = RecordFor(exception, target);
        if (RowPrefix(exception) is { } prefix && record.ErrorDetails is null)
        {
            // The row is data on the exception; the message people read names it first, as a batch's errors must.
            record.ErrorDetails = new ErrorDetails(prefix + record.Exception.Message);
        }

        return record;
    }

    /// <summary>
    /// "row 3 (line 4 of starters.csv): " for a failure of a batch row read from a file, "row 3: " for other batch rows,
    /// else null.
    /// </summary>
    internal static string? RowPrefix(Exception exception)
    {
        if (exception is AggregateException { InnerExceptions.Count: 1 } single)
        {
            return RowPrefix(single.InnerExceptions[0]);
        }

        var (row, line, file) = exception switch
        {
            OnboardInputException input => (input.Row, input.Line, input.File),
            OnboardingFailedException failed => (failed.Row, failed.Line, failed.File),
            _ => ((int?)null, (int?)null, (string?)null),
        };
        return BatchPosition.Describe(row, line, file) is { } position ? position + ": " : null;
    }

    private static ErrorRecord RecordFor(Exception exception, object? target)
    {
        return exception switch
        {
            IamServiceException iam => new ErrorRecord(iam, iam.ErrorCode, CategoryFor(iam.ErrorCode), target),
            HandOffInProgressException inProgress => new ErrorRecord(inProgress, HandOffInProgressException.ErrorId, ErrorCategory.ResourceBusy, target),
            OnboardingFailedException { InnerException: IamServiceException iam } failed => new ErrorRecord(failed, iam.ErrorCode, CategoryFor(iam.ErrorCode), target),
            OnboardingFailedException failed => new ErrorRecord(failed, "OnboardingFailed", ErrorCategory.InvalidResult, target),
            OffboardingFailedException { InnerException: IamServiceException iam } failed => new ErrorRecord(failed, iam.ErrorCode, CategoryFor(iam.ErrorCode), target),
            OffboardingFailedException failed => new ErrorRecord(failed, "OffboardingFailed", ErrorCategory.InvalidResult, target),
            MfaAlreadyEnabledException enabled => new ErrorRecord(enabled, "MfaAlreadyEnabled", ErrorCategory.ResourceExists, target),
            OnboardInputException input => new ErrorRecord(input, input.ErrorId, ErrorCategory.InvalidArgument, target),
            OnboardConfigurationException configuration => new ErrorRecord(configuration, "SessionNotAvailable", ErrorCategory.InvalidOperation, target),
            OperationCanceledException canceled => new ErrorRecord(canceled, "OperationCanceled", ErrorCategory.OperationStopped, target),
            AggregateException { InnerExceptions.Count: 1 } aggregate => RecordFor(aggregate.InnerExceptions[0], target),
            _ => new ErrorRecord(exception, "UnexpectedError", ErrorCategory.NotSpecified, target),
        };
    }

    public static ErrorRecord Create(string errorId, ErrorCategory category, object? target, string message) =>
        new(new InvalidOperationException(message), errorId, category, target);

    private static ErrorCategory CategoryFor(string errorCode) => errorCode switch
    {
        IamErrorCodes.EntityAlreadyExists => ErrorCategory.ResourceExists,
        IamErrorCodes.NoSuchEntity => ErrorCategory.ObjectNotFound,
        IamErrorCodes.LimitExceeded => ErrorCategory.QuotaExceeded,
        IamErrorCodes.MalformedPolicyDocument => ErrorCategory.InvalidData,
        IamErrorCodes.PasswordPolicyViolation => ErrorCategory.InvalidArgument,
        IamErrorCodes.InvalidAuthenticationCode => ErrorCategory.AuthenticationError,
        IamErrorCodes.DeleteConflict => ErrorCategory.ResourceBusy,
        IamErrorCodes.EntityTemporarilyUnmodifiable => ErrorCategory.ResourceBusy,
        IamErrorCodes.InvalidInput or IamErrorCodes.ValidationError => ErrorCategory.InvalidArgument,
        IamErrorCodes.Throttling => ErrorCategory.LimitsExceeded,
        IamErrorCodes.ServiceFailure => ErrorCategory.ConnectionError,
        IamErrorCodes.AccessDenied => ErrorCategory.PermissionDenied,
        IamErrorCodes.InvalidClientTokenId or IamErrorCodes.SignatureDoesNotMatch or IamErrorCodes.ExpiredToken => ErrorCategory.SecurityError,
        _ => ErrorCategory.NotSpecified,
    };
}
