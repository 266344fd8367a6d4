using System;
using System.Management.Automation;
using CowPages.Analysis;
using CowPages.Reading;

namespace CowPages.Commands;

[Cmdlet(VerbsData.Compare, "ForkPages", DefaultParameterSetName = RangeSet)]
[OutputType(typeof(ForkComparison), ParameterSetName = new[] { RangeSet })]
[OutputType(typeof(ForkPage), ParameterSetName = new[] { PerPageSet })]
public sealed class CompareForkPagesCommand : CowPagesCmdlet
{
    private const string RangeSet = "Range";
    private const string PerPageSet = "PerPage";
    private const int ProgressId = 0x43500003;

    private bool _warnedApproximate;

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Id", "ProcessId", "PID")]
    [ArgumentCompleter(typeof(ProcessIdCompleter))]
    public int[] DifferenceId { get; set; } = Array.Empty<int>();

    [Parameter(Position = 1)]
    [ArgumentCompleter(typeof(ProcessIdCompleter))]
    public int ReferenceId { get; set; }

    [Parameter]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(MappingNameCompleter))]
    public string[]? Mapping { get; set; }

    [Parameter]
    public ulong Address { get; set; }

    [Parameter]
    public ulong Count { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = PerPageSet)]
    public SwitchParameter PerPage { get; set; }

    protected override void ProcessRecord()
    {
        foreach (int differenceId in DifferenceId)
        {
            if (CancelToken.IsCancellationRequested)
            {
                return;
            }
            CompareOne(differenceId);
        }
    }

    private void CompareOne(int differenceId)
    {
        if (differenceId <= 0)
        {
            WriteError(ErrorHelper.InvalidProcessId(differenceId));
            return;
        }
        if (CreateSelection(Mapping, nameof(Address), Address, nameof(Count), Count, differenceId) is not PageSelection selection)
        {
            return;
        }

        var progress = new ProgressReporter(this, ProgressId, $"Comparing process {differenceId} with its reference");
        try
        {
            int referenceId = MyInvocation.BoundParameters.ContainsKey(nameof(ReferenceId))
                ? ReferenceId
                : ProcessStatus.Read(differenceId).ParentId;
            if (referenceId <= 0)
            {
                // Only init and kthreadd have no parent; kthreadd has no user memory to compare.
                if (Reading.MapsReader.Read(differenceId).Count > 0)
                {
                    WriteError(ErrorHelper.NoParent(differenceId));
                }
                return;
            }
            using ForkComparer comparer = ForkComparer.Open(referenceId, differenceId, selection);
            if (comparer.Method == CowMethod.ExclusiveBit)
            {
                WarnApproximate();
            }
            ulong done = 0;
            foreach (ForkSegment segment in comparer.Segments)
            {
                progress.Report(done, comparer.ComparedPages, $"{segment.Mapping.Name} (0x{segment.Start:x})");
                if (PerPage)
                {
                    WritePages(comparer, segment);
                }
                else
                {
                    ForkStateCounts counts = comparer.CountSegment(segment, CancelToken);
                    WriteObject(new ForkComparison(referenceId, differenceId, segment, counts, comparer.Method));
                }
                if (segment.Side == ForkMappingSide.Both)
                {
                    done += segment.Pages;
                }
            }
            WarnChangedRanges(differenceId, comparer.ChangedRanges);
        }
        catch (ProcfsException e)
        {
            WriteProcfsError(e, e.ProcessId ?? differenceId);
        }
        catch (OperationCanceledException) when (CancelToken.IsCancellationRequested)
        {
        }
        finally
        {
            progress.Complete();
        }
    }

    private void WritePages(ForkComparer comparer, ForkSegment segment)
    {
        foreach (ForkChunk chunk in comparer.Chunks(segment, CancelToken))
        {
            for (int i = 0; i < chunk.Count; i++)
            {
                ForkPageState state = comparer.Classify(chunk, i);
                bool frames = comparer.Method == CowMethod.Pfn;
                Decoding.PagemapWord reference = chunk.Reference(i);
                Decoding.PagemapWord difference = chunk.Difference(i);
                WriteObject(new ForkPage(comparer.ReferenceId, comparer.DifferenceId, chunk.AddressOf(i), segment.Mapping.Name, state,
                    frames && reference.Present ? reference.Pfn : null,
                    frames && difference.Present ? difference.Pfn : null,
                    reference.Raw, difference.Raw));
            }
        }
    }

    private void WarnApproximate()
    {
        if (_warnedApproximate)
        {
            return;
        }
        _warnedApproximate = true;
        WriteWarning("Without CAP_SYS_ADMIN the kernel hides PFNs, so pages are compared by their pagemap bits (Method ExclusiveBit). " +
            "Copied is certain where either side's page is exclusive or only one side maps the page cache. Shared means both " +
            "pages are mapped more than once: the same page, or two copies each shared with a third process (a grandchild). " +
            "Zero pages count as Shared. Run as root for exact results.");
    }
}
