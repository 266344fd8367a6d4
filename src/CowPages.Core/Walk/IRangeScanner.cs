using System;
using CowPages.Sources;

namespace CowPages.Walk;

/// <summary>The one call a <see cref="ScanWalk"/> makes: a window's PAGEMAP_SCAN, of one process or of two.</summary>
internal interface IRangeScanner
{
    /// <summary>
    /// Scans pages [<paramref name="page"/>, <paramref name="endPage"/>) for present or swapped ones, as far as one
    /// window: where that ends is the scanner's to choose (its run buffers, a page budget), and it says so in
    /// <paramref name="windowEnd"/>. The runs come out as one address-ordered list per process; a single process
    /// leaves <paramref name="second"/> empty.
    /// </summary>
    ScanOutcome Scan(ulong page, ulong endPage, out ReadOnlySpan<PageRegion> first, out ReadOnlySpan<PageRegion> second,
        out ulong windowEnd);
}

internal enum ScanOutcome
{
    /// <summary>The runs are out, and the window is [page, windowEnd).</summary>
    Found,

    /// <summary>A side cannot scan after all, or the scan went nowhere: the rest of the range is read plainly.</summary>
    Failed,
}
