using System;
using System.Linq;
using OtpNet;

namespace IamOnboard.Mfa;

/// <summary>
/// Time-based one-time passwords with the parameters AWS virtual MFA devices use: HMAC-SHA-1, 6 digits, 30-second steps
/// counted from the Unix epoch (RFC 6238).
/// </summary>
public static class Totp
{
    public const int Digits = 6;
    public static readonly TimeSpan StepLength = TimeSpan.FromSeconds(30);

    private static readonly DateTimeOffset UnixEpoch = new(1970, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The code a device shows at <paramref name="at"/>.</summary>
    public static string ComputeCode(byte[] key, DateTimeOffset at) => ComputeCodeForStep(key, GetTimeStep(at));

    /// <summary>The code of time step <paramref name="step"/> (seconds since the epoch / 30).</summary>
    public static string ComputeCodeForStep(byte[] key, long step)
    {
        if (key is null || key.Length == 0)
        {
            throw new ArgumentException("The MFA key must not be empty.", nameof(key));
        }

        var generator = new OtpNet.Totp(key, (int)StepLength.TotalSeconds, OtpHashMode.Sha1, Digits);
        return generator.ComputeTotp(StartOfStep(step).UtcDateTime);
    }

    /// <summary>The RFC 6238 counter: whole 30-second steps since the Unix epoch.</summary>
    public static long GetTimeStep(DateTimeOffset at)
    {
        long ticks = (at - UnixEpoch).Ticks;
        long stepTicks = StepLength.Ticks;

        // Floor, not truncation, so instants before the epoch still land in the right step.
        return ticks >= 0 ? ticks / stepTicks : -((-ticks + stepTicks - 1) / stepTicks);
    }

    /// <summary>When time step <paramref name="step"/> begins.</summary>
    public static DateTimeOffset StartOfStep(long step) => UnixEpoch + TimeSpan.FromTicks(step * StepLength.Ticks);

    /// <summary>How long the code shown at <paramref name="at"/> stays current; in (0, 30 s].</summary>
    public static TimeSpan RemainingInStep(DateTimeOffset at) => StartOfStep(GetTimeStep(at) + 1) - at;

    /// <summary>
    /// The key behind a base32 seed (RFC 4648 alphabet, any letter case; spaces and '=' padding ignored), such as
    /// CreateVirtualMFADevice's Base32StringSeed. The message of the <see cref="FormatException"/> never repeats the seed.
    /// </summary>
    public static byte[] KeyFromBase32(string base32)
    {
        if (base32 is null)
        {
            throw new ArgumentNullException(nameof(base32));
        }

        string normalized = new string(base32.Where(c => c is not (' ' or '-' or '=')).ToArray()).ToUpperInvariant();
        if (normalized.Length == 0 || normalized.Any(c => !IsBase32Char(c)) || normalized.Length % 8 is 1 or 3 or 6)
        {
            throw new FormatException("The MFA seed is not valid base32 (letters A-Z and digits 2-7).");
        }

        return Base32Encoding.ToBytes(normalized);
    }

    /// <summary>The key as unpadded upper-case base32, the form authenticator apps and otpauth URIs use.</summary>
    public static string ToBase32(byte[] key)
    {
        if (key is null || key.Length == 0)
        {
            throw new ArgumentException("The MFA key must not be empty.", nameof(key));
        }

        return Base32Encoding.ToString(key).TrimEnd('=');
    }

    /// <summary>Exactly six ASCII digits, as IAM's authenticationCodeType requires.</summary>
    public static bool IsWellFormedCode(string? code) =>
        code is not null && code.Length == Digits && code.All(c => c is >= '0' and <= '9');

    /// <summary>
    /// Whether <paramref name="code1"/> and <paramref name="code2"/> are the codes of two consecutive steps s and s+1,
    /// with both steps inside the window [now - <paramref name="allowedPastSteps"/>, now + <paramref name="allowedFutureSteps"/>].
    /// Used alike by the local endpoint (to answer EnableMFADevice) and by the module (to check codes a person typed).
    /// </summary>
    public static MfaCodePairCheck CheckConsecutivePair(
        byte[] key, string code1, string code2, DateTimeOffset now, int allowedPastSteps = 2, int allowedFutureSteps = 1)
    {
        if (allowedPastSteps < 0 || allowedFutureSteps < 0 || allowedPastSteps + allowedFutureSteps < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(allowedPastSteps), "The window must hold at least two steps.");
        }

        if (!IsWellFormedCode(code1))
        {
            return new MfaCodePairCheck(MfaCodePairStatus.FirstCodeMalformed, null);
        }

        if (!IsWellFormedCode(code2))
        {
            return new MfaCodePairCheck(MfaCodePairStatus.SecondCodeMalformed, null);
        }

        long nowStep = GetTimeStep(now);
        long first = nowStep - allowedPastSteps;
        long last = nowStep + allowedFutureSteps;
        var codes = new string[last - first + 1];
        for (long step = first; step <= last; step++)
        {
            codes[step - first] = ComputeCodeForStep(key, step);
        }

        bool code1Matches = false;
        bool code2Matches = false;
        for (int i = 0; i < codes.Length; i++)
        {
            bool matches1 = FixedTimeEquals(codes[i], code1);
            code1Matches |= matches1;
            code2Matches |= FixedTimeEquals(codes[i], code2);
            if (matches1 && i + 1 < codes.Length && FixedTimeEquals(codes[i + 1], code2))
            {
                return new MfaCodePairCheck(MfaCodePairStatus.Valid, first + i + 1);
            }
        }

        if (string.Equals(code1, code2, StringComparison.Ordinal))
        {
            return new MfaCodePairCheck(MfaCodePairStatus.SameCode, null);
        }

        if (!code1Matches)
        {
            return new MfaCodePairCheck(MfaCodePairStatus.FirstCodeWrong, null);
        }

        return new MfaCodePairCheck(code2Matches ? MfaCodePairStatus.NotConsecutive : MfaCodePairStatus.SecondCodeWrong, null);
    }

    private static bool IsBase32Char(char c) => c is (>= 'A' and <= 'Z') or (>= '2' and <= '7');

    // Codes are secrets: compare without an early exit, so timing does not tell how many leading digits were right.
    private static bool FixedTimeEquals(string expected, string actual)
    {
        if (expected.Length != actual.Length)
        {
            return false;
        }

        int difference = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            difference |= expected[i] ^ actual[i];
        }

        return difference == 0;
    }
}

/// <summary>The outcome of <see cref="Totp.CheckConsecutivePair"/>.</summary>
public enum MfaCodePairStatus
{
    /// <summary>Code 1 is step s and code 2 step s+1, both within the window.</summary>
    Valid,

    /// <summary>Code 1 is not six digits.</summary>
    FirstCodeMalformed,

    /// <summary>Code 2 is not six digits.</summary>
    SecondCodeMalformed,

    /// <summary>Code 1 matches no step in the window (wrong device, typo, or far too old).</summary>
    FirstCodeWrong,

    /// <summary>Code 1 matches a step but code 2 matches none.</summary>
    SecondCodeWrong,

    /// <summary>Both match steps in the window, but not one right after the other (e.g. swapped, or a step skipped).</summary>
    NotConsecutive,

    /// <summary>The same code twice: the person did not wait for the next code.</summary>
    SameCode,
}

/// <summary>The outcome of checking two MFA codes; carries no codes, so it is safe to log.</summary>
public sealed class MfaCodePairCheck
{
    internal MfaCodePairCheck(MfaCodePairStatus status, long? secondCodeStep)
    {
        Status = status;
        SecondCodeStep = secondCodeStep;
    }

    public MfaCodePairStatus Status { get; }

    public bool IsValid => Status == MfaCodePairStatus.Valid;

    /// <summary>The time step code 2 matched, when valid (for resynchronisation and replay checks).</summary>
    public long? SecondCodeStep { get; }

    /// <summary>What went wrong in plain words, for a person.</summary>
    public string Message => Status switch
    {
        MfaCodePairStatus.Valid => "The two codes are consecutive and current.",
        MfaCodePairStatus.FirstCodeMalformed => "The first code must be exactly 6 digits.",
        MfaCodePairStatus.SecondCodeMalformed => "The second code must be exactly 6 digits.",
        MfaCodePairStatus.FirstCodeWrong => "The first code is not a current code of this device; check the app shows this device and the phone's clock is right.",
        MfaCodePairStatus.SecondCodeWrong => "The second code is not a current code of this device.",
        MfaCodePairStatus.NotConsecutive => "The codes are not consecutive: enter a code, wait for the app to show the next one, and enter that.",
        MfaCodePairStatus.SameCode => "The same code was entered twice: wait for the app to show the next code.",
        _ => Status.ToString(),
    };

    public override string ToString() => $"{Status}: {Message}";
}
