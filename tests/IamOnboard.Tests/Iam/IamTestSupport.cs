using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using IamOnboard.AwsSdk;
using IamOnboard.Diagnostics;
using IamOnboard.Iam;
using IamOnboard.LocalIam;

namespace IamOnboard.Tests.Iam;

/// <summary>Collects engine log messages of the calls made under <see cref="OnboardLog.Use"/>.</summary>
internal sealed class CollectingLog : IOnboardLog
{
    private readonly ConcurrentQueue<string> _messages = new();

    public IReadOnlyList<string> Messages => _messages.ToList();

    public IEnumerable<string> DebugMessages => _messages.Where(m => m.StartsWith("D ", StringComparison.Ordinal)).Select(m => m.Substring(2));

    public void Verbose(string message) => _messages.Enqueue("V " + message);

    public void Debug(string message) => _messages.Enqueue("D " + message);

    public void Warning(string message) => _messages.Enqueue("W " + message);
}

/// <summary>A local IAM endpoint per test class, and clients signed with its admin key.</summary>
public sealed class LocalIamFixture : IDisposable
{
    public LocalIamFixture() => Server = LocalIamServer.Start(new LocalIamOptions());

    public LocalIamServer Server { get; }

    public IamClient CreateClient(int maxAttempts = IamClientOptions.DefaultMaxAttempts, int? pageSize = null)
        => CreateClient(Server, maxAttempts, pageSize);

    public static IamClient CreateClient(LocalIamServer server, int maxAttempts = IamClientOptions.DefaultMaxAttempts, int? pageSize = null, IamRetryMode retryMode = IamRetryMode.Standard)
        => new(new IamClientOptions { EndpointUrl = server.Url.ToString(), MaxAttempts = maxAttempts, PageSize = pageSize, RetryMode = retryMode },
            server.AdminAccessKeyId, SdkCredentials.Protect(server.AdminSecretAccessKey));

    public void Dispose() => Server.Dispose();
}

internal static class Names
{
    public static string Unique(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N").Substring(0, 10);
}
