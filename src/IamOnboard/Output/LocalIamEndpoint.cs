using System;
using System.Threading;
using System.Collections.Generic;
using System.Security;
using IamOnboard.LocalIam;
using IamOnboard.Onboarding;

namespace IamOnboard.Commands;

/// <summary>A local IAM endpoint started by Start-OnboardLocalIam: where it listens and the keys that sign requests to it.</summary>
public sealed class LocalIamEndpoint
{
    internal LocalIamEndpoint(LocalIamServer server, string? statePath, DateTime startTime)
    {
        Server = server;
        Url = server.Url.ToString();
        Port = server.Port;
        AccountId = server.AccountId;
        AccessKeyId = server.AdminAccessKeyId;
        SecretAccessKey = SecretText.Protect(server.AdminSecretAccessKey);
        RootAccessKeyId = server.RootAccessKeyId;
        RootSecretAccessKey = SecretText.Protect(server.RootSecretAccessKey);
        StatePath = statePath;
        StartTime = startTime;
    }

    /// <summary>e.g. http://127.0.0.1:43121/</summary>
    public string Url { get; }

    public int Port { get; }

    public string AccountId { get; }

    /// <summary>An access key of the IAM user onboard-admin (AdministratorAccess).</summary>
    public string AccessKeyId { get; }

    public SecureString SecretAccessKey { get; }

    /// <summary>The account root's access key.</summary>
    public string RootAccessKeyId { get; }

    public SecureString RootSecretAccessKey { get; }

    /// <summary>The JSON state file, or null when the endpoint keeps its state in memory.</summary>
    public string? StatePath { get; }

    public DateTime StartTime { get; }

    internal LocalIamServer Server { get; }

    /// <summary>
    /// What the endpoint has answered since it started: requests in total and per action, and those throttled,
    /// failed, dropped or refused. A snapshot; call again for newer figures. For tests and benchmarks.
    /// </summary>
    public LocalIamStatistics GetStatistics() => Server.GetStatistics();

    /// <summary>
    /// Starts the statistics' PeakInFlight over from the requests in flight now, so that the next figure is the most
    /// requests in flight at once from here on (a benchmark's run, not its setup).
    /// </summary>
    public void ResetPeakInFlight() => Server.ResetPeakInFlight();

    /// <summary>For benchmarks: records every request from now on (action, user name, when read and answered).</summary>
    public void StartRecordingRequests() => Server.StartRecordingRequests();

    /// <summary>Stops recording and returns the requests recorded since StartRecordingRequests, in the order they were read.</summary>
    public IReadOnlyList<RecordedRequest> StopRecordingRequests() => Server.StopRecordingRequests();

    /// <summary>
    /// For tests of retries: answers the next <paramref name="count"/> requests of <paramref name="action"/> (an IAM or STS
    /// action name such as CreateAccessKey) with ServiceFailure, without carrying them out.
    /// </summary>
    public void FailNextRequests(string action, int count) => Server.FailNextRequests(action, count);

    /// <summary>
    /// For tests of lost responses: carries out the next <paramref name="count"/> requests of <paramref name="action"/>
    /// (a mutating IAM or STS action such as CreateUser) and then drops their responses.
    /// </summary>
    public void DropNextResponses(string action, int count) => Server.DropNextResponses(action, count);

    /// <summary>
    /// For tests of answers of unknown outcome: carries out the next <paramref name="count"/> requests of
    /// <paramref name="action"/> (a mutating action) and answers each with a proxy's HTTP 504.
    /// </summary>
    public void AnswerNextWithGatewayTimeout(string action, int count) => Server.AnswerNextWithGatewayTimeout(action, count);

    /// <summary>
    /// For tests of retries: answers the next <paramref name="count"/> requests of <paramref name="action"/> (a mutating
    /// IAM action) with ConcurrentModification (HTTP 409), without carrying them out.
    /// </summary>
    public void AnswerNextWithConcurrentModification(string action, int count) => Server.AnswerNextWithConcurrentModification(action, count);

    /// <summary>
    /// For tests of stops: carries out the next request of <paramref name="action"/> only after <paramref name="delay"/>,
    /// other requests going on meanwhile. A call then stays under way while something else happens, whatever the timing.
    /// </summary>
    public void DelayNextRequest(string action, TimeSpan delay) => Server.InterruptNext(action, () => Thread.Sleep(delay));

    /// <summary>
    /// For tests: makes the temporary credentials the endpoint has issued so far (AssumeRole) expire now, so that the
    /// next request signed with them is answered ExpiredToken. Returns how many sessions it expired.
    /// </summary>
    public int ExpireTemporaryCredentials() => Server.ExpireTemporaryCredentials();

    /// <summary>
    /// For tests of a machine whose clock is off: sets the endpoint's clock <paramref name="offset"/> apart from this
    /// machine's (zero: together again). SigV4's time check, the Date header of its answers, MFA codes and temporary
    /// credentials go by the endpoint's clock, as IAM's go by AWS's.
    /// </summary>
    public void ShiftClock(TimeSpan offset) => Server.ShiftClock(offset);

    /// <summary>
    /// For tests, standing in for <c>aws sso login</c>: a sign-in token the endpoint's SSO portal accepts for
    /// <paramref name="lifetime"/> (any role of the account). Write it to ~/.aws/sso/cache as the AWS CLI would.
    /// </summary>
    public SecureString IssueSsoAccessToken(TimeSpan lifetime) => SecretText.Protect(Server.IssueSsoAccessToken(lifetime));

    /// <summary>
    /// For tests, standing in for <c>aws sso login</c> with an sso-session: a client registration, an access token the
    /// portal accepts for <paramref name="accessTokenLifetime"/> (zero or less: already expired) and a refresh token the
    /// endpoint's SSO OIDC exchanges once for a new access token. Write them to ~/.aws/sso/cache as the AWS CLI would.
    /// </summary>
    public SsoSignIn SignInToSso(TimeSpan accessTokenLifetime) => Server.SignInToSso(accessTokenLifetime);

    public override string ToString() => Url;
}
