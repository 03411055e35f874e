using System;
using IamOnboard.Rules;

namespace IamOnboard.LocalIam.Protocol;

/// <summary>An IAM/STS error answer: the code, HTTP status and fault type the real service uses.</summary>
internal sealed class IamServiceException : Exception
{
    public IamServiceException(string code, int statusCode, string message, bool senderFault = true)
        : base(message)
    {
        Code = code;
        StatusCode = statusCode;
        SenderFault = senderFault;
    }

    public string Code { get; }

    public int StatusCode { get; }

    public bool SenderFault { get; }

    public static IamServiceException NoSuchEntity(string message) => new("NoSuchEntity", 404, message);

    public static IamServiceException EntityAlreadyExists(string message) => new("EntityAlreadyExists", 409, message);

    public static IamServiceException LimitExceeded(string message) => new("LimitExceeded", 409, message);

    public static IamServiceException DeleteConflict(string message) => new("DeleteConflict", 409, message);

    public static IamServiceException InvalidInput(string message) => new("InvalidInput", 400, message);

    public static IamServiceException Validation(string message) => new("ValidationError", 400, message);

    public static IamServiceException MalformedPolicyDocument(string message) => new("MalformedPolicyDocument", 400, message);

    public static IamServiceException AccessDenied(string message) => new("AccessDenied", 403, message);

    public static IamServiceException FromViolation(RuleViolation violation) =>
        new(violation.ErrorCode, 400, violation.Message);
}
