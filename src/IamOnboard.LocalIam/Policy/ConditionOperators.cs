using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net;
using IamOnboard.Rules;

namespace IamOnboard.LocalIam.Policy;

/// <summary>One base condition operator: how a request value is compared with a policy value, and whether it is negated.</summary>
internal sealed class ConditionOperator
{
    public ConditionOperator(Func<string, string, bool> matches, bool negated, bool substitutes = true)
    {
        Matches = matches;
        Negated = negated;
        SubstitutesVariables = substitutes;
    }

    /// <summary>The positive comparison (a negated operator's result is its complement).</summary>
    public Func<string, string, bool> Matches { get; }
    public bool Negated { get; }

    /// <summary>Policy variables are allowed in String* and Arn* values, not in numbers, dates, IPs or booleans.</summary>
    public bool SubstitutesVariables { get; }
}

/// <summary>IAM's condition operators: the base names, with the <c>IfExists</c> suffix and <c>ForAllValues:</c>/<c>ForAnyValue:</c> prefixes.</summary>
internal static class ConditionOperators
{
    private static readonly Dictionary<string, ConditionOperator> Base = new(StringComparer.Ordinal)
    {
        ["StringEquals"] = new((r, p) => string.Equals(r, Wildcard.Unmarked(p), StringComparison.Ordinal), false),
        ["StringNotEquals"] = new((r, p) => string.Equals(r, Wildcard.Unmarked(p), StringComparison.Ordinal), true),
        ["StringEqualsIgnoreCase"] = new((r, p) => string.Equals(r, Wildcard.Unmarked(p), StringComparison.OrdinalIgnoreCase), false),
        ["StringNotEqualsIgnoreCase"] = new((r, p) => string.Equals(r, Wildcard.Unmarked(p), StringComparison.OrdinalIgnoreCase), true),
        ["StringLike"] = new((r, p) => Wildcard.IsMatch(p, r, ignoreCase: false), false),
        ["StringNotLike"] = new((r, p) => Wildcard.IsMatch(p, r, ignoreCase: false), true),
        ["NumericEquals"] = Numeric(c => c == 0, false),
        ["NumericNotEquals"] = Numeric(c => c == 0, true),
        ["NumericLessThan"] = Numeric(c => c < 0, false),
        ["NumericLessThanEquals"] = Numeric(c => c <= 0, false),
        ["NumericGreaterThan"] = Numeric(c => c > 0, false),
        ["NumericGreaterThanEquals"] = Numeric(c => c >= 0, false),
        ["DateEquals"] = Date(c => c == 0, false),
        ["DateNotEquals"] = Date(c => c == 0, true),
        ["DateLessThan"] = Date(c => c < 0, false),
        ["DateLessThanEquals"] = Date(c => c <= 0, false),
        ["DateGreaterThan"] = Date(c => c > 0, false),
        ["DateGreaterThanEquals"] = Date(c => c >= 0, false),
        ["Bool"] = new((r, p) => string.Equals(r, p, StringComparison.OrdinalIgnoreCase), false, substitutes: false),
        ["BinaryEquals"] = new((r, p) => string.Equals(r, p, StringComparison.Ordinal), false, substitutes: false),
        ["IpAddress"] = new(InRange, false, substitutes: false),
        ["NotIpAddress"] = new(InRange, true, substitutes: false),
        ["ArnEquals"] = new((r, p) => Wildcard.ArnMatches(p, r), false),
        ["ArnLike"] = new((r, p) => Wildcard.ArnMatches(p, r), false),
        ["ArnNotEquals"] = new((r, p) => Wildcard.ArnMatches(p, r), true),
        ["ArnNotLike"] = new((r, p) => Wildcard.ArnMatches(p, r), true),
    };

    public const string ForAllValues = ConditionOperatorNames.ForAllValues;
    public const string ForAnyValue = ConditionOperatorNames.ForAnyValue;

    /// <summary>
    /// Splits an operator name into its set prefix, base operator and IfExists flag; null base for <c>Null</c>.
    /// Throws for a name IAM does not accept: the parser refuses those, so one here is a bug, not a policy to guess at.
    /// </summary>
    public static (string? SetPrefix, string BaseName, ConditionOperator? Base, bool IfExists) Describe(string name)
    {
        if (!ConditionOperatorNames.TryParse(name, out var parsed))
        {
            throw new ArgumentException("\"" + name + "\" is not a condition operator.", nameof(name));
        }

        var op = parsed.BaseName == ConditionOperatorNames.Null ? null : Base[parsed.BaseName];
        return (parsed.SetPrefix, parsed.BaseName, op, parsed.IfExists);
    }

    public static bool IsKnown(string name) => ConditionOperatorNames.IsKnown(name);

    private static ConditionOperator Numeric(Func<int, bool> test, bool negated) =>
        new((r, p) => TryNumber(r, out var a) && TryNumber(p, out var b) && test(a.CompareTo(b)), negated, substitutes: false);

    private static ConditionOperator Date(Func<int, bool> test, bool negated) =>
        new((r, p) => TryDate(r, out var a) && TryDate(p, out var b) && test(a.CompareTo(b)), negated, substitutes: false);

    private static bool TryNumber(string text, out decimal value) =>
        decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    // The W3C profile of ISO 8601 that IAM's date operators document; a culture's reading of 12/31/2026 is not one.
    private static readonly string[] IsoDateFormats =
    {
        "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mmK", "yyyy-MM-dd", "yyyy-MM",
    };

    /// <summary>ISO 8601 dates and times, or seconds since the epoch (both are IAM date forms).</summary>
    public static bool TryDate(string text, out DateTimeOffset value)
    {
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long epoch))
        {
            value = DateTimeOffset.FromUnixTimeSeconds(epoch);
            return true;
        }

        return DateTimeOffset.TryParseExact(text, IsoDateFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value);
    }

    private static bool InRange(string requestIp, string policyCidr)
    {
        if (!IPAddress.TryParse(requestIp, out var address))
        {
            return false;
        }

        string[] parts = policyCidr.Split('/');
        if (parts.Length > 2 || !IPAddress.TryParse(parts[0], out var network) || network.AddressFamily != address.AddressFamily)
        {
            return false;
        }

        byte[] a = address.GetAddressBytes();
        byte[] n = network.GetAddressBytes();
        int prefix = a.Length * 8;
        if (parts.Length == 2 && (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out prefix) || prefix > a.Length * 8))
        {
            return false;
        }

        for (int bit = 0; bit < prefix; bit++)
        {
            int mask = 0x80 >> (bit % 8);
            if ((a[bit / 8] & mask) != (n[bit / 8] & mask))
            {
                return false;
            }
        }

        return true;
    }
}
