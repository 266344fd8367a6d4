using System;
using System.Collections.Generic;
using System.Management.Automation;
using CowPages.Flags;
using CowPages.Reporting;

namespace CowPages.Commands;

[Cmdlet(VerbsCommon.Get, "PageFlags", DefaultParameterSetName = PfnSet)]
[OutputType(typeof(PageFrame))]
public sealed class GetPageFlagsCommand : SnapshotReaderCmdlet
{
    private const string PfnSet = "Pfn";

    /// <summary>
    /// Pipeline input is looked up in batches of this many frames, sorted and coalesced: a batch as large as a walk's
    /// chunk lets the frames of neighbouring pages share reads, as they do in Get-CowSummary.
    /// </summary>
    private const int BatchSize = 128 * 1024;

    private readonly List<FrameRequest> _pending = new(BatchSize);
    private FrameQuery? _query;

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PfnSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [AllowNull]
    [AllowEmptyCollection]
    public ulong[]? Pfn { get; set; }

    [Parameter(ParameterSetName = PfnSet)]
    public ulong Count { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public int? ProcessId { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public ulong? Address { get; set; }

    protected override int ProgressId => 0x43500002;

    protected override void BeginProcessing()
    {
        try
        {
            _query = FrameQuery.Open(Source);
        }
        catch (ProcfsException e)
        {
            ThrowTerminatingError(ErrorHelper.FromProcfs(e, e.Path));
        }
    }

    protected override void ProcessRecord()
    {
        if (Pfn is null || Pfn.Length == 0)
        {
            return;
        }
        if (MyInvocation.BoundParameters.ContainsKey(nameof(Count)))
        {
            foreach (ulong first in Pfn)
            {
                ScanRange(first);
            }
            return;
        }
        foreach (ulong pfn in Pfn)
        {
            _pending.Add(new FrameRequest(pfn, ProcessId, Address));
            if (_pending.Count == BatchSize)
            {
                Flush();
            }
        }
    }

    protected override void EndProcessing() => Flush();

    private void Flush()
    {
        if (_pending.Count == 0 || CancelToken.IsCancellationRequested)
        {
            return;
        }
        Write(_query!.Lookup(_pending));
        _pending.Clear();
    }

    private void ScanRange(ulong first)
    {
        IEnumerable<FrameResult> frames;
        try
        {
            frames = _query!.Range(first, Count, ProcessId, Observer, CancelToken);
        }
        catch (ArgumentOutOfRangeException e)
        {
            WriteError(ErrorHelper.InvalidRange(e, first));
            return;
        }
        Observer.Start($"Reading {_query.FlagsPath}");
        try
        {
            Write(frames);
        }
        catch (OperationCanceledException) when (CancelToken.IsCancellationRequested)
        {
        }
        finally
        {
            Observer.Complete();
        }
    }

    private void Write(IEnumerable<FrameResult> results)
    {
        foreach (FrameResult result in results)
        {
            if (result.Frame is PageFrame frame)
            {
                WriteObject(frame);
            }
            else
            {
                WriteError(ErrorHelper.PfnNotFound(result.Pfn, _query!.FlagsPath));
            }
        }
    }

    protected override void ReleaseResources() => _query?.Dispose();
}
