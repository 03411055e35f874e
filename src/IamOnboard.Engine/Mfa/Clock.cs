using System;
using System.Threading;
using System.Threading.Tasks;

namespace IamOnboard.Mfa;

/// <summary>The time and waiting, so code timing can be tested without sleeping.</summary>
public interface IClock
{
    DateTimeOffset UtcNow { get; }

    Task Delay(TimeSpan delay, CancellationToken ct);
}

/// <summary>The machine's clock.</summary>
public sealed class SystemClock : IClock
{
    public static SystemClock Instance { get; } = new();

    private SystemClock()
    {
    }

    public DateTimeOffset UtcNow => DateTimeOffset.UtcNow;

    public Task Delay(TimeSpan delay, CancellationToken ct) => Task.Delay(delay, ct);
}
