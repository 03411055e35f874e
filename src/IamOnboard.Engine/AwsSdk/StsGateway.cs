using System;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime;
using Amazon.Runtime.Internal;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using IamOnboard.Iam;

namespace IamOnboard.AwsSdk;

/// <summary>Temporary credentials from AssumeRole. Holds its secrets as <see cref="SecureString"/>; ToString shows only the key id and expiry.</summary>
internal sealed class TemporaryCredentials : IDisposable
{
    public TemporaryCredentials(string accessKeyId, SecureString secretAccessKey, SecureString sessionToken, DateTime expiration, string assumedRoleArn)
    {
        AccessKeyId = accessKeyId;
        SecretAccessKey = secretAccessKey;
        SessionToken = sessionToken;
        Expiration = expiration;
        AssumedRoleArn = assumedRoleArn;
    }

    public string AccessKeyId { get; }
    public SecureString SecretAccessKey { get; }
    public SecureString SessionToken { get; }
    public DateTime Expiration { get; }
    public string AssumedRoleArn { get; }

    public AWSCredentials ToSdkCredentials() => SdkCredentials.FromKeys(AccessKeyId, SecretAccessKey, SessionToken);

    public void Dispose()
    {
        SecretAccessKey.Dispose();
        SessionToken.Dispose();
    }

    public override string ToString() => AccessKeyId + " (expires " + Expiration.ToString("u", CultureInfo.InvariantCulture) + ")";
}

/// <summary>STS through AWSSDK.SecurityToken, behind our own types so no SDK type leaks out of the engine.</summary>
internal sealed class StsGateway : IDisposable
{
    private readonly AmazonSecurityTokenServiceClient _client;
    private readonly Lazy<AmazonSecurityTokenServiceClient> _codeClient;
    private readonly AWSCredentials _credentials;
    private readonly SessionNetwork _network;

    public StsGateway(AWSCredentials credentials, string region, string? endpointUrl, int maxAttempts, TimeSpan? timeout = null, SessionNetwork? network = null)
    {
        _credentials = credentials;
        Endpoint = endpointUrl ?? AwsPartition.ForRegion(region).StsEndpointFor(region);
        _network = network ?? SessionNetwork.FromEnvironment();
        var config = SdkClientSettings.Apply(new AmazonSecurityTokenServiceConfig(), "STS", Endpoint, region, maxAttempts, timeout, _network);
        _client = new StsSdkClient(credentials, config);

        // A request with an MFA code gets no resend below the retry policy: AWSSDK.Core resends at once, unseen, when a
        // pooled connection fails in a way it takes for a stale one, which is also how a lost answer looks, and STS,
        // having taken the code, refuses the resend as a wrong code. The retry policy resends it instead, noting the
        // lost answer (StsSdkClient.NoteAttemptWithoutAnswer), so a refusal can say why (MfaCodeTakenByLostAnswerException).
        _codeClient = new Lazy<AmazonSecurityTokenServiceClient>(() =>
        {
            var codeConfig = SdkClientSettings.Apply(new AmazonSecurityTokenServiceConfig(), "STS", Endpoint, region, maxAttempts, timeout, _network);
            codeConfig.MaxStaleConnectionRetries = 0;
            return new StsSdkClient(credentials, codeConfig);
        });
    }

    public string Endpoint { get; }

    public Task<CallerIdentity> GetCallerIdentityAsync(CancellationToken cancellationToken)
        => CallAsync("GetCallerIdentity", async () =>
        {
            var response = await _client.GetCallerIdentityAsync(new GetCallerIdentityRequest(), cancellationToken).ConfigureAwait(false);
            return new CallerIdentity(response.Account, response.Arn, response.UserId);
        }, cancellationToken);

    public Task<TemporaryCredentials> AssumeRoleAsync(string roleArn, string sessionName, string? externalId, TimeSpan? duration, string? mfaSerial, string? tokenCode,
        CancellationToken cancellationToken)
        => CallAsync("AssumeRole", async () =>
        {
            var request = new AssumeRoleRequest { RoleArn = roleArn, RoleSessionName = sessionName };
            if (!string.IsNullOrEmpty(mfaSerial))
            {
                request.SerialNumber = mfaSerial;
                request.TokenCode = tokenCode;
            }

            if (!string.IsNullOrEmpty(externalId))
            {
                request.ExternalId = externalId;
            }

            if (duration is { } value)
            {
                request.DurationSeconds = (int)value.TotalSeconds;
            }

            try
            {
                var client = request.TokenCode is null ? _client : _codeClient.Value;
                var response = await client.AssumeRoleAsync(request, cancellationToken).ConfigureAwait(false);
                return Temporary(response.Credentials, response.AssumedRoleUser?.Arn ?? roleArn);
            }
            catch (AmazonServiceException refused) when (request.TokenCode is not null && StsSdkClient.LostAnswerOf(request) is { } lost
                && refused.Message?.StartsWith("MultiFactorAuthentication failed", StringComparison.Ordinal) == true)
            {
                throw new MfaCodeTakenByLostAnswerException(SdkErrors.Map(refused, "AssumeRole"), lost);
            }
        }, cancellationToken);

    public Task<TemporaryCredentials> AssumeRoleWithWebIdentityAsync(string roleArn, string sessionName, string webIdentityToken, CancellationToken cancellationToken)
        => CallAsync("AssumeRoleWithWebIdentity", async () =>
        {
            var request = new AssumeRoleWithWebIdentityRequest { RoleArn = roleArn, RoleSessionName = sessionName, WebIdentityToken = webIdentityToken };
            var response = await _client.AssumeRoleWithWebIdentityAsync(request, cancellationToken).ConfigureAwait(false);
            return Temporary(response.Credentials, response.AssumedRoleUser?.Arn ?? roleArn);
        }, cancellationToken);

    public void Dispose()
    {
        _client.Dispose();
        if (_codeClient.IsValueCreated)
        {
            _codeClient.Value.Dispose();
        }
    }

    /// <summary>STS's credentials with their secrets protected; an answer without an expiry counts as an hour.</summary>
    private static TemporaryCredentials Temporary(Amazon.SecurityToken.Model.Credentials credentials, string arn) =>
        new(credentials.AccessKeyId,
            SdkCredentials.Protect(credentials.SecretAccessKey),
            SdkCredentials.Protect(credentials.SessionToken),
            credentials.Expiration?.ToUniversalTime() ?? DateTime.UtcNow.AddHours(1),
            arn);

    private async Task<T> CallAsync<T>(string operation, Func<Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (MfaCodeTakenByLostAnswerException)
        {
            throw;
        }
        catch (AmazonServiceException exception) when (exception.StatusCode != 0)
        {
            var mapped = SdkErrors.Map(exception, operation);
            throw SdkErrors.ExpiredWhileValidByThisClock(_credentials, mapped) ?? SdkErrors.SignedWithAClockThatIsOff(mapped) ?? mapped;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception exception) when (exception is not AmazonClientException)
        {
            throw SdkErrors.CredentialFailure(exception, "STS " + operation)
                ?? new IamNetworkException("STS " + operation + " to " + Endpoint + _network.Route.Via(Endpoint) + " got no response: " + SdkErrors.Innermost(exception).Message + SdkErrors.TlsAdvice(exception, _network.CaBundle), operation, Endpoint, exception);
        }
    }
}

/// <summary>
/// AWSSDK.SecurityToken's client with one change to its retries: a request the AWS SDK signed with a clock correction it
/// kept from when this machine's clock was off is sent again once (<see cref="StaleClockCorrection"/>), as IAM's are.
/// </summary>
internal sealed class StsSdkClient : AmazonSecurityTokenServiceClient
{
    public StsSdkClient(AWSCredentials credentials, AmazonSecurityTokenServiceConfig config)
        : base(credentials, config)
    {
    }

    protected override void CustomizeRuntimePipeline(RuntimePipeline pipeline)
    {
        base.CustomizeRuntimePipeline(pipeline);
        RetryPolicy policy = Config.RetryMode == RequestRetryMode.Adaptive ? new StsAdaptiveRetryPolicy(Config) : new StsStandardRetryPolicy(Config);
        pipeline.ReplaceHandler<RetryHandler>(new RetryHandler(policy));
    }

    /// <summary>"STS GetCallerIdentity", for the verbose line of a resend.</summary>
    internal static string Operation(IExecutionContext executionContext)
    {
        var name = executionContext.RequestContext.OriginalRequest?.GetType().Name ?? "request";
        return "STS " + (name.EndsWith("Request", StringComparison.Ordinal) ? name.Substring(0, name.Length - "Request".Length) : name);
    }

    internal static bool ResendsWithCorrectedClock(RetryPolicy policy, IExecutionContext executionContext, Exception exception) =>
        StaleClockCorrection.ResendsSignedAgain(executionContext, exception, "STS", Operation(executionContext), policy.MaxRetries + 1);

    /// <summary>
    /// Requests an attempt of which got no answer that says whether STS applied it (the connection failed or timed out, or
    /// a 5xx, such as a proxy's 504 after it stopped waiting), with what it got instead.
    /// </summary>
    private static readonly ConditionalWeakTable<AmazonWebServiceRequest, string> LostAnswers = new();

    /// <summary>
    /// Notes an attempt that got no answer from STS, before the retry policy decides on a resend: such a request may have
    /// reached STS, which takes an MFA code once, so the resend of an AssumeRole with a code is refused as a wrong code.
    /// </summary>
    internal static void NoteAttemptWithoutAnswer(IExecutionContext executionContext, Exception exception)
    {
        // A request's attempts run one after another: the first lost answer is kept.
        var answered = exception is AmazonServiceException { StatusCode: not 0 } service && (int)service.StatusCode < 500;
        if (!answered && executionContext.RequestContext.OriginalRequest is { } request && !LostAnswers.TryGetValue(request, out _))
        {
            LostAnswers.Add(request, SdkErrors.Innermost(exception).Message);
        }
    }

    /// <summary>What an earlier attempt of <paramref name="request"/> got instead of an answer, or null if every attempt had one.</summary>
    internal static string? LostAnswerOf(AmazonWebServiceRequest request) => LostAnswers.TryGetValue(request, out var lost) ? lost : null;
}

/// <summary>
/// STS refused an AssumeRole's MFA code on a resend, after an attempt whose answer was lost: that attempt may have
/// reached STS and taken the code, whether or not it was right, so the person is told to wait for the next code rather
/// than to give the same "current code" again.
/// </summary>
internal sealed class MfaCodeTakenByLostAnswerException : IamAccessDeniedException
{
    public MfaCodeTakenByLostAnswerException(IamServiceException refused, string lostAnswer)
        : base(refused.Message, refused.ErrorCode, refused.ErrorType, refused.StatusCode, refused.RequestId, refused.Operation, refused.InnerException)
    {
        LostAnswer = lostAnswer;
    }

    /// <summary>What the earlier attempt got instead of STS's answer (a timeout, a connection reset).</summary>
    public string LostAnswer { get; }
}

/// <summary>Standard mode, and a request signed with a stale clock correction sent again once (<see cref="StaleClockCorrection"/>).</summary>
internal sealed class StsStandardRetryPolicy : StandardRetryPolicy
{
    public StsStandardRetryPolicy(IClientConfig config)
        : base(config)
    {
    }

    public override bool RetryForException(IExecutionContext executionContext, Exception exception)
    {
        StsSdkClient.NoteAttemptWithoutAnswer(executionContext, exception);
        return StsSdkClient.ResendsWithCorrectedClock(this, executionContext, exception) || base.RetryForException(executionContext, exception);
    }

    public override async Task<bool> RetryForExceptionAsync(IExecutionContext executionContext, Exception exception)
    {
        StsSdkClient.NoteAttemptWithoutAnswer(executionContext, exception);
        return StsSdkClient.ResendsWithCorrectedClock(this, executionContext, exception) || await base.RetryForExceptionAsync(executionContext, exception).ConfigureAwait(false);
    }

    public override bool OnRetry(IExecutionContext executionContext, bool bypassAcquireCapacity, bool isThrottlingError)
        => base.OnRetry(executionContext, bypassAcquireCapacity || StaleClockCorrection.BypassesQuota(executionContext), isThrottlingError);
}

/// <summary>Adaptive mode, with the same change as <see cref="StsStandardRetryPolicy"/>.</summary>
internal sealed class StsAdaptiveRetryPolicy : AdaptiveRetryPolicy
{
    public StsAdaptiveRetryPolicy(IClientConfig config)
        : base(config)
    {
    }

    public override bool RetryForException(IExecutionContext executionContext, Exception exception)
    {
        StsSdkClient.NoteAttemptWithoutAnswer(executionContext, exception);
        return StsSdkClient.ResendsWithCorrectedClock(this, executionContext, exception) || base.RetryForException(executionContext, exception);
    }

    public override async Task<bool> RetryForExceptionAsync(IExecutionContext executionContext, Exception exception)
    {
        StsSdkClient.NoteAttemptWithoutAnswer(executionContext, exception);
        return StsSdkClient.ResendsWithCorrectedClock(this, executionContext, exception) || await base.RetryForExceptionAsync(executionContext, exception).ConfigureAwait(false);
    }

    public override bool OnRetry(IExecutionContext executionContext, bool bypassAcquireCapacity, bool isThrottlingError)
        => base.OnRetry(executionContext, bypassAcquireCapacity || StaleClockCorrection.BypassesQuota(executionContext), isThrottlingError);
}
