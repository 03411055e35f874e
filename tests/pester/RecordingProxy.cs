using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Tasks;

namespace IamOnboardTests
{
    /// <summary>
    /// A plain HTTP forward proxy on loopback for the network tests: it takes absolute-URI requests
    /// (POST http://host:port/ HTTP/1.1), records each one's URL and Host header, and forwards it to 127.0.0.1 at the
    /// same port when the host is one it was told to answer for; any other host gets 502. One request per connection.
    /// With <see cref="RequiredUser"/> set it asks for Basic proxy authentication (407) and forwards only requests that
    /// carry that user and password; it records whether they did, never the password.
    /// </summary>
    public sealed class RecordingProxy : IDisposable
    {
        private readonly TcpListener _listener = new TcpListener(IPAddress.Loopback, 0);
        private readonly HashSet<string> _hosts;
        private readonly ConcurrentQueue<string> _requests = new ConcurrentQueue<string>();

        public RecordingProxy(string[] hostsToAnswerFor)
        {
            _hosts = new HashSet<string>(hostsToAnswerFor, StringComparer.OrdinalIgnoreCase);
            _listener.Start();
            Task.Run(AcceptLoop);
        }

        public int Port { get { return ((IPEndPoint)_listener.LocalEndpoint).Port; } }

        public string Url { get { return "http://127.0.0.1:" + Port; } }

        public string RequiredUser { get; set; }

        public string RequiredPassword { get; set; }

        /// <summary>Requests answered 407 for want of the right Proxy-Authorization.</summary>
        public int Challenged { get { return _challenged; } }

        private int _challenged;

        /// <summary>"METHOD absolute-url Host: host" for every request seen, in order.</summary>
        public string[] Requests { get { return _requests.ToArray(); } }

        public void Dispose() { _listener.Stop(); }

        private async Task AcceptLoop()
        {
            while (true)
            {
                TcpClient client;
                try { client = await _listener.AcceptTcpClientAsync(); }
                catch (ObjectDisposedException) { return; }
                catch (SocketException) { return; }
                var ignored = Task.Run(() => Serve(client));
            }
        }

        private async Task Serve(TcpClient client)
        {
            using (client)
            {
                var stream = client.GetStream();
                var head = await ReadHead(stream);
                if (head == null) { return; }
                var lines = head.Split(new[] { "\r\n" }, StringSplitOptions.None);
                var requestLine = lines[0].Split(' ');
                var target = new Uri(requestLine[1]);
                string hostHeader = null;
                string proxyAuthorization = null;
                var contentLength = 0;
                var forwarded = new StringBuilder();
                forwarded.Append(requestLine[0]).Append(' ').Append(target.PathAndQuery).Append(' ').Append(requestLine[2]).Append("\r\n");
                for (var i = 1; i < lines.Length; i++)
                {
                    if (lines[i].Length == 0) { continue; }
                    var colon = lines[i].IndexOf(':');
                    var name = lines[i].Substring(0, colon).Trim();
                    var value = lines[i].Substring(colon + 1).Trim();
                    if (name.Equals("Host", StringComparison.OrdinalIgnoreCase)) { hostHeader = value; }
                    if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)) { contentLength = int.Parse(value); }
                    if (name.Equals("Proxy-Authorization", StringComparison.OrdinalIgnoreCase)) { proxyAuthorization = value; }
                    if (name.Equals("Connection", StringComparison.OrdinalIgnoreCase) || name.StartsWith("Proxy-", StringComparison.OrdinalIgnoreCase)) { continue; }
                    forwarded.Append(lines[i]).Append("\r\n");
                }

                forwarded.Append("Connection: close\r\n\r\n");
                var body = new byte[contentLength];
                var read = 0;
                while (read < contentLength)
                {
                    var n = await stream.ReadAsync(body, read, contentLength - read);
                    if (n == 0) { return; }
                    read += n;
                }

                if (RequiredUser != null && proxyAuthorization != "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(RequiredUser + ":" + RequiredPassword)))
                {
                    System.Threading.Interlocked.Increment(ref _challenged);
                    var challenge = Encoding.ASCII.GetBytes("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"corp\"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                    await stream.WriteAsync(challenge, 0, challenge.Length);
                    return;
                }

                _requests.Enqueue(requestLine[0] + " " + target.AbsoluteUri + " Host: " + hostHeader + (RequiredUser != null ? " (authenticated)" : string.Empty));
                if (!_hosts.Contains(target.Host))
                {
                    var refusal = Encoding.ASCII.GetBytes("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                    await stream.WriteAsync(refusal, 0, refusal.Length);
                    return;
                }

                using (var upstream = new TcpClient())
                {
                    await upstream.ConnectAsync(IPAddress.Loopback, target.Port);
                    var upstreamStream = upstream.GetStream();
                    var headBytes = Encoding.ASCII.GetBytes(forwarded.ToString());
                    await upstreamStream.WriteAsync(headBytes, 0, headBytes.Length);
                    await upstreamStream.WriteAsync(body, 0, body.Length);
                    // The endpoint closes after answering (Connection: close), which ends the copy.
                    await upstreamStream.CopyToAsync(stream);
                }
            }
        }

        private static async Task<string> ReadHead(Stream stream)
        {
            var bytes = new List<byte>();
            var one = new byte[1];
            while (true)
            {
                var n = await stream.ReadAsync(one, 0, 1);
                if (n == 0) { return null; }
                bytes.Add(one[0]);
                var count = bytes.Count;
                if (count >= 4 && bytes[count - 4] == '\r' && bytes[count - 3] == '\n' && bytes[count - 2] == '\r' && bytes[count - 1] == '\n')
                {
                    return Encoding.ASCII.GetString(bytes.ToArray(), 0, count - 4);
                }
            }
        }
    }
}
