using IamOnboard.Iam;
using IamOnboard.LocalIam.Iam;
using Xunit;

namespace IamOnboard.Tests.Iam;

/// <summary>One classification of actions for the client's retries and the endpoint's persistence and dropped responses.</summary>
public class OperationKindTests
{
    [Theory]
    [InlineData("GetUser", "Read")]
    [InlineData("ListAccessKeys", "Read")]
    [InlineData("GetAccountPasswordPolicy", "Read")]
    [InlineData("CreateUser", "Create")]
    [InlineData("CreateLoginProfile", "Create")]
    [InlineData("CreateAccessKey", "Create")]
    [InlineData("CreateVirtualMFADevice", "Create")]
    [InlineData("CreateAccountAlias", "Create")]
    [InlineData("EnableMFADevice", "Create")]
    [InlineData("DeleteUser", "Delete")]
    [InlineData("RemoveUserFromGroup", "Delete")]
    [InlineData("DetachUserPolicy", "Delete")]
    [InlineData("DeactivateMFADevice", "Delete")]
    [InlineData("DeleteAccountPasswordPolicy", "Delete")]
    [InlineData("TagUser", "Idempotent")]
    [InlineData("UntagUser", "Idempotent")]
    [InlineData("UpdateLoginProfile", "Idempotent")]
    [InlineData("UpdateAccountPasswordPolicy", "Idempotent")]
    [InlineData("AttachUserPolicy", "Idempotent")]
    [InlineData("PutGroupPolicy", "Idempotent")]
    [InlineData("AddUserToGroup", "Idempotent")]
    public void EachActionHasTheKindTheClientRetriesItBy(string action, string kindName)
    {
        var kind = (OperationKind)System.Enum.Parse(typeof(OperationKind), kindName);
        Assert.Equal(kind, IamOperations.KindOf(action));
        Assert.Equal(kind != OperationKind.Read, IamService.IsMutating(action));
    }
}
