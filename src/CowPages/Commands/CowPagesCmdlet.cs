using System;
using System.Management.Automation;
using System.Threading;

namespace CowPages.Commands;

/// <summary>Owns cancellation: Ctrl+C (StopProcessing) cancels the token that every core loop observes.</summary>
public abstract class CowPagesCmdlet : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _cancel = new();

    protected CancellationToken CancelToken => _cancel.Token;

    protected override void StopProcessing() => _cancel.Cancel();

    protected void WriteProcfsError(ProcfsException e, object? target) => WriteError(ErrorHelper.FromProcfs(e, target));

    /// <summary>Closes what the cmdlet opened in BeginProcessing; PowerShell disposes every cmdlet when its pipeline ends.</summary>
    protected virtual void ReleaseResources()
    {
    }

    public void Dispose()
    {
        ReleaseResources();
        _cancel.Dispose();
        GC.SuppressFinalize(this);
    }
}
