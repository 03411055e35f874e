using System;
using System.Collections.Generic;
using System.Linq;

namespace IamOnboard.Rules;

/// <summary>
/// One broken IAM input rule, worded the way IAM words it, so the local endpoint can answer with the
/// same message and the module can refuse bad input before any call.
/// </summary>
public sealed class RuleViolation
{
    /// <summary>The IAM error code a service answers with: constraint breaks of the request model are <c>ValidationError</c>, semantic ones <c>InvalidInput</c>.</summary>
    public const string ValidationErrorCode = "ValidationError";

    /// <summary>IAM's error code for semantically invalid input (tag key prefix, duplicate tag keys).</summary>
    public const string InvalidInputCode = "InvalidInput";

    // The "Value ... at ... failed to satisfy constraint: ..." pieces, kept apart so several violations can be aggregated.
    private readonly IReadOnlyList<string> _details;

    private RuleViolation(string field, string? value, string errorCode, IReadOnlyList<string> constraints, IReadOnlyList<string> details, string message)
    {
        _details = details;
        Field = field;
        Value = value;
        ErrorCode = errorCode;
        Constraints = constraints;
        Message = message;
    }

    /// <summary>The request member, as IAM names it in messages (e.g. <c>userName</c>, <c>tags.2.member.key</c>).</summary>
    public string Field { get; }

    /// <summary>The offending value; null when the value was missing or is a secret that must not be repeated.</summary>
    public string? Value { get; }

    /// <summary><see cref="ValidationErrorCode"/> or <see cref="InvalidInputCode"/>.</summary>
    public string ErrorCode { get; }

    /// <summary>Each broken constraint in IAM's words, e.g. <c>Member must have length less than or equal to 64</c>.</summary>
    public IReadOnlyList<string> Constraints { get; }

    /// <summary>The full IAM-like message, e.g. <c>1 validation error detected: Value 'a b' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+</c>.</summary>
    public string Message { get; }

    /// <summary>
    /// A model-constraint violation (IAM's <c>ValidationError</c>). <paramref name="omitValue"/> (for secrets, and for lists) keeps the value out
    /// of <see cref="Value"/> and <see cref="Message"/>; a null <paramref name="value"/> reads as "Value null", as IAM says.
    /// </summary>
    public static RuleViolation Constraint(string field, string? value, bool omitValue, params string[] constraints)
    {
        if (constraints is null || constraints.Length == 0)
        {
            throw new ArgumentException("At least one constraint is needed.", nameof(constraints));
        }

        string subject = omitValue ? "Value" : value is null ? "Value null" : $"Value '{value}'";
        var parts = constraints.Select(c => $"{subject} at '{field}' failed to satisfy constraint: {c}").ToArray();
        return new RuleViolation(field, omitValue ? null : value, ValidationErrorCode, constraints, parts, FormatDetected(parts));
    }

    /// <summary>A semantic violation (IAM's <c>InvalidInput</c>) with a free-form message.</summary>
    public static RuleViolation InvalidInput(string field, string? value, string message) =>
        new(field, value, InvalidInputCode, new[] { message }, new[] { message }, message);

    /// <summary>
    /// One message for several violations the way IAM aggregates them: "2 validation errors detected: ...; ...".
    /// InvalidInput violations are appended after the validation errors.
    /// </summary>
    public static string CombineMessages(IEnumerable<RuleViolation> violations)
    {
        var list = violations.ToList();
        if (list.Count == 0)
        {
            return string.Empty;
        }

        var validation = new List<string>();
        var other = new List<string>();
        foreach (var violation in list)
        {
            if (violation.ErrorCode == ValidationErrorCode)
            {
                validation.AddRange(violation._details);
            }
            else
            {
                other.Add(violation.Message);
            }
        }

        var pieces = new List<string>();
        if (validation.Count > 0)
        {
            pieces.Add(FormatDetected(validation));
        }

        pieces.AddRange(other);
        return string.Join(" ", pieces);
    }

    public override string ToString() => Message;

    private static string FormatDetected(IReadOnlyCollection<string> parts) =>
        $"{parts.Count} validation error{(parts.Count == 1 ? "" : "s")} detected: {string.Join("; ", parts)}";
}
