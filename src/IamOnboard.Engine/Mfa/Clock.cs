using System;

namespace IamOnboard.Mfa;

/// <summary>The time, so code timing can be tested at any instant.</summary>
public interface IClock
{
    DateTimeOffset UtcNow { get; }
}

/// <summary>The machine's clock.</summary>
public sealed class SystemClock : IClock
{
    public static SystemClock Instance { get; } = new();

    private SystemClock()
    {
    }

    public DateTimeOffset UtcNow => DateTimeOffset.UtcNow;
}
