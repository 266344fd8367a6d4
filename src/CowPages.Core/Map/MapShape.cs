namespace CowPages.Map;

/// <summary>
/// How a map is laid out: how many cells a row holds, how many extra rows long ranges may wrap onto in all, and,
/// optionally, a fixed number of pages per cell instead of the scale chosen to fit.
/// </summary>
public readonly record struct MapShape(int CellsPerRow, int ExtraRows, ulong? PagesPerCell = null)
{
    /// <summary>The report's SVG: wide rows, and room for long ranges to wrap.</summary>
    public static MapShape Report => new(128, 64);
}
