using System;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using IamOnboard.LocalIam.Http;
using IamOnboard.LocalIam.Iam;
using IamOnboard.LocalIam.Protocol;

namespace IamOnboard.LocalIam;

/// <summary>HTTP/1.1 connections: accepting, reading requests, writing answers, keep-alive and timeouts.</summary>
public sealed partial class LocalIamServer
{
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
        Interlocked.Increment(ref _connectionsAccepted);
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
                timeout.CancelAfter(_options.IdleConnectionTimeout);
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
                    await WriteAndCloseGracefullyAsync(client, stream, response, UtcNow, timeout);
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
            byte[] bytes = answer.Serialize(keepAlive, UtcNow);
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
    private static async Task WriteAndCloseGracefullyAsync(TcpClient client, Stream stream, HttpResponse response, DateTime now, CancellationTokenSource timeout)
    {
        byte[] bytes = response.Serialize(keepAlive: false, now);
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

    private static string RemoteAddress(TcpClient client) =>
        (client.Client.RemoteEndPoint as IPEndPoint)?.Address.ToString() ?? IPAddress.Loopback.ToString();
}
