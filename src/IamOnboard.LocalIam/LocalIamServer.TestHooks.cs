using System;
using System.Linq;
using System.Threading;
using IamOnboard.LocalIam.State;

namespace IamOnboard.LocalIam;

/// <summary>Test hooks: faults on the next requests of an action, interruptions, expired sessions, SSO sign-ins.</summary>
public sealed partial class LocalIamServer
{
    private long _credentialTimeAheadTicks;
    private long _clockOffsetTicks;

    /// <summary>
    /// Carries out the next <paramref name="count"/> requests of <paramref name="action"/> (a mutating IAM or STS action)
    /// and then drops their responses, whatever <see cref="LocalIamOptions.DropResponseRate"/> says: a repeatable way to
    /// lose the response to one particular call, for tests. Replaces any drops still pending for that action.
    /// </summary>
    public void DropNextResponses(string action, int count)
    {
        CheckScripted(action, count);
        _faults.DropNextResponses(action, count);
    }

    /// <summary>
    /// Answers the next <paramref name="count"/> requests of <paramref name="action"/> with ServiceFailure (500) without
    /// carrying them out, whatever <see cref="LocalIamOptions.FailureRate"/> says: a repeatable retry, for tests.
    /// Replaces any failures still pending for that action.
    /// </summary>
    public void FailNextRequests(string action, int count)
    {
        CheckScripted(action, count);
        _faults.FailNext(action, count);
    }

    /// <summary>
    /// Carries out the next <paramref name="count"/> requests of <paramref name="action"/> (a mutating IAM or STS action)
    /// and answers each with HTTP 504 and a proxy's HTML page: a proxy or load balancer in front of IAM that stopped
    /// waiting after IAM had applied the change, an answer that does not say whether it was applied. For tests.
    /// </summary>
    public void AnswerNextWithGatewayTimeout(string action, int count)
    {
        CheckScripted(action, count);
        _faults.GatewayTimeoutNext(action, count);
    }

    /// <summary>
    /// Answers the next <paramref name="count"/> requests of <paramref name="action"/> (a mutating IAM action) with
    /// ConcurrentModification (409) without carrying them out: IAM refusing a change while another change to the same
    /// entity is under way. For tests. Replaces any such answers still pending for that action.
    /// </summary>
    public void AnswerNextWithConcurrentModification(string action, int count)
    {
        CheckScripted(action, count);
        _faults.ConcurrentModificationNext(action, count);
    }

    private static void CheckScripted(string action, int count)
    {
        if (string.IsNullOrEmpty(action))
        {
            throw new ArgumentException("An action is required.", nameof(action));
        }

        if (count < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(count), "The count must not be negative.");
        }
    }

    /// <summary>
    /// A test hook: runs <paramref name="interruption"/> once, on the request's thread, just before the next request of
    /// <paramref name="action"/> is carried out: another client's change lands between two calls of the one under test
    /// at exactly that point (e.g. a second run tags a user between a run's TagUser and its GetUser).
    /// </summary>
    public void InterruptNext(string action, Action interruption)
    {
        if (string.IsNullOrEmpty(action))
        {
            throw new ArgumentException("An action is required.", nameof(action));
        }

        _faults.InterruptNext(action, interruption ?? throw new ArgumentNullException(nameof(interruption)));
    }

    /// <summary>
    /// A test hook: makes every temporary credential issued so far (by AssumeRole) expire now, so that requests signed
    /// with them are answered ExpiredToken, as IAM and STS answer them. STS issues nothing shorter than 900 seconds, and
    /// a test should not wait that long. Only the sessions' expiry changes; the clock SigV4 checks requests against does
    /// not. Returns how many sessions it expired.
    /// </summary>
    public int ExpireTemporaryCredentials()
    {
        lock (_stateLock)
        {
            DateTime expired = StateFile.Truncate(UtcNow).AddSeconds(-1);
            int count = 0;
            foreach (var session in _store.State.RoleSessions.Where(s => s.Expiration > expired))
            {
                session.Expiration = expired;
                count++;
            }

            if (count > 0 && _options.StatePath is not null)
            {
                StateFile.Save(_options.StatePath, _store.State);
            }

            return count;
        }
    }

    /// <summary>
    /// A test hook: moves the time temporary credentials are issued from and judged by <paramref name="by"/> further
    /// ahead of the endpoint's clock, so that a test steps its client's credential clock and the endpoint's alike past an expiry
    /// (the credentials issued an hour ago are answered ExpiredToken, new ones expire an hour after the stepped time)
    /// instead of waiting. SigV4's check of the request time, MFA codes and SSO sign-in tokens keep the endpoint's clock
    /// (<see cref="ShiftClock"/>).
    /// </summary>
    public void MoveCredentialTimeAhead(TimeSpan by)
    {
        if (by < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(by), "The credential time only moves ahead.");
        }

        Interlocked.Add(ref _credentialTimeAheadTicks, by.Ticks);
    }

    /// <summary>How far ahead of the endpoint's clock temporary credentials are issued and judged (<see cref="MoveCredentialTimeAhead"/>).</summary>
    public TimeSpan CredentialTimeAhead => TimeSpan.FromTicks(Interlocked.Read(ref _credentialTimeAheadTicks));

    /// <summary>
    /// A test hook: sets the endpoint's clock <paramref name="offset"/> apart from this machine's (replacing any earlier
    /// offset; zero puts them together again), so that a test plays a client whose clock is off by minus that much without
    /// touching the machine's clock. The endpoint's clock is what SigV4's check of the request time, the <c>Date</c>
    /// header of every answer, MFA codes (EnableMFADevice, STS TokenCode), the policies' aws:CurrentTime and temporary
    /// credentials (issued and judged, on top of <see cref="MoveCredentialTimeAhead"/>) go by. Tokens of an identity
    /// provider (web identity, SSO sign-in) are issued by the test hooks with the machine's time.
    /// </summary>
    public void ShiftClock(TimeSpan offset) => Interlocked.Exchange(ref _clockOffsetTicks, offset.Ticks);

    /// <summary>How far the endpoint's clock is set apart from this machine's (<see cref="ShiftClock"/>); zero unless a test set it.</summary>
    public TimeSpan ClockOffset => TimeSpan.FromTicks(Interlocked.Read(ref _clockOffsetTicks));

    /// <summary>The endpoint's notion of now: this machine's UTC time, moved by <see cref="ClockOffset"/>.</summary>
    internal DateTime UtcNow => DateTime.UtcNow + ClockOffset;

    /// <summary>
    /// A test hook standing in for <c>aws sso login</c> with a legacy profile: a bearer token the SSO portal
    /// (<c>/federation/credentials</c>) accepts for <paramref name="lifetime"/>, for any role of the account, with no
    /// refresh token. Put it in ~/.aws/sso/cache as the CLI would.
    /// </summary>
    public string IssueSsoAccessToken(TimeSpan lifetime) => _identityCenter.IssueAccessToken(lifetime);

    /// <summary>
    /// A test hook standing in for <c>aws sso login</c> with an sso-session: a registered client, an access token the
    /// portal accepts for <paramref name="accessTokenLifetime"/> (zero or less: already expired) and a refresh token SSO
    /// OIDC (<c>POST /token</c>) exchanges once for a new access token. Put them in ~/.aws/sso/cache as the CLI would.
    /// </summary>
    public SsoSignIn SignInToSso(TimeSpan accessTokenLifetime) => _identityCenter.SignIn(accessTokenLifetime);

    /// <summary>
    /// A test hook standing in for an OIDC identity provider (an EKS service account, a CI system): a web identity token
    /// STS's AssumeRoleWithWebIdentity accepts for <paramref name="lifetime"/>, for any role of the account. Put it in the
    /// file web_identity_token_file or AWS_WEB_IDENTITY_TOKEN_FILE names.
    /// </summary>
    public string IssueWebIdentityToken(TimeSpan lifetime) => _webIdentityTokens.Issue(lifetime);
}
