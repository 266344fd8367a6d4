using System;

namespace CowPages.Walk;

/// <summary>Which pages of a process a walk covers: a mapping filter and an optional address range.</summary>
public sealed class PageSelection
{
    /// <summary>Everything: every mapping, every address.</summary>
    public static readonly PageSelection All = new(null, null, null);

    /// <param name="mappingFilter">Chooses mappings, typically by wildcard on <see cref="MemoryMapping.Name"/>; null takes all.</param>
    /// <param name="startAddress">The first address; rounded down to its page.</param>
    /// <param name="pageCount">How many pages from <paramref name="startAddress"/>; null means to the end of the address space.</param>
    /// <exception cref="ArgumentOutOfRangeException">The range is empty or runs past the 64-bit address space.</exception>
    public PageSelection(Func<MemoryMapping, bool>? mappingFilter, ulong? startAddress, ulong? pageCount)
    {
        MappingFilter = mappingFilter;
        Start = (startAddress ?? 0) & ~(PageGeometry.PageSize - 1);
        End = ulong.MaxValue;
        if (pageCount is ulong count)
        {
            if (count == 0)
            {
                throw new ArgumentOutOfRangeException(nameof(pageCount), "The page count must be at least 1.");
            }
            ulong maxPages = (ulong.MaxValue - Start) / PageGeometry.PageSize;
            if (count > maxPages)
            {
                throw new ArgumentOutOfRangeException(nameof(pageCount),
                    $"{count} pages from 0x{Start:x} run past the end of the 64-bit address space.");
            }
            End = Start + count * PageGeometry.PageSize;
        }
    }

    public Func<MemoryMapping, bool>? MappingFilter { get; }

    /// <summary>The first selected address, page-aligned.</summary>
    public ulong Start { get; }

    /// <summary>The address just past the selection; <see cref="ulong.MaxValue"/> when unbounded.</summary>
    public ulong End { get; }

    /// <summary>The part of <paramref name="mapping"/> this selection covers, or null if none.</summary>
    public (ulong Start, ulong End)? Clip(MemoryMapping mapping)
    {
        if (MappingFilter is not null && !MappingFilter(mapping))
        {
            return null;
        }
        ulong start = Math.Max(mapping.Start, Start);
        ulong end = Math.Min(mapping.End, End);
        return start < end ? (start, end) : null;
    }
}
