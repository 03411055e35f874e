using System.Diagnostics.CodeAnalysis;
using System.Linq;

namespace IamOnboard.Iam;

/// <summary>The parts of an IAM ARN (<c>arn:PARTITION:iam::ACCOUNT:user/path/name</c>) that say where an entity lives.</summary>
public static class IamArn
{
    /// <summary>The partition and account of an IAM entity's ARN; false for anything else (empty, another service's).</summary>
    public static bool TryGetAccount(string? arn, [NotNullWhen(true)] out string? partition, [NotNullWhen(true)] out string? account)
    {
        partition = account = null;
        var parts = arn?.Split(new[] { ':' }, 6);
        if (parts is not { Length: 6 } || parts[0] != "arn" || parts[2] != "iam" || parts[1].Length == 0
            || parts[4].Length != 12 || !parts[4].All(c => c is >= '0' and <= '9'))
        {
            return false;
        }

        partition = parts[1];
        account = parts[4];
        return true;
    }
}
