using System;
using System.Collections.Generic;
using System.Linq;
using Amazon;
using Amazon.Runtime.CredentialManagement;

namespace IamOnboard.Sessions;

/// <summary>Names offered by tab completion: the profiles in the shared credentials/config files and the SDK's regions.</summary>
public static class AwsCatalogs
{
    /// <summary>Profile names from the shared files (honouring AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE).</summary>
    public static IReadOnlyList<string> ListProfileNames()
    {
        try
        {
            // The files are named again on every call: the SDK remembers the locations it saw first, and tab
            // completion must follow AWS_SHARED_CREDENTIALS_FILE when the user points it elsewhere mid-session.
            return new CredentialProfileStoreChain(Environment.GetEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE")).ListProfiles()
                .Select(profile => profile.Name)
                .Distinct(StringComparer.Ordinal)
                .OrderBy(name => name, StringComparer.OrdinalIgnoreCase)
                .ToList();
        }
        catch (Exception exception) when (exception is System.IO.IOException or UnauthorizedAccessException or FormatException)
        {
            // A broken or unreadable file must not break tab completion.
            return Array.Empty<string>();
        }
    }

    /// <summary>Every region the SDK knows, by system name (us-east-1, cn-north-1, us-gov-west-1, ...).</summary>
    public static IReadOnlyList<string> ListRegionNames() =>
        RegionEndpoint.EnumerableAllRegions.Select(region => region.SystemName).OrderBy(name => name, StringComparer.Ordinal).ToList();
}
