using System.Management.Automation;

namespace IamOnboard.Commands.Infrastructure;

/// <summary>The credentials AWS.Tools' Set-AWSCredential left for the shell, and the name they go by there.</summary>
internal sealed record AwsToolsShellCredentials(object Credentials, string Name)
{
    /// <summary>Where the keys came from, for the session's CredentialSource and verbose output (never a secret).</summary>
    public string Description => $"AWS.Tools' shell credentials ($StoredAWSCredentials, '{Name}', from Set-AWSCredential)";
}

/// <summary>
/// AWS.Tools' shell defaults. Set-AWSCredential (and Initialize-AWSDefaultConfiguration) keep the shell's credentials in
/// $StoredAWSCredentials, Set-DefaultAWSRegion its region in $StoredAWSRegion, and every AWS.Tools cmdlet takes them
/// when it names none of its own, before the environment's keys and the default profile. An admin who switched the
/// shell to another account that way expects the next AWS command at the same prompt to act there: ignoring them
/// signed in with the default profile, perhaps another account.
/// </summary>
internal static class AwsToolsShellDefaults
{
    public const string CredentialsVariable = "StoredAWSCredentials";
    public const string RegionVariable = "StoredAWSRegion";

    /// <summary>
    /// The shell's credentials, or null when none are set. A variable of that name holding something else is not
    /// AWS.Tools' and is left alone, as AWS.Tools leaves it, but said in a warning rather than passed over in silence.
    /// </summary>
    public static AwsToolsShellCredentials? Credentials(PSCmdlet cmdlet)
    {
        var value = Unwrap(cmdlet.SessionState.PSVariable.GetValue(CredentialsVariable));
        if (value is null)
        {
            return null;
        }

        if (value.GetType().FullName != CredentialArgument.AwsToolsShellCredentialsType)
        {
            cmdlet.WriteWarning($"${CredentialsVariable} holds a {value.GetType().FullName}, not the credentials AWS.Tools' Set-AWSCredential stores there: it is not used.");
            return null;
        }

        return new AwsToolsShellCredentials(value, value.ToString() ?? string.Empty);
    }

    /// <summary>The shell's region (Set-DefaultAWSRegion), or null; AWS.Tools stores its system name as a string.</summary>
    public static string? Region(PSCmdlet cmdlet)
    {
        switch (Unwrap(cmdlet.SessionState.PSVariable.GetValue(RegionVariable)))
        {
            case null:
                return null;
            case string region:
                return string.IsNullOrWhiteSpace(region) ? null : region.Trim();
            case var other:
                cmdlet.WriteWarning($"${RegionVariable} holds a {other.GetType().FullName}, not the region name AWS.Tools' Set-DefaultAWSRegion stores there: it is not used.");
                return null;
        }
    }

    private static object? Unwrap(object? value) => value is PSObject wrapped ? wrapped.BaseObject : value;
}
