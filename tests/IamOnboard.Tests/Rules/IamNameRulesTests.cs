using System.Collections.Generic;
using System.Linq;
using IamOnboard.Rules;
using Xunit;

namespace IamOnboard.Tests.Rules;

public class IamNameRulesTests
{
    [Theory]
    [InlineData("alice")]
    [InlineData("a")]
    [InlineData("Alice.Smith+ops=1,x@example.com_-")]
    [InlineData("=starts-with-equals")]
    public void CheckUserName_accepts_names_of_the_pattern(string name) =>
        Assert.Null(IamNameRules.CheckUserName(name));

    [Fact]
    public void CheckUserName_reports_the_pattern_in_IAMs_words()
    {
        var violation = IamNameRules.CheckUserName("bad name");

        Assert.NotNull(violation);
        Assert.Equal("userName", violation.Field);
        Assert.Equal("bad name", violation.Value);
        Assert.Equal(RuleViolation.ValidationErrorCode, violation.ErrorCode);
        Assert.Equal(
            @"1 validation error detected: Value 'bad name' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+",
            violation.Message);
    }

    [Theory]
    [InlineData("é")] // .NET's \w would accept it; IAM's (Java's ASCII) \w does not
    [InlineData("a/b")]
    [InlineData("a*b")]
    [InlineData("tab\there")]
    public void CheckUserName_rejects_characters_outside_the_ascii_pattern(string name) =>
        Assert.Contains("regular expression pattern", IamNameRules.CheckUserName(name)!.Message);

    [Fact]
    public void CheckUserName_enforces_1_to_64()
    {
        Assert.Null(IamNameRules.CheckUserName(new string('a', 64)));
        var tooLong = IamNameRules.CheckUserName(new string('a', 65));
        Assert.Equal(new[] { "Member must have length less than or equal to 64" }, tooLong!.Constraints);
        var empty = IamNameRules.CheckUserName("");
        Assert.Equal(new[] { "Member must have length greater than or equal to 1" }, empty!.Constraints);
    }

    [Fact]
    public void A_value_breaking_two_constraints_gets_both_in_one_message()
    {
        var violation = IamNameRules.CheckUserName(new string('a', 64) + " ");

        Assert.Equal(2, violation!.Constraints.Count);
        Assert.StartsWith("2 validation errors detected: Value '", violation.Message);
        Assert.Contains("length less than or equal to 64; Value '", violation.Message);
    }

    [Fact]
    public void Null_reads_as_IAMs_must_not_be_null()
    {
        var violation = IamNameRules.CheckGroupName(null);
        Assert.Equal("1 validation error detected: Value null at 'groupName' failed to satisfy constraint: Member must not be null", violation!.Message);
        Assert.Null(violation.Value);
    }

    [Fact]
    public void Group_and_policy_names_allow_128_characters()
    {
        Assert.Null(IamNameRules.CheckGroupName(new string('g', 128)));
        Assert.NotNull(IamNameRules.CheckGroupName(new string('g', 129)));
        Assert.Null(IamNameRules.CheckPolicyName(new string('p', 128)));
        Assert.Equal("policyName", IamNameRules.CheckPolicyName(new string('p', 129))!.Field);
    }

    [Fact]
    public void Mfa_device_name_fits_the_serial_number_limit()
    {
        Assert.Null(IamNameRules.CheckMfaDeviceName(new string('m', 226)));
        Assert.Equal("virtualMFADeviceName", IamNameRules.CheckMfaDeviceName(new string('m', 227))!.Field);
        Assert.NotNull(IamNameRules.CheckMfaDeviceName("my phone"));
        Assert.Equal(256, "arn:aws:iam::123456789012:mfa/".Length + IamNameRules.MfaDeviceNameMaxLength);
    }

    [Fact]
    public void Role_session_name_is_2_to_64()
    {
        Assert.Null(IamNameRules.CheckRoleSessionName("ab"));
        Assert.NotNull(IamNameRules.CheckRoleSessionName("a"));
        Assert.NotNull(IamNameRules.CheckRoleSessionName(new string('s', 65)));
        Assert.NotNull(IamNameRules.CheckRoleSessionName("has space"));
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/engineering/")]
    [InlineData("/division_abc/subdivision_xyz/")]
    [InlineData("/!~/")]
    public void CheckPath_accepts_slash_delimited_printable_ascii(string path) =>
        Assert.Null(IamNameRules.CheckPath(path));

    [Theory]
    [InlineData("engineering/")]
    [InlineData("/engineering")]
    [InlineData("//")]
    [InlineData("/with space/")]
    [InlineData("/caf\u00e9/")]
    public void CheckPath_rejects_malformed_paths(string path)
    {
        var violation = IamNameRules.CheckPath(path, "newPath");
        Assert.Equal("newPath", violation!.Field);
        Assert.Contains("regular expression pattern: " + IamNameRules.PathPattern, violation.Message);
    }

    [Fact]
    public void CheckPath_limits_length_to_512()
    {
        Assert.Null(IamNameRules.CheckPath("/" + new string('p', 510) + "/"));
        Assert.Contains("less than or equal to 512", IamNameRules.CheckPath("/" + new string('p', 511) + "/")!.Message);
        Assert.Contains("greater than or equal to 1", IamNameRules.CheckPath("")!.Message);
    }

    [Fact]
    public void Names_compare_without_regard_to_case()
    {
        Assert.True(IamNameRules.NameComparer.Equals("Alice", "alice"));
        var names = new HashSet<string>(IamNameRules.NameComparer) { "Alice" };
        Assert.False(names.Add("ALICE"));
    }

    private static KeyValuePair<string, string> Tag(string key, string value) => new(key, value);

    [Fact]
    public void CheckUserTags_accepts_letters_digits_spaces_and_the_listed_symbols()
    {
        var tags = new[]
        {
            Tag("Cost Center", "12 34"),
            Tag("team:owner/email", "someone+x@example.com"),
            Tag("Département", "Ñandú"),
            Tag("empty", ""),
            Tag("emoji-free 𝒳", "𝒳"), // a letter outside the BMP
        };

        Assert.Empty(IamNameRules.CheckUserTags(tags));
    }

    [Fact]
    public void CheckUserTags_names_each_bad_member_by_index()
    {
        var violations = IamNameRules.CheckUserTags(new[]
        {
            Tag("ok", "fine"),
            Tag("bad*key", "v"),
            Tag("k", new string('v', 257)),
            Tag("", "v"),
            Tag("semi", "a;b"),
        });

        Assert.Equal(new[] { "tags.2.member.key", "tags.3.member.value", "tags.4.member.key", "tags.5.member.value" },
            violations.Select(v => v.Field));
        Assert.Contains(@"Member must satisfy regular expression pattern: [\p{L}\p{Z}\p{N}_.:/=+\-@]+", violations[0].Message);
        Assert.Contains("Member must have length less than or equal to 256", violations[1].Message);
    }

    [Fact]
    public void CheckUserTags_limits_key_length_to_128()
    {
        Assert.Empty(IamNameRules.CheckUserTags(new[] { Tag(new string('k', 128), "") }));
        Assert.Single(IamNameRules.CheckUserTags(new[] { Tag(new string('k', 129), "") }));
    }

    [Theory]
    [InlineData("aws:createdBy")]
    [InlineData("AWS:x")]
    public void CheckUserTags_rejects_the_reserved_prefix(string key)
    {
        var violation = Assert.Single(IamNameRules.CheckUserTags(new[] { Tag(key, "v") }));
        Assert.Equal(RuleViolation.InvalidInputCode, violation.ErrorCode);
        Assert.Contains("aws:", violation.Message);
    }

    [Fact]
    public void CheckUserTags_rejects_keys_differing_only_in_case()
    {
        var violation = Assert.Single(IamNameRules.CheckUserTags(new[] { Tag("Department", "a"), Tag("department", "b") }));
        Assert.Equal(RuleViolation.InvalidInputCode, violation.ErrorCode);
        Assert.Contains("'department'", violation.Message);
    }

    [Fact]
    public void CheckUserTags_allows_50_tags_and_no_more()
    {
        Assert.Empty(IamNameRules.CheckUserTags(Enumerable.Range(0, 50).Select(i => Tag("k" + i, "v"))));
        var violation = Assert.Single(IamNameRules.CheckUserTags(Enumerable.Range(0, 51).Select(i => Tag("k" + i, "v"))));
        Assert.Equal("tags", violation.Field);
        Assert.Contains("less than or equal to 50", violation.Message);
    }

    [Fact]
    public void CombineMessages_aggregates_like_IAM()
    {
        var violations = new[] { IamNameRules.CheckUserName("a b")!, IamNameRules.CheckPath("x")! };

        string message = RuleViolation.CombineMessages(violations);

        Assert.StartsWith("2 validation errors detected: Value 'a b' at 'userName'", message);
        Assert.Contains("; Value 'x' at 'path'", message);
    }

    [Fact]
    public void A_secret_value_is_never_echoed()
    {
        var violation = RuleViolation.Constraint("password", "hunter2 secret", true, "Member must have length less than or equal to 3");

        Assert.Null(violation.Value);
        Assert.DoesNotContain("hunter2", violation.Message);
        Assert.DoesNotContain("hunter2", violation.ToString());
        Assert.Equal("1 validation error detected: Value at 'password' failed to satisfy constraint: Member must have length less than or equal to 3", violation.Message);
    }
}
