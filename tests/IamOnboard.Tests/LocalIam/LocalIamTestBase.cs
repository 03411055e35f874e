using System;
using System.Linq;
using System.Threading.Tasks;
using IamOnboard.LocalIam;
using Xunit;

namespace IamOnboard.Tests.LocalIam;

/// <summary>A fresh endpoint per test, an admin client on it, and small helpers for common setups.</summary>
public abstract class LocalIamTestBase : IDisposable
{
    private protected LocalIamTestBase(LocalIamOptions? options = null)
    {
        Server = LocalIamServer.Start(options ?? new LocalIamOptions());
        Admin = SignedIamClient.Admin(Server);
    }

    private protected LocalIamServer Server { get; }

    private protected SignedIamClient Admin { get; }

    private protected const string AllowS3 = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}]}";

    private protected static void AssertError(QueryResponse response, int status, string code)
    {
        Assert.True((int)response.Status == status && response.ErrorCode == code,
            $"Expected {status} {code}, got {(int)response.Status} {response.ErrorCode}: {response.ErrorMessage}");
    }

    private protected async Task CreateUserAsync(string name) =>
        (await Admin.IamAsync("CreateUser", ("UserName", name))).EnsureSuccess();

    /// <summary>A user with an access key and the given managed policies; returns a client signing as that user.</summary>
    private protected async Task<SignedIamClient> UserClientAsync(string name, params string[] policyArns)
    {
        await CreateUserAsync(name);
        foreach (string arn in policyArns)
        {
            (await Admin.IamAsync("AttachUserPolicy", ("UserName", name), ("PolicyArn", arn))).EnsureSuccess();
        }

        var key = (await Admin.IamAsync("CreateAccessKey", ("UserName", name))).EnsureSuccess();
        return new SignedIamClient(Server.Url, key.Value("AccessKeyId")!, key.Value("SecretAccessKey")!);
    }

    public void Dispose()
    {
        Server.Dispose();
        GC.SuppressFinalize(this);
    }

    private protected static (string, string)[] Tags(params (string Key, string Value)[] tags) =>
        tags.SelectMany((t, i) => new[] { ($"Tags.member.{i + 1}.Key", t.Key), ($"Tags.member.{i + 1}.Value", t.Value) }).ToArray();
}
