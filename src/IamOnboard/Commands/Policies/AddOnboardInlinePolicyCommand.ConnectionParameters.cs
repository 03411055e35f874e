using System.Management.Automation;
using System.Security;
using IamOnboard.Commands.Infrastructure;
using IamOnboard.Commands.Transformations;
using IamOnboard.Sessions;

namespace IamOnboard.Commands;

/// <summary>
/// The connection parameters in this cmdlet's parameter sets (the rules: <see cref="OnboardCmdletBase"/>): -Session,
/// mandatory, in each set's WithSession twin; the credentials of one call in UserDocument, UserFile, GroupDocument and GroupFile. The attributes
/// repeat the base's, as PowerShell reads an overriding property's own attributes only.
/// </summary>
public sealed partial class AddOnboardInlinePolicyCommand
{
    [Parameter(Mandatory = true, ParameterSetName = ParameterSets.UserDocumentWithSession)]
    [Parameter(Mandatory = true, ParameterSetName = ParameterSets.UserFileWithSession)]
    [Parameter(Mandatory = true, ParameterSetName = ParameterSets.GroupDocumentWithSession)]
    [Parameter(Mandatory = true, ParameterSetName = ParameterSets.GroupFileWithSession)]
    public override OnboardSession? Session { get; set; }

    [Parameter(ParameterSetName = ParameterSets.UserDocument)]
    [Parameter(ParameterSetName = ParameterSets.UserFile)]
    [Parameter(ParameterSetName = ParameterSets.GroupDocument)]
    [Parameter(ParameterSetName = ParameterSets.GroupFile)]
    [ArgumentCompleter(typeof(ProfileNameCompleter))]
    [ValidateNotNullOrEmpty]
    public override string? ProfileName { get; set; }

    [Parameter(ParameterSetName = ParameterSets.UserDocument)]
    [Parameter(ParameterSetName = ParameterSets.UserFile)]
    [Parameter(ParameterSetName = ParameterSets.GroupDocument)]
    [Parameter(ParameterSetName = ParameterSets.GroupFile)]
    [ValidateNotNullOrEmpty]
    public override string? ProfileLocation { get; set; }

    [Parameter(ParameterSetName = ParameterSets.UserDocument)]
    [Parameter(ParameterSetName = ParameterSets.UserFile)]
    [Parameter(ParameterSetName = ParameterSets.GroupDocument)]
    [Parameter(ParameterSetName = ParameterSets.GroupFile)]
    [ValidateNotNullOrEmpty]
    public override string? AccessKey { get; set; }

    [Parameter(ParameterSetName = ParameterSets.UserDocument)]
    [Parameter(ParameterSetName = ParameterSets.UserFile)]
    [Parameter(ParameterSetName = ParameterSets.GroupDocument)]
    [Parameter(ParameterSetName = ParameterSets.GroupFile)]
    [SecureStringFromText]
    public override SecureString? SecretKey { get; set; }

    [Parameter(ParameterSetName = ParameterSets.UserDocument)]
    [Parameter(ParameterSetName = ParameterSets.UserFile)]
    [Parameter(ParameterSetName = ParameterSets.GroupDocument)]
    [Parameter(ParameterSetName = ParameterSets.GroupFile)]
    [SecureStringFromText]
    public override SecureString? SessionToken { get; set; }

    [Parameter(ParameterSetName = ParameterSets.UserDocument)]
    [Parameter(ParameterSetName = ParameterSets.UserFile)]
    [Parameter(ParameterSetName = ParameterSets.GroupDocument)]
    [Parameter(ParameterSetName = ParameterSets.GroupFile)]
    [ValidatePattern("^[0-9]{6}$")]
    public override string? TokenCode { get; set; }

    [Parameter(ParameterSetName = ParameterSets.UserDocument)]
    [Parameter(ParameterSetName = ParameterSets.UserFile)]
    [Parameter(ParameterSetName = ParameterSets.GroupDocument)]
    [Parameter(ParameterSetName = ParameterSets.GroupFile)]
    [AwsCredentialArgument]
    [ValidateNotNull]
    public override object? Credential { get; set; }
}
