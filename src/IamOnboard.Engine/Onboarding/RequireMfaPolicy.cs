using System.Threading;
using System.Threading.Tasks;
using IamOnboard.Iam;
using IamOnboard.Sessions;

namespace IamOnboard.Onboarding;

/// <summary>
/// The customer managed policy behind <c>-RequireMfa</c>: one per account, found or created by its name. Until a person
/// signs in (or obtains session credentials) with MFA, it denies every action except the few needed to set up MFA and
/// change their own password; it also grants those few, on their own user only, so a new starter can get there.
/// </summary>
public static class RequireMfaPolicy
{
    public const string PolicyName = "IamOnboard-RequireMfa";

    public const string Description = "IamOnboard: deny everything but own password and MFA set-up until signed in with MFA.";

    /// <summary>The policy's ARN in the session's account and partition.</summary>
    public static string ArnFor(OnboardSession session) => "arn:" + session.Partition + ":iam::" + session.AccountId + ":policy/" + PolicyName;

    /// <summary>The document for <paramref name="partition"/>: self-service allows, then the Deny that holds unless MFA is present.</summary>
    public static string Document(string partition)
    {
        string self = "arn:" + partition + ":iam::*:user/${aws:username}";
        string devices = "arn:" + partition + ":iam::*:mfa/*";
        const string exempt = "\"iam:ChangePassword\",\"iam:GetAccountPasswordPolicy\",\"iam:GetUser\",\"iam:GetLoginProfile\","
            + "\"iam:CreateVirtualMFADevice\",\"iam:EnableMFADevice\",\"iam:ListMFADevices\",\"iam:ListVirtualMFADevices\","
            + "\"iam:ResyncMFADevice\",\"sts:GetSessionToken\"";
        return "{\"Version\":\"2012-10-17\",\"Statement\":["
            + "{\"Sid\":\"SeeAccountPasswordRulesAndDevices\",\"Effect\":\"Allow\",\"Action\":[\"iam:GetAccountPasswordPolicy\",\"iam:ListVirtualMFADevices\"],\"Resource\":\"*\"},"
            + "{\"Sid\":\"ManageOwnPassword\",\"Effect\":\"Allow\",\"Action\":[\"iam:ChangePassword\",\"iam:GetUser\",\"iam:GetLoginProfile\"],\"Resource\":\"" + self + "\"},"
            + "{\"Sid\":\"SetUpOwnMfaDevice\",\"Effect\":\"Allow\",\"Action\":[\"iam:CreateVirtualMFADevice\",\"iam:EnableMFADevice\",\"iam:ListMFADevices\",\"iam:ResyncMFADevice\"],\"Resource\":[\"" + self + "\",\"" + devices + "\"]},"
            + "{\"Sid\":\"DenyEverythingElseWithoutMfa\",\"Effect\":\"Deny\",\"NotAction\":[" + exempt + "],\"Resource\":\"*\","
            + "\"Condition\":{\"BoolIfExists\":{\"aws:MultiFactorAuthPresent\":\"false\"}}}]}";
    }

    /// <summary>
    /// Returns the policy's ARN, creating the policy when the account lacks it (only when <paramref name="apply"/>;
    /// when planning, <c>Created</c> says it would be). Safe when several callers race: the loser finds the winner's.
    /// </summary>
    public static async Task<(string Arn, bool Created)> EnsureAsync(OnboardSession session, bool apply, CancellationToken ct)
    {
        string arn = ArnFor(session);
        try
        {
            await session.Iam.GetPolicyAsync(arn, ct).ConfigureAwait(false);
            return (arn, false);
        }
        catch (IamNoSuchEntityException)
        {
        }

        if (!apply)
        {
            return (arn, true);
        }

        try
        {
            var created = await session.Iam.CreatePolicyAsync(PolicyName, Document(session.Partition), description: Description, cancellationToken: ct).ConfigureAwait(false);
            return (created.Arn, true);
        }
        catch (IamEntityAlreadyExistsException)
        {
            return (arn, false);
        }
    }
}
