using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;

namespace IamOnboard.Rules;

/// <summary>The grammar half of the validator: the walk over a parsed document, element by element.</summary>
public static partial class PolicyDocumentValidator
{
    private sealed class GrammarWalker
    {
        private readonly PolicyDocumentKind _kind;
        private readonly List<PolicyProblem> _problems;
        private readonly Dictionary<string, string> _sidOwners = new(StringComparer.Ordinal);

        public GrammarWalker(PolicyDocumentKind kind, List<PolicyProblem> problems)
        {
            _kind = kind;
            _problems = problems;
        }

        public void CheckDocument(JsonElement root)
        {
            if (root.ValueKind != JsonValueKind.Object)
            {
                Add("(document)", $"The policy must be a JSON object, found {Describe(root)}.");
                return;
            }

            var properties = ReadProperties(root, "(document)", TopLevelKeys, "the policy");

            if (properties.TryGetValue("Version", out var version))
            {
                if (version.ValueKind != JsonValueKind.String || !AllowedVersions.Contains(version.GetString()))
                {
                    Add("Version", $"Version must be \"{AllowedVersions[0]}\" or \"{AllowedVersions[1]}\", found {Describe(version)}.");
                }
            }

            if (properties.TryGetValue("Id", out var id) && id.ValueKind != JsonValueKind.String)
            {
                Add("Id", $"Id must be a string, found {Describe(id)}.");
            }

            if (!properties.TryGetValue("Statement", out var statement))
            {
                Add("Statement", "The policy has no Statement.");
                return;
            }

            switch (statement.ValueKind)
            {
                case JsonValueKind.Object:
                    CheckStatement(statement, "Statement");
                    break;
                case JsonValueKind.Array:
                    if (statement.GetArrayLength() == 0)
                    {
                        Add("Statement", "Statement must not be an empty array.");
                    }

                    int index = 0;
                    foreach (var item in statement.EnumerateArray())
                    {
                        string where = $"Statement[{index++}]";
                        if (item.ValueKind == JsonValueKind.Object)
                        {
                            CheckStatement(item, where);
                        }
                        else
                        {
                            Add(where, $"{where}: a statement must be a JSON object, found {Describe(item)}.");
                        }
                    }

                    break;
                default:
                    Add("Statement", $"Statement must be an object or an array of objects, found {Describe(statement)}.");
                    break;
            }
        }

        private void CheckStatement(JsonElement statement, string where)
        {
            var properties = ReadProperties(statement, where, StatementKeys, where);

            if (properties.TryGetValue("Sid", out var sid))
            {
                CheckSid(sid, where);
            }

            if (!properties.TryGetValue("Effect", out var effect))
            {
                Add(where + ".Effect", $"{where}: Effect is missing; it must be \"Allow\" or \"Deny\".");
            }
            else if (effect.ValueKind != JsonValueKind.String || effect.GetString() is not ("Allow" or "Deny"))
            {
                Add(where + ".Effect", $"{where}: Effect must be \"Allow\" or \"Deny\", found {Describe(effect)}.");
            }

            var action = RequireExactlyOne(properties, where, "Action", "NotAction");
            if (action is { } actionElement)
            {
                CheckStringOrList(actionElement.Value, $"{where}.{actionElement.Key}", IsWellFormedAction,
                    "is not a valid action; use \"*\" or \"service:action\", e.g. \"s3:GetObject\"");
            }

            if (_kind == PolicyDocumentKind.Trust)
            {
                Forbid(properties, where, "Resource", "a trust policy names no resources");
                Forbid(properties, where, "NotResource", "a trust policy names no resources");
            }
            else if (RequireExactlyOne(properties, where, "Resource", "NotResource") is { } resource)
            {
                CheckStringOrList(resource.Value, $"{where}.{resource.Key}", IsWellFormedResource,
                    "is not a valid resource; use \"*\" or an ARN (arn:partition:service:region:account:resource)");
            }

            if (_kind == PolicyDocumentKind.Identity)
            {
                Forbid(properties, where, "Principal", "an identity policy applies to the identity it is attached to");
                Forbid(properties, where, "NotPrincipal", "an identity policy applies to the identity it is attached to");
            }
            else if (RequireExactlyOne(properties, where, "Principal", "NotPrincipal") is { } principal)
            {
                CheckPrincipal(principal.Value, $"{where}.{principal.Key}");
            }

            if (properties.TryGetValue("Condition", out var condition))
            {
                CheckCondition(condition, where + ".Condition");
            }
        }

        private void CheckSid(JsonElement sid, string where)
        {
            string location = where + ".Sid";
            if (sid.ValueKind != JsonValueKind.String)
            {
                Add(location, $"{where}: Sid must be a string, found {Describe(sid)}.");
                return;
            }

            string value = sid.GetString() ?? string.Empty;

            // IAM itself only accepts letters and digits in Sids; other services' resource policies are laxer.
            if (_kind != PolicyDocumentKind.Resource && !value.All(c => c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9')))
            {
                Add(location, $"{where}: Sid \"{value}\" must contain only letters A-Z, a-z and digits 0-9.");
            }

            if (value.Length > 0)
            {
                if (_sidOwners.TryGetValue(value, out var first))
                {
                    Add(location, $"{where}: Sid \"{value}\" is already used by {first}; Sids must be unique within a policy.");
                }
                else
                {
                    _sidOwners.Add(value, where);
                }
            }
        }

        private KeyValuePair<string, JsonElement>? RequireExactlyOne(
            Dictionary<string, JsonElement> properties, string where, string element, string negated)
        {
            bool hasElement = properties.TryGetValue(element, out var elementValue);
            bool hasNegated = properties.TryGetValue(negated, out var negatedValue);
            if (hasElement && hasNegated)
            {
                Add($"{where}.{element}", $"{where}: has both {element} and {negated}; use exactly one.");
                return null;
            }

            if (!hasElement && !hasNegated)
            {
                Add($"{where}.{element}", $"{where}: has neither {element} nor {negated}; exactly one is required.");
                return null;
            }

            return hasElement
                ? new KeyValuePair<string, JsonElement>(element, elementValue)
                : new KeyValuePair<string, JsonElement>(negated, negatedValue);
        }

        private void Forbid(Dictionary<string, JsonElement> properties, string where, string element, string reason)
        {
            if (properties.ContainsKey(element))
            {
                Add($"{where}.{element}", $"{where}: {element} is not allowed in {KindName()} ({reason}).");
            }
        }

        private void CheckStringOrList(JsonElement value, string location, Func<string, bool> isWellFormed, string complaint)
        {
            if (value.ValueKind == JsonValueKind.String)
            {
                string text = value.GetString() ?? string.Empty;
                if (!isWellFormed(text))
                {
                    Add(location, $"{location}: \"{text}\" {complaint}.");
                }

                return;
            }

            if (value.ValueKind != JsonValueKind.Array)
            {
                Add(location, $"{location}: must be a string or an array of strings, found {Describe(value)}.");
                return;
            }

            if (value.GetArrayLength() == 0)
            {
                Add(location, $"{location}: must not be an empty array.");
                return;
            }

            int index = 0;
            foreach (var item in value.EnumerateArray())
            {
                string itemLocation = $"{location}[{index++}]";
                if (item.ValueKind != JsonValueKind.String)
                {
                    Add(itemLocation, $"{itemLocation}: must be a string, found {Describe(item)}.");
                }
                else if (!isWellFormed(item.GetString() ?? string.Empty))
                {
                    Add(itemLocation, $"{itemLocation}: \"{item.GetString()}\" {complaint}.");
                }
            }
        }

        private void CheckPrincipal(JsonElement principal, string location)
        {
            if (principal.ValueKind == JsonValueKind.String)
            {
                if (principal.GetString() != "*")
                {
                    Add(location, $"{location}: a principal given as a string must be \"*\"; otherwise use an object such as {{\"AWS\": \"arn:aws:iam::123456789012:root\"}}.");
                }

                return;
            }

            if (principal.ValueKind != JsonValueKind.Object)
            {
                Add(location, $"{location}: must be \"*\" or an object, found {Describe(principal)}.");
                return;
            }

            var kinds = ReadProperties(principal, location, PrincipalKinds, location);
            if (kinds.Count == 0 && !principal.EnumerateObject().Any())
            {
                Add(location, $"{location}: must name at least one of {string.Join(", ", PrincipalKinds)}.");
            }

            foreach (var kind in kinds)
            {
                CheckStringOrList(kind.Value, $"{location}.{kind.Key}", s => s.Trim().Length > 0, "must not be empty");
            }
        }

        private void CheckCondition(JsonElement condition, string location)
        {
            if (condition.ValueKind != JsonValueKind.Object)
            {
                Add(location, $"{location}: must be an object of condition operators, found {Describe(condition)}.");
                return;
            }

            // A JSON parser keeps one of two same-named members (IAM and the AWS CLI the last; an evaluator may read
            // both), so what the policy grants would depend on who reads it: refused, as a duplicate Effect is.
            var operators = new HashSet<string>(StringComparer.Ordinal);
            foreach (var op in condition.EnumerateObject())
            {
                string opLocation = $"{location}.{op.Name}";
                if (!operators.Add(op.Name))
                {
                    Add(opLocation, $"{location}: condition operator \"{op.Name}\" appears more than once; put all its keys in one \"{op.Name}\" block.");
                    continue;
                }

                if (!ConditionOperatorNames.IsKnown(op.Name))
                {
                    string? meant = ConditionOperatorNames.SameNameOtherCase(op.Name);
                    string hint = meant is not null
                        ? $"did you mean \"{meant}\"? operator names are case-sensitive"
                        : IsDecoratedNull(op.Name)
                            ? "Null takes neither IfExists nor ForAllValues:/ForAnyValue:"
                            : "see the IAM User Guide's list of condition operators, e.g. StringEquals, StringLike, IpAddress, Bool";
                    Add(opLocation, $"{location}: \"{op.Name}\" is not a condition operator ({hint}).");
                    continue;
                }

                if (op.Value.ValueKind != JsonValueKind.Object)
                {
                    Add(opLocation, $"{opLocation}: must be an object of condition keys and values, found {Describe(op.Value)}.");
                    continue;
                }

                var keys = new HashSet<string>(StringComparer.Ordinal);
                foreach (var key in op.Value.EnumerateObject())
                {
                    string keyLocation = $"{opLocation}.{key.Name}";
                    if (!keys.Add(key.Name))
                    {
                        Add(keyLocation, $"{opLocation}: condition key \"{key.Name}\" appears more than once; give it one value or an array of values.");
                        continue;
                    }

                    bool ok = key.Value.ValueKind == JsonValueKind.Array
                        ? key.Value.EnumerateArray().All(IsConditionScalar)
                        : IsConditionScalar(key.Value);
                    if (!ok)
                    {
                        Add(keyLocation, $"{keyLocation}: a condition value must be a string, number or boolean, or an array of them, found {Describe(key.Value)}.");
                    }
                }
            }
        }

        // Reads an object's members, reporting duplicates and unknown names (with a hint when only the case is wrong).
        private Dictionary<string, JsonElement> ReadProperties(JsonElement obj, string location, string[] known, string owner)
        {
            var result = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            foreach (var property in obj.EnumerateObject())
            {
                string name = property.Name;
                string prefix = location == "(document)" ? name : $"{location}.{name}";
                if (!known.Contains(name, StringComparer.Ordinal))
                {
                    string? meant = known.FirstOrDefault(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase));
                    string hint = meant is null ? $"allowed are {string.Join(", ", known)}" : $"did you mean \"{meant}\"? element names are case-sensitive";
                    Add(prefix, $"{Capitalize(owner)}: unknown element \"{name}\" ({hint}).");
                    continue;
                }

                if (result.ContainsKey(name))
                {
                    Add(prefix, $"{Capitalize(owner)}: element \"{name}\" appears more than once.");
                    continue;
                }

                result.Add(name, property.Value);
            }

            return result;
        }

        private string KindName() => _kind switch
        {
            PolicyDocumentKind.Identity => "an identity policy",
            PolicyDocumentKind.Trust => "a trust policy",
            _ => "a resource policy",
        };

        private void Add(string location, string message) => _problems.Add(new PolicyProblem(location, message));
    }

    private static bool IsDecoratedNull(string name)
    {
        string bare = name;
        foreach (string prefix in new[] { ConditionOperatorNames.ForAllValues, ConditionOperatorNames.ForAnyValue })
        {
            if (bare.StartsWith(prefix, StringComparison.Ordinal))
            {
                bare = bare.Substring(prefix.Length);
            }
        }

        if (bare.EndsWith(ConditionOperatorNames.IfExistsSuffix, StringComparison.Ordinal))
        {
            bare = bare.Substring(0, bare.Length - ConditionOperatorNames.IfExistsSuffix.Length);
        }

        return bare == ConditionOperatorNames.Null && name != ConditionOperatorNames.Null;
    }

    private static bool IsConditionScalar(JsonElement value) =>
        value.ValueKind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False;

    // "*", or "service:action" where the service prefix has no wildcards and the action part may.
    private static bool IsWellFormedAction(string action)
    {
        if (action == "*")
        {
            return true;
        }

        int colon = action.IndexOf(':');
        if (colon <= 0 || colon == action.Length - 1)
        {
            return false;
        }

        for (int i = 0; i < action.Length; i++)
        {
            char c = action[i];
            bool letterOrDigit = c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9');
            bool ok = i < colon ? letterOrDigit || c == '-' : i == colon || letterOrDigit || c is '*' or '?' or '_' or '-';
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    // "*" or an ARN with its six parts (arn:partition:service:region:account:resource); region and account may be empty.
    private static bool IsWellFormedResource(string resource) =>
        resource == "*" || (resource.StartsWith("arn:", StringComparison.Ordinal) && resource.Count(c => c == ':') >= 5);

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => $"\"{value.GetString()}\"",
        JsonValueKind.Number => $"the number {value.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => $"the boolean {value.GetRawText()}",
        JsonValueKind.Null => "null",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => "nothing",
    };

    private static string Capitalize(string text) =>
        text.Length == 0 || char.IsUpper(text[0]) || text[0] == '(' ? text : char.ToUpperInvariant(text[0]) + text.Substring(1);
}
