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

    /// <summary>
    /// Builds the page selection from -Mapping, -Address and -Count. Address and Count count only when bound, since 0 is
    /// a valid address. An impossible range is a non-terminating InvalidPageRange error for <paramref name="target"/>,
    /// and null is returned.
    /// </summary>
    protected Analysis.PageSelection? CreateSelection(string[]? mapping, string addressName, ulong address, string countName, ulong count, object target)
    {
        try
        {
            return new Analysis.PageSelection(MappingFilter.From(mapping),
                MyInvocation.BoundParameters.ContainsKey(addressName) ? address : null,
                MyInvocation.BoundParameters.ContainsKey(countName) ? count : null);
        }
        catch (ArgumentException e)
        {
            WriteError(ErrorHelper.InvalidRange(e, target));
            return null;
        }
    }

    /// <summary>Says which ranges a walk dropped because the process unmapped or replaced them while it was read.</summary>
    protected void WarnChangedRanges(int processId, System.Collections.Generic.IReadOnlyList<(ulong Start, ulong End)> ranges)
    {
        if (ranges.Count == 0)
        {
            return;
        }
        string list = string.Join(", ", System.Linq.Enumerable.Select(System.Linq.Enumerable.Take(ranges, 5), r => $"0x{r.Start:x}-0x{r.End:x}"));
        WriteWarning($"process {processId}: {ranges.Count} range(s) were unmapped or replaced while /proc/{processId}/pagemap " +
            $"was read, and were left out rather than reported as absent pages: {list}{(ranges.Count > 5 ? ", ..." : "")}");
    }

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
