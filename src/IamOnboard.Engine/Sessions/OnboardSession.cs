using System;
using System.Globalization;
using IamOnboard.Iam;
using IamOnboard.AwsSdk;

namespace IamOnboard.Sessions;

/// <summary>A live connection to one AWS account: who we are, where, and the IAM client to use. Holds no plain secret in a public property.</summary>
public sealed class OnboardSession : IDisposable
{
    private readonly StsGateway _sts;

    internal OnboardSession(IamClient iam, StsGateway sts, SessionSettings settings, CallerIdentity caller, AwsPartition partition, string region,
        string credentialSource, string? accountAlias, DateTimeOffset connectedAt)
    {
        Iam = iam;
        _sts = sts;
        Settings = settings;
        Caller = caller;
        StsEndpointUrl = settings.StsEndpointUrl;
        var endpointUrl = settings.IamEndpointUrl;
        AccountId = caller.Account;
        CallerArn = caller.Arn;
        CallerUserId = caller.UserId;
        IsRootCaller = caller.IsRoot;
        Partition = partition.Name;
        Region = region;
        EndpointUrl = endpointUrl;
        CredentialSource = credentialSource;
        AccountAlias = accountAlias;
        ConsoleSignInUrl = partition.SignInHost is null ? string.Empty : "https://" + (accountAlias ?? caller.Account) + "." + partition.SignInHost + "/console";
        ConnectedAt = connectedAt;
    }

    public string AccountId { get; }
    public string CallerArn { get; }
    public string CallerUserId { get; }
    /// <summary>The caller uses the account's root credentials (its ARN ends in <c>:root</c>).</summary>
    public bool IsRootCaller { get; }
    /// <summary><c>aws</c>, <c>aws-cn</c>, <c>aws-us-gov</c>, <c>aws-eusc</c> or one of the ISO partitions.</summary>
    public string Partition { get; }
    public string Region { get; }
    /// <summary>The configured IAM endpoint in use (-EndpointUrl, AWS_ENDPOINT_URL*, the profile), or null for AWS's own.</summary>
    public string? EndpointUrl { get; }
    /// <summary>The configured STS endpoint, or null for AWS's regional one.</summary>
    public string? StsEndpointUrl { get; }
    /// <summary>Where the credentials came from, in words (never the credentials).</summary>
    public string CredentialSource { get; }
    /// <summary>The account's first alias, or null when it has none or we may not list them.</summary>
    public string? AccountAlias { get; }
    /// <summary>Empty in partitions without a public console sign-in host (the ISO partitions).</summary>
    public string ConsoleSignInUrl { get; }
    /// <summary>The raw IAM client: for the engine only, never handed to PowerShell users.</summary>
    internal IamClient Iam { get; }

    /// <summary>The most IAM requests in flight at once for everything using this session (-ThrottleLimit).</summary>
    public RequestBudget RequestBudget => Iam.Budget;

    /// <summary>What another call may reuse: the credentials, endpoints and retry settings.</summary>
    internal SessionSettings Settings { get; }

    internal CallerIdentity Caller { get; }

    internal StsGateway Sts => _sts;

    public DateTimeOffset ConnectedAt { get; }

    public void Dispose()
    {
        Iam.Dispose();
        _sts.Dispose();
    }

    public override string ToString()
        => string.Format(CultureInfo.InvariantCulture, "{0} in account {1}{2} ({3}, {4}) via {5}", CallerArn, AccountId,
            AccountAlias is null ? string.Empty : " '" + AccountAlias + "'", Partition, EndpointUrl ?? Region, CredentialSource);
}

/// <summary>The parts of a session a per-call variant keeps: credentials, configured endpoints, retry settings.</summary>
internal sealed class SessionSettings
{
    public SessionSettings(Amazon.Runtime.AWSCredentials credentials, string? iamEndpointUrl, string? stsEndpointUrl, int maxAttempts, IamRetryMode retryMode, TimeSpan? timeout, AwsSdk.SessionNetwork? network)
    {
        Credentials = credentials;
        IamEndpointUrl = iamEndpointUrl;
        StsEndpointUrl = stsEndpointUrl;
        MaxAttempts = maxAttempts;
        RetryMode = retryMode;
        Timeout = timeout;
        Network = network;
    }

    public Amazon.Runtime.AWSCredentials Credentials { get; }
    public string? IamEndpointUrl { get; }
    public string? StsEndpointUrl { get; }
    public int MaxAttempts { get; }
    public IamRetryMode RetryMode { get; }
    public TimeSpan? Timeout { get; }

    /// <summary>The proxy and the certificate authorities trusted besides the system's (AWS_CA_BUNDLE or the profile's ca_bundle).</summary>
    public AwsSdk.SessionNetwork? Network { get; }

    public SessionSettings WithEndpoint(string endpointUrl) => new(Credentials, endpointUrl, endpointUrl, MaxAttempts, RetryMode, Timeout, Network);
}
