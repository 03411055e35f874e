using System;
using System.Security.Cryptography;

namespace IamOnboard.Passwords;

/// <summary>Uniform picks from a cryptographic generator (netstandard2.0 lacks RandomNumberGenerator.GetInt32).</summary>
internal sealed class CryptoRandom : IDisposable
{
    private readonly RandomNumberGenerator _generator = RandomNumberGenerator.Create();
    private readonly byte[] _buffer = new byte[4];

    /// <summary>A uniform integer in [0, <paramref name="exclusiveMaximum"/>).</summary>
    public int Next(int exclusiveMaximum)
    {
        if (exclusiveMaximum <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(exclusiveMaximum));
        }

        // Rejection sampling: values in the incomplete last block of size exclusiveMaximum would favour small results.
        uint range = (uint)exclusiveMaximum;
        uint limit = uint.MaxValue - ((uint.MaxValue % range) + 1) % range;
        while (true)
        {
            _generator.GetBytes(_buffer);
            uint sample = BitConverter.ToUInt32(_buffer, 0);
            if (sample <= limit)
            {
                return (int)(sample % range);
            }
        }
    }

    public void Dispose() => _generator.Dispose();
}
