using System;
using System.Diagnostics;
using System.IO;
using System.Net.Http;
using System.Threading.Tasks;
using IamOnboard.LocalIam;
using Xunit;

namespace IamOnboard.Tests.LocalIam;

public sealed class PersistenceTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "localiam-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task A_restarted_server_on_the_same_file_has_every_change_and_accepts_the_same_keys()
    {
        string path = Path.Combine(_directory, "state.json");
        string userKeyId, userSecret, accountId, adminKey;
        using (var first = LocalIamServer.Start(new LocalIamOptions { StatePath = path }))
        {
            var admin = SignedIamClient.Admin(first);
            (await admin.IamAsync("CreateUser", ("UserName", "alice"))).EnsureSuccess();
            (await admin.IamAsync("CreateGroup", ("GroupName", "devs"))).EnsureSuccess();
            (await admin.IamAsync("AddUserToGroup", ("GroupName", "devs"), ("UserName", "alice"))).EnsureSuccess();
            (await admin.IamAsync("CreateVirtualMFADevice", ("VirtualMFADeviceName", "alice-phone"))).EnsureSuccess();
            var key = (await admin.IamAsync("CreateAccessKey", ("UserName", "alice"))).EnsureSuccess();
            userKeyId = key.Value("AccessKeyId")!;
            userSecret = key.Value("SecretAccessKey")!;
            accountId = first.AccountId;
            adminKey = first.AdminAccessKeyId;
        }

        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        using var second = LocalIamServer.Start(new LocalIamOptions { StatePath = path });
        Assert.Equal(accountId, second.AccountId);
        Assert.Equal(adminKey, second.AdminAccessKeyId);
        var again = SignedIamClient.Admin(second);
        Assert.Equal(new[] { "alice" }, (await again.IamAsync("GetGroup", ("GroupName", "devs"))).EnsureSuccess().Values("UserName"));
        Assert.Single((await again.IamAsync("ListVirtualMFADevices")).Values("SerialNumber"));
        var alice = new SignedIamClient(second.Url, userKeyId, userSecret);
        Assert.EndsWith(":user/alice", (await alice.StsAsync("GetCallerIdentity")).EnsureSuccess().Value("Arn"), StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_directory, "*.tmp"));
    }

    [Fact]
    public async Task A_stored_policy_the_endpoint_cannot_read_fails_the_request_instead_of_being_left_out()
    {
        // A state file written by an older endpoint that let an unknown operator through: leaving that policy out would
        // drop its Deny and allow what it denies.
        string path = Path.Combine(_directory, "lax.json");
        string keyId, secret;
        using (var first = LocalIamServer.Start(new LocalIamOptions { StatePath = path }))
        {
            var admin = SignedIamClient.Admin(first);
            (await admin.IamAsync("CreateUser", ("UserName", "bob"))).EnsureSuccess();
            (await admin.IamAsync("AttachUserPolicy", ("UserName", "bob"), ("PolicyArn", "arn:aws:iam::aws:policy/IAMReadOnlyAccess"))).EnsureSuccess();
            (await admin.IamAsync("PutUserPolicy", ("UserName", "bob"), ("PolicyName", "Guard"), ("PolicyDocument",
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"iam:ListUsers\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{\"aws:username\":\"bob\"}}}]}"))).EnsureSuccess();
            var key = (await admin.IamAsync("CreateAccessKey", ("UserName", "bob"))).EnsureSuccess();
            keyId = key.Value("AccessKeyId")!;
            secret = key.Value("SecretAccessKey")!;
        }

        string state = File.ReadAllText(path);
        Assert.Contains("StringEquals", state, StringComparison.Ordinal);
        File.WriteAllText(path, state.Replace("StringEquals", "StringEqualz"));

        using var second = LocalIamServer.Start(new LocalIamOptions { StatePath = path });
        var bob = new SignedIamClient(second.Url, keyId, secret);
        var refused = await bob.IamAsync("ListUsers");
        Assert.True((int)refused.Status == 500 && refused.ErrorCode == "ServiceFailure", $"Expected 500 ServiceFailure, got {(int)refused.Status} {refused.ErrorCode}");
        Assert.Contains("inline policy Guard of user bob", refused.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("StringEqualz", refused.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Start_deletes_the_temporary_files_a_killed_save_left_and_nothing_else()
    {
        string path = Path.Combine(_directory, "state.json");
        using (LocalIamServer.Start(new LocalIamOptions { StatePath = path }))
        {
        }

        string unixLeftover = Path.Combine(_directory, ".state.json.aB3xZ9");
        string windowsLeftover = Path.Combine(_directory, ".state.json." + Guid.NewGuid().ToString("N") + ".tmp");
        string notOurs = Path.Combine(_directory, ".state.json.bak");
        string otherFile = Path.Combine(_directory, ".other.json.aB3xZ9");
        foreach (string file in new[] { unixLeftover, windowsLeftover, notOurs, otherFile })
        {
            File.WriteAllText(file, "{\"half\":");
        }

        using (LocalIamServer.Start(new LocalIamOptions { StatePath = path }))
        {
        }

        Assert.False(File.Exists(unixLeftover));
        Assert.False(File.Exists(windowsLeftover));
        Assert.True(File.Exists(notOurs));
        Assert.True(File.Exists(otherFile));
    }

    [Fact]
    public void A_state_file_serves_one_endpoint_at_a_time()
    {
        string path = Path.Combine(_directory, "busy.json");
        using (LocalIamServer.Start(new LocalIamOptions { StatePath = path }))
        {
            var busy = Assert.Throws<InvalidOperationException>(() => LocalIamServer.Start(new LocalIamOptions { StatePath = path }));
            Assert.Contains("in use by another local IAM endpoint", busy.Message, StringComparison.Ordinal);
        }

        using var next = LocalIamServer.Start(new LocalIamOptions { StatePath = path });
        Assert.NotNull(next.Url);
    }

    [Fact]
    public void A_state_file_of_another_account_is_refused()
    {
        string path = Path.Combine(_directory, "other.json");
        using (LocalIamServer.Start(new LocalIamOptions { StatePath = path, AccountId = "111122223333" }))
        {
        }

        Assert.Throws<InvalidOperationException>(() => LocalIamServer.Start(new LocalIamOptions { StatePath = path, AccountId = "444455556666" }));
    }

    [Fact]
    public async Task A_request_still_waiting_out_its_latency_when_the_server_stops_is_never_applied()
    {
        // Stopped means no change after it: an endpoint restarted on the file must not find a change the stopped one
        // never answered, made behind its back once the latency ran out.
        string path = Path.Combine(_directory, "stopped.json");
        var latency = TimeSpan.FromMilliseconds(1000);
        using (var first = LocalIamServer.Start(new LocalIamOptions { StatePath = path, Latency = latency }))
        {
            var pending = SignedIamClient.Admin(first).IamAsync("CreateUser", ("UserName", "late"));
            var reading = Stopwatch.StartNew();
            while (first.GetStatistics().InFlight == 0)
            {
                Assert.True(reading.Elapsed < TimeSpan.FromSeconds(30), "The request never reached the endpoint.");
                await Task.Delay(10);
            }

            first.Stop();
            await Assert.ThrowsAsync<HttpRequestException>(() => pending);
        }

        // Past the latency: a request left waiting would have been applied by now.
        await Task.Delay(latency + latency);
        using var second = LocalIamServer.Start(new LocalIamOptions { StatePath = path });
        Assert.Equal("NoSuchEntity", (await SignedIamClient.Admin(second).IamAsync("GetUser", ("UserName", "late"))).ErrorCode);
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
