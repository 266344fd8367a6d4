using System;
using System.Management.Automation;
using CowPages.Analysis;
using CowPages.Reading;

namespace CowPages.Commands;

[Cmdlet(VerbsCommon.Get, "PageMap", DefaultParameterSetName = IdSet)]
[OutputType(typeof(PageMapEntry))]
public sealed class GetPageMapCommand : ProcessTargetCmdlet
{
    private const int ProgressId = 0x43500001;

    private bool _warnedHiddenFrames;

    [Parameter]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(MappingNameCompleter))]
    public string[]? Mapping { get; set; }

    [Parameter]
    public ulong Address { get; set; }

    [Parameter]
    public ulong Count { get; set; }

    [Parameter]
    public SwitchParameter Present { get; set; }

    protected override void ProcessTarget(int processId)
    {
        if (CreateSelection(Mapping, nameof(Address), Address, nameof(Count), Count, processId) is not PageSelection selection)
        {
            return;
        }

        using PageWalker walker = PageWalker.Open(processId, selection);
        bool framesVisible = Privilege.HasSysAdmin;
        var progress = new ProgressReporter(this, ProgressId, $"Reading /proc/{processId}/pagemap");
        try
        {
            // With -Present the empty parts of the address space can be skipped without reading their words.
            foreach (PagemapChunk chunk in walker.Chunks(CancelToken, skipEmpty: Present))
            {
                progress.Report(walker.PagesDone, walker.TotalPages, $"Mapping {chunk.MappingIndex + 1} of {walker.Ranges.Count}: {chunk.Mapping.Name}");
                for (int i = 0; i < chunk.Count; i++)
                {
                    Decoding.PagemapWord word = chunk[i];
                    if (Present && !word.Present)
                    {
                        continue;
                    }
                    if (framesVisible && word.Present && word.Pfn == 0)
                    {
                        // CAP_SYS_ADMIN outside the initial user namespace: the kernel still zeroes PFNs.
                        framesVisible = false;
                    }
                    if (!framesVisible && !_warnedHiddenFrames)
                    {
                        WarnHiddenFrames(walker);
                    }
                    WriteObject(new PageMapEntry(processId, chunk.AddressOf(i), word, chunk.Mapping, framesVisible));
                }
            }
            WarnChangedRanges(processId, walker.ChangedRanges);
        }
        finally
        {
            progress.Complete();
        }
    }

    private void WarnHiddenFrames(PageWalker walker)
    {
        _warnedHiddenFrames = true;
        WriteWarning($"The kernel hides PFNs and swap offsets in /proc/{walker.ProcessId}/pagemap from callers without " +
            "CAP_SYS_ADMIN, so Pfn, SwapType and SwapOffset are null. The other bits are exact. Run as root to see frames.");
    }
}
