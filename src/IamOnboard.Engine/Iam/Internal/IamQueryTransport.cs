using System;
using System.Globalization;
using System.Net.Http;
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

    public IamQueryTransport(IamClientOptions options, AWSCredentials credentials)
    {
        if (options.MaxAttempts < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "MaxAttempts must be at least 1.");
        }

        var config = CreateConfig(options);
        _maxAttempts = options.MaxAttempts;
        Endpoint = config.ResolvedEndpoint;
        Diagnostics.LoopbackGuard.Check(Endpoint, "IAM");
        _client = new IamSdkClient(credentials, config);

        // Below the retry policy, AWSSDK.Core 4 resends a request at once when the connection fails in a way it takes
        // for a stale keep-alive connection (MaxStaleConnectionRetries), and .NET's HTTP stack may replay a request that
        // failed on a reused connection before any response byte. For a create whose response was dropped after IAM
        // applied it, either resend is a duplicate (a second access key). Creates therefore get no stale-connection
        // retries and travel on connections never reused: one extra handshake per create buys an honest "response lost".
        var createConfig = CreateConfig(options);
        createConfig.MaxStaleConnectionRetries = 0;
        createConfig.HttpClientFactory = new FreshConnectionHttpClientFactory();
        _createClient = new IamSdkClient(credentials, createConfig);
    }

    private static IamSdkConfig CreateConfig(IamClientOptions options)
    {
        var config = new IamSdkConfig(options.Partition, options.EndpointUrl)
        {
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

    public async Task<XElement?> SendAsync(string action, QueryParameters parameters, OperationKind kind, CancellationToken cancellationToken)
    {
        var request = new IamQueryRequest(action, parameters, kind, _maxAttempts);
        try
        {
            var client = kind == OperationKind.Create ? _createClient : _client;
            var response = await client.SendAsync(request, cancellationToken).ConfigureAwait(false);
            return response.Result;
        }
        catch (AmazonServiceException exception) when (IamRetryRules.HasResponse(exception))
        {
            if (kind == OperationKind.Delete && request.AnAttemptLostItsResponse && exception.ErrorCode == IamErrorCodes.NoSuchEntity)
            {
                OnboardLog.Current.Debug("IAM " + action + ": NoSuchEntity after an attempt whose response was lost; that attempt did the delete.");
                return null;
            }

            var mapped = SdkErrors.Map(exception, action);
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
            var cause = SdkErrors.Innermost(exception).Message;
            if (request.ResponseLostNotRetried)
            {
                OnboardLog.Current.Debug("IAM " + action + ": response lost after the request was sent; not retried, to avoid a duplicate.");
                throw new IamResponseLostException(string.Format(CultureInfo.InvariantCulture,
                    "IAM {0} to {1}: the connection failed after the request was sent ({2}), so IAM may have applied it. It was not retried, to avoid a duplicate; check what exists before repeating it.",
                    action, Endpoint, cause), action, Endpoint, exception);
            }

            throw new IamNetworkException(string.Format(CultureInfo.InvariantCulture,
                "IAM {0} to {1} got no response after {2} attempt(s): {3}", action, Endpoint, _maxAttempts, cause), action, Endpoint, exception);
        }
    }

    public void Dispose()
    {
        _client.Dispose();
        _createClient.Dispose();
    }
}

/// <summary>An HttpClient that closes every connection after its response, so no request is ever sent on a reused connection.</summary>
internal sealed class FreshConnectionHttpClientFactory : HttpClientFactory
{
    public override HttpClient CreateHttpClient(IClientConfig clientConfig)
    {
        var handler = new HttpClientHandler();
        var proxy = clientConfig.GetWebProxy();
        if (proxy is not null)
        {
            handler.Proxy = proxy;
            handler.UseProxy = true;
        }

        var client = new HttpClient(handler, disposeHandler: true) { Timeout = clientConfig.Timeout ?? TimeSpan.FromSeconds(100) };
        client.DefaultRequestHeaders.ConnectionClose = true;
        return client;
    }

    public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => true;

    public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => false;

    public override string GetConfigUniqueString(IClientConfig clientConfig) => "IamOnboard-fresh-connection:" + base.GetConfigUniqueString(clientConfig);
}
