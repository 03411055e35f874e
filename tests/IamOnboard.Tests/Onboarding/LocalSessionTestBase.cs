using System.Threading.Tasks;
using IamOnboard.AwsSdk;
using IamOnboard.LocalIam;
using IamOnboard.Sessions;
using Xunit;

namespace IamOnboard.Tests.Onboarding;

/// <summary>A fresh local endpoint per test and an administrator's session on it, for the onboarding engine's tests.</summary>
public abstract class LocalSessionTestBase : IAsyncLifetime
{
    private protected LocalIamServer Server { get; private set; } = null!;

    private protected OnboardSession Session { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = LocalIamServer.Start(new LocalIamOptions());
        Session = await OnboardSessionFactory.ConnectAsync(new OnboardConnectOptions
        {
            AccessKey = Server.AdminAccessKeyId,
            SecretKey = SdkCredentials.Protect(Server.AdminSecretAccessKey),
            EndpointUrl = Server.Url.ToString(),
        });
    }

    public Task DisposeAsync()
    {
        Session.Dispose();
        Server.Dispose();
        return Task.CompletedTask;
    }
}
