using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using IamOnboard.Input;

namespace IamOnboard.Commands.Transformations;

/// <summary>
/// Lets a switch bind from a CSV cell: true/false, yes/no, y/n, 1/0, on/off, or empty (false).
/// Anything else is refused with the value in the message.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class FlexibleSwitchAttribute : ArgumentTransformationAttribute
{
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        var value = Unwrap(inputData);
        switch (value)
        {
            case null:
                return new SwitchParameter(false);
            case bool flag:
                return new SwitchParameter(flag);
            case SwitchParameter switchParameter:
                return switchParameter;
            case int number when number is 0 or 1:
                return new SwitchParameter(number == 1);
            case string text when FlexibleBoolean.TryParse(text, out var parsed):
                return new SwitchParameter(parsed);
            default:
                throw new ArgumentTransformationMetadataException(
                    $"'{value}' is not a yes/no value: use true or false, yes or no, 1 or 0, or leave the cell empty.");
        }
    }

    internal static object? Unwrap(object? inputData) => inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
}

/// <summary>Lets a string array bind from a CSV cell of <c>a;b;c</c>, as well as from an array.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class SemicolonListAttribute : ArgumentTransformationAttribute
{
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        var value = FlexibleSwitchAttribute.Unwrap(inputData);
        return value switch
        {
            null => Array.Empty<string>(),
            string text => ListText.Split(text).ToArray(),
            IEnumerable items => items.Cast<object?>().Select(FlexibleSwitchAttribute.Unwrap)
                .SelectMany(item => item is string s ? ListText.Split(s) : item is null ? Array.Empty<string>() : new[] { item.ToString() ?? string.Empty })
                .ToArray(),
            _ => new[] { value.ToString() ?? string.Empty },
        };
    }
}

/// <summary>Lets -Tag bind from a hashtable or from a CSV cell of <c>key=value;key2=value2</c>.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class TagTableAttribute : ArgumentTransformationAttribute
{
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        var value = FlexibleSwitchAttribute.Unwrap(inputData);
        switch (value)
        {
            case null:
                return new Hashtable();
            case IDictionary dictionary:
                return dictionary;
            case string text:
                if (!TagText.TryParse(text, out var tags, out var error))
                {
                    throw new ArgumentTransformationMetadataException($"'{text}' is not a tag list ({error}). Write key=value;key2=value2.");
                }

                var table = new System.Collections.Specialized.OrderedDictionary(StringComparer.OrdinalIgnoreCase);
                foreach (var tag in tags)
                {
                    table[tag.Key] = tag.Value;
                }

                return table;
            default:
                throw new ArgumentTransformationMetadataException($"A {value.GetType().Name} is not a tag list: give a hashtable or key=value;key2=value2.");
        }
    }

    /// <summary>The tags of a bound -Tag value, in order.</summary>
    internal static IReadOnlyList<KeyValuePair<string, string>> ToPairs(IDictionary? tags) =>
        tags is null
            ? Array.Empty<KeyValuePair<string, string>>()
            : tags.Cast<DictionaryEntry>()
                .Select(e => new KeyValuePair<string, string>(Convert.ToString(FlexibleSwitchAttribute.Unwrap(e.Key), System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty,
                    Convert.ToString(FlexibleSwitchAttribute.Unwrap(e.Value), System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty))
                .ToList();
}
