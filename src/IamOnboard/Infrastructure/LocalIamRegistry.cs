using System.Collections.Generic;
using System.Linq;
using IamOnboard.LocalIam;

namespace IamOnboard.Commands.Infrastructure;

/// <summary>The local IAM endpoints started in the current runspace; stopped with it or on Remove-Module.</summary>
internal static class LocalIamRegistry
{
    public static void Add(LocalIamServer server)
    {
        var owned = ModuleState.Current.OwnedResources;
        lock (owned)
        {
            owned.Add(server);
        }
    }

    public static IReadOnlyList<LocalIamServer> List()
    {
        var owned = ModuleState.Current.OwnedResources;
        lock (owned)
        {
            return owned.OfType<LocalIamServer>().ToList();
        }
    }

    public static bool Remove(LocalIamServer server)
    {
        var owned = ModuleState.Current.OwnedResources;
        lock (owned)
        {
            return owned.Remove(server);
        }
    }
}
