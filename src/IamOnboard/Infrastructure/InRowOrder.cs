using System;
using System.Collections.Generic;
using System.Management.Automation;

namespace IamOnboard.Commands.Infrastructure;

/// <summary>
/// Releases what several concurrently worked items write in the order the items arrived, so a -WhatIf plan reads in row
/// order however the rows' reads finish. Tickets are taken on the pipeline thread; every ticket must be settled once.
/// </summary>
internal sealed class InRowOrder
{
    private readonly object _gate = new();
    private readonly SortedDictionary<long, Action<PSCmdlet>?> _settled = new();
    private readonly PipelineDispatcher _dispatcher;
    private long _nextTicket;
    private long _nextDue;

    public InRowOrder(PipelineDispatcher dispatcher) => _dispatcher = dispatcher;

    public long Take() => _nextTicket++;

    /// <summary>Settles a ticket with what to write (null: nothing, e.g. the row failed and reported itself).</summary>
    public void Settle(long ticket, Action<PSCmdlet>? write)
    {
        lock (_gate)
        {
            _settled[ticket] = write;
            while (_settled.TryGetValue(_nextDue, out var due))
            {
                _settled.Remove(_nextDue);
                _nextDue++;
                if (due is not null)
                {
                    _dispatcher.Post(due);
                }
            }
        }
    }
}
