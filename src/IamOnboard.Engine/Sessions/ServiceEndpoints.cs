using System;

namespace IamOnboard.Sessions;

/// <summary>
/// Where each service a session talks to is reached, by the SDKs' "service-specific endpoints" rules, highest first:
/// the endpoint given in code (-EndpointUrl); AWS_ENDPOINT_URL_&lt;SERVICE&gt;; AWS_ENDPOINT_URL; the profile's
/// <c>services</c> entry; the profile's <c>endpoint_url</c>. AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true (or the profile's
/// <c>ignore_configured_endpoint_urls</c>) leaves only the in-code one. Null means AWS's own endpoint.
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

        if (IsTrue(Environment.GetEnvironmentVariable("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")) || IsTrue(profile?["ignore_configured_endpoint_urls"]))
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
