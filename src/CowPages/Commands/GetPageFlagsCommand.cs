using System;
using System.Collections.Generic;
using System.Management.Automation;
using CowPages.Reading;

namespace CowPages.Commands;

[Cmdlet(VerbsCommon.Get, "PageFlags", DefaultParameterSetName = PfnSet)]
[OutputType(typeof(PageFrame))]
public sealed class GetPageFlagsCommand : CowPagesCmdlet
{
    private const string PfnSet = "Pfn";
    private const int ProgressId = 0x43500002;

    /// <summary>Pipeline input is looked up in batches of this many frames, sorted and coalesced.</summary>
    private const int BatchSize = 8192;

    private readonly List<(ulong Pfn, int? ProcessId, ulong? Address)> _pending = new(BatchSize);
    private readonly ulong[] _batchPfns = new ulong[BatchSize];
    private readonly FrameInfo[] _batchInfo = new FrameInfo[BatchSize];
    private FrameReader? _reader;

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

    protected override void BeginProcessing()
    {
        try
        {
            _reader = FrameReader.Open(FrameFields.All);
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
            _pending.Add((pfn, ProcessId, Address));
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
        int n = _pending.Count;
        for (int i = 0; i < n; i++)
        {
            _batchPfns[i] = _pending[i].Pfn;
        }
        _reader!.Lookup(_batchPfns.AsSpan(0, n), _batchInfo.AsSpan(0, n));
        for (int i = 0; i < n; i++)
        {
            (ulong pfn, int? processId, ulong? address) = _pending[i];
            if (_batchInfo[i].Found)
            {
                WriteObject(ToFrame(pfn, _batchInfo[i], processId, address));
            }
            else
            {
                WriteError(ErrorHelper.PfnNotFound(pfn));
            }
        }
        _pending.Clear();
    }

    private void ScanRange(ulong first)
    {
        if (Count == 0 || Count > ulong.MaxValue - first)
        {
            WriteError(ErrorHelper.InvalidRange(new ArgumentOutOfRangeException(nameof(Count), Count,
                $"-Count must be at least 1 and must not run past PFN 0x{ulong.MaxValue:x} from 0x{first:x}."), first));
            return;
        }
        var progress = new ProgressReporter(this, ProgressId, "Reading /proc/kpageflags");
        try
        {
            ulong done = 0;
            while (done < Count)
            {
                CancelToken.ThrowIfCancellationRequested();
                int want = (int)Math.Min((ulong)_batchInfo.Length, Count - done);
                int got = _reader!.ReadRange(first + done, _batchInfo.AsSpan(0, want));
                if (got == 0 && done == 0)
                {
                    WriteError(ErrorHelper.PfnNotFound(first));
                }
                for (int i = 0; i < got; i++)
                {
                    WriteObject(ToFrame(first + done + (ulong)i, _batchInfo[i], ProcessId, null));
                }
                done += (ulong)got;
                if (got < want)
                {
                    break;
                }
                progress.Report(done, Count, $"PFN 0x{first + done:x}");
            }
        }
        catch (OperationCanceledException) when (CancelToken.IsCancellationRequested)
        {
        }
        finally
        {
            progress.Complete();
        }
    }

    private PageFrame ToFrame(ulong pfn, FrameInfo info, int? processId, ulong? address) =>
        new(pfn, info.PageFlags, info.MapCount, _reader!.HasCgroup ? info.CgroupInode : null, processId, address);

    protected override void ReleaseResources() => _reader?.Dispose();
}
