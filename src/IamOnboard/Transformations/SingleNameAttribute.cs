using System;
using System.Collections;
using System.Globalization;
using System.Linq;
using System.Management.Automation;

namespace IamOnboard.Commands.Transformations;

/// <summary>
/// A parameter that names one user or group, given a list (<c>New-OnboardUser ana,ben</c>): refused naming the list and
/// how to give several, where PowerShell alone says "Cannot convert 'System.Object[]' to the type 'System.String'". A
/// list of one is that one name. Goes after <see cref="TextOnlyAttribute"/>, which turns a list's objects into names.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class SingleNameAttribute : ArgumentTransformationAttribute
{
    /// <param name="parameter">The parameter, as the message names it (UserName).</param>
    /// <param name="several">How to give several, a sentence in which {0} stands for the names given, quoted and
    /// separated by commas (For several users, pipe them: {0} | New-OnboardUser).</param>
    public SingleNameAttribute(string parameter, string several)
    {
        Parameter = parameter;
        Several = several;
    }

    public string Parameter { get; }

    public string Several { get; }

    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        var value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
        if (value is null or string or IDictionary || value is not IEnumerable list)
        {
            return inputData;
        }

        var items = list.Cast<object?>().ToList();
        if (items.Count == 1)
        {
            return items[0];
        }

        var names = items.Select(item => $"'{item}'");
        var shown = items.Count <= 5 ? string.Join(", ", names) : string.Join(", ", names.Take(5)) + ", ...";
        throw new ArgumentTransformationMetadataException(
            $"-{Parameter} takes one name, and {items.Count} were given ({shown}). " + string.Format(CultureInfo.InvariantCulture, Several, shown));
    }
}
