using System;
using System.Collections;
using System.Collections.Specialized;
using System.Linq;
using System.Security;
using IamOnboard.Onboarding;

namespace IamOnboard.Commands;

/// <summary>An onboarded IAM user with what was done and the credentials created. Secrets are SecureString.</summary>
public sealed class OnboardUser
{
    internal OnboardUser(UserOnboardingResult result)
    {
        var user = result.User;
        UserName = user.UserName;
        UserId = user.UserId;
        Arn = user.Arn;
        Path = user.Path;
        CreateDate = user.CreateDate;
        var tags = new OrderedDictionary(StringComparer.OrdinalIgnoreCase);
        foreach (var tag in user.Tags.Where(t => !HandOffMark.IsBookkeeping(t)))
        {
            tags[tag.Key] = tag.Value;
        }

        Tags = tags;
        PermissionsBoundary = user.PermissionsBoundaryArn;
        Groups = result.Groups.ToArray();
        Policies = result.PolicyArns.ToArray();
        ConsoleAccess = result.ConsoleAccess;
        PasswordResetRequired = result.PasswordResetRequired;
        Password = result.Password;
        AccessKeyId = result.AccessKey?.AccessKeyId;
        SecretAccessKey = result.AccessKey?.SecretAccessKey;
        ConsoleSignInUrl = result.ConsoleSignInUrl;
        Status = result.Outcome.ToString();
        Actions = result.Actions.ToArray();
        Notes = result.Notes.ToArray();
        Row = result.Row;
    }

    /// <summary>
    /// Not a user: what a waiting stage writes to hand the next IamOnboard stage the pipeline thread (see
    /// PipelineStages). Only stages that take it are ever sent it, and they never pass it on.
    /// </summary>
    internal static readonly OnboardUser Pump = new();

    private OnboardUser()
    {
        UserName = UserId = Arn = Path = ConsoleSignInUrl = Status = string.Empty;
        Tags = new OrderedDictionary();
        Groups = Policies = Actions = Notes = Array.Empty<string>();
    }

    public string UserName { get; }

    public string UserId { get; }

    public string Arn { get; }

    public string Path { get; }

    public DateTime? CreateDate { get; }

    public IDictionary Tags { get; }

    public string? PermissionsBoundary { get; }

    /// <summary>Groups the user belongs to (as far as this module knows).</summary>
    public string[] Groups { get; internal set; }

    /// <summary>ARNs of the managed policies attached directly to the user.</summary>
    public string[] Policies { get; }

    public bool ConsoleAccess { get; }

    public bool PasswordResetRequired { get; }

    /// <summary>The console password set by this call; null when none was set.</summary>
    public SecureString? Password { get; }

    /// <summary>The access key created by this call; null when none was created.</summary>
    public string? AccessKeyId { get; }

    public SecureString? SecretAccessKey { get; }

    public string ConsoleSignInUrl { get; }

    /// <summary>Created, Completed, Unchanged or Planned.</summary>
    public string Status { get; }

    /// <summary>What this call changed (or, for -WhatIf, would change).</summary>
    public string[] Actions { get; }

    /// <summary>What was left as it was, and why.</summary>
    public string[] Notes { get; }

    /// <summary>The input item this user came from (1-based), in a pipeline.</summary>
    public int? Row { get; }

    /// <summary>The virtual MFA device's serial number, once Enable-OnboardVirtualMfa has enrolled the user.</summary>
    public string? MfaSerialNumber { get; internal set; }

    public override string ToString() => UserName;
}
