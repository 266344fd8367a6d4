using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using CowPages.Fork;
using CowPages.Reporting;
using CowPages.Sources;
using CowPages.Walk;

namespace CowPages.Map;

/// <summary>
/// Draws the map of a process compared with its reference (by default its parent): the same comparison as
/// Compare-ForkPages, in one pass over both pagemaps, with each page counted into its cell instead of its range.
/// </summary>
public static class ForkMapAnalysis
{
    /// <summary>The map of every range <paramref name="selection"/> covers.</summary>
    /// <param name="referenceId">The process to compare with; null for the difference's parent (its PPid).</param>
    /// <exception cref="ProcfsException">Either process is missing, unreadable, exits meanwhile, or there is no parent.</exception>
    public static CowMap Map(IProcfsSource source, int differenceId, int? referenceId, PageSelection selection, MapShape shape,
        IScanObserver observer, CancellationToken cancel = default)
    {
        using IProcessSource difference = source.OpenProcess(differenceId);
        int parentId = referenceId ?? difference.ReadStatus().ParentId;
        if (parentId <= 0)
        {
            // Only init and kthreadd have no parent; kthreadd has no user memory to draw.
            if (difference.ReadMaps().Count > 0)
            {
                throw ProcfsException.NoParent(differenceId, source.Name);
            }
            return new CowMapBuilder(0, differenceId, Array.Empty<MapRange>(), shape).Build(null);
        }
        using IProcessSource reference = source.OpenProcess(parentId);
        using ForkComparer comparer = ForkComparer.Open(source, reference, difference, selection);
        var plan = comparer.Segments.Select(s => (s, MapRange.Of(s))).ToList();
        var builder = new CowMapBuilder(comparer.ReferenceId, differenceId, plan.Select(p => p.Item2), shape);
        Walk(builder, comparer, difference, plan, observer, cancel);
        return builder.Build(comparer.Method);
    }

    /// <summary>
    /// The map of the ranges that Compare-ForkPages reported, all for one pair of processes: each range's pages are
    /// read again to place them. A range that no longer lines up with both processes' mappings keeps its reported
    /// counts, spread evenly (<see cref="MapRange.Placed"/> false).
    /// </summary>
    /// <exception cref="ProcfsException">Either process is gone or unreadable: draw them with <see cref="FromCounts"/>.</exception>
    public static CowMap MapRanges(IProcfsSource source, IReadOnlyList<ForkComparison> comparisons, MapShape shape,
        IScanObserver observer, CancellationToken cancel = default)
    {
        (int referenceId, int differenceId) = PairOf(comparisons);
        ulong start = comparisons.Min(c => c.Start), end = comparisons.Max(c => c.End);
        using IProcessSource difference = source.OpenProcess(differenceId);
        using IProcessSource reference = source.OpenProcess(referenceId);
        var selection = new PageSelection(null, start, PageGeometry.PageOf(end - start));
        using ForkComparer comparer = ForkComparer.Open(source, reference, difference, selection);
        List<ForkSegment> compared = comparer.Segments.Where(s => s.Side == ForkMappingSide.Both).ToList();

        var ranges = new List<MapRange>(comparisons.Count);
        var plan = new List<(ForkSegment, MapRange)>();
        var spread = new List<(MapRange, ForkStateCounts)>();
        foreach (ForkComparison comparison in comparisons)
        {
            MapRange range = MapRange.Of(comparison);
            ranges.Add(range);
            if (comparison.MappedIn != ForkMappingSide.Both)
            {
                continue;
            }
            List<ForkSegment> parts = Covering(compared, comparison);
            if (parts.Count > 0)
            {
                plan.AddRange(parts.Select(p => (p, range)));
            }
            else
            {
                spread.Add((range, StateCounts.Of(comparison)));
            }
        }
        var builder = new CowMapBuilder(referenceId, differenceId, ranges, shape);
        Walk(builder, comparer, difference, plan, observer, cancel);
        foreach ((MapRange range, ForkStateCounts counts) in spread)
        {
            builder.Spread(range, counts);
        }
        return builder.Build(comparer.Method);
    }

    /// <summary>
    /// The map of the ranges Compare-ForkPages reported, from their counts alone, for when the processes are gone:
    /// each range's pages are spread evenly over its cells.
    /// </summary>
    public static CowMap FromCounts(IReadOnlyList<ForkComparison> comparisons, MapShape shape)
    {
        (int referenceId, int differenceId) = PairOf(comparisons);
        var ranges = comparisons.Select(c => (Comparison: c, Range: MapRange.Of(c))).ToList();
        var builder = new CowMapBuilder(referenceId, differenceId, ranges.Select(r => r.Range), shape);
        foreach ((ForkComparison comparison, MapRange range) in ranges)
        {
            if (comparison.MappedIn == ForkMappingSide.Both)
            {
                builder.Spread(range, StateCounts.Of(comparison));
            }
        }
        return builder.Build(comparisons[0].Method);
    }

    private static void Walk(CowMapBuilder builder, ForkComparer comparer, IProcessSource difference,
        List<(ForkSegment Segment, MapRange Range)> plan, IScanObserver observer, CancellationToken cancel)
    {
        ulong total = 0, done = 0;
        foreach ((ForkSegment segment, _) in plan)
        {
            total += segment.Side == ForkMappingSide.Both ? segment.Pages : 0;
        }
        bool noticed = false;
        foreach ((ForkSegment segment, MapRange range) in plan)
        {
            if (segment.Side != ForkMappingSide.Both)
            {
                continue;
            }
            noticed = noticed || ForkAnalysis.NoticeApproximation(comparer, observer);
            observer.Progress(new ScanProgress(comparer.DifferenceId, done, total, segment.Mapping, segment.Start));
            foreach (ForkChunk chunk in comparer.Chunks(segment, cancel))
            {
                builder.Add(range, comparer, chunk);
            }
            done += segment.Pages;
        }
        if (!noticed)
        {
            ForkAnalysis.NoticeApproximation(comparer, observer);
        }
        foreach (AddressRange changed in comparer.ChangedRanges)
        {
            builder.AddNotCompared(changed.Start, changed.End);
        }
        if (comparer.ChangedRanges.Count > 0)
        {
            observer.Notice(ScanNotice.RangesChanged(comparer.DifferenceId, difference.PagemapPath, comparer.ChangedRanges));
        }
    }

    /// <summary>
    /// The compared segments that together cover exactly the comparison's range under its mapping name, clipped to it;
    /// empty if the range no longer lines up (a gap, or another mapping there now).
    /// </summary>
    private static List<ForkSegment> Covering(List<ForkSegment> compared, ForkComparison comparison)
    {
        var parts = new List<ForkSegment>();
        ulong next = comparison.Start;
        foreach (ForkSegment segment in compared)
        {
            if (segment.End <= next || segment.Start >= comparison.End)
            {
                continue;
            }
            if (segment.Start > next || segment.Mapping.Name != comparison.Mapping)
            {
                return new List<ForkSegment>();
            }
            ulong to = Math.Min(segment.End, comparison.End);
            parts.Add(new ForkSegment(next, to, segment.Reference, segment.Difference, ForkMappingSide.Both));
            next = to;
        }
        return next == comparison.End ? parts : new List<ForkSegment>();
    }

    private static (int ReferenceId, int DifferenceId) PairOf(IReadOnlyList<ForkComparison> comparisons)
    {
        if (comparisons.Count == 0)
        {
            throw new ArgumentException("A map needs at least one range.", nameof(comparisons));
        }
        (int referenceId, int differenceId) = (comparisons[0].ReferenceId, comparisons[0].DifferenceId);
        if (comparisons.Any(c => c.ReferenceId != referenceId || c.DifferenceId != differenceId))
        {
            throw new ArgumentException("All ranges of a map must compare the same two processes.", nameof(comparisons));
        }
        return (referenceId, differenceId);
    }
}
