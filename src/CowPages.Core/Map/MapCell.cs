using System;

namespace CowPages.Map;

/// <summary>The pages one cell of the map stands for, counted by state.</summary>
public struct MapCell
{
    public ForkStateCounts Counts;

    /// <summary>Pages of ranges that only one process maps, or that changed while they were read.</summary>
    public ulong NotCompared;

    public readonly ulong Pages => Counts.Total + NotCompared;

    public readonly ulong Count(MapState state) => state switch
    {
        MapState.Shared => Counts.Shared,
        MapState.Zero => Counts.Zero,
        MapState.Copied => Counts.Copied,
        MapState.ReferenceOnly => Counts.ReferenceOnly,
        MapState.DifferenceOnly => Counts.DifferenceOnly,
        MapState.Swapped => Counts.Swapped,
        MapState.NotPresent => Counts.NotPresent,
        _ => NotCompared,
    };

    /// <summary>
    /// How the cell is drawn. The fill is the state most of its other pages are in; copies are drawn over it in
    /// eighths of the cell, rounded up, so that a single copied page among thousands still shows.
    /// </summary>
    public readonly MapLook Look
    {
        get
        {
            ulong pages = Pages;
            if (pages == 0)
            {
                return MapLook.Blank;
            }
            MapState fill = MapState.Copied;
            ulong most = 0;
            for (var state = MapState.Shared; state <= MapState.NotCompared; state++)
            {
                ulong count = Count(state);
                if (state != MapState.Copied && count > most)
                {
                    (fill, most) = (state, count);
                }
            }
            ulong copied = Counts.Copied;
            int eighths = copied == 0 ? 0 : (int)Math.Clamp((copied * 8 + pages - 1) / pages, 1, 8);
            return new MapLook(fill, eighths);
        }
    }
}

/// <summary>
/// What a cell shows: its fill state, and how many eighths of it are drawn as copied (0 to 8). Cells that look the same
/// are drawn as one.
/// </summary>
public readonly record struct MapLook(MapState Fill, int CopiedEighths)
{
    /// <summary>A cell that stands for no page of the range (never drawn, but defined).</summary>
    public static readonly MapLook Blank = new(MapState.NotCompared, 0);

    /// <summary>At least one page copied, but the cell is not drawn as wholly copied.</summary>
    public bool PartlyCopied => CopiedEighths is > 0 and < 8;

    /// <summary>The state the cell reads as at a glance: Copied when (nearly) all its pages are, else its fill.</summary>
    public MapState Dominant => CopiedEighths == 8 ? MapState.Copied : Fill;
}
