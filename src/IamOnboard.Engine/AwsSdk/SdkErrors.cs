using System;
using System.IO;
using System.Text.RegularExpressions;
using Amazon.Runtime;
using IamOnboard.Iam;

namespace IamOnboard.AwsSdk;

/// <summary>
/// What the AWS SDK's exceptions mean for the engine: a service's error answer becomes the matching
/// <see cref="IamServiceException"/> (IAM and STS share the error model), and a failure without an answer is described
/// by its innermost cause.
/// </summary>
internal static class SdkErrors
{
    public static IamServiceException Map(AmazonServiceException exception, string operation)
    {
        var code = string.IsNullOrEmpty(exception.ErrorCode) ? "Unknown" : exception.ErrorCode;
        var type = exception.ErrorType == ErrorType.Unknown ? null : exception.ErrorType.ToString();
        var status = (int)exception.StatusCode;
        var requestId = exception.RequestId;
        // An error named only by its code (an X-Amzn-ErrorType header, a document without a Message) says what failed and how.
        var message = string.IsNullOrEmpty(exception.Message) || exception.Message == code
            ? $"{operation} failed with {code} (HTTP {status}), and the answer gave no message."
            : exception.Message;
        return code switch
        {
            IamErrorCodes.EntityAlreadyExists => new IamEntityAlreadyExistsException(message, code, type, status, requestId, operation, exception),
            IamErrorCodes.NoSuchEntity => new IamNoSuchEntityException(message, code, type, status, requestId, operation, exception),
            IamErrorCodes.LimitExceeded => new IamLimitExceededException(message, code, type, status, requestId, operation, exception),
            IamErrorCodes.MalformedPolicyDocument => new IamMalformedPolicyDocumentException(message, code, type, status, requestId, operation, exception),
            IamErrorCodes.PasswordPolicyViolation => new IamPasswordPolicyViolationException(message, code, type, status, requestId, operation, exception),
            IamErrorCodes.InvalidAuthenticationCode => new IamInvalidAuthenticationCodeException(message, code, type, status, requestId, operation, exception),
            IamErrorCodes.DeleteConflict or IamErrorCodes.EntityTemporarilyUnmodifiable or IamErrorCodes.ConcurrentModification
                => new IamDeleteConflictException(message, code, type, status, requestId, operation, exception),
            IamErrorCodes.InvalidInput or IamErrorCodes.ValidationError => new IamInvalidInputException(message, code, type, status, requestId, operation, exception),
            IamErrorCodes.ExpiredToken or "ExpiredTokenException"
                => new IamAccessDeniedException(ExpiredTokenMessage(message), IamErrorCodes.ExpiredToken, type, status, requestId, operation, exception),
            IamErrorCodes.AccessDenied or IamErrorCodes.InvalidClientTokenId or IamErrorCodes.SignatureDoesNotMatch
                or IamErrorCodes.MissingAuthenticationToken or "AccessDeniedException" or "UnrecognizedClientException" or "IncompleteSignature"
                => new IamAccessDeniedException(message, code, type, status, requestId, operation, exception),
            IamErrorCodes.Throttling or "ThrottlingException" or "RequestLimitExceeded" or "TooManyRequestsException"
                => new IamThrottlingException(message, code, type, status, requestId, operation, exception),
            _ when status >= 500 => new IamServiceFailureException(message, code, type, status, requestId, operation, exception),
            _ => new IamServiceException(message, code, type, status, requestId, operation, exception),
        };
    }

    /// <summary>
    /// ExpiredToken says only that the token is expired; the user needs to know it is the session's temporary
    /// credentials that ran out (retrying cannot help), and what to do.
    /// </summary>
    internal static string ExpiredTokenMessage(string serviceMessage) =>
        serviceMessage.TrimEnd('.') + ": the session's temporary credentials are no longer valid, and retrying will not help. "
        + "Get new temporary credentials (assume the role again, or sign in again) and run Connect-Onboard again.";

    /// <summary>
    /// ExpiredToken for credentials that, by this machine's clock, are still valid: they renew by that clock, so every
    /// call fails the same way until it catches up. Says so, with both times, instead of the generic advice to get new
    /// credentials (Connect-Onboard would get credentials that look just as valid here). With the answer's Date header it
    /// says how far behind the clock is, or, when the service's time agrees with this machine's, that the clock is not
    /// the cause. Null when the credentials' expiry is unknown (keys given with a session token) or already past by this clock.
    /// </summary>
    public static IamServiceException? ExpiredWhileValidByThisClock(AWSCredentials credentials, IamServiceException expired)
    {
        if (expired.ErrorCode != IamErrorCodes.ExpiredToken || credentials is not RefreshingAWSCredentials { Expiration: { } validUntil })
        {
            return null;
        }

        // No temporary credentials last longer than STS's 36 hours: a later expiry means none was given (a
        // credential_process printing no Expiration), and nothing is known of the clock.
        var now = Amazon.Util.Internal.DefaultTimeProvider.Instance.CorrectedUtcNow;
        if (validUntil.ToUniversalTime() <= now || validUntil.ToUniversalTime() - now > TimeSpan.FromHours(36))
        {
            return null;
        }

        var valid = expired.Operation + " was answered ExpiredToken, but by this machine's clock (" + CredentialClock.Utc(now) + ") the session's temporary credentials are valid until "
            + CredentialClock.Utc(validUntil) + ", so they are not renewed";
        string message;
        if (!ServiceClock.TryParseDate(AnswerDate(expired), out var answered))
        {
            message = valid + ": this machine's clock is probably behind the service's (or the credentials were revoked). Check the clock "
                + "(turn on time synchronization), then run Connect-Onboard again.";
        }
        else if (answered.AddMilliseconds(500) - now > ServiceClock.Tolerance)
        {
            message = valid + ". The answer is dated " + CredentialClock.Utc(answered) + " by the service's clock (its Date header): this machine's clock is "
                + ServiceClock.Describe(answered.AddMilliseconds(500) - now) + " the service's. Set the clock right (turn on time synchronization), then run Connect-Onboard again.";
        }
        else
        {
            message = valid + ". The answer is dated " + CredentialClock.Utc(answered) + " by the service's clock (its Date header), which agrees with this machine's, so the clock "
                + "is not the cause: the credentials were revoked, or whatever gave them misstated their expiry. Get new temporary credentials, then run Connect-Onboard again.";
        }

        return new IamAccessDeniedException(message, IamErrorCodes.ExpiredToken, expired.ErrorType, expired.StatusCode, expired.RequestId, expired.Operation, expired);
    }

    /// <summary>
    /// SignatureDoesNotMatch from a service whose answer (its Date header) shows this machine's clock further off than
    /// SigV4 allows: the AWS SDK corrects its signing time for that and sends the request again, so this is what is left
    /// when it could not (no attempt left to send it again). Says how far off the clock is, with both times, and what to
    /// do, instead of the service's bare "Signature expired". Refused for its time with the clock right, it was signed
    /// with a correction the SDK kept (<see cref="SignedWithACorrectionKeptTooLong"/>). Null for anything else.
    /// </summary>
    public static IamServiceException? SignedWithAClockThatIsOff(IamServiceException refused)
    {
        if (refused.ErrorCode != IamErrorCodes.SignatureDoesNotMatch || !ServiceClock.TryParseDate(AnswerDate(refused), out var answered))
        {
            return null;
        }

        var now = DateTime.UtcNow;
        var offset = answered.AddMilliseconds(500) - now;
        if (offset.Duration() <= StaleClockCorrection.SigningWindow - ServiceClock.Tolerance)
        {
            return SignedWithACorrectionKeptTooLong(refused, answered, now);
        }

        return new IamAccessDeniedException(refused.Operation + " was refused with SignatureDoesNotMatch (" + refused.Message.TrimEnd('.') + "). The answer is dated "
            + CredentialClock.Utc(answered) + " by the service's clock (its Date header) and this machine's clock said " + CredentialClock.Utc(now) + ": it is "
            + ServiceClock.Describe(offset) + " the service's, more than the 15 minutes a signed request may be off. The AWS SDK corrects for that only by sending the request "
            + "again, which the session's attempts did not allow (max_attempts). Set the clock right (turn on time synchronization), or connect with more than one attempt.",
            refused.ErrorCode, refused.ErrorType, refused.StatusCode, refused.RequestId, refused.Operation, refused);
    }

    /// <summary>
    /// A request refused for its signing time (SigV4's "Signature expired" or "Signature not yet current") while this
    /// machine's clock agrees with the answer's Date: it was signed with a clock correction the AWS SDK learned earlier in
    /// this process, when the clock was off. The SDK takes its correction from every answer, this one included, and the
    /// session sends such a request again by itself (<see cref="StaleClockCorrection"/>); this is what is left when no
    /// attempt was left for that (max_attempts 1). Says so, and that running the command again works. Null otherwise.
    /// </summary>
    private static IamServiceException? SignedWithACorrectionKeptTooLong(IamServiceException refused, DateTime answered, DateTime now)
    {
        var message = refused.Message ?? string.Empty;
        if (!message.StartsWith("Signature expired", StringComparison.Ordinal) && !message.StartsWith("Signature not yet current", StringComparison.Ordinal))
        {
            return null;
        }

        return new IamAccessDeniedException(refused.Operation + " was refused with SignatureDoesNotMatch (" + message.TrimEnd('.') + "). The answer is dated "
            + CredentialClock.Utc(answered) + " by the service's clock (its Date header), and this machine's clock agrees (" + CredentialClock.Utc(now) + "): the request "
            + "was signed with a clock correction the AWS SDK learned earlier in this PowerShell process, when this machine's clock was off. The SDK has taken the "
            + "service's time from this answer, so the next request is signed right: run the command again. With more than one attempt (max_attempts), the session "
            + "sends such a request again by itself.",
            refused.ErrorCode, refused.ErrorType, refused.StatusCode, refused.RequestId, refused.Operation, refused);
    }

    /// <summary>The Date header of the HTTP answer behind an SDK exception (its HttpErrorResponseException); null when there was no answer or it had none.</summary>
    public static string? AnswerDate(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is Amazon.Runtime.Internal.HttpErrorResponseException answer)
            {
                return answer.Response?.GetHeaderValue("Date");
            }
        }

        return null;
    }

    /// <summary>
    /// When a request failed because its credentials could not be fetched (a credential_process that fails when the
    /// SDK refreshes its credentials mid-run, an assumed role that cannot be assumed again), the error to report instead of "got no response": the endpoint is not
    /// what failed, and retrying the row will not help until the credentials are back. Null for anything else.
    /// </summary>
    public static Exception? CredentialFailure(Exception exception, string what)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is ProcessAWSCredentialException)
            {
                return new Sessions.OnboardConfigurationException("The session's credentials could not be fetched for " + what + " (credential_process): " + current.Message, exception);
            }

            // Our own renewing credentials (an assumed role, an SSO role) say what failed and what to do.
            if (current is Sessions.OnboardConfigurationException configuration)
            {
                return new Sessions.OnboardConfigurationException(configuration.Message, exception);
            }
        }

        return null;
    }

    /// <summary>
    /// When AWSSDK.Core's own reader of the shared files refused a line (the SDK's credential chain and instance metadata
    /// still read them), the error to report instead: the file and line number only. The SDK's message quotes the line,
    /// which may hold a secret key, so none of its exceptions is kept, not even as an inner exception. Null for anything else.
    /// </summary>
    public static Sessions.OnboardConfigurationException? SharedFileRefused(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (SdkFileLine.Match(current.Message) is { Success: true } match)
            {
                return new Sessions.OnboardConfigurationException("The AWS SDK's reader of the shared files, which looks in them for a container or instance role, refused "
                    + match.Groups["file"].Value + ", line " + match.Groups["line"].Value + " (the line is not shown: it may hold a secret). It refuses a line written 'key: value' "
                    + "or a comment after a section header, which the AWS CLI reads: write that line as 'key = value', with any comment on a line of its own.");
            }
        }

        return null;
    }

    // "Line 2:<the line> in file /path does not contain a section, property or comment.", alone or inside the message of
    // the SDK's credential chain, which gathers its providers' failures into one text.
    private static readonly Regex SdkFileLine = new(@"Line (?<line>[0-9]+):<.*?> in file (?<file>.+?) does not contain a section, property or comment\.", RegexOptions.Singleline | RegexOptions.CultureInvariant);

    /// <summary>The cause worth showing: the innermost exception, stopping at an I/O error (its inner ones are socket details).</summary>
    /// <summary>
    /// For a TLS handshake that failed on the server's certificate, what to do about it: a company's TLS inspection shows
    /// its own certificates, which only its CA bundle makes trusted. Empty for any other failure.
    /// </summary>
    public static string TlsAdvice(Exception exception, CaBundle? caBundle)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is System.Security.Authentication.AuthenticationException)
            {
                return caBundle is null
                    ? " The endpoint's TLS certificate is not trusted. Behind a TLS-inspecting proxy, name your company's CA bundle (a PEM file) with AWS_CA_BUNDLE or the profile's ca_bundle, as for the AWS CLI."
                    : " The endpoint's TLS certificate is trusted neither by the system nor by " + caBundle.Path + " (" + caBundle.Source + ").";
            }
        }

        return string.Empty;
    }

    public static Exception Innermost(Exception exception)
    {
        var current = exception;
        while (current.InnerException is not null && current is not IOException)
        {
            current = current.InnerException;
        }

        return current;
    }
}
