using System.Management.Automation;
using System.Security;
using IamOnboard.Commands.Transformations;
using IamOnboard.Sessions;

namespace IamOnboard.Commands.Infrastructure;

/// <summary>
/// The base of the cmdlets that take a user by name or as an object from the pipeline: parameter sets ByName and
/// ByUser, each with its WithSession twin (the rules: <see cref="OnboardCmdletBase"/>). The connection parameters in
/// those sets are declared here once; every attribute is repeated, as PowerShell reads an overriding property's own
/// attributes only.
/// </summary>
public abstract class ByNameOrUserCmdletBase : OnboardCmdletBase
{
    /// <summary>The user is named (-UserName).</summary>
    protected internal const string ByNameSet = "ByName";

    /// <summary>The user comes as an object (-InputObject, from the pipeline).</summary>
    protected internal const string ByUserSet = "ByUser";

    /// <summary>
    /// Only the ByUser sets bind an OnboardUser from the pipeline, and a -UserName given on the command line rules them
    /// out: `New-OnboardGroup G | Add-OnboardGroupMember -UserName u` pipes groups, and a pump sent there would fail
    /// to bind (InputObjectNotBound).
    /// </summary>
    internal override bool TakesPumps => !MyInvocation.BoundParameters.ContainsKey("UserName");

    [Parameter(Mandatory = true, ParameterSetName = ByNameSet + WithSession)]
    [Parameter(Mandatory = true, ParameterSetName = ByUserSet + WithSession)]
    [Transformations.LiveSession]
    public override OnboardSession? Session { get; set; }

    [Parameter(ParameterSetName = ByNameSet)]
    [Parameter(ParameterSetName = ByUserSet)]
    [ArgumentCompleter(typeof(ProfileNameCompleter))]
    [ValidateNotNullOrEmpty]
    [Alias("StoredCredentials", "AWSProfileName")]
    public override string? ProfileName { get; set; }

    [Parameter(ParameterSetName = ByNameSet)]
    [Parameter(ParameterSetName = ByUserSet)]
    [ValidateNotNullOrEmpty]
    [Alias("ProfilesLocation", "AWSProfilesLocation")]
    public override string? ProfileLocation { get; set; }

    [Parameter(ParameterSetName = ByNameSet)]
    [Parameter(ParameterSetName = ByUserSet)]
    [ValidateNotNullOrEmpty]
    [Alias("AK")]
    public override string? AccessKey { get; set; }

    [Parameter(ParameterSetName = ByNameSet)]
    [Parameter(ParameterSetName = ByUserSet)]
    [SecureStringFromText]
    [Alias("SK", "SecretAccessKey")]
    public override SecureString? SecretKey { get; set; }

    [Parameter(ParameterSetName = ByNameSet)]
    [Parameter(ParameterSetName = ByUserSet)]
    [SecureStringFromText]
    [Alias("ST")]
    public override SecureString? SessionToken { get; set; }

    [Parameter(ParameterSetName = ByNameSet)]
    [Parameter(ParameterSetName = ByUserSet)]
    [ValidatePattern("^[0-9]{6}$")]
    public override string? TokenCode { get; set; }

    [Parameter(ParameterSetName = ByNameSet)]
    [Parameter(ParameterSetName = ByUserSet)]
    [AwsCredentialArgument]
    [ValidateNotNull]
    public override object? Credential { get; set; }
}
