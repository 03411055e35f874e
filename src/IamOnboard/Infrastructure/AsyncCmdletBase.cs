using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;

namespace IamOnboard.Commands.Infrastructure;

/// <summary>
/// Runs engine work for a cmdlet: owns the cancellation that Ctrl+C triggers and a dispatcher so that output,
/// errors and engine diagnostics reach PowerShell on the pipeline thread.
/// </summary>
public abstract class AsyncCmdletBase : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private PipelineDispatcher? _dispatcher;

    /// <summary>Cancelled when the user presses Ctrl+C or the pipeline stops.</summary>
    protected CancellationToken StopToken => _stopping.Token;

    internal PipelineDispatcher Dispatcher =>
        _dispatcher ?? throw new InvalidOperationException("The dispatcher is created in BeginProcessing.");

    /// <summary>How many pipeline items may be worked on at once. One unless the cmdlet offers -ThrottleLimit.</summary>
    protected virtual int ConcurrentItems => 1;

    protected override void BeginProcessing() => _dispatcher = new PipelineDispatcher(this, ConcurrentItems, _stopping.Token);

    protected override void EndProcessing() => _dispatcher?.Complete();

    protected override void StopProcessing() => _stopping.Cancel();

    /// <summary>Runs engine work to completion, pumping its output; a failure becomes a terminating error.</summary>
    protected T RunToCompletion<T>(Func<CancellationToken, Task<T>> work, object? target)
    {
        try
        {
            return Dispatcher.Run(work);
        }
        catch (Exception exception) when (exception is not PipelineStoppedException)
        {
            if (StopToken.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }

            ThrowTerminatingError(OnboardErrors.FromException(Unwrap(exception), target));
            throw; // unreachable: ThrowTerminatingError always throws
        }
    }

    /// <summary>Runs work for one item on the pipeline's behalf; a failure becomes a non-terminating error and false.</summary>
    protected bool TryRun<T>(Func<CancellationToken, Task<T>> work, object? target, out T result)
    {
        try
        {
            result = Dispatcher.Run(work);
            return true;
        }
        catch (Exception exception) when (exception is not PipelineStoppedException)
        {
            if (StopToken.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }

            WriteError(OnboardErrors.FromException(Unwrap(exception), target));
            result = default!;
            return false;
        }
    }

    /// <summary>Starts work for one pipeline item; a failure becomes a non-terminating error naming <paramref name="target"/>.</summary>
    protected void StartItem(Func<CancellationToken, Task> work, object? target)
    {
        try
        {
            Dispatcher.Start(work, exception => OnboardErrors.FromException(Unwrap(exception), target));
        }
        catch (OperationCanceledException)
        {
            throw new PipelineStoppedException();
        }
    }

    private static Exception Unwrap(Exception exception) =>
        exception is AggregateException { InnerExceptions.Count: 1 } aggregate ? aggregate.InnerExceptions[0] : exception;

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _dispatcher?.Dispose();
            _stopping.Dispose();
        }
    }
}
