using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;
using IamOnboard.Iam;
using Xunit;

namespace IamOnboard.Tests.Conformance;

/// <summary>
/// The FIPS endpoints a session takes (use_fips_endpoint, AWS_USE_FIPS_ENDPOINT) for IAM, STS and IAM Identity Center,
/// against AWS's published endpoint rules as botocore evaluates them: Debian's python3-botocore, run for every region
/// of the partitions IamOnboard chooses FIPS endpoints in. Where IamOnboard chooses none (see
/// <see cref="AwsPartition.FipsEndpoint"/>), the session refuses instead, which ServiceEndpointsTests checks.
/// </summary>
public sealed class FipsEndpointConformanceTests
{
    // Reads [service, region] pairs on stdin; writes the FIPS URL botocore's rules give each (or the rules' error).
    private const string Resolver = """
import json, sys
import botocore.session
from botocore.endpoint_provider import EndpointProvider
loader = botocore.session.get_session().get_component('data_loader')
partitions = loader.load_data('partitions')
providers = {}
answers = []
for service, region in json.load(sys.stdin):
    if service not in providers:
        providers[service] = EndpointProvider(loader.load_service_model(service, 'endpoint-rule-set-1'), partitions)
    parameters = {'Region': region, 'UseFIPS': True, 'UseDualStack': False}
    if service == 'sts':
        parameters['UseGlobalEndpoint'] = False
    try:
        answers.append(providers[service].resolve_endpoint(**parameters).url)
    except Exception as error:
        answers.append('error: ' + str(error))
json.dump(answers, sys.stdout)
""";

    private static readonly (string Id, string Botocore)[] Services = { ("IAM", "iam"), ("STS", "sts"), ("SSO", "sso"), ("SSO OIDC", "sso-oidc") };

    [Fact]
    public void Every_fips_endpoint_IamOnboard_chooses_is_the_one_AWS_publishes()
    {
        var queries = new List<(string Service, string Botocore, string Region, string Ours)>();
        foreach (var region in RegionsOf("aws", "aws-us-gov"))
        {
            foreach (var (id, botocore) in Services)
            {
                if (AwsPartition.ForRegion(region).FipsEndpoint(id, region) is { } ours)
                {
                    queries.Add((id, botocore, region, ours));
                }
            }
        }

        Assert.True(queries.Count > 60, "only " + queries.Count + " endpoints were checked");
        var published = RunBotocore(queries.Select(q => new[] { q.Botocore, q.Region }).ToArray());
        var differences = queries.Zip(published, (q, url) => (q, url)).Where(p => p.url != p.q.Ours)
            .Select(p => $"{p.q.Service} in {p.q.Region}: AWS publishes {p.url}, IamOnboard takes {p.q.Ours}").ToList();
        Assert.True(differences.Count == 0, string.Join("\n", differences));
    }

    private static IEnumerable<string> RegionsOf(params string[] partitionIds)
    {
        var path = Path.Combine(ServiceModel.BotocoreData, "partitions.json");
        Assert.True(File.Exists(path), "AWS's partition data " + path + " is missing. Install Debian's python3-botocore (.ci/run does).");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var regions = new List<string>();
        foreach (var partition in document.RootElement.GetProperty("partitions").EnumerateArray().Where(p => partitionIds.Contains(p.GetProperty("id").GetString())))
        {
            var pattern = new Regex(partition.GetProperty("regionRegex").GetString()!, RegexOptions.CultureInvariant);
            regions.AddRange(partition.GetProperty("regions").EnumerateObject().Select(r => r.Name).Where(r => pattern.IsMatch(r)));
        }

        return regions;
    }

    private static string[] RunBotocore(string[][] queries)
    {
        // Debian's python and its botocore, isolated from the environment (-I), so no other botocore is picked up.
        var start = new ProcessStartInfo("/usr/bin/python3", "-I -c \"" + Resolver.Replace("\"", "\\\"") + "\"")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("python3 did not start");
        process.StandardInput.Write(JsonSerializer.Serialize(queries));
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, "botocore's endpoint resolver failed: " + error);
        return JsonSerializer.Deserialize<string[]>(output)!;
    }
}
