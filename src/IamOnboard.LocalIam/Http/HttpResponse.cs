using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace IamOnboard.LocalIam.Http;

/// <summary>A complete response, written to the socket in one piece.</summary>
internal sealed class HttpResponse
{
    public HttpResponse(int statusCode, string contentType, byte[] body)
    {
        StatusCode = statusCode;
        ContentType = contentType;
        Body = body;
    }

    public int StatusCode { get; }

    public string ContentType { get; }

    public byte[] Body { get; }

    public List<KeyValuePair<string, string>> Headers { get; } = new();

    /// <summary>
    /// The bytes to send, with a <c>Date</c> header of <paramref name="now"/> as IAM and STS send one on every answer
    /// (RFC 1123, whole seconds): the AWS SDKs learn from it how far the client's clock is off.
    /// </summary>
    public byte[] Serialize(bool keepAlive, DateTime now)
    {
        var head = new StringBuilder(256);
        head.Append("HTTP/1.1 ").Append(StatusCode).Append(' ').Append(ReasonPhrase(StatusCode)).Append("\r\n");
        head.Append("Date: ").Append(now.ToString("r", CultureInfo.InvariantCulture)).Append("\r\n");
        head.Append("Content-Type: ").Append(ContentType).Append("\r\n");
        head.Append("Content-Length: ").Append(Body.Length).Append("\r\n");
        foreach (var header in Headers)
        {
            head.Append(header.Key).Append(": ").Append(header.Value).Append("\r\n");
        }

        head.Append(keepAlive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n");
        byte[] headBytes = Encoding.ASCII.GetBytes(head.ToString());
        var bytes = new byte[headBytes.Length + Body.Length];
        headBytes.CopyTo(bytes, 0);
        Body.CopyTo(bytes, headBytes.Length);
        return bytes;
    }

    private static string ReasonPhrase(int status) => status switch
    {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        409 => "Conflict",
        413 => "Payload Too Large",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        _ => "Status",
    };
}
