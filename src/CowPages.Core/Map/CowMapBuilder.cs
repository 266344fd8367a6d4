using System;
using System.Collections.Generic;
using System.Linq;
using CowPages.Fork;

namespace CowPages.Map;

/// <summary>
/// Counts pages into the cells of a map. The ranges come first, so that the scale is known before any page is read;
/// the pages then come either chunk by chunk from a comparison, or as runs of one state (from ForkPage objects), or,
/// where their positions are unknown, as a range's totals spread evenly.
/// </summary>
public sealed class CowMapBuilder
{
    /// <summary>More cells than this means a fixed scale far too fine for the ranges; the caller should pick a coarser one.</summary>
    public const ulong MaxCells = 1UL << 22;

    private readonly int _referenceId;
    private readonly int _differenceId;
    private readonly int _cellsPerRow;
    private readonly List<MapRange> _ranges;
    private readonly List<MapRange> _compared;
    private int _cursor;

    /// <exception cref="ArgumentOutOfRangeException">A fixed scale would need more than <see cref="MaxCells"/> cells.</exception>
    public CowMapBuilder(int referenceId, int differenceId, IEnumerable<MapRange> ranges, MapShape shape)
    {
        _referenceId = referenceId;
        _differenceId = differenceId;
        _cellsPerRow = shape.CellsPerRow;
        _ranges = ranges.OrderBy(r => r.Start).ThenBy(r => r.MappedIn).ToList();
        _compared = _ranges.Where(r => r.MappedIn == ForkMappingSide.Both).ToList();
        PagesPerCell = MapScale.PagesPerCell(_ranges.Select(r => (PageGeometry.PageOf(r.Start), PageGeometry.PageOf(r.End))).ToList(), shape);
        ulong cells = 0;
        foreach (MapRange range in _ranges)
        {
            cells += MapScale.CellsOf(PageGeometry.PageOf(range.Start), PageGeometry.PageOf(range.End), PagesPerCell);
        }
        if (cells > MaxCells)
        {
            throw new ArgumentOutOfRangeException(nameof(shape),
                $"{cells} cells of {PageGeometry.Bytes(PagesPerCell)} bytes would be needed; choose a larger cell size.");
        }
        foreach (MapRange range in _ranges)
        {
            ulong startPage = PageGeometry.PageOf(range.Start), endPage = PageGeometry.PageOf(range.End);
            range.FirstCell = MapScale.FirstCell(startPage, PagesPerCell);
            range.Cells = new MapCell[MapScale.CellsOf(startPage, endPage, PagesPerCell)];
            if (range.MappedIn != ForkMappingSide.Both)
            {
                ForEachSpan(range, startPage, endPage - startPage, (cells, index, pages) => cells[index].NotCompared += pages);
            }
        }
    }

    public ulong PagesPerCell { get; }

    /// <summary>Classifies every page of a chunk of <paramref name="range"/> and counts it into its cell.</summary>
    internal void Add(MapRange range, ForkComparer comparer, in ForkChunk chunk)
    {
        MapCell[] cells = range.Cells;
        ulong page = PageGeometry.PageOf(chunk.FirstAddress);
        int i = 0;
        while (i < chunk.Count)
        {
            ulong cell = page / PagesPerCell;
            int n = (int)Math.Min((ulong)(chunk.Count - i), (cell + 1) * PagesPerCell - page);
            ref ForkStateCounts counts = ref cells[cell - range.FirstCell].Counts;
            for (int end = i + n; i < end; i++)
            {
                counts.Add(comparer.Classify(chunk, i));
            }
            page += (ulong)n;
        }
    }

    /// <summary>
    /// Counts <paramref name="pages"/> pages from <paramref name="address"/>, all in <paramref name="state"/>. Pages
    /// outside every compared range are not counted; returns how many were.
    /// </summary>
    public ulong Add(ulong address, ulong pages, ForkPageState state)
    {
        ulong counted = 0;
        ulong page = PageGeometry.PageOf(address), end = page + pages;
        while (page < end && Find(PageGeometry.AddressOf(page)) is MapRange range)
        {
            ulong inRange = Math.Min(end, PageGeometry.PageOf(range.End)) - page;
            ForEachSpan(range, page, inRange, (cells, index, n) => StateCounts.Add(ref cells[index].Counts, state, n));
            counted += inRange;
            page += inRange;
        }
        return counted;
    }

    /// <summary>Marks pages of compared ranges as not compared: they changed while they were read.</summary>
    public void AddNotCompared(ulong start, ulong end)
    {
        foreach (MapRange range in _compared)
        {
            ulong from = Math.Max(start, range.Start), to = Math.Min(end, range.End);
            if (from < to)
            {
                ForEachSpan(range, PageGeometry.PageOf(from), PageGeometry.PageOf(to - from), (cells, index, n) => cells[index].NotCompared += n);
            }
        }
    }

    /// <summary>
    /// Spreads a range's page counts over its cells in proportion to each cell's share of the range, when where the
    /// pages lie is unknown. Totals stay exact; the range is marked not <see cref="MapRange.Placed"/>.
    /// </summary>
    public void Spread(MapRange range, in ForkStateCounts counts)
    {
        range.Placed = false;
        ulong startPage = PageGeometry.PageOf(range.Start), total = range.Pages;
        ulong[] byState = { counts.Shared, counts.Zero, counts.Copied, counts.ReferenceOnly, counts.DifferenceOnly, counts.Swapped, counts.NotPresent };
        var given = new ulong[byState.Length];
        ulong before = 0;
        ForEachSpan(range, startPage, total, (cells, index, n) =>
        {
            before += n;
            for (int s = 0; s < byState.Length; s++)
            {
                // Each state's share of the pages up to this cell's end, so that the rounding never adds up to more or less.
                ulong due = (ulong)((UInt128)byState[s] * before / total);
                StateCounts.Add(ref cells[index].Counts, (ForkPageState)s, due - given[s]);
                given[s] = due;
            }
        });
    }

    public CowMap Build(CowMethod? method)
    {
        foreach (MapRange range in _ranges)
        {
            ForkStateCounts sum = default;
            ulong notCompared = 0;
            foreach (MapCell cell in range.Cells)
            {
                StateCounts.AddAll(ref sum, cell.Counts);
                notCompared += cell.NotCompared;
            }
            range.Counts = sum;
            range.NotCompared = notCompared;
        }
        return new CowMap(_referenceId, _differenceId, method, PagesPerCell, _cellsPerRow, _ranges);
    }

    /// <summary>The compared range holding <paramref name="address"/>; pages usually come in address order, so look near the last one first.</summary>
    private MapRange? Find(ulong address)
    {
        if (_cursor < _compared.Count && _compared[_cursor].Start <= address && address < _compared[_cursor].End)
        {
            return _compared[_cursor];
        }
        if (_cursor + 1 < _compared.Count && _compared[_cursor + 1].Start <= address && address < _compared[_cursor + 1].End)
        {
            return _compared[++_cursor];
        }
        int lo = 0, hi = _compared.Count - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            MapRange range = _compared[mid];
            if (address < range.Start)
            {
                hi = mid - 1;
            }
            else if (address >= range.End)
            {
                lo = mid + 1;
            }
            else
            {
                _cursor = mid;
                return range;
            }
        }
        return null;
    }

    private delegate void SpanAction(MapCell[] cells, ulong index, ulong pages);

    /// <summary>Calls <paramref name="action"/> once per cell that pages [page, page + count) of the range touch.</summary>
    private void ForEachSpan(MapRange range, ulong page, ulong count, SpanAction action)
    {
        ulong end = page + count;
        while (page < end)
        {
            ulong cell = page / PagesPerCell;
            ulong n = Math.Min(end, (cell + 1) * PagesPerCell) - page;
            action(range.Cells, cell - range.FirstCell, n);
            page += n;
        }
    }
}
