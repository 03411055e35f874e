using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using IamOnboard.Iam;

namespace IamOnboard.Onboarding;

/// <summary>
/// The user tag that says a request with AdditionalAccessKey was met: the keys the user had when a key was made for it
/// (<c>beside=AKIA... set=2026-12-08T01:40:00Z</c>; no <c>beside=</c> for a user that had none). Without it, every re-run
/// of the same row (the README's way to finish a stopped batch) made one more live key, and the third run failed on
/// IAM's two-key quota. It is written with the hand-off mark (CreateUser's tags, or the mark's TagUser), so it costs no
/// request, and stays on the user.
/// </summary>
/// <remarks>
/// The request counts as met while the user has a key the record does not name, together with one it does name (or the
/// record names none): the state the request made. Once the keys it was added beside are all deleted (the rotation
/// done), or the added key is, the row adds a key again. A key whose secret never reached anyone (the mark's unclaimed
/// keys) is not counted: it is replaced, as for any request.
/// </remarks>
internal sealed class AddedKeyRecord
{
    public const string TagKey = HandOffMark.ReservedKeyPrefix + "added-key";

    private const string BesidePrefix = "beside=";
    private const string SetPrefix = "set=";
    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss'Z'";

    public AddedKeyRecord(IEnumerable<string> beside, DateTime setUtc)
    {
        Beside = beside.OrderBy(id => id, StringComparer.Ordinal).ToList();
        SetUtc = setUtc;
    }

    /// <summary>The keys the user had when the key was added.</summary>
    public IReadOnlyList<string> Beside { get; }

    public DateTime SetUtc { get; }

    public static AddedKeyRecord? Find(IEnumerable<IamTag> tags)
    {
        var tag = tags.FirstOrDefault(t => string.Equals(t.Key, TagKey, StringComparison.OrdinalIgnoreCase));
        if (tag is null)
        {
            return null;
        }

        var tokens = tag.Value.Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries);
        var set = tokens.FirstOrDefault(t => t.StartsWith(SetPrefix, StringComparison.Ordinal)) is { } time
            && DateTime.TryParseExact(time.Substring(SetPrefix.Length), TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var parsed)
            ? parsed
            : DateTime.MinValue;
        return new AddedKeyRecord(tokens.Where(t => t.StartsWith(BesidePrefix, StringComparison.Ordinal)).Select(t => t.Substring(BesidePrefix.Length)), set);
    }

    /// <summary>The key made for the request while the state it made holds (see the remarks); null when a key is to be made.</summary>
    public string? AddedKey(IReadOnlyCollection<string> keyIds)
    {
        var added = keyIds.Where(id => !Beside.Contains(id, StringComparer.Ordinal)).OrderBy(id => id, StringComparer.Ordinal).FirstOrDefault();
        return added is not null && (Beside.Count == 0 || keyIds.Any(id => Beside.Contains(id, StringComparer.Ordinal))) ? added : null;
    }

    public IamTag ToTag() => new(TagKey, string.Join(" ", Beside.Select(id => BesidePrefix + id).Append(SetPrefix + SetUtc.ToString(TimeFormat, CultureInfo.InvariantCulture))));

    /// <summary>What a re-run says of a request met already: which key, beside which, and how to have another.</summary>
    public string MetNote(string userName, string addedKey) => Beside.Count == 0
        ? $"access key {addedKey} was made by an earlier run asked for an additional key (AdditionalAccessKey, {SetUtc.ToString(TimeFormat, CultureInfo.InvariantCulture)}) when the user had none; "
          + $"no other is made while it is there. To add one beside it all the same: aws iam untag-user --user-name {userName} --tag-keys {TagKey}, and run this again"
        : $"access key {addedKey} was added beside {string.Join(", ", Beside)} by an earlier run asked for an additional key (AdditionalAccessKey, {SetUtc.ToString(TimeFormat, CultureInfo.InvariantCulture)}); "
          + "no other is made while they are there. Once the older key is deleted (the rotation done), this adds a key again";
}
