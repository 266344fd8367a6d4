using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using CowPages.Snapshots;
using CowPages.Sources;
using CowPages.Sources.Live;
using CowPages.Walk;

namespace CowPages.Commands;

/// <summary>
/// What every CowPages cmdlet shares: the source it reads (the live procfs, or a snapshot file), cancellation (Ctrl+C cancels the token
/// that every core loop observes), the observer that shows the core's progress and notices, and the per-item loop
/// in which one item's failure is a non-terminating error and the others go on.
/// </summary>
public abstract class CowPagesCmdlet : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _cancel = new();
    private IProcfsSource? _source;
    private CmdletScanObserver? _observer;

    protected CancellationToken CancelToken => _cancel.Token;

    /// <summary>The Write-Progress activity id; each cmdlet has its own, so nested pipelines show separate bars.</summary>
    protected abstract int ProgressId { get; }

    /// <summary>The snapshot file to read instead of the live kernel, or null; see <see cref="SnapshotReaderCmdlet"/>.</summary>
    private protected virtual string? SnapshotFile => null;

    /// <summary>
    /// Where the cmdlet reads from: the snapshot of -SnapshotPath, or the live procfs. Opened on first use; a failure to
    /// open it (a missing, damaged or newer snapshot) stops the command.
    /// </summary>
    protected IProcfsSource Source
    {
        get
        {
            if (_source is null)
            {
                try
                {
                    _source = SnapshotFile is null ? LiveProcfsSource.Open() : OpenSnapshot(SnapshotFile);
                }
                catch (ProcfsException e)
                {
                    ThrowTerminatingError(ErrorHelper.FromProcfs(e, e.Path));
                }
            }
            return _source!;
        }
    }

    private SnapshotSource OpenSnapshot(string path)
    {
        var snapshot = SnapshotSource.Open(SessionState.Path.GetUnresolvedProviderPathFromPSPath(path));
        WriteVerbose($"Reading the snapshot {snapshot.Name}: {snapshot.ProcessIds().Count} processes captured on " +
            $"{snapshot.Kernel} at {snapshot.CapturedAt:u}{(snapshot.FramesVisible ? "" : ", without frames")}.");
        return snapshot;
    }

    private protected CmdletScanObserver Observer => _observer ??= new CmdletScanObserver(this, ProgressId);

    protected override void StopProcessing() => _cancel.Cancel();

    protected void WriteProcfsError(ProcfsException e, object? target) => WriteError(ErrorHelper.FromProcfs(e, target));

    /// <summary>
    /// Runs <paramref name="work"/> for each PID and writes what it yields as it comes. An invalid PID, a process that
    /// is missing, unreadable or exits meanwhile is a non-terminating error naming it, and the next PID goes on;
    /// Ctrl+C ends the loop.
    /// </summary>
    protected void ForEachProcess(IEnumerable<int> processIds, Func<int, string> activity, Func<int, IEnumerable<object>> work)
    {
        foreach (int processId in processIds)
        {
            if (CancelToken.IsCancellationRequested)
            {
                return;
            }
            if (processId <= 0)
            {
                WriteError(ErrorHelper.InvalidProcessId(processId));
                continue;
            }
            Observer.Start(activity(processId));
            try
            {
                foreach (object item in work(processId))
                {
                    WriteObject(item);
                }
            }
            catch (ProcfsException e)
            {
                WriteProcfsError(e, e.ProcessId ?? processId);
            }
            catch (OperationCanceledException) when (CancelToken.IsCancellationRequested)
            {
                // Ctrl+C: PowerShell stops the pipeline itself once this returns.
            }
            finally
            {
                Observer.Complete();
            }
        }
    }

    /// <summary>
    /// Builds the page selection from -Mapping, -Address and -Count. Address and Count count only when bound, since 0 is
    /// a valid address. An impossible range is a non-terminating InvalidPageRange error for <paramref name="target"/>,
    /// and null is returned.
    /// </summary>
    protected PageSelection? CreateSelection(string[]? mapping, string addressName, ulong address, string countName, ulong count, object target)
    {
        try
        {
            return new PageSelection(MappingFilter.From(mapping),
                MyInvocation.BoundParameters.ContainsKey(addressName) ? address : null,
                MyInvocation.BoundParameters.ContainsKey(countName) ? count : null);
        }
        catch (ArgumentException e)
        {
            WriteError(ErrorHelper.InvalidRange(e, target));
            return null;
        }
    }

    /// <summary>Closes what the cmdlet opened; PowerShell disposes every cmdlet when its pipeline ends.</summary>
    protected virtual void ReleaseResources()
    {
    }

    public void Dispose()
    {
        ReleaseResources();
        _source?.Dispose();
        _cancel.Dispose();
        GC.SuppressFinalize(this);
    }
}
