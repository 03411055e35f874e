using System.Collections.Generic;
using System.Linq;

namespace IamOnboard.Rules;

/// <summary>Which grammar a policy document follows: what its statements must and must not name.</summary>
public enum PolicyDocumentKind
{
    /// <summary>Attached to a user, group or role (managed or inline): Resource required, no Principal.</summary>
    Identity,

    /// <summary>Attached to a resource (bucket, key, queue...): Principal and Resource required.</summary>
    Resource,

    /// <summary>A role's trust (assume-role) policy: Principal required, no Resource.</summary>
    Trust,
}

/// <summary>One reason a policy document is malformed, and where.</summary>
public sealed class PolicyProblem
{
    public PolicyProblem(string location, string message)
    {
        Location = location;
        Message = message;
    }

    /// <summary>Where: <c>line 3, position 14</c> for text and JSON syntax, <c>Statement[1].Effect</c> for grammar.</summary>
    public string Location { get; }

    /// <summary>What is wrong, self-contained (it names the location too).</summary>
    public string Message { get; }

    public override string ToString() => Message;
}

/// <summary>The outcome of <see cref="PolicyDocumentValidator.Validate"/>.</summary>
public sealed class PolicyValidationResult
{
    public PolicyValidationResult(IReadOnlyList<PolicyProblem> problems, int nonWhitespaceLength, IReadOnlyList<PolicyProblem>? warnings = null)
    {
        Problems = problems;
        NonWhitespaceLength = nonWhitespaceLength;
        Warnings = warnings ?? new PolicyProblem[0];
    }

    public bool IsValid => Problems.Count == 0;

    public IReadOnlyList<PolicyProblem> Problems { get; }

    /// <summary>What IAM accepts but very likely does not do what was meant; the document is valid all the same.</summary>
    public IReadOnlyList<PolicyProblem> Warnings { get; }

    /// <summary>The document's size as IAM measures it against its quotas (see <see cref="PolicyDocumentValidator.CountNonWhitespace"/>).</summary>
    public int NonWhitespaceLength { get; }

    /// <summary>All problems in one line, for an error message; empty when valid.</summary>
    public string Summary => string.Join(" ", Problems.Select(p => p.Message));
}
