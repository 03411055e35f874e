using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using IamOnboard.Diagnostics;
using IamOnboard.Iam;
using IamOnboard.Passwords;
using IamOnboard.Rules;
using IamOnboard.Sessions;

namespace IamOnboard.Onboarding;

/// <summary>
/// What a batch needs to know about the account, read once per batch (one cmdlet invocation) rather than once per
/// row: the password policy, the managed policy catalogue and the groups. Keeps the happy path at the minimum of
/// calls per user, while a later command sees changes made in between.
/// </summary>
internal sealed class AccountFacts
{
    private readonly OnboardSession _session;
    private readonly SingleFlight<PasswordPolicy> _passwordPolicy;
    private readonly SingleFlight<IReadOnlyList<IamManagedPolicy>> _policyCatalogue;
    private readonly SingleFlight<HashSet<string>> _groupNames;
    private readonly SingleFlight<IamAccountSummary> _accountSummary;
    private readonly ConcurrentDictionary<string, SingleFlight<string>> _checkedArns = new(StringComparer.Ordinal);

    public AccountFacts(OnboardSession session)
    {
        _session = session;
        _passwordPolicy = new SingleFlight<PasswordPolicy>(async ct =>
        {
            var policy = await session.Iam.GetAccountPasswordPolicyAsync(ct).ConfigureAwait(false);
            OnboardLog.Current.Verbose(policy is null
                ? "The account has no password policy: IAM's default applies (8 characters, three of upper, lower, digit, symbol)."
                : $"The account password policy requires at least {policy.MinimumPasswordLength} characters.");
            return policy ?? PasswordPolicy.IamDefault;
        });
        _policyCatalogue = new SingleFlight<IReadOnlyList<IamManagedPolicy>>(async ct =>
            await session.Iam.ListPoliciesAsync(PolicyScope.All, false, null, cancellationToken: ct).ConfigureAwait(false));
        _groupNames = new SingleFlight<HashSet<string>>(async ct =>
        {
            var groups = await session.Iam.ListGroupsAsync(null, cancellationToken: ct).ConfigureAwait(false);
            return new HashSet<string>(groups.Select(g => g.GroupName), StringComparer.OrdinalIgnoreCase);
        });
        _accountSummary = new SingleFlight<IamAccountSummary>(async ct => await session.Iam.GetAccountSummaryAsync(ct).ConfigureAwait(false));
    }

    public Task<PasswordPolicy> GetPasswordPolicyAsync(CancellationToken ct) => _passwordPolicy.GetAsync(ct);

    /// <summary>
    /// The account's quota <paramref name="quotaKey"/> (GetAccountSummary's, as <c>AttachedPoliciesPerUserQuota</c>), read
    /// once per batch; null when it cannot be read (iam:GetAccountSummary denied), said in verbose output, as IAM then
    /// checks the quota itself.
    /// </summary>
    public async Task<int?> GetQuotaAsync(string quotaKey, string forWhat, CancellationToken ct)
    {
        try
        {
            return (await _accountSummary.GetAsync(ct).ConfigureAwait(false))[quotaKey];
        }
        catch (IamServiceException unread)
        {
            OnboardLog.Current.Verbose($"{forWhat}: could not read the account's quota {quotaKey} ({unread.Message.TrimEnd('.')}); IAM checks it when applying.");
            return null;
        }
    }

    /// <summary>
    /// The ARN of a managed policy given by ARN, by name (<c>ReadOnlyAccess</c>) or by path and name
    /// (<c>job-function/ViewOnlyAccess</c>). Only names need the catalogue (iam:ListPolicies); an ARN is checked alone.
    /// </summary>
    public async Task<string> ResolvePolicyArnAsync(string reference, string field, CancellationToken ct)
    {
        if (PolicyReference.IsArn(reference))
        {
            var arn = reference.Trim();
            if (_policyCatalogue.TryGetCompleted(out var known) && known.Any(p => string.Equals(p.Arn, arn, StringComparison.Ordinal)))
            {
                return arn;
            }

            try
            {
                return await _checkedArns.GetOrAdd(arn, a => new SingleFlight<string>(t => CheckPolicyArnAsync(a, t))).GetAsync(ct).ConfigureAwait(false);
            }
            catch (IamNoSuchEntityException)
            {
                throw new OnboardInputException("PolicyNotFound", field, reference,
                    PolicyReference.Ending($"{field}: no managed policy has the ARN '{reference}'", await HintFromCatalogueAsync(reference, ct).ConfigureAwait(false)));
            }
        }

        var catalogue = await _policyCatalogue.GetAsync(ct).ConfigureAwait(false);
        var match = PolicyReference.Resolve(reference, catalogue);
        return match.Arn ?? throw new OnboardInputException("PolicyNotFound", field, reference, match.Problem ?? $"{field}: no managed policy is named '{reference}'.");
    }

    /// <summary>
    /// For an ARN nothing has, a near one in the catalogue; the catalogue is read for this (once per session) only on
    /// this error, and an identity that may not list policies gets the error without the hint.
    /// </summary>
    private async Task<string> HintFromCatalogueAsync(string reference, CancellationToken ct)
    {
        try
        {
            return PolicyReference.Hint(reference, await _policyCatalogue.GetAsync(ct).ConfigureAwait(false));
        }
        catch (IamAccessDeniedException)
        {
            return string.Empty;
        }
    }

    /// <summary>
    /// The ARN, once GetPolicy found it, as the AWS CLI's attach-user-policy and AWS.Tools need no more than
    /// iam:AttachUserPolicy: when iam:GetPolicy is denied too, the ARN goes to the attachment unchecked, whose own error
    /// then names a policy that does not exist.
    /// </summary>
    private async Task<string> CheckPolicyArnAsync(string arn, CancellationToken ct)
    {
        try
        {
            return (await _session.Iam.GetPolicyAsync(arn, ct).ConfigureAwait(false)).Arn;
        }
        catch (IamAccessDeniedException denied) when (denied.ErrorCode == IamErrorCodes.AccessDenied)
        {
            OnboardLog.Current.Verbose($"iam:GetPolicy is denied, so {arn} is not checked before it is attached.");
            return arn;
        }
    }

    /// <summary>Whether a group exists; a name missing from the cached list is checked once more against IAM.</summary>
    public async Task<bool> GroupExistsAsync(string groupName, CancellationToken ct)
    {
        var known = await _groupNames.GetAsync(ct).ConfigureAwait(false);
        lock (known)
        {
            if (known.Contains(groupName))
            {
                return true;
            }
        }

        try
        {
            var group = await _session.Iam.GetGroupAsync(groupName, ct).ConfigureAwait(false);
            RememberGroup(group.Group.GroupName);
            return true;
        }
        catch (IamNoSuchEntityException)
        {
            return false;
        }
    }

    /// <summary>
    /// For a group name nothing has: when it is several existing groups joined by commas or semicolons
    /// ("Developers,Auditors", one value where a list was meant; IAM allows commas in a name, so it is not split), the
    /// error that says how to give them; else null.
    /// </summary>
    public async Task<string?> JoinedGroupsErrorAsync(string value, string parameter, CancellationToken ct)
    {
        var pieces = value.Split(new[] { ',', ';' }, StringSplitOptions.RemoveEmptyEntries).Select(piece => piece.Trim()).Where(piece => piece.Length > 0).ToList();
        if (pieces.Count < 2 || pieces.Any(piece => IamNameRules.CheckGroupName(piece) is not null))
        {
            return null;
        }

        try
        {
            foreach (var piece in pieces)
            {
                if (!await GroupExistsAsync(piece, ct).ConfigureAwait(false))
                {
                    return null;
                }
            }
        }
        catch (IamAccessDeniedException)
        {
            // An identity that may not read groups gets the plain error.
            return null;
        }

        return $"{parameter}: there is no group named '{value}'; it is {pieces.Count} groups in one value: give each as its own value, "
            + $"as in -{parameter} {string.Join(", ", pieces)} (in a CSV cell, separate them with ';': {string.Join(";", pieces)}).";
    }

    /// <summary>Records a group created in this session so later rows need not look it up.</summary>
    public void RememberGroup(string groupName)
    {
        if (_groupNames.TryGetCompleted(out var known))
        {
            lock (known)
            {
                known.Add(groupName);
            }
        }
    }
}

/// <summary>Runs an async read once and shares the result with every caller; a failed read is tried again next time.</summary>
internal sealed class SingleFlight<T>
    where T : class
{
    private readonly Func<CancellationToken, Task<T>> _read;
    private readonly object _gate = new();
    private Task<T>? _task;

    public SingleFlight(Func<CancellationToken, Task<T>> read) => _read = read;

    public async Task<T> GetAsync(CancellationToken ct)
    {
        Task<T> task;
        lock (_gate)
        {
            if (_task is null || _task.IsFaulted || _task.IsCanceled)
            {
                // Not bound to one caller's token: a row cancelled alone must not cancel the shared read.
                _task = _read(CancellationToken.None);
            }

            task = _task;
        }

        var completed = await Task.WhenAny(task, Task.Delay(Timeout.Infinite, ct)).ConfigureAwait(false);
        ct.ThrowIfCancellationRequested();
        return await ((Task<T>)completed).ConfigureAwait(false);
    }

    public bool TryGetCompleted(out T value)
    {
        lock (_gate)
        {
            if (_task is { Status: TaskStatus.RanToCompletion })
            {
                value = _task.Result;
                return true;
            }
        }

        value = null!;
        return false;
    }
}
