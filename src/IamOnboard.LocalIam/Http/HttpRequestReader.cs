using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace IamOnboard.LocalIam.Http;

/// <summary>
/// Reads HTTP/1.x requests off one connection: request line and headers within a size limit, then a
/// Content-Length or chunked body within the body limit, answering <c>Expect: 100-continue</c>.
/// Anything that is not HTTP raises <see cref="HttpProtocolException"/>; a clean close between requests returns null.
/// </summary>
internal sealed class HttpRequestReader
{
    public const int MaxHeaderBytes = 16 * 1024;
    private const int MaxHeaderCount = 100;
    private static readonly byte[] ContinueResponse = Encoding.ASCII.GetBytes("HTTP/1.1 100 Continue\r\n\r\n");

    private readonly Stream _stream;
    private readonly int _maxBodyBytes;
    private readonly Action _requestStarted;
    private readonly byte[] _buffer = new byte[MaxHeaderBytes + 4096];
    private int _start;
    private int _end;

    /// <param name="stream">The connection.</param>
    /// <param name="maxBodyBytes">Bodies larger than this are refused with 413.</param>
    /// <param name="requestStarted">Called when the first bytes of a request arrive (the caller then tightens its timeout).</param>
    public HttpRequestReader(Stream stream, int maxBodyBytes, Action requestStarted)
    {
        _stream = stream;
        _maxBodyBytes = maxBodyBytes;
        _requestStarted = requestStarted;
    }

    /// <summary>True once any byte of the current request has arrived (so a timeout is a broken request, not an idle connection).</summary>
    public bool HasPartialRequest => _end > _start;

    public async Task<HttpRequest?> ReadAsync(CancellationToken cancellationToken)
    {
        int headerEnd;
        while ((headerEnd = FindHeaderEnd()) < 0)
        {
            if (_end - _start >= MaxHeaderBytes)
            {
                throw new HttpProtocolException(431, "RequestHeaderFieldsTooLarge", "The request line and headers exceed " + MaxHeaderBytes + " bytes.");
            }

            if (await FillAsync(cancellationToken) == 0)
            {
                if (_end == _start)
                {
                    return null;
                }

                throw new HttpProtocolException(400, "MalformedHttpRequest", "The connection ended before the request headers were complete.");
            }
        }

        if (headerEnd - _start > MaxHeaderBytes)
        {
            throw new HttpProtocolException(431, "RequestHeaderFieldsTooLarge", "The request line and headers exceed " + MaxHeaderBytes + " bytes.");
        }

        string head = Encoding.ASCII.GetString(_buffer, _start, headerEnd - _start);
        _start = headerEnd + 4;
        var (method, target, isHttp11, headers) = ParseHead(head);

        int questionMark = target.IndexOf('?');
        string rawPath = questionMark < 0 ? target : target.Substring(0, questionMark);
        string rawQuery = questionMark < 0 ? string.Empty : target.Substring(questionMark + 1);

        byte[] body = await ReadBodyAsync(headers, cancellationToken);
        return new HttpRequest(method, rawPath, rawQuery, isHttp11, headers, body);
    }

    private int FindHeaderEnd()
    {
        for (int i = _start; i + 3 < _end; i++)
        {
            if (_buffer[i] == (byte)'\r' && _buffer[i + 1] == (byte)'\n' && _buffer[i + 2] == (byte)'\r' && _buffer[i + 3] == (byte)'\n')
            {
                return i;
            }
        }

        return -1;
    }

    private async Task<int> FillAsync(CancellationToken cancellationToken)
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        bool wasEmpty = _end == 0;
        int read = await _stream.ReadAsync(_buffer, _end, _buffer.Length - _end, cancellationToken);
        if (wasEmpty && read > 0)
        {
            _requestStarted();
        }

        _end += read;
        return read;
    }

    private static (string Method, string Target, bool IsHttp11, Dictionary<string, List<string>> Headers) ParseHead(string head)
    {
        string[] lines = head.Split(new[] { "\r\n" }, StringSplitOptions.None);
        string[] requestLine = lines[0].Split(' ');
        if (requestLine.Length != 3 || requestLine[0].Length == 0 || !IsToken(requestLine[0]))
        {
            throw new HttpProtocolException(400, "MalformedHttpRequest", "The request line is not 'METHOD target HTTP/1.x'.");
        }

        string target = requestLine[1];
        if (target.Length == 0 || target[0] != '/' || !IsVisibleAscii(target))
        {
            throw new HttpProtocolException(400, "MalformedHttpRequest", "The request target must be an origin-form path.");
        }

        bool isHttp11 = requestLine[2] switch
        {
            "HTTP/1.1" => true,
            "HTTP/1.0" => false,
            _ => throw new HttpProtocolException(400, "MalformedHttpRequest", "Only HTTP/1.0 and HTTP/1.1 are served."),
        };

        if (lines.Length - 1 > MaxHeaderCount)
        {
            throw new HttpProtocolException(431, "RequestHeaderFieldsTooLarge", "Too many request headers.");
        }

        var headers = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        for (int i = 1; i < lines.Length; i++)
        {
            string line = lines[i];
            int colon = line.IndexOf(':');
            if (colon <= 0 || !IsToken(line.Substring(0, colon)))
            {
                throw new HttpProtocolException(400, "MalformedHttpRequest", "A request header is malformed.");
            }

            string name = line.Substring(0, colon).ToLowerInvariant();
            string value = line.Substring(colon + 1).Trim(' ', '\t');
            foreach (char c in value)
            {
                if ((c < 0x20 && c != '\t') || c == 0x7F)
                {
                    throw new HttpProtocolException(400, "MalformedHttpRequest", "A request header value holds control characters.");
                }
            }

            if (!headers.TryGetValue(name, out var values))
            {
                values = new List<string>(1);
                headers.Add(name, values);
            }

            values.Add(value);
        }

        return (requestLine[0], target, isHttp11, headers);
    }

    private async Task<byte[]> ReadBodyAsync(Dictionary<string, List<string>> headers, CancellationToken cancellationToken)
    {
        bool chunked = false;
        if (headers.TryGetValue("transfer-encoding", out var encodings))
        {
            string encoding = string.Join(",", encodings).Trim();
            if (!encoding.Equals("chunked", StringComparison.OrdinalIgnoreCase))
            {
                throw new HttpProtocolException(400, "MalformedHttpRequest", "Only the chunked transfer coding is supported.");
            }

            if (headers.ContainsKey("content-length"))
            {
                throw new HttpProtocolException(400, "MalformedHttpRequest", "Content-Length and Transfer-Encoding must not both be sent.");
            }

            chunked = true;
        }

        long contentLength = 0;
        if (!chunked && headers.TryGetValue("content-length", out var lengths))
        {
            string first = lengths[0];
            foreach (string other in lengths)
            {
                if (other != first)
                {
                    throw new HttpProtocolException(400, "MalformedHttpRequest", "Conflicting Content-Length headers.");
                }
            }

            if (first.Length == 0 || first.Length > 18 || !IsDigits(first))
            {
                throw new HttpProtocolException(400, "MalformedHttpRequest", "Content-Length is not a number.");
            }

            contentLength = long.Parse(first, NumberStyles.None, CultureInfo.InvariantCulture);
            if (contentLength > _maxBodyBytes)
            {
                throw BodyTooLarge();
            }
        }

        if (!chunked && contentLength == 0)
        {
            return Array.Empty<byte>();
        }

        if (headers.TryGetValue("expect", out var expect) && expect[0].Equals("100-continue", StringComparison.OrdinalIgnoreCase) && _end == _start)
        {
            await _stream.WriteAsync(ContinueResponse, 0, ContinueResponse.Length, cancellationToken);
        }

        return chunked ? await ReadChunkedAsync(cancellationToken) : await ReadExactlyAsync((int)contentLength, cancellationToken);
    }

    private HttpProtocolException BodyTooLarge() =>
        new(413, "RequestEntityTooLarge", "The request body exceeds " + _maxBodyBytes + " bytes.");

    private async Task<byte[]> ReadExactlyAsync(int count, CancellationToken cancellationToken)
    {
        var body = new byte[count];
        int copied = 0;
        while (copied < count)
        {
            if (_end == _start && await FillAsync(cancellationToken) == 0)
            {
                throw new HttpProtocolException(400, "MalformedHttpRequest", "The connection ended before the request body was complete.");
            }

            int take = Math.Min(count - copied, _end - _start);
            Buffer.BlockCopy(_buffer, _start, body, copied, take);
            _start += take;
            copied += take;
        }

        return body;
    }

    private async Task<byte[]> ReadChunkedAsync(CancellationToken cancellationToken)
    {
        using var body = new MemoryStream();
        while (true)
        {
            string sizeLine = await ReadLineAsync(cancellationToken);
            int semicolon = sizeLine.IndexOf(';');
            string hex = (semicolon < 0 ? sizeLine : sizeLine.Substring(0, semicolon)).Trim();
            if (hex.Length == 0 || hex.Length > 8 || !int.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int size) || size < 0)
            {
                throw new HttpProtocolException(400, "MalformedHttpRequest", "A chunk size is malformed.");
            }

            if (size == 0)
            {
                // Trailers, then the empty line.
                while ((await ReadLineAsync(cancellationToken)).Length > 0)
                {
                }

                return body.ToArray();
            }

            if (body.Length + size > _maxBodyBytes)
            {
                throw BodyTooLarge();
            }

            byte[] chunk = await ReadExactlyAsync(size, cancellationToken);
            body.Write(chunk, 0, chunk.Length);
            if ((await ReadLineAsync(cancellationToken)).Length != 0)
            {
                throw new HttpProtocolException(400, "MalformedHttpRequest", "A chunk is not followed by CRLF.");
            }
        }
    }

    private async Task<string> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            for (int i = _start; i + 1 < _end; i++)
            {
                if (_buffer[i] == (byte)'\r' && _buffer[i + 1] == (byte)'\n')
                {
                    string line = Encoding.ASCII.GetString(_buffer, _start, i - _start);
                    _start = i + 2;
                    return line;
                }
            }

            if (_end - _start >= 1024)
            {
                throw new HttpProtocolException(400, "MalformedHttpRequest", "A chunk line is too long.");
            }

            if (await FillAsync(cancellationToken) == 0)
            {
                throw new HttpProtocolException(400, "MalformedHttpRequest", "The connection ended inside a chunked body.");
            }
        }
    }

    private static bool IsToken(string text)
    {
        foreach (char c in text)
        {
            bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "!#$%&'*+-.^_`|~".IndexOf(c) >= 0;
            if (!ok)
            {
                return false;
            }
        }

        return text.Length > 0;
    }

    private static bool IsVisibleAscii(string text)
    {
        foreach (char c in text)
        {
            if (c <= 0x20 || c >= 0x7F)
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsDigits(string text)
    {
        foreach (char c in text)
        {
            if (c < '0' || c > '9')
            {
                return false;
            }
        }

        return true;
    }
}
