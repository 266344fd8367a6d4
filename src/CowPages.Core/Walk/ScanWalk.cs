using System;
using System.Threading;
using CowPages.Sources;

namespace CowPages.Walk;

/// <summary>
/// Walks one range of pages by what PAGEMAP_SCAN (Linux 6.7+) finds in it: the page walker's for one process, the
/// fork comparer's for the union of two. Window by window, the runs found are merged across small gaps and handed
/// out to be read; once a window turns out dense, or a scan fails, the rest of the range is handed out to be read
/// plainly. It makes no call but the scans, and each when asked for the next step, so the caller's reads and the
/// scans interleave as if they were written out in one loop.
/// </summary>
/// <remarks>A struct, so that a walk per mapping or per segment allocates nothing.</remarks>
internal struct ScanWalk
{
    /// <summary>
    /// Ranges smaller than this many pages (one page table, 2 MiB) are read without a scan: one read of their words
    /// costs less than an ioctl and a read, which matters for processes with tens of thousands of small mappings.
    /// </summary>
    internal const ulong MinPages = 512;

    /// <summary>
    /// Runs the scan returns that are closer than this many pages are read as one: the empty words between them cost
    /// less than another system call.
    /// </summary>
    internal const ulong MergeGap = 64;

    private enum Phase { Scan, Runs, Rest, Done }

    private readonly ulong _endPage;
    private readonly PageRegion[] _runs;
    private readonly CancellationToken _cancel;
    private Phase _phase;
    // Where the current window starts, or the next scan will.
    private ulong _page;
    private ulong _windowEnd;
    private int _runCount;
    private int _nextRun;
    private ulong _covered;

    private ScanWalk(ulong page, ulong endPage, PageRegion[] runs, CancellationToken cancel, Phase phase)
    {
        _page = page;
        _endPage = endPage;
        _runs = runs;
        _cancel = cancel;
        _phase = phase;
    }

    /// <summary>A walk with no scan: one <see cref="ScanStepKind.Rest"/> step over the whole range.</summary>
    public static ScanWalk Plain(ulong page, ulong endPage) => new(page, endPage, Array.Empty<PageRegion>(), default, Phase.Rest);

    /// <summary>
    /// A walk that scans [<paramref name="page"/>, <paramref name="endPage"/>). The merged runs of a window go to
    /// <paramref name="runs"/>, which must hold as many as the scanner's lists can hold together.
    /// </summary>
    public static ScanWalk Scanning(ulong page, ulong endPage, PageRegion[] runs, CancellationToken cancel) =>
        new(page, endPage, runs, cancel, Phase.Scan);

    /// <summary>The next step, scanning the next window first if the last one is done; false when the range is.</summary>
    public bool Next<TScanner>(TScanner scanner, out ScanStep step) where TScanner : IRangeScanner
    {
        while (true)
        {
            switch (_phase)
            {
                case Phase.Scan:
                    if (_page >= _endPage)
                    {
                        _phase = Phase.Done;
                        continue;
                    }
                    _cancel.ThrowIfCancellationRequested();
                    if (scanner.Scan(_page, _endPage, out ReadOnlySpan<PageRegion> first, out ReadOnlySpan<PageRegion> second,
                        out ulong windowEnd) == ScanOutcome.Failed)
                    {
                        _phase = Phase.Rest;
                        continue;
                    }
                    _windowEnd = windowEnd;
                    _runCount = Merge(first, second, PageGeometry.AddressOf(_page), PageGeometry.AddressOf(_windowEnd), _runs);
                    _nextRun = 0;
                    _covered = 0;
                    _phase = Phase.Runs;
                    step = new ScanStep(ScanStepKind.Window, _page, _windowEnd);
                    return true;

                case Phase.Runs:
                    if (_nextRun < _runCount)
                    {
                        PageRegion run = _runs[_nextRun++];
                        step = new ScanStep(ScanStepKind.Run, PageGeometry.PageOf(run.Start), PageGeometry.PageOf(run.End));
                        _covered += step.EndPage - step.FirstPage;
                        return true;
                    }
                    ulong window = _windowEnd - _page;
                    step = new ScanStep(ScanStepKind.Passed, _page, _windowEnd, window - _covered);
                    // Mostly resident: the scans would skip little of the rest, and each walks the page tables once more.
                    _phase = _covered * 2 >= window ? Phase.Rest : Phase.Scan;
                    _page = _windowEnd;
                    return true;

                case Phase.Rest:
                    _phase = Phase.Done;
                    if (_page < _endPage)
                    {
                        step = new ScanStep(ScanStepKind.Rest, _page, _endPage);
                        return true;
                    }
                    continue;

                default:
                    step = default;
                    return false;
            }
        }
    }

    /// <summary>
    /// Leaves out the window just scanned, before its runs: neither read nor counted as skipped, and no judge of the
    /// density of the rest.
    /// </summary>
    public void SkipWindow()
    {
        _page = _windowEnd;
        _phase = Phase.Scan;
    }

    /// <summary>
    /// The union of two address-ordered run lists, clipped to [<paramref name="start"/>, <paramref name="limit"/>),
    /// neighbours closer than <see cref="MergeGap"/> joined. Returns how many runs it wrote to <paramref name="merged"/>.
    /// </summary>
    internal static int Merge(ReadOnlySpan<PageRegion> first, ReadOnlySpan<PageRegion> second, ulong start, ulong limit,
        Span<PageRegion> merged)
    {
        const ulong gap = MergeGap << PageGeometry.PageShift;
        int count = 0, i = 0, j = 0;
        while (i < first.Length || j < second.Length)
        {
            PageRegion next = j >= second.Length || (i < first.Length && first[i].Start <= second[j].Start) ? first[i++] : second[j++];
            ulong runStart = Math.Max(next.Start, start);
            ulong runEnd = Math.Min(next.End, limit);
            if (runStart >= runEnd)
            {
                continue;
            }
            if (count > 0 && next.Start <= merged[count - 1].End + gap)
            {
                merged[count - 1].End = Math.Max(merged[count - 1].End, runEnd);
                continue;
            }
            merged[count++] = new PageRegion { Start = runStart, End = runEnd };
        }
        return count;
    }
}
