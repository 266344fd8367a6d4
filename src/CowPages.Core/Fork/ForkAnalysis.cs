using System;
using System.Collections.Generic;
using System.Threading;
using CowPages.Reporting;
using CowPages.Sources;
using CowPages.Walk;

namespace CowPages.Fork;

/// <summary>
/// Compares a process (the difference, typically a forked child) with its reference (by default its parent), and
/// yields what Compare-ForkPages writes: one <see cref="ForkComparison"/> per range, or one <see cref="ForkPage"/>
/// per page.
/// </summary>
public static class ForkAnalysis
{
    /// <summary>One <see cref="ForkComparison"/> per range where the two processes' mappings line up the same way.</summary>
    /// <param name="referenceId">The process to compare with; null for the difference's parent (its PPid).</param>
    /// <exception cref="ProcfsException">Either process is missing, unreadable, exits meanwhile, or there is no parent.</exception>
    public static IEnumerable<ForkComparison> CompareRanges(IProcfsSource source, int differenceId, int? referenceId,
        PageSelection selection, IScanObserver observer, CancellationToken cancel = default) =>
        Compare(source, differenceId, referenceId, selection, observer, RangesOf, cancel);

    /// <summary>One <see cref="ForkPage"/> per page of the ranges both processes map, in address order.</summary>
    /// <inheritdoc cref="CompareRanges"/>
    public static IEnumerable<ForkPage> ComparePages(IProcfsSource source, int differenceId, int? referenceId,
        PageSelection selection, IScanObserver observer, CancellationToken cancel = default) =>
        Compare(source, differenceId, referenceId, selection, observer, PagesOf, cancel);

    private static IEnumerable<T> Compare<T>(IProcfsSource source, int differenceId, int? referenceId, PageSelection selection,
        IScanObserver observer, Func<ForkComparer, ForkSegment, CancellationToken, IEnumerable<T>> perSegment, CancellationToken cancel)
    {
        using IProcessSource difference = source.OpenProcess(differenceId);
        int parentId = referenceId ?? difference.ReadStatus().ParentId;
        if (parentId <= 0)
        {
            // Only init and kthreadd have no parent; kthreadd has no user memory to compare.
            if (difference.ReadMaps().Count > 0)
            {
                throw ProcfsException.NoParent(differenceId, source.Name);
            }
            yield break;
        }
        using IProcessSource reference = source.OpenProcess(parentId);
        using ForkComparer comparer = ForkComparer.Open(source, reference, difference, selection);
        bool noticed = false;
        ulong done = 0;
        foreach (ForkSegment segment in comparer.Segments)
        {
            noticed = noticed || NoticeApproximation(comparer, observer);
            observer.Progress(new ScanProgress(differenceId, done, comparer.ComparedPages, segment.Mapping, segment.Start));
            foreach (T item in perSegment(comparer, segment, cancel))
            {
                yield return item;
            }
            if (segment.Side == ForkMappingSide.Both)
            {
                done += segment.Pages;
            }
        }
        if (!noticed)
        {
            NoticeApproximation(comparer, observer);
        }
        if (comparer.ChangedRanges.Count > 0)
        {
            observer.Notice(ScanNotice.RangesChanged(differenceId, difference.PagemapPath, comparer.ChangedRanges));
        }
    }

    private static IEnumerable<ForkComparison> RangesOf(ForkComparer comparer, ForkSegment segment, CancellationToken cancel)
    {
        ForkStateCounts counts = comparer.CountSegment(segment, cancel);
        yield return new ForkComparison(comparer.ReferenceId, comparer.DifferenceId, segment.Mapping, segment.Start, segment.End,
            segment.Side, counts, comparer.Method);
    }

    private static IEnumerable<ForkPage> PagesOf(ForkComparer comparer, ForkSegment segment, CancellationToken cancel)
    {
        string mapping = segment.Mapping.Name;
        foreach (ForkChunk chunk in comparer.Chunks(segment, cancel))
        {
            for (int i = 0; i < chunk.Count; i++)
            {
                ForkPageState state = comparer.Classify(chunk, i);
                yield return new ForkPage(comparer.ReferenceId, comparer.DifferenceId, chunk.AddressOf(i), mapping, state,
                    chunk.Reference(i), chunk.Difference(i), comparer.Method == CowMethod.Pfn);
            }
        }
    }

    internal static bool NoticeApproximation(ForkComparer comparer, IScanObserver observer)
    {
        if (comparer.Method != CowMethod.ExclusiveBit)
        {
            return false;
        }
        observer.Notice(new ScanNotice(ScanNoticeKind.ExclusiveBitMethod, comparer.DifferenceId,
            "Without CAP_SYS_ADMIN the kernel hides PFNs, so pages are compared by their pagemap bits (Method ExclusiveBit). " +
            "Copied is certain where either side's page is exclusive or only one side maps the page cache. Shared means both " +
            "pages are mapped more than once: the same page, or two copies each shared with a third process (a grandchild). " +
            "Zero pages are found with PAGEMAP_SCAN on Linux 6.7 and later, and count as Shared before that. " +
            "Run as root for exact results."));
        return true;
    }
}
