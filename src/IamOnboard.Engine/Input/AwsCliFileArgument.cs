using System;
using IamOnboard.Onboarding;

namespace IamOnboard.Input;

/// <summary>
/// The AWS CLI's way to take a parameter's value from a file, <c>file://PATH</c> (text) or <c>fileb://PATH</c> (bytes),
/// as in <c>aws iam put-user-policy --policy-document file://policy.json</c>. Admins type it out of habit; a policy
/// cannot start with it, so it always means the file.
/// </summary>
public static class AwsCliFileArgument
{
    // fileb:// first: file:// is not its prefix, but the order keeps the longer one from ever being cut short.
    private static readonly string[] Prefixes = { "fileb://", "file://" };

    /// <summary>
    /// The path after the prefix, as the AWS CLI takes it (file:///tmp/p.json is /tmp/p.json, file://p.json is p.json,
    /// relative to the current location); null when the value does not start with either prefix. A prefix with no
    /// path after it is refused, naming <paramref name="field"/>.
    /// </summary>
    public static string? PathIn(string value, string field)
    {
        var text = value.TrimStart();
        foreach (var prefix in Prefixes)
        {
            if (text.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                var path = text.Substring(prefix.Length).TrimEnd();
                if (path.Length == 0)
                {
                    throw new OnboardInputException("PolicyFileUnreadable", field, value.Trim(),
                        $"{field}: '{value.Trim()}' names no file; give the policy file's path after {prefix}, as in {prefix}policy.json.");
                }

                return path;
            }
        }

        return null;
    }
}
