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
        return exception switch
        {
            IamServiceException iam => new ErrorRecord(iam, iam.ErrorCode, CategoryFor(iam.ErrorCode), target),
            HandOffInProgressException inProgress => new ErrorRecord(inProgress, HandOffInProgressException.ErrorId, ErrorCategory.ResourceBusy, target),
            OnboardingFailedException { InnerException: IamServiceException iam } failed => new ErrorRecord(failed, iam.ErrorCode, CategoryFor(iam.ErrorCode), target),
            OnboardingFailedException failed => new ErrorRecord(failed, "OnboardingFailed", ErrorCategory.InvalidResult, target),
            MfaAlreadyEnabledException enabled => new ErrorRecord(enabled, "MfaAlreadyEnabled", ErrorCategory.ResourceExists, target),
            OnboardInputException input => new ErrorRecord(input, input.ErrorId, ErrorCategory.InvalidArgument, target),
            OnboardConfigurationException configuration => new ErrorRecord(configuration, "SessionNotAvailable", ErrorCategory.InvalidOperation, target),
            OperationCanceledException canceled => new ErrorRecord(canceled, "OperationCanceled", ErrorCategory.OperationStopped, target),
            AggregateException { InnerExceptions.Count: 1 } aggregate => FromException(aggregate.InnerExceptions[0], target),
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
