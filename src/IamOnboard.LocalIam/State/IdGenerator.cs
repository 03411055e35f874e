using System.Security.Cryptography;
using System.Text;

namespace IamOnboard.LocalIam.State;

/// <summary>Unique ids, keys and secrets shaped like IAM's, from a cryptographic generator.</summary>
internal static class IdGenerator
{
    private const string Base32Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private const string UpperAlphanumeric = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    private const string SecretAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    /// <summary>A unique id such as <c>AIDA</c> + 17 upper-case letters and digits.</summary>
    public static string UniqueId(string prefix) => prefix + Random(UpperAlphanumeric, 17);

    /// <summary><c>AKIA</c>/<c>ASIA</c> + 16 characters of the base32 alphabet, as AWS key ids are.</summary>
    public static string AccessKeyId(string prefix) => prefix + Random(Base32Alphabet, 16);

    /// <summary>A 40-character secret access key.</summary>
    public static string SecretAccessKey() => Random(SecretAlphabet, 40);

    public static string SessionToken() => "IQoJb3JpZ2luX2VjE" + Random(SecretAlphabet, 300);

    public static string AccountId()
    {
        // Real account ids never start with 0 in practice; keep them 12 digits.
        return Random("123456789", 1) + Random("0123456789", 11);
    }

    public static string RequestId()
    {
        byte[] bytes = RandomBytes(16);
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        string hex = Auth.SigV4Verifier.Hex(bytes);
        return hex.Substring(0, 8) + "-" + hex.Substring(8, 4) + "-" + hex.Substring(12, 4) + "-" + hex.Substring(16, 4) + "-" + hex.Substring(20);
    }

    public static byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        using var generator = RandomNumberGenerator.Create();
        generator.GetBytes(bytes);
        return bytes;
    }

    private static string Random(string alphabet, int length)
    {
        // Rejection sampling keeps every character equally likely.
        var text = new StringBuilder(length);
        int limit = 256 - (256 % alphabet.Length);
        while (text.Length < length)
        {
            foreach (byte b in RandomBytes(length * 2))
            {
                if (b < limit && text.Length < length)
                {
                    text.Append(alphabet[b % alphabet.Length]);
                }
            }
        }

        return text.ToString();
    }
}
