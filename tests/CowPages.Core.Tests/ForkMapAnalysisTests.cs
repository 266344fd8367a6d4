using System.Collections.Generic;
using System.Linq;
using CowPages.Core.Tests.Synthetic;
using CowPages.Map;
using Xunit;
using static CowPages.Core.Tests.Synthetic.Words;

namespace CowPages.Core.Tests;

/// <summary>Show-CowMap's analysis on a synthetic parent and child, checked against Compare-ForkPages' own.</summary>
public class ForkMapAnalysisTests
{
    private const ulong Page = PageGeometry.PageSize;
    private const ulong Heap = 0x10000000, Thp = 0x40000000, Late = 0x50000000;

    private readonly SyntheticSource _source = new();
    private readonly RecordingObserver _observer = new();

    /// <summary>
    /// A heap of 64 pages with every 4th copied, a 2 MiB huge page with page 5 copied, and a range only the child maps.
    /// </summary>
    private void Family()
    {
        SyntheticProcess parent = _source.Add(100, 1, "parent");
        SyntheticProcess child = _source.Add(200, 100, "child");
        foreach (SyntheticProcess p in new[] { parent, child })
        {
            p.Map(Heap, 64, "[heap]");
            p.Map(Thp, 512);
        }
        child.Map(Late, 3);
        for (ulong i = 0; i < 64; i++)
        {
            parent.Set(Heap + i * Page, Anon(0x1000 + i));
            child.Set(Heap + i * Page, Anon(i % 4 == 0 ? 0x9000 + i : 0x1000 + i));
        }
        for (ulong i = 0; i < 512; i++)
        {
            parent.Set(Thp + i * Page, Anon(0x20000 + i));
            child.Set(Thp + i * Page, Anon(i == 5 ? 0x30005 : 0x20000 + i));
        }
    }

    private CowMap Map(MapShape shape, PageSelection? selection = null) =>
        ForkMapAnalysis.Map(_source, 200, null, selection ?? PageSelection.All, shape, _observer);

    [Fact]
    public void EachRangeAddsUpToWhatCompareForkPagesCounts()
    {
        Family();
        CowMap map = Map(new MapShape(32, 8));
        List<ForkComparison> ranges = ForkAnalysis.CompareRanges(_source, 200, null, PageSelection.All, new RecordingObserver()).ToList();
        Assert.Equal(ranges.Select(r => (r.Mapping, r.Start, r.End, r.MappedIn)), map.Ranges.Select(r => (r.Mapping, r.Start, r.End, r.MappedIn)));
        foreach ((ForkComparison expected, MapRange actual) in ranges.Zip(map.Ranges))
        {
            Assert.Equal((expected.Shared, expected.Copied, expected.NotPresent), (actual.Counts.Shared, actual.Counts.Copied, actual.Counts.NotPresent));
        }
        Assert.Equal((100, 200, CowMethod.Pfn), (map.ReferenceId, map.DifferenceId, map.Method));
        Assert.Equal(3UL, map.Ranges.Single(r => r.Start == Late).NotCompared);
    }

    [Fact]
    public void TheHugePagesCopyShowsInItsCellAtATwoMegabyteScale()
    {
        Family();
        CowMap map = Map(new MapShape(32, 0, 512), new PageSelection(m => m.Start == Thp, null, null));
        MapCell cell = Assert.Single(Assert.Single(map.Ranges).Cells);
        Assert.Equal(new MapLook(MapState.Shared, 1), cell.Look);
        string row = MapText.Lines(map, 80, MapTextStyle.Plain).ToList()[2];
        Assert.Contains(" + ", row);
    }

    [Fact]
    public void TheStripesOfTheHeapShowAtOnePagePerCell()
    {
        Family();
        CowMap map = Map(new MapShape(64, 100, 1), new PageSelection(m => m.Name == "[heap]", null, null));
        Assert.Equal(string.Concat(Enumerable.Repeat("#===", 16)), new string(map.Ranges[0].Cells.Select(c => MapTextStyle.Plain.Draw(c.Look).Glyph).ToArray()));
    }

    [Fact]
    public void ComparisonsArePlacedByReadingTheirRangesAgain()
    {
        Family();
        List<ForkComparison> ranges = ForkAnalysis.CompareRanges(_source, 200, null, PageSelection.All, new RecordingObserver()).ToList();
        CowMap again = ForkMapAnalysis.MapRanges(_source, ranges, new MapShape(32, 8), _observer);
        CowMap direct = Map(new MapShape(32, 8));
        Assert.True(again.Ranges.All(r => r.Placed));
        Assert.Equal(direct.Ranges.Select(r => r.Cells.Select(c => c.Look).ToList()), again.Ranges.Select(r => r.Cells.Select(c => c.Look).ToList()));
    }

    [Fact]
    public void AComparisonThatNoLongerLinesUpKeepsItsCountsSpreadEvenly()
    {
        Family();
        List<ForkComparison> ranges = ForkAnalysis.CompareRanges(_source, 200, null, PageSelection.All, new RecordingObserver()).ToList();
        var replaced = new SyntheticSource();
        foreach (SyntheticProcess p in _source.Processes.Values)
        {
            SyntheticProcess copy = replaced.Add(p.ProcessId, p.ParentId, p.Name);
            foreach (MemoryMapping m in p.ReadMaps())
            {
                copy.Map(m.Start, m.Size / Page, m.Start == Heap ? "/lib/other.so" : m.Path, m.Permissions, m.Start == Heap ? 42UL : m.Inode);
            }
        }
        CowMap map = ForkMapAnalysis.MapRanges(replaced, ranges, new MapShape(32, 8), _observer);
        MapRange heap = map.Ranges.Single(r => r.Mapping == "[heap]");
        Assert.False(heap.Placed);
        Assert.Equal((48UL, 16UL), (heap.Counts.Shared, heap.Counts.Copied));
        Assert.True(map.Ranges.Single(r => r.Start == Thp).Placed);
        Assert.Contains(MapText.Lines(map, 100, MapTextStyle.Plain), line => line.EndsWith("[heap] *", System.StringComparison.Ordinal));
    }

    [Fact]
    public void TheProcessesGoneTheComparisonsAreDrawnFromTheirCounts()
    {
        Family();
        List<ForkComparison> ranges = ForkAnalysis.CompareRanges(_source, 200, null, PageSelection.All, new RecordingObserver()).ToList();
        _source.Processes.Remove(200);
        var e = Assert.Throws<ProcfsException>(() => ForkMapAnalysis.MapRanges(_source, ranges, new MapShape(32, 8), _observer));
        Assert.Equal(ProcfsErrorKind.NotFound, e.Kind);
        CowMap map = ForkMapAnalysis.FromCounts(ranges, new MapShape(32, 8));
        Assert.All(map.Ranges.Where(r => r.MappedIn == ForkMappingSide.Both), r => Assert.False(r.Placed));
        Assert.Equal(ranges.Sum(r => (long)r.Copied), (long)map.Totals.Copied);
    }

    [Fact]
    public void RangesChangedMidWalkAreNotComparedAndReported()
    {
        Family();
        _source.Processes[100].VanishedMappingStarts.Add(Heap);
        CowMap map = Map(new MapShape(32, 8));
        MapRange heap = map.Ranges.Single(r => r.Mapping == "[heap]");
        Assert.Equal((64UL, 0UL), (heap.NotCompared, heap.Counts.Total));
        Assert.Contains(_observer.Notices, n => n.Kind == ScanNoticeKind.RangesChanged && n.ProcessId == 200);
    }

    [Fact]
    public void WithoutAParentAKernelThreadGivesAnEmptyMap()
    {
        _source.Add(2, 0, "kthreadd");
        Assert.Empty(ForkMapAnalysis.Map(_source, 2, null, PageSelection.All, new MapShape(32, 8), _observer).Ranges);
    }

    [Fact]
    public void ReportsProgressOverTheComparedPages()
    {
        Family();
        Map(new MapShape(32, 8));
        Assert.NotEmpty(_observer.Progresses);
        Assert.All(_observer.Progresses, p => Assert.Equal(576UL, p.Total));
    }
}
