using System.Management.Automation;
using System.Security;
using IamOnboard.Commands.Infrastructure;
using IamOnboard.Commands.Transformations;
using IamOnboard.Sessions;

namespace IamOnboard.Commands;

/// <summary>
/// The connection parameters in this cmdlet's parameter sets (the rules: <see cref="OnboardCmdletBase"/>): -Session,
/// mandatory, in each set's WithSession twin; the credentials of one call in ByName and Pipeline. The attributes
/// repeat the base's, as PowerShell reads an overriding property's own attributes only.
/// </summary>
public sealed partial class NewOnboardUserCommand
{
    [Parameter(Mandatory = true, ParameterSetName = ParameterSets.ByNameWithSession)]
    [Parameter(Mandatory = true, ParameterSetName = ParameterSets.PipelineWithSession)]
    public override OnboardSession? Session { get; set; }

    [Parameter(ParameterSetName = ParameterSets.ByName)]
    [Parameter(ParameterSetName = ParameterSets.Pipeline)]
    [ArgumentCompleter(typeof(ProfileNameCompleter))]
    [ValidateNotNullOrEmpty]
    public override string? ProfileName { get; set; }

    [Parameter(ParameterSetName = ParameterSets.ByName)]
    [Parameter(ParameterSetName = ParameterSets.Pipeline)]
    [ValidateNotNullOrEmpty]
    public override string? ProfileLocation { get; set; }

    [Parameter(ParameterSetName = ParameterSets.ByName)]
    [Parameter(ParameterSetName = ParameterSets.Pipeline)]
    [ValidateNotNullOrEmpty]
    public override string? AccessKey { get; set; }

    [Parameter(ParameterSetName = ParameterSets.ByName)]
    [Parameter(ParameterSetName = ParameterSets.Pipeline)]
    [SecureStringFromText]
    public override SecureString? SecretKey { get; set; }

    [Parameter(ParameterSetName = ParameterSets.ByName)]
    [Parameter(ParameterSetName = ParameterSets.Pipeline)]
    [SecureStringFromText]
    public override SecureString? SessionToken { get; set; }

    [Parameter(ParameterSetName = ParameterSets.ByName)]
    [Parameter(ParameterSetName = ParameterSets.Pipeline)]
    [ValidatePattern("^[0-9]{6}$")]
    public override string? TokenCode { get; set; }

    [Parameter(ParameterSetName = ParameterSets.ByName)]
    [Parameter(ParameterSetName = ParameterSets.Pipeline)]
    [AwsCredentialArgument]
    [ValidateNotNull]
    public override object? Credential { get; set; }
}
