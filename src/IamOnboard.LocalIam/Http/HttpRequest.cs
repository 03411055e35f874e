using System;
using System.Collections.Generic;

namespace IamOnboard.LocalIam.Http;

/// <summary>One parsed HTTP/1.x request. Header names are kept lower-case; repeated headers keep every value in order.</summary>
internal sealed class HttpRequest
{
    public HttpRequest(string method, string rawPath, string rawQuery, bool isHttp11, Dictionary<string, List<string>> headers, byte[] body)
    {
        Method = method;
        RawPath = rawPath;
        RawQuery = rawQuery;
        IsHttp11 = isHttp11;
        Headers = headers;
        Body = body;
    }

    public string Method { get; }

    /// <summary>The path exactly as sent (still percent-encoded).</summary>
    public string RawPath { get; }

    /// <summary>The query string exactly as sent, without the leading '?'.</summary>
    public string RawQuery { get; }

    public bool IsHttp11 { get; }

    public Dictionary<string, List<string>> Headers { get; }

    public byte[] Body { get; }

    public string? Header(string lowerCaseName) =>
        Headers.TryGetValue(lowerCaseName, out var values) ? string.Join(",", values) : null;

    /// <summary>HTTP/1.1 keeps the connection unless told to close; HTTP/1.0 only when asked to keep it.</summary>
    public bool KeepAlive
    {
        get
        {
            string? connection = Header("connection");
            if (IsHttp11)
            {
                return connection is null || connection.IndexOf("close", StringComparison.OrdinalIgnoreCase) < 0;
            }

            return connection is not null && connection.IndexOf("keep-alive", StringComparison.OrdinalIgnoreCase) >= 0;
        }
    }
}

/// <summary>A request that cannot be served as HTTP; answered with <see cref="StatusCode"/> and the connection closed.</summary>
internal sealed class HttpProtocolException : Exception
{
    public HttpProtocolException(int statusCode, string code, string message)
        : base(message)
    {
        StatusCode = statusCode;
        Code = code;
    }

    public int StatusCode { get; }

    public string Code { get; }
}
