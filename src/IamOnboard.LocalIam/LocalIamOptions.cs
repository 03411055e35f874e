using System;

namespace IamOnboard.LocalIam;

/// <summary>How a <see cref="LocalIamServer"/> listens, where it keeps its state and which faults it injects.</summary>
public sealed class LocalIamOptions
{
    /// <summary>The loopback TCP port; 0 picks a free one.</summary>
    public int Port { get; set; }

    /// <summary>A JSON file holding the whole account; written after every acknowledged change and reloaded on start. Null keeps state in memory only.</summary>
    public string? StatePath { get; set; }

    /// <summary>Added to every request before it is answered.</summary>
    public TimeSpan Latency { get; set; } = TimeSpan.Zero;

    /// <summary>Requests per second the token bucket refills; 0 turns throttling off.</summary>
    public double ThrottleRate { get; set; }

    /// <summary>The token bucket's capacity; 0 means one second's worth of <see cref="ThrottleRate"/> (at least 1).</summary>
    public int ThrottleBurst { get; set; }

    /// <summary>Share (0..1) of authenticated requests answered with <c>ServiceFailure</c> 500 and no state change.</summary>
    public double FailureRate { get; set; }

    /// <summary>Share (0..1) of mutating requests that are carried out and then answered by closing the connection without a response.</summary>
    public double DropResponseRate { get; set; }

    /// <summary>The 12-digit account id; random when null (or taken from the state file).</summary>
    public string? AccountId { get; set; }

    /// <summary>Seeds the fault injection so a run is repeatable; random when null.</summary>
    public int? RandomSeed { get; set; }

    /// <summary>Largest request body accepted; larger ones are answered 413 and the connection closed.</summary>
    public int MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>How long a keep-alive connection may wait for its next request before the endpoint closes it, as servers do.</summary>
    public TimeSpan IdleConnectionTimeout { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>
    /// Authorise every request by evaluating the caller's identity policies (the default). False lets every
    /// authenticated request through unchecked: only for measuring what evaluation costs, never for tests of access.
    /// </summary>
    public bool EvaluatePolicies { get; set; } = true;

    /// <summary>Sees every answered exchange; null for none. Starts as <see cref="DefaultInspector"/>.</summary>
    internal Protocol.IExchangeInspector? Inspector { get; set; } = DefaultInspector;

    /// <summary>The inspector new options start with: a test assembly sets it once so every endpoint it starts is checked.</summary>
    internal static Protocol.IExchangeInspector? DefaultInspector { get; set; }

    internal LocalIamOptions Clone() => (LocalIamOptions)MemberwiseClone();
}
