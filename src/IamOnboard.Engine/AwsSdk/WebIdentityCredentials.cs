using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime;
using Amazon.Util.Internal;
using IamOnboard.Diagnostics;
using IamOnboard.Iam;

namespace IamOnboard.AwsSdk;

/// <summary>
/// A web identity role (AWS_ROLE_ARN with AWS_WEB_IDENTITY_TOKEN_FILE, as on EKS, or a profile's role_arn with
/// web_identity_token_file, as CI systems write it), assumed through <see cref="StsGateway"/>
/// at the session's STS endpoint. Our own rather than the SDK's provider, whose STS client finds its endpoint by itself:
/// it went to AWS's STS whatever -EndpointUrl said, past IAMONBOARD_LOOPBACK_ONLY. The token file is read afresh for each
/// renewal, as the SDK's provider does: the platform rotates it.
/// </summary>
internal sealed class WebIdentityCredentials : RefreshingAWSCredentials
{
    private readonly string _roleArn;
    private readonly string _tokenFile;
    private readonly string _tokenFileSetting;
    private readonly string _sessionName;
    private readonly string _region;
    private readonly string? _stsEndpoint;
    private readonly int _maxAttempts;
    private readonly TimeSpan? _timeout;
    private readonly SessionNetwork? _network;

    /// <summary><paramref name="tokenFileSetting"/> says where the token file was named (a variable, or a profile's setting), for messages.</summary>
    public WebIdentityCredentials(string roleArn, string tokenFile, string tokenFileSetting, string sessionName, string region, string? stsEndpoint, int maxAttempts, TimeSpan? timeout,
        SessionNetwork? network, ITimeProvider clock)
        : base(clock)
    {
        _tokenFileSetting = tokenFileSetting;
        _roleArn = roleArn;
        _tokenFile = tokenFile;
        _sessionName = sessionName;
        _region = region;
        _stsEndpoint = stsEndpoint;
        _maxAttempts = maxAttempts;
        _timeout = timeout;
        _network = network;
        // As the SDK's provider: new credentials well before the old ones expire, so no request signs with expired ones.
        PreemptExpiryTime = CredentialClock.RenewalWindow;
    }

    protected override CredentialsRefreshState GenerateNewCredentials() => GenerateNewCredentialsAsync().GetAwaiter().GetResult();

    protected override async Task<CredentialsRefreshState> GenerateNewCredentialsAsync()
    {
        string token;
        try
        {
            token = File.ReadAllText(_tokenFile).Trim();
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // The token itself is never shown; the file is named.
            throw new AmazonClientException("The web identity token file " + _tokenFile + " (" + _tokenFileSetting + ") cannot be read: " + exception.Message, exception);
        }

        // AssumeRoleWithWebIdentity is not signed: the token is the proof.
        using var sts = new StsGateway(new AnonymousAWSCredentials(), _region, _stsEndpoint, _maxAttempts, _timeout, _network);
        TemporaryCredentials temporary;
        try
        {
            temporary = await sts.AssumeRoleWithWebIdentityAsync(_roleArn, _sessionName, token, CancellationToken.None).ConfigureAwait(false);
        }
        catch (IamServiceException exception)
        {
            // STS's own words, with where it said them; the SDK's exceptions under it end in an empty HTTP error.
            throw new AmazonClientException("STS at " + sts.Endpoint + " refused AssumeRoleWithWebIdentity for " + _roleArn + " (" + exception.ErrorCode + "): " + exception.Message);
        }

        using (temporary)
        {
            var credentials = new ImmutableCredentials(temporary.AccessKeyId, SdkCredentials.Reveal(temporary.SecretAccessKey), SdkCredentials.Reveal(temporary.SessionToken));
            OnboardLog.Current.Verbose("Web identity role " + _roleArn + " (session '" + _sessionName + "'): credentials valid until " + CredentialClock.Utc(temporary.Expiration)
                + ", renewed before then with the token in " + _tokenFile + ".");
            return new CredentialsRefreshState(credentials, temporary.Expiration, _timeProvider);
        }
    }
}
