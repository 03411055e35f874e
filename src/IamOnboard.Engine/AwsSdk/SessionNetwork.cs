namespace IamOnboard.AwsSdk;

/// <summary>
/// How a session reaches AWS, fixed when it connects: the proxy (-ProxyUrl, else the environment's, loopback always
/// direct) and the certificate authorities trusted besides the system's. Every SDK client of the session uses it,
/// also those that renew its credentials later.
/// </summary>
internal sealed class SessionNetwork
{
    public SessionNetwork(ProxyRoute route, CaBundle? caBundle)
    {
        Route = route;
        CaBundle = caBundle;
    }

    public ProxyRoute Route { get; }

    public CaBundle? CaBundle { get; }

    /// <summary>The environment's proxies and the system's trust alone, for a client made outside a session.</summary>
    public static SessionNetwork FromEnvironment() => new(ProxyRoute.FromEnvironment(), null);
}
