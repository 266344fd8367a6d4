using System.Collections.Generic;
using System.Linq;
using CowPages.Core.Tests.Synthetic;
using Xunit;
using static CowPages.Core.Tests.Synthetic.Words;

namespace CowPages.Core.Tests;

/// <summary>Get-CowSummary's analysis on synthetic processes: the page kinds a live test here cannot make.</summary>
public class CowSummarizerTests
{
    private const ulong Page = PageGeometry.PageSize;
    private const ulong Heap = 0x10000000, Lib = 0x20000000, Shm = 0x30000000, Reservation = 0x40000000;
    private const ulong ZeroPfn = 0x9000;

    private readonly SyntheticSource _source = new() { ZeroPfn = ZeroPfn };
    private readonly RecordingObserver _observer = new();

    private SyntheticProcess Child()
    {
        SyntheticProcess child = _source.Add(200, 100, "child");
        child.Map(Heap, 16, "[heap]");
        child.Map(Lib, 4, "/usr/lib/libfixture.so", "rw-p", inode: 77);
        child.Map(Shm, 2, "/dev/zero", "rw-s", inode: 5);
        // Anonymous: one page copied (mapped once), two still shared with the parent, a KSM page, two zero pages.
        child.Set(Heap + 0 * Page, Anon(0x1000, exclusive: true));
        child.Set(Heap + 1 * Page, Anon(0x1001));
        child.Set(Heap + 2 * Page, Anon(0x1002));
        child.Set(Heap + 3 * Page, Anon(0x1003));
        child.Set(Heap + 4 * Page, Anon(ZeroPfn));
        child.Set(Heap + 5 * Page, Anon(ZeroPfn));
        // Swapped out, a migration entry (also PM_SWAP without a page) and a guard marker, which holds no page.
        child.Set(Heap + 6 * Page, Swapped(1, 0x4242));
        child.Set(Heap + 7 * Page, Swapped(30, 0x7));
        child.Set(Heap + 8 * Page, GuardMarker);
        // A private file mapping: one copy of a file page, one page-cache page mapped by three processes.
        child.Set(Lib + 0 * Page, Anon(0x2000, exclusive: true));
        child.Set(Lib + 1 * Page, Cached(0x2001));
        // Shared anonymous memory (shmem), mapped twice.
        child.Set(Shm, Cached(0x3000));
        _source.Frames[0x1000] = (AnonFlags, 1, 0);
        _source.Frames[0x1001] = (AnonFlags, 2, 0);
        _source.Frames[0x1002] = (AnonFlags, 2, 0);
        _source.Frames[0x1003] = (AnonFlags | (ulong)PageFlags.Ksm, 3, 0);
        _source.Frames[ZeroPfn] = ((ulong)(PageFlags.ZeroPage | PageFlags.Reserved), 0, 0);
        _source.Frames[0x2000] = (AnonFlags, 1, 0);
        _source.Frames[0x2001] = (FileFlags, 3, 0);
        _source.Frames[0x3000] = (ShmemFlags, 2, 0);
        return child;
    }

    private List<CowSummary> Summarize(int processId, bool byMapping = false, CowMethod? method = null)
    {
        using CowSummarizer summarizer = CowSummarizer.Create(_source, method);
        return summarizer.Summarize(processId, byMapping, _observer).ToList();
    }

    [Fact]
    public void SplitsEveryKindOfPageAsSmapsWould()
    {
        Child();
        CowSummary s = Assert.Single(Summarize(200));
        Assert.Equal(CowMethod.Pfn, s.Method);
        Assert.Equal(("child", 100), (s.Name, s.ParentId));
        // Rss leaves the zero pages out, as smaps does: 4 heap + 2 lib + 1 shmem.
        Assert.Equal(7 * Page, s.Rss);
        Assert.Equal(2 * Page, s.Zero);
        Assert.Equal(5 * Page, s.Anonymous);
        Assert.Equal(Page, s.Ksm);
        Assert.Equal(2 * Page, s.CowPrivate);
        Assert.Equal(2 * Page, s.CowShared);
        Assert.Equal(Page, s.FileCopies);
        Assert.Equal(Page, s.File);
        Assert.Equal(Page, s.Shmem);
        // The migration entry counts with the swapped page; the guard marker holds nothing.
        Assert.Equal(2 * Page, s.Swap);
        Assert.Equal(2 * Page, s.Uss);
        // Pss: two whole pages, three halves, a third (KSM) and another third (the page cache), in the kernel's fixed point.
        ulong fixedPoint = 2 * (Page << 12) + 3 * ((Page << 12) / 2) + 2 * ((Page << 12) / 3);
        Assert.Equal(fixedPoint >> 12, s.Pss);
        Assert.Empty(_observer.Notices);
    }

    [Fact]
    public void GroupsMappingsByNameAndAddsUpToTheTotals()
    {
        SyntheticProcess child = Child();
        // A second VMA of the same library.
        child.Map(Lib + 8 * Page, 2, "/usr/lib/libfixture.so", "r-xp", inode: 77);
        child.Set(Lib + 8 * Page, Cached(0x2001));
        List<CowSummary> rows = Summarize(200, byMapping: true);
        Assert.Equal(new[] { "[heap]", "/usr/lib/libfixture.so", "/dev/zero" }, rows.Select(r => r.Mapping));
        CowSummary total = Assert.Single(Summarize(200));
        Assert.Equal(total.Rss, (ulong)rows.Sum(r => (decimal)r.Rss));
        Assert.Equal(2 * Page, rows[1].File);
    }

    [Fact]
    public void HiddenFramesFallBackToTheExclusiveBitAndTheKernelsPss()
    {
        SyntheticProcess child = _source.Add(200, 100);
        child.Map(Heap, 4);
        child.Set(Heap, Present | Exclusive);
        child.Set(Heap + Page, Present);
        child.Rollup = new SmapsEntry(0, new Dictionary<string, ulong> { ["Pss"] = 6144, ["AnonHugePages"] = 0 });
        CowSummary s = Assert.Single(Summarize(200));
        Assert.Equal(CowMethod.ExclusiveBit, s.Method);
        Assert.Equal((Page, Page), (s.CowPrivate, s.CowShared));
        Assert.Equal(6144UL, s.Pss);
        Assert.Contains(_observer.Notices, n => n.Kind == ScanNoticeKind.ExclusiveBitMethod);
    }

    [Fact]
    public void HiddenFramesStopAnExplicitPfnMethod()
    {
        SyntheticProcess child = _source.Add(200, 100);
        child.Map(Heap, 4);
        child.Set(Heap, Present);
        var e = Assert.Throws<ProcfsException>(() => Summarize(200, method: CowMethod.Pfn));
        Assert.Equal(ProcfsErrorKind.AccessDenied, e.Kind);
        Assert.Equal(200, e.ProcessId);
    }

    [Fact]
    public void ChoosingTheExclusiveBitSaysNothingAboutApproximation()
    {
        Child();
        CowSummary s = Assert.Single(Summarize(200, method: CowMethod.ExclusiveBit));
        Assert.Equal(CowMethod.ExclusiveBit, s.Method);
        // The frames are visible, so the zero pages are known by their PFN; the KSM page is not recognised.
        Assert.Equal(2 * Page, s.Zero);
        Assert.Equal((3 * Page, 0UL), (s.CowShared, s.Ksm));
        Assert.Equal(7 * Page, s.Rss);
        Assert.Empty(_observer.Notices);
    }

    [Fact]
    public void LeavesOutAndReportsAMappingUnmappedDuringTheWalk()
    {
        SyntheticProcess child = Child();
        child.VanishedMappingStarts.Add(Lib);
        CowSummary s = Assert.Single(Summarize(200));
        Assert.Equal(0UL, s.FileCopies);
        Assert.Equal(0UL, s.File);
        ScanNotice notice = Assert.Single(_observer.Notices);
        Assert.Equal(ScanNoticeKind.RangesChanged, notice.Kind);
        Assert.Contains($"0x{Lib:x}-0x{Lib + 4 * Page:x}", notice.Message);
    }

    [Fact]
    public void AProcessExitingMidWalkIsAnError()
    {
        SyntheticProcess child = Child();
        child.ExitsAfterReads = 0;
        var e = Assert.Throws<ProcfsException>(() => Summarize(200));
        Assert.Equal(ProcfsErrorKind.ProcessExited, e.Kind);
        Assert.Equal("/proc/200/pagemap", e.Path);
    }

    [Fact]
    public void AKernelThreadGivesNothing()
    {
        _source.Add(2, 0, "kthreadd");
        Assert.Empty(Summarize(2));
    }

    [Fact]
    public void AMissingProcessIsNotFound()
    {
        var e = Assert.Throws<ProcfsException>(() => Summarize(999));
        Assert.Equal(ProcfsErrorKind.NotFound, e.Kind);
    }

    [Fact]
    public void ReportsProgressForEveryChunk()
    {
        SyntheticProcess child = _source.Add(200, 100);
        child.Map(Reservation, 1000);
        for (ulong i = 0; i < 1000; i += 100)
        {
            child.Set(Reservation + i * Page, Anon(0x5000 + i, exclusive: true));
            _source.Frames[0x5000 + i] = (AnonFlags, 1, 0);
        }
        Summarize(200);
        Assert.NotEmpty(_observer.Progresses);
        Assert.All(_observer.Progresses, p => Assert.Equal(200, p.ProcessId));
        Assert.Equal(1000UL, _observer.Progresses[^1].Total);
        Assert.True(_observer.Progresses.Select(p => p.Done).SequenceEqual(_observer.Progresses.Select(p => p.Done).OrderBy(d => d)));
    }
}
