using System;
using System.Collections.Generic;
using System.Linq;
using IamOnboard.Rules;

namespace IamOnboard.Passwords;

/// <summary>
/// An account password policy as IAM models it, or <see cref="IamDefault"/>, the rule IAM applies when the
/// account has none (<c>GetAccountPasswordPolicy</c> answers NoSuchEntity).
/// </summary>
public sealed class PasswordPolicy
{
    /// <summary>IAM's symbol set, the only characters that count as symbols for either kind of policy.</summary>
    public const string Symbols = "!@#$%^&*()_+-=[]{}|'";

    /// <summary>IAM's ceiling on any password, whatever the policy.</summary>
    public const int MaximumPasswordLength = 128;

    public const int MinimumPasswordLengthFloor = 6;
    public const int MaxPasswordAgeCeiling = 1095;
    public const int PasswordReusePreventionCeiling = 24;

    /// <summary>The minimum length a custom policy gets when UpdateAccountPasswordPolicy leaves it out.</summary>
    public const int DefaultCustomMinimumPasswordLength = 6;

    private const int DefaultPolicyMinimumLength = 8;
    private const int DefaultPolicyCharacterClasses = 3;

    private readonly int _minimumPasswordLength = DefaultCustomMinimumPasswordLength;
    private readonly int? _maxPasswordAge;
    private readonly int? _passwordReusePrevention;

    /// <summary>8 to 128 characters with at least three of uppercase, lowercase, digits and symbols; users may not change their own password.</summary>
    public static PasswordPolicy IamDefault { get; } = new(DefaultPolicyMinimumLength, DefaultPolicyCharacterClasses);

    /// <summary>A custom policy: set the properties in an initializer; unset flags are false, as IAM defaults them.</summary>
    public PasswordPolicy()
    {
    }

    private PasswordPolicy(int minimumLength, int minimumCharacterClasses)
    {
        _minimumPasswordLength = minimumLength;
        IsIamDefault = true;
        MinimumCharacterClasses = minimumCharacterClasses;
    }

    /// <summary>6 to 128; IAM's model range.</summary>
    public int MinimumPasswordLength
    {
        get => _minimumPasswordLength;
        init => _minimumPasswordLength = InRange(value, MinimumPasswordLengthFloor, MaximumPasswordLength, nameof(MinimumPasswordLength));
    }

    public bool RequireSymbols { get; init; }
    public bool RequireNumbers { get; init; }
    public bool RequireUppercaseCharacters { get; init; }
    public bool RequireLowercaseCharacters { get; init; }
    public bool AllowUsersToChangePassword { get; init; }

    /// <summary>Days, 1 to 1095; null means passwords never expire.</summary>
    public int? MaxPasswordAge
    {
        get => _maxPasswordAge;
        init => _maxPasswordAge = value is { } days ? InRange(days, 1, MaxPasswordAgeCeiling, nameof(MaxPasswordAge)) : null;
    }

    /// <summary>How many previous passwords may not be reused, 1 to 24; null means no restriction.</summary>
    public int? PasswordReusePrevention
    {
        get => _passwordReusePrevention;
        init => _passwordReusePrevention = value is { } count ? InRange(count, 1, PasswordReusePreventionCeiling, nameof(PasswordReusePrevention)) : null;
    }

    public bool HardExpiry { get; init; }

    /// <summary>True only for <see cref="IamDefault"/>: the account has no policy of its own.</summary>
    public bool IsIamDefault { get; private init; }

    /// <summary>How many of the four character classes a password needs whatever the Require flags say: 3 for the IAM default, 0 for custom policies.</summary>
    public int MinimumCharacterClasses { get; private init; }

    /// <summary>
    /// The ways <paramref name="password"/> breaks this policy, in plain words ("must be at least 14 characters");
    /// empty when it complies. The password itself is never repeated.
    /// </summary>
    public IReadOnlyList<string> Check(string password)
    {
        if (password is null)
        {
            throw new ArgumentNullException(nameof(password));
        }

        var problems = new List<string>();
        if (password.Length < MinimumPasswordLength)
        {
            problems.Add($"must be at least {MinimumPasswordLength} characters");
        }

        if (password.Length > MaximumPasswordLength)
        {
            problems.Add($"must be at most {MaximumPasswordLength} characters");
        }

        if (password.Any(c => !(c is '\t' or '\n' or '\r' or (>= '\u0020' and <= '\u00FF'))))
        {
            problems.Add("must contain only printable characters from U+0020 to U+00FF (and tab, line feed, carriage return)");
        }

        bool hasUpper = password.Any(IsUppercase);
        bool hasLower = password.Any(IsLowercase);
        bool hasDigit = password.Any(IsDigit);
        bool hasSymbol = password.Any(IsSymbol);

        if (RequireUppercaseCharacters && !hasUpper)
        {
            problems.Add("must contain an uppercase letter (A-Z)");
        }

        if (RequireLowercaseCharacters && !hasLower)
        {
            problems.Add("must contain a lowercase letter (a-z)");
        }

        if (RequireNumbers && !hasDigit)
        {
            problems.Add("must contain a number (0-9)");
        }

        if (RequireSymbols && !hasSymbol)
        {
            problems.Add($"must contain a symbol (one of {SpacedSymbols})");
        }

        int classes = (hasUpper ? 1 : 0) + (hasLower ? 1 : 0) + (hasDigit ? 1 : 0) + (hasSymbol ? 1 : 0);
        if (classes < MinimumCharacterClasses)
        {
            problems.Add($"must contain at least {MinimumCharacterClasses} of: uppercase letters (A-Z), lowercase letters (a-z), numbers (0-9), symbols ({SpacedSymbols})");
        }

        return problems;
    }

    /// <summary>
    /// The settings of an UpdateAccountPasswordPolicy request that break IAM's model ranges, worded as IAM words them;
    /// for the local endpoint, which must answer before building a policy.
    /// </summary>
    public static IReadOnlyList<RuleViolation> CheckSettings(int? minimumPasswordLength, int? maxPasswordAge, int? passwordReusePrevention)
    {
        var violations = new List<RuleViolation>();
        AddRangeViolation(violations, "minimumPasswordLength", minimumPasswordLength, MinimumPasswordLengthFloor, MaximumPasswordLength);
        AddRangeViolation(violations, "maxPasswordAge", maxPasswordAge, 1, MaxPasswordAgeCeiling);
        AddRangeViolation(violations, "passwordReusePrevention", passwordReusePrevention, 1, PasswordReusePreventionCeiling);
        return violations;
    }

    public override string ToString() => IsIamDefault
        ? $"IAM default policy: {MinimumPasswordLength}-{MaximumPasswordLength} characters, at least {MinimumCharacterClasses} character classes"
        : $"Custom policy: at least {MinimumPasswordLength} characters"
            + (RequireUppercaseCharacters ? ", uppercase" : "")
            + (RequireLowercaseCharacters ? ", lowercase" : "")
            + (RequireNumbers ? ", numbers" : "")
            + (RequireSymbols ? ", symbols" : "");

    internal static string SpacedSymbols => string.Join(" ", Symbols.ToCharArray());

    internal static bool IsUppercase(char c) => c is >= 'A' and <= 'Z';
    internal static bool IsLowercase(char c) => c is >= 'a' and <= 'z';
    internal static bool IsDigit(char c) => c is >= '0' and <= '9';
    internal static bool IsSymbol(char c) => Symbols.IndexOf(c) >= 0;

    private static void AddRangeViolation(List<RuleViolation> violations, string field, int? value, int min, int max)
    {
        if (value < min)
        {
            violations.Add(RuleViolation.Constraint(field, value.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), false, $"Member must have value greater than or equal to {min}"));
        }
        else if (value > max)
        {
            violations.Add(RuleViolation.Constraint(field, value.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), false, $"Member must have value less than or equal to {max}"));
        }
    }

    private static int InRange(int value, int min, int max, string name) =>
        value >= min && value <= max
            ? value
            : throw new ArgumentOutOfRangeException(name, value, $"{name} must be between {min} and {max}.");
}
