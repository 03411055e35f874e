using System;

namespace IamOnboard.Iam;

/// <summary>IAM error codes (the <c>Code</c> of an awsQuery error response), plus the client's own codes for failures without a response.</summary>
public static class IamErrorCodes
{
    public const string EntityAlreadyExists = "EntityAlreadyExists";
    public const string NoSuchEntity = "NoSuchEntity";
    public const string LimitExceeded = "LimitExceeded";
    public const string MalformedPolicyDocument = "MalformedPolicyDocument";
    public const string PasswordPolicyViolation = "PasswordPolicyViolation";
    public const string InvalidAuthenticationCode = "InvalidAuthenticationCode";
    public const string DeleteConflict = "DeleteConflict";
    public const string EntityTemporarilyUnmodifiable = "EntityTemporarilyUnmodifiable";
    public const string InvalidInput = "InvalidInput";
    public const string ValidationError = "ValidationError";
    public const string Throttling = "Throttling";
    public const string ServiceFailure = "ServiceFailure";
    public const string AccessDenied = "AccessDenied";
    public const string InvalidClientTokenId = "InvalidClientTokenId";
    public const string SignatureDoesNotMatch = "SignatureDoesNotMatch";
    public const string MissingAuthenticationToken = "MissingAuthenticationToken";
    public const string ExpiredToken = "ExpiredToken";
    public const string ConcurrentModification = "ConcurrentModification";
    public const string UnmodifiableEntity = "UnmodifiableEntity";

    /// <summary>Client side: no HTTP response arrived (connection refused, reset, timed out) after all attempts.</summary>
    public const string NetworkFailure = "NetworkFailure";

    /// <summary>Client side: a request that changes state was sent, and its response was lost.</summary>
    public const string ResponseLost = "ResponseLost";

    /// <summary>Client side: a List* answer gave a Marker it had given before, so following the pages would never end.</summary>
    public const string RepeatedMarker = "RepeatedMarker";
}

/// <summary>An IAM or STS call failed. <see cref="Exception.Message"/> is the service's message and never carries a secret.</summary>
public class IamServiceException : Exception
{
    public IamServiceException(string message, string errorCode, string? errorType, int statusCode, string? requestId, string operation, Exception? innerException = null)
        : base(message, innerException)
    {
        ErrorCode = errorCode;
        ErrorType = errorType;
        StatusCode = statusCode;
        RequestId = requestId;
        Operation = operation;
    }

    /// <summary>IAM's error code, e.g. <see cref="IamErrorCodes.NoSuchEntity"/>.</summary>
    public string ErrorCode { get; }
    /// <summary><c>Sender</c> or <c>Receiver</c>; null when there was no error response.</summary>
    public string? ErrorType { get; }
    /// <summary>HTTP status; 0 when no response arrived.</summary>
    public int StatusCode { get; }
    public string? RequestId { get; }
    /// <summary>The API action, e.g. <c>CreateUser</c>.</summary>
    public string Operation { get; }
    /// <summary>True when the request may have changed state in IAM even though the caller got no answer.</summary>
    public virtual bool MayHaveBeenApplied => false;
}

public class IamEntityAlreadyExistsException : IamServiceException
{
    public IamEntityAlreadyExistsException(string message, string errorCode, string? errorType, int statusCode, string? requestId, string operation, Exception? innerException = null)
        : base(message, errorCode, errorType, statusCode, requestId, operation, innerException) { }
}

public class IamNoSuchEntityException : IamServiceException
{
    public IamNoSuchEntityException(string message, string errorCode, string? errorType, int statusCode, string? requestId, string operation, Exception? innerException = null)
        : base(message, errorCode, errorType, statusCode, requestId, operation, innerException) { }
}

public class IamLimitExceededException : IamServiceException
{
    public IamLimitExceededException(string message, string errorCode, string? errorType, int statusCode, string? requestId, string operation, Exception? innerException = null)
        : base(message, errorCode, errorType, statusCode, requestId, operation, innerException) { }
}

public class IamMalformedPolicyDocumentException : IamServiceException
{
    public IamMalformedPolicyDocumentException(string message, string errorCode, string? errorType, int statusCode, string? requestId, string operation, Exception? innerException = null)
        : base(message, errorCode, errorType, statusCode, requestId, operation, innerException) { }
}

public class IamPasswordPolicyViolationException : IamServiceException
{
    public IamPasswordPolicyViolationException(string message, string errorCode, string? errorType, int statusCode, string? requestId, string operation, Exception? innerException = null)
        : base(message, errorCode, errorType, statusCode, requestId, operation, innerException) { }
}

public class IamInvalidAuthenticationCodeException : IamServiceException
{
    public IamInvalidAuthenticationCodeException(string message, string errorCode, string? errorType, int statusCode, string? requestId, string operation, Exception? innerException = null)
        : base(message, errorCode, errorType, statusCode, requestId, operation, innerException) { }
}

/// <summary>DeleteConflict, and EntityTemporarilyUnmodifiable / ConcurrentModification (the entity cannot change right now).</summary>
public class IamDeleteConflictException : IamServiceException
{
    public IamDeleteConflictException(string message, string errorCode, string? errorType, int statusCode, string? requestId, string operation, Exception? innerException = null)
        : base(message, errorCode, errorType, statusCode, requestId, operation, innerException) { }
}

/// <summary>InvalidInput and ValidationError.</summary>
public class IamInvalidInputException : IamServiceException
{
    public IamInvalidInputException(string message, string errorCode, string? errorType, int statusCode, string? requestId, string operation, Exception? innerException = null)
        : base(message, errorCode, errorType, statusCode, requestId, operation, innerException) { }
}

/// <summary>AccessDenied and the authentication failures (InvalidClientTokenId, SignatureDoesNotMatch, MissingAuthenticationToken, ExpiredToken); <see cref="IamServiceException.ErrorCode"/> says which.</summary>
public class IamAccessDeniedException : IamServiceException
{
    public IamAccessDeniedException(string message, string errorCode, string? errorType, int statusCode, string? requestId, string operation, Exception? innerException = null)
        : base(message, errorCode, errorType, statusCode, requestId, operation, innerException) { }
}

/// <summary>Still throttled after every attempt the retry policy allowed.</summary>
public class IamThrottlingException : IamServiceException
{
    public IamThrottlingException(string message, string errorCode, string? errorType, int statusCode, string? requestId, string operation, Exception? innerException = null)
        : base(message, errorCode, errorType, statusCode, requestId, operation, innerException) { }
}

/// <summary>A server-side failure (5xx) after every attempt.</summary>
public class IamServiceFailureException : IamServiceException
{
    public IamServiceFailureException(string message, string errorCode, string? errorType, int statusCode, string? requestId, string operation, Exception? innerException = null)
        : base(message, errorCode, errorType, statusCode, requestId, operation, innerException) { }
}

/// <summary>No response reached us (refused, reset, timed out) after every attempt; the message names the endpoint and the operation.</summary>
public class IamNetworkException : IamServiceException
{
    public IamNetworkException(string message, string operation, string endpoint, Exception? innerException = null)
        : this(message, IamErrorCodes.NetworkFailure, operation, endpoint, innerException) { }

    protected IamNetworkException(string message, string errorCode, string operation, string endpoint, Exception? innerException)
        : base(message, errorCode, null, 0, null, operation, innerException) => Endpoint = endpoint;

    public string Endpoint { get; }
}

/// <summary>
/// A request that changes state (CreateUser, CreateAccessKey, ...) was sent and its response was lost, so it may or may
/// not have been applied. The client does not retry these: a retry of CreateAccessKey would create a second key whose
/// twin's secret nobody received. Reconcile instead (list the user's keys, or treat EntityAlreadyExists as created).
/// </summary>
public class IamResponseLostException : IamNetworkException
{
    public IamResponseLostException(string message, string operation, string endpoint, Exception? innerException = null)
        : base(message, IamErrorCodes.ResponseLost, operation, endpoint, innerException) { }

    public override bool MayHaveBeenApplied => true;
}
