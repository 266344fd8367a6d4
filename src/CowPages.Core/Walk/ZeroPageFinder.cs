using System;
using CowPages.Decoding;
using CowPages.Sources;

namespace CowPages.Walk;

/// <summary>
/// Finds which present pages of a chunk are the shared zero page when there are no kpage* flags to say so: by PFN
/// where frames are visible, otherwise with PAGEMAP_SCAN's PAGE_IS_PFNZERO (Linux 6.7+), which needs no privilege.
/// Without either, <see cref="Known"/> is false and the caller reconciles with the kernel's smaps afterwards.
/// </summary>
public sealed class ZeroPageFinder
{
    /// <summary>Runs of zero pages asked of PAGEMAP_SCAN per call: the size of a region buffer handed in.</summary>
    public const int Regions = 256;

    private static readonly PageScanQuery ZeroPages = new(PageCategories.PfnZero, 0, PageCategories.PfnZero);

    private readonly IProcessSource _process;
    private readonly IProcfsSource? _source;
    private readonly PageRegion[] _regions;
    private bool? _byPfn;

    /// <param name="regions">
    /// Where PAGEMAP_SCAN's answers go, at least <see cref="Regions"/> long: a caller that makes a finder per
    /// comparison (a watch, every child at every tick) hands in the same one; null allocates one.
    /// </param>
    public ZeroPageFinder(IProcfsSource source, IProcessSource process, PageRegion[]? regions = null)
    {
        _source = source;
        _process = process;
        _regions = regions ?? new PageRegion[Regions];
    }

    private ZeroPageFinder(IProcessSource process)
    {
        _process = process;
        _regions = new PageRegion[Regions];
        _byPfn = false;
    }

    /// <summary>
    /// A finder that asks PAGEMAP_SCAN only: for a snapshot's capture without frames, which records what the scan says
    /// so that analyses of the snapshot find the zero pages as they would have live.
    /// </summary>
    public static ZeroPageFinder ByScan(IProcessSource process) => new(process);

    /// <summary>True while zero pages can be told apart page by page.</summary>
    public bool Known => _byPfn == true || _process.CanScan;

    /// <summary>
    /// Marks in <paramref name="zero"/> (one flag per page of the chunk) the pages that map the zero page; false when
    /// they cannot be found. Only private anonymous mappings hold the zero page, and never as an exclusive page.
    /// </summary>
    public bool Find(in PagemapChunk chunk, Span<bool> zero) => Find(chunk.Mapping, chunk.FirstAddress, chunk.Words, zero);

    /// <summary>The same for <paramref name="words"/>, the pagemap words of consecutive pages from <paramref name="firstAddress"/>.</summary>
    public bool Find(MemoryMapping mapping, ulong firstAddress, ReadOnlySpan<ulong> words, Span<bool> zero)
    {
        zero = zero[..words.Length];
        zero.Clear();
        if (!mapping.IsPrivateAnonymous || !MayHoldZeroPages(words))
        {
            return true;
        }
        _byPfn ??= _source!.FramesVisible && _source.ZeroPfn != 0;
        if (_byPfn.Value)
        {
            ulong zeroPfn = _source!.ZeroPfn;
            for (int i = 0; i < words.Length; i++)
            {
                var word = new PagemapWord(words[i]);
                zero[i] = word.Present && word.Pfn == zeroPfn;
            }
            return true;
        }
        if (!_process.CanScan)
        {
            return false;
        }
        ulong at = firstAddress, end = firstAddress + PageGeometry.Bytes((ulong)words.Length);
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
                int first = (int)PageGeometry.PageOf(Math.Max(_regions[r].Start, firstAddress) - firstAddress);
                int last = (int)PageGeometry.PageOf(Math.Min(_regions[r].End, end) - firstAddress);
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

    /// <summary>Only a present, non-exclusive anonymous page can be the zero page.</summary>
    private static bool MayHoldZeroPages(ReadOnlySpan<ulong> words)
    {
        foreach (ulong raw in words)
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
