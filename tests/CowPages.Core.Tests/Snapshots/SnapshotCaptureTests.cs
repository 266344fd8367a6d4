using System;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
using Xunit;

namespace CowPages.Core.Tests.Snapshots;

/// <summary>
/// A capture followed by a read gives a source on which every analysis returns what it returns on the captured source,
/// with frames renumbered to opaque ids. The captured source here is itself a synthetic snapshot, which holds the cases
/// live processes rarely show (swap entries, guard markers, soft-dirty holes, zero pages, ranges changed mid-capture);
/// the live capture is tested on this test process's own memory, and against the page family in Pester.
/// </summary>
public sealed class SnapshotCaptureTests : IDisposable
{
    private readonly SnapshotFiles _files = new();

    public void Dispose() => _files.Dispose();

    private SnapshotSource Capture(IProcfsSource source, string name, params int[] processIds)
    {
        string path = _files.PathOf(name);
        using (SnapshotCapture capture = SnapshotCapture.Begin(source, path, NullScanObserver.Instance))
        {
            foreach (int processId in processIds)
            {
                capture.Add(processId, NullScanObserver.Instance);
            }
            SnapshotInfo info = capture.Complete();
            Assert.Equal(path, info.Path);
            Assert.Equal(new FileInfo(path).Length, info.Length);
            Assert.Equal(processIds, info.ProcessId);
        }
        return SnapshotSource.Open(path);
    }

    [Fact]
    public void EveryAnalysisGivesTheSameObjectsFromACaptureAsFromItsSource()
    {
        SnapshotSource original = SyntheticSnapshot.Source();
        SnapshotSource captured = Capture(original, "family.cowsnap", SyntheticSnapshot.Parent, SyntheticSnapshot.Child);
        Assert.True(captured.FramesVisible);
        var same = new SourceEquivalence(original, captured);
        foreach (int pid in new[] { SyntheticSnapshot.Parent, SyntheticSnapshot.Child })
        {
            same.PageMaps(pid, presentOnly: false);
            same.PageMaps(pid, presentOnly: true);
            foreach (bool byMapping in new[] { false, true })
            {
                same.Summaries(pid, null, byMapping);
                same.Summaries(pid, CowMethod.ExclusiveBit, byMapping);
            }
        }
        same.Comparisons(SyntheticSnapshot.Child);
        same.Frames();
        Assert.InRange(same.FramesPaired, 60, 100);
        // The zero page keeps its meaning: it is paired with its new id, which it got first.
        Assert.Equal(1UL, captured.ZeroPfn);
        Assert.Equal(1UL, same.Pair(original.ZeroPfn, captured.ZeroPfn));
    }

    [Fact]
    public void FramesLookedUpOnTwoThreadsKeepTheirOwnWords()
    {
        SnapshotSource original = SyntheticSnapshot.Dense(20_000);
        SnapshotSource captured = Capture(original, "dense.cowsnap", 77);
        var same = new SourceEquivalence(original, captured);
        same.PageMaps(77, presentOnly: true);
        same.Summaries(77, null, byMapping: false);
        same.Frames();
        Assert.Equal(20_000, same.FramesPaired);
    }

    [Fact]
    public void KpagecountIsReadExceptForSmallPagesTheExclusiveBitSaysAreMappedOnce()
    {
        // Four pages: small and exclusive, small and shared, a THP head that is exclusive, and a small exclusive page
        // whose table says 7, which no kernel shows: it proves the count was taken from the bit, not read.
        const ulong start = 0x7f2000000000;
        var builder = new PagemapImageBuilder();
        builder.Skip(PageGeometry.PageOf(start));
        builder.Add(SyntheticSnapshot.Present | SyntheticSnapshot.Exclusive | 1);
        builder.Add(SyntheticSnapshot.Present | 2);
        builder.Add(SyntheticSnapshot.Present | SyntheticSnapshot.Exclusive | 3);
        builder.Add(SyntheticSnapshot.Present | SyntheticSnapshot.Exclusive | 4);
        string maps = $"{start:x}-{start + 4 * 4096:x} rw-p 00000000 00:00 0 \n";
        var process = new ProcessImage(9, System.Text.Encoding.UTF8.GetBytes("Name:\tx\nPPid:\t1\n"), System.Text.Encoding.UTF8.GetBytes(maps),
            Array.Empty<byte>(), Array.Empty<byte>(), Array.Empty<AddressRange>(), builder.Build());
        ulong anon = (ulong)PageFlags.Anon, thp = (ulong)(PageFlags.Anon | PageFlags.Thp | PageFlags.CompoundHead);
        var table = new FrameTable(new[] { anon, anon, thp, anon }, new ulong[] { 1, 2, 5, 7 }, null);
        var kernel = new SnapshotKernel("test", "6.18", "host", DateTimeOffset.UnixEpoch, 4096, true, 0);
        SnapshotSource captured = Capture(new SnapshotSource("/counts.cowsnap", new SnapshotImage(kernel, new[] { process }, table)), "counts.cowsnap", 9);
        Assert.Equal(new ulong[] { 1, 2, 5, 1 }, captured.Image.Frames!.Column(FrameFields.MapCount));
    }

    [Fact]
    public void ARangeThatChangedDuringTheCaptureIsLeftOutAndReportedByEveryWalk()
    {
        SnapshotSource original = SyntheticSnapshot.Source();
        SnapshotSource captured = Capture(original, "changed.cowsnap", SyntheticSnapshot.Changed);
        // The capture read the whole anonymous mapping as one chunk, and dropped it: its mapping changed.
        (ulong start, ulong end, _) = SyntheticSnapshot.Mappings[2];
        ProcessImage image = Assert.Single(captured.Image.Processes);
        Assert.Equal(new AddressRange(start, end), Assert.Single(image.ChangedRanges));
        foreach (bool presentOnly in new[] { false, true })
        {
            var observer = new RecordingObserver();
            var entries = PageMapQuery.Entries(captured, SyntheticSnapshot.Changed, PageSelection.All, presentOnly, observer).ToList();
            Assert.DoesNotContain(entries, e => e.Address >= start && e.Address < end);
            Assert.Contains(entries, e => e.Address >= end);
            ScanNotice notice = Assert.Single(observer.Notices);
            Assert.Equal(ScanNoticeKind.RangesChanged, notice.Kind);
            Assert.Contains($"0x{start:x}-0x{end:x}", notice.Message);
        }
        var summaryObserver = new RecordingObserver();
        using CowSummarizer summarizer = CowSummarizer.Create(captured);
        Assert.Single(summarizer.Summarize(SyntheticSnapshot.Changed, false, summaryObserver));
        Assert.Equal(ScanNoticeKind.RangesChanged, Assert.Single(summaryObserver.Notices).Kind);
    }

    [Fact]
    public void FrameIdsAreDenseAndGivenInTheOrderFramesAreFirstSeen()
    {
        SnapshotSource captured = Capture(SyntheticSnapshot.Source(), "ids.cowsnap", SyntheticSnapshot.Parent, SyntheticSnapshot.Child);
        var ids = PageMapQuery.Entries(captured, SyntheticSnapshot.Parent, PageSelection.All, true, NullScanObserver.Instance)
            .Select(e => e.Pfn!.Value).Distinct().ToList();
        // Id 1 is the zero page, numbered before any process; the parent's frames follow in address order.
        Assert.Equal(Enumerable.Range(2, ids.Count - 1).Select(i => (ulong)i), ids.Where(id => id != 1));
        Assert.Equal(captured.Image.Frames!.Count, (int)PageMapQuery.Entries(captured, SyntheticSnapshot.Child, PageSelection.All, true, NullScanObserver.Instance)
            .Select(e => e.Pfn!.Value).Concat(ids).Distinct().Count());
    }

    [Fact]
    public void ACaptureWithoutFramesGivesTheSameExclusiveBitResultsAndNoFrames()
    {
        SnapshotSource original = SyntheticSnapshot.Source(framesVisible: false);
        var observer = new RecordingObserver();
        string path = _files.PathOf("hidden.cowsnap");
        using (SnapshotCapture capture = SnapshotCapture.Begin(original, path, observer))
        {
            capture.Add(SyntheticSnapshot.Parent, observer);
            capture.Add(SyntheticSnapshot.Child, observer);
            Assert.False(capture.Complete().FramesVisible);
        }
        Assert.Equal(ScanNoticeKind.FramesHidden, Assert.Single(observer.Notices).Kind);
        SnapshotSource captured = SnapshotSource.Open(path);
        Assert.False(captured.FramesVisible);
        Assert.Equal(0UL, captured.ZeroPfn);
        var same = new SourceEquivalence(original, captured);
        same.PageMaps(SyntheticSnapshot.Child, presentOnly: false);
        same.Summaries(SyntheticSnapshot.Child, null, byMapping: true);
        same.Comparisons(SyntheticSnapshot.Child);
        var e = Assert.Throws<ProcfsException>(() => FrameQuery.Open(captured));
        Assert.Equal(ProcfsErrorKind.AccessDenied, e.Kind);
        Assert.Contains(path, e.Message);
        Assert.Throws<ProcfsException>(() => CowSummarizer.Create(captured, CowMethod.Pfn));
    }

    [Fact]
    public void ACaptureWithoutFramesKeepsTheZeroPagesPagemapScanFinds()
    {
        SnapshotSource original = SyntheticSnapshot.Source(framesVisible: false);
        SnapshotSource captured = Capture(original, "zero.cowsnap", SyntheticSnapshot.Parent, SyntheticSnapshot.Child);
        foreach (int pid in new[] { SyntheticSnapshot.Parent, SyntheticSnapshot.Child })
        {
            // One zero page in every hundred of the 2048-page mapping, as the source's scan reported them.
            ProcessImage process = captured.Image.Processes.Single(p => p.ProcessId == pid);
            Assert.Equal(20UL, process.Pagemap.ScannedZeroPages);
            Assert.True(process.CanScan);
        }
        var same = new SourceEquivalence(original, captured);
        foreach (bool byMapping in new[] { false, true })
        {
            same.Summaries(SyntheticSnapshot.Child, null, byMapping);
        }
        same.Comparisons(SyntheticSnapshot.Child);

        var observer = new RecordingObserver();
        using CowSummarizer summarizer = CowSummarizer.Create(captured);
        CowSummary summary = summarizer.Summarize(SyntheticSnapshot.Child, false, observer).Single();
        Assert.Equal(20 * PageGeometry.PageSize, summary.Zero);
        Assert.Contains("Zero pages were found with PAGEMAP_SCAN", Assert.Single(observer.Notices).Message);
        ForkComparison anon = ForkAnalysis.CompareRanges(captured, SyntheticSnapshot.Child, null, PageSelection.All, NullScanObserver.Instance)
            .Single(c => c.Start == SyntheticSnapshot.Mappings[2].Start);
        Assert.Equal(20UL, anon.Zero);
    }

    [Fact]
    public void ACaptureOnAKernelWithoutPagemapScanRefusesScansAsThatKernelDid()
    {
        SnapshotSource original = SyntheticSnapshot.Source(framesVisible: false, canScan: false);
        SnapshotSource captured = Capture(original, "noscan.cowsnap", SyntheticSnapshot.Parent, SyntheticSnapshot.Child);
        ProcessImage child = captured.Image.Processes.Single(p => p.ProcessId == SyntheticSnapshot.Child);
        Assert.False(child.CanScan);
        Assert.Equal(0UL, child.Pagemap.ScannedZeroPages);
        using (IProcessSource process = captured.OpenProcess(SyntheticSnapshot.Child))
        {
            Assert.False(process.CanScan);
            Assert.Equal(-1, process.ScanPagemap(SyntheticSnapshot.Mappings[2].Start, SyntheticSnapshot.Mappings[2].End,
                PageScanQuery.NotEmpty, 0, new PageRegion[8], out _));
        }
        var same = new SourceEquivalence(original, captured);
        same.Summaries(SyntheticSnapshot.Child, null, byMapping: false);
        same.Comparisons(SyntheticSnapshot.Child);
        var observer = new RecordingObserver();
        using CowSummarizer summarizer = CowSummarizer.Create(captured);
        _ = summarizer.Summarize(SyntheticSnapshot.Child, false, observer).Single();
        Assert.Contains("This kernel has no PAGEMAP_SCAN", Assert.Single(observer.Notices).Message);
    }

    [Fact]
    public void ACaptureKeepsTheKernelsQuirksAndEachProcesssKsmPages()
    {
        SnapshotSource original = SyntheticSnapshot.Source(quirks: KernelQuirks.KsmFlagOnAnonymousPages);
        SnapshotSource captured = Capture(original, "quirks.cowsnap", SyntheticSnapshot.Parent, SyntheticSnapshot.Child);
        Assert.Equal(KernelQuirks.KsmFlagOnAnonymousPages, captured.Quirks);
        using (IProcessSource child = captured.OpenProcess(SyntheticSnapshot.Child))
        using (IProcessSource parent = captured.OpenProcess(SyntheticSnapshot.Parent))
        {
            Assert.Equal(SyntheticSnapshot.ChildKsmPages, child.ReadKsmMergingPages());
            Assert.Equal(0UL, parent.ReadKsmMergingPages());
        }
        var same = new SourceEquivalence(original, captured);
        foreach (int pid in new[] { SyntheticSnapshot.Parent, SyntheticSnapshot.Child })
        {
            same.Summaries(pid, null, byMapping: false);
        }
        // The quirk's correction and its warning, from the snapshot as from its source.
        var observer = new RecordingObserver();
        using CowSummarizer summarizer = CowSummarizer.Create(captured);
        CowSummary summary = summarizer.Summarize(SyntheticSnapshot.Child, false, observer).Single();
        Assert.Equal(SyntheticSnapshot.ChildKsmPages * PageGeometry.PageSize, summary.Ksm);
        ScanNotice notice = Assert.Single(observer.Notices);
        Assert.Equal(ScanNoticeKind.KernelQuirk, notice.Kind);
        Assert.Contains("6.18.44-test", notice.Message);
    }

    [Fact]
    public void AProcessTheSnapshotLacksIsNotFoundAndTheErrorNamesTheFile()
    {
        SnapshotSource captured = Capture(SyntheticSnapshot.Source(), "one.cowsnap", SyntheticSnapshot.Child);
        var e = Assert.Throws<ProcfsException>(() => captured.OpenProcess(SyntheticSnapshot.Parent));
        Assert.Equal(ProcfsErrorKind.NotFound, e.Kind);
        Assert.Equal(SyntheticSnapshot.Parent, e.ProcessId);
        Assert.Contains(captured.Name, e.Message);
        // The comparison finds the child's parent through its PPid, which the snapshot lacks: the error names both.
        var missing = Assert.Throws<ProcfsException>(() =>
            ForkAnalysis.CompareRanges(captured, SyntheticSnapshot.Child, null, PageSelection.All, NullScanObserver.Instance).ToList());
        Assert.Equal(SyntheticSnapshot.Parent, missing.ProcessId);
    }

    [Fact]
    public void AFailedProcessLeavesNothingBehindAndTheOthersAreSaved()
    {
        SnapshotSource original = SyntheticSnapshot.Source();
        string path = _files.PathOf("partial.cowsnap");
        using (SnapshotCapture capture = SnapshotCapture.Begin(original, path, NullScanObserver.Instance))
        {
            capture.Add(SyntheticSnapshot.Parent, NullScanObserver.Instance);
            Assert.Throws<ProcfsException>(() => capture.Add(999_999, NullScanObserver.Instance));
            capture.Complete();
        }
        Assert.Equal(new[] { SyntheticSnapshot.Parent }, SnapshotSource.Open(path).ProcessIds());
    }

    [Fact]
    public void ACancelledOrUnfinishedCaptureLeavesNoFileAndKeepsTheOldOne()
    {
        string path = _files.PathOf("kept.cowsnap");
        File.WriteAllText(path, "an older file");
        using (var cancel = new CancellationTokenSource())
        using (SnapshotCapture capture = SnapshotCapture.Begin(SyntheticSnapshot.Source(), path, NullScanObserver.Instance))
        {
            cancel.Cancel();
            Assert.ThrowsAny<OperationCanceledException>(() => capture.Add(SyntheticSnapshot.Parent, NullScanObserver.Instance, cancel.Token));
        }
        Assert.Equal("an older file", File.ReadAllText(path));
        Assert.Equal(new[] { "kept.cowsnap" }, Directory.GetFiles(_files.Folder).Select(Path.GetFileName));
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void TheFileIsReadableByItsOwnerOnly()
    {
        Capture(SyntheticSnapshot.Source(), "private.cowsnap", SyntheticSnapshot.Parent);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_files.PathOf("private.cowsnap")));
    }

    [Fact]
    public void DescendantsAreFoundThroughThePPidOfEveryProcess()
    {
        SnapshotSource family = SyntheticSnapshot.Source();
        int[] all = { SyntheticSnapshot.Parent, SyntheticSnapshot.Child, SyntheticSnapshot.Changed };
        Assert.Equal(all, ProcessFamily.WithDescendants(family, new[] { SyntheticSnapshot.Parent }));
        Assert.Equal(new[] { SyntheticSnapshot.Child, SyntheticSnapshot.Parent, SyntheticSnapshot.Changed },
            ProcessFamily.WithDescendants(family, new[] { SyntheticSnapshot.Child, SyntheticSnapshot.Parent, SyntheticSnapshot.Child }));
        // PID 1 is the parent's parent: asking for it takes the whole family; 0 is left for the caller to report.
        Assert.Equal(all.Prepend(1), ProcessFamily.WithDescendants(family, new[] { 1 }));
        Assert.Equal(new[] { 0 }, ProcessFamily.WithDescendants(family, new[] { 0 }));
    }

    [Fact]
    public void ASnapshotOfThisProcessHoldsItsPagesWithOpaqueFrameIds()
    {
        const ulong pages = 64;
        nint region = OwnMemory.Map(pages * OwnMemory.Page, OwnMemory.ProtReadWrite);
        try
        {
            for (ulong i = 0; i < pages; i += 2)
            {
                Marshal.WriteInt64(region + (nint)(i * OwnMemory.Page), (long)i + 1);
            }
            LiveProcfsSource live = LiveProcfsSource.Open();
            SnapshotSource captured = Capture(live, "self.cowsnap", Environment.ProcessId);
            Assert.Equal(live.FramesVisible, captured.FramesVisible);
            // What the analyses ask the kernel besides its files: its quirks, PAGEMAP_SCAN (6.7+), ksm_merging_pages (5.19+).
            Assert.Equal(live.Quirks, captured.Quirks);
            ProcessImage self = Assert.Single(captured.Image.Processes);
            Assert.Equal(live.Kernel.Version >= new Version(6, 7), self.CanScan);
            Assert.Equal(live.Kernel.Version >= new Version(5, 19), self.KsmMergingPages is not null);
            var entries = PageMapQuery.Entries(captured, Environment.ProcessId, new PageSelection(null, (ulong)region, pages), false, NullScanObserver.Instance).ToList();
            Assert.Equal((int)pages, entries.Count);
            Assert.Equal(Enumerable.Range(0, (int)pages).Select(i => i % 2 == 0), entries.Select(e => e.Present));
            Assert.All(entries.Where(e => e.Present), e => Assert.True(e.Exclusive));
            if (captured.FramesVisible)
            {
                // Distinct pages, distinct frames, and every id within the snapshot's table: opaque numbers, not PFNs.
                var ids = entries.Where(e => e.Present).Select(e => e.Pfn!.Value).ToList();
                Assert.Equal(ids.Count, ids.Distinct().Count());
                Assert.All(ids, id => Assert.InRange(id, 1UL, (ulong)captured.Image.Frames!.Count));
                using FrameQuery frames = FrameQuery.Open(captured);
                Assert.All(frames.Lookup(ids.Select(id => new FrameRequest(id, null, null)).ToList()),
                    r => Assert.True(r.Frame!.Flags.HasFlag(PageFlags.Anon)));
            }
            else
            {
                Assert.All(entries, e => Assert.Null(e.Pfn));
            }
        }
        finally
        {
            OwnMemory.Unmap(region, (nuint)(pages * OwnMemory.Page));
        }
    }
}
