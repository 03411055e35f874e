using System;
using System.IO;
using System.Runtime.CompilerServices;

namespace IamOnboard.Tests;

/// <summary>
/// AWSSDK.Core fixes the shared files' paths at its first use in the process, from the environment of that moment. The
/// tests pin them to empty temporary files before any test runs, so the SDK's credential chain never reads the
/// machine's own ~/.aws, and a test can write what the SDK reads.
/// </summary>
internal static class SdkSharedFiles
{
#pragma warning disable CA2255 // A test assembly's one setup of process-wide SDK state, before any test.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void PinToTemporaryFiles()
    {
        var folder = Path.Combine(Path.GetTempPath(), "iamonboard-env-sdk-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        // The SDK takes a variable's path only when the file exists.
        File.WriteAllText(Path.Combine(folder, "credentials"), string.Empty);
        File.WriteAllText(Path.Combine(folder, "config"), string.Empty);
        var saved = (Credentials: Environment.GetEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE"), Config: Environment.GetEnvironmentVariable("AWS_CONFIG_FILE"));
        Environment.SetEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE", Path.Combine(folder, "credentials"));
        Environment.SetEnvironmentVariable("AWS_CONFIG_FILE", Path.Combine(folder, "config"));
        try
        {
            _ = Amazon.Runtime.CredentialManagement.SharedCredentialsFile.DefaultFilePath;
        }
        finally
        {
            Environment.SetEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE", saved.Credentials);
            Environment.SetEnvironmentVariable("AWS_CONFIG_FILE", saved.Config);
        }

        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(folder, recursive: true);
    }
}
