using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using IamOnboard.LocalIam.Auth;
using IamOnboard.LocalIam.Http;
using IamOnboard.LocalIam.Iam;
using IamOnboard.LocalIam.Protocol;
using IamOnboard.LocalIam.State;
using IamOnboard.LocalIam.Sso;
using IamOnboard.LocalIam.Sts;

namespace IamOnboard.LocalIam;

/// <summary>One request: to IAM Identity Center (the SSO portal, SSO OIDC), or through throttling, authentication, policies and faults to IAM or STS.</summary>
public sealed partial class LocalIamServer
{
    private async Task<(HttpResponse Response, bool Drop)> HandleAsync(HttpRequest request, string sourceIp, RequestTrace? trace)
    {
        if (_latency is not null)
        {
            await _latency.Delay(_options.Latency);
        }

        if (SsoPortal.Serves(request))
        {
            Counted("GetRoleCredentials", trace);
            lock (_stateLock)
            {
                var now = StateFile.Truncate(UtcNow);
                var answer = _ssoPortal.GetRoleCredentials(request, _store, now, now + CredentialTimeAhead);
                if (answer.StatusCode == 200 && _options.StatePath is not null)
                {
                    StateFile.Save(_options.StatePath, _store.State);
                }

                return (answer, false);
            }
        }

        if (SsoOidc.Serves(request))
        {
            Counted("CreateToken", trace);
            return (_ssoOidc.CreateToken(request, UtcNow), false);
        }

        string authorizationHeader = request.Header("authorization") ?? string.Empty;
        string ns = authorizationHeader.Contains("/sts/aws4_request") ? StsService.Namespace : IamService.Namespace;
        if (!_faults.TryAdmit())
        {
            Interlocked.Increment(ref _throttled);
            return (ErrorResponse(ns, new IamServiceException("Throttling", 400, "Rate exceeded")), false);
        }

        try
        {
            var (response, drop) = Process(request, authorizationHeader, sourceIp, ref ns, trace);
            return (drop ? response : Inspected(request, ns, response), drop);
        }
        catch (IamServiceException error)
        {
            return (Inspected(request, ns, ErrorResponse(ns, error)), false);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            // The state file could not be written: the change is not acknowledged.
            return (ErrorResponse(ns, new IamServiceException("ServiceFailure", 500, "The request could not be persisted.", senderFault: false)), false);
        }
    }

    private (HttpResponse Response, bool Drop) Process(HttpRequest request, string authorizationHeader, string sourceIp, ref string ns, RequestTrace? trace)
    {
        if (request.Method != "POST" && request.Method != "GET")
        {
            throw new IamServiceException("MethodNotAllowed", 405, "The HTTP method " + request.Method + " is not allowed; use POST (or GET).");
        }

        var parameters = new QueryParameters();
        parameters.AddEncoded(request.RawQuery);
        if (request.Method == "POST" && request.Body.Length > 0)
        {
            parameters.AddEncoded(Encoding.UTF8.GetString(request.Body));
        }

        if (authorizationHeader.Length == 0 && parameters["Action"] == StsService.AssumeRoleWithWebIdentityAction)
        {
            ns = StsService.Namespace;
            return (AssumeRoleWithWebIdentity(parameters, trace), false);
        }

        var (caller, service, region) = Authenticate(request, authorizationHeader);
        bool isSts = service == "sts";
        ns = isSts ? StsService.Namespace : IamService.Namespace;
        string? action = parameters["Action"];
        if (trace is not null)
        {
            trace.Action = action;
            // CreateVirtualMFADevice names no user; the tools name the device after the user it is for.
            trace.UserName = parameters["UserName"] ?? parameters["VirtualMFADeviceName"];
            trace.CallerArn = caller.Arn;
            trace.RoleArn = action == "AssumeRole" ? parameters["RoleArn"] : null;
        }

        // GetSessionToken's credentials made without an MFA code call no IAM operation ("You cannot call any IAM API
        // operations unless MFA authentication information is included in the request"); IAM answers as for a bad token.
        if (!isSts && caller.Session is { TokenOwnerId: not null, MfaAuthenticatedAt: null })
        {
            Interlocked.Increment(ref _authenticationFailures);
            throw InvalidToken();
        }

        if (string.IsNullOrEmpty(action))
        {
            throw new IamServiceException("MissingAction", 400, "Missing Action");
        }

        if (isSts ? !_sts.Knows(action!) : !_iam.Knows(action!))
        {
            throw new IamServiceException("InvalidAction", 400,
                "Could not find operation " + action + " for version " + (isSts ? "2011-06-15" : "2010-05-08"));
        }

        Counted(action!, trace: null);
        _faults.TakeInterruption(action!)?.Invoke();
        bool mutating = isSts ? StsService.IsMutating(action!) : IamService.IsMutating(action!);

        var facts = new RequestFacts(StateFile.Truncate(UtcNow), sourceIp, region);
        if (!isSts && _options.EvaluatePolicies)
        {
            lock (_stateLock)
            {
                Authorizer.AuthorizeIam(_store, caller, action!, parameters, facts);
            }
        }

        if (_faults.ShouldFail(action!))
        {
            Interlocked.Increment(ref _failuresInjected);
            throw new IamServiceException("ServiceFailure", 500, "An internal error occurred. Please try again.", senderFault: false);
        }

        if (mutating && _faults.ShouldAnswerConcurrentModification(action!))
        {
            // IAM's words for it (the API reference's common errors); the request is refused, nothing changes.
            throw new IamServiceException("ConcurrentModification", 409,
                "The request was rejected because multiple requests to change this object were submitted simultaneously. Wait a few minutes and submit your request again.");
        }

        bool drop = mutating && _faults.ShouldDropResponse(action!);
        bool gatewayTimeout = mutating && !drop && _faults.ShouldAnswerGatewayTimeout(action!);
        string? result;
        lock (_stateLock)
        {
            var now = StateFile.Truncate(UtcNow);
            var context = new OperationContext(parameters, caller, _store, now) { Facts = facts, EvaluatePolicies = _options.EvaluatePolicies, CredentialTime = now + CredentialTimeAhead };
            result = isSts ? _sts.Invoke(action!, context) : _iam.Invoke(action!, context);
            if (mutating && _options.StatePath is not null)
            {
                StateFile.Save(_options.StatePath, _store.State);
            }
        }

        if (drop)
        {
            Interlocked.Increment(ref _responsesDropped);
            return (new HttpResponse(500, "text/xml", Array.Empty<byte>()), true);
        }

        if (gatewayTimeout)
        {
            // What a proxy or load balancer in front of IAM answers when it stopped waiting: the change is made all the same.
            return (new HttpResponse(504, "text/html", Encoding.UTF8.GetBytes("<html><head><title>504 Gateway Time-out</title></head><body><h1>504 Gateway Time-out</h1></body></html>")), false);
        }

        return (SuccessResponse(ns, action!, result), false);
    }

    /// <summary>
    /// STS's one unsigned action: no caller to authenticate or authorize, the web identity token is the proof. Faults
    /// scripted for it (FailNextRequests) apply as to any other action.
    /// </summary>
    private HttpResponse AssumeRoleWithWebIdentity(QueryParameters parameters, RequestTrace? trace)
    {
        const string action = StsService.AssumeRoleWithWebIdentityAction;
        Counted(action, trace: null);
        if (trace is not null)
        {
            trace.Action = action;
            trace.RoleArn = parameters["RoleArn"];
        }

        if (_faults.ShouldFail(action))
        {
            Interlocked.Increment(ref _failuresInjected);
            throw new IamServiceException("ServiceFailure", 500, "An internal error occurred. Please try again.", senderFault: false);
        }

        string result;
        lock (_stateLock)
        {
            var now = StateFile.Truncate(UtcNow);
            // The context's caller is never read by this action; root stands in for the unsigned request.
            var context = new OperationContext(parameters, CallerIdentity.Root(_store), _store, now) { CredentialTime = now + CredentialTimeAhead };
            StsService.AssumeRoleWithWebIdentity(context, _webIdentityTokens);
            result = context.Result.ToString();
            if (_options.StatePath is not null)
            {
                StateFile.Save(_options.StatePath, _store.State);
            }
        }

        return SuccessResponse(StsService.Namespace, action, result);
    }

    /// <summary>Counts a request of <paramref name="action"/> (statistics), and names it in the recording when there is one.</summary>
    private void Counted(string action, RequestTrace? trace)
    {
        _requestsByAction.AddOrUpdate(action, 1, (_, count) => count + 1);
        if (trace is not null)
        {
            trace.Action = action;
        }
    }

    /// <summary>The answer, or a ModelConformance error when the options' inspector finds the exchange off the model (injected 5xx faults are not inspected).</summary>
    private HttpResponse Inspected(HttpRequest request, string ns, HttpResponse response)
    {
        if (_options.Inspector is null || response.StatusCode >= 500)
        {
            return response;
        }

        var parameters = new List<KeyValuePair<string, string>>();
        foreach (var encoded in new[] { request.RawQuery, request.Method == "POST" ? Encoding.UTF8.GetString(request.Body) : string.Empty })
        {
            foreach (var (name, value) in QueryParameters.ParseEncoded(encoded))
            {
                parameters.Add(new KeyValuePair<string, string>(name, value));
            }
        }

        var problem = _options.Inspector.Inspect(ns == StsService.Namespace ? "sts" : "iam", parameters, response.StatusCode, response.Body);
        return problem is null ? response : ErrorResponse(ns, new IamServiceException("ModelConformance", 400, problem));
    }

    /// <summary>Resolves and verifies the SigV4 signature; returns the caller and the signed service (iam or sts).</summary>

    private static HttpResponse SuccessResponse(string ns, string action, string? result)
    {
        string requestId = IdGenerator.RequestId();
        var xml = new StringBuilder(256 + (result?.Length ?? 0));
        xml.Append('<').Append(action).Append("Response xmlns=\"").Append(ns).Append("\">");
        if (result is not null)
        {
            xml.Append('<').Append(action).Append("Result>").Append(result).Append("</").Append(action).Append("Result>");
        }

        xml.Append("<ResponseMetadata><RequestId>").Append(requestId).Append("</RequestId></ResponseMetadata></")
            .Append(action).Append("Response>");
        var response = new HttpResponse(200, "text/xml", Encoding.UTF8.GetBytes(xml.ToString()));
        response.Headers.Add(new KeyValuePair<string, string>("x-amzn-RequestId", requestId));
        return response;
    }

    private static HttpResponse ErrorResponse(string ns, IamServiceException error)
    {
        string requestId = IdGenerator.RequestId();
        string xml = "<ErrorResponse xmlns=\"" + ns + "\"><Error><Type>" + (error.SenderFault ? "Sender" : "Receiver") + "</Type><Code>"
            + XmlResponseWriter.Escape(error.Code) + "</Code><Message>" + XmlResponseWriter.Escape(error.Message)
            + "</Message></Error><RequestId>" + requestId + "</RequestId></ErrorResponse>";
        var response = new HttpResponse(error.StatusCode, "text/xml", Encoding.UTF8.GetBytes(xml));
        response.Headers.Add(new KeyValuePair<string, string>("x-amzn-RequestId", requestId));
        return response;
    }
}
