using System;

namespace IamOnboard.Iam;

/// <summary>How the SDK retries throttled and failed calls.</summary>
public enum IamRetryMode
{
    /// <summary>Exponential backoff with jitter.</summary>
    Standard,
    /// <summary>Standard plus a client-side token bucket that slows all calls down while IAM throttles.</summary>
    Adaptive,
}

/// <summary>An AWS partition: where IAM lives and how requests to it are signed.</summary>
public sealed class AwsPartition
{
    public static readonly AwsPartition Aws = new("aws", "https://iam.amazonaws.com", "us-east-1", "signin.aws.amazon.com", "amazonaws.com");
    public static readonly AwsPartition China = new("aws-cn", "https://iam.cn-north-1.amazonaws.com.cn", "cn-north-1", "signin.amazonaws.cn", "amazonaws.com.cn");
    public static readonly AwsPartition UsGov = new("aws-us-gov", "https://iam.us-gov.amazonaws.com", "us-gov-west-1", "signin.amazonaws-us-gov.com", "amazonaws.com");

    // The isolated partitions have their own IAM and STS hosts and no public console sign-in host.
    public static readonly AwsPartition Iso = new("aws-iso", "https://iam.us-iso-east-1.c2s.ic.gov", "us-iso-east-1", null, "c2s.ic.gov");
    public static readonly AwsPartition IsoB = new("aws-iso-b", "https://iam.us-isob-east-1.sc2s.sgov.gov", "us-isob-east-1", null, "sc2s.sgov.gov");
    public static readonly AwsPartition IsoE = new("aws-iso-e", "https://iam.eu-isoe-west-1.cloud.adc-e.uk", "eu-isoe-west-1", null, "cloud.adc-e.uk");
    public static readonly AwsPartition IsoF = new("aws-iso-f", "https://iam.us-isof-south-1.csp.hci.ic.gov", "us-isof-south-1", null, "csp.hci.ic.gov");

    // The AWS European Sovereign Cloud: IAM's endpoint and signing region as AWS's IAM endpoint rules give them. Its
    // console sign-in host is not in AWS's published models, so no sign-in link is made rather than a guessed one.
    public static readonly AwsPartition EuropeanSovereignCloud = new("aws-eusc", "https://iam.eusc-de-east-1.amazonaws.eu", "eusc-de-east-1", null, "amazonaws.eu");

    private AwsPartition(string name, string iamEndpoint, string signingRegion, string? signInHost, string dnsSuffix)
    {
        Name = name;
        IamEndpoint = iamEndpoint;
        SigningRegion = signingRegion;
        SignInHost = signInHost;
        DnsSuffix = dnsSuffix;
    }

    /// <summary><c>aws</c>, <c>aws-cn</c>, <c>aws-us-gov</c>, <c>aws-eusc</c> or one of the ISO partitions.</summary>
    public string Name { get; }
    /// <summary>IAM's one global endpoint in this partition.</summary>
    public string IamEndpoint { get; }
    /// <summary>The region IAM requests are signed for, whatever region the caller works in.</summary>
    public string SigningRegion { get; }
    /// <summary>Host suffix of the console sign-in URL: <c>https://{alias or account}.{SignInHost}/console</c>; null where there is none.</summary>
    public string? SignInHost { get; }

    /// <summary>The domain of the partition's regional endpoints: <c>https://{service}.{region}.{DnsSuffix}</c>.</summary>
    public string DnsSuffix { get; }

    /// <summary>The regional STS endpoint for <paramref name="region"/>.</summary>
    public string StsEndpointFor(string region) => RegionalEndpoint("sts", region);

    /// <summary>A service's regional endpoint, e.g. <c>portal.sso</c> (IAM Identity Center's portal) or <c>oidc</c> (SSO OIDC).</summary>
    public string RegionalEndpoint(string hostPrefix, string region) => "https://" + hostPrefix + "." + region + "." + DnsSuffix;

    /// <summary>
    /// The FIPS endpoint of a service (IAM, STS, SSO, SSO OIDC) for a caller in <paramref name="region"/>, as AWS's
    /// published endpoint rules give it (botocore's endpoint-rule-set files), or null where IamOnboard does not choose
    /// one: where the published rules have changed between botocore versions (the China, ISO and European Sovereign
    /// partitions, IAM Identity Center in GovCloud), or the partition has no FIPS endpoints.
    /// </summary>
    public string? FipsEndpoint(string serviceId, string region) => (Name, serviceId) switch
    {
        ("aws", "IAM") => "https://iam-fips.amazonaws.com",
        ("aws", "STS") => RegionalEndpoint("sts-fips", region),
        ("aws", "SSO") => RegionalEndpoint("portal.sso-fips", region),
        ("aws", "SSO OIDC") => RegionalEndpoint("oidc-fips", region),
        // GovCloud's own IAM and regional STS endpoints are FIPS endpoints themselves.
        ("aws-us-gov", "IAM") => IamEndpoint,
        ("aws-us-gov", "STS") => StsEndpointFor(region),
        _ => null,
    };

    /// <summary>
    /// The partition a region belongs to, by the region patterns of AWS's partitions: <c>cn-*</c> is aws-cn,
    /// <c>us-gov-*</c> aws-us-gov, <c>eusc-*</c> aws-eusc, <c>*-iso-*</c>, <c>*-isob-*</c>, <c>*-isoe-*</c>,
    /// <c>*-isof-*</c> the ISO partitions, anything else aws.
    /// </summary>
    public static AwsPartition ForRegion(string? region)
    {
        if (region is null)
        {
            return Aws;
        }

        if (region.StartsWith("cn-", StringComparison.OrdinalIgnoreCase))
        {
            return China;
        }

        if (region.StartsWith("eusc-", StringComparison.OrdinalIgnoreCase))
        {
            return EuropeanSovereignCloud;
        }

        foreach (var (infix, partition) in new[] { ("-isob-", IsoB), ("-isoe-", IsoE), ("-isof-", IsoF), ("-iso-", Iso) })
        {
            if (region.IndexOf(infix, StringComparison.OrdinalIgnoreCase) >= 0)
            {
                return partition;
            }
        }

        return region.StartsWith("us-gov-", StringComparison.OrdinalIgnoreCase) ? UsGov : Aws;
    }

    public override string ToString() => Name;
}

/// <summary>Settings of an <see cref="IamClient"/>.</summary>
public sealed class IamClientOptions
{
    /// <summary>
    /// Attempts per call, first included. 8 by default: onboarding runs batches into IAM's per-account token bucket and
    /// must not drop rows, and with backoff capped at 20 s eight attempts ride out roughly a minute of throttling
    /// (the SDK's 3 give up within a few seconds).
    /// </summary>
    public const int DefaultMaxAttempts = 8;

    /// <summary>
    /// Sends of one create whose responses were all lost before the onboarding of that item fails. Each loss is looked
    /// into first (does the entity exist? is there a key or device whose secret nobody received?), so a repeat never
    /// makes a duplicate. An answer of unknown outcome (IAM's 500, a proxy's 502 or 504) counts as a loss, so these
    /// creates get as many sends as any call gets attempts.
    /// </summary>
    public const int DefaultLostResponseAttempts = DefaultMaxAttempts;

    /// <summary>The caller's region; it picks the partition (IAM itself is global). Default us-east-1.</summary>
    public string Region { get; init; } = "us-east-1";

    /// <summary>An explicit IAM endpoint (a local endpoint, a VPC endpoint). Requests are still signed for service <c>iam</c> in the partition's signing region.</summary>
    public string? EndpointUrl { get; init; }

    public int MaxAttempts { get; init; } = DefaultMaxAttempts;

    public IamRetryMode RetryMode { get; init; } = IamRetryMode.Standard;

    /// <summary>Per-attempt HTTP timeout; null keeps the SDK's default.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>The session's proxy and extra certificate authorities; null: the environment's proxies and the system's trust.</summary>
    internal AwsSdk.SessionNetwork? Network { get; init; }

    /// <summary>How long after creating an entity a NoSuchEntity about it is taken as eventual consistency and retried.</summary>
    public TimeSpan ReadAfterCreateWindow { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Retries of such a NoSuchEntity (with 0.5, 1, 2, 4 s backoff).</summary>
    public int ReadAfterCreateRetries { get; init; } = 4;

    /// <summary>Sends of a create whose response was lost (see <see cref="DefaultLostResponseAttempts"/>).</summary>
    public int LostResponseAttempts { get; init; } = DefaultLostResponseAttempts;

    /// <summary>Page size sent as MaxItems on List* calls; null lets IAM choose (100).</summary>
    public int? PageSize { get; init; }

    public AwsPartition Partition => AwsPartition.ForRegion(Region);
}
