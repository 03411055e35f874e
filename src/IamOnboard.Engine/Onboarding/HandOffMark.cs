using System;
using System.Collections.Generic;
using System.Linq;
using IamOnboard.Iam;

namespace IamOnboard.Onboarding;

/// <summary>
/// The user tag that says "secrets were created for this user and have not been handed out yet". It is put on the
/// user before a password or access key is made and taken off only once the caller has taken the result, so a run
/// killed in between leaves a mark in IAM itself: the next run knows the password and the keys made after the mark
/// reached nobody and replaces them, instead of reporting "already has an access key".
/// </summary>
/// <remarks>
/// The value lists what is pending (<c>password</c>, <c>access-key</c>) and the keys the user already had when the mark
/// was set (<c>kept=AKIA...</c>), which are never touched. Only characters IAM allows in tag values are used.
/// </remarks>
public sealed class HandOffMark
{
    /// <summary>The tag key; refused in a request's own tags.</summary>
    public const string TagKey = "iamonboard:handoff";

    private const string PasswordToken = "password";
    private const string AccessKeyToken = "access-key";
    private const string KeptPrefix = "kept=";

    private readonly HashSet<string> _kept;

    public HandOffMark(bool password, bool accessKey, IEnumerable<string> keptAccessKeyIds)
    {
        Password = password;
        AccessKey = accessKey;
        _kept = new HashSet<string>(keptAccessKeyIds ?? throw new ArgumentNullException(nameof(keptAccessKeyIds)), StringComparer.Ordinal);
    }

    /// <summary>A console password was (or is about to be) set and has not been handed out.</summary>
    public bool Password { get; }

    /// <summary>An access key was (or is about to be) created and its secret has not been handed out.</summary>
    public bool AccessKey { get; }

    /// <summary>Keys the user had before the mark: claimed by someone, never replaced.</summary>
    public IReadOnlyCollection<string> KeptAccessKeyIds => _kept;

    /// <summary>The mark among a user's tags, or null when there is none.</summary>
    public static HandOffMark? Find(IEnumerable<IamTag> tags)
    {
        var tag = tags.FirstOrDefault(t => string.Equals(t.Key, TagKey, StringComparison.OrdinalIgnoreCase));
        if (tag is null)
        {
            return null;
        }

        var tokens = tag.Value.Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries);
        return new HandOffMark(
            tokens.Contains(PasswordToken, StringComparer.Ordinal),
            tokens.Contains(AccessKeyToken, StringComparer.Ordinal),
            tokens.Where(t => t.StartsWith(KeptPrefix, StringComparison.Ordinal)).Select(t => t.Substring(KeptPrefix.Length)));
    }

    /// <summary>Whether a tag is the mark (the output leaves it out: it is bookkeeping, gone once the result is taken).</summary>
    public static bool IsMark(IamTag tag) => string.Equals(tag.Key, TagKey, StringComparison.OrdinalIgnoreCase);

    /// <summary>The keys that reached nobody: those the user has now that it did not have when the mark was set.</summary>
    public IReadOnlyList<IamAccessKeyMetadata> UnclaimedKeys(IEnumerable<IamAccessKeyMetadata> keys) =>
        AccessKey ? keys.Where(k => !_kept.Contains(k.AccessKeyId)).ToList() : new List<IamAccessKeyMetadata>();

    public IamTag ToTag()
    {
        var tokens = new List<string>();
        if (Password)
        {
            tokens.Add(PasswordToken);
        }

        if (AccessKey)
        {
            tokens.Add(AccessKeyToken);
        }

        tokens.AddRange(_kept.OrderBy(id => id, StringComparer.Ordinal).Select(id => KeptPrefix + id));
        return new IamTag(TagKey, string.Join(" ", tokens));
    }

    /// <summary>Whether this mark already says everything <paramref name="other"/> says.</summary>
    public bool Covers(HandOffMark other) =>
        (Password || !other.Password) && (AccessKey || !other.AccessKey) && _kept.SetEquals(other._kept);
}
