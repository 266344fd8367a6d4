using System;
using CowPages.Fork;

namespace CowPages.Map;

/// <summary>
/// One range of the map: a range of a mapping as Compare-ForkPages reports it, and its cells. A long range takes
/// several rows.
/// </summary>
public sealed class MapRange
{
    internal MapRange(string mapping, string permissions, ulong start, ulong end, ForkMappingSide mappedIn)
    {
        if (end <= start)
        {
            throw new ArgumentOutOfRangeException(nameof(end), $"The range 0x{start:x}-0x{end:x} is empty.");
        }
        Mapping = mapping;
        Permissions = permissions;
        Start = start;
        End = end;
        MappedIn = mappedIn;
    }

    internal static MapRange Of(ForkSegment segment) =>
        new(segment.Mapping.Name, segment.Mapping.Permissions, segment.Start, segment.End, segment.Side);

    internal static MapRange Of(ForkComparison comparison) =>
        new(comparison.Mapping, comparison.Permissions, comparison.Start, comparison.End, comparison.MappedIn);

    public string Mapping { get; }

    /// <summary>The mapping's permissions; empty when the map was drawn from ForkPage objects, which do not carry them.</summary>
    public string Permissions { get; }

    public ulong Start { get; }

    public ulong End { get; }

    public ForkMappingSide MappedIn { get; }

    public ulong Pages => PageGeometry.PageOf(End - Start);

    /// <summary>The grid index of the first cell (address / cell size).</summary>
    public ulong FirstCell { get; internal set; }

    /// <summary>The range's cells, from its first grid cell to its last; the first and last may be partly outside it.</summary>
    public MapCell[] Cells { get; internal set; } = Array.Empty<MapCell>();

    /// <summary>The range's pages by state, summed over its cells.</summary>
    public ForkStateCounts Counts { get; internal set; }

    /// <summary>Pages that were not compared: the whole range when one side maps it, or parts that changed meanwhile.</summary>
    public ulong NotCompared { get; internal set; }

    /// <summary>
    /// False when the range's counts were spread evenly over its cells because where its pages lie could not be read
    /// (the processes had exited, or the range no longer lined up).
    /// </summary>
    public bool Placed { get; internal set; } = true;

    public ulong CopiedBytes => PageGeometry.Bytes(Counts.Copied);

    public ulong SharedBytes => PageGeometry.Bytes(Counts.Shared);
}
