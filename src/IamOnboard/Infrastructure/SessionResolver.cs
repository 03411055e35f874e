using System;
using System.Management.Automation;
using System.Security;
using System.Threading;
using System.Threading.Tasks;
using IamOnboard.Onboarding;
using IamOnboard.Sessions;

namespace IamOnboard.Commands.Infrastructure;

/// <summary>The session parameters a cmdlet was given (AWS.Tools' common parameters plus -Session and -TokenCode).</summary>
internal sealed class SessionParameters
{
    public OnboardSession? Session { get; init; }
    public string? ProfileName { get; init; }
    public string? ProfileLocation { get; init; }
    public string? Region { get; init; }
    public string? AccessKey { get; init; }
    public SecureString? SecretKey { get; init; }
    public SecureString? SessionToken { get; init; }
    public string? TokenCode { get; init; }
    public object? Credential { get; init; }
    public string? EndpointUrl { get; init; }

    /// <summary>Whether the call names its own credentials (the parameter binder keeps all of these apart from -Session).</summary>
    public bool NamesCredentials => ProfileName is not null || AccessKey is not null || SecretKey is not null || SessionToken is not null
        || ProfileLocation is not null || TokenCode is not null || Credential is not null;
}

/// <summary>
/// Which session a call runs against, and the one place the root-credential policy and the MFA prompt live.
/// A call never lands in an account or endpoint the user did not name: -Region and -EndpointUrl keep the session's
/// credentials; -ProfileName, -AccessKey or -Credential (and -ProfileLocation or -TokenCode, for the profile the SDK
/// chain picks) make a new session for this call only; nothing named keeps the session.
/// </summary>
internal sealed class SessionResolver
{
    private readonly PSCmdlet _cmdlet;
    private readonly Func<Func<CancellationToken, Task<OnboardSession>>, OnboardSession> _run;

    public SessionResolver(PSCmdlet cmdlet, Func<Func<CancellationToken, Task<OnboardSession>>, OnboardSession> run)
    {
        _cmdlet = cmdlet;
        _run = run;
    }

    /// <summary>The session to use; <paramref name="owned"/> says whether the caller must dispose it after the call.</summary>
    public OnboardSession Resolve(SessionParameters parameters, out bool owned)
    {
        owned = false;
        if (parameters.Session is { } given)
        {
            // -Session with credentials for the call cannot reach here: they are in other parameter sets.
            return WithCallSettings(given, "the session given with -Session", parameters, ref owned);
        }

        RefuseTokenWithoutKeys(parameters);
        if (!parameters.NamesCredentials && ModuleState.Current.DefaultSession is { } fromConnect)
        {
            if (ModuleState.Current.EnvironmentChangedSinceConnect() is var (then, now))
            {
                // The session wins, as AWS.Tools' shell credentials do; but a CLI user who switched AWS_PROFILE means
                // the new account, so the account acted in is said before anything is done.
                _cmdlet.WriteWarning($"The environment now names {now.DescribeApartFrom(then)}, but the session from Connect-Onboard was connected with {then.DescribeApartFrom(now)}: "
                    + $"this command acts as {fromConnect.CallerArn} in account {fromConnect.AccountId}{(fromConnect.AccountAlias is null ? string.Empty : " ('" + fromConnect.AccountAlias + "')")}, as connected. "
                    + "Run Connect-Onboard again to follow the environment, or name the credentials for one command (-ProfileName).");
            }

            return WithCallSettings(fromConnect, "the session from Connect-Onboard", parameters, ref owned);
        }

        if (!parameters.NamesCredentials && ModuleState.OnlyAnotherRunspaceIsConnected())
        {
            // The credential chain here may be another account's (the default profile): the user connected, so the call
            // is meant for that session, which this runspace does not have.
            _cmdlet.ThrowTerminatingError(OnboardErrors.Create("NoSessionInThisRunspace", ErrorCategory.InvalidOperation, null,
                "This runspace has no session from Connect-Onboard, but another runspace of this process has one: ForEach-Object -Parallel, "
                + "thread jobs and new runspaces start without it, and the AWS credential chain here could sign in to another account. "
                + "Pass the session (-Session $using:session, from $session = Connect-Onboard ... or Get-OnboardSession), run Connect-Onboard here, "
                + "or name the credentials for the call (-ProfileName, -AccessKey, -Credential)."));
        }

        var options = new OnboardConnectOptions
        {
            ProfileName = parameters.ProfileName,
            ProfileLocation = parameters.ProfileLocation,
            Region = parameters.Region,
            AccessKey = parameters.AccessKey,
            SecretKey = parameters.SecretKey,
            SessionToken = parameters.SessionToken,
            TokenCode = parameters.TokenCode,
            EndpointUrl = parameters.EndpointUrl,
        };
        if (parameters.Credential is { } credential)
        {
            if (parameters.AccessKey is not null || parameters.SecretKey is not null || parameters.ProfileName is not null)
            {
                var other = parameters.ProfileName is not null ? "-ProfileName" : "-AccessKey and -SecretKey";
                _cmdlet.ThrowTerminatingError(OnboardErrors.Create("CredentialConflict", ErrorCategory.InvalidArgument, "Credential",
                    $"-Credential already carries an access key and its secret: give either -Credential or {other}, not both."));
            }

            ApplyCredential(credential, options);
        }
        else if (!parameters.NamesCredentials)
        {
            ApplyAwsToolsShellCredentials(options);
        }

        options.Region ??= AwsToolsShellDefaults.Region(_cmdlet);
        options.MfaRoleSessions = ModuleState.Current.MfaRoleSessions;
        ResolveFileLocations(options);
        AskForTokenCode(options);
        var session = _run(ct => OnboardSessionFactory.ConnectAsync(options, ct));
        owned = true;
        _cmdlet.WriteVerbose($"A new session for this call only, from {session.CredentialSource}: {session.CallerArn} in account {session.AccountId}"
            + (parameters.NamesCredentials && ModuleState.Current.DefaultSession is not null ? " (the session from Connect-Onboard is left as it is)." : "."));
        EnforceRootPolicy(session, allowRoot: false, "run Connect-Onboard -AllowRootCredential to accept the risk");
        return session;
    }

    /// <summary>
    /// -SessionToken belongs to the temporary keys it came with. Without -AccessKey/-SecretKey or -Credential there are
    /// none for it: the call signed in with a profile's (or the environment's) own keys and the token was dropped unsaid,
    /// as AWS.Tools drops it. Refused, saying what to give; the token itself is never repeated.
    /// </summary>
    private void RefuseTokenWithoutKeys(SessionParameters parameters)
    {
        if (parameters.SessionToken is null || parameters.AccessKey is not null || parameters.SecretKey is not null || parameters.Credential is not null)
        {
            return;
        }

        var instead = parameters.ProfileName is { } profile
            ? $"profile '{profile}' signs in with its own keys, and its own token (aws_session_token) if it has one: leave out -SessionToken, or give the temporary keys with -AccessKey and -SecretKey instead of -ProfileName"
            : "give the temporary keys it belongs to with -AccessKey and -SecretKey (or -Credential), or leave it out to sign in as before";
        _cmdlet.ThrowTerminatingError(OnboardErrors.Create("SessionTokenWithoutKeys", ErrorCategory.InvalidArgument, "SessionToken",
            $"-SessionToken is the token of temporary access keys, but no keys were given with it ({instead}). Nothing was done."));
    }

    private OnboardSession WithCallSettings(OnboardSession session, string what, SessionParameters parameters, ref bool owned)
    {
        if (parameters.Region is null && parameters.EndpointUrl is null)
        {
            _cmdlet.WriteVerbose($"Using {what}: {session.CallerArn} ({session.CredentialSource}).");
            return session;
        }

        // The root policy was applied when the session was made; the same caller in another region needs no new consent.
        var forCall = _run(ct => OnboardSessionFactory.ForCallAsync(session, parameters.Region, parameters.EndpointUrl, ct));
        owned = true;
        _cmdlet.WriteVerbose($"Using {what} for this call in region {forCall.Region}" + (parameters.EndpointUrl is null ? string.Empty : " at " + parameters.EndpointUrl)
            + $": {forCall.CallerArn} in account {forCall.AccountId}.");
        if (forCall.IsRootCaller && !session.IsRootCaller)
        {
            forCall.Dispose();
            EnforceRootPolicy(forCall, allowRoot: false, "run Connect-Onboard -AllowRootCredential to accept the risk");
        }

        return forCall;
    }

    /// <summary>
    /// Gives the engine the shared files as full paths. A relative -ProfileLocation, AWS_SHARED_CREDENTIALS_FILE or
    /// AWS_CONFIG_FILE is PowerShell's current location's, as it is for the AWS CLI started from the same prompt; the
    /// process's directory, which `cd` does not move, would read another folder's files and sign in as someone else.
    /// A leading ~ is left to the engine, which reads it as the CLI does (HOME as it is now).
    /// </summary>
    public void ResolveFileLocations(OnboardConnectOptions options)
    {
        var given = options.ProfileLocation;
        try
        {
            ResolveFileLocations(_cmdlet.SessionState.Path, options);
        }
        catch (OnboardInputException notAFile)
        {
            _cmdlet.ThrowTerminatingError(OnboardErrors.FromException(notAFile, given));
        }
    }

    /// <summary>The same against the session state's paths <paramref name="path"/> (tab completion has no cmdlet).</summary>
    public static void ResolveFileLocations(PathIntrinsics path, OnboardConnectOptions options)
    {
        if (!string.IsNullOrEmpty(options.ProfileLocation))
        {
            // A PowerShell path, as any cmdlet's: a drive such as TestDrive: or Temp: resolves too; another provider's
            // (Env:, Variable:) is refused, not read from the process's directory.
            options.ProfileLocation = IsHomeRelative(options.ProfileLocation!) ? options.ProfileLocation : FileSystemPath.Resolve(path, "ProfileLocation", options.ProfileLocation!);
            options.ProfileLocationGiven = true;
        }
        else
        {
            options.ProfileLocation = FromCurrentLocation(Environment.GetEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE"));
        }

        options.ConfigFile ??= FromCurrentLocation(Environment.GetEnvironmentVariable("AWS_CONFIG_FILE"));

        // The variables hold file-system paths, as the CLI reads them: relative to the current file-system location.
        string? FromCurrentLocation(string? value)
            => string.IsNullOrEmpty(value) || IsHomeRelative(value!) || System.IO.Path.IsPathRooted(value)
                ? value
                : System.IO.Path.GetFullPath(System.IO.Path.Combine(path.CurrentFileSystemLocation.ProviderPath, value));

        static bool IsHomeRelative(string value) => value == "~" || value.StartsWith("~/", StringComparison.Ordinal) || value.StartsWith("~" + System.IO.Path.DirectorySeparatorChar, StringComparison.Ordinal);
    }

    /// <summary>
    /// Puts the keys of a -Credential argument (<see cref="CredentialArgument"/>) into <paramref name="options"/>. A
    /// session token comes from the argument or from -SessionToken; both at once is refused rather than one ignored.
    /// </summary>
    public void ApplyCredential(object credential, OnboardConnectOptions options, string what = "-Credential")
    {
        KeyCredential keys;
        try
        {
            keys = CredentialArgument.Read(credential, what);
        }
        catch (OnboardInputException unreadable)
        {
            _cmdlet.ThrowTerminatingError(OnboardErrors.FromException(unreadable, what.TrimStart('-', '$')));
            return;
        }

        if (keys.SessionToken is not null && options.SessionToken is not null)
        {
            _cmdlet.ThrowTerminatingError(OnboardErrors.Create("CredentialConflict", ErrorCategory.InvalidArgument, "SessionToken",
                "-Credential already carries a session token: leave out -SessionToken."));
        }

        options.AccessKey = keys.AccessKey;
        options.SecretKey = keys.SecretKey;
        options.SessionToken ??= keys.SessionToken;
    }

    /// <summary>
    /// For a call or Connect-Onboard that names no credentials: AWS.Tools' shell credentials, when Set-AWSCredential left
    /// some, come before the environment's keys and the default profile, in that order, as in AWS.Tools.
    /// </summary>
    public void ApplyAwsToolsShellCredentials(OnboardConnectOptions options)
    {
        if (AwsToolsShellDefaults.Credentials(_cmdlet) is not { } shell)
        {
            return;
        }

        ApplyCredential(shell.Credentials, options, "$" + AwsToolsShellDefaults.CredentialsVariable);
        options.KeysOrigin = shell.Description;
    }

    /// <summary>
    /// Refuses the account's root user unless <paramref name="allowRoot"/>; warns when it is allowed. AWS's first IAM
    /// best practice: onboarding runs as an IAM user or role, not as root.
    /// </summary>
    public void EnforceRootPolicy(OnboardSession session, bool allowRoot, string howToAllow)
    {
        if (!session.IsRootCaller)
        {
            return;
        }

        if (!allowRoot)
        {
            session.Dispose();
            _cmdlet.ThrowTerminatingError(OnboardErrors.Create("RootCredentialRefused", ErrorCategory.SecurityError, session.CallerArn,
                "These are the account's root user credentials. AWS's first IAM best practice is not to use the root user for everyday work: " +
                "connect with an IAM user or role that has IAM permissions, or " + howToAllow + "."));
        }

        _cmdlet.WriteWarning("Connected with the account's root user credentials. Prefer an IAM user or role with only the IAM permissions onboarding needs.");
    }

    /// <summary>How many times a person is asked for a code while giving one this runspace has already used.</summary>
    private const int MaxCodePrompts = 3;

    /// <summary>
    /// A role profile with mfa_serial needs the device's current code. On an interactive host it is asked for, as the
    /// AWS CLI and AWS.Tools do; elsewhere (a runbook, a job, pwsh -NonInteractive) the connect fails saying to pass -TokenCode.
    /// A code this runspace has already assumed a role with (another profile of the same device, within the same 30
    /// seconds) would be refused, as STS takes a code once: the person is told so and asked for the next code.
    /// </summary>
    public void AskForTokenCode(OnboardConnectOptions options)
    {
        var serial = OnboardSessionFactory.MfaSerialNeeded(options);
        if (serial is null || !IsInteractive())
        {
            return;
        }

        try
        {
            var code = ReadTokenCode(serial);
            for (var asked = 1; code is not null && asked < MaxCodePrompts && OnboardSessionFactory.UsedCodeNote(options, serial, code) is { } used; asked++)
            {
                _cmdlet.Host.UI.WriteLine(used);
                code = ReadTokenCode(serial);
            }

            options.TokenCode = code;
        }
        catch (Exception exception) when (exception is PSInvalidOperationException or NotImplementedException or PSNotImplementedException or System.Management.Automation.Host.HostException)
        {
            // The host cannot read input after all: the connect then fails naming -TokenCode.
        }
    }

    private string? ReadTokenCode(string serial)
    {
        _cmdlet.Host.UI.Write($"MFA code for {serial}: ");
        var code = _cmdlet.Host.UI.ReadLine();
        return string.IsNullOrWhiteSpace(code) ? null : code.Trim();
    }

    /// <summary>The same rule as Enable-OnboardVirtualMfa's prompts (<see cref="InteractiveHost.CanPrompt"/>).</summary>
    private bool IsInteractive() => InteractiveHost.CanPrompt(_cmdlet.Host);
}
