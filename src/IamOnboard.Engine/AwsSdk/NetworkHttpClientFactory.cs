using System.Globalization;
using System.Net;
using System.Net.Http;
using Amazon.Runtime;

namespace IamOnboard.AwsSdk;

/// <summary>
/// The HttpClients of every SDK client a session uses (IAM, STS, the SSO portal, SSO OIDC): as AWSSDK.Core builds
/// them (HttpRequestMessageFactory.CreateManagedHttpClient), with the session's <see cref="ProxyRoute"/> instead of
/// .NET's default proxy, which reads the proxy variables its own way and sends even loopback requests to the proxy;
/// and with the profile's <see cref="CaBundle"/> trusted besides the system's certificate authorities.
/// </summary>
internal sealed class NetworkHttpClientFactory : HttpClientFactory
{
    private readonly ProxyRoute _route;
    private readonly CaBundle? _caBundle;

    public NetworkHttpClientFactory(SessionNetwork network)
    {
        _route = network.Route;
        _caBundle = network.CaBundle;
    }

    public override HttpClient CreateHttpClient(IClientConfig clientConfig)
    {
        var handler = new HttpClientHandler
        {
            AllowAutoRedirect = clientConfig.AllowAutoRedirect,
            AutomaticDecompression = DecompressionMethods.None,
            Proxy = _route,
            UseProxy = true,
        };
        if (_caBundle is not null)
        {
            handler.ServerCertificateCustomValidationCallback = _caBundle.Validate;
        }

        if (clientConfig.MaxConnectionsPerServer is { } maxConnections)
        {
            handler.MaxConnectionsPerServer = maxConnections;
        }

        var client = new HttpClient(handler);
        if (clientConfig.Timeout is { } timeout)
        {
            client.Timeout = timeout;
        }

        return client;
    }

    /// <summary>
    /// Clients with equal settings share HttpClients (and so pooled connections) process-wide, as AWSSDK.Core's own
    /// cache does; the route is part of the key. A route with a proxy password is not keyed: its HttpClients stay with
    /// the one SDK client.
    /// </summary>
    public override string? GetConfigUniqueString(IClientConfig clientConfig)
    {
        if (_route.HasCredentials)
        {
            return null;
        }

        return string.Join("|",
            "IamOnboard",
            clientConfig.AllowAutoRedirect.ToString(),
            clientConfig.HttpClientCacheSize.ToString(CultureInfo.InvariantCulture),
            clientConfig.Timeout?.Ticks.ToString(CultureInfo.InvariantCulture) ?? "-",
            clientConfig.MaxConnectionsPerServer?.ToString(CultureInfo.InvariantCulture) ?? "-",
            _route.Description,
            _caBundle?.Fingerprint ?? "system trust");
    }
}
