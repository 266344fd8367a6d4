using System;
using System.Collections.Generic;
using CowPages.Decoding;
using CowPages.Sources;

namespace CowPages.Snapshots;

/// <summary>
/// The pagemap words of one process in a snapshot, with frame numbers already replaced by the snapshot's frame ids.
/// Memory holds only what was stored, as segments in address order: literal stretches of words, and runs of one
/// repeated word (untouched pages of a big reservation, or identical words whose frames were hidden) as a single
/// entry. Pages outside every segment read as 0, as the kernel reports unmapped addresses. Apart from the words, the
/// runs of pages that PAGEMAP_SCAN saw as the zero page, where frames were hidden from the capture.
/// </summary>
public sealed class PagemapImage
{
    /// <summary>One stretch of pages: its words start at <see cref="Offset"/> in the word array, or all equal <see cref="Fill"/>.</summary>
    internal readonly record struct Segment(ulong StartPage, ulong Count, long Offset, ulong Fill)
    {
        public ulong EndPage => StartPage + Count;

        public bool IsFill => Offset < 0;
    }

    /// <summary>Consecutive pages [StartPage, StartPage + Count).</summary>
    internal readonly record struct PageRun(ulong StartPage, ulong Count)
    {
        public ulong EndPage => StartPage + Count;
    }

    private readonly Segment[] _segments;
    private readonly ulong[] _words;
    private readonly PageRun[] _zeroRuns;

    internal PagemapImage(Segment[] segments, ulong[] words, PageRun[]? zeroRuns = null)
    {
        _segments = segments;
        _words = words;
        _zeroRuns = zeroRuns ?? Array.Empty<PageRun>();
        foreach (Segment segment in segments)
        {
            StoredPages += segment.Count;
        }
        foreach (PageRun run in _zeroRuns)
        {
            ScannedZeroPages += run.Count;
        }
    }

    public static readonly PagemapImage Empty = new(Array.Empty<Segment>(), Array.Empty<ulong>());

    /// <summary>How many pages the image describes, read from the kernel at capture.</summary>
    public ulong StoredPages { get; }

    /// <summary>How many pages PAGEMAP_SCAN saw as the zero page at capture (only where frames were hidden).</summary>
    public ulong ScannedZeroPages { get; }

    /// <summary>Words held in memory: the literal stretches; runs of one word cost a segment each.</summary>
    public long WordsInMemory => _words.LongLength;

    internal IReadOnlyList<Segment> Segments => _segments;

    /// <summary>The pages PAGEMAP_SCAN saw as the zero page, in address order.</summary>
    internal IReadOnlyList<PageRun> ZeroRuns => _zeroRuns;

    internal ReadOnlySpan<ulong> WordsOf(in Segment segment) => _words.AsSpan((int)segment.Offset, (int)segment.Count);

    /// <summary>
    /// Marks in <paramref name="zero"/> the pages from <paramref name="firstPage"/> on that PAGEMAP_SCAN saw as the zero
    /// page.
    /// </summary>
    internal void ZeroPagesOf(ulong firstPage, Span<bool> zero)
    {
        zero.Clear();
        ulong endPage = firstPage + (ulong)zero.Length;
        for (int r = FirstZeroRunEndingAfter(firstPage); r < _zeroRuns.Length && _zeroRuns[r].StartPage < endPage; r++)
        {
            ulong from = Math.Max(firstPage, _zeroRuns[r].StartPage);
            ulong to = Math.Min(endPage, _zeroRuns[r].EndPage);
            zero[(int)(from - firstPage)..(int)(to - firstPage)].Fill(true);
        }
    }

    /// <summary>
    /// Fills <paramref name="words"/> from <paramref name="firstPage"/> on, as a pread of the pagemap would. Returns how
    /// many were filled: fewer only at the end of the user half of the address space.
    /// </summary>
    public int Read(ulong firstPage, Span<ulong> words)
    {
        if (firstPage >= SnapshotFormat.UserPages)
        {
            return 0;
        }
        int count = (int)Math.Min((ulong)words.Length, SnapshotFormat.UserPages - firstPage);
        words = words[..count];
        ulong endPage = firstPage + (ulong)count;
        int index = FirstEndingAfter(firstPage);
        ulong page = firstPage;
        for (; index < _segments.Length && _segments[index].StartPage < endPage; index++)
        {
            Segment segment = _segments[index];
            if (segment.StartPage > page)
            {
                words.Slice((int)(page - firstPage), (int)(segment.StartPage - page)).Clear();
                page = segment.StartPage;
            }
            int n = (int)(Math.Min(segment.EndPage, endPage) - page);
            Span<ulong> target = words.Slice((int)(page - firstPage), n);
            if (segment.IsFill)
            {
                target.Fill(segment.Fill);
            }
            else
            {
                _words.AsSpan((int)(segment.Offset + (long)(page - segment.StartPage)), n).CopyTo(target);
            }
            page += (ulong)n;
        }
        words[(int)(page - firstPage)..].Clear();
        return count;
    }

    /// <summary>The categories of <see cref="PageScanQuery"/> this image can answer exactly from the stored bits.</summary>
    public const ulong ScannableCategories = PageCategories.Present | PageCategories.Swapped | PageCategories.PfnZero;

    /// <summary>
    /// Answers a PAGEMAP_SCAN over pages [<paramref name="startPage"/>, <paramref name="endPage"/>) the way the kernel
    /// does: runs of matching pages with equal returned categories, at most <paramref name="regions"/>.Length runs and
    /// <paramref name="maxPages"/> pages (0: no limit). Only <see cref="ScannableCategories"/> may be asked for. A page
    /// is the zero page when PAGEMAP_SCAN said so at capture, or when it maps <paramref name="zeroFrameId"/> (not 0).
    /// Returns the runs written; <paramref name="walkEndPage"/> is where the scan stopped.
    /// </summary>
    public int Scan(ulong startPage, ulong endPage, PageScanQuery query, ulong maxPages, Span<PageRegion> regions, out ulong walkEndPage,
        ulong zeroFrameId = 0)
    {
        var scan = new ScanState(query, maxPages, regions);
        ulong page = startPage;
        int zeroRun = FirstZeroRunEndingAfter(startPage);
        for (int index = FirstEndingAfter(startPage); index < _segments.Length && page < endPage; index++)
        {
            Segment segment = _segments[index];
            if (segment.StartPage >= endPage)
            {
                break;
            }
            if (segment.StartPage > page && !scan.Add(page, segment.StartPage - page, 0))
            {
                walkEndPage = scan.WalkEnd;
                return scan.Count;
            }
            page = Math.Max(page, segment.StartPage);
            ulong stop = Math.Min(segment.EndPage, endPage);
            if (segment.IsFill)
            {
                ulong categories = Categories(segment.Fill, zeroFrameId);
                // A run of one word may hold zero pages and others alike when frames were hidden: it is split at the
                // zero runs' edges.
                while (page < stop)
                {
                    (ulong pieceEnd, bool zero) = ZeroPiece(ref zeroRun, page, stop);
                    if (!scan.Add(page, pieceEnd - page, categories | (zero ? PageCategories.PfnZero : 0)))
                    {
                        walkEndPage = scan.WalkEnd;
                        return scan.Count;
                    }
                    page = pieceEnd;
                }
                continue;
            }
            ReadOnlySpan<ulong> words = _words.AsSpan((int)(segment.Offset + (long)(page - segment.StartPage)), (int)(stop - page));
            ulong first = page;
            int i = 0;
            while (i < words.Length)
            {
                (ulong pieceEnd, bool zero) = ZeroPiece(ref zeroRun, first + (ulong)i, stop);
                int pieceStop = (int)(pieceEnd - first);
                ulong zeroCategory = zero ? PageCategories.PfnZero : 0;
                while (i < pieceStop)
                {
                    ulong categories = Categories(words[i], zeroFrameId) | zeroCategory;
                    int j = i + 1;
                    while (j < pieceStop && (Categories(words[j], zeroFrameId) | zeroCategory) == categories)
                    {
                        j++;
                    }
                    if (!scan.Add(first + (ulong)i, (ulong)(j - i), categories))
                    {
                        walkEndPage = scan.WalkEnd;
                        return scan.Count;
                    }
                    i = j;
                }
            }
            page = stop;
        }
        if (page < endPage && !scan.Add(page, endPage - page, 0))
        {
            walkEndPage = scan.WalkEnd;
            return scan.Count;
        }
        walkEndPage = endPage;
        return scan.Count;
    }

    private static ulong Categories(ulong word, ulong zeroFrameId)
    {
        bool present = (word >> PagemapWord.PresentBit) != 0;
        return (present ? PageCategories.Present : 0)
            | (((word >> PagemapWord.SwappedBit) & 1) != 0 ? PageCategories.Swapped : 0)
            | (present && zeroFrameId != 0 && (word & PagemapWord.FrameMask) == zeroFrameId ? PageCategories.PfnZero : 0);
    }

    /// <summary>
    /// The end of the piece of [<paramref name="page"/>, <paramref name="stop"/>) that is all zero pages or none, and
    /// which; <paramref name="zeroRun"/> moves along the zero runs as the pages do.
    /// </summary>
    private (ulong End, bool Zero) ZeroPiece(ref int zeroRun, ulong page, ulong stop)
    {
        while (zeroRun < _zeroRuns.Length && _zeroRuns[zeroRun].EndPage <= page)
        {
            zeroRun++;
        }
        if (zeroRun == _zeroRuns.Length || _zeroRuns[zeroRun].StartPage >= stop)
        {
            return (stop, false);
        }
        PageRun run = _zeroRuns[zeroRun];
        return run.StartPage > page ? (run.StartPage, false) : (Math.Min(run.EndPage, stop), true);
    }

    /// <summary>The index of the first zero run that ends after <paramref name="page"/>.</summary>
    private int FirstZeroRunEndingAfter(ulong page)
    {
        int low = 0, high = _zeroRuns.Length;
        while (low < high)
        {
            int middle = (low + high) >>> 1;
            if (_zeroRuns[middle].EndPage <= page)
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

    /// <summary>The index of the first segment that ends after <paramref name="page"/>.</summary>
    private int FirstEndingAfter(ulong page)
    {
        int low = 0, high = _segments.Length;
        while (low < high)
        {
            int middle = (low + high) >>> 1;
            if (_segments[middle].EndPage <= page)
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

    /// <summary>The runs a scan has found so far, merged as the kernel merges them.</summary>
    private ref struct ScanState
    {
        private readonly PageScanQuery _query;
        private readonly ulong _maxPages;
        private readonly Span<PageRegion> _regions;
        private ulong _reported;

        public ScanState(PageScanQuery query, ulong maxPages, Span<PageRegion> regions)
        {
            _query = query;
            _maxPages = maxPages;
            _regions = regions;
            _reported = 0;
            Count = 0;
            WalkEnd = 0;
        }

        public int Count { get; private set; }

        /// <summary>The page where the scan stopped, once <see cref="Add"/> has returned false.</summary>
        public ulong WalkEnd { get; private set; }

        /// <summary>Adds <paramref name="pages"/> pages with <paramref name="categories"/>; false once the scan must stop.</summary>
        public bool Add(ulong page, ulong pages, ulong categories)
        {
            bool matches = (categories & _query.Required) == _query.Required
                && (_query.AnyOf == 0 || (categories & _query.AnyOf) != 0);
            if (!matches || pages == 0)
            {
                return true;
            }
            if (_maxPages != 0)
            {
                pages = Math.Min(pages, _maxPages - _reported);
            }
            ulong returned = categories & _query.Returned;
            ulong start = page << PageGeometry.PageShift;
            ulong end = (page + pages) << PageGeometry.PageShift;
            if (Count > 0 && _regions[Count - 1].End == start && _regions[Count - 1].Categories == returned)
            {
                _regions[Count - 1].End = end;
            }
            else if (Count == _regions.Length)
            {
                WalkEnd = page;
                return false;
            }
            else
            {
                _regions[Count++] = new PageRegion { Start = start, End = end, Categories = returned };
            }
            _reported += pages;
            if (_maxPages != 0 && _reported == _maxPages)
            {
                WalkEnd = page + pages;
                return false;
            }
            return true;
        }
    }
}
