using System.Management.Automation;

namespace IamOnboard.Commands.Infrastructure;

/// <summary>
/// Import: puts the dependency resolver in place before any cmdlet touches an engine type. Remove: closes the
/// runspace's sessions and stops its local endpoints.
/// </summary>
public sealed class OnImportAndRemove : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    public void OnImport() => DependencyIsolation.Install();

    // The resolver stays installed: IamOnboard.dll stays loaded after Remove-Module (assemblies cannot be unloaded
    // from the default context), and its types may still need the engine, e.g. when the module is imported again.
    public void OnRemove(PSModuleInfo psModuleInfo) => ModuleState.ReleaseCurrent();
}
