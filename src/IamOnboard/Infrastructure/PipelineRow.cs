using System.Management.Automation;

namespace IamOnboard.Commands.Infrastructure;

internal static class PipelineRow
{
    /// <summary>
    /// Which input object (1-based) the cmdlet is processing, or null when it was not given pipeline input.
    /// Counted by PowerShell as objects arrive, so rows that failed parameter binding still count and the
    /// numbers match the CSV's data rows.
    /// </summary>
    public static int? Current(PSCmdlet cmdlet)
    {
        var invocation = cmdlet.MyInvocation;
        if (!invocation.ExpectingInput)
        {
            return null;
        }

        var counts = invocation.PipelineIterationInfo;
        var position = invocation.PipelinePosition;
        return counts is not null && position >= 0 && position < counts.Length ? counts[position] : null;
    }
}
