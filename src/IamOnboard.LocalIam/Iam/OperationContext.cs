using System;
using System.Globalization;
using IamOnboard.LocalIam.Auth;
using IamOnboard.LocalIam.Protocol;
using IamOnboard.LocalIam.State;
using IamOnboard.Rules;

namespace IamOnboard.LocalIam.Iam;

/// <summary>One request as an operation sees it: parameters, caller, the account, the clock and the result being written.</summary>
internal sealed class OperationContext
{
    public OperationContext(QueryParameters parameters, CallerIdentity caller, AccountStore store, DateTime now)
    {
        Parameters = parameters;
        Caller = caller;
        Store = store;
        Now = now;
        CredentialTime = now;
    }

    public QueryParameters Parameters { get; }
    public CallerIdentity Caller { get; }
    public AccountStore Store { get; }

    /// <summary>Request time, whole seconds in UTC (IAM's timestamps carry no fractions).</summary>
    public DateTime Now { get; }

    /// <summary>The time temporary credentials are issued from: <see cref="Now"/> plus the server's credential time ahead (a test hook).</summary>
    public DateTime CredentialTime { get; set; }

    public XmlResponseWriter Result { get; } = new();

    /// <summary>Time, source address and signed region of the request, for the condition keys IAM sets.</summary>
    public RequestFacts Facts { get; set; } = new(DateTime.UtcNow, "127.0.0.1", "us-east-1");

    /// <summary>False only when the endpoint was started with policy evaluation off (a benchmark comparison).</summary>
    public bool EvaluatePolicies { get; set; } = true;

    public string? Optional(string name) => Parameters[name];

    /// <summary>A required parameter; missing ones fail like IAM's query validation does.</summary>
    public string Required(string name)
    {
        string? value = Parameters[name];
        if (value is null)
        {
            throw IamServiceException.Validation(
                "1 validation error detected: Value null at '" + MemberName(name) + "' failed to satisfy constraint: Member must not be null");
        }

        return value;
    }

    public static string MemberName(string parameter) =>
        char.ToLowerInvariant(parameter[0]) + parameter.Substring(1);

    public bool? OptionalBool(string name)
    {
        string? value = Parameters[name];
        if (value is null)
        {
            return null;
        }

        if (value.Equals("true", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (value.Equals("false", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        throw IamServiceException.Validation("1 validation error detected: Value '" + value + "' at '" + MemberName(name) + "' failed to satisfy constraint: Member must be a boolean");
    }

    public int? OptionalInt(string name, int min, int max)
    {
        string? value = Parameters[name];
        if (value is null)
        {
            return null;
        }

        if (!int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int number))
        {
            throw IamServiceException.Validation("1 validation error detected: Value '" + value + "' at '" + MemberName(name) + "' failed to satisfy constraint: Member must be an integer");
        }

        if (number < min)
        {
            throw IamServiceException.Validation("1 validation error detected: Value '" + value + "' at '" + MemberName(name) + "' failed to satisfy constraint: Member must have value greater than or equal to " + min.ToString(CultureInfo.InvariantCulture));
        }

        if (number > max)
        {
            throw IamServiceException.Validation("1 validation error detected: Value '" + value + "' at '" + MemberName(name) + "' failed to satisfy constraint: Member must have value less than or equal to " + max.ToString(CultureInfo.InvariantCulture));
        }

        return number;
    }

    /// <summary>One of a fixed set of values (an enum in IAM's model).</summary>
    public string? OptionalEnum(string name, params string[] allowed)
    {
        string? value = Parameters[name];
        if (value is not null && Array.IndexOf(allowed, value) < 0)
        {
            throw IamServiceException.Validation("1 validation error detected: Value '" + value + "' at '" + MemberName(name)
                + "' failed to satisfy constraint: Member must satisfy enum value set: [" + string.Join(", ", allowed) + "]");
        }

        return value;
    }

    /// <summary>Throws the rule's IAM error when a check found a violation.</summary>
    public static void Enforce(RuleViolation? violation)
    {
        if (violation is not null)
        {
            throw IamServiceException.FromViolation(violation);
        }
    }

    /// <summary>A length-bounded free-text parameter (descriptions, ARNs).</summary>
    public static void EnforceLength(string name, string? value, int min, int max)
    {
        if (value is null)
        {
            return;
        }

        if (value.Length < min)
        {
            throw IamServiceException.Validation("1 validation error detected: Value '" + value + "' at '" + MemberName(name) + "' failed to satisfy constraint: Member must have length greater than or equal to " + min.ToString(CultureInfo.InvariantCulture));
        }

        if (value.Length > max)
        {
            throw IamServiceException.Validation("1 validation error detected: Value at '" + MemberName(name) + "' failed to satisfy constraint: Member must have length less than or equal to " + max.ToString(CultureInfo.InvariantCulture));
        }
    }
}
