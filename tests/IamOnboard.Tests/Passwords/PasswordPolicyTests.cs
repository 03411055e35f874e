using System;
using System.Linq;
using IamOnboard.Passwords;
using Xunit;

namespace IamOnboard.Tests.Passwords;

public class PasswordPolicyTests
{
    private static readonly PasswordPolicy Strict = new()
    {
        MinimumPasswordLength = 14,
        RequireSymbols = true,
        RequireNumbers = true,
        RequireUppercaseCharacters = true,
        RequireLowercaseCharacters = true,
    };

    [Fact]
    public void IamDefault_is_8_characters_and_three_classes()
    {
        var policy = PasswordPolicy.IamDefault;

        Assert.True(policy.IsIamDefault);
        Assert.Equal(8, policy.MinimumPasswordLength);
        Assert.Equal(3, policy.MinimumCharacterClasses);
        Assert.False(policy.AllowUsersToChangePassword);
        Assert.False(policy.RequireSymbols || policy.RequireNumbers || policy.RequireUppercaseCharacters || policy.RequireLowercaseCharacters);
    }

    [Fact]
    public void A_custom_policy_needs_no_class_count()
    {
        var policy = new PasswordPolicy();
        Assert.False(policy.IsIamDefault);
        Assert.Equal(0, policy.MinimumCharacterClasses);
        Assert.Equal(6, policy.MinimumPasswordLength);
        Assert.Empty(policy.Check("aaaaaa"));
    }

    [Theory]
    [InlineData("Abcdefg1", true)] // upper, lower, digit
    [InlineData("abcdef1!", true)] // lower, digit, symbol
    [InlineData("ABCDEF'|", false)] // upper and symbols: two classes
    [InlineData("abcdefgh", false)]
    [InlineData("Abcdefg~", false)] // '~' is not in IAM's symbol set
    [InlineData("Ab1!Ab1!", true)]
    public void IamDefault_counts_classes(string password, bool acceptable) =>
        Assert.Equal(acceptable, PasswordPolicy.IamDefault.Check(password).Count == 0);

    [Fact]
    public void IamDefault_rejects_two_classes_and_short_passwords()
    {
        Assert.Equal(new[] { "must be at least 8 characters" }, PasswordPolicy.IamDefault.Check("Abc1!"));
        var problem = Assert.Single(PasswordPolicy.IamDefault.Check("abcdefgh12"));
        Assert.StartsWith("must contain at least 3 of: uppercase letters (A-Z), lowercase letters (a-z), numbers (0-9), symbols (! @ # $ % ^ & * ( ) _ + - = [ ] { } | ')", problem);
    }

    [Fact]
    public void A_character_outside_the_IAM_symbol_set_is_not_a_symbol()
    {
        Assert.Contains("must contain a symbol (one of ! @ # $ % ^ & * ( ) _ + - = [ ] { } | ')", Strict.Check("Abcdefghijkl1~"));
        Assert.Empty(Strict.Check("Abcdefghijkl1'"));
    }

    [Fact]
    public void Each_missing_requirement_is_named()
    {
        var problems = Strict.Check("short");

        Assert.Equal(new[]
        {
            "must be at least 14 characters",
            "must contain an uppercase letter (A-Z)",
            "must contain a number (0-9)",
            "must contain a symbol (one of ! @ # $ % ^ & * ( ) _ + - = [ ] { } | ')",
        }, problems);
        Assert.Contains("must contain a lowercase letter (a-z)", Strict.Check("ABCDEFGHIJKL1!"));
    }

    [Fact]
    public void Problems_never_echo_the_password()
    {
        const string password = "zq\u0100";
        var problems = Strict.Check(password);
        Assert.Contains(problems, p => p.StartsWith("must contain only printable characters", StringComparison.Ordinal));
        Assert.All(problems, p => Assert.DoesNotContain("zq", p));
    }

    [Fact]
    public void Passwords_are_capped_at_128()
    {
        Assert.Empty(new PasswordPolicy().Check(new string('a', 128)));
        Assert.Equal(new[] { "must be at most 128 characters" }, new PasswordPolicy().Check(new string('a', 129)));
    }

    [Theory]
    [InlineData(5)]
    [InlineData(129)]
    public void MinimumPasswordLength_outside_6_to_128_throws(int length) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new PasswordPolicy { MinimumPasswordLength = length });

    [Fact]
    public void Age_and_reuse_ranges_are_enforced()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PasswordPolicy { MaxPasswordAge = 1096 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new PasswordPolicy { PasswordReusePrevention = 0 });
        var policy = new PasswordPolicy { MaxPasswordAge = 90, PasswordReusePrevention = 24, HardExpiry = true };
        Assert.Equal(90, policy.MaxPasswordAge);
        Assert.Equal(24, policy.PasswordReusePrevention);
    }

    [Fact]
    public void CheckSettings_words_range_errors_like_IAM()
    {
        var violations = PasswordPolicy.CheckSettings(5, 1096, null);

        Assert.Equal(new[] { "minimumPasswordLength", "maxPasswordAge" }, violations.Select(v => v.Field));
        Assert.Equal("1 validation error detected: Value '5' at 'minimumPasswordLength' failed to satisfy constraint: Member must have value greater than or equal to 6", violations[0].Message);
        Assert.Empty(PasswordPolicy.CheckSettings(6, 1095, 24));
    }
}
