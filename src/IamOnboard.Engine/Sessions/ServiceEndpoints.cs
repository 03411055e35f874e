using System;
using IamOnboard.Iam;

namespace IamOnboard.Sessions;

/// <summary>
/// Where each service a session talks to is reached, by the SDKs' "service-specific endpoints" rules, highest first:
/// the endpoint given in code (-EndpointUrl); AWS_ENDPOINT_URL_&lt;SERVICE&gt;; AWS_ENDPOINT_URL; the profile's
/// <c>services</c> entry; the profile's <c>endpoint_url</c>. AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true (or, when that is
/// not set, the profile's <c>ignore_configured_endpoint_urls</c>) leaves only the in-code one. Null means AWS's own endpoint.
/// </summary>
internal static class ServiceEndpoints
{
    /// <summary>
    /// The endpoint to reach <paramref name="serviceId"/> at for a caller in <paramref name="region"/>: a configured one
    /// (<see cref="ResolveConfigured"/>), else the FIPS endpoint when <c>use_fips_endpoint</c> (or AWS_USE_FIPS_ENDPOINT)
    /// is true, else null for AWS's own. As in the AWS CLI, an endpoint given or configured beats the FIPS setting. A
    /// FIPS or dual-stack setting IamOnboard cannot follow is an error, never a request sent to another endpoint than
    /// the one asked for.
    /// </summary>
    public static string? Resolve(string serviceId, string? explicitUrl, ConfigSection? profile, SharedConfigFiles? files, string region)
    {
        var configured = ResolveConfigured(serviceId, explicitUrl, profile, files);
        if (configured is not null)
        {
            return configured;
        }

        if (Flag("AWS_USE_DUALSTACK_ENDPOINT", "use_dualstack_endpoint", profile) is { Value: true } dualStack)
        {
            throw new OnboardConfigurationException(dualStack.Origin + " asks for AWS's dual-stack (IPv6) endpoints. IamOnboard does not choose them: "
                + "AWS's published endpoint rules for IAM's have changed between versions. Name the endpoint of " + serviceId + " with "
                + EnvironmentVariable(serviceId) + " (or a services section of the profile), or set it to false.");
        }

        if (Flag("AWS_USE_FIPS_ENDPOINT", "use_fips_endpoint", profile) is not { Value: true } fips)
        {
            return null;
        }

        var partition = AwsPartition.ForRegion(region);
        return partition.FipsEndpoint(serviceId, region)
            ?? throw new OnboardConfigurationException(fips.Origin + " asks for FIPS endpoints, but IamOnboard knows no FIPS endpoint of " + serviceId
                + " in partition " + partition.Name + " (region " + region + "): it sends no request to another endpoint than the one asked for. Name the endpoint with "
                + EnvironmentVariable(serviceId) + " (or a services section of the profile), or set it to false.");
    }

    /// <summary>A true/false setting, the environment's before the profile's, and where it was read; null when unset.</summary>
    private static (bool Value, string Origin)? Flag(string variable, string key, ConfigSection? profile)
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(variable);
        var (value, origin) = !string.IsNullOrWhiteSpace(fromEnvironment)
            ? (fromEnvironment!, variable)
            : (profile?[key], key + " in profile '" + profile?.Name + "'");
        if (value is null)
        {
            return null;
        }

        // botocore reads anything but "true" as false; a value that is neither is a typo to report, not a setting to drop.
        return value.Trim().ToLowerInvariant() switch
        {
            "true" => (true, origin + " = true"),
            "false" => (false, origin + " = false"),
            _ => throw new OnboardConfigurationException(origin + " is '" + value.Trim() + "'; it takes true or false, as in the AWS CLI."),
        };
    }

    private static string EnvironmentVariable(string serviceId) => "AWS_ENDPOINT_URL_" + serviceId.ToUpperInvariant().Replace(' ', '_').Replace('-', '_');

    /// <summary>The service as named in environment variables (IAM, STS, SSO) and, lower-cased, in a services section.</summary>
    public static string? ResolveConfigured(string serviceId, string? explicitUrl, ConfigSection? profile, SharedConfigFiles? files)
    {
        if (!string.IsNullOrEmpty(explicitUrl))
        {
            return Checked(explicitUrl!, "-EndpointUrl");
        }

        // The environment beats the profile both ways: AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=false keeps a profile's
        // endpoints although the profile says to ignore them (botocore's reading: only "true" is true).
        var ignoreFromEnvironment = Environment.GetEnvironmentVariable("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
        var ignore = string.IsNullOrWhiteSpace(ignoreFromEnvironment) ? IsTrue(profile?["ignore_configured_endpoint_urls"]) : IsTrue(ignoreFromEnvironment);
        if (ignore)
        {
            return null;
        }

        var perService = Environment.GetEnvironmentVariable(EnvironmentVariable(serviceId));
        if (!string.IsNullOrEmpty(perService))
        {
            return Checked(perService!, EnvironmentVariable(serviceId));
        }

        var global = Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL");
        if (!string.IsNullOrEmpty(global))
        {
            return Checked(global!, "AWS_ENDPOINT_URL");
        }

        var servicesName = profile?["services"];
        var serviceKey = serviceId.ToLowerInvariant().Replace(' ', '_').Replace('-', '_');
        var services = servicesName is null ? null : files?.Services(servicesName);
        if (servicesName is not null && files is not null && services is null)
        {
            // As botocore (InvalidConfigError): a misspelt name would otherwise send the call to AWS's own endpoint, another
            // account than the emulator or VPC endpoint the section names.
            throw new OnboardConfigurationException("Profile '" + profile?.Name + "' says services = " + servicesName + ", but " + files.ConfigPath + " has no [services " + servicesName
                + "] section: correct the name or add the section. No call goes to AWS's own " + serviceId + " endpoint in its place; the AWS CLI refuses the profile too "
                + "(\"The profile is configured to use the services section but the \"" + servicesName + "\" services configuration does not exist.\").");
        }

        var fromSection = services?.Nested(serviceKey, "endpoint_url");
        if (fromSection is not null)
        {
            return Checked(fromSection, "endpoint_url of " + serviceKey + " in services '" + servicesName + "' (profile '" + profile?.Name + "')");
        }

        return profile?["endpoint_url"] is { } fromProfile ? Checked(fromProfile, "endpoint_url in profile '" + profile.Name + "'") : null;
    }

    /// <summary>
    /// <paramref name="url"/> when it is an absolute http:// or https:// URL; <paramref name="origin"/> names where it was
    /// given. The SDK reports a host without its scheme (127.0.0.1:4566, iam.amazonaws.com) as an invalid ServiceURL
    /// naming neither the parameter nor the fix, and takes localhost:4566 for a URL of scheme "localhost"; the AWS CLI
    /// refuses both too ("Invalid endpoint").
    /// </summary>
    public static string Checked(string url, string origin)
    {
        if (Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) && uri.Host.Length > 0)
        {
            return url;
        }

        var trimmed = url.Trim();

        var example = trimmed.Contains("://") ? "https://iam.amazonaws.com, or http://127.0.0.1:4566 for a local endpoint" : "https://" + trimmed + ", or http://" + trimmed + " for a local endpoint without TLS";
        throw new OnboardConfigurationException(origin + " '" + trimmed + "' is not an http:// or https:// URL. Give the whole URL with its scheme, such as " + example + ".");
    }

    private static bool IsTrue(string? value) => string.Equals(value?.Trim(), "true", StringComparison.OrdinalIgnoreCase);
}
