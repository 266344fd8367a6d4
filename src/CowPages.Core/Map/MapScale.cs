using System;
using System.Collections.Generic;

namespace CowPages.Map;

/// <summary>
/// Chooses how many pages a cell stands for. Cells sit on a grid of whole multiples of that size from address 0, so
/// a 2 MiB huge page fills exactly one cell once a cell is 2 MiB.
/// </summary>
public static class MapScale
{
    /// <summary>The coarsest scale tried: 2^40 pages (4 PiB) per cell covers any 64-bit address space in a row.</summary>
    private const int MaxShift = 40;

    /// <summary>
    /// The fixed scale of <paramref name="shape"/> if it has one; otherwise the smallest power of two such that the
    /// ranges, one row each and wrapped at <see cref="MapShape.CellsPerRow"/> cells, need at most
    /// <see cref="MapShape.ExtraRows"/> rows beyond one per range.
    /// </summary>
    public static ulong PagesPerCell(IReadOnlyList<(ulong StartPage, ulong EndPage)> ranges, MapShape shape)
    {
        if (shape.CellsPerRow < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(shape), "A row needs at least one cell.");
        }
        if (shape.PagesPerCell is ulong fixedScale)
        {
            return Math.Max(1, fixedScale);
        }
        for (int shift = 0; shift < MaxShift; shift++)
        {
            ulong pagesPerCell = 1UL << shift;
            ulong extra = 0;
            foreach ((ulong start, ulong end) in ranges)
            {
                extra += RowsOf(start, end, pagesPerCell, shape.CellsPerRow) - 1;
            }
            if (extra <= (ulong)Math.Max(0, shape.ExtraRows))
            {
                return pagesPerCell;
            }
        }
        return 1UL << MaxShift;
    }

    /// <summary>The first grid cell a range touches.</summary>
    public static ulong FirstCell(ulong startPage, ulong pagesPerCell) => startPage / pagesPerCell;

    /// <summary>How many grid cells a non-empty range touches.</summary>
    public static ulong CellsOf(ulong startPage, ulong endPage, ulong pagesPerCell) =>
        endPage <= startPage ? 0 : (endPage - 1) / pagesPerCell - startPage / pagesPerCell + 1;

    /// <summary>How many rows a range takes, at least one.</summary>
    public static ulong RowsOf(ulong startPage, ulong endPage, ulong pagesPerCell, int cellsPerRow) =>
        Math.Max(1, (CellsOf(startPage, endPage, pagesPerCell) + (ulong)cellsPerRow - 1) / (ulong)cellsPerRow);
}
