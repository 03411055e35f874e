using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using IamOnboard.LocalIam.Auth;
using IamOnboard.LocalIam.Faults;
using IamOnboard.LocalIam.Http;
using IamOnboard.LocalIam.Iam;
using IamOnboard.LocalIam.Protocol;
using IamOnboard.LocalIam.State;
using IamOnboard.LocalIam.Sso;
using IamOnboard.LocalIam.Sts;

namespace IamOnboard.LocalIam;

/// <summary>
/// An IAM- and STS-compatible endpoint on 127.0.0.1: awsQuery over HTTP/1.1, SigV4 authentication, IAM's rules,
/// quotas and error codes, optional persistence and fault injection. For tests, demos and benchmarks.
/// </summary>
public sealed class LocalIamServer : IDisposable, IAsyncDisposable
{
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    private readonly LocalIamOptions _options;
    private readonly TcpListener _listener;
    private readonly AccountStore _store;
    private readonly object _stateLock = new();
    private readonly IamService _iam = new();
    private readonly StsService _sts = new();
    private readonly SsoPortal _sso = new();
    private readonly FaultInjector _faults;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<TcpClient, byte> _connections = new();
    private readonly ConcurrentDictionary<string, long> _requestsByAction = new(StringComparer.Ordinal);
    private readonly RequestsInFlight _inFlight = new();
    private RequestLog? _requestLog;
    private readonly Task _acceptLoop;
    private long _totalRequests;
    private long _throttled;
    private long _failuresInjected;
    private long _responsesDropped;
    private long _authenticationFailures;
    private long _malformedRequests;
    private readonly IDisposable? _stateFileLock;
    private int _stopped;

    private LocalIamServer(LocalIamOptions options, AccountStore store, IDisposable? stateFileLock)
    {
        _options = options;
        _store = store;
        _stateFileLock = stateFileLock;
        _faults = new FaultInjector(options);
        _listener = new TcpListener(IPAddress.Loopback, options.Port);
        _listener.Start(512);
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        Url = new Uri("http://127.0.0.1:" + Port.ToString(CultureInfo.InvariantCulture) + "/");
        AccountId = store.AccountId;
        var adminKey = AccountBootstrap.AdminKey(store.State);
        AdminAccessKeyId = adminKey.AccessKeyId;
        AdminSecretAccessKey = adminKey.SecretAccessKey;
        RootAccessKeyId = store.State.RootAccessKeyId;
        RootSecretAccessKey = store.State.RootSecretAccessKey;
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>http://127.0.0.1:{port}/</summary>
    public Uri Url { get; }

    public int Port { get; }

    public string AccountId { get; }

    /// <summary>An access key of the IAM user <c>onboard-admin</c>, which has AdministratorAccess.</summary>
    public string AdminAccessKeyId { get; }

    public string AdminSecretAccessKey { get; }

    /// <summary>The account root's access key (GetCallerIdentity answers <c>arn:aws:iam::{account}:root</c>).</summary>
    public string RootAccessKeyId { get; }

    public string RootSecretAccessKey { get; }

    /// <summary>Binds 127.0.0.1 (only) and starts serving; loads the state file when there is one.</summary>
    public static LocalIamServer Start(LocalIamOptions options)
    {
        if (options is null)
        {
            throw new ArgumentNullException(nameof(options));
        }

        var settings = options.Clone();
        Validate(settings);
        DateTime now = StateFile.Truncate(DateTime.UtcNow);

        // One endpoint per state file: a second one would overwrite the first's acknowledged changes with its own.
        // The lock goes with the process however it ends, so a killed endpoint's file can be served again at once.
        IDisposable? stateFileLock = settings.StatePath is null ? null : StateFile.Lock(settings.StatePath);
        try
        {
            return Start(settings, now, stateFileLock);
        }
        catch
        {
            stateFileLock?.Dispose();
            throw;
        }
    }

    private static LocalIamServer Start(LocalIamOptions settings, DateTime now, IDisposable? stateFileLock)
    {
        if (settings.StatePath is not null)
        {
            _ = StateFile.RemoveLeftovers(settings.StatePath);
        }

        AccountState? state = settings.StatePath is null ? null : StateFile.Load(settings.StatePath);
        bool changed = false;
        if (state is null)
        {
            state = AccountBootstrap.NewAccount(settings.AccountId, now);
            changed = true;
        }
        else
        {
            if (settings.AccountId is not null && settings.AccountId != state.AccountId)
            {
                throw new InvalidOperationException($"The state file '{settings.StatePath}' belongs to account {state.AccountId}, not {settings.AccountId}.");
            }

            changed = AccountBootstrap.EnsureSeeded(state, now);
        }

        if (changed && settings.StatePath is not null)
        {
            StateFile.Save(settings.StatePath, state);
        }

        return new LocalIamServer(settings, new AccountStore(state), stateFileLock);
    }

    private static void Validate(LocalIamOptions options)
    {
        if (options.Port < 0 || options.Port > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "Port must be between 0 and 65535.");
        }

        if (options.AccountId is not null && (options.AccountId.Length != 12 || !options.AccountId.All(c => c >= '0' && c <= '9')))
        {
            throw new ArgumentException("AccountId must be 12 digits.", nameof(options));
        }

        if (options.FailureRate is < 0 or > 1 || options.DropResponseRate is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "FailureRate and DropResponseRate must be between 0 and 1.");
        }

        if (options.ThrottleRate < 0 || options.ThrottleBurst < 0 || options.Latency < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "ThrottleRate, ThrottleBurst and Latency must not be negative.");
        }

        if (options.MaxRequestBodyBytes <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "MaxRequestBodyBytes must be positive.");
        }
    }

    public LocalIamStatistics GetStatistics() => new(
        Interlocked.Read(ref _totalRequests),
        new Dictionary<string, long>(_requestsByAction, StringComparer.Ordinal),
        Interlocked.Read(ref _throttled),
        Interlocked.Read(ref _failuresInjected),
        Interlocked.Read(ref _responsesDropped),
        Interlocked.Read(ref _authenticationFailures),
        Interlocked.Read(ref _malformedRequests),
        _inFlight.Current,
        _inFlight.Peak,
        _inFlight.TotalTime);

    /// <summary>
    /// Starts <see cref="LocalIamStatistics.PeakInFlight"/> over from the requests in flight now, so that a run's peak
    /// is its own and not an earlier run's (a benchmark's setup, say).
    /// </summary>
    public void ResetPeakInFlight() => _inFlight.ResetPeak();

    /// <summary>
    /// Starts recording every request read from now on (action, user name, when read and answered), replacing a
    /// recording in progress: for benchmarks that time each user's chain of calls on the endpoint's side.
    /// </summary>
    public void StartRecordingRequests() => Volatile.Write(ref _requestLog, new RequestLog());

    /// <summary>Stops recording and returns the requests recorded, in the order they were read (empty when not recording).</summary>
    public IReadOnlyList<RecordedRequest> StopRecordingRequests() =>
        Interlocked.Exchange(ref _requestLog, null)?.ToList() ?? Array.Empty<RecordedRequest>();

    /// <summary>
    /// Carries out the next <paramref name="count"/> requests of <paramref name="action"/> (a mutating IAM or STS action)
    /// and then drops their responses, whatever <see cref="LocalIamOptions.DropResponseRate"/> says: a repeatable way to
    /// lose the response to one particular call, for tests. Replaces any drops still pending for that action.
    /// </summary>
    public void DropNextResponses(string action, int count)
    {
        if (string.IsNullOrEmpty(action))
        {
            throw new ArgumentException("An action is required.", nameof(action));
        }

        if (count < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(count), "The count must not be negative.");
        }

        _faults.DropNextResponses(action, count);
    }

    /// <summary>
    /// Answers the next <paramref name="count"/> requests of <paramref name="action"/> with ServiceFailure (500) without
    /// carrying them out, whatever <see cref="LocalIamOptions.FailureRate"/> says: a repeatable retry, for tests.
    /// Replaces any failures still pending for that action.
    /// </summary>
    public void FailNextRequests(string action, int count)
    {
        if (string.IsNullOrEmpty(action))
        {
            throw new ArgumentException("An action is required.", nameof(action));
        }

        if (count < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(count), "The count must not be negative.");
        }

        _faults.FailNext(action, count);
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
            DateTime expired = StateFile.Truncate(DateTime.UtcNow).AddSeconds(-1);
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
    /// A test hook standing in for <c>aws sso login</c>: a bearer token the SSO portal (<c>/federation/credentials</c>)
    /// accepts for <paramref name="lifetime"/>, for any role of the account. Put it in ~/.aws/sso/cache as the CLI would.
    /// </summary>
    public string IssueSsoAccessToken(TimeSpan lifetime) => _sso.IssueAccessToken(lifetime);

    /// <summary>Stops listening and closes every open connection. Acknowledged changes are already on disk.</summary>
    public void Stop()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        _stopping.Cancel();
        _listener.Stop();
        foreach (var connection in _connections.Keys)
        {
            connection.Dispose();
        }

        try
        {
            _acceptLoop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The loop ends by its accept failing; nothing to report.
        }

        lock (_stateLock)
        {
            _stateFileLock?.Dispose();
        }
    }

    public void Dispose() => Stop();

    public ValueTask DisposeAsync()
    {
        Stop();
        return default;
    }

    public override string ToString() => "LocalIamServer " + Url + " (account " + AccountId + ")";

    // ---- connections ----

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync();
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }
            catch (InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(() => ServeConnectionAsync(client));
        }
    }

    private async Task ServeConnectionAsync(TcpClient client)
    {
        _connections[client] = 0;
        using var timeout = new CancellationTokenSource();
        // Closing the socket is what reliably aborts a pending read on every runtime.
        using var abortOnTimeout = timeout.Token.Register(client.Dispose);
        try
        {
            client.NoDelay = true;
            var stream = client.GetStream();
            var reader = new HttpRequestReader(stream, _options.MaxRequestBodyBytes, () => timeout.CancelAfter(RequestTimeout));
            while (!_stopping.IsCancellationRequested)
            {
                timeout.CancelAfter(IdleTimeout);
                HttpRequest? request;
                try
                {
                    request = await reader.ReadAsync(timeout.Token);
                }
                catch (HttpProtocolException protocolError)
                {
                    Interlocked.Increment(ref _totalRequests);
                    Interlocked.Increment(ref _malformedRequests);
                    var response = ErrorResponse(IamService.Namespace, new IamServiceException(protocolError.Code, protocolError.StatusCode, protocolError.Message));
                    await WriteAndCloseGracefullyAsync(client, stream, response, timeout);
                    return;
                }

                if (request is null)
                {
                    return;
                }

                timeout.CancelAfter(Timeout.InfiniteTimeSpan);
                Interlocked.Increment(ref _totalRequests);
                if (!await AnswerAsync(client, stream, request, timeout))
                {
                    return;
                }
            }
        }
        catch (Exception error) when (error is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The peer went away, the request timed out, or the server is stopping: nothing left to answer.
        }
        finally
        {
            _connections.TryRemove(client, out _);
            client.Dispose();
        }
    }

    /// <summary>
    /// Answers one request, counted in flight until its response is ready to send: from then on the client can have it,
    /// and may send its next request before this write has returned. False when the connection ends.
    /// </summary>
    private async Task<bool> AnswerAsync(TcpClient client, Stream stream, HttpRequest request, CancellationTokenSource timeout)
    {
        long started = _inFlight.Enter();
        var log = Volatile.Read(ref _requestLog);
        var trace = log is null ? null : new RequestTrace();
        var answered = false;
        void Answered()
        {
            answered = true;
            long finished = _inFlight.Exit(started);
            if (trace is not null)
            {
                log!.Add(trace, started, finished);
            }
        }

        try
        {
            var (answer, drop) = await HandleAsync(request, RemoteAddress(client), trace);
            if (drop)
            {
                Answered();
                client.Client.LingerState = new LingerOption(true, 0);
                return false;
            }

            bool keepAlive = request.KeepAlive && !_stopping.IsCancellationRequested;
            byte[] bytes = answer.Serialize(keepAlive);
            timeout.CancelAfter(RequestTimeout);
            Answered();
            await stream.WriteAsync(bytes, 0, bytes.Length, timeout.Token);
            return keepAlive;
        }
        finally
        {
            if (!answered)
            {
                Answered();
            }
        }
    }

    /// <summary>
    /// Answers a request that could not be read, then stops sending and drains what the client still sends for a
    /// moment: closing with unread data would reset the connection and the client might never see the answer.
    /// </summary>
    private static async Task WriteAndCloseGracefullyAsync(TcpClient client, Stream stream, HttpResponse response, CancellationTokenSource timeout)
    {
        byte[] bytes = response.Serialize(keepAlive: false);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        await stream.WriteAsync(bytes, 0, bytes.Length, timeout.Token);
        client.Client.Shutdown(SocketShutdown.Send);
        var sink = new byte[16384];
        long drained = 0;
        while (drained < 8L * 1024 * 1024)
        {
            int read = await stream.ReadAsync(sink, 0, sink.Length, timeout.Token);
            if (read == 0)
            {
                break;
            }

            drained += read;
        }
    }

    // ---- requests ----

    private static string RemoteAddress(TcpClient client) =>
        (client.Client.RemoteEndPoint as IPEndPoint)?.Address.ToString() ?? IPAddress.Loopback.ToString();

    private async Task<(HttpResponse Response, bool Drop)> HandleAsync(HttpRequest request, string sourceIp, RequestTrace? trace)
    {
        if (_options.Latency > TimeSpan.Zero)
        {
            await Task.Delay(_options.Latency);
        }

        if (SsoPortal.Serves(request))
        {
            lock (_stateLock)
            {
                var answer = _sso.GetRoleCredentials(request, _store, StateFile.Truncate(DateTime.UtcNow));
                if (answer.StatusCode == 200 && _options.StatePath is not null)
                {
                    StateFile.Save(_options.StatePath, _store.State);
                }

                return (answer, false);
            }
        }

        string authorizationHeader = request.Header("authorization") ?? string.Empty;
        string ns = authorizationHeader.Contains("/sts/aws4_request") ? StsService.Namespace : IamService.Namespace;
        if (!_faults.TryAdmit())
        {
            Interlocked.Increment(ref _throttled);
            return (ErrorResponse(ns, new IamServiceException("Throttling", 400, "Rate exceeded")), false);
        }

        try
        {
            var (response, drop) = Process(request, authorizationHeader, sourceIp, ref ns, trace);
            return (drop ? response : Inspected(request, ns, response), drop);
        }
        catch (IamServiceException error)
        {
            return (Inspected(request, ns, ErrorResponse(ns, error)), false);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            // The state file could not be written: the change is not acknowledged.
            return (ErrorResponse(ns, new IamServiceException("ServiceFailure", 500, "The request could not be persisted.", senderFault: false)), false);
        }
    }

    private (HttpResponse Response, bool Drop) Process(HttpRequest request, string authorizationHeader, string sourceIp, ref string ns, RequestTrace? trace)
    {
        if (request.Method != "POST" && request.Method != "GET")
        {
            throw new IamServiceException("MethodNotAllowed", 405, "The HTTP method " + request.Method + " is not allowed; use POST (or GET).");
        }

        var parameters = new QueryParameters();
        parameters.AddEncoded(request.RawQuery);
        if (request.Method == "POST" && request.Body.Length > 0)
        {
            parameters.AddEncoded(Encoding.UTF8.GetString(request.Body));
        }

        var (caller, service, region) = Authenticate(request, authorizationHeader);
        bool isSts = service == "sts";
        ns = isSts ? StsService.Namespace : IamService.Namespace;
        string? action = parameters["Action"];
        if (trace is not null)
        {
            trace.Action = action;
            // CreateVirtualMFADevice names no user; the tools name the device after the user it is for.
            trace.UserName = parameters["UserName"] ?? parameters["VirtualMFADeviceName"];
        }

        if (string.IsNullOrEmpty(action))
        {
            throw new IamServiceException("MissingAction", 400, "Missing Action");
        }

        if (isSts ? !_sts.Knows(action!) : !_iam.Knows(action!))
        {
            throw new IamServiceException("InvalidAction", 400,
                "Could not find operation " + action + " for version " + (isSts ? "2011-06-15" : "2010-05-08"));
        }

        _requestsByAction.AddOrUpdate(action!, 1, (_, count) => count + 1);
        _faults.TakeInterruption(action!)?.Invoke();
        bool mutating = isSts ? StsService.IsMutating(action!) : IamService.IsMutating(action!);

        var facts = new RequestFacts(StateFile.Truncate(DateTime.UtcNow), sourceIp, region);
        if (!isSts && _options.EvaluatePolicies)
        {
            lock (_stateLock)
            {
                Authorizer.AuthorizeIam(_store, caller, action!, parameters, facts);
            }
        }

        if (_faults.ShouldFail(action!))
        {
            Interlocked.Increment(ref _failuresInjected);
            throw new IamServiceException("ServiceFailure", 500, "An internal error occurred. Please try again.", senderFault: false);
        }

        bool drop = mutating && _faults.ShouldDropResponse(action!);
        string? result;
        lock (_stateLock)
        {
            var context = new OperationContext(parameters, caller, _store, StateFile.Truncate(DateTime.UtcNow)) { Facts = facts, EvaluatePolicies = _options.EvaluatePolicies };
            result = isSts ? _sts.Invoke(action!, context) : _iam.Invoke(action!, context);
            if (mutating && _options.StatePath is not null)
            {
                StateFile.Save(_options.StatePath, _store.State);
            }
        }

        if (drop)
        {
            Interlocked.Increment(ref _responsesDropped);
            return (new HttpResponse(500, "text/xml", Array.Empty<byte>()), true);
        }

        return (SuccessResponse(ns, action!, result), false);
    }

    /// <summary>The answer, or a ModelConformance error when the options' inspector finds the exchange off the model (injected 5xx faults are not inspected).</summary>
    private HttpResponse Inspected(HttpRequest request, string ns, HttpResponse response)
    {
        if (_options.Inspector is null || response.StatusCode >= 500)
        {
            return response;
        }

        var parameters = new List<KeyValuePair<string, string>>();
        foreach (var encoded in new[] { request.RawQuery, request.Method == "POST" ? Encoding.UTF8.GetString(request.Body) : string.Empty })
        {
            foreach (var (name, value) in QueryParameters.ParseEncoded(encoded))
            {
                parameters.Add(new KeyValuePair<string, string>(name, value));
            }
        }

        var problem = _options.Inspector.Inspect(ns == StsService.Namespace ? "sts" : "iam", parameters, response.StatusCode, response.Body);
        return problem is null ? response : ErrorResponse(ns, new IamServiceException("ModelConformance", 400, problem));
    }

    /// <summary>Resolves and verifies the SigV4 signature; returns the caller and the signed service (iam or sts).</summary>
    private (CallerIdentity Caller, string Service, string Region) Authenticate(HttpRequest request, string authorizationHeader)
    {
        try
        {
            if (authorizationHeader.Length == 0)
            {
                throw new IamServiceException("MissingAuthenticationToken", 403, "Request is missing Authentication Token");
            }

            var authorization = SigV4Verifier.Parse(authorizationHeader);
            if (authorization.Service != "iam" && authorization.Service != "sts")
            {
                throw new IamServiceException("SignatureDoesNotMatch", 403, "Credential should be scoped to correct service: 'iam'.");
            }

            SigV4Verifier.CheckRegion(authorization);

            string secret;
            CallerIdentity caller;
            DateTime now = DateTime.UtcNow;
            lock (_stateLock)
            {
                var owner = _store.FindKey(authorization.AccessKeyId);
                string? token = request.Header("x-amz-security-token");
                if (owner is null || (owner.Key is not null && owner.Key.Status != "Active"))
                {
                    throw InvalidToken();
                }

                if (owner.Session is not null)
                {
                    if (token is null || !SigV4Verifier.FixedTimeEquals(owner.Session.SessionToken, token))
                    {
                        throw InvalidToken();
                    }

                    if (owner.Session.Expiration <= now)
                    {
                        throw new IamServiceException("ExpiredToken", 403, "The security token included in the request is expired");
                    }

                    caller = SessionCaller(owner.Session);
                }
                else if (token is not null)
                {
                    throw InvalidToken();
                }
                else
                {
                    caller = owner.IsRoot ? CallerIdentity.Root(_store) : CallerIdentity.ForUser(_store, owner.User!);
                }

                secret = owner.SecretAccessKey;
            }

            SigV4Verifier.Verify(request, authorization, secret, now);
            return (caller, authorization.Service, authorization.Region);
        }
        catch (IamServiceException)
        {
            Interlocked.Increment(ref _authenticationFailures);
            throw;
        }
    }

    /// <summary>An AssumeRole session acts as its role; a GetSessionToken session as the user (or root) that asked for it.</summary>
    private CallerIdentity SessionCaller(RoleSessionEntity session)
    {
        if (session.TokenOwnerId is null)
        {
            var role = _store.FindRoleById(session.RoleId) ?? throw InvalidToken();
            return CallerIdentity.ForSession(_store, role, session);
        }

        if (session.TokenOwnerId == _store.AccountId)
        {
            return CallerIdentity.ForTokenSession(_store, null, session);
        }

        var user = _store.FindUserById(session.TokenOwnerId) ?? throw InvalidToken();
        return CallerIdentity.ForTokenSession(_store, user, session);
    }

    private static IamServiceException InvalidToken() =>
        new("InvalidClientTokenId", 403, "The security token included in the request is invalid.");

    private static HttpResponse SuccessResponse(string ns, string action, string? result)
    {
        string requestId = IdGenerator.RequestId();
        var xml = new StringBuilder(256 + (result?.Length ?? 0));
        xml.Append('<').Append(action).Append("Response xmlns=\"").Append(ns).Append("\">");
        if (result is not null)
        {
            xml.Append('<').Append(action).Append("Result>").Append(result).Append("</").Append(action).Append("Result>");
        }

        xml.Append("<ResponseMetadata><RequestId>").Append(requestId).Append("</RequestId></ResponseMetadata></")
            .Append(action).Append("Response>");
        var response = new HttpResponse(200, "text/xml", Encoding.UTF8.GetBytes(xml.ToString()));
        response.Headers.Add(new KeyValuePair<string, string>("x-amzn-RequestId", requestId));
        return response;
    }

    private static HttpResponse ErrorResponse(string ns, IamServiceException error)
    {
        string requestId = IdGenerator.RequestId();
        string xml = "<ErrorResponse xmlns=\"" + ns + "\"><Error><Type>" + (error.SenderFault ? "Sender" : "Receiver") + "</Type><Code>"
            + XmlResponseWriter.Escape(error.Code) + "</Code><Message>" + XmlResponseWriter.Escape(error.Message)
            + "</Message></Error><RequestId>" + requestId + "</RequestId></ErrorResponse>";
        var response = new HttpResponse(error.StatusCode, "text/xml", Encoding.UTF8.GetBytes(xml));
        response.Headers.Add(new KeyValuePair<string, string>("x-amzn-RequestId", requestId));
        return response;
    }
}
