using System.Management.Automation;

namespace IamOnboard.Commands.Infrastructure;

/// <summary>Closes the runspace's sessions and stops its local endpoints when the module is removed.</summary>
public sealed class OnImportAndRemove : IModuleAssemblyCleanup
{
    public void OnRemove(PSModuleInfo psModuleInfo) => ModuleState.ReleaseCurrent();
}
