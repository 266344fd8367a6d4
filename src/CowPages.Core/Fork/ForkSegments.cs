using System;
using System.Collections.Generic;
using CowPages.Walk;

namespace CowPages.Fork;

/// <summary>Lines up two processes' mapping lists, in one sweep over their sorted boundaries (linear in the mappings).</summary>
public static class ForkSegments
{
    /// <summary>
    /// Splits the address space into segments where each side's covering mapping (or its absence) is constant,
    /// keeps what <paramref name="selection"/> covers, and labels each segment Both (same name on both sides) or
    /// one-sided. Two different mappings at the same addresses give two one-sided segments.
    /// </summary>
    public static List<ForkSegment> Build(IReadOnlyList<MemoryMapping> reference, IReadOnlyList<MemoryMapping> difference, PageSelection selection)
    {
        var boundaries = new List<ulong>((reference.Count + difference.Count) * 2);
        foreach (MemoryMapping m in reference)
        {
            boundaries.Add(m.Start);
            boundaries.Add(m.End);
        }
        foreach (MemoryMapping m in difference)
        {
            boundaries.Add(m.Start);
            boundaries.Add(m.End);
        }
        boundaries.Sort();

        var segments = new List<ForkSegment>();
        int r = 0, d = 0;
        ulong? openStart = null;
        MemoryMapping? openReference = null, openDifference = null;
        for (int b = 0; b + 1 < boundaries.Count; b++)
        {
            ulong from = boundaries[b], to = boundaries[b + 1];
            if (from == to || from >= PageGeometry.KernelHalf)
            {
                continue;
            }
            MemoryMapping? rm = Covering(reference, ref r, from);
            MemoryMapping? dm = Covering(difference, ref d, from);
            if (openStart is not null && ReferenceEquals(rm, openReference) && ReferenceEquals(dm, openDifference))
            {
                continue;
            }
            Close(segments, openStart, from, openReference, openDifference, selection);
            (openStart, openReference, openDifference) = (from, rm, dm);
        }
        if (openStart is not null && boundaries.Count > 0)
        {
            Close(segments, openStart, Math.Min(boundaries[^1], PageGeometry.KernelHalf), openReference, openDifference, selection);
        }
        return segments;
    }

    private static MemoryMapping? Covering(IReadOnlyList<MemoryMapping> mappings, ref int cursor, ulong address)
    {
        while (cursor < mappings.Count && mappings[cursor].End <= address)
        {
            cursor++;
        }
        return cursor < mappings.Count && mappings[cursor].Start <= address ? mappings[cursor] : null;
    }

    private static void Close(List<ForkSegment> segments, ulong? start, ulong end, MemoryMapping? reference, MemoryMapping? difference, PageSelection selection)
    {
        if (start is not ulong from || from >= end)
        {
            return;
        }
        if (reference is not null && difference is not null && reference.Name == difference.Name)
        {
            Add(segments, from, end, reference, difference, ForkMappingSide.Both, selection);
            return;
        }
        if (reference is not null)
        {
            Add(segments, from, end, reference, null, ForkMappingSide.ReferenceOnly, selection);
        }
        if (difference is not null)
        {
            Add(segments, from, end, null, difference, ForkMappingSide.DifferenceOnly, selection);
        }
    }

    private static void Add(List<ForkSegment> segments, ulong start, ulong end, MemoryMapping? reference, MemoryMapping? difference, ForkMappingSide side, PageSelection selection)
    {
        MemoryMapping mapping = reference ?? difference!;
        if (selection.MappingFilter is not null && !selection.MappingFilter(mapping))
        {
            return;
        }
        ulong clippedStart = Math.Max(start, selection.Start);
        ulong clippedEnd = Math.Min(end, selection.End);
        if (clippedStart < clippedEnd)
        {
            segments.Add(new ForkSegment(clippedStart, clippedEnd, reference, difference, side));
        }
    }
}
