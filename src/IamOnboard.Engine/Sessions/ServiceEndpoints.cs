using System;

namespace IamOnboard.Sessions;

/// <summary>
/// Where each service a session talks to is reached, by the SDKs' "service-specific endpoints" rules, highest first:
/// the endpoint given in code (-EndpointUrl); AWS_ENDPOINT_URL_&lt;SERVICE&gt;; AWS_ENDPOINT_URL; the profile's
/// <c>services</c> entry; the profile's <c>endpoint_url</c>. AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true (or, when that is
/// not set, the profile's <c>ignore_configured_endpoint_urls</c>) leaves only the in-code one. Null means AWS's own endpoint.
/// </summary>
internal static class ServiceEndpoints
{
    /// <summary>The service as named in environment variables (IAM, STS, SSO) and, lower-cased, in a services section.</summary>
    public static string? Resolve(string serviceId, string? explicitUrl, ConfigSection? profile, SharedConfigFiles? files)
    {
        if (!string.IsNullOrEmpty(explicitUrl))
        {
            return explicitUrl;
        }

        // The environment beats the profile both ways: AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=false keeps a profile's
        // endpoints although the profile says to ignore them (botocore's reading: only "true" is true).
        var ignoreFromEnvironment = Environment.GetEnvironmentVariable("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
        var ignore = string.IsNullOrWhiteSpace(ignoreFromEnvironment) ? IsTrue(profile?["ignore_configured_endpoint_urls"]) : IsTrue(ignoreFromEnvironment);
        if (ignore)
        {
            return null;
        }

        var perService = Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL_" + serviceId.ToUpperInvariant().Replace(' ', '_').Replace('-', '_'));
        if (!string.IsNullOrEmpty(perService))
        {
            return perService;
        }

        var global = Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL");
        if (!string.IsNullOrEmpty(global))
        {
            return global;
        }

        var servicesName = profile?["services"];
        var fromSection = servicesName is null ? null : files?.Services(servicesName)?.Nested(serviceId.ToLowerInvariant().Replace(' ', '_').Replace('-', '_'), "endpoint_url");
        return fromSection ?? profile?["endpoint_url"];
    }

    private static bool IsTrue(string? value) => string.Equals(value?.Trim(), "true", StringComparison.OrdinalIgnoreCase);
}
