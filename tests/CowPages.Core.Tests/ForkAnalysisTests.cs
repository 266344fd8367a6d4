using System.Collections.Generic;
using System.Linq;
using CowPages.Core.Tests.Synthetic;
using Xunit;
using static CowPages.Core.Tests.Synthetic.Words;

namespace CowPages.Core.Tests;

/// <summary>Compare-ForkPages' analysis on a synthetic parent and child.</summary>
public class ForkAnalysisTests
{
    private const ulong Page = PageGeometry.PageSize;
    private const ulong Heap = 0x10000000, Late = 0x50000000, Gone = 0x60000000;
    private const ulong ZeroPfn = 0x9000;

    private readonly SyntheticSource _source = new() { ZeroPfn = ZeroPfn };
    private readonly RecordingObserver _observer = new();

    /// <summary>
    /// Heap pages, by index: 0 shared, 1 copied, 2 zero on both sides, 3 swapped in the child, 4 only the parent has
    /// it, 5 only the child, 6 neither. The child mapped Late after the fork; only the parent still maps Gone.
    /// </summary>
    private void Family()
    {
        SyntheticProcess parent = _source.Add(100, 1, "parent");
        SyntheticProcess child = _source.Add(200, 100, "child");
        foreach (SyntheticProcess p in new[] { parent, child })
        {
            p.Map(Heap, 8, "[heap]");
        }
        parent.Map(Gone, 2);
        child.Map(Late, 3);
        parent.Set(Heap + 0 * Page, Anon(0x1000));
        child.Set(Heap + 0 * Page, Anon(0x1000));
        parent.Set(Heap + 1 * Page, Anon(0x1001, exclusive: true));
        child.Set(Heap + 1 * Page, Anon(0x2001, exclusive: true));
        parent.Set(Heap + 2 * Page, Anon(ZeroPfn));
        child.Set(Heap + 2 * Page, Anon(ZeroPfn));
        parent.Set(Heap + 3 * Page, Anon(0x1003));
        child.Set(Heap + 3 * Page, Swapped(0, 0x55));
        parent.Set(Heap + 4 * Page, Anon(0x1004, exclusive: true));
        child.Set(Heap + 5 * Page, Anon(0x2005, exclusive: true));
    }

    private List<ForkComparison> Ranges(int differenceId, int? referenceId = null, PageSelection? selection = null) =>
        ForkAnalysis.CompareRanges(_source, differenceId, referenceId, selection ?? PageSelection.All, _observer).ToList();

    private List<ForkPage> Pages(int differenceId, int? referenceId = null) =>
        ForkAnalysis.ComparePages(_source, differenceId, referenceId, PageSelection.All, _observer).ToList();

    [Fact]
    public void ComparesWithTheParentFromThePPidPageByPage()
    {
        Family();
        List<ForkComparison> rows = Ranges(200);
        ForkComparison heap = Assert.Single(rows, r => r.Mapping == "[heap]");
        Assert.Equal((100, 200, CowMethod.Pfn), (heap.ReferenceId, heap.DifferenceId, heap.Method));
        Assert.Equal((1UL, 1UL, 1UL, 1UL, 1UL, 1UL, 2UL),
            (heap.Shared, heap.Copied, heap.Zero, heap.Swapped, heap.ReferenceOnly, heap.DifferenceOnly, heap.NotPresent));
        Assert.Equal(8UL, heap.Pages);
        Assert.Equal((Page, Page), (heap.SharedBytes, heap.CopiedBytes));
    }

    [Fact]
    public void ReportsRangesOnlyOneSideMapsWithoutComparingThem()
    {
        Family();
        List<ForkComparison> rows = Ranges(200);
        ForkComparison late = Assert.Single(rows, r => r.Start == Late);
        Assert.Equal(ForkMappingSide.DifferenceOnly, late.MappedIn);
        ForkComparison gone = Assert.Single(rows, r => r.Start == Gone);
        Assert.Equal(ForkMappingSide.ReferenceOnly, gone.MappedIn);
        Assert.All(new[] { late, gone }, r => Assert.Equal(0UL, r.Shared + r.Copied + r.NotPresent + r.DifferenceOnly));
    }

    [Fact]
    public void PerPageStatesAgreeWithTheRangeCounts()
    {
        Family();
        List<ForkPage> pages = Pages(200).Where(p => p.Mapping == "[heap]").ToList();
        Assert.Equal(new[] { ForkPageState.Shared, ForkPageState.Copied, ForkPageState.Zero, ForkPageState.Swapped,
            ForkPageState.ReferenceOnly, ForkPageState.DifferenceOnly, ForkPageState.NotPresent, ForkPageState.NotPresent },
            pages.Select(p => p.State));
        Assert.Equal(Enumerable.Range(0, 8).Select(i => Heap + (ulong)i * Page), pages.Select(p => p.Address));
        Assert.Equal((0x1001UL, 0x2001UL), (pages[1].ReferencePfn!.Value, pages[1].DifferencePfn!.Value));
        Assert.Null(pages[3].DifferencePfn);
        Assert.Equal(Swapped(0, 0x55), pages[3].DifferenceRaw);
    }

    [Fact]
    public void AnExplicitReferenceOverridesTheParent()
    {
        Family();
        SyntheticProcess sibling = _source.Add(300, 100, "sibling");
        sibling.Map(Heap, 8, "[heap]");
        sibling.Set(Heap, Anon(0x1000));
        ForkComparison heap = Assert.Single(Ranges(200, referenceId: 300), r => r.Mapping == "[heap]");
        Assert.Equal(300, heap.ReferenceId);
        Assert.Equal(1UL, heap.Shared);
    }

    [Fact]
    public void WithoutFramesComparesByTheExclusiveBitAndSaysSo()
    {
        Family();
        _source.HideFrames();
        ForkComparison heap = Assert.Single(Ranges(200), r => r.Mapping == "[heap]");
        Assert.Equal(CowMethod.ExclusiveBit, heap.Method);
        // Without PFNs the zero page looks like a shared page.
        Assert.Equal((2UL, 1UL, 0UL), (heap.Shared, heap.Copied, heap.Zero));
        Assert.Contains(_observer.Notices, n => n.Kind == ScanNoticeKind.ExclusiveBitMethod);
        Assert.All(Pages(200), p => Assert.Null(p.ReferencePfn));
    }

    [Fact]
    public void WithoutFramesFindsZeroPagesWithTheScan()
    {
        Family();
        _source.HideFrames();
        // Page 2 maps the zero page on both sides; page 6, never touched by the parent, was read by the child.
        foreach (SyntheticProcess p in _source.Processes.Values)
        {
            p.ZeroPages.Add(PageGeometry.PageOf(Heap + 2 * Page));
        }
        _source.Processes[200].Set(Heap + 6 * Page, Present);
        _source.Processes[200].ZeroPages.Add(PageGeometry.PageOf(Heap + 6 * Page));
        _source.Processes[100].Set(Heap + 6 * Page, Present | Exclusive);
        ForkComparison heap = Assert.Single(Ranges(200), r => r.Mapping == "[heap]");
        Assert.Equal((1UL, 2UL, 1UL), (heap.Shared, heap.Copied, heap.Zero));
    }

    [Fact]
    public void WithoutFramesAndWithoutTheScanZeroPagesLookShared()
    {
        Family();
        _source.HideFrames();
        foreach (SyntheticProcess p in _source.Processes.Values)
        {
            p.ZeroPages.Add(PageGeometry.PageOf(Heap + 2 * Page));
            p.ScanSupported = false;
        }
        ForkComparison heap = Assert.Single(Ranges(200), r => r.Mapping == "[heap]");
        Assert.Equal((2UL, 0UL), (heap.Shared, heap.Zero));
    }

    [Fact]
    public void FramesHiddenDespiteThePrivilegeSwitchTheMethodMidWalk()
    {
        // CAP_SYS_ADMIN inside a user namespace: the source thinks frames are visible, the words say otherwise.
        Family();
        _source.Processes[200].Set(Heap + 0 * Page, Present);
        _source.Processes[100].Set(Heap + 0 * Page, Present);
        ForkComparison heap = Assert.Single(Ranges(200), r => r.Mapping == "[heap]");
        Assert.Equal(CowMethod.ExclusiveBit, heap.Method);
        Assert.Contains(_observer.Notices, n => n.Kind == ScanNoticeKind.ExclusiveBitMethod);
    }

    [Fact]
    public void WithoutAParentAProcessWithMemoryIsAnError()
    {
        SyntheticProcess init = _source.Add(1, 0, "init");
        init.Map(Heap, 1);
        var e = Assert.Throws<ProcfsException>(() => Ranges(1));
        Assert.Equal(ProcfsErrorKind.NoParent, e.Kind);
        Assert.Contains("-ReferenceId", e.Message);
    }

    [Fact]
    public void WithoutAParentAKernelThreadGivesNothing()
    {
        _source.Add(2, 0, "kthreadd");
        Assert.Empty(Ranges(2));
    }

    [Fact]
    public void AMissingReferenceIsNotFoundNamingIt()
    {
        Family();
        _source.Processes[200].ParentId = 4242;
        var e = Assert.Throws<ProcfsException>(() => Ranges(200));
        Assert.Equal((ProcfsErrorKind.NotFound, 4242), (e.Kind, e.ProcessId));
    }

    [Fact]
    public void LeavesOutAndReportsRangesUnmappedDuringTheWalk()
    {
        Family();
        _source.Processes[100].VanishedMappingStarts.Add(Heap);
        ForkComparison heap = Assert.Single(Ranges(200), r => r.Mapping == "[heap]");
        Assert.Equal(0UL, heap.Shared + heap.Copied + heap.NotPresent);
        ScanNotice notice = Assert.Single(_observer.Notices);
        Assert.Equal((ScanNoticeKind.RangesChanged, 200), (notice.Kind, notice.ProcessId));
    }

    [Fact]
    public void EitherSideExitingMidWalkIsAnErrorNamingIt()
    {
        Family();
        _source.Processes[100].ExitsAfterReads = 0;
        var e = Assert.Throws<ProcfsException>(() => Ranges(200));
        Assert.Equal((ProcfsErrorKind.ProcessExited, 100, "/proc/100/pagemap"), (e.Kind, e.ProcessId, e.Path));
    }

    [Fact]
    public void TheSelectionClipsTheComparedRanges()
    {
        Family();
        var selection = new PageSelection(m => m.Name == "[heap]", Heap + 2 * Page, 3);
        ForkComparison heap = Assert.Single(Ranges(200, selection: selection));
        Assert.Equal((Heap + 2 * Page, Heap + 5 * Page), (heap.Start, heap.End));
        Assert.Equal((1UL, 1UL, 1UL), (heap.Zero, heap.Swapped, heap.ReferenceOnly));
    }
}
