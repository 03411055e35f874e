using System;
using Amazon.Runtime;
using IamOnboard.Diagnostics;

namespace IamOnboard.AwsSdk;

/// <summary>
/// The settings every AWS SDK client of the sessions gets (STS, the SSO portal, SSO OIDC). Always an explicit URL: the
/// endpoint settings are resolved once for every service alike (Sessions/ServiceEndpoints.cs, for the profile in use),
/// so an SDK client must not apply its own reading of AWS_ENDPOINT_URL* and the config file, which knows only the
/// default profile. The URL is checked against IAMONBOARD_LOOPBACK_ONLY before any client exists.
/// </summary>
internal static class SdkClientSettings
{
    public static T Apply<T>(T config, string service, string url, string region, int maxAttempts, TimeSpan? timeout)
        where T : ClientConfig
    {
        LoopbackGuard.Check(url, service);
        config.ServiceURL = url;
        config.AuthenticationRegion = region;
        config.MaxErrorRetry = Math.Max(0, maxAttempts - 1);
        if (timeout is { } value)
        {
            config.Timeout = value;
        }

        return config;
    }
}
