using System;
using System.Collections;
using System.Linq;
using System.Management.Automation;
using IamOnboard.Input;

namespace IamOnboard.Commands.Transformations;

/// <summary>Lets a string array bind from a CSV cell of <c>a;b;c</c>, as well as from an array.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class SemicolonListAttribute : ArgumentTransformationAttribute
{
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        var value = Unwrap(inputData);
        return value switch
        {
            null => Array.Empty<string>(),
            string text => ListText.Split(text).ToArray(),
            IEnumerable items => items.Cast<object?>().Select(Unwrap)
                .SelectMany(item => item is string s ? ListText.Split(s) : item is null ? Array.Empty<string>() : new[] { item.ToString() ?? string.Empty })
                .ToArray(),
            _ => new[] { value.ToString() ?? string.Empty },
        };
    }

    private static object? Unwrap(object? inputData) => inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
}
