using System;
using System.Globalization;
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
    private readonly AWSCredentials _credentials;
    private readonly SessionNetwork _network;

    public StsGateway(AWSCredentials credentials, string region, string? endpointUrl, int maxAttempts, TimeSpan? timeout = null, SessionNetwork? network = null)
    {
        _credentials = credentials;
        Endpoint = endpointUrl ?? AwsPartition.ForRegion(region).StsEndpointFor(region);
        _network = network ?? SessionNetwork.FromEnvironment();
        var config = SdkClientSettings.Apply(new AmazonSecurityTokenServiceConfig(), "STS", Endpoint, region, maxAttempts, timeout, _network);
        _client = new StsSdkClient(credentials, config);
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

            var response = await _client.AssumeRoleAsync(request, cancellationToken).ConfigureAwait(false);
            return Temporary(response.Credentials, response.AssumedRoleUser?.Arn ?? roleArn);
        }, cancellationToken);

    public Task<TemporaryCredentials> AssumeRoleWithWebIdentityAsync(string roleArn, string sessionName, string webIdentityToken, CancellationToken cancellationToken)
        => CallAsync("AssumeRoleWithWebIdentity", async () =>
        {
            var request = new AssumeRoleWithWebIdentityRequest { RoleArn = roleArn, RoleSessionName = sessionName, WebIdentityToken = webIdentityToken };
            var response = await _client.AssumeRoleWithWebIdentityAsync(request, cancellationToken).ConfigureAwait(false);
            return Temporary(response.Credentials, response.AssumedRoleUser?.Arn ?? roleArn);
        }, cancellationToken);

    public void Dispose() => _client.Dispose();

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
}

/// <summary>Standard mode, and a request signed with a stale clock correction sent again once (<see cref="StaleClockCorrection"/>).</summary>
internal sealed class StsStandardRetryPolicy : StandardRetryPolicy
{
    public StsStandardRetryPolicy(IClientConfig config)
        : base(config)
    {
    }

    public override bool RetryForException(IExecutionContext executionContext, Exception exception)
        => StsSdkClient.ResendsWithCorrectedClock(this, executionContext, exception) || base.RetryForException(executionContext, exception);

    public override async Task<bool> RetryForExceptionAsync(IExecutionContext executionContext, Exception exception)
        => StsSdkClient.ResendsWithCorrectedClock(this, executionContext, exception) || await base.RetryForExceptionAsync(executionContext, exception).ConfigureAwait(false);

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
        => StsSdkClient.ResendsWithCorrectedClock(this, executionContext, exception) || base.RetryForException(executionContext, exception);

    public override async Task<bool> RetryForExceptionAsync(IExecutionContext executionContext, Exception exception)
        => StsSdkClient.ResendsWithCorrectedClock(this, executionContext, exception) || await base.RetryForExceptionAsync(executionContext, exception).ConfigureAwait(false);

    public override bool OnRetry(IExecutionContext executionContext, bool bypassAcquireCapacity, bool isThrottlingError)
        => base.OnRetry(executionContext, bypassAcquireCapacity || StaleClockCorrection.BypassesQuota(executionContext), isThrottlingError);
}
