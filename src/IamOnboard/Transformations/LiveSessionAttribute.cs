using System;
using System.Management.Automation;

namespace IamOnboard.Commands.Transformations;

/// <summary>
/// Refuses, with the way out, a session copied from another process: Start-Job's $using:session, Invoke-Command or
/// Import-Clixml give a deserialized copy, which keeps the session's description but not its credentials or client, so
/// nothing could sign a request with it. Without this, PowerShell's binder says only that it cannot convert the copy.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class LiveSessionAttribute : ArgumentTransformationAttribute
{
    private const string DeserializedSessionTypeName = "Deserialized.IamOnboard.Sessions.OnboardSession";

    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        if (inputData is PSObject { BaseObject: PSCustomObject } copy && copy.TypeNames.Contains(DeserializedSessionTypeName))
        {
            throw new ArgumentTransformationMetadataException(
                $"-Session got a copy of a session from another process ({copy}), as Start-Job's $using:, Invoke-Command and Import-Clixml give: "
                + "a session's credentials stay in the process that connected, so the copy cannot sign a request. Nothing was sent. "
                + "Run Connect-Onboard in that process (in the job's script block, e.g. Connect-Onboard -ProfileName <name>), "
                + "or run the work in this process with ForEach-Object -Parallel or Start-ThreadJob, which take -Session $using:session.");
        }

        return inputData;
    }
}
