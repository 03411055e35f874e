using System;
using System.Collections.Generic;
using System.Linq;
using IamOnboard.Passwords;
using Xunit;

namespace IamOnboard.Tests.Passwords;

public class PasswordGeneratorTests
{
    public static TheoryData<string> PolicyNames => new() { "default", "none", "strict", "symbols-only", "long" };

    private static PasswordPolicy PolicyNamed(string name) => name switch
    {
        "default" => PasswordPolicy.IamDefault,
        "none" => new PasswordPolicy(),
        "strict" => new PasswordPolicy { MinimumPasswordLength = 14, RequireSymbols = true, RequireNumbers = true, RequireUppercaseCharacters = true, RequireLowercaseCharacters = true },
        "symbols-only" => new PasswordPolicy { RequireSymbols = true },
        "long" => new PasswordPolicy { MinimumPasswordLength = 128, RequireNumbers = true },
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(PolicyNames))]
    public void Thousands_of_passwords_all_satisfy_the_policy(string name)
    {
        var policy = PolicyNamed(name);
        for (int i = 0; i < 2000; i++)
        {
            string password = PasswordGenerator.Generate(policy);
            var problems = policy.Check(password);
            Assert.True(problems.Count == 0, $"generated password broke the {name} policy: {string.Join("; ", problems)}");
            Assert.Equal(Math.Max(policy.MinimumPasswordLength, 20), password.Length);
            Assert.DoesNotContain(password[0], "=+-@");
        }
    }

    [Fact]
    public void The_shortest_allowed_password_still_has_every_class()
    {
        for (int i = 0; i < 2000; i++)
        {
            string password = PasswordGenerator.Generate(new PasswordPolicy(), 6);
            Assert.Equal(6, password.Length);
            Assert.All(PasswordGenerator.CharacterClasses, cls => Assert.Contains(password, c => cls.IndexOf(c) >= 0));
        }
    }

    [Theory]
    [InlineData(13)]
    [InlineData(129)]
    public void A_length_the_policy_cannot_allow_throws(int length) =>
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            PasswordGenerator.Generate(new PasswordPolicy { MinimumPasswordLength = 14 }, length));

    [Fact]
    public void Look_alike_characters_are_never_used()
    {
        string all = string.Concat(Enumerable.Range(0, 500).Select(_ => PasswordGenerator.Generate(PasswordPolicy.IamDefault)));
        Assert.DoesNotContain(all, c => "Il1|O0o'".IndexOf(c) >= 0);
    }

    [Fact]
    public void Characters_are_drawn_uniformly()
    {
        // 10,000 passwords of 20: one forced character per class plus 16 from the whole alphabet, so a character of a
        // class of n is expected 10,000 * (1/n + 16/74) times (2,579 to 3,412; standard deviation about 55).
        // +-15% is over 7 standard deviations: a modulo bias or a broken shuffle shows, chance does not.
        const int Passwords = 10000;
        var counts = new Dictionary<char, int>();
        for (int i = 0; i < Passwords; i++)
        {
            foreach (char c in PasswordGenerator.Generate(new PasswordPolicy()))
            {
                counts[c] = counts.TryGetValue(c, out int n) ? n + 1 : 1;
            }
        }

        var classes = PasswordGenerator.CharacterClasses;
        int alphabetSize = classes.Sum(cls => cls.Length);
        int freeDraws = PasswordGenerator.DefaultLength - classes.Count;
        Assert.Equal(alphabetSize, counts.Count);
        foreach (string cls in classes)
        {
            double expected = Passwords * ((1.0 / cls.Length) + ((double)freeDraws / alphabetSize));
            Assert.All(cls, c => Assert.InRange(counts[c], expected * 0.85, expected * 1.15));
        }
    }

    [Fact]
    public void Two_passwords_differ() =>
        Assert.NotEqual(PasswordGenerator.Generate(PasswordPolicy.IamDefault), PasswordGenerator.Generate(PasswordPolicy.IamDefault));
}
