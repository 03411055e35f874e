using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Xml;
using System.Xml.Linq;
using Amazon.Runtime;
using Amazon.Runtime.Credentials.Internal;
using Amazon.Runtime.Endpoints;
using Amazon.Runtime.Internal;
using Amazon.Runtime.Internal.Auth;
using Amazon.Runtime.Internal.Transform;

namespace IamOnboard.Iam.Internal;

// The pieces AWSSDK.Core 4 needs to run a service it has no generated client for (see docs/iam-client-on-awssdk-core.md).
// They are *.Internal SDK types without a compatibility promise, hence the pinned AWSSDK.Core version.

internal sealed class IamServiceMetadata : IServiceMetadata
{
    public static readonly IamServiceMetadata Instance = new();

    public string ServiceId => "IAM";

    public IDictionary<string, string> OperationNameMapping { get; } = new Dictionary<string, string>();
}

/// <summary>Client configuration: IAM's API version and signing name, and an endpoint provider that always signs for the partition's IAM region.</summary>
internal sealed class IamSdkConfig : ClientConfig
{
    public IamSdkConfig(AwsPartition partition, string? endpointUrl)
        : base(new DefaultConfigurationProvider(new IDefaultConfiguration[]
        {
            new DefaultConfiguration { Name = DefaultConfigurationMode.Standard, RetryMode = RequestRetryMode.Standard },
            new DefaultConfiguration { Name = DefaultConfigurationMode.InRegion, RetryMode = RequestRetryMode.Standard },
            new DefaultConfiguration { Name = DefaultConfigurationMode.CrossRegion, RetryMode = RequestRetryMode.Standard },
            new DefaultConfiguration { Name = DefaultConfigurationMode.Mobile, RetryMode = RequestRetryMode.Standard },
        }))
    {
        AwsSdk.SdkClientSettings.WithoutSharedFileLookups(this);
        Partition = partition;
        ServiceId = "IAM";
        AuthenticationServiceName = "iam";
        AuthenticationRegion = partition.SigningRegion;
        ResolvedEndpoint = (endpointUrl ?? partition.IamEndpoint).TrimEnd('/');
        if (endpointUrl is null)
        {
            RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(partition.SigningRegion);
        }
        else
        {
            ServiceURL = endpointUrl;
        }

        EndpointProvider = new IamEndpointProvider(ResolvedEndpoint, partition.SigningRegion);
    }

    public AwsPartition Partition { get; }

    public string ResolvedEndpoint { get; }

    public override string ServiceVersion => "2010-05-08";

    public override string UserAgent => "IamOnboard";

    public override string RegionEndpointServiceName => "iam";

    public override Endpoint DetermineServiceOperationEndpoint(ServiceOperationEndpointParameters parameters)
        => EndpointProvider.ResolveEndpoint(new EndpointParameters());
}

/// <summary>One endpoint per partition (or the explicit URL), always with an authScheme signing <c>iam</c> in the partition's signing region.</summary>
internal sealed class IamEndpointProvider : IEndpointProvider
{
    private readonly string _url;
    private readonly string _attributes;

    public IamEndpointProvider(string url, string signingRegion)
    {
        _url = url;
        _attributes = "{\"authSchemes\":[{\"name\":\"sigv4\",\"signingName\":\"iam\",\"signingRegion\":\"" + signingRegion + "\"}]}";
    }

    public Endpoint ResolveEndpoint(EndpointParameters parameters) => new(_url, _attributes, null);
}

internal sealed class IamAuthSchemeHandler : BaseAuthResolverHandler
{
    protected override List<IAuthSchemeOption> ResolveAuthOptions(IExecutionContext executionContext) => AuthSchemeOption.DEFAULT_SIGV4;
}

/// <summary>One awsQuery call: the action, its flat parameters, and how it may be retried.</summary>
internal sealed class IamQueryRequest : AmazonWebServiceRequest
{
    public IamQueryRequest(string action, QueryParameters parameters, OperationKind kind, int maxAttempts)
    {
        Action = action;
        Parameters = parameters;
        Kind = kind;
        MaxAttempts = maxAttempts;
    }

    public string Action { get; }
    public QueryParameters Parameters { get; }

    // Never Expect: 100-continue: with it, .NET may resend a request whose body it had begun to send when the
    // connection ended, which for a create could be a duplicate (see IamQueryTransport).
    protected override bool Expect100Continue => false;
    public OperationKind Kind { get; }
    public int MaxAttempts { get; }

    /// <summary>What went wrong on the latest failed attempt, for the next attempt's debug line (never parameters).</summary>
    public string? LastFailure { get; set; }

    /// <summary>The latest failed attempt's error code, when it was answered with one.</summary>
    public string? LastErrorCode { get; set; }

    /// <summary>The user or group the request is about, by name (never another parameter), for the verbose line of a retry.</summary>
    public string? Subject => Parameters.Items.Where(p => p.Key is "UserName" or "GroupName").Select(p => p.Value).FirstOrDefault();

    /// <summary>Set while the retry policy is sending the request again after ConcurrentModification.</summary>
    public bool RetryingConcurrentModification { get; set; }

    /// <summary>The caller looks into a lost response itself (<see cref="IamOperations.LooksIntoLostResponse"/>).</summary>
    public bool LooksIntoLostResponse => IamOperations.LooksIntoLostResponse(Action);

    /// <summary>
    /// Set when an attempt got no response, or one of unknown outcome (a 5xx): a later NoSuchEntity on a delete then
    /// means that attempt did it.
    /// </summary>
    public bool AnAttemptLostItsResponse { get; set; }

    /// <summary>Set when the retry policy refused to resend a create whose response was lost.</summary>
    public bool ResponseLostNotRetried { get; set; }

    /// <summary>Where each attempt's answer leaves its word on the service's time (its Date header).</summary>
    public AwsSdk.ServiceClock? ServiceClock { get; set; }

    public override string ToString() => "IAM " + Action;
}

/// <summary>The one marshaller: Action, Version and the flat parameters as a form body.</summary>
internal sealed class IamQueryMarshaller : IMarshaller<IRequest, AmazonWebServiceRequest>
{
    public static readonly IamQueryMarshaller Instance = new();

    public IRequest Marshall(AmazonWebServiceRequest input)
    {
        var query = (IamQueryRequest)input;
        var request = new DefaultRequest(query, "IAM") { HttpMethod = "POST", ResourcePath = "/" };
        request.Parameters.Add("Action", query.Action);
        request.Parameters.Add("Version", "2010-05-08");
        foreach (var parameter in query.Parameters.Items)
        {
            request.Parameters.Add(parameter.Key, parameter.Value);
        }

        return request;
    }
}

internal sealed class IamQueryResponse : AmazonWebServiceResponse
{
    /// <summary>The <c>{Action}Result</c> element; null for actions without output.</summary>
    public XElement? Result { get; set; }
}

/// <summary>The one unmarshaller: keeps the result element for the typed readers, and turns error bodies into service exceptions.</summary>
internal sealed class IamQueryUnmarshaller : XmlResponseUnmarshaller
{
    public static readonly IamQueryUnmarshaller Instance = new();

    public override AmazonWebServiceResponse Unmarshall(XmlUnmarshallerContext context)
    {
        var document = XDocument.Load(context.Stream);
        XElement? result = null;
        string? bodyRequestId = null;
        if (document.Root is not null)
        {
            foreach (var element in document.Root.Elements())
            {
                if (element.Name.LocalName.EndsWith("Result", StringComparison.Ordinal))
                {
                    result = element;
                }
                else if (element.Name.LocalName == "ResponseMetadata")
                {
                    bodyRequestId = IamXml.Text(element, "RequestId");
                }
            }
        }

        return new IamQueryResponse
        {
            Result = result,
            ResponseMetadata = new ResponseMetadata { RequestId = context.ResponseData?.GetHeaderValue("x-amzn-RequestId") ?? bodyRequestId },
        };
    }

    public override AmazonServiceException UnmarshallException(XmlUnmarshallerContext context, Exception innerException, HttpStatusCode statusCode)
    {
        var headerRequestId = context.ResponseData?.GetHeaderValue("x-amzn-RequestId");
        var headerCode = QueryErrorDocument.CodeFromErrorTypeHeader(context.ResponseData?.GetHeaderValue("X-Amzn-ErrorType"));
        var error = QueryErrorDocument.Read(context.Stream);
        var errorCode = string.IsNullOrEmpty(error?.Code) ? headerCode : error!.Code;
        if (!string.IsNullOrEmpty(errorCode))
        {
            var errorType = error?.Type switch
            {
                "Sender" => ErrorType.Sender,
                "Receiver" => ErrorType.Receiver,
                _ => ErrorType.Unknown,
            };
            return new AmazonServiceException(error?.Message ?? errorCode, innerException, errorType, errorCode,
                error?.RequestId ?? headerRequestId, statusCode);
        }

        var code = (int)statusCode >= 500 ? IamErrorCodes.ServiceFailure : "HttpStatus" + ((int)statusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new AmazonServiceException("IAM answered HTTP " + (int)statusCode + " without an error document.", innerException,
            (int)statusCode >= 500 ? ErrorType.Receiver : ErrorType.Sender, code, headerRequestId, statusCode);
    }
}

/// <summary>
/// An awsQuery error body in either shape the Query protocol uses, read the way the AWS CLI's query parser reads it:
/// <c>&lt;ErrorResponse&gt;&lt;Error&gt;</c> (IAM, STS) or <c>&lt;ErrorResponse&gt;&lt;Errors&gt;&lt;Error&gt;</c> (other
/// implementations of the API), with the request id beside the error.
/// </summary>
internal sealed class QueryErrorDocument
{
    public string? Code { get; private set; }
    public string? Type { get; private set; }
    public string? Message { get; private set; }
    public string? RequestId { get; private set; }

    /// <summary>The document, or null when the body is empty or not XML (a proxy's HTML page, an empty 503).</summary>
    public static QueryErrorDocument? Read(System.IO.Stream body)
    {
        XElement? root;
        try
        {
            root = XDocument.Load(body).Root;
        }
        catch (XmlException)
        {
            return null;
        }

        var error = IamXml.Child(root, "Error") ?? IamXml.Child(IamXml.Child(root, "Errors"), "Error");
        if (root is null || error is null)
        {
            return null;
        }

        return new QueryErrorDocument
        {
            Code = NullIfEmpty(IamXml.Text(error, "Code")),
            Type = IamXml.Text(error, "Type"),
            Message = NullIfEmpty(IamXml.Text(error, "Message")),
            RequestId = NullIfEmpty(IamXml.Text(root, "RequestId") ?? IamXml.Text(IamXml.Child(root, "ResponseMetadata"), "RequestId")),
        };
    }

    /// <summary><c>X-Amzn-ErrorType: EntityAlreadyExists:http://internal.amazon.com/...</c>: the code is the part before the first colon.</summary>
    public static string? CodeFromErrorTypeHeader(string? header)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return null;
        }

        var colon = header!.IndexOf(':');
        var code = (colon < 0 ? header : header.Substring(0, colon)).Trim();
        return code.Length == 0 ? null : code;
    }

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;
}
