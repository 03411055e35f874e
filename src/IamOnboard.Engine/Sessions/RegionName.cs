using System.Text.RegularExpressions;

namespace IamOnboard.Sessions;

/// <summary>
/// A region name checked where it is taken, as the AWS CLI checks it: it becomes part of the endpoints' host names and
/// of every signature, and the AWS SDK's own refusal ("not a valid hostname component") names neither where the region
/// came from nor what a region looks like.
/// </summary>
internal static class RegionName
{
    // botocore's validate_region_name: one host name label.
    private static readonly Regex Shape = new(@"\A[a-zA-Z0-9](?:[a-zA-Z0-9\-]{0,61}[a-zA-Z0-9])?\z", RegexOptions.CultureInvariant);

    /// <summary><paramref name="region"/>, or an error naming <paramref name="source"/> (a parameter, a variable or a profile).</summary>
    public static string Checked(string region, string source)
        => Shape.IsMatch(region)
            ? region
            : throw new OnboardConfigurationException(source + ": '" + region + "' is not a region name. Region names are letters, digits and hyphens, like 'us-east-1' or 'eu-west-2'.");
}
