using System;
using System.Management.Automation;
using System.Security;

namespace IamOnboard.Commands.Transformations;

/// <summary>
/// Lets a SecureString parameter take a plain string, as AWS.Tools' -SecretKey does. The text becomes a read-only
/// SecureString at once; the module holds it in no other form.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class SecureStringFromTextAttribute : ArgumentTransformationAttribute
{
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        var value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
        if (value is not string text)
        {
            return inputData;
        }

        var secure = new SecureString();
        foreach (var c in text)
        {
            secure.AppendChar(c);
        }

        secure.MakeReadOnly();
        return secure;
    }
}
