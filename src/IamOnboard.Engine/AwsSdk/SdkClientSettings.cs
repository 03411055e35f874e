using System;
using System.Collections.Generic;
using Amazon.Runtime;
using IamOnboard.Diagnostics;

namespace IamOnboard.AwsSdk;

/// <summary>
/// The settings every AWS SDK client of the sessions gets (STS, the SSO portal, SSO OIDC). Always an explicit URL: the
/// endpoint settings are resolved once for every service alike (Sessions/ServiceEndpoints.cs, for the profile in use),
/// so an SDK client must not apply its own reading of AWS_ENDPOINT_URL* and the config file, which knows only the
/// default profile. The URL is checked against IAMONBOARD_LOOPBACK_ONLY before any client exists. Requests go through
/// the proxy the environment names, loopback always direct (<see cref="ProxyRoute"/>).
/// </summary>
internal static class SdkClientSettings
{
    public static T Apply<T>(T config, string service, string url, string region, int maxAttempts, TimeSpan? timeout, SessionNetwork network)
        where T : ClientConfig
    {
        LoopbackGuard.Check(url, service, network.Route);
        WithoutSharedFileLookups(config);
        config.HttpClientFactory = new NetworkHttpClientFactory(network);
        config.ServiceURL = url;
        config.AuthenticationRegion = region;
        config.MaxErrorRetry = Math.Max(0, maxAttempts - 1);
        if (timeout is { } value)
        {
            config.Timeout = value;
        }

        return config;
    }

    /// <summary>
    /// Gives every setting AWSSDK.Core would otherwise look up in the shared files a value of its own, so the SDK never
    /// reads them (FallbackInternalConfigurationFactory). Its reader refuses files the AWS CLI reads (<c>key: value</c>, a
    /// comment after a section header) with a message quoting the line, which can be a secret key; and it fails in a
    /// static initializer, which breaks every client for the life of the process, also after the file is fixed.
    /// IamOnboard resolves what it needs from the files itself (Sessions/); these are the SDK's defaults. Settings set
    /// after this call (the retry mode and attempts a session asks for) win.
    /// </summary>
    public static T WithoutSharedFileLookups<T>(T config)
        where T : ClientConfig
    {
        config.DefaultConfigurationMode = DefaultConfigurationMode.Standard;
        config.RetryMode = RequestRetryMode.Standard;
        if (!config.IsMaxErrorRetrySet)
        {
            config.MaxErrorRetry = 2;
        }

        // Endpoints are always explicit (see above): AWS_ENDPOINT_URL* and endpoint_url were applied before, for the
        // profile in use.
        config.IgnoreConfiguredEndpointUrls = true;
        config.UseDualstackEndpoint = false;
        config.UseFIPSEndpoint = false;
        config.EndpointDiscoveryEnabled = false;
        config.AccountIdEndpointMode = AccountIdEndpointMode.PREFERRED;
        config.AuthSchemePreference = new List<string>();
        config.SigV4aSigningRegionSet = new List<string>();
        config.DisableClockSkewCorrection = false;
        config.DisableRequestCompression = false;
        config.RequestMinCompressionSizeBytes = 10240;
        config.RequestChecksumCalculation = RequestChecksumCalculation.WHEN_SUPPORTED;
        config.ResponseChecksumValidation = ResponseChecksumValidation.WHEN_SUPPORTED;
        config.ClientAppId = string.Empty;
        return config;
    }
}
