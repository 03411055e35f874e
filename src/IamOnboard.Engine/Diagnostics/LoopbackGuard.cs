using System;
using System.Net;

namespace IamOnboard.Diagnostics;

/// <summary>
/// With IAMONBOARD_LOOPBACK_ONLY=1 (set by the test suite) every client refuses an endpoint that is not loopback, so a
/// test that would reach AWS or any other host fails loudly instead of going out. A host under the reserved
/// <c>.invalid</c> domain (which no DNS resolves) passes when its request goes through a proxy on loopback: the proxy
/// tests' recording proxy answers for such names. Any other host stays refused also through a loopback proxy, which
/// may be a developer's local proxy agent that does go out.
/// </summary>
public static class LoopbackGuard
{
    public const string VariableName = "IAMONBOARD_LOOPBACK_ONLY";

    public static bool IsOn => Environment.GetEnvironmentVariable(VariableName) == "1";

    /// <summary>Throws when the switch is on and <paramref name="url"/> (null: AWS's own endpoint) is not on loopback.</summary>
    public static void Check(string? url, string service, IWebProxy? proxy = null)
    {
        if (!IsOn || IsLoopback(url) || (proxy is not null && url is not null && Uri.TryCreate(url, UriKind.Absolute, out var uri)
                && uri.Host.EndsWith(".invalid", StringComparison.OrdinalIgnoreCase) && IsLoopback(proxy.GetProxy(uri)?.AbsoluteUri)))
        {
            return;
        }

        throw new Sessions.OnboardConfigurationException(VariableName + "=1 refuses " + service + " endpoint '" + (url ?? "AWS") + "': only 127.0.0.1, ::1 and localhost may be reached.");
    }

    private static bool IsLoopback(string? url)
    {
        if (url is null || !Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return false;
        }

        return string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
    }
}
