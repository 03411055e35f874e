using System;
using System.Globalization;
using IamOnboard.Iam;
using IamOnboard.Sessions.Internal;

namespace IamOnboard.Sessions;

/// <summary>A live connection to one AWS account: who we are, where, and the IAM client to use. Holds no plain secret in a public property.</summary>
public sealed class OnboardSession : IDisposable
{
    private readonly StsGateway _sts;

    internal OnboardSession(IamClient iam, StsGateway sts, CallerIdentity caller, AwsPartition partition, string region, string? endpointUrl,
        string credentialSource, string? accountAlias, DateTimeOffset connectedAt)
    {
        Iam = iam;
        _sts = sts;
        AccountId = caller.Account;
        CallerArn = caller.Arn;
        CallerUserId = caller.UserId;
        IsRootCaller = caller.IsRoot;
        Partition = partition.Name;
        Region = region;
        EndpointUrl = endpointUrl;
        CredentialSource = credentialSource;
        AccountAlias = accountAlias;
        ConsoleSignInUrl = "https://" + (accountAlias ?? caller.Account) + "." + partition.SignInHost + "/console";
        ConnectedAt = connectedAt;
    }

    public string AccountId { get; }
    public string CallerArn { get; }
    public string CallerUserId { get; }
    /// <summary>The caller uses the account's root credentials (its ARN ends in <c>:root</c>).</summary>
    public bool IsRootCaller { get; }
    /// <summary><c>aws</c>, <c>aws-cn</c> or <c>aws-us-gov</c>.</summary>
    public string Partition { get; }
    public string Region { get; }
    /// <summary>The explicit endpoint in use, or null for AWS's own.</summary>
    public string? EndpointUrl { get; }
    /// <summary>Where the credentials came from, in words (never the credentials).</summary>
    public string CredentialSource { get; }
    /// <summary>The account's first alias, or null when it has none or we may not list them.</summary>
    public string? AccountAlias { get; }
    public string ConsoleSignInUrl { get; }
    public IamClient Iam { get; }

    /// <summary>The most IAM requests in flight at once for everything using this session (-ThrottleLimit).</summary>
    public RequestBudget RequestBudget => Iam.Budget;
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
