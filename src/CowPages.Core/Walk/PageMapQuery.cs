using System;
using System.Collections.Generic;
using System.Threading;
using CowPages.Decoding;
using CowPages.Frames;
using CowPages.Reporting;
using CowPages.Sources;

namespace CowPages.Walk;

/// <summary>Yields what Get-PageMap writes: one <see cref="PageMapEntry"/> per selected virtual page of a process.</summary>
public static class PageMapQuery
{
    /// <param name="presentOnly">Only present pages; the walk may then skip empty ranges without reading them.</param>
    /// <param name="frames">
    /// When given, each present page also gets its frame's flags and map count, looked up per chunk in sorted, coalesced
    /// windows: what page-types -p reads, in one pass instead of a second cmdlet.
    /// </param>
    /// <exception cref="ProcfsException">The process is missing, unreadable, or exited during the walk.</exception>
    public static IEnumerable<PageMapEntry> Entries(IProcfsSource source, int processId, PageSelection selection, bool presentOnly,
        IScanObserver observer, CancellationToken cancel = default, FrameReader? frames = null)
    {
        ulong[]? pfns = frames is null ? null : new ulong[PageWalker.DefaultChunkPages];
        FrameInfo[]? info = frames is null ? null : new FrameInfo[PageWalker.DefaultChunkPages];
        using IProcessSource process = source.OpenProcess(processId);
        using PageWalker walker = PageWalker.Open(process, selection);
        bool framesVisible = source.FramesVisible;
        bool noticed = false;
        foreach (PagemapChunk chunk in walker.Chunks(cancel, skipEmpty: presentOnly))
        {
            observer.Progress(new ScanProgress(processId, walker.PagesDone, walker.TotalPages, chunk.Mapping, chunk.FirstAddress));
            int present = frames is null ? 0 : LookUp(frames, chunk, pfns!, info!);
            int next = 0;
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
                var entry = new PageMapEntry(processId, chunk.AddressOf(i), word, chunk.Mapping, framesVisible);
                if (word.Present && next < present && info![next++] is { Found: true } frame && framesVisible)
                {
                    entry.Flags = frame.PageFlags;
                    entry.MapCount = frame.MapCount;
                }
                yield return entry;
            }
        }
        if (walker.ChangedRanges.Count > 0)
        {
            observer.Notice(ScanNotice.RangesChanged(processId, process.PagemapPath, walker.ChangedRanges));
        }
    }

    /// <summary>Looks up the frames of the chunk's present pages, in page order; returns how many.</summary>
    private static int LookUp(FrameReader frames, in PagemapChunk chunk, ulong[] pfns, FrameInfo[] info)
    {
        int n = 0;
        foreach (ulong raw in chunk.Words)
        {
            var word = new PagemapWord(raw);
            if (word.Present)
            {
                pfns[n++] = word.Pfn;
            }
        }
        if (n > 0)
        {
            frames.Lookup(pfns.AsSpan(0, n), info.AsSpan(0, n), FrameFields.Flags | FrameFields.MapCount, default);
        }
        return n;
    }
}
