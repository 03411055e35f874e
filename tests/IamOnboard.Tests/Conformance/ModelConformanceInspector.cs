using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text;
using IamOnboard.LocalIam;
using IamOnboard.LocalIam.Protocol;

namespace IamOnboard.Tests.Conformance;

/// <summary>
/// Holds every local endpoint this test assembly starts, and every client talking to it, to AWS's published IAM and
/// STS models: a request the endpoint accepted that the model refuses, a request serialised off the model, or an
/// answer that is not what the model says fails the call under test with a <c>ModelConformance</c> error.
/// </summary>
internal sealed class ModelConformanceInspector : IExchangeInspector
{
    public static readonly ModelConformanceInspector Instance = new();

    // Problems in how a request is put together; these count even when the endpoint refused the request.
    private static readonly string[] SerialisationProblems =
        { "is not a member of", "is not serialised", "appears twice", "not numbered", "sub-parameters", "plain value" };

    [ModuleInitializer]
    internal static void HoldEveryLocalEndpointToTheModel() => LocalIamOptions.DefaultInspector = Instance;

    public string? Inspect(string service, IReadOnlyList<KeyValuePair<string, string>> parameters, int status, byte[] body)
    {
        var problems = new List<string>();
        try
        {
            var model = ServiceModel.For(service);
            var action = parameters.FirstOrDefault(p => p.Key == "Action").Value;
            var requestProblems = QueryRequestCheck.Problems(model, parameters);
            problems.AddRange(status < 300 ? requestProblems : requestProblems.Where(p => SerialisationProblems.Any(p.Contains)));
            if (status >= 300 || (action is not null && model.HasOperation(action)))
            {
                problems.AddRange(QueryResponseCheck.Problems(model, action ?? "(no action)", status, Encoding.UTF8.GetString(body)));
            }
        }
        catch (Exception error) when (error is System.IO.IOException or InvalidOperationException or KeyNotFoundException)
        {
            problems.Add("the model check could not run: " + error.Message);
        }

        return problems.Count == 0 ? null : "Off AWS's published " + service.ToUpperInvariant() + " model: " + string.Join("; ", problems);
    }
}
