using System;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using IamOnboard.Diagnostics;
using IamOnboard.Iam;
using IamOnboard.Rules;
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
        // A user on a path has the ARN user/<path>/<name>: AWS's IAMUserChangePassword (v3) names both forms too.
        string self = "arn:" + partition + ":iam::*:user/${aws:username}\",\"arn:" + partition + ":iam::*:user/*/${aws:username}";
        string devices = "arn:" + partition + ":iam::*:mfa/*";
        const string exempt = "\"iam:ChangePassword\",\"iam:GetAccountPasswordPolicy\",\"iam:GetUser\",\"iam:GetLoginProfile\","
            + "\"iam:CreateVirtualMFADevice\",\"iam:EnableMFADevice\",\"iam:ListMFADevices\",\"iam:ListVirtualMFADevices\","
            + "\"iam:ResyncMFADevice\",\"sts:GetSessionToken\"";
        return "{\"Version\":\"2012-10-17\",\"Statement\":["
            + "{\"Sid\":\"SeeAccountPasswordRulesAndDevices\",\"Effect\":\"Allow\",\"Action\":[\"iam:GetAccountPasswordPolicy\",\"iam:ListVirtualMFADevices\"],\"Resource\":\"*\"},"
            + "{\"Sid\":\"ManageOwnPassword\",\"Effect\":\"Allow\",\"Action\":[\"iam:ChangePassword\",\"iam:GetUser\",\"iam:GetLoginProfile\"],\"Resource\":[\"" + self + "\"]},"
            + "{\"Sid\":\"SetUpOwnMfaDevice\",\"Effect\":\"Allow\",\"Action\":[\"iam:CreateVirtualMFADevice\",\"iam:EnableMFADevice\",\"iam:ListMFADevices\",\"iam:ResyncMFADevice\"],\"Resource\":[\"" + self + "\",\"" + devices + "\"]},"
            + "{\"Sid\":\"DenyEverythingElseWithoutMfa\",\"Effect\":\"Deny\",\"NotAction\":[" + exempt + "],\"Resource\":\"*\","
            + "\"Condition\":{\"BoolIfExists\":{\"aws:MultiFactorAuthPresent\":\"false\"}}}]}";
    }

    /// <summary>
    /// Returns the policy's ARN, creating the policy when the account lacks it and bringing its default version up to
    /// <see cref="Document"/> when an older module made it (only when <paramref name="apply"/>; when planning,
    /// <c>Created</c>/<c>Updated</c> say it would be). Safe when several callers race: the loser finds the winner's.
    /// </summary>
    public static async Task<(string Arn, bool Created, bool Updated)> EnsureAsync(OnboardSession session, bool apply, CancellationToken ct)
    {
        string arn = ArnFor(session);
        string document = Document(session.Partition);
        IamManagedPolicy existing;
        try
        {
            existing = await session.Iam.GetPolicyAsync(arn, ct).ConfigureAwait(false);
        }
        catch (IamNoSuchEntityException)
        {
            if (!apply)
            {
                return (arn, true, false);
            }

            try
            {
                var created = await session.Iam.CreatePolicyAsync(PolicyName, document, description: Description, cancellationToken: ct).ConfigureAwait(false);
                return (created.Arn, true, false);
            }
            catch (IamEntityAlreadyExistsException)
            {
                return (arn, false, false);
            }
        }

        if (await IsCurrentAsync(session, arn, existing.DefaultVersionId, document, ct).ConfigureAwait(false))
        {
            return (arn, false, false);
        }

        if (apply)
        {
            await UpdateAsync(session, arn, document, ct).ConfigureAwait(false);
        }

        return (arn, false, true);
    }

    private static async Task<bool> IsCurrentAsync(OnboardSession session, string arn, string defaultVersionId, string document, CancellationToken ct)
    {
        var version = await session.Iam.GetPolicyVersionAsync(arn, defaultVersionId, ct).ConfigureAwait(false);
        return version.Document is not null && PolicyJson.Same(version.Document, document);
    }

    // A new default version, as the console does when a policy is edited. IAM keeps five versions: when all five are
    // taken, the oldest that is not the default goes (the console asks the same of whoever edits the policy).
    private static async Task UpdateAsync(OnboardSession session, string arn, string document, CancellationToken ct)
    {
        var versions = await session.Iam.ListPolicyVersionsAsync(arn, ct).ConfigureAwait(false);
        if (versions.Count >= IamLimits.ManagedPolicyVersions)
        {
            var oldest = versions.Where(v => !v.IsDefaultVersion)
                .OrderBy(v => v.CreateDate ?? DateTime.MinValue).ThenBy(v => VersionNumber(v.VersionId))
                .First();
            try
            {
                await session.Iam.DeletePolicyVersionAsync(arn, oldest.VersionId, ct).ConfigureAwait(false);
            }
            catch (IamNoSuchEntityException)
            {
                // Another run updating the policy at the same time deleted it first.
            }
        }

        try
        {
            var created = await session.Iam.CreatePolicyVersionAsync(arn, document, setAsDefault: true, ct).ConfigureAwait(false);
            OnboardLog.Current.Verbose($"Policy {PolicyName} updated to the current document as its default version {created.VersionId}.");
        }
        catch (IamLimitExceededException)
        {
            // Another run updating it at the same time took the freed place; fine if its version is this document.
            var policy = await session.Iam.GetPolicyAsync(arn, ct).ConfigureAwait(false);
            if (!await IsCurrentAsync(session, arn, policy.DefaultVersionId, document, ct).ConfigureAwait(false))
            {
                throw;
            }
        }
    }

    private static int VersionNumber(string versionId) =>
        int.TryParse(versionId.TrimStart('v').Split('.')[0], NumberStyles.None, CultureInfo.InvariantCulture, out int number) ? number : 0;
}
