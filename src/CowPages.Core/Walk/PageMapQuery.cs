using System.Collections.Generic;
using System.Threading;
using CowPages.Decoding;
using CowPages.Reporting;
using CowPages.Sources;

namespace CowPages.Walk;

/// <summary>Yields what Get-PageMap writes: one <see cref="PageMapEntry"/> per selected virtual page of a process.</summary>
public static class PageMapQuery
{
    /// <param name="presentOnly">Only present pages; the walk may then skip empty ranges without reading them.</param>
    /// <exception cref="ProcfsException">The process is missing, unreadable, or exited during the walk.</exception>
    public static IEnumerable<PageMapEntry> Entries(IProcfsSource source, int processId, PageSelection selection, bool presentOnly,
        IScanObserver observer, CancellationToken cancel = default)
    {
        using IProcessSource process = source.OpenProcess(processId);
        using PageWalker walker = PageWalker.Open(process, selection);
        bool framesVisible = source.FramesVisible;
        bool noticed = false;
        foreach (PagemapChunk chunk in walker.Chunks(cancel, skipEmpty: presentOnly))
        {
            observer.Progress(new ScanProgress(processId, walker.PagesDone, walker.TotalPages, chunk.Mapping, chunk.FirstAddress));
            for (int i = 0; i < chunk.Count; i++)
            {
                PagemapWord word = chunk[i];
                if (presentOnly && !word.Present)
                {
                    continue;
                }
                framesVisible &= !word.FrameHidden;
                if (!framesVisible && !noticed)
                {
                    noticed = true;
                    observer.Notice(ScanNotice.FramesHidden(processId));
                }
                yield return new PageMapEntry(processId, chunk.AddressOf(i), word, chunk.Mapping, framesVisible);
            }
        }
        if (walker.ChangedRanges.Count > 0)
        {
            observer.Notice(ScanNotice.RangesChanged(processId, process.PagemapPath, walker.ChangedRanges));
        }
    }
}
