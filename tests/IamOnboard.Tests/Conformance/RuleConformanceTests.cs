using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using IamOnboard.Rules;
using Xunit;

namespace IamOnboard.Tests.Conformance;

/// <summary>
/// The module's own rules (Rules/) against the model's patterns and lengths, shape by shape: every probe value the
/// model accepts the rule must accept, and every value it refuses the rule must refuse. Stricter or looser fails.
/// </summary>
public sealed class RuleConformanceTests
{
    // Every Latin-1 character plus BMP letters, digits, numbers and separators of other categories; supplementary
    // characters are left out because .NET's regex judges UTF-16 units where Java's judges code points.
    private static readonly string Probes = new string(Enumerable.Range(0, 0x100).Select(i => (char)i).ToArray())
        + "\u0100\u0394\u4E2D\u2003\u2028\u2029\u0660\u2160\u00B2\uFF21\u200B\u3000\u02B0\u01C5\u0301\uD7FF\uFFFD";

    public static IEnumerable<object[]> Shapes() => new[]
    {
        new object[] { "iam", "userNameType", "name" },
        new object[] { "iam", "groupNameType", "name" },
        new object[] { "iam", "policyNameType", "name" },
        new object[] { "iam", "virtualMFADeviceName", "name" },
        new object[] { "iam", "pathType", "path" },
        new object[] { "iam", "tagKeyType", "tag" },
        new object[] { "iam", "tagValueType", "tag" },
        new object[] { "sts", "roleSessionNameType", "name" },
        new object[] { "sts", "externalIdType", "name" },
    };

    private static Func<string, bool> Rule(string shape) => shape switch
    {
        "userNameType" => v => IamNameRules.CheckUserName(v) is null,
        "groupNameType" => v => IamNameRules.CheckGroupName(v) is null,
        "policyNameType" => v => IamNameRules.CheckPolicyName(v) is null,
        "virtualMFADeviceName" => v => IamNameRules.CheckMfaDeviceName(v) is null,
        "pathType" => v => IamNameRules.CheckPath(v) is null,
        "tagKeyType" => v => IamNameRules.CheckUserTags(new[] { new KeyValuePair<string, string>(v, "v") }).Count == 0,
        "tagValueType" => v => IamNameRules.CheckUserTags(new[] { new KeyValuePair<string, string>("k", v) }).Count == 0,
        "roleSessionNameType" => v => IamNameRules.CheckRoleSessionName(v) is null,
        "externalIdType" => v => IamNameRules.CheckExternalId(v) is null,
        _ => throw new ArgumentOutOfRangeException(nameof(shape)),
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void RuleAcceptsExactlyWhatTheModelAccepts(string service, string shapeName, string form)
    {
        var mismatches = Mismatches(ServiceModel.For(service), shapeName, form, Rule(shapeName));
        Assert.True(mismatches.Count == 0, shapeName + ": the rule and the model disagree on " + mismatches.Count + " probe(s): " + string.Join("; ", mismatches.Take(12)));
    }

    [Fact]
    public void ADeliberatelyLooserRuleIsCaught()
    {
        // A user-name rule that forgot the 64-character limit, and one that lets a space through.
        var longer = Mismatches(ServiceModel.Iam, "userNameType", "name", v => IamNameRules.CheckUserName(v.Length == 65 ? v.Substring(0, 64) : v) is null);
        Assert.Contains(longer, m => m.StartsWith("65 chars", StringComparison.Ordinal));
        var spaced = Mismatches(ServiceModel.Iam, "userNameType", "name", v => IamNameRules.CheckUserName(v.Replace(' ', '_')) is null);
        Assert.Contains(spaced, m => m.Contains("U+0020", StringComparison.Ordinal));
    }

    [Fact]
    public void TagCountLimitIsTheModels()
    {
        var max = (int)ServiceModel.Number(ServiceModel.Iam.Shape("tagListType"), "max")!;
        Assert.Equal(IamLimits.TagsPerUser, max);
        IReadOnlyList<KeyValuePair<string, string>> Tags(int n) => Enumerable.Range(1, n).Select(i => new KeyValuePair<string, string>("k" + i, "v")).ToList();
        Assert.Empty(IamNameRules.CheckUserTags(Tags(max)));
        Assert.NotEmpty(IamNameRules.CheckUserTags(Tags(max + 1)));
    }

    [Fact]
    public void PolicyDocumentLimitIsTheModels()
        => Assert.Equal(IamLimits.PolicyDocumentParameterMaxLength, (int)ServiceModel.Number(ServiceModel.Iam.Shape("policyDocumentType"), "max")!);

    [Fact]
    public void MfaDeviceNameLimitFollowsFromTheSerialNumberShape()
    {
        // virtualMFADeviceName has no max of its own; the serial number arn:aws:iam::123456789012:mfa/NAME has one.
        var serialMax = (int)ServiceModel.Number(ServiceModel.Iam.Shape("serialNumberType"), "max")!;
        Assert.Equal(IamNameRules.MfaDeviceNameMaxLength, serialMax - "arn:aws:iam::123456789012:mfa/".Length);
    }

    /// <summary>Probe values where the rule and the model (length bounds and pattern) disagree, described without the value.</summary>
    internal static List<string> Mismatches(ServiceModel model, string shapeName, string form, Func<string, bool> rule)
    {
        var shape = model.Shape(shapeName);
        var min = (int)(ServiceModel.Number(shape, "min") ?? 0);
        var max = (int?)ServiceModel.Number(shape, "max")
            ?? (shapeName == "virtualMFADeviceName" ? (int)ServiceModel.Number(model.Shape("serialNumberType"), "max")! - "arn:aws:iam::123456789012:mfa/".Length : 4096);
        bool ModelAccepts(string v) => v.Length >= min && v.Length <= max && (model.Pattern(shape)?.IsMatch(v) ?? true);

        var probes = new List<(string Description, string Value)>();
        foreach (var c in Probes)
        {
            var value = form == "path" ? "/a" + c + "/" : "a" + c;
            probes.Add(("U+" + ((int)c).ToString("X4", CultureInfo.InvariantCulture), value));
        }

        foreach (var length in new[] { 0, 1, 2, 3, min - 1, min, max, max + 1 }.Where(l => l >= 0).Distinct())
        {
            var value = form != "path" ? new string('a', length) : length switch
            {
                0 => string.Empty,
                1 => "/",
                _ => "/" + new string('a', length - 2) + "/",
            };
            probes.Add((length.ToString(CultureInfo.InvariantCulture) + " chars", value));
        }

        if (form == "path")
        {
            probes.AddRange(new[] { ("'//'", "//"), ("'///'", "///"), ("'a/'", "a/"), ("'/a'", "/a"), ("'/a/b/'", "/a/b/") });
        }

        return probes.Where(p => ModelAccepts(p.Value) != rule(p.Value))
            .Select(p => p.Description + ": model " + (ModelAccepts(p.Value) ? "accepts" : "refuses") + ", rule " + (rule(p.Value) ? "accepts" : "refuses"))
            .ToList();
    }
}
