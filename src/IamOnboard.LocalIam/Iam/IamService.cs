using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using IamOnboard.LocalIam.Protocol;
using IamOnboard.LocalIam.State;
using IamOnboard.Rules;

namespace IamOnboard.LocalIam.Iam;

/// <summary>One IAM operation: reads the context's parameters, changes the account, writes its result element's content.</summary>
internal delegate void IamOperation(OperationContext context);

/// <summary>The IAM API (2010-05-08) over an <see cref="AccountStore"/>, with IAM's validation, quotas and error codes.</summary>
internal sealed partial class IamService
{
    public const string Namespace = "https://iam.amazonaws.com/doc/2010-05-08/";

    private readonly Dictionary<string, (IamOperation Run, bool HasResult)> _operations = new(StringComparer.Ordinal);

    public IamService()
    {
        RegisterUsers();
        RegisterGroups();
        RegisterPolicies();
        RegisterMfa();
        RegisterAccount();
        RegisterPasswords();
        RegisterSimulation();
        RegisterCredentials();
    }

    public bool Knows(string action) => _operations.ContainsKey(action);

    /// <summary>
    /// Reads are free of side effects; everything else changes the account (and is persisted, and may have its response
    /// dropped). The client's own classification, so the endpoint drops the responses the client expects to lose.
    /// </summary>
    public static bool IsMutating(string action) =>
        IamOnboard.Iam.IamOperations.KindOf(action) != IamOnboard.Iam.OperationKind.Read;

    /// <summary>Runs the action; returns the result element's inner XML, or null for operations without output.</summary>
    public string? Invoke(string action, OperationContext context)
    {
        var (run, hasResult) = _operations[action];
        run(context);
        return hasResult ? context.Result.ToString() : null;
    }

    private void Register(string action, IamOperation run, bool hasResult = true) => _operations.Add(action, (run, hasResult));

    // ---- lookups that fail the way IAM fails ----

    private static UserEntity RequireUser(OperationContext context, string name) =>
        context.Store.FindUser(name) ?? throw IamServiceException.NoSuchEntity("The user with name " + name + " cannot be found.");

    private static GroupEntity RequireGroup(OperationContext context, string name) =>
        context.Store.FindGroup(name) ?? throw IamServiceException.NoSuchEntity("The group with name " + name + " cannot be found.");

    /// <summary>UserName when given, else the calling user (IAM's rule for GetUser, CreateAccessKey, ListAccessKeys, ...).</summary>
    private static UserEntity UserOrCaller(OperationContext context)
    {
        string? name = context.Optional("UserName");
        if (name is not null)
        {
            OperationContext.Enforce(IamNameRules.CheckUserName(name));
            return RequireUser(context, name);
        }

        return context.Caller.User
            ?? throw IamServiceException.Validation("Must specify userName when calling with non-User credentials");
    }

    private static string CheckedUserName(OperationContext context)
    {
        string name = context.Required("UserName");
        OperationContext.Enforce(IamNameRules.CheckUserName(name));
        return name;
    }

    private static string CheckedGroupName(OperationContext context)
    {
        string name = context.Required("GroupName");
        OperationContext.Enforce(IamNameRules.CheckGroupName(name));
        return name;
    }

    private static string CheckedPath(OperationContext context, string parameter = "Path")
    {
        string? path = context.Optional(parameter);
        if (path is null)
        {
            return "/";
        }

        OperationContext.Enforce(IamNameRules.CheckPath(path, OperationContext.MemberName(parameter)));
        return path;
    }

    private static string? CheckedPathPrefix(OperationContext context)
    {
        string? prefix = context.Optional("PathPrefix");
        if (prefix is not null)
        {
            OperationContext.EnforceLength("PathPrefix", prefix, 1, 512);
            if (prefix[0] != '/' || prefix.Any(c => c < 0x21 || c > 0x7F))
            {
                throw IamServiceException.Validation("1 validation error detected: Value '" + prefix
                    + "' at 'pathPrefix' failed to satisfy constraint: Member must satisfy regular expression pattern: \\u002F[\\u0021-\\u007F]*");
            }
        }

        return prefix;
    }

    private static List<TagEntry> CheckedTags(OperationContext context)
    {
        var tags = context.Parameters.Tags();
        var violations = IamNameRules.CheckUserTags(tags);
        if (violations.Count > 0)
        {
            string code = violations.Any(v => v.ErrorCode == RuleViolation.ValidationErrorCode) ? RuleViolation.ValidationErrorCode : RuleViolation.InvalidInputCode;
            throw new IamServiceException(code, 400, RuleViolation.CombineMessages(violations));
        }

        return tags.Select(t => new TagEntry { Key = t.Key, Value = t.Value }).ToList();
    }

    /// <summary>
    /// TagUser, TagMFADevice and the like: the request's tags (required, checked) replace those of the same key
    /// (keys compare without case), within the 50 tags a resource may have.
    /// </summary>
    private static List<TagEntry> WithRequestTags(OperationContext context, List<TagEntry> existing)
    {
        if (!context.Parameters.Contains("Tags.member.1.Key") && !context.Parameters.Contains("Tags.member.1.Value"))
        {
            context.Required("Tags");
        }

        var tags = CheckedTags(context);
        var merged = existing.Where(tag => !tags.Any(t => IamNameRules.NameComparer.Equals(t.Key, tag.Key))).ToList();
        merged.AddRange(tags);
        if (merged.Count > IamLimits.TagsPerUser)
        {
            throw IamServiceException.LimitExceeded("The number of tags has reached the maximum limit of " + IamLimits.TagsPerUser + ".");
        }

        return merged;
    }

    /// <summary>UntagUser, UntagMFADevice and the like: removes the request's TagKeys (required; absent keys are no error).</summary>
    private static void RemoveRequestTagKeys(OperationContext context, List<TagEntry> tags)
    {
        var keys = context.Parameters.List("TagKeys");
        if (keys.Count == 0)
        {
            context.Required("TagKeys");
        }

        tags.RemoveAll(tag => keys.Any(k => IamNameRules.NameComparer.Equals(k, tag.Key)));
    }

    // ---- pagination: Marker / MaxItems in, IsTruncated / Marker out ----

    /// <summary>
    /// Pages <paramref name="items"/> ordered by a unique <paramref name="sortKey"/>. The marker is the sort key of the
    /// first item of the next page, so deletions between pages never skip or repeat an item.
    /// </summary>
    private static List<T> Page<T>(OperationContext context, IEnumerable<T> items, Func<T, string> sortKey, out string? nextMarker)
    {
        int maxItems = context.OptionalInt("MaxItems", 1, 1000) ?? 100;
        string? marker = context.Optional("Marker");
        string? startKey = null;
        if (marker is not null)
        {
            OperationContext.EnforceLength("Marker", marker, 1, 320);
            try
            {
                startKey = Encoding.UTF8.GetString(Convert.FromBase64String(marker));
            }
            catch (FormatException)
            {
                throw IamServiceException.InvalidInput("Invalid Marker.");
            }
        }

        var ordered = items.Select(item => (Key: sortKey(item), Item: item))
            .Where(entry => startKey is null || string.CompareOrdinal(entry.Key, startKey) >= 0)
            .OrderBy(entry => entry.Key, StringComparer.Ordinal)
            .Take(maxItems + 1)
            .ToList();
        nextMarker = ordered.Count > maxItems ? Convert.ToBase64String(Encoding.UTF8.GetBytes(ordered[maxItems].Key)) : null;
        return ordered.Take(maxItems).Select(entry => entry.Item).ToList();
    }

    private static void WritePageEnd(XmlResponseWriter writer, string? nextMarker)
    {
        writer.Element("IsTruncated", nextMarker is not null);
        writer.Element("Marker", nextMarker);
    }

    private static string NameKey(string name) => name.ToUpperInvariant() + "\u0000" + name;

    // ---- shapes ----

    private static void WriteUser(XmlResponseWriter w, AccountStore store, UserEntity user, string element, bool includeTags)
    {
        w.Open(element)
            .Element("Path", user.Path)
            .Element("UserName", user.UserName)
            .Element("UserId", user.UserId)
            .Element("Arn", store.UserArn(user))
            .Element("CreateDate", user.CreateDate);
        if (user.PermissionsBoundary is not null)
        {
            w.Open("PermissionsBoundary")
                .Element("PermissionsBoundaryType", "Policy")
                .Element("PermissionsBoundaryArn", user.PermissionsBoundary)
                .Close("PermissionsBoundary");
        }

        if (includeTags && user.Tags.Count > 0)
        {
            WriteTags(w, user.Tags);
        }

        w.Close(element);
    }

    private static void WriteTags(XmlResponseWriter w, IEnumerable<TagEntry> tags)
    {
        w.Open("Tags");
        foreach (var tag in tags)
        {
            w.Open("member").Element("Key", tag.Key).Element("Value", tag.Value).Close("member");
        }

        w.Close("Tags");
    }

    private static void WriteGroup(XmlResponseWriter w, AccountStore store, GroupEntity group, string element)
    {
        w.Open(element)
            .Element("Path", group.Path)
            .Element("GroupName", group.GroupName)
            .Element("GroupId", group.GroupId)
            .Element("Arn", store.GroupArn(group))
            .Element("CreateDate", group.CreateDate)
            .Close(element);
    }

    private static string Count(int value) => value.ToString(CultureInfo.InvariantCulture);
}
