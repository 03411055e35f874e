using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;

namespace IamOnboard.Commands.Transformations;

/// <summary>
/// Lets a name parameter bind from text only (a string, or a whole number such as an all-digit user name), never from
/// an object's ToString(): without it, `Import-OnboardCsv f.csv | New-OnboardGroup` would make a group named after the
/// .NET type, and `$group | Remove-OnboardUser` would target the group's name as a user.
/// </summary>
/// <remarks>
/// The refusal carries a PSInvalidCastException, which PowerShell's pipeline binder treats as "this input does not
/// bind by value" and moves on: an object with a matching property still binds by property name, and one without is
/// reported as an input object that cannot be bound to any parameter. On the command line, and for a property that
/// holds an object, the refusal is the binding error, naming the object's type.
/// </remarks>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class TextOnlyAttribute : ArgumentTransformationAttribute
{
    /// <summary>
    /// The property that names an object (UserName): an object that has it as text binds as that name, on the command
    /// line as from the pipeline (`Test-OnboardAccess $user`, as `$user | Test-OnboardAccess`).
    /// </summary>
    public string? NameProperty { get; set; }

    /// <summary>A file or directory (Get-Item, Get-ChildItem output) binds as its full path.</summary>
    public bool TakesFiles { get; set; }

    /// <summary>
    /// A user from New-OnboardUser (and the pipeline's pumps) is left as it is, for the cmdlet's -InputObject: the
    /// binder's first pass then skips this parameter by type, where a refusal would cost an exception per piped user.
    /// Should the binder ever convert it to text, its ToString() is its name.
    /// </summary>
    public bool LeavesUserObjects { get; set; }

    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        var value = Unwrap(inputData);
        if (value is null || IsText(value) || (LeavesUserObjects && value is OnboardUser))
        {
            return inputData;
        }

        // A list of names on the command line (-UserName a, b) binds to a string[] parameter.
        if (value is IEnumerable items and not IDictionary)
        {
            var names = new List<object?>();
            foreach (var item in items)
            {
                names.Add(Unwrap(item) is null ? null : Name(item));
            }

            return names.ToArray();
        }

        return Name(inputData!);
    }

    private object Name(object item)
    {
        var value = Unwrap(item)!;
        if (IsText(value))
        {
            return value;
        }

        if (TakesFiles && value is FileSystemInfo file)
        {
            return file.FullName;
        }

        if (NameProperty is not null && Unwrap(PSObject.AsPSObject(item).Properties[NameProperty]?.Value) is string name)
        {
            return name;
        }

        throw Refusal(item);
    }

    private static object? Unwrap(object? inputData) => inputData is PSObject wrapped ? wrapped.BaseObject : inputData;

    private static bool IsText(object value) =>
        value is string or char or byte or sbyte or short or ushort or int or uint or long or ulong;

    private ArgumentTransformationMetadataException Refusal(object value)
    {
        // A PSObject's first type name says what it is (Deserialized.…, a Select-Object result, a CSV row).
        var type = value is PSObject { TypeNames.Count: > 0 } wrapped ? wrapped.TypeNames[0] : Unwrap(value)!.GetType().FullName;
        var wanted = NameProperty is null ? "give the name as text" : $"give the name as text, or an object with a {NameProperty} property";
        var message = $"An object of type {type} is not a name: {wanted}.";
        return new ArgumentTransformationMetadataException(message, new PSInvalidCastException(message));
    }
}
