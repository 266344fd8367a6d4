using System;
using CowPages.Decoding;
using CowPages.Sources;
using CowPages.Walk;

namespace CowPages.Summary;

/// <summary>
/// Finds which present pages of a chunk are the shared zero page when there are no kpage* flags to say so: by PFN
/// where frames are visible, otherwise with PAGEMAP_SCAN's PAGE_IS_PFNZERO (Linux 6.7+), which needs no privilege.
/// Without either, <see cref="Known"/> is false and the caller reconciles with the kernel's smaps afterwards.
/// </summary>
internal sealed class ZeroPageFinder
{
    private const int Regions = 256;

    private static readonly PageScanQuery ZeroPages = new(PageCategories.PfnZero, 0, PageCategories.PfnZero);

    private readonly IProcessSource _process;
    private readonly IProcfsSource _source;
    private readonly PageRegion[] _regions = new PageRegion[Regions];
    private bool? _byPfn;

    internal ZeroPageFinder(IProcfsSource source, IProcessSource process)
    {
        _source = source;
        _process = process;
    }

    /// <summary>True while zero pages can be told apart page by page.</summary>
    internal bool Known => _byPfn == true || _process.CanScan;

    /// <summary>
    /// Marks in <paramref name="zero"/> (one flag per page of the chunk) the pages that map the zero page; false when
    /// they cannot be found. Only private anonymous mappings hold the zero page, and never as an exclusive page.
    /// </summary>
    internal bool Find(in PagemapChunk chunk, Span<bool> zero)
    {
        zero = zero[..chunk.Count];
        zero.Clear();
        if (!NeedsLook(chunk))
        {
            return true;
        }
        _byPfn ??= _source.FramesVisible && _source.ZeroPfn != 0;
        if (_byPfn.Value)
        {
            ulong zeroPfn = _source.ZeroPfn;
            for (int i = 0; i < chunk.Count; i++)
            {
                zero[i] = chunk[i].Present && chunk[i].Pfn == zeroPfn;
            }
            return true;
        }
        if (!_process.CanScan)
        {
            return false;
        }
        ulong at = chunk.FirstAddress, end = chunk.AddressOf(chunk.Count);
        while (at < end)
        {
            int found = _process.ScanPagemap(at, end, ZeroPages, 0, _regions, out ulong walkEnd);
            if (found < 0)
            {
                zero.Clear();
                return false;
            }
            for (int r = 0; r < found; r++)
            {
                int first = (int)PageGeometry.PageOf(Math.Max(_regions[r].Start, chunk.FirstAddress) - chunk.FirstAddress);
                int last = (int)PageGeometry.PageOf(Math.Min(_regions[r].End, end) - chunk.FirstAddress);
                zero[first..last].Fill(true);
            }
            if (walkEnd <= at)
            {
                break;
            }
            at = walkEnd;
        }
        return true;
    }

    /// <summary>Only a private anonymous chunk with a present, non-exclusive anonymous page can hold the zero page.</summary>
    private static bool NeedsLook(in PagemapChunk chunk)
    {
        if (!chunk.Mapping.IsPrivateAnonymous)
        {
            return false;
        }
        foreach (ulong raw in chunk.Words)
        {
            var word = new PagemapWord(raw);
            if (word.Present && !word.Exclusive && !word.FileOrSharedAnon)
            {
                return true;
            }
        }
        return false;
    }
}
