using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using Amazon.Runtime;
using Amazon.Util;
using IamOnboard.Sessions;

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
        PreemptExpiryTime = CredentialClock.RenewalWindow;
    }

    protected override CredentialsRefreshState GenerateNewCredentials() => GenerateNewCredentialsAsync().GetAwaiter().GetResult();

    protected override async Task<CredentialsRefreshState> GenerateNewCredentialsAsync()
    {
        var startInfo = StartInfo();
        ProcessExecutionResult result;
        try
        {
            result = await AWSSDKUtils.RunProcessAsync(startInfo).ConfigureAwait(false);
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

    /// <summary>
    /// The command as the AWS CLI runs it: on Linux and macOS split into words as a shell splits them (shlex: quotes,
    /// <c>my\ tools</c>) and the program started with those arguments, through no shell, so nothing in it is expanded
    /// ($, globs) or run after a ;. On Windows through cmd.exe, as the SDK's provider ran it.
    /// </summary>
    private ProcessStartInfo StartInfo()
    {
        var start = new ProcessStartInfo
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,
        };
        if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
        {
            start.FileName = "cmd.exe";
            start.Arguments = "/c " + _command;
            return start;
        }

        var words = ShellWords.Split(_command);
        if (words is null || words.Count == 0)
        {
            throw Failure("credential_process cannot be split into words as the AWS CLI splits it (a quote left open, or a backslash at the end).");
        }

        start.FileName = words[0];
        start.Arguments = string.Join(" ", words.Skip(1).Select(QuoteArgument));
        return start;
    }

    /// <summary>
    /// One argument quoted for <see cref="ProcessStartInfo.Arguments"/>, which .NET splits again by the Windows rules
    /// (netstandard2.0 has no ArgumentList): double quotes around it, backslashes doubled before a quote.
    /// </summary>
    private static string QuoteArgument(string argument)
    {
        if (argument.Length > 0 && !argument.Any(c => char.IsWhiteSpace(c) || c == '"' || c == '\\' || c == '\''))
        {
            return argument;
        }

        var quoted = new StringBuilder("\"");
        var backslashes = 0;
        foreach (var c in argument)
        {
            if (c == '\\')
            {
                backslashes++;
                continue;
            }

            // Backslashes are literal unless a quote follows them.
            quoted.Append('\\', c == '"' ? (backslashes * 2) + 1 : backslashes);
            backslashes = 0;
            quoted.Append(c);
        }

        return quoted.Append('\\', backslashes * 2).Append('"').ToString();
    }
}
