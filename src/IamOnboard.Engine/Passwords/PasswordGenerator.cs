using System;
using System.Collections.Generic;
using System.Linq;

namespace IamOnboard.Passwords;

/// <summary>Random initial console passwords that always satisfy the account's password policy.</summary>
public static class PasswordGenerator
{
    /// <summary>The length used when the caller gives none and the policy asks for less.</summary>
    public const int DefaultLength = 20;

    // Look-alikes (I l 1 | O 0 o) are left out: people type these passwords from a screen or a sheet. Every class keeps
    // plenty of members, so the policy is met just the same; the loss is under 0.3 bits per character.
    // The apostrophe is left out too: it breaks naive quoting when a password is pasted into a shell.
    private const string Uppercase = "ABCDEFGHJKLMNPQRSTUVWXYZ";
    private const string Lowercase = "abcdefghijkmnpqrstuvwxyz";
    private const string Digits = "23456789";
    private const string SymbolsUsed = "!@#$%^&*()_+-=[]{}";

    // A cell starting with one of these is taken as a formula by spreadsheets that open the credentials CSV.
    private const string FormulaTriggers = "=+-@";

    /// <summary>
    /// A cryptographically random password of <paramref name="length"/> characters (default: the larger of the policy's
    /// minimum and <see cref="DefaultLength"/>) with at least one character of every class, so it satisfies any policy,
    /// including IAM's default three-of-four rule. It never starts with <c>= + - @</c>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The length is below the policy's minimum, below 4, or above 128.</exception>
    public static string Generate(PasswordPolicy policy, int? length = null)
    {
        if (policy is null)
        {
            throw new ArgumentNullException(nameof(policy));
        }

        int size = length ?? Math.Max(policy.MinimumPasswordLength, DefaultLength);
        string[] classes = { Uppercase, Lowercase, Digits, SymbolsUsed };
        int floor = Math.Max(policy.MinimumPasswordLength, classes.Length);
        if (size < floor || size > PasswordPolicy.MaximumPasswordLength)
        {
            throw new ArgumentOutOfRangeException(nameof(length), size,
                $"The password length must be between {floor} and {PasswordPolicy.MaximumPasswordLength} for this policy.");
        }

        string all = string.Concat(classes);
        var chars = new char[size];
        using var random = new CryptoRandom();

        // One of each class first, the rest from all classes, then a shuffle so the classes' places are random too.
        for (int i = 0; i < classes.Length; i++)
        {
            chars[i] = Pick(random, classes[i]);
        }

        for (int i = classes.Length; i < size; i++)
        {
            chars[i] = Pick(random, all);
        }

        for (int i = size - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (chars[i], chars[j]) = (chars[j], chars[i]);
        }

        if (FormulaTriggers.IndexOf(chars[0]) >= 0)
        {
            var safePlaces = Enumerable.Range(1, size - 1).Where(i => FormulaTriggers.IndexOf(chars[i]) < 0).ToList();
            int swapWith = safePlaces[random.Next(safePlaces.Count)];
            (chars[0], chars[swapWith]) = (chars[swapWith], chars[0]);
        }

        return new string(chars);
    }

    /// <summary>The characters <see cref="Generate"/> draws from, for tests and documentation.</summary>
    public static IReadOnlyList<string> CharacterClasses { get; } = new[] { Uppercase, Lowercase, Digits, SymbolsUsed };

    private static char Pick(CryptoRandom random, string from) => from[random.Next(from.Length)];
}
