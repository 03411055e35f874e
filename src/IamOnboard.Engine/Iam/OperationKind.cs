using System;

namespace IamOnboard.Iam;

/// <summary>How a call may be retried when its response is lost.</summary>
internal enum OperationKind
{
    /// <summary>No state change: always safe to retry.</summary>
    Read,
    /// <summary>Repeating it leaves the same state (Put, Attach, Tag, Update, AddUserToGroup): safe to retry.</summary>
    Idempotent,
    /// <summary>Repeating it after success answers NoSuchEntity; retried, and that NoSuchEntity after a lost response counts as done.</summary>
    Delete,
    /// <summary>Creates something (or consumes MFA codes): a retry would duplicate it or fail misleadingly, so a lost response is surfaced instead.</summary>
    Create,
}

/// <summary>
/// The one classification of IAM actions, by IAM's naming: the client retries by it, and the local endpoint persists
/// and drops responses by it (<c>IamService.IsMutating</c>).
/// </summary>
internal static class IamOperations
{
    public static OperationKind KindOf(string action)
    {
        // Simulations only evaluate policies: nothing changes.
        if (StartsWith(action, "Get") || StartsWith(action, "List") || StartsWith(action, "Simulate"))
        {
            return OperationKind.Read;
        }

        // EnableMFADevice consumes two MFA codes and ChangePassword needs the old password: sent again, each fails
        // misleadingly; an upload sent again is refused as a duplicate. All are treated as creates.
        if (StartsWith(action, "Create") || StartsWith(action, "Upload") || action == "EnableMFADevice" || action == "ChangePassword")
        {
            return OperationKind.Create;
        }

        return StartsWith(action, "Delete") || StartsWith(action, "Remove") || StartsWith(action, "Detach") || StartsWith(action, "Deactivate")
            ? OperationKind.Delete
            : OperationKind.Idempotent; // Put, Attach, Tag, Untag, Update, Add: repeating them leaves the same state.
    }

    /// <summary>
    /// The creates whose callers look into a lost response and send again only once they know it was not applied
    /// (LostResponseCreate, VirtualMfaEnroller): the ones that make a secret, consume MFA codes, or start a user's
    /// hand-off. For them an answer that does not say whether IAM applied the request (a 5xx) is a lost response too;
    /// other creates (CreateGroup, CreatePolicy) are retried by the SDK and read a repeat's EntityAlreadyExists as done.
    /// </summary>
    public static bool LooksIntoLostResponse(string action) =>
        action is "CreateUser" or "CreateLoginProfile" or "CreateAccessKey" or "CreateVirtualMFADevice" or "EnableMFADevice";

    private static bool StartsWith(string action, string prefix) => action.StartsWith(prefix, StringComparison.Ordinal);
}
