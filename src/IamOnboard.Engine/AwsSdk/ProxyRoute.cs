using System;
using System.Collections.Generic;
using System.Net;
using IamOnboard.Sessions;

namespace IamOnboard.AwsSdk;

/// <summary>
/// Which proxy a request to an AWS endpoint goes through, by the AWS CLI's reading of the environment (botocore uses
/// Python's <c>getproxies_environment</c> and <c>proxy_bypass_environment</c>): <c>https_proxy</c>/<c>HTTPS_PROXY</c>
/// for https URLs, <c>http_proxy</c>/<c>HTTP_PROXY</c> for http ones, the lower-case name first (set but empty, it
/// turns the upper-case one off); <c>no_proxy</c>/<c>NO_PROXY</c> lists host names that go direct, each also covering
/// its subdomains (<c>amazonaws.com</c> covers <c>iam.amazonaws.com</c>), or <c>*</c> for all. <c>all_proxy</c>/<c>ALL_PROXY</c>
/// is used when the scheme's own is not set, as .NET's and curl's reading do. Unlike either, loopback (localhost,
/// 127.0.0.0/8, ::1) always goes direct: the module's own local endpoint is on this machine, and a corporate proxy
/// cannot reach it.
/// </summary>
internal sealed class ProxyRoute : IWebProxy
{
    private readonly ProxyAddress? _httpProxy;
    private readonly ProxyAddress? _httpsProxy;
    private readonly string[] _noProxy;
    private readonly bool _noProxyForAll;

    private ProxyRoute(ProxyAddress? httpProxy, ProxyAddress? httpsProxy, string? noProxy)
    {
        _httpProxy = httpProxy;
        _httpsProxy = httpsProxy;
        _noProxyForAll = noProxy?.Trim() == "*";
        var names = new List<string>();
        foreach (var entry in (noProxy ?? string.Empty).Split(','))
        {
            var name = entry.Trim().TrimStart('.').ToLowerInvariant();
            if (name.Length > 0)
            {
                names.Add(name);
            }
        }

        _noProxy = names.ToArray();
        Credentials = new ProxyCredentials(_httpProxy, _httpsProxy);
    }

    /// <summary>The proxies the environment names now (<paramref name="readVariable"/>: a stand-in environment, for tests).</summary>
    public static ProxyRoute FromEnvironment(Func<string, string?>? readVariable = null)
    {
        readVariable ??= Environment.GetEnvironmentVariable;
        var all = ProxyAddress.Parse(Variable(readVariable, "all_proxy"));
        return new ProxyRoute(
            ProxyAddress.Parse(Variable(readVariable, "http_proxy")) ?? all,
            ProxyAddress.Parse(Variable(readVariable, "https_proxy")) ?? all,
            Variable(readVariable, "no_proxy")?.Value);
    }

    /// <summary>One proxy for every request that is not to loopback (an explicit setting, like AWS Tools' Set-AWSProxy).</summary>
    public static ProxyRoute Explicit(Uri proxy, NetworkCredential? credential, string settingName)
    {
        if (proxy is null)
        {
            throw new ArgumentNullException(nameof(proxy));
        }

        if (!proxy.IsAbsoluteUri || proxy.UserInfo.Length > 0)
        {
            // A password in a URL ends up in shell history and logs; it has a parameter of its own.
            throw new OnboardConfigurationException(settingName + " must be a proxy's http:// or https:// URL without a user name or password, such as http://proxy.example.com:3128; give the proxy's user and password with -ProxyCredential.");
        }

        var address = ProxyAddress.From(proxy, credential, settingName);
        return new ProxyRoute(address, address, null);
    }

    /// <summary>What a log line or an error may say about the route: proxy URLs without their user and password.</summary>
    public string Description
    {
        get
        {
            if (_httpProxy is null && _httpsProxy is null)
            {
                return "direct (no proxy)";
            }

            var text = "https via " + (_httpsProxy?.Display ?? "direct") + ", http via " + (_httpProxy?.Display ?? "direct");
            return text + (_noProxyForAll ? "; no_proxy *" : _noProxy.Length > 0 ? "; no_proxy " + string.Join(",", _noProxy) : string.Empty) + "; loopback direct";
        }
    }

    /// <summary>True when a proxy asks for a user and password; such a route is not shared between clients by key.</summary>
    public bool HasCredentials => _httpProxy?.Credential is not null || _httpsProxy?.Credential is not null;

    public ICredentials? Credentials { get; set; }

    public Uri? GetProxy(Uri destination) => IsBypassed(destination) ? null : For(destination)!.Url;

    public bool IsBypassed(Uri host)
    {
        if (host is null)
        {
            throw new ArgumentNullException(nameof(host));
        }

        return For(host) is null || IsLoopback(host) || InNoProxy(host);
    }

    /// <summary>The proxy URL a request to <paramref name="url"/> would go through, or null when it goes direct.</summary>
    public Uri? ProxyFor(string url) => Uri.TryCreate(url, UriKind.Absolute, out var uri) ? GetProxy(uri) : null;

    /// <summary>" through proxy http://host:port" when a request to <paramref name="url"/> goes through one, for messages; else empty.</summary>
    public string Via(string url) => ProxyFor(url) is { } proxy ? " through proxy " + proxy.GetLeftPart(UriPartial.Authority) : string.Empty;

    public static bool IsLoopback(Uri uri)
        => uri.IsLoopback
           || string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase)
           || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));

    private ProxyAddress? For(Uri destination)
        => string.Equals(destination.Scheme, Uri.UriSchemeHttps, StringComparison.OrdinalIgnoreCase) ? _httpsProxy : _httpProxy;

    // Python's proxy_bypass_environment: the host with or without its port, equal to an entry or ending in "." + entry.
    private bool InNoProxy(Uri destination)
    {
        if (_noProxyForAll)
        {
            return true;
        }

        var host = destination.Host.ToLowerInvariant();
        var hostAndPort = host + ":" + destination.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var name in _noProxy)
        {
            if (host == name || hostAndPort == name || host.EndsWith("." + name, StringComparison.Ordinal) || hostAndPort.EndsWith("." + name, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static (string Name, string Value)? Variable(Func<string, string?> readVariable, string lowerCaseName)
    {
        // The lower-case name wins, also when set to nothing (which turns the proxy off), as in Python's reading.
        var lower = readVariable(lowerCaseName);
        if (lower is not null)
        {
            return lower.Length == 0 ? null : (lowerCaseName, lower);
        }

        var upperCaseName = lowerCaseName.ToUpperInvariant();
        var upper = readVariable(upperCaseName);
        return string.IsNullOrEmpty(upper) ? null : (upperCaseName, upper!);
    }

    /// <summary>A proxy's URL without user information, and the credential that was in it.</summary>
    private sealed class ProxyAddress
    {
        private ProxyAddress(Uri url, NetworkCredential? credential)
        {
            Url = url;
            Credential = credential;
        }

        public Uri Url { get; }

        public NetworkCredential? Credential { get; }

        public string Display => Url.GetLeftPart(UriPartial.Authority) + (Credential is null ? string.Empty : " (with a user and password)");

        public static ProxyAddress? Parse((string Name, string Value)? variable)
        {
            if (variable is not { } found)
            {
                return null;
            }

            // botocore's _fix_proxy_url: a value without a scheme is an http proxy.
            var text = found.Value.Trim();
            if (!text.StartsWith("http:", StringComparison.OrdinalIgnoreCase) && !text.StartsWith("https:", StringComparison.OrdinalIgnoreCase) && text.Contains("://"))
            {
                throw Refused(found.Name, text, "only http:// and https:// proxies are supported");
            }

            text = text.StartsWith("//", StringComparison.Ordinal) ? "http:" + text : text.Contains("://") ? text : "http://" + text;
            if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
            {
                throw Refused(found.Name, found.Value, "it is not a URL");
            }

            NetworkCredential? credential = null;
            if (uri.UserInfo.Length > 0)
            {
                var colon = uri.UserInfo.IndexOf(':');
                credential = colon < 0
                    ? new NetworkCredential(Uri.UnescapeDataString(uri.UserInfo), string.Empty)
                    : new NetworkCredential(Uri.UnescapeDataString(uri.UserInfo.Substring(0, colon)), Uri.UnescapeDataString(uri.UserInfo.Substring(colon + 1)));
            }

            return From(uri, credential, found.Name);
        }

        public static ProxyAddress From(Uri uri, NetworkCredential? credential, string settingName)
        {
            if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            {
                throw Refused(settingName, uri.OriginalString, "only http:// and https:// proxies are supported");
            }

            // Authority leaves the user information out, which stays in the credential only.
            return new ProxyAddress(new Uri(uri.Scheme + "://" + uri.Authority + "/"), credential);
        }

        private static OnboardConfigurationException Refused(string name, string value, string reason)
        {
            // A user and password in the value stay out of the message.
            var at = value.LastIndexOf('@');
            var shown = at < 0 ? value : "***@" + value.Substring(at + 1);
            return new OnboardConfigurationException(name + " '" + shown + "' names no proxy IamOnboard can use: " + reason
                + ". Set it to http://host:port (or http://user:password@host:port), or unset it to connect directly.");
        }
    }

    /// <summary>The user and password given with a proxy's URL, for that proxy only.</summary>
    private sealed class ProxyCredentials : ICredentials
    {
        private readonly ProxyAddress?[] _proxies;

        public ProxyCredentials(params ProxyAddress?[] proxies) => _proxies = proxies;

        public NetworkCredential? GetCredential(Uri uri, string authType)
        {
            foreach (var proxy in _proxies)
            {
                if (proxy?.Credential is not null && Uri.Compare(proxy.Url, uri, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0)
                {
                    return proxy.Credential;
                }
            }

            return null;
        }
    }
}
