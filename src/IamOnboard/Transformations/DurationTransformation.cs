using System;
using System.Globalization;
using System.Management.Automation;
using System.Text.RegularExpressions;

namespace IamOnboard.Commands.Transformations;

/// <summary>
/// Lets a TimeSpan parameter bind from durations as people write them: <c>25ms</c>, <c>2s</c>, <c>1.5s</c>,
/// <c>1m</c>, <c>1h</c>, <c>500us</c>, a bare number (milliseconds), <c>hh:mm:ss</c>, or a TimeSpan. PowerShell's own
/// conversion refuses <c>25ms</c> and reads a bare number as ticks (100 ticks = 10 microseconds), which nobody means.
/// Negative durations are refused.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class DurationTransformationAttribute : ArgumentTransformationAttribute
{
    private static readonly Regex NumberWithUnit = new(
        @"^\s*(?<number>\d+(\.\d+)?|\.\d+)\s*(?<unit>us|ms|s|sec|m|min|h)?\s*$",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        var value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
        TimeSpan duration = value switch
        {
            TimeSpan span => span,
            // PowerShell 7 reads an unquoted 2s as the Int16 literal 2 and 2us as the UInt16 literal 2, before any
            // binding: those suffixes are the only way such numbers arrive here. (An unquoted 1.5s arrives as 2.)
            short seconds => TimeSpan.FromSeconds(seconds),
            ushort microseconds => TimeSpan.FromTicks(microseconds * 10L),
            int or long or double or float or decimal => TimeSpan.FromMilliseconds(Convert.ToDouble(value, CultureInfo.InvariantCulture)),
            string text => Parse(text),
            _ => throw Refuse(value),
        };
        if (duration < TimeSpan.Zero)
        {
            throw new ArgumentTransformationMetadataException($"'{value}' is a negative duration; give 0 or more, such as 25ms or 2s.");
        }

        return duration;
    }

    private static TimeSpan Parse(string text)
    {
        var match = NumberWithUnit.Match(text);
        if (match.Success)
        {
            double number = double.Parse(match.Groups["number"].Value, NumberStyles.Float, CultureInfo.InvariantCulture);
            return match.Groups["unit"].Value.ToLowerInvariant() switch
            {
                "" or "ms" => TimeSpan.FromMilliseconds(number),
                "us" => TimeSpan.FromTicks((long)Math.Round(number * 10)),
                "s" or "sec" => TimeSpan.FromSeconds(number),
                "m" or "min" => TimeSpan.FromMinutes(number),
                _ => TimeSpan.FromHours(number),
            };
        }

        if (text.IndexOf(':') >= 0 && TimeSpan.TryParse(text.Trim(), CultureInfo.InvariantCulture, out var clock))
        {
            return clock;
        }

        throw Refuse(text);
    }

    private static ArgumentTransformationMetadataException Refuse(object? value) =>
        new($"'{value}' is not a duration: write 25ms, 2s, 1.5s, 1m, a number of milliseconds (100), or hh:mm:ss.");
}
