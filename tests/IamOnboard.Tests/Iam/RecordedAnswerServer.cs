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
using IamOnboard.AwsSdk;
using IamOnboard.Iam;

namespace IamOnboard.Tests.Iam;

/// <summary>A recorded HTTP answer: status, extra headers, and body.</summary>
internal sealed record RecordedAnswer(int Status, string Body, IReadOnlyDictionary<string, string>? Headers = null);

/// <summary>
/// A loopback HTTP server that answers every request with a recorded answer chosen by the request's Action, the way
/// an IAM implementation other than the local endpoint would answer. It checks nothing about the request.
/// </summary>
internal sealed class RecordedAnswerServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<string, RecordedAnswer> _answer;
    private readonly CancellationTokenSource _stop = new();

    public RecordedAnswerServer(Func<string, RecordedAnswer> answer)
    {
        _answer = answer;
        _listener.Start();
        _ = Task.Run(AcceptLoopAsync);
    }

    public Uri Url => new("http://127.0.0.1:" + ((IPEndPoint)_listener.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture) + "/");

    public ConcurrentQueue<string> Actions { get; } = new();

    public IamClient CreateClient()
        => new(new IamClientOptions { EndpointUrl = Url.ToString(), MaxAttempts = 1 }, "AKIAIOSFODNN7EXAMPLE", SdkCredentials.Protect("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"));

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync().ConfigureAwait(false);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            var stream = client.GetStream();
            var body = await ReadRequestBodyAsync(stream).ConfigureAwait(false);
            var action = body.Split('&').Select(p => p.Split('=')).Where(kv => kv[0] == "Action").Select(kv => Uri.UnescapeDataString(kv[1])).FirstOrDefault() ?? "?";
            Actions.Enqueue(action);
            var answer = _answer(action);
            var payload = Encoding.UTF8.GetBytes(answer.Body);
            var head = new StringBuilder()
                .Append("HTTP/1.1 ").Append(answer.Status.ToString(CultureInfo.InvariantCulture)).Append(" Recorded\r\n")
                .Append("Content-Type: text/xml\r\n")
                .Append("Content-Length: ").Append(payload.Length.ToString(CultureInfo.InvariantCulture)).Append("\r\n")
                .Append("Connection: close\r\n");
            foreach (var header in answer.Headers ?? new Dictionary<string, string>())
            {
                head.Append(header.Key).Append(": ").Append(header.Value).Append("\r\n");
            }

            head.Append("\r\n");
            var headBytes = Encoding.ASCII.GetBytes(head.ToString());
            await stream.WriteAsync(headBytes, 0, headBytes.Length).ConfigureAwait(false);
            await stream.WriteAsync(payload, 0, payload.Length).ConfigureAwait(false);
            await stream.FlushAsync().ConfigureAwait(false);
        }
    }

    private static async Task<string> ReadRequestBodyAsync(Stream stream)
    {
        var buffer = new List<byte>();
        var one = new byte[1];
        while (!EndsWithBlankLine(buffer) && await stream.ReadAsync(one, 0, 1).ConfigureAwait(false) == 1)
        {
            buffer.Add(one[0]);
        }

        var headers = Encoding.ASCII.GetString(buffer.ToArray());
        var lengthLine = headers.Split(new[] { "\r\n" }, StringSplitOptions.None)
            .FirstOrDefault(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
        var length = lengthLine is null ? 0 : int.Parse(lengthLine.Substring("Content-Length:".Length).Trim(), CultureInfo.InvariantCulture);
        var body = new byte[length];
        var read = 0;
        while (read < length)
        {
            var n = await stream.ReadAsync(body, read, length - read).ConfigureAwait(false);
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        return Encoding.UTF8.GetString(body, 0, read);
    }

    private static bool EndsWithBlankLine(List<byte> buffer)
        => buffer.Count >= 4 && buffer[buffer.Count - 4] == '\r' && buffer[buffer.Count - 3] == '\n' && buffer[buffer.Count - 2] == '\r' && buffer[buffer.Count - 1] == '\n';

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _stop.Dispose();
    }
}
