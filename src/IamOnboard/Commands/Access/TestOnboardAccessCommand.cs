using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Net;
using IamOnboard.Commands.Infrastructure;
using IamOnboard.Commands.Transformations;
using IamOnboard.Iam;
using IamOnboard.Onboarding;

namespace IamOnboard.Commands;

/// <summary>
/// Test-OnboardAccess: asks IAM's policy simulator (SimulatePrincipalPolicy) what a user's policies decide for each
/// action and resource, optionally with MFA present or absent, and checks the answers against -Expect.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "OnboardAccess", DefaultParameterSetName = DefaultSet)]
[OutputType(typeof(OnboardAccessResult))]
public sealed class TestOnboardAccessCommand : OnboardCmdletBase
{
    private List<string> _actions = new();
    private List<KeyValuePair<string, string>> _expectations = new();

    // One per run: it keeps what is read once per batch (the account password policy).
    private AccessChecker? _checker;
    private List<IamContextEntry> _context = new();

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("User name")]
    [ArgumentCompleter(typeof(UserNameCompleter))]
    [TextOnly(NameProperty = "UserName")]
    [ValidateNotNullOrEmpty]
    [SingleName("UserName", "For several users, pipe them: {0} | Test-OnboardAccess.")]
    public string UserName { get; set; } = string.Empty;

    /// <summary>The pipeline item itself, for what a row brings that binding passes over (<see cref="PipelineRowColumns"/>).</summary>
    [Parameter(ValueFromPipeline = true, DontShow = true)]
    [RowOnly]
    public PipelineItem? PipelineRow { get; set; }

    /// <summary>A user read by another tool in another account is refused by its Arn (<see cref="OnboardCmdletBase"/>).</summary>
    private protected override bool ChecksUsersFromOtherTools => true;

    [Parameter(Position = 1)]
    [ArgumentCompleter(typeof(IamActionCompleter))]
    [ValidateNotNullOrEmpty]
    public string[]? Action { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Resource { get; set; }

    [Parameter]
    [ValidateNotNull]
    public Hashtable? Context { get; set; }

    [Parameter]
    public SwitchParameter WithMfa { get; set; }

    [Parameter]
    public SwitchParameter WithoutMfa { get; set; }

    [Parameter]
    [ValidateNotNull]
    public Hashtable? Expect { get; set; }

    protected override void BeginProcessing()
    {
        try
        {
            _expectations = AccessCheckInput.Expectations(Expect);
            _actions = AccessCheckInput.Actions(Action, _expectations);
            _context = AccessCheckInput.ContextEntries(Context, WithMfa.IsPresent, WithoutMfa.IsPresent);
        }
        catch (ArgumentException invalid)
        {
            ThrowTerminatingError(new ErrorRecord(invalid, "InvalidAccessCheck", ErrorCategory.InvalidArgument, invalid.ParamName));
        }

        base.BeginProcessing();
    }

    protected override void ProcessItem()
    {
        var name = UserName.Trim();
        var checker = _checker ??= new AccessChecker(OnboardSession);
        var actions = _actions;
        var resources = Resource;
        var expectations = _expectations;

        // ${aws:username} in a policy needs the name in the context; IAM's simulator does not fill it in.
        var context = _context.Any(e => e.KeyName.Equals("aws:username", StringComparison.OrdinalIgnoreCase))
            ? _context
            : _context.Append(new IamContextEntry("aws:username", "string", new[] { name })).ToList();
        StartItem(async ct =>
        {
            var results = await checker.SimulateAsync(name, actions, resources, context, ct).ConfigureAwait(false);
            foreach (var result in results)
            {
                var output = new OnboardAccessResult(name, result, AccessCheckInput.ExpectedFor(expectations, result.ActionName));
                Dispatcher.WriteObject(output);
                if (output.AsExpected == false)
                {
                    Dispatcher.WriteError(Unexpected(output));
                }
            }
        }, name);
    }

    private static ErrorRecord Unexpected(OnboardAccessResult result)
    {
        string decidedBy = result.DecidedBy is null ? "no statement allows it" : "decided by " + result.DecidedBy;
        string message = $"{result.UserName}: {result.Action} on {result.Resource} is {result.Decision}, expected {result.Expected}; {decidedBy}.";
        var category = result.IsAllowed ? ErrorCategory.SecurityError : ErrorCategory.PermissionDenied;
        return OnboardErrors.Create("UnexpectedAccessDecision", category, result, message);
    }
}

/// <summary>Turns Test-OnboardAccess's parameters into simulator input; bad input fails naming the key and value.</summary>
internal static class AccessCheckInput
{
    private static readonly Dictionary<string, string> KnownKeyTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["aws:MultiFactorAuthPresent"] = "boolean", ["aws:SecureTransport"] = "boolean", ["aws:ViaAWSService"] = "boolean",
        ["aws:MultiFactorAuthAge"] = "numeric", ["aws:EpochTime"] = "numeric", ["aws:SourceIp"] = "ip",
        ["aws:CurrentTime"] = "date", ["aws:TokenIssueTime"] = "date",
    };

    public static List<KeyValuePair<string, string>> Expectations(Hashtable? expect)
    {
        var expectations = new List<KeyValuePair<string, string>>();
        foreach (DictionaryEntry entry in expect ?? new Hashtable())
        {
            string pattern = Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? string.Empty;
            object? value = entry.Value is PSObject wrapped ? wrapped.BaseObject : entry.Value;
            string? verdict = value switch
            {
                bool allowed => allowed ? "Allowed" : "Denied",
                string text when text.Equals("Allowed", StringComparison.OrdinalIgnoreCase) || text.Equals("Allow", StringComparison.OrdinalIgnoreCase) => "Allowed",
                string text when text.Equals("Denied", StringComparison.OrdinalIgnoreCase) || text.Equals("Deny", StringComparison.OrdinalIgnoreCase) => "Denied",
                _ => null,
            };
            if (pattern.Trim().Length == 0 || verdict is null)
            {
                throw new ArgumentException($"Expect: '{pattern}' = '{value}' is not an action pattern with Allowed or Denied.", "Expect");
            }

            expectations.Add(new KeyValuePair<string, string>(pattern.Trim(), verdict));
        }

        return expectations;
    }

    /// <summary>-Action, plus every -Expect key that names one action (patterns with wildcards only match).</summary>
    public static List<string> Actions(string[]? actions, List<KeyValuePair<string, string>> expectations)
    {
        var all = (actions ?? Array.Empty<string>()).Select(a => a.Trim())
            .Concat(expectations.Select(e => e.Key).Where(k => !WildcardPattern.ContainsWildcardCharacters(k)))
            .Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (all.Count == 0)
        {
            throw new ArgumentException("Action: name the actions to test (for example iam:ListUsers), with -Action or as -Expect keys.", "Action");
        }

        foreach (var action in all.Where(a => a.IndexOf(':') <= 0))
        {
            throw new ArgumentException($"Action: '{action}' is not service:Action (for example iam:ListUsers).", "Action");
        }

        // The simulator takes action names and would answer for the literal text "iam:List*", hiding a Deny of
        // iam:ListUsers; -Expect keys may be patterns because they only match the actions tested.
        foreach (var action in all.Where(a => a.IndexOfAny(new[] { '*', '?' }) >= 0))
        {
            throw new ArgumentException(
                $"Action: '{action}' is a pattern, but IAM's policy simulator answers for action names only; name each action to test (for example iam:ListUsers, iam:ListGroups). A pattern can be an -Expect key, where it matches the actions tested.",
                "Action");
        }

        // A pattern that matches none of the actions tested checks nothing: a script relying on it would pass untested.
        var unmatched = expectations.Select(e => e.Key)
            .Where(k => WildcardPattern.ContainsWildcardCharacters(k))
            .Where(k => !all.Any(a => new WildcardPattern(k, WildcardOptions.IgnoreCase).IsMatch(a)))
            .ToList();
        if (unmatched.Count > 0)
        {
            throw new ArgumentException(
                $"Expect: {string.Join(", ", unmatched.Select(k => $"'{k}'"))} {(unmatched.Count == 1 ? "matches" : "match")} none of the actions tested ({string.Join(", ", all)}), so {(unmatched.Count == 1 ? "it would check" : "they would check")} nothing; name the actions to test with -Action (for example iam:DeleteUser).",
                "Expect");
        }

        return all;
    }

    /// <summary>The verdict the most specific matching -Expect pattern asks for (an exact name beats a pattern; longer beats shorter).</summary>
    public static string? ExpectedFor(List<KeyValuePair<string, string>> expectations, string action) =>
        expectations
            .Where(e => new WildcardPattern(e.Key, WildcardOptions.IgnoreCase).IsMatch(action))
            .OrderByDescending(e => e.Key.Equals(action, StringComparison.OrdinalIgnoreCase))
            .ThenByDescending(e => e.Key.Length)
            .Select(e => (string?)e.Value)
            .FirstOrDefault();

    public static List<IamContextEntry> ContextEntries(Hashtable? context, bool withMfa, bool withoutMfa)
    {
        if (withMfa && withoutMfa)
        {
            throw new ArgumentException("WithMfa, WithoutMfa: give one of them, not both.", "WithMfa");
        }

        var entries = new List<IamContextEntry>();
        foreach (DictionaryEntry entry in context ?? new Hashtable())
        {
            string key = Convert.ToString(entry.Key, CultureInfo.InvariantCulture)?.Trim() ?? string.Empty;
            if (key.IndexOf(':') <= 0)
            {
                throw new ArgumentException($"Context: '{key}' is not a context key such as aws:SourceIp.", "Context");
            }

            entries.Add(Entry(key, entry.Value));
        }

        if (withMfa || withoutMfa)
        {
            if (entries.Any(e => e.KeyName.Equals("aws:MultiFactorAuthPresent", StringComparison.OrdinalIgnoreCase)))
            {
                throw new ArgumentException("Context: aws:MultiFactorAuthPresent is set by -WithMfa/-WithoutMfa; leave it out of -Context.", "Context");
            }

            entries.Add(new IamContextEntry("aws:MultiFactorAuthPresent", "boolean", new[] { withMfa ? "true" : "false" }));
            if (withMfa && !entries.Any(e => e.KeyName.Equals("aws:MultiFactorAuthAge", StringComparison.OrdinalIgnoreCase)))
            {
                entries.Add(new IamContextEntry("aws:MultiFactorAuthAge", "numeric", new[] { "0" }));
            }
        }

        return entries;
    }

    private static IamContextEntry Entry(string key, object? value)
    {
        value = value is PSObject wrapped ? wrapped.BaseObject : value;
        var items = value is IEnumerable list and not string ? list.Cast<object?>().Select(v => v is PSObject p ? p.BaseObject : v).ToList() : new List<object?> { value };
        if (items.Count == 0 || items.Any(v => v is null))
        {
            throw new ArgumentException($"Context: '{key}' needs a value.", "Context");
        }

        bool isKnown = KnownKeyTypes.TryGetValue(key, out var known);
        string type = isKnown ? known! : TypeOf(items[0]!);
        var texts = items.Select(v => Text(v!)).ToList();
        if (isKnown)
        {
            texts = texts.Select(text => Checked(key, type, text)).ToList();
        }

        return new IamContextEntry(key, items.Count > 1 || value is IEnumerable and not string ? type + "List" : type, texts);
    }

    // A value the key's type cannot hold would not fail: the simulator would just find the condition false. IAM writes
    // dates in ISO 8601 only, so no culture's reading of 01/06/2026 is guessed at.
    private static readonly string[] IsoDateFormats =
    {
        "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mmK", "yyyy-MM-dd",
    };

    private static string Checked(string key, string type, string text)
    {
        string value = text.Trim();
        switch (type)
        {
            case "boolean":
                if (value.Equals("true", StringComparison.OrdinalIgnoreCase) || value.Equals("false", StringComparison.OrdinalIgnoreCase))
                {
                    return value.ToLowerInvariant();
                }

                throw BadValue(key, text, "true or false");
            case "numeric":
                return decimal.TryParse(value, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out _)
                    ? value
                    : throw BadValue(key, text, "a number, for example 300");
            case "ip":
                return IsIpAddress(value) ? value : throw BadValue(key, text, "an IP address, for example 203.0.113.7 or 2001:db8::1");
            case "date":
                return DateTimeOffset.TryParseExact(value, IsoDateFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date)
                    ? date.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture)
                    : throw BadValue(key, text, "an ISO 8601 date and time, for example 2026-06-01T09:00:00Z");
            default:
                return text;
        }
    }

    private static ArgumentException BadValue(string key, string value, string expected) =>
        new($"Context: {key} = '{value}' is not {expected}.", "Context");

    // IPAddress.TryParse also takes "10", "10.1" and hexadecimal parts; a source address is four decimal parts or IPv6.
    private static bool IsIpAddress(string text)
    {
        if (text.IndexOf(':') >= 0)
        {
            return IPAddress.TryParse(text, out var v6) && v6.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
        }

        string[] parts = text.Split('.');
        return parts.Length == 4 && parts.All(part =>
            part.Length is >= 1 and <= 3 && part.All(c => c is >= '0' and <= '9') && int.Parse(part, CultureInfo.InvariantCulture) <= 255);
    }

    private static string TypeOf(object value) => value switch
    {
        bool => "boolean",
        int or long or double or decimal or float or short or byte => "numeric",
        DateTime or DateTimeOffset => "date",
        IPAddress => "ip",
        _ => "string",
    };

    private static string Text(object value) => value switch
    {
        bool b => b ? "true" : "false",
        DateTime d => d.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        DateTimeOffset d => d.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };
}
