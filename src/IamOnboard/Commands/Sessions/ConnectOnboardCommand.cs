using System;
using System.Management.Automation;
using System.Security;
using IamOnboard.Commands.Infrastructure;
using IamOnboard.Commands.Transformations;
using IamOnboard.LocalIam;
using IamOnboard.Sessions;

namespace IamOnboard.Commands;

/// <summary>Connect-Onboard: resolves credentials, checks who they belong to, and makes the session the runspace's default.</summary>
[Cmdlet(VerbsCommunications.Connect, "Onboard", DefaultParameterSetName = ParameterSets.Default)]
[OutputType(typeof(OnboardSession))]
public sealed class ConnectOnboardCommand : AsyncCmdletBase
{
    private static class ParameterSets
    {
        public const string Default = "Default";
        public const string Keys = "AccessKey";
        public const string Credential = "Credential";
        public const string Local = "Local";
    }

    [Parameter(ParameterSetName = ParameterSets.Default)]
    [ArgumentCompleter(typeof(ProfileNameCompleter))]
    [ValidateNotNullOrEmpty]
    [Alias("StoredCredentials", "AWSProfileName")]
    public string? ProfileName { get; set; }

    [Parameter]
    [ArgumentCompleter(typeof(RegionCompleter))]
    [ValidateNotNullOrEmpty]
    public string? Region { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = ParameterSets.Keys)]
    [ValidateNotNullOrEmpty]
    [Alias("AK")]
    public string? AccessKey { get; set; }

    /// <summary>A SecureString, or a string as AWS.Tools users pass it (kept as a SecureString from then on).</summary>
    [Parameter(Mandatory = true, ParameterSetName = ParameterSets.Keys)]
    [SecureStringFromText]
    [Alias("SK", "SecretAccessKey")]
    public SecureString? SecretKey { get; set; }

    [Parameter(ParameterSetName = ParameterSets.Keys)]
    [Parameter(ParameterSetName = ParameterSets.Credential)]
    [SecureStringFromText]
    [Alias("ST")]
    public SecureString? SessionToken { get; set; }

    /// <summary>The shared credentials file to read -ProfileName from (as in AWS.Tools).</summary>
    [Parameter(ParameterSetName = ParameterSets.Default)]
    [ValidateNotNullOrEmpty]
    [Alias("ProfilesLocation", "AWSProfilesLocation")]
    public string? ProfileLocation { get; set; }

    /// <summary>The current code of the MFA device named by the role profile's mfa_serial (asked for when omitted on an interactive host).</summary>
    [Parameter(ParameterSetName = ParameterSets.Default)]
    [ValidatePattern("^[0-9]{6}$")]
    public string? TokenCode { get; set; }

    /// <summary>
    /// A PSCredential (access key id as the user name, secret access key as the password) or AWS.Tools' AWSCredentials,
    /// read by its shape (<see cref="CredentialArgument"/>).
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = ParameterSets.Credential)]
    [AwsCredentialArgument]
    [ValidateNotNull]
    public object? Credential { get; set; }

    [Parameter(ParameterSetName = ParameterSets.Default)]
    [Parameter(ParameterSetName = ParameterSets.Keys)]
    [Parameter(ParameterSetName = ParameterSets.Credential)]
    [ValidateNotNullOrEmpty]
    public string? EndpointUrl { get; set; }

    /// <summary>A role to assume (for example in another account); IAM calls then run as that role.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? RoleArn { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ExternalId { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? RoleSessionName { get; set; }

    /// <summary>Starts a local IAM endpoint on loopback and connects to it as its administrator.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ParameterSets.Local)]
    public SwitchParameter Local { get; set; }

    /// <summary>Accept the account's root user credentials (refused otherwise: onboarding should not run as root).</summary>
    [Parameter]
    public SwitchParameter AllowRootCredential { get; set; }

    [Parameter]
    [ValidateSet("Standard", "Adaptive", "Legacy")]
    public string? RetryMode { get; set; }

    [Parameter]
    [ValidateRange(1, 20)]
    public int? MaxAttempts { get; set; }

    /// <summary>The most IAM requests in flight at once for every command using this session (4 when not given).</summary>
    [Parameter]
    [ValidateRange(1, 32)]
    public int? ThrottleLimit { get; set; }

    /// <summary>A proxy for IAM, STS and IAM Identity Center instead of the one HTTPS_PROXY/HTTP_PROXY name (loopback always goes direct).</summary>
    [Parameter]
    [ValidateNotNull]
    public Uri? ProxyUrl { get; set; }

    /// <summary>The user and password -ProxyUrl asks for.</summary>
    [Parameter]
    [ValidateNotNull]
    [Credential]
    public PSCredential? ProxyCredential { get; set; }

    protected override void ProcessItem()
    {
        var options = new OnboardConnectOptions
        {
            ProfileName = ProfileName,
            Region = Region,
            EndpointUrl = EndpointUrl,
            RoleArn = RoleArn,
            ExternalId = ExternalId,
            RoleSessionName = RoleSessionName,
            RetryModeName = RetryMode,
            MaxAttempts = MaxAttempts,
            SessionToken = SessionToken,
            ProfileLocation = ProfileLocation,
            TokenCode = TokenCode,
            ThrottleLimit = ThrottleLimit,
            ProxyUrl = ProxyUrl,
            ProxyCredential = ProxyCredential?.GetNetworkCredential(),
        };

        var resolver = new SessionResolver(this, work => RunToCompletion(work, ProfileName ?? AccessKeyIdText.ForErrorTarget(AccessKey) ?? EndpointUrl));
        if (ParameterSetName != ParameterSets.Local)
        {
            // AWS.Tools' Set-DefaultAWSRegion comes after -Region and before the environment and the profile, as in AWS.Tools.
            options.Region ??= AwsToolsShellDefaults.Region(this);
        }

        switch (ParameterSetName)
        {
            case ParameterSets.Default when ProfileName is null && ProfileLocation is null && TokenCode is null:
                // Nothing named: AWS.Tools' shell credentials first, as in AWS.Tools, then the environment and profiles.
                resolver.ApplyAwsToolsShellCredentials(options);
                break;
            case ParameterSets.Credential:
                resolver.ApplyCredential(Credential!, options);
                break;
            case ParameterSets.Keys:
                options.AccessKey = AccessKey;
                options.SecretKey = SecretKey;
                break;
            case ParameterSets.Local:
                var endpoint = LocalIamEndpoints.Start(new LocalIamOptions());
                WriteVerbose($"Started a local IAM endpoint at {endpoint.Url} (account {endpoint.AccountId}); Get-OnboardLocalIam lists it.");
                options.EndpointUrl = endpoint.Url;
                options.AccessKey = endpoint.AccessKeyId;
                options.SecretKey = endpoint.SecretAccessKey;
                break;
        }

        options.MfaRoleSessions = ModuleState.Current.MfaRoleSessions;
        resolver.ResolveFileLocations(options);
        resolver.AskForTokenCode(options);
        var session = RunToCompletion(ct => OnboardSessionFactory.ConnectAsync(options, ct), ProfileName ?? AccessKeyIdText.ForErrorTarget(AccessKey) ?? EndpointUrl);
        WriteVerbose($"Credentials from {session.CredentialSource} belong to {session.CallerArn} in account {session.AccountId}.");
        resolver.EnforceRootPolicy(session, AllowRootCredential.IsPresent, "add -AllowRootCredential to accept the risk");

        // Credentials the environment chose (nothing named, no AWS.Tools shell credentials): a later command says so
        // when the environment picks others, e.g. after $env:AWS_PROFILE is switched (SessionResolver).
        var chosenByEnvironment = ParameterSetName == ParameterSets.Default && ProfileName is null && options.AccessKey is null
            ? EnvironmentCredentialChoice.Current()
            : null;
        ModuleState.Current.SetDefaultSession(session, chosenByEnvironment);
        WriteObject(session);
    }
}
