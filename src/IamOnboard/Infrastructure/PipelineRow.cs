using System.Management.Automation;
using System.Reflection;

namespace IamOnboard.Commands.Infrastructure;

internal static class PipelineRow
{
    // PowerShell counts the objects each command receives (what ErrorRecord.PipelineIterationInfo reports), but
    // InvocationInfo keeps the live count internal in both 5.1 and 7.
    private static readonly PropertyInfo? IterationInfo =
        typeof(InvocationInfo).GetProperty("PipelineIterationInfo", BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic);

    /// <summary>
    /// Which input object (1-based) the cmdlet is processing, or null when it was not given pipeline input.
    /// PowerShell's count includes objects that failed parameter binding, so the numbers match the CSV's data rows;
    /// <paramref name="fallbackCount"/> (the cmdlet's own count) is used if the count cannot be read.
    /// </summary>
    public static int? Current(PSCmdlet cmdlet, int fallbackCount)
    {
        var invocation = cmdlet.MyInvocation;
        if (!invocation.ExpectingInput)
        {
            return null;
        }

        if (IterationInfo?.GetValue(invocation) is int[] counts && invocation.PipelinePosition >= 0 && invocation.PipelinePosition < counts.Length)
        {
            return counts[invocation.PipelinePosition];
        }

        return fallbackCount;
    }
}
