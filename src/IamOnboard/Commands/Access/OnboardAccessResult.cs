using System.Linq;
using IamOnboard.Iam;

namespace IamOnboard.Commands;

/// <summary>Test-OnboardAccess's verdict for one action on one resource, as IAM's policy simulator gave it.</summary>
public sealed class OnboardAccessResult
{
    internal OnboardAccessResult(string userName, IamEvaluationResult result, string? expected)
    {
        UserName = userName;
        Action = result.ActionName;
        Resource = result.ResourceName;
        Decision = result.Decision switch
        {
            "allowed" => "Allowed",
            "explicitDeny" => "ExplicitDeny",
            _ => "ImplicitDeny",
        };
        MatchedStatements = result.MatchedStatements.ToArray();
        MissingContextValues = result.MissingContextValues.ToArray();
        AllowedByPermissionsBoundary = result.AllowedByPermissionsBoundary;
        AllowedByAccountPasswordPolicy = result.AllowedByAccountPasswordPolicy;
        Expected = expected;
    }

    public string UserName { get; }

    public string Action { get; }

    public string Resource { get; }

    /// <summary>Allowed, ExplicitDeny (a Deny statement applied) or ImplicitDeny (nothing allowed it).</summary>
    public string Decision { get; }

    public bool IsAllowed => Decision == "Allowed";

    /// <summary>The statements that decided: the Deny ones for ExplicitDeny, the Allow ones for Allowed; none for ImplicitDeny.</summary>
    public IamMatchedStatement[] MatchedStatements { get; }

    /// <summary>The first deciding statement, as text: policy, type and where the statement starts; or the account setting that allowed it.</summary>
    public string? DecidedBy => MatchedStatements.FirstOrDefault()?.ToString()
        ?? (AllowedByAccountPasswordPolicy ? "account password policy (AllowUsersToChangePassword: every IAM user may change their own password)" : null)
        ?? (AllowedByPermissionsBoundary == false ? "permissions boundary (allows nothing here)" : null);

    /// <summary>Context keys the policies test that the check did not supply (add them with -Context).</summary>
    public string[] MissingContextValues { get; }

    /// <summary>Null without a permissions boundary.</summary>
    public bool? AllowedByPermissionsBoundary { get; }

    /// <summary>
    /// Allowed by the account password policy's AllowUsersToChangePassword (iam:ChangePassword on the user itself,
    /// iam:GetAccountPasswordPolicy), which IAM applies to every user with no policy; the simulator does not evaluate it.
    /// </summary>
    public bool AllowedByAccountPasswordPolicy { get; }

    /// <summary>Allowed or Denied when -Expect named this action; null otherwise.</summary>
    public string? Expected { get; }

    /// <summary>Null when nothing was expected.</summary>
    public bool? AsExpected => Expected is null ? null : (Expected == "Allowed") == IsAllowed;

    public override string ToString() => Action + " " + Decision;
}
