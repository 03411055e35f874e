using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using IamOnboard.LocalIam.Faults;
using IamOnboard.LocalIam.Iam;
using IamOnboard.LocalIam.State;
using IamOnboard.LocalIam.Sso;
using IamOnboard.LocalIam.Sts;

namespace IamOnboard.LocalIam;

/// <summary>
/// An IAM- and STS-compatible endpoint on 127.0.0.1: awsQuery over HTTP/1.1, SigV4 authentication, IAM's rules,
/// quotas and error codes, optional persistence and fault injection; and what an SSO profile calls of IAM Identity
/// Center (the portal's GetRoleCredentials, SSO OIDC's refresh). For tests, demos and benchmarks.
/// </summary>
public sealed partial class LocalIamServer : IDisposable, IAsyncDisposable
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    private readonly LocalIamOptions _options;
    private readonly TcpListener _listener;
    private readonly AccountStore _store;
    private readonly object _stateLock = new();
    private readonly IamService _iam = new();
    private readonly StsService _sts = new();
    private readonly SsoPortal _ssoPortal;
    private readonly SsoOidc _ssoOidc;
    private readonly IdentityCenterTokens _identityCenter = new();
    private readonly WebIdentityTokens _webIdentityTokens = new();
    private readonly FaultInjector _faults;
    private readonly LatencyClock? _latency;
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
    private long _connectionsAccepted;
    private readonly IDisposable? _stateFileLock;
    private int _stopped;

    private LocalIamServer(LocalIamOptions options, AccountStore store, IDisposable? stateFileLock)
    {
        _options = options;
        _store = store;
        _stateFileLock = stateFileLock;
        _faults = new FaultInjector(options);
        _latency = options.Latency > TimeSpan.Zero ? new LatencyClock() : null;
        _ssoPortal = new SsoPortal(_identityCenter);
        _ssoOidc = new SsoOidc(_identityCenter);
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

        if (options.IdleConnectionTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "IdleConnectionTimeout must be positive.");
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
        _inFlight.TotalTime,
        Interlocked.Read(ref _connectionsAccepted),
        _connections.Count);

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


    /// <summary>Stops listening and closes every open connection. Acknowledged changes are already on disk.</summary>
    public void Stop()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        _stopping.Cancel();
        _listener.Stop();
        _latency?.Dispose();
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
}
