using System;
using System.Collections.Generic;
using System.Linq;
using Amazon;

namespace IamOnboard.Sessions;

/// <summary>Names offered by tab completion: the profiles in the shared credentials/config files and the SDK's regions.</summary>
public static class AwsCatalogs
{
    /// <summary>
    /// Profile names from the shared files: the paths given (full paths, or ~/...), else AWS_SHARED_CREDENTIALS_FILE,
    /// AWS_CONFIG_FILE and the defaults under HOME.
    /// </summary>
    public static IReadOnlyList<string> ListProfileNames(string? credentialsPath = null, string? configPath = null)
    {
        try
        {
            // The same reading of the files as Connect-Onboard's, afresh on every call: tab completion follows
            // AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE and HOME when the user points them elsewhere mid-session.
            return SharedConfigFiles.Load(credentialsPath, configPath).ProfileNames
                .Distinct(StringComparer.Ordinal)
                .OrderBy(name => name, StringComparer.OrdinalIgnoreCase)
                .ToList();
        }
        catch (Exception exception) when (exception is System.IO.IOException or UnauthorizedAccessException or FormatException or OnboardConfigurationException)
        {
            // A broken or unreadable file must not break tab completion.
            return Array.Empty<string>();
        }
    }

    /// <summary>Every region the SDK knows, by system name (us-east-1, cn-north-1, us-gov-west-1, ...).</summary>
    public static IReadOnlyList<string> ListRegionNames() =>
        RegionEndpoint.EnumerableAllRegions.Select(region => region.SystemName).OrderBy(name => name, StringComparer.Ordinal).ToList();
}
