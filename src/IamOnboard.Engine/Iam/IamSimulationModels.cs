using System;
using System.Collections.Generic;

namespace IamOnboard.Iam;

/// <summary>One request context key handed to IAM's policy simulator (ContextEntry).</summary>
public sealed class IamContextEntry
{
    public IamContextEntry(string keyName, string keyType, IReadOnlyList<string> values)
    {
        KeyName = keyName ?? throw new ArgumentNullException(nameof(keyName));
        KeyType = keyType ?? throw new ArgumentNullException(nameof(keyType));
        Values = values ?? throw new ArgumentNullException(nameof(values));
    }

    /// <summary>For example <c>aws:MultiFactorAuthPresent</c>.</summary>
    public string KeyName { get; }

    /// <summary>IAM's ContextKeyType: string, stringList, numeric, boolean, ip, date, ... (and their List forms).</summary>
    public string KeyType { get; }

    public IReadOnlyList<string> Values { get; }
}

/// <summary>A statement the simulator says decided a result, located in its policy document.</summary>
public sealed class IamMatchedStatement
{
    public IamMatchedStatement(string sourcePolicyId, string sourcePolicyType, int startLine, int startColumn, int endLine, int endColumn)
    {
        SourcePolicyId = sourcePolicyId;
        SourcePolicyType = sourcePolicyType;
        StartLine = startLine;
        StartColumn = startColumn;
        EndLine = endLine;
        EndColumn = endColumn;
    }

    /// <summary>The policy's name (managed or inline), or <c>PolicyInputList.N</c> for a policy passed in the request.</summary>
    public string SourcePolicyId { get; }

    /// <summary>user, group, role, aws-managed, user-managed, resource or none.</summary>
    public string SourcePolicyType { get; }

    public int StartLine { get; }
    public int StartColumn { get; }
    public int EndLine { get; }
    public int EndColumn { get; }

    public override string ToString() => SourcePolicyId + " (" + SourcePolicyType + ") line " + StartLine + ", column " + StartColumn;
}

/// <summary>The simulator's verdict for one action on one resource.</summary>
public sealed class IamEvaluationResult
{
    public IamEvaluationResult(string actionName, string resourceName, string decision, IReadOnlyList<IamMatchedStatement> matchedStatements,
        IReadOnlyList<string> missingContextValues, bool? allowedByPermissionsBoundary, bool allowedByAccountPasswordPolicy = false)
    {
        AllowedByAccountPasswordPolicy = allowedByAccountPasswordPolicy;
        ActionName = actionName;
        ResourceName = resourceName;
        Decision = decision;
        MatchedStatements = matchedStatements;
        MissingContextValues = missingContextValues;
        AllowedByPermissionsBoundary = allowedByPermissionsBoundary;
    }

    public string ActionName { get; }
    public string ResourceName { get; }

    /// <summary>allowed, explicitDeny or implicitDeny (IAM's PolicyEvaluationDecisionType).</summary>
    public string Decision { get; }

    public bool IsAllowed => Decision == "allowed";

    public IReadOnlyList<IamMatchedStatement> MatchedStatements { get; }
    public IReadOnlyList<string> MissingContextValues { get; }

    /// <summary>Null when the principal has no permissions boundary.</summary>
    public bool? AllowedByPermissionsBoundary { get; }

    /// <summary>
    /// Allowed by the account password policy's AllowUsersToChangePassword, which IAM applies to every user without a
    /// policy, and which the simulator does not evaluate (see <see cref="Onboarding.AccessChecker"/>).
    /// </summary>
    public bool AllowedByAccountPasswordPolicy { get; }
}
