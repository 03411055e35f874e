using System;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using System.Xml.Linq;
using Amazon.Runtime;
using Amazon.Runtime.Internal;
using IamOnboard.AwsSdk;
using IamOnboard.Diagnostics;

namespace IamOnboard.Iam.Internal;

/// <summary>The SDK service client for IAM: the SDK's pipeline (credentials, SigV4, retries, logging) with our marshaller, unmarshaller and retry rules.</summary>
internal sealed class IamSdkClient : AmazonServiceClient
{
    public IamSdkClient(AWSCredentials credentials, IamSdkConfig config)
        : base(credentials, config)
    {
    }

    protected override IServiceMetadata ServiceMetadata => IamServiceMetadata.Instance;

    // AWSConfigs.LoggingConfig.LogResponses would otherwise let the SDK log response bodies, and CreateAccessKey and
    // CreateVirtualMFADevice bodies carry the secret key and the MFA seed. Request bodies (passwords) are not logged.
    protected override bool SupportResponseLogging => false;

    public Task<IamQueryResponse> SendAsync(IamQueryRequest request, CancellationToken cancellationToken)
        => InvokeAsync<IamQueryResponse>(request, new InvokeOptions { RequestMarshaller = IamQueryMarshaller.Instance, ResponseUnmarshaller = IamQueryUnmarshaller.Instance }, cancellationToken);

    protected override void CustomizeRuntimePipeline(RuntimePipeline pipeline)
    {
        RetryPolicy policy = Config.RetryMode == RequestRetryMode.Adaptive ? new IamAdaptiveRetryPolicy(Config) : new IamStandardRetryPolicy(Config);
        pipeline.ReplaceHandler<RetryHandler>(new RetryHandler(policy));
        pipeline.AddHandlerAfter<RetryHandler>(new IamAttemptHandler());
        pipeline.AddHandlerBefore<EndpointResolver>(new IamAuthSchemeHandler());
    }
}

/// <summary>Sends one awsQuery action and returns its result element, or throws the mapped <see cref="IamServiceException"/>.</summary>
internal sealed class IamQueryTransport : IDisposable
{
    private readonly IamSdkClient _client;
    private readonly IamSdkClient _createClient;
    private readonly int _maxAttempts;
    private readonly AWSCredentials _credentials;
    private readonly ProxyRoute _route;
    private readonly CaBundle? _caBundle;

    public IamQueryTransport(IamClientOptions options, AWSCredentials credentials)
    {
        _credentials = credentials;
        if (options.MaxAttempts < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "MaxAttempts must be at least 1.");
        }

        var network = options.Network ?? SessionNetwork.FromEnvironment();
        _route = network.Route;
        _caBundle = network.CaBundle;
        var config = CreateConfig(options, network);
        _maxAttempts = options.MaxAttempts;
        Endpoint = config.ResolvedEndpoint;
        Diagnostics.LoopbackGuard.Check(Endpoint, "IAM", _route);
        _client = new IamSdkClient(credentials, config);

        // Below the retry policy, AWSSDK.Core 4 resends a request at once when the connection fails in a way it takes
        // for a stale keep-alive connection (MaxStaleConnectionRetries). For a create whose response was dropped after
        // IAM applied it, that resend is a duplicate (a second access key), so creates get none. They still share the
        // pooled keep-alive connections: .NET's HTTP stack resends a request on a fresh connection only if the reused one
        // ended before any of the request's body was sent (IamQueryRequest never asks for Expect: 100-continue), and
        // IAM cannot have applied a request whose body it never got. IamClientResilienceTests pins both.
        var createConfig = CreateConfig(options, network);
        createConfig.MaxStaleConnectionRetries = 0;
        _createClient = new IamSdkClient(credentials, createConfig);
    }

    private static IamSdkConfig CreateConfig(IamClientOptions options, SessionNetwork network)
    {
        var config = new IamSdkConfig(options.Partition, options.EndpointUrl)
        {
            HttpClientFactory = new NetworkHttpClientFactory(network),
            MaxErrorRetry = options.MaxAttempts - 1,
            RetryMode = options.RetryMode == IamRetryMode.Adaptive ? RequestRetryMode.Adaptive : RequestRetryMode.Standard,
        };
        if (options.Timeout is { } timeout)
        {
            config.Timeout = timeout;
        }

        return config;
    }

    public string Endpoint { get; }

    /// <summary>IAM's time, as the Date headers of its answers to this client tell it.</summary>
    public ServiceClock ServiceClock { get; } = new();

    public async Task<XElement?> SendAsync(string action, QueryParameters parameters, OperationKind kind, CancellationToken cancellationToken)
    {
        var request = new IamQueryRequest(action, parameters, kind, _maxAttempts) { ServiceClock = ServiceClock };
        try
        {
            var client = kind == OperationKind.Create ? _createClient : _client;
            var response = await client.SendAsync(request, cancellationToken).ConfigureAwait(false);
            return response.Result;
        }
        catch (AmazonServiceException exception) when (IamRetryRules.HasResponse(exception))
        {
            if (request.ResponseLostNotRetried)
            {
                OnboardLog.Current.Debug("IAM " + action + ": " + IamAttemptHandler.Describe(exception) + " after the request was sent; not retried, to avoid a duplicate.");
                throw new IamResponseLostException(string.Format(CultureInfo.InvariantCulture,
                    "IAM {0} to {1} answered HTTP {2}, which does not say whether IAM applied the request. It was not retried, to avoid a duplicate; check what exists before repeating it.",
                    action, Endpoint, (int)exception.StatusCode), action, Endpoint, exception);
            }

            if (kind == OperationKind.Delete && request.AnAttemptLostItsResponse && exception.ErrorCode == IamErrorCodes.NoSuchEntity)
            {
                OnboardLog.Current.Debug("IAM " + action + ": NoSuchEntity after an attempt whose response was lost; that attempt did the delete.");
                return null;
            }

            var mapped = SdkErrors.Map(exception, action);
            mapped = SdkErrors.ExpiredWhileValidByThisClock(_credentials, mapped) ?? SdkErrors.SignedWithAClockThatIsOff(mapped) ?? mapped;
            if (request.AnAttemptLostItsResponse || exception.StatusCode >= System.Net.HttpStatusCode.InternalServerError || mapped is IamThrottlingException)
            {
                OnboardLog.Current.Debug("IAM " + action + " failed: " + IamAttemptHandler.Describe(exception));
            }

            throw mapped;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception exception) when (exception is not IamServiceException)
        {
            if (SdkErrors.CredentialFailure(exception, "IAM " + action) is { } credentials)
            {
                throw credentials;
            }

            var cause = SdkErrors.Innermost(exception).Message;
            if (request.ResponseLostNotRetried)
            {
                OnboardLog.Current.Debug("IAM " + action + ": response lost after the request was sent; not retried, to avoid a duplicate.");
                throw new IamResponseLostException(string.Format(CultureInfo.InvariantCulture,
                    "IAM {0} to {1}: the connection failed after the request was sent ({2}), so IAM may have applied it. It was not retried, to avoid a duplicate; check what exists before repeating it.",
                    action, Endpoint, cause), action, Endpoint, exception);
            }

            throw new IamNetworkException(string.Format(CultureInfo.InvariantCulture,
                "IAM {0} to {1}{2} got no response after {3} attempt(s): {4}{5}", action, Endpoint, _route.Via(Endpoint), _maxAttempts, cause, SdkErrors.TlsAdvice(exception, _caBundle)), action, Endpoint, exception);
        }
    }

    public void Dispose()
    {
        _client.Dispose();
        _createClient.Dispose();
    }
}
