using System;
using System.Management.Automation;

namespace IamOnboard.Commands.Transformations;

/// <summary>
/// Lets -Credential take what AWS.Tools users pass. A string is the access key id to ask the secret for, as
/// [Credential] does for a PSCredential parameter; anything else is bound as it is and read by its shape when the
/// command starts (<see cref="Infrastructure.CredentialArgument"/>), where a shape it cannot read gets a clear error.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class AwsCredentialArgumentAttribute : ArgumentTransformationAttribute
{
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        var value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
        return value is string ? new CredentialAttribute().Transform(engineIntrinsics, inputData) : inputData;
    }
}
