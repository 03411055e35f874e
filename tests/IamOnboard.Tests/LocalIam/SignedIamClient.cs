using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Threading.Tasks;
using System.Xml.Linq;
using Amazon.Runtime;
using Amazon.Runtime.Internal;
using Amazon.Runtime.Internal.Auth;
using Amazon.Runtime.Internal.Util;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using IamOnboard.LocalIam;

namespace IamOnboard.Tests.LocalIam;

/// <summary>One answer of the endpoint: status, parsed XML, and the error code when it failed.</summary>
internal sealed class QueryResponse
{
    public QueryResponse(HttpStatusCode status, string body)
    {
        Status = status;
        Body = body;
        Xml = body.Length > 0 ? XDocument.Parse(body) : null;
    }

    public HttpStatusCode Status { get; }
    public string Body { get; }
    public XDocument? Xml { get; }

    public string? ErrorCode => Xml?.Descendants().FirstOrDefault(e => e.Name.LocalName == "Code")?.Value;
    public string? ErrorMessage => Xml?.Descendants().FirstOrDefault(e => e.Name.LocalName == "Message")?.Value;
    public string? ErrorType => Xml?.Descendants().FirstOrDefault(e => e.Name.LocalName == "Type")?.Value;

    /// <summary>Text of the first element with this local name, anywhere in the response.</summary>
    public string? Value(string name) => Xml?.Descendants().FirstOrDefault(e => e.Name.LocalName == name)?.Value;

    public List<string> Values(string name) => Xml?.Descendants().Where(e => e.Name.LocalName == name).Select(e => e.Value).ToList() ?? new List<string>();

    public QueryResponse EnsureSuccess()
    {
        if (Status != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"Expected success, got {(int)Status} {ErrorCode}: {ErrorMessage}");
        }

        return this;
    }
}

/// <summary>
/// Sends awsQuery requests signed by AWSSDK.Core's own SigV4 signer, so the endpoint's verifier is checked
/// against the SDK's implementation rather than against itself.
/// </summary>
internal sealed class SignedIamClient : IDisposable
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromSeconds(20) });
    private readonly Uri _url;

    public SignedIamClient(Uri url, string accessKeyId, string secretAccessKey, string? sessionToken = null)
    {
        _url = url;
        AccessKeyId = accessKeyId;
        SecretAccessKey = secretAccessKey;
        SessionToken = sessionToken;
    }

    public string AccessKeyId { get; }
    public string SecretAccessKey { get; }
    public string? SessionToken { get; }

    public static SignedIamClient Admin(LocalIamServer server) => new(server.Url, server.AdminAccessKeyId, server.AdminSecretAccessKey);

    public static SignedIamClient Root(LocalIamServer server) => new(server.Url, server.RootAccessKeyId, server.RootSecretAccessKey);

    public Task<QueryResponse> IamAsync(string action, params (string Name, string Value)[] parameters) =>
        SendAsync("iam", "2010-05-08", action, parameters);

    public Task<QueryResponse> StsAsync(string action, params (string Name, string Value)[] parameters) =>
        SendAsync("sts", "2011-06-15", action, parameters);

    public async Task<QueryResponse> SendAsync(string service, string version, string action, (string Name, string Value)[] parameters)
    {
        var form = new List<(string, string)> { ("Action", action), ("Version", version) };
        form.AddRange(parameters);
        string body = string.Join("&", form.Select(p => Uri.EscapeDataString(p.Item1) + "=" + Uri.EscapeDataString(p.Item2)));
        using var message = Sign(service, Encoding.UTF8.GetBytes(body));
        using var response = await Http.SendAsync(message);
        return new QueryResponse(response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>A request signed by the SDK, as an HttpRequestMessage ready to send.</summary>
    public HttpRequestMessage Sign(string service, byte[] body, string region = "us-east-1")
    {
        IRequest request = new DefaultRequest(new GetCallerIdentityRequest(), service)
        {
            HttpMethod = "POST",
            Endpoint = _url,
            ResourcePath = "/",
            Content = body,
            AuthenticationRegion = region,
            OverrideSigningServiceName = service,
        };
        request.Headers["Content-Type"] = "application/x-www-form-urlencoded; charset=utf-8";

        if (SessionToken is not null)
        {
            request.Headers["X-Amz-Security-Token"] = SessionToken;
        }

        var config = new AmazonSecurityTokenServiceConfig { ServiceURL = _url.ToString(), AuthenticationRegion = region };
        new AWS4Signer().Sign(request, config, new RequestMetrics(), new BasicAWSCredentials(AccessKeyId, SecretAccessKey));

        var message = new HttpRequestMessage(HttpMethod.Post, _url) { Content = new ByteArrayContent(body) };
        foreach (var header in request.Headers)
        {
            if (header.Key.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                message.Content.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
            else if (!header.Key.Equals("Host", StringComparison.OrdinalIgnoreCase))
            {
                message.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        return message;
    }

    /// <summary>The SDK's real STS client pointed at the endpoint.</summary>
    public AmazonSecurityTokenServiceClient StsClient() => new(
        SessionToken is null ? new BasicAWSCredentials(AccessKeyId, SecretAccessKey) : new SessionAWSCredentials(AccessKeyId, SecretAccessKey, SessionToken),
        new AmazonSecurityTokenServiceConfig { ServiceURL = _url.ToString(), AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 });

    public void Dispose()
    {
    }
}
