using System;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Threading.Tasks;
using Amazon.Runtime;
using Amazon.Util;

namespace IamOnboard.AwsSdk;

/// <summary>
/// A profile's <c>credential_process</c>, its output read as the AWS CLI reads it (Version 1,
/// AccessKeyId, SecretAccessKey, optional SessionToken and Expiration). Our own rather than the SDK's
/// ProcessAWSCredentials, whose errors name no profile and which reports a Version other than 1 with a garbled .NET
/// format error. No message shows what the process printed on standard output: it holds the secret key.
/// </summary>
internal sealed class CredentialProcessCredentials : RefreshingAWSCredentials
{
    private const int SupportedVersion = 1;
    private readonly string _profileName;
    private readonly string _command;

    public CredentialProcessCredentials(string profileName, string command)
    {
        _profileName = profileName;
        _command = command.Trim();
        // As the SDK's provider: new credentials well before the old ones expire, so no request signs with expired ones.
        PreemptExpiryTime = TimeSpan.FromMinutes(5);
    }

    protected override CredentialsRefreshState GenerateNewCredentials() => GenerateNewCredentialsAsync().GetAwaiter().GetResult();

    protected override async Task<CredentialsRefreshState> GenerateNewCredentialsAsync()
    {
        ProcessExecutionResult result;
        try
        {
            result = await AWSSDKUtils.RunProcessAsync(StartInfo()).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            throw Failure("credential_process could not be run: " + exception.Message, exception);
        }

        if (result.ExitCode != 0)
        {
            // Standard error is the process's own report (not logged in, session expired): shown, as the CLI shows it.
            throw Failure("credential_process exited with code " + result.ExitCode.ToString(CultureInfo.InvariantCulture) + ": " + (result.StandardError ?? string.Empty).Trim());
        }

        return Read(result.StandardOutput ?? string.Empty);
    }

    private CredentialsRefreshState Read(string output)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(output);
        }
        catch (JsonException)
        {
            throw Failure("credential_process printed no JSON (" + Expected + "); what it printed is not shown, it may hold secrets.");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Failure("credential_process printed no JSON object (" + Expected + ").");
            }

            if (!root.TryGetProperty("Version", out var version))
            {
                throw Failure("credential_process printed no Version; the supported version is " + SupportedVersion + " (" + Expected + ").");
            }

            if (version.ValueKind != JsonValueKind.Number || !version.TryGetInt32(out var number) || number != SupportedVersion)
            {
                // The AWS CLI: "Unsupported version '2' for credential process provider, supported versions: 1". A number
                // is shown; anything else is not, as it could be anything the process printed.
                var shown = version.ValueKind == JsonValueKind.Number && version.TryGetInt64(out var whole) ? "Version " + whole.ToString(CultureInfo.InvariantCulture) : "a Version that is not a whole number";
                throw Failure("credential_process printed " + shown + ", which is not supported; the supported version is " + SupportedVersion + ".");
            }

            var accessKey = Text(root, "AccessKeyId");
            var secretKey = Text(root, "SecretAccessKey");
            var token = root.TryGetProperty("SessionToken", out var tokenValue) && tokenValue.ValueKind == JsonValueKind.String ? tokenValue.GetString() : null;
            var expiration = DateTime.SpecifyKind(DateTime.MaxValue, DateTimeKind.Utc);
            if (root.TryGetProperty("Expiration", out var expirationValue) && expirationValue.ValueKind != JsonValueKind.Null)
            {
                if (expirationValue.ValueKind != JsonValueKind.String
                    || !DateTimeOffset.TryParse(expirationValue.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var expires))
                {
                    throw Failure("credential_process printed an Expiration that is not an ISO 8601 time (such as 2030-01-31T12:00:00Z).");
                }

                expiration = expires.UtcDateTime;
            }

            return new CredentialsRefreshState(new ImmutableCredentials(accessKey, secretKey, string.IsNullOrEmpty(token) ? null : token), expiration);
        }
    }

    private string Text(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(value.GetString()))
        {
            throw Failure("credential_process printed no " + name + " (" + Expected + ").");
        }

        return value.GetString()!;
    }

    private const string Expected = "expected: {\"Version\": 1, \"AccessKeyId\": ..., \"SecretAccessKey\": ..., \"SessionToken\": ..., \"Expiration\": ...}";

    /// <summary>A ProcessAWSCredentialException, so a failure when the SDK refreshes mid-run is reported as a credentials failure (SdkErrors).</summary>
    private ProcessAWSCredentialException Failure(string what, Exception? inner = null)
        => new("Profile '" + _profileName + "': " + what, inner!);

    /// <summary>The command through the platform's shell, as the SDK's provider ran it: cmd.exe on Windows, sh elsewhere.</summary>
    private ProcessStartInfo StartInfo()
    {
        var windows = RuntimeInformation.IsOSPlatform(OSPlatform.Windows);
        return new ProcessStartInfo
        {
            FileName = windows ? "cmd.exe" : "sh",
            Arguments = windows ? "/c " + _command : "-c \"" + _command.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"",
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,
        };
    }
}
