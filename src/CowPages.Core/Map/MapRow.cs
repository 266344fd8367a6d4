namespace CowPages.Map;

/// <summary>One row of the map: up to a row's width of one range's cells.</summary>
public readonly struct MapRow
{
    internal MapRow(MapRange range, int firstCell, int cellCount, ulong pagesPerCell)
    {
        Range = range;
        FirstCell = firstCell;
        CellCount = cellCount;
        ulong rowStart = PageGeometry.AddressOf((range.FirstCell + (ulong)firstCell) * pagesPerCell);
        ulong rowEnd = PageGeometry.AddressOf((range.FirstCell + (ulong)(firstCell + cellCount)) * pagesPerCell);
        Start = rowStart > range.Start ? rowStart : range.Start;
        End = rowEnd < range.End ? rowEnd : range.End;
        ForkStateCounts counts = default;
        ulong notCompared = 0;
        for (int i = firstCell; i < firstCell + cellCount; i++)
        {
            StateCounts.AddAll(ref counts, range.Cells[i].Counts);
            notCompared += range.Cells[i].NotCompared;
        }
        Counts = counts;
        NotCompared = notCompared;
    }

    public MapRange Range { get; }

    /// <summary>The index in <see cref="MapRange.Cells"/> of the row's first cell.</summary>
    public int FirstCell { get; }

    public int CellCount { get; }

    /// <summary>The first address of the row, within its range.</summary>
    public ulong Start { get; }

    /// <summary>The address just past the row, within its range.</summary>
    public ulong End { get; }

    /// <summary>True for the second and later rows of a range.</summary>
    public bool Continues => FirstCell > 0;

    public ForkStateCounts Counts { get; }

    public ulong NotCompared { get; }

    public MapCell Cell(int index) => Range.Cells[FirstCell + index];
}
