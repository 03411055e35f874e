namespace IamOnboard.Rules;

/// <summary>IAM's default account quotas (the values <c>GetAccountSummary</c> reports on a fresh account).</summary>
public static class IamLimits
{
    public const int UsersPerAccount = 5000;
    public const int GroupsPerAccount = 300;
    public const int GroupsPerUser = 10;
    public const int ManagedPoliciesPerUser = 10;
    public const int ManagedPoliciesPerGroup = 10;
    public const int AccessKeysPerUser = 2;
    public const int LoginProfilesPerUser = 1;

    /// <summary>MFA devices of any type per user.</summary>
    public const int MfaDevicesPerUser = 8;

    /// <summary>Aggregate size of all inline policies of one user, in non-whitespace characters.</summary>
    public const int InlinePolicyAggregateSizePerUser = 2048;

    /// <summary>Aggregate size of all inline policies of one group, in non-whitespace characters.</summary>
    public const int InlinePolicyAggregateSizePerGroup = 5120;

    /// <summary>Aggregate size of all inline policies of one role, in non-whitespace characters.</summary>
    public const int InlinePolicyAggregateSizePerRole = 10240;

    /// <summary>Size of one managed policy document, in non-whitespace characters.</summary>
    public const int ManagedPolicyDocumentSize = 6144;

    /// <summary>Versions a customer managed policy keeps, the default included.</summary>
    public const int ManagedPolicyVersions = 5;

    /// <summary>Tags on one user.</summary>
    public const int TagsPerUser = 50;

    /// <summary>The model's hard cap on any policy document parameter, whitespace included.</summary>
    public const int PolicyDocumentParameterMaxLength = 131072;
}
