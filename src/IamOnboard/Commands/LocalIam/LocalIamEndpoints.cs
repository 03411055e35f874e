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

    public static void Add(LocalIamEndpoint endpoint)
    {
        Endpoints.Add(endpoint.Server, endpoint);
        LocalIamRegistry.Add(endpoint.Server);
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
