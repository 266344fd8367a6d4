using System;
using System.Collections.Generic;

namespace CowPages.Map;

/// <summary>
/// The address-space map of one process compared with its reference: its ranges in address order, each cut into
/// cells of <see cref="PagesPerCell"/> pages counted by state. What Show-CowMap draws and the report's SVG shows.
/// </summary>
public sealed class CowMap
{
    internal CowMap(int referenceId, int differenceId, CowMethod? method, ulong pagesPerCell, int cellsPerRow, IReadOnlyList<MapRange> ranges)
    {
        ReferenceId = referenceId;
        DifferenceId = differenceId;
        Method = method;
        PagesPerCell = pagesPerCell;
        CellsPerRow = cellsPerRow;
        Ranges = ranges;
        ForkStateCounts totals = default;
        foreach (MapRange range in ranges)
        {
            StateCounts.AddAll(ref totals, range.Counts);
        }
        Totals = totals;
    }

    public int ReferenceId { get; }

    public int DifferenceId { get; }

    /// <summary>How the pages were compared; null when the map was drawn from ForkPage objects, which do not say.</summary>
    public CowMethod? Method { get; }

    public ulong PagesPerCell { get; }

    public ulong CellBytes => PageGeometry.Bytes(PagesPerCell);

    public int CellsPerRow { get; }

    public IReadOnlyList<MapRange> Ranges { get; }

    /// <summary>Compared pages by state, over every range.</summary>
    public ForkStateCounts Totals { get; }

    /// <summary>Every row, range by range; a range wider than a row continues on the next.</summary>
    public IEnumerable<MapRow> Rows()
    {
        foreach (MapRange range in Ranges)
        {
            for (int first = 0; first < range.Cells.Length; first += CellsPerRow)
            {
                yield return new MapRow(range, first, Math.Min(CellsPerRow, range.Cells.Length - first), PagesPerCell);
            }
        }
    }
}
