using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using IamOnboard.Commands.Infrastructure;
using IamOnboard.LocalIam;

namespace IamOnboard.Commands;

/// <summary>
/// The endpoint objects of the servers in the current runspace's registry. The registry (runspace-scoped) owns the
/// servers; this table only remembers the object handed out for each, and forgets it with the server.
/// </summary>
internal static class LocalIamEndpoints
{
    private static readonly ConditionalWeakTable<LocalIamServer, LocalIamEndpoint> Endpoints = new();

    /// <summary>Starts a server and registers it with the current runspace (Start-OnboardLocalIam, Connect-Onboard -Local).</summary>
    public static LocalIamEndpoint Start(LocalIamOptions options)
    {
        var server = LocalIamServer.Start(options);
        var endpoint = new LocalIamEndpoint(server, options.StatePath, System.DateTime.Now);
        Endpoints.Add(endpoint.Server, endpoint);
        LocalIamRegistry.Add(endpoint.Server);
        return endpoint;
    }

    /// <summary>Endpoints of the current runspace, oldest first (servers started elsewhere, e.g. by Connect-Onboard -Local, get an object on first sight).</summary>
    public static IReadOnlyList<LocalIamEndpoint> List() =>
        LocalIamRegistry.List().Select(server => Endpoints.GetValue(server, s => new LocalIamEndpoint(s, null, System.DateTime.Now))).ToList();

    public static bool Stop(LocalIamEndpoint endpoint)
    {
        bool owned = LocalIamRegistry.Remove(endpoint.Server);
        endpoint.Server.Stop();
        Endpoints.Remove(endpoint.Server);
        return owned;
    }
}
