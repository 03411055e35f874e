using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using IamOnboard.LocalIam;
using Xunit;

namespace IamOnboard.Tests.LocalIam;

public sealed class HttpRobustnessTests : LocalIamTestBase
{
    public HttpRobustnessTests()
        : base(new LocalIamOptions { MaxRequestBodyBytes = 64 * 1024 })
    {
    }

    /// <summary>Sends raw bytes on a fresh connection, optionally half-closes, and returns what came back before the server closed (or the timeout).</summary>
    private async Task<string> RawExchangeAsync(byte[] request, bool halfClose = true, int timeoutMs = 10000)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, Server.Port);
        var stream = client.GetStream();
        using var timeout = new CancellationTokenSource(timeoutMs);
        try
        {
            await stream.WriteAsync(request, timeout.Token);
            if (halfClose)
            {
                client.Client.Shutdown(SocketShutdown.Send);
            }
        }
        catch (IOException)
        {
            // The server may answer and close before it read everything; the answer is still in our receive buffer.
        }

        var received = new MemoryStream();
        var buffer = new byte[8192];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, timeout.Token)) > 0)
            {
                received.Write(buffer, 0, read);
                if (!halfClose && Encoding.ASCII.GetString(received.ToArray()).Contains("</ErrorResponse>", StringComparison.Ordinal))
                {
                    break;
                }
            }
        }
        catch (IOException)
        {
        }

        return Encoding.ASCII.GetString(received.ToArray());
    }

    [Fact]
    public void The_server_listens_on_127_0_0_1_only()
    {
        Assert.Equal("127.0.0.1", Server.Url.Host);
        Assert.Equal($"http://127.0.0.1:{Server.Port}/", Server.Url.ToString());
        var otherAddresses = NetworkInterface.GetAllNetworkInterfaces()
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .Where(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
        foreach (var address in otherAddresses)
        {
            using var client = new TcpClient();
            Assert.ThrowsAny<SocketException>(() => client.Connect(address, Server.Port));
        }
    }

    [Fact]
    public async Task Bodies_over_the_limit_are_answered_413()
    {
        byte[] head = Encoding.ASCII.GetBytes($"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {100 * 1024}\r\n\r\n");
        string answer = await RawExchangeAsync(head.Concat(new byte[100 * 1024]).ToArray());
        Assert.StartsWith("HTTP/1.1 413", answer, StringComparison.Ordinal);

        string chunked = await RawExchangeAsync(Encoding.ASCII.GetBytes("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n20000\r\n" + new string('a', 0x20000) + "\r\n0\r\n\r\n"));
        Assert.StartsWith("HTTP/1.1 413", chunked, StringComparison.Ordinal);
        Assert.True(Server.GetStatistics().MalformedRequests >= 2);
    }

    [Fact]
    public async Task Oversized_headers_are_answered_431()
    {
        string answer = await RawExchangeAsync(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nX-Big: " + new string('a', 20000) + "\r\n\r\n"));
        Assert.StartsWith("HTTP/1.1 431", answer, StringComparison.Ordinal);
    }

    /// <summary>A request signed by the SDK, written out by hand with a chunked body or Expect: 100-continue.</summary>
    private byte[] SignedHead(byte[] body, string framing)
    {
        using var message = Admin.Sign("iam", body);
        var head = new StringBuilder($"POST / HTTP/1.1\r\nHost: 127.0.0.1:{Server.Port}\r\n");
        foreach (var header in message.Headers.Concat(message.Content!.Headers))
        {
            head.Append(header.Key).Append(": ").Append(string.Join(",", header.Value)).Append("\r\n");
        }

        head.Append(framing).Append("Connection: close\r\n\r\n");
        return Encoding.ASCII.GetBytes(head.ToString());
    }

    [Fact]
    public async Task Chunked_bodies_are_read()
    {
        byte[] body = Encoding.ASCII.GetBytes("Action=GetUser&Version=2010-05-08");
        byte[] chunks = Encoding.ASCII.GetBytes($"10\r\n{Encoding.ASCII.GetString(body, 0, 16)}\r\n{body.Length - 16:x}\r\n{Encoding.ASCII.GetString(body, 16, body.Length - 16)}\r\n0\r\n\r\n");
        string answer = await RawExchangeAsync(SignedHead(body, "Transfer-Encoding: chunked\r\n").Concat(chunks).ToArray());
        Assert.StartsWith("HTTP/1.1 200", answer, StringComparison.Ordinal);
        Assert.Contains("<UserName>onboard-admin</UserName>", answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Expect_100_continue_is_honoured()
    {
        byte[] body = Encoding.ASCII.GetBytes("Action=GetUser&Version=2010-05-08");
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, Server.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(SignedHead(body, $"Content-Length: {body.Length}\r\nExpect: 100-continue\r\n"));
        var buffer = new byte[4096];
        int read = await stream.ReadAsync(buffer);
        Assert.StartsWith("HTTP/1.1 100 Continue", Encoding.ASCII.GetString(buffer, 0, read), StringComparison.Ordinal);
        await stream.WriteAsync(body);
        read = await stream.ReadAsync(buffer);
        Assert.StartsWith("HTTP/1.1 200", Encoding.ASCII.GetString(buffer, 0, read), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keep_alive_serves_several_requests_on_one_connection()
    {
        for (int i = 0; i < 20; i++)
        {
            (await Admin.IamAsync("GetUser")).EnsureSuccess();
        }

        Assert.Equal(20, Server.GetStatistics().RequestsByAction["GetUser"]);
    }

    [Fact]
    public async Task Thousands_of_random_and_mutated_requests_each_get_a_4xx_and_the_server_keeps_serving()
    {
        var random = new Random(20261130);
        const string template =
            "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n" +
            "X-Amz-Date: 20261130T000000Z\r\nAuthorization: AWS4-HMAC-SHA256 Credential=AKIAFUZZFUZZFUZZFUZZ/20261130/us-east-1/iam/aws4_request, SignedHeaders=host;x-amz-date, Signature=00\r\n" +
            "Content-Length: 33\r\n\r\nAction=ListUsers&Version=2010-05-08";
        byte[] valid = Encoding.ASCII.GetBytes(template);
        var requests = new List<byte[]>();
        for (int i = 0; i < 10000; i++)
        {
            byte[] request;
            switch (i % 5)
            {
                case 0:
                    request = new byte[random.Next(1, 600)];
                    random.NextBytes(request);
                    break;
                case 1:
                    request = (byte[])valid.Clone();
                    for (int flips = random.Next(1, 8); flips > 0; flips--)
                    {
                        request[random.Next(request.Length)] = (byte)random.Next(256);
                    }

                    break;
                case 2:
                    request = valid.Take(random.Next(1, valid.Length)).ToArray();
                    break;
                case 3:
                    var text = template.Insert(random.Next(template.Length), new[] { "\r\n", "\n", ":", " ", "\0", "Content-Length: 9999999999\r\n", "Transfer-Encoding: chunked\r\n" }[random.Next(7)]);
                    request = Encoding.Latin1.GetBytes(text);
                    break;
                default:
                    request = Encoding.ASCII.GetBytes(new[] { "GET", "PUT", "DELETE", "BREW", "" }[random.Next(5)] + " " +
                        new[] { "/", "*", "http://x/", "/?Action=GetUser", "/%zz" }[random.Next(5)] + " " + new[] { "HTTP/1.1", "HTTP/2.0", "HTTP/1.0", "XYZ" }[random.Next(4)] + "\r\n\r\n");
                    break;
            }

            requests.Add(request);
        }

        using var gate = new SemaphoreSlim(16);
        var answers = await Task.WhenAll(requests.Select(async request =>
        {
            await gate.WaitAsync();
            try
            {
                return await RawExchangeAsync(request, halfClose: true, timeoutMs: 15000);
            }
            finally
            {
                gate.Release();
            }
        }));

        var bad = answers.Select((answer, index) => (answer, index))
            .Where(x => !x.answer.StartsWith("HTTP/1.1 4", StringComparison.Ordinal))
            .ToList();
        Assert.True(bad.Count == 0, $"{bad.Count} requests got no 4xx; first: #{bad.FirstOrDefault().index} -> '{bad.FirstOrDefault().answer?.Split('\n')[0]}'");
        (await Admin.IamAsync("ListUsers")).EnsureSuccess();
    }
}
