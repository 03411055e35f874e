using System;
using System.Text;
using IamOnboard.Mfa;
using Xunit;

namespace IamOnboard.Tests.Mfa;

public class TotpTests
{
    // RFC 6238 appendix B, SHA-1 seed; the RFC lists 8-digit codes, and a 6-digit code is the same value mod 10^6.
    private static readonly byte[] RfcKey = Encoding.ASCII.GetBytes("12345678901234567890");

    private static DateTimeOffset At(long unixSeconds) => DateTimeOffset.FromUnixTimeSeconds(unixSeconds);

    [Theory]
    [InlineData(59L, "94287082")]
    [InlineData(1111111109L, "07081804")]
    [InlineData(1111111111L, "14050471")]
    [InlineData(1234567890L, "89005924")]
    [InlineData(2000000000L, "69279037")]
    [InlineData(20000000000L, "65353130")]
    public void ComputeCode_matches_the_RFC_6238_SHA1_vectors(long unixSeconds, string rfcEightDigits) =>
        Assert.Equal(rfcEightDigits.Substring(2), Totp.ComputeCode(RfcKey, At(unixSeconds)));

    [Fact]
    public void Time_steps_are_30_seconds_from_the_epoch()
    {
        Assert.Equal(1, Totp.GetTimeStep(At(59)));
        Assert.Equal(2, Totp.GetTimeStep(At(60)));
        Assert.Equal(-1, Totp.GetTimeStep(At(-1)));
        Assert.Equal(At(60), Totp.StartOfStep(2));
    }

    [Fact]
    public void RemainingInStep_counts_down_to_the_next_step()
    {
        Assert.Equal(TimeSpan.FromSeconds(30), Totp.RemainingInStep(At(60)));
        Assert.Equal(TimeSpan.FromSeconds(1), Totp.RemainingInStep(At(89)));
        Assert.Equal(TimeSpan.FromMilliseconds(250), Totp.RemainingInStep(At(89).AddMilliseconds(750)));
    }

    [Fact]
    public void Base32_round_trips_and_tolerates_case_spaces_and_padding()
    {
        const string rfcKeyBase32 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
        Assert.Equal(rfcKeyBase32, Totp.ToBase32(RfcKey));
        Assert.Equal(RfcKey, Totp.KeyFromBase32("gezd gnbv gy3t qojq gezd gnbv gy3t qojq"));
        Assert.Equal(new byte[] { 0x66 }, Totp.KeyFromBase32("MY======"));
        Assert.Equal("MY", Totp.ToBase32(new byte[] { 0x66 }));
    }

    [Theory]
    [InlineData("QWERTY1Q")] // '1' is not base32
    [InlineData("QWERTYUIQ")] // 45 bits: no whole number of bytes
    [InlineData("")]
    public void KeyFromBase32_rejects_bad_seeds_without_repeating_them(string seed)
    {
        var ex = Assert.Throws<FormatException>(() => Totp.KeyFromBase32(seed));
        Assert.DoesNotContain("QWERTY", ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("123456", true)]
    [InlineData("000000", true)]
    [InlineData("12345", false)]
    [InlineData("1234567", false)]
    [InlineData("12345a", false)]
    [InlineData("١٢٣٤٥٦", false)] // Arabic-Indic digits are digits to char.IsDigit, not to IAM
    [InlineData(" 123456", false)]
    [InlineData(null, false)]
    public void IsWellFormedCode_wants_six_ascii_digits(string? code, bool expected) =>
        Assert.Equal(expected, Totp.IsWellFormedCode(code));
}

public class ConsecutivePairTests
{
    private static readonly byte[] Key = Totp.KeyFromBase32("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP");

    // Mid-step, so nothing depends on where in the step "now" falls.
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_760_000_010);
    private static readonly long NowStep = Totp.GetTimeStep(Now);

    private static string Code(long step) => Totp.ComputeCodeForStep(Key, step);

    private static MfaCodePairCheck Check(string code1, string code2) => Totp.CheckConsecutivePair(Key, code1, code2, Now);

    [Theory]
    [InlineData(-2)] // typed slowly: the pair ended one step ago
    [InlineData(-1)] // the usual case: code 2 is the current code
    [InlineData(0)] // computed ahead: code 2 is the next step's code
    public void A_consecutive_pair_inside_the_window_is_valid(int firstStepOffset)
    {
        long first = NowStep + firstStepOffset;

        var result = Check(Code(first), Code(first + 1));

        Assert.Equal(MfaCodePairStatus.Valid, result.Status);
        Assert.True(result.IsValid);
        Assert.Equal(first + 1, result.SecondCodeStep);
    }

    [Theory]
    [InlineData(-3)] // code 1 left the window
    [InlineData(1)] // code 2 would be two steps ahead
    public void A_consecutive_pair_partly_outside_the_window_is_refused(int firstStepOffset)
    {
        long first = NowStep + firstStepOffset;
        var result = Check(Code(first), Code(first + 1));
        Assert.False(result.IsValid);
        Assert.Null(result.SecondCodeStep);
    }

    [Fact]
    public void The_window_is_configurable()
    {
        Assert.True(Totp.CheckConsecutivePair(Key, Code(NowStep - 4), Code(NowStep - 3), Now, allowedPastSteps: 4, allowedFutureSteps: 0).IsValid);
        Assert.False(Totp.CheckConsecutivePair(Key, Code(NowStep), Code(NowStep + 1), Now, allowedPastSteps: 4, allowedFutureSteps: 0).IsValid);
    }

    [Fact]
    public void Malformed_codes_are_named_by_position()
    {
        Assert.Equal(MfaCodePairStatus.FirstCodeMalformed, Check("12345", Code(NowStep)).Status);
        Assert.Equal(MfaCodePairStatus.SecondCodeMalformed, Check(Code(NowStep - 1), "12 456").Status);
    }

    [Fact]
    public void A_first_code_of_no_step_is_FirstCodeWrong() =>
        Assert.Equal(MfaCodePairStatus.FirstCodeWrong, Check(WrongCode(), Code(NowStep)).Status);

    [Fact]
    public void A_second_code_of_no_step_is_SecondCodeWrong() =>
        Assert.Equal(MfaCodePairStatus.SecondCodeWrong, Check(Code(NowStep - 1), WrongCode()).Status);

    [Theory]
    [InlineData(0, -1)] // swapped
    [InlineData(-2, 0)] // a step skipped
    public void Codes_of_steps_not_one_apart_are_NotConsecutive(int firstOffset, int secondOffset) =>
        Assert.Equal(MfaCodePairStatus.NotConsecutive, Check(Code(NowStep + firstOffset), Code(NowStep + secondOffset)).Status);

    [Fact]
    public void The_same_code_twice_is_SameCode()
    {
        string code = Code(NowStep);
        var result = Check(code, code);
        Assert.Equal(MfaCodePairStatus.SameCode, result.Status);
        Assert.DoesNotContain(code, result.Message);
        Assert.DoesNotContain(code, result.ToString());
    }

    // A well-formed code no step of the window yields.
    private static string WrongCode()
    {
        var window = new System.Collections.Generic.HashSet<string>();
        for (long step = NowStep - 2; step <= NowStep + 1; step++)
        {
            window.Add(Code(step));
        }

        for (int candidate = 0; ; candidate++)
        {
            string code = candidate.ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
            if (!window.Contains(code))
            {
                return code;
            }
        }
    }
}
