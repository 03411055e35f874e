using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using IamOnboard.Diagnostics;
using IamOnboard.Iam;
using IamOnboard.Passwords;

namespace IamOnboard.Onboarding;

/// <summary>Gives a user without console access a login profile, and hands its password back.</summary>
internal sealed class CreateLoginProfileStep : OnboardingStep
{
    private bool _mayHaveMade;

    public CreateLoginProfileStep(UserOnboardingRequest request) =>
        Description = $"enable console access with a {StepTexts.PasswordSource(request)} password{StepTexts.ResetAtSignIn(request)}";

    public override string Description { get; }

    internal override string? DoneLabel => "login profile";

    internal override string? UndoWhat => "its login profile";

    // A call whose every response was lost may still have made the profile.
    internal override bool UndoEvenIfFailed => true;

    /// <summary>Whether this step may have made a profile (so undoing it deletes one of this run's, never another's).</summary>
    internal bool MayHaveMade => _mayHaveMade;

    internal override async Task ApplyAsync(StepContext context, CancellationToken ct)
    {
        var request = context.Request;
        var password = StepPasswords.For(context);
        _mayHaveMade = true;
        await LostResponseCreate.SendAsync<object>(context.Iam, "CreateLoginProfile", request.UserName,
            async (attempt, t) =>
            {
                try
                {
                    await context.Iam.CreateLoginProfileAsync(request.UserName, password, request.PasswordResetRequired, t).ConfigureAwait(false);
                }
                catch (IamEntityAlreadyExistsException) when (attempt.Number > 1)
                {
                    // The plan found no login profile, so after a lost response one that exists now was made by this
                    // call, with this password (a read can lag behind the write): keep it.
                    LogKept(request);
                }
                catch (IamEntityAlreadyExistsException)
                {
                    // On the first send, another run made the profile since the plan was read: its password is that
                    // run's to hand out; leave it alone.
                    _mayHaveMade = false;
                    var mark = HandOffMark.Find((await context.Iam.GetUserAsync(request.UserName, t).ConfigureAwait(false)).Tags);
                    throw HandOffConflict.Exception(request, mark is not null && !mark.IsOf(context.Run) ? mark : new HandOffMark(false, false, new string[0]),
                        " Another run gave the user a login profile at the same moment; it was left as it is.");
                }

                return new object();
            },
            async t =>
            {
                // As above: a profile that exists now was made by this call, with this password; keep it.
                if (await LoginProfiles.FindAsync(context.Iam, request.UserName, t).ConfigureAwait(false) is null)
                {
                    return null;
                }

                LogKept(request);
                return new object();
            },
            ct).ConfigureAwait(false);
        StepPasswords.HandBack(context, password);
    }

    internal override Task UndoAsync(StepContext context, CancellationToken ct) =>
        _mayHaveMade ? context.Iam.DeleteLoginProfileAsync(context.UserName, ct) : Task.CompletedTask;

    private static void LogKept(UserOnboardingRequest request) =>
        OnboardLog.Current.Verbose($"{request.Where}The response to CreateLoginProfile for '{request.UserName}' was lost, but the login profile exists with the password sent.");
}

/// <summary>Gives an existing login profile whose password was never handed out a new one (sent again after a lost response, it sets the same one).</summary>
internal sealed class ReplacePasswordStep : OnboardingStep
{
    public ReplacePasswordStep(UserOnboardingRequest request) =>
        Description = $"set a new {StepTexts.PasswordSource(request)} console password{StepTexts.ResetAtSignIn(request)} (the one an earlier run set was never handed out)";

    public override string Description { get; }

    internal override string? DoneLabel => "new password";

    internal override async Task ApplyAsync(StepContext context, CancellationToken ct)
    {
        var password = StepPasswords.For(context);
        // Like a deleted key, said aloud: had that run written the password somewhere before it died, that copy stops working.
        OnboardLog.Current.Warning($"{context.Request.Where}Setting a new console password for '{context.UserName}': the run that set the last one never finished handing it out, and any copy of it no longer signs in.");
        await context.Iam.UpdateLoginProfileAsync(context.UserName, password, context.Request.PasswordResetRequired, ct).ConfigureAwait(false);
        StepPasswords.HandBack(context, password);
    }
}

/// <summary>Deletes a key a dead run made and never handed out.</summary>
internal sealed class DeleteUnclaimedKeyStep : OnboardingStep
{
    private readonly string _accessKeyId;

    public DeleteUnclaimedKeyStep(string accessKeyId) => _accessKeyId = accessKeyId;

    public override string Description => $"delete access key {_accessKeyId}, whose secret was never handed out";

    internal override string? DoneLabel => $"deleted access key {_accessKeyId}";

    internal override Task ApplyAsync(StepContext context, CancellationToken ct)
    {
        OnboardLog.Current.Warning($"{context.Request.Where}Deleting access key {_accessKeyId} of '{context.UserName}': the run that created it never handed its secret out.");
        return context.Iam.DeleteAccessKeyAsync(context.UserName, _accessKeyId, ct);
    }
}

/// <summary>
/// Creates an access key. When the response is lost the key may exist with a secret nobody holds: any key that was not
/// there before is deleted and the call is made again; when every response is lost such keys are still deleted.
/// </summary>
internal sealed class CreateAccessKeyStep : OnboardingStep
{
    private readonly HashSet<string> _keysBefore;

    public CreateAccessKeyStep(IEnumerable<string> keysBefore, bool undoable)
    {
        _keysBefore = new HashSet<string>(keysBefore);
        UndoEvenIfFailed = undoable;
    }

    public override string Description => "create an access key";

    internal override string Done => _made is null ? Description : $"create access key {_made}";

    internal override string? DoneLabel => _made is null ? null : $"access key {_made}";

    internal override string? UndoWhat => UndoEvenIfFailed ? "its access keys" : null;

    /// <summary>Only on a new user: every key it has is this call's (one handed back, or one whose secret was lost).</summary>
    internal override bool UndoEvenIfFailed { get; }

    private string? _made;

    internal override async Task ApplyAsync(StepContext context, CancellationToken ct)
    {
        var key = await LostResponseCreate.SendAsync(context.Iam, "CreateAccessKey", context.UserName,
            async (_, t) => await context.Iam.CreateAccessKeyAsync(context.UserName, t).ConfigureAwait(false),
            async t =>
            {
                await DeleteNewKeysAsync(context, lostResponse: true, t).ConfigureAwait(false);
                return null;
            },
            ct).ConfigureAwait(false);
        context.AccessKey = key;
        _made = key.AccessKeyId;
    }

    internal override Task UndoAsync(StepContext context, CancellationToken ct) =>
        UndoEvenIfFailed ? DeleteNewKeysAsync(context, lostResponse: false, ct) : Task.CompletedTask;

    private async Task DeleteNewKeysAsync(StepContext context, bool lostResponse, CancellationToken ct)
    {
        var keys = await context.Iam.ListAccessKeysAsync(context.UserName, ct).ConfigureAwait(false);
        foreach (var orphan in keys.Where(k => !_keysBefore.Contains(k.AccessKeyId)))
        {
            if (lostResponse)
            {
                OnboardLog.Current.Warning($"The response to CreateAccessKey for '{context.UserName}' was lost; deleting access key {orphan.AccessKeyId}, whose secret never arrived.");
            }

            await context.Iam.DeleteAccessKeyAsync(context.UserName, orphan.AccessKeyId, ct).ConfigureAwait(false);
        }
    }
}

/// <summary>The password a step sets: the one given, or one generated to satisfy the account policy.</summary>
internal static class StepPasswords
{
    public static string For(StepContext context) => context.Request.Password is null
        ? PasswordGenerator.Generate(context.PasswordPolicy ?? PasswordPolicy.IamDefault)
        : SecretText.Reveal(context.Request.Password);

    public static void HandBack(StepContext context, string password) =>
        context.Password = context.Request.Password ?? SecretText.Protect(password);
}
