using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using CsCheck;
using Xunit;

namespace CowPages.Core.Tests;

// Mapping lists are built by hand, as MapsReader would return them (sorted, non-overlapping), so that the cases a
// live fork rarely shows (splits, partial overlaps, renamed ranges) are checked exactly.
public class ForkSegmentsTests
{
    private const ulong Page = 4096;
    private const ulong Vsyscall = 0xffffffffff600000UL;

    private static MemoryMapping Map(ulong start, ulong end, string? path = "/usr/lib/libc.so.6", string permissions = "r--p") =>
        new(start, end, permissions, 0, path is null || path.StartsWith('[') ? "00:00" : "fe:00",
            path is null || path.StartsWith('[') ? 0UL : 4242UL, path, false);

    private static List<ForkSegment> Build(IReadOnlyList<MemoryMapping> reference, IReadOnlyList<MemoryMapping> difference,
        PageSelection? selection = null) =>
        ForkSegments.Build(reference, difference, selection ?? PageSelection.All);

    private static void AssertSegment(ForkSegment s, ulong start, ulong end, ForkMappingSide side,
        MemoryMapping? reference, MemoryMapping? difference)
    {
        Assert.Equal((start, end, side), (s.Start, s.End, s.Side));
        Assert.Same(reference, s.Reference);
        Assert.Same(difference, s.Difference);
    }

    private static List<MemoryMapping> TypicalProcess() =>
    [
        Map(0x555555554000, 0x555555556000, "/usr/bin/cat"),
        Map(0x555555556000, 0x55555555a000, "/usr/bin/cat", "r-xp"),
        Map(0x55555555a000, 0x55555557b000, "[heap]", "rw-p"),
        Map(0x7ffff7d80000, 0x7ffff7d90000, null, "rw-p"),
        Map(0x7ffff7d90000, 0x7ffff7fb8000, "/usr/lib/libc.so.6", "r-xp"),
        Map(0x7ffffffde000, 0x7ffffffff000, "[stack]", "rw-p"),
    ];

    [Fact]
    public void IdenticalListsGiveOneBothSegmentPerMapping()
    {
        List<MemoryMapping> reference = TypicalProcess(), difference = TypicalProcess();
        List<ForkSegment> segments = Build(reference, difference);
        Assert.Equal(reference.Count, segments.Count);
        for (int i = 0; i < reference.Count; i++)
        {
            AssertSegment(segments[i], reference[i].Start, reference[i].End, ForkMappingSide.Both, reference[i], difference[i]);
            Assert.Equal(reference[i].Size / Page, segments[i].Pages);
        }
    }

    [Fact]
    public void AdjacentMappingsStaySeparateSegments()
    {
        // Two VMAs of one file that touch: still two segments, each naming its own mapping.
        List<MemoryMapping> reference = TypicalProcess();
        List<ForkSegment> segments = Build(reference, reference);
        Assert.Equal(reference[0].End, segments[1].Start);
        Assert.Same(reference[0], segments[0].Reference);
        Assert.Same(reference[1], segments[1].Reference);
    }

    [Fact]
    public void MappingOnlyInReferenceIsReferenceOnly()
    {
        MemoryMapping a = Map(0x10000, 0x20000), b = Map(0x40000, 0x48000, null, "rw-p"), a2 = Map(0x10000, 0x20000);
        List<ForkSegment> segments = Build([a, b], [a2]);
        Assert.Equal(2, segments.Count);
        AssertSegment(segments[0], 0x10000, 0x20000, ForkMappingSide.Both, a, a2);
        AssertSegment(segments[1], 0x40000, 0x48000, ForkMappingSide.ReferenceOnly, b, null);
        Assert.Same(b, segments[1].Mapping);
    }

    [Fact]
    public void MappingOnlyInDifferenceIsDifferenceOnly()
    {
        MemoryMapping a = Map(0x10000, 0x20000), a2 = Map(0x10000, 0x20000), c = Map(0x30000, 0x31000, "/memfd:x", "rw-s");
        List<ForkSegment> segments = Build([a], [a2, c]);
        Assert.Equal(2, segments.Count);
        AssertSegment(segments[1], 0x30000, 0x31000, ForkMappingSide.DifferenceOnly, null, c);
        Assert.Same(c, segments[1].Mapping);
    }

    [Fact]
    public void EmptyListsGiveNoSegments()
    {
        Assert.Empty(Build([], []));
        MemoryMapping only = Map(0x1000, 0x3000);
        AssertSegment(Assert.Single(Build([only], [])), 0x1000, 0x3000, ForkMappingSide.ReferenceOnly, only, null);
        AssertSegment(Assert.Single(Build([], [only])), 0x1000, 0x3000, ForkMappingSide.DifferenceOnly, null, only);
    }

    [Fact]
    public void SameRangeDifferentNamesGivesTwoOneSidedSegments()
    {
        // The child unmapped the file and mapped anonymous memory at the same address: nothing to compare.
        MemoryMapping file = Map(0x10000, 0x20000, "/data/a.bin", "rw-p"), anon = Map(0x10000, 0x20000, null, "rw-p");
        List<ForkSegment> segments = Build([file], [anon]);
        Assert.Equal(2, segments.Count);
        AssertSegment(segments[0], 0x10000, 0x20000, ForkMappingSide.ReferenceOnly, file, null);
        AssertSegment(segments[1], 0x10000, 0x20000, ForkMappingSide.DifferenceOnly, null, anon);
        Assert.DoesNotContain(segments, s => s.Side == ForkMappingSide.Both);
    }

    [Fact]
    public void ReferenceVmaSplitInDifferenceGivesTwoBothSegments()
    {
        // mprotect on the child's half of the heap splits its VMA in two; the pages are still comparable.
        MemoryMapping heap = Map(0x600000, 0x700000, "[heap]", "rw-p");
        MemoryMapping low = Map(0x600000, 0x680000, "[heap]", "rw-p"), high = Map(0x680000, 0x700000, "[heap]", "r--p");
        List<ForkSegment> segments = Build([heap], [low, high]);
        Assert.Equal(2, segments.Count);
        AssertSegment(segments[0], 0x600000, 0x680000, ForkMappingSide.Both, heap, low);
        AssertSegment(segments[1], 0x680000, 0x700000, ForkMappingSide.Both, heap, high);
        Assert.Equal(heap.Size / Page, segments.Aggregate(0UL, (n, s) => n + s.Pages));
    }

    [Fact]
    public void DifferenceVmaSplitInReferenceIsSymmetric()
    {
        MemoryMapping a = Map(0x600000, 0x640000, "[heap]", "rw-p"), b = Map(0x640000, 0x700000, "[heap]", "rw-p");
        MemoryMapping whole = Map(0x600000, 0x700000, "[heap]", "rw-p");
        List<ForkSegment> segments = Build([a, b], [whole]);
        Assert.Equal(2, segments.Count);
        AssertSegment(segments[0], 0x600000, 0x640000, ForkMappingSide.Both, a, whole);
        AssertSegment(segments[1], 0x640000, 0x700000, ForkMappingSide.Both, b, whole);
    }

    [Fact]
    public void PartialOverlapSplitsIntoOneSidedAndBoth()
    {
        // The child shrank the start and grew the end of the same anonymous region.
        MemoryMapping r = Map(0x100000, 0x300000, null, "rw-p"), d = Map(0x200000, 0x400000, null, "rw-p");
        List<ForkSegment> segments = Build([r], [d]);
        Assert.Equal(3, segments.Count);
        AssertSegment(segments[0], 0x100000, 0x200000, ForkMappingSide.ReferenceOnly, r, null);
        AssertSegment(segments[1], 0x200000, 0x300000, ForkMappingSide.Both, r, d);
        AssertSegment(segments[2], 0x300000, 0x400000, ForkMappingSide.DifferenceOnly, null, d);
    }

    [Fact]
    public void OverlapWithDifferentNamesStaysOneSided()
    {
        MemoryMapping r = Map(0x100000, 0x300000, "/a"), d = Map(0x200000, 0x400000, "/b");
        List<ForkSegment> segments = Build([r], [d]);
        Assert.Equal(
            [(0x100000UL, 0x200000UL, ForkMappingSide.ReferenceOnly), (0x200000UL, 0x300000UL, ForkMappingSide.ReferenceOnly),
             (0x200000UL, 0x300000UL, ForkMappingSide.DifferenceOnly), (0x300000UL, 0x400000UL, ForkMappingSide.DifferenceOnly)],
            segments.Select(s => (s.Start, s.End, s.Side)));
    }

    [Fact]
    public void SelectionClipsByAddress()
    {
        List<MemoryMapping> reference = TypicalProcess(), difference = TypicalProcess();
        // Two pages starting one page into the heap; the start is unaligned and rounds down.
        var selection = new PageSelection(null, 0x55555555b123, 2);
        ForkSegment s = Assert.Single(Build(reference, difference, selection));
        AssertSegment(s, 0x55555555b000, 0x55555555d000, ForkMappingSide.Both, reference[2], difference[2]);
        Assert.Equal(2UL, s.Pages);
    }

    [Fact]
    public void SelectionAcrossMappingBoundaryClipsBothEnds()
    {
        List<MemoryMapping> reference = TypicalProcess();
        // The last page of the first VMA, all four of the second, the first page of the heap.
        var selection = new PageSelection(null, 0x555555555000, 6);
        List<ForkSegment> segments = Build(reference, reference, selection);
        Assert.Equal(
            [(0x555555555000UL, 0x555555556000UL), (0x555555556000UL, 0x55555555a000UL), (0x55555555a000UL, 0x55555555b000UL)],
            segments.Select(s => (s.Start, s.End)));
        Assert.Equal(["/usr/bin/cat", "/usr/bin/cat", "[heap]"], segments.Select(s => s.Mapping.Name));
    }

    [Fact]
    public void SelectionOutsideEveryMappingGivesNothing()
    {
        Assert.Empty(Build(TypicalProcess(), TypicalProcess(), new PageSelection(null, 0x1000, 16)));
    }

    [Fact]
    public void SelectionFiltersByMapping()
    {
        List<MemoryMapping> reference = TypicalProcess(), difference = TypicalProcess();
        var selection = new PageSelection(m => m.Name == "/usr/bin/cat", null, null);
        List<ForkSegment> segments = Build(reference, difference, selection);
        Assert.Equal(2, segments.Count);
        Assert.All(segments, s => Assert.Equal("/usr/bin/cat", s.Mapping.Name));
        Assert.Same(reference[1], segments[1].Reference);
    }

    [Fact]
    public void FilterAppliesToEachSideOfARenamedRange()
    {
        MemoryMapping file = Map(0x10000, 0x20000, "/data/a.bin"), anon = Map(0x10000, 0x20000, null, "rw-p");
        var onlyAnon = new PageSelection(m => m.Name == MemoryMapping.AnonymousName, null, null);
        ForkSegment s = Assert.Single(Build([file], [anon], onlyAnon));
        AssertSegment(s, 0x10000, 0x20000, ForkMappingSide.DifferenceOnly, null, anon);
    }

    [Fact]
    public void FilterAndAddressCombine()
    {
        List<MemoryMapping> reference = TypicalProcess();
        var selection = new PageSelection(m => m.Name == "[stack]", 0x7ffffffdd000, 3);   // one page before the stack, two in it
        ForkSegment s = Assert.Single(Build(reference, reference, selection));
        Assert.Equal((0x7ffffffde000UL, 0x7ffffffe0000UL), (s.Start, s.End));
    }

    [Fact]
    public void VsyscallIsLeftOut()
    {
        List<MemoryMapping> reference = TypicalProcess(), difference = TypicalProcess();
        reference.Add(Map(Vsyscall, Vsyscall + Page, "[vsyscall]", "--xp"));
        difference.Add(Map(Vsyscall, Vsyscall + Page, "[vsyscall]", "--xp"));
        List<ForkSegment> segments = Build(reference, difference);
        Assert.Equal(TypicalProcess().Count, segments.Count);
        Assert.DoesNotContain(segments, s => s.End > 1UL << 63 || s.Mapping.Name == "[vsyscall]");
        Assert.Equal(0x7ffffffff000UL, segments[^1].End);
    }

    [Fact]
    public void VsyscallOnOneSideOnlyIsLeftOut()
    {
        MemoryMapping stack = Map(0x7ffffffde000, 0x7ffffffff000, "[stack]", "rw-p");
        List<ForkSegment> segments = Build([stack, Map(Vsyscall, Vsyscall + Page, "[vsyscall]", "--xp")], [stack]);
        AssertSegment(Assert.Single(segments), stack.Start, stack.End, ForkMappingSide.Both, stack, stack);
    }

    [Fact]
    public void EverythingFromTheKernelHalfUpIsLeftOut()
    {
        // Not only a trailing [vsyscall]: any range at or above 1 << 63, however many, and the kernel half of a
        // range that straddles it (pagemap has no entries there).
        MemoryMapping low = Map(0x7ffffffde000, 0x7ffffffff000, "[stack]", "rw-p");
        MemoryMapping straddle = Map((1UL << 63) - 2 * Page, (1UL << 63) + 2 * Page, null, "rw-p");
        MemoryMapping high1 = Map(0xffff800000000000, 0xffff800000001000, "[gate]", "r-xp");
        MemoryMapping high2 = Map(Vsyscall, Vsyscall + Page, "[vsyscall]", "--xp");
        List<ForkSegment> segments = Build([low, straddle, high1, high2], [low, straddle, high1, high2]);
        Assert.Equal([(low.Start, low.End), ((1UL << 63) - 2 * Page, 1UL << 63)], segments.Select(s => (s.Start, s.End)));
    }

    [Fact]
    public void FilterJudgesBothSegmentsByTheReferenceMapping()
    {
        // ForkSegment.Mapping is the reference's; the filter sees the same mapping the output will name.
        MemoryMapping heap = Map(0x600000, 0x700000, "[heap]", "rw-p");
        MemoryMapping low = Map(0x600000, 0x680000, "[heap]", "r--p"), high = Map(0x680000, 0x700000, "[heap]", "rw-p");
        var writable = new PageSelection(m => m.Permissions == "rw-p", null, null);
        List<ForkSegment> segments = Build([heap], [low, high], writable);
        Assert.Equal(2, segments.Count);
        Assert.All(segments, s => Assert.Same(heap, s.Mapping));
        Assert.Empty(Build([low, high], [heap], new PageSelection(m => m.Permissions == "rw-x", null, null)));
        ForkSegment only = Assert.Single(Build([low, high], [heap], writable));
        AssertSegment(only, 0x680000, 0x700000, ForkMappingSide.Both, high, heap);
    }

    [Theory]
    [InlineData(null, "rw-p", 0UL, true)]
    [InlineData("[heap]", "rw-p", 0UL, true)]
    [InlineData("[stack]", "rw-p", 0UL, true)]
    [InlineData("[anon:jemalloc]", "rw-p", 0UL, true)]       // PR_SET_VMA_ANON_NAME
    [InlineData("[vdso]", "r-xp", 0UL, false)]               // kernel pages with PM_FILE, not the huge zero page
    [InlineData("[vvar]", "r--p", 0UL, false)]
    [InlineData("[vvar_vclock]", "r--p", 0UL, false)]
    [InlineData("[uprobes]", "r-xp", 0UL, false)]
    [InlineData(null, "rw-s", 0UL, false)]                    // shared anonymous is shmem
    [InlineData("/usr/lib/libc.so.6", "rw-p", 4242UL, false)]
    [InlineData("/dev/zero", "rw-s", 5UL, false)]
    public void PrivateAnonymousMeansAnAnonymousVma(string? path, string permissions, ulong inode, bool expected)
    {
        var m = new MemoryMapping(0x10000, 0x20000, permissions, 0, inode == 0 ? "00:00" : "fe:00", inode, path, false);
        ForkSegment s = Assert.Single(Build([m], [m]));
        Assert.Equal(expected, s.PrivateAnonymous);
    }

    [Fact]
    public void SegmentsAreSortedAndDoNotOverlap()
    {
        List<MemoryMapping> reference =
        [
            Map(0x10000, 0x30000, "/a"), Map(0x30000, 0x38000, "/a", "rw-p"), Map(0x50000, 0x90000, null, "rw-p"),
            Map(0xa0000, 0xb0000, "[heap]", "rw-p"),
        ];
        List<MemoryMapping> difference =
        [
            Map(0x10000, 0x20000, "/a"), Map(0x20000, 0x38000, "/a"), Map(0x40000, 0x60000, null, "rw-p"),
            Map(0x70000, 0x80000, "/memfd:z", "rw-s"), Map(0x80000, 0xa8000, null, "rw-p"),
        ];
        AssertWellFormed(Build(reference, difference));
    }

    /// <summary>
    /// Sorted by start; two segments are either disjoint or the two one-sided halves of one renamed range; a Both
    /// segment overlaps nothing.
    /// </summary>
    private static void AssertWellFormed(List<ForkSegment> segments)
    {
        for (int i = 0; i < segments.Count; i++)
        {
            ForkSegment s = segments[i];
            Assert.True(s.Start < s.End, $"empty segment {s.Start:x}-{s.End:x}");
            Assert.Equal(s.Side == ForkMappingSide.Both, s.Reference is not null && s.Difference is not null);
            Assert.Equal(s.Side != ForkMappingSide.DifferenceOnly, s.Reference is not null);
            Assert.Equal(s.Side != ForkMappingSide.ReferenceOnly, s.Difference is not null);
            if (i > 0)
            {
                ForkSegment p = segments[i - 1];
                Assert.True(p.Start <= s.Start, $"unsorted: {p.Start:x} before {s.Start:x}");
            }
            for (int j = i + 1; j < segments.Count; j++)
            {
                ForkSegment t = segments[j];
                if (s.Start < t.End && t.Start < s.End)
                {
                    Assert.True(s.Start == t.Start && s.End == t.End
                        && s.Side == ForkMappingSide.ReferenceOnly && t.Side == ForkMappingSide.DifferenceOnly,
                        $"{s.Start:x}-{s.End:x} {s.Side} overlaps {t.Start:x}-{t.End:x} {t.Side}");
                }
            }
        }
    }

    // ---- Property: Build agrees with a page-by-page model on random layouts ----

    private const int GridPages = 48;

    /// <summary>A random sorted, non-overlapping layout on a small page grid, with names from a small pool.</summary>
    private static readonly Gen<List<MemoryMapping>> GenLayout =
        Gen.Select(Gen.Int[0, 3], Gen.Int[1, 6], Gen.Int[0, 3]).Array[0, 12].Select(parts =>
        {
            string?[] names = [null, "/a", "/b", "[heap]"];
            var list = new List<MemoryMapping>();
            ulong page = 0;
            foreach ((int gap, int length, int name) in parts)
            {
                ulong start = page + (ulong)gap, end = start + (ulong)length;
                if (end > GridPages)
                {
                    break;
                }
                list.Add(Map(0x10000 + start * Page, 0x10000 + end * Page, names[name], "rw-p"));
                page = end;
            }
            return list;
        });

    [Fact]
    public void BuildMatchesPageByPageModel()
    {
        Gen.Select(GenLayout, GenLayout).Sample((reference, difference) =>
        {
            List<ForkSegment> segments = Build(reference, difference);
            AssertWellFormed(segments);
            for (ulong p = 0; p < GridPages + 2; p++)
            {
                ulong address = 0x10000 + p * Page;
                MemoryMapping? r = reference.Find(m => m.Start <= address && address < m.End);
                MemoryMapping? d = difference.Find(m => m.Start <= address && address < m.End);
                var covering = segments.Where(s => s.Start <= address && address < s.End).ToList();
                var expected = new List<(ForkMappingSide, MemoryMapping?, MemoryMapping?)>();
                if (r is not null && d is not null && r.Name == d.Name)
                {
                    expected.Add((ForkMappingSide.Both, r, d));
                }
                else
                {
                    if (r is not null)
                    {
                        expected.Add((ForkMappingSide.ReferenceOnly, r, null));
                    }
                    if (d is not null)
                    {
                        expected.Add((ForkMappingSide.DifferenceOnly, null, d));
                    }
                }
                Assert.Equal(expected.Count, covering.Count);
                for (int i = 0; i < expected.Count; i++)
                {
                    Assert.Equal(expected[i].Item1, covering[i].Side);
                    Assert.Same(expected[i].Item2, covering[i].Reference);
                    Assert.Same(expected[i].Item3, covering[i].Difference);
                }
            }
            // Maximal: a segment ends only where the mapping covering one side or the other changes. (A one-sided
            // segment may therefore be split where the other side's unrelated mapping starts or ends.)
            for (int i = 0; i < segments.Count; i++)
            {
                for (int j = 0; j < segments.Count; j++)
                {
                    ForkSegment s = segments[i], t = segments[j];
                    if (s.End != t.Start || s.Side != t.Side
                        || !ReferenceEquals(s.Reference, t.Reference) || !ReferenceEquals(s.Difference, t.Difference))
                    {
                        continue;
                    }
                    bool coverChanges =
                        !ReferenceEquals(reference.Find(m => m.Start < s.End && s.End <= m.End), reference.Find(m => m.Start <= t.Start && t.Start < m.End))
                        || !ReferenceEquals(difference.Find(m => m.Start < s.End && s.End <= m.End), difference.Find(m => m.Start <= t.Start && t.Start < m.End));
                    Assert.True(coverChanges, $"{s.Start:x}-{s.End:x} and {t.Start:x}-{t.End:x} should be one segment");
                }
            }
        }, iter: 5_000);
    }

    [Fact]
    public void SixtyFiveThousandMappingsBuildInLinearTime()
    {
        // A process near vm.max_map_count (65530): a quadratic sweep would take minutes here.
        const int count = 65_000;
        static List<MemoryMapping> Many()
        {
            var list = new List<MemoryMapping>(count);
            for (int i = 0; i < count; i++)
            {
                ulong start = 0x7f0000000000UL + (ulong)i * 2 * Page;
                list.Add(Map(start, start + Page, i % 2 == 0 ? null : "/memfd:arena", "rw-p"));
            }
            return list;
        }
        List<MemoryMapping> reference = Many(), difference = Many();
        var clock = Stopwatch.StartNew();
        List<ForkSegment> segments = Build(reference, difference);
        clock.Stop();
        Assert.Equal(count, segments.Count);
        Assert.All(segments, s => Assert.Equal(ForkMappingSide.Both, s.Side));
        Assert.Same(reference[^1], segments[^1].Reference);
        Assert.Same(difference[^1], segments[^1].Difference);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
    }
}
