using System;
using System.Threading;
using System.Threading.Tasks;

namespace IamOnboard.Commands.Infrastructure;

/// <summary>
/// Follows a user whose new secrets are marked in IAM as not yet handed out (see the engine's HandOffMark) through
/// IamOnboard's own pass-through cmdlets, to the command that finally writes it to someone else: a variable,
/// Export-OnboardCredential, any other command. The cmdlet holding the user removes the mark once its write of the
/// user has returned, i.e. once the next command has taken it.
/// </summary>
/// <remarks>
/// An IamOnboard cmdlet that receives the user and passes it on later (from a worker, after IAM calls) takes it over
/// in ProcessRecord; the upstream write then returns without the user having gone anywhere durable, so the upstream
/// cmdlet must not remove the mark. Whoever holds it last does. A user that is dropped on the way (its MFA enrolment
/// failed, the pipeline stopped) keeps the mark, and the next run replaces the secrets nobody received.
/// </remarks>
internal sealed class CredentialHandOff
{
    private readonly Func<CancellationToken, Task> _removeMark;
    private object _holder;
    private int _completed;

    public CredentialHandOff(Func<CancellationToken, Task> removeMark, object holder)
    {
        _removeMark = removeMark;
        _holder = holder;
    }

    /// <summary>Called on the pipeline thread by a cmdlet that will write the user on itself.</summary>
    public void TakeOver(object holder) => Volatile.Write(ref _holder, holder);

    public bool IsHeldBy(object holder) => ReferenceEquals(Volatile.Read(ref _holder), holder);

    /// <summary>Removes the mark, once. The secrets have been taken, so this no longer depends on the pipeline's stop token.</summary>
    public async Task CompleteAsync()
    {
        if (Interlocked.Exchange(ref _completed, 1) == 1)
        {
            return;
        }

        using var budget = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await _removeMark(budget.Token).ConfigureAwait(false);
    }
}
