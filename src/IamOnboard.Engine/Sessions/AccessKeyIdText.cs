using System.Text.RegularExpressions;

namespace IamOnboard.Sessions;

/// <summary>
/// How an access key id given by the user is shown in verbose output and messages. An AWS access key id is not a
/// secret, but the value given as one may be the secret key itself (the two swapped): a value not shaped like an id
/// is never shown. Other IAM emulators accept any id ("test"), so the shape is not a reason to refuse one.
/// </summary>
public static class AccessKeyIdText
{
    // IAM's own type for an access key id (16 to 128 word characters), as AWS issues them: upper-case letters and digits.
    private static readonly Regex IdShape = new("^[A-Z0-9]{16,128}$", RegexOptions.CultureInvariant);

    // What AWS issues: AKIA (long-term) or ASIA (temporary) and 16 more.
    private static readonly Regex AwsIdShape = new("^A[KS]IA[A-Z0-9]{16}$", RegexOptions.CultureInvariant);

    public static string ForDisplay(string accessKeyId) =>
        IdShape.IsMatch(accessKeyId) ? accessKeyId : $"(a value of {accessKeyId.Length} characters, not shown: it is not shaped like an access key id)";

    /// <summary>What an error record's target says of -AccessKey: an error's target is shown by Get-Error and the classic error view.</summary>
    public static string? ForErrorTarget(string? accessKeyId) => accessKeyId is null ? null : ForDisplay(accessKeyId);

    public static bool LooksLikeAwsKeyId(string value) => AwsIdShape.IsMatch(value);
}
