using System;
using System.Collections.Generic;
using System.Threading;
using CowPages.Frames;
using CowPages.Reporting;
using CowPages.Sources;
using CowPages.Walk;

namespace CowPages.Flags;

/// <summary>
/// The page-types table, from a process's pages or a range of physical frames: walks the pagemap with
/// <see cref="PageWalker"/> (skipping empty ranges), looks the frames up in <c>/proc/kpageflags</c> in sorted,
/// coalesced windows, and yields one <see cref="PageFlagsCount"/> per distinct word. One instance serves many
/// processes and keeps its buffers. Needs root: <c>/proc/kpageflags</c> is mode 0400, and PFNs are hidden from
/// callers without CAP_SYS_ADMIN.
/// </summary>
public sealed class FlagsMeter : IDisposable
{
    /// <summary>Frames read per call in a physical scan: one window of kpageflags.</summary>
    private const int FrameBatch = FrameReader.MaxWindow;

    private readonly IProcfsSource _source;
    private readonly FrameReader _reader;
    private readonly FlagsTally _tally;
    private FrameInfo[]? _frames;

    private FlagsMeter(IProcfsSource source, FrameReader reader)
    {
        _source = source;
        _reader = reader;
        _tally = new FlagsTally(reader.Lookup);
    }

    /// <summary>The path errors name for kpageflags.</summary>
    public string FlagsPath => _reader.FlagsPath;

    /// <summary>Opens <paramref name="source"/>'s kpageflags.</summary>
    /// <exception cref="ProcfsException">Frames are hidden (AccessDenied), or the kernel has no kpageflags (NotFound).</exception>
    public static FlagsMeter Open(IProcfsSource source) => new(source, FrameReader.Open(source, FrameFields.Flags));

    /// <summary>
    /// Counts the present pages of <paramref name="selection"/> in <paramref name="processId"/> by their flags: one
    /// result per word, or per mapping name and word with <paramref name="byMapping"/> (mappings in address order of
    /// their first page). The results come once the walk is done. Empty for a kernel thread or zombie.
    /// </summary>
    /// <exception cref="ProcfsException">
    /// The process is missing, unreadable or exited during the walk, or the kernel hid its PFNs (AccessDenied).
    /// </exception>
    public IEnumerable<PageFlagsCount> MeasureProcess(int processId, PageSelection selection, bool byMapping,
        IScanObserver observer, CancellationToken cancel = default)
    {
        _tally.Clear();
        using (IProcessSource process = _source.OpenProcess(processId))
        using (PageWalker walker = PageWalker.Open(process, selection))
        {
            foreach (PagemapChunk chunk in walker.Chunks(cancel, skipEmpty: true))
            {
                if (!_tally.Add(chunk, byMapping ? chunk.Mapping.Name : ""))
                {
                    throw PfnsHidden(processId);
                }
                observer.Progress(new ScanProgress(processId, walker.PagesDone, walker.TotalPages, chunk.Mapping, chunk.FirstAddress));
            }
            _tally.Flush();
            if (walker.ChangedRanges.Count > 0)
            {
                observer.Notice(ScanNotice.RangesChanged(processId, process.PagemapPath, walker.ChangedRanges));
            }
        }
        foreach ((string name, FlagsHistogram histogram) in _tally.Groups)
        {
            foreach ((ulong flags, ulong pages) in histogram.ToSortedArray())
            {
                yield return new PageFlagsCount((PageFlags)flags, pages, processId, byMapping ? name : null);
            }
        }
    }

    /// <summary>
    /// Counts <paramref name="count"/> physical frames from <paramref name="first"/> (from the first frame when null;
    /// to the end of physical memory when <paramref name="count"/> is null) by their flags, as page-types does without
    /// -p: every frame that exists counts, holes (flags 0) included. Empty when the first lies beyond the last frame.
    /// </summary>
    public IEnumerable<PageFlagsCount> MeasureFrames(ulong? first, ulong? count, IScanObserver observer, CancellationToken cancel = default)
    {
        ulong firstPfn = first ?? _reader.FirstFrame;
        _frames ??= new FrameInfo[FrameBatch];
        var histogram = new FlagsHistogram();
        ulong total = count ?? (FrameCount() is ulong end && end > firstPfn ? end - firstPfn : 0);
        ulong done = 0;
        while (count is null || done < count)
        {
            cancel.ThrowIfCancellationRequested();
            int want = (int)Math.Min(FrameBatch, count is ulong c ? c - done : FrameBatch);
            int got = _reader.ReadRange(firstPfn + done, _frames.AsSpan(0, want));
            for (int i = 0; i < got; i++)
            {
                histogram.Add(_frames[i].Flags);
            }
            done += (ulong)got;
            observer.Progress(new ScanProgress(null, done, Math.Max(total, done), null, firstPfn + done));
            if (got < want)
            {
                break;
            }
        }
        foreach ((ulong flags, ulong pages) in histogram.ToSortedArray())
        {
            yield return new PageFlagsCount((PageFlags)flags, pages, null, null);
        }
    }

    /// <summary>
    /// How many frames <c>/proc/kpageflags</c> describes (the kernel's max_pfn): its size reads as 0, so the end is
    /// found by bisection, one 8-byte read per step.
    /// </summary>
    public ulong FrameCount()
    {
        Span<FrameInfo> one = stackalloc FrameInfo[1];
        ulong low = 0, high = 1UL << 52;
        while (low < high)
        {
            ulong middle = low + (high - low) / 2;
            if (_reader.ReadRange(middle, one) == 1)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }
        return low;
    }

    private static ProcfsException PfnsHidden(int processId) => new(ProcfsErrorKind.AccessDenied, $"/proc/{processId}/pagemap", processId, null,
        $"process {processId}: the kernel hides the PFNs in /proc/{processId}/pagemap from callers without CAP_SYS_ADMIN in the " +
        "initial user namespace, so no frame's flags can be looked up. Run as root with full capabilities.");

    public void Dispose() => _reader.Dispose();
}
