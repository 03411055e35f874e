using System.Management.Automation;
using System.Reflection;
using System.Security;
using IamOnboard.Onboarding;

namespace IamOnboard.Commands.Infrastructure;

/// <summary>Keys read from a -Credential argument; the secret and the token are SecureStrings from the moment they are read.</summary>
internal sealed record KeyCredential(string AccessKey, SecureString SecretKey, SecureString? SessionToken);

/// <summary>
/// Reads -Credential by shape. A PSCredential: the user name is the access key id, the password the secret access key.
/// AWS.Tools' AWSCredentials (from Get-AWSCredential or New-AWSCredential) cannot be bound by type: AWS.Tools loads its
/// own AWSSDK.Core, and ours lives in a private load context, so the same class name is another type. It is read as
/// any object with a GetCredentials() method returning AccessKey, SecretKey and Token, which is what the AWS SDKs'
/// credentials classes have. AWS.Tools' own wrapper, what Set-AWSCredential leaves in $StoredAWSCredentials, holds such
/// an object in a non-public property and is unwrapped first. Anything else is refused, naming its type.
/// </summary>
internal static class CredentialArgument
{
    private const string Accepted = "-Credential takes a PSCredential (user name: the access key id; password: the secret access key) " +
        "or an AWS credentials object with a GetCredentials() method, such as Get-AWSCredential or New-AWSCredential return";

    /// <summary>AWS.Tools' wrapper of the shell's credentials (<c>$StoredAWSCredentials</c>); its ToString() is their name.</summary>
    public const string AwsToolsShellCredentialsType = "Amazon.PowerShell.Common.AWSPSCredentials";

    /// <summary>Reads <paramref name="argument"/>; <paramref name="what"/> names it in errors (the parameter or variable).</summary>
    public static KeyCredential Read(object argument, string what = "-Credential")
    {
        var wrapped = PSObject.AsPSObject(UnwrapAwsToolsShellCredentials(argument));
        var typeName = TypeName(wrapped);
        if (wrapped.BaseObject is PSCredential credential)
        {
            if (string.IsNullOrWhiteSpace(credential.UserName) || credential.Password is null || credential.Password.Length == 0)
            {
                throw Refused("-Credential: the PSCredential needs the access key id as its user name and the secret access key as its password.");
            }

            return new KeyCredential(credential.UserName.Trim(), credential.Password, null);
        }

        if (wrapped.Methods["GetCredentials"] is not { } getCredentials)
        {
            throw Refused($"{Accepted}; a {typeName} is neither.");
        }

        object? keys;
        try
        {
            keys = getCredentials.Invoke();
        }
        catch (MethodInvocationException failed)
        {
            // The message is the provider's (an expired profile, a refused role), never the keys: they were not returned.
            throw Refused($"{what}: GetCredentials() of the {typeName} failed: {(failed.InnerException ?? failed).Message}");
        }

        var read = keys is null ? null : PSObject.AsPSObject(keys);
        var accessKey = read?.Properties["AccessKey"]?.Value as string;
        var secretKey = Secure(read?.Properties["SecretKey"]?.Value);
        if (string.IsNullOrWhiteSpace(accessKey) || secretKey is null)
        {
            throw Refused($"{what}: GetCredentials() of the {typeName} returned no AccessKey and SecretKey. {Accepted}.");
        }

        return new KeyCredential(accessKey!.Trim(), secretKey, Secure(read!.Properties["Token"]?.Value));
    }

    /// <summary>
    /// The AWS credentials object inside AWS.Tools' AWSPSCredentials, which keeps it in an internal property (the same in
    /// AWS.Tools 4 and 5); any other argument as it is.
    /// </summary>
    public static object UnwrapAwsToolsShellCredentials(object argument)
    {
        var value = argument is PSObject wrapped ? wrapped.BaseObject : argument;
        if (value.GetType().FullName != AwsToolsShellCredentialsType)
        {
            return argument;
        }

        var inner = value.GetType().GetProperty("Credentials", BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)?.GetValue(value);
        return inner ?? throw Refused($"AWS.Tools' credentials '{value}' hold no credentials object that can be read. {Accepted}.");
    }

    /// <summary>A string or SecureString property as a read-only SecureString; null when absent or empty.</summary>
    private static SecureString? Secure(object? value)
    {
        switch (value is PSObject wrapped ? wrapped.BaseObject : value)
        {
            case SecureString { Length: > 0 } secure:
                return secure;
            case string { Length: > 0 } text:
                var result = new SecureString();
                foreach (var c in text)
                {
                    result.AppendChar(c);
                }

                result.MakeReadOnly();
                return result;
            default:
                return null;
        }
    }

    private static string TypeName(PSObject wrapped) =>
        wrapped.BaseObject is PSCustomObject ? wrapped.TypeNames[0] : wrapped.BaseObject.GetType().FullName!;

    private static OnboardInputException Refused(string message) => new("UnsupportedCredential", "Credential", null, message);
}
