using System;
using System.Collections.Generic;
using System.Linq;
using CowPages.Flags;
using Xunit;

namespace CowPages.Core.Tests;

// The counting rule of page-types -p, on synthetic pagemap chunks and a made-up kpageflags: every present page with a
// frame counts once, THP tails included; swapped pages, guard markers and empty pages do not, nor do frames past the end.
public class FlagsTallyTests
{
    private const ulong Present = 1UL << 63;
    private const ulong Swap = 1UL << 62;
    private const ulong File = 1UL << 61;
    private const ulong Exclusive = 1UL << 56;
    private const ulong GuardRoot = 0x440000000000009fUL;
    private const ulong SwappedRoot = Swap | (0x1234UL << 5) | 1;

    private const ulong KpfMmap = 1UL << 11;
    private const ulong KpfAnon = 1UL << 12;
    private const ulong KpfHead = 1UL << 15;
    private const ulong KpfTail = 1UL << 16;
    private const ulong KpfThp = 1UL << 22;

    /// <summary>Physical memory of 0x10000 frames whose flags are the PFN's low bits shifted into the kernel's range.</summary>
    private static ulong FlagsOf(ulong pfn) => pfn < 0x100 ? KpfMmap | (pfn << 32) : KpfMmap | KpfAnon;

    private static readonly MemoryMapping Anon = new(0x7f0000000000, 0x7f0000400000, "rw-p", 0, "00:00", 0, null, false);
    private static readonly MemoryMapping Heap = new(0x5555000000, 0x5555100000, "rw-p", 0, "00:00", 0, "[heap]", false);

    private sealed class FakeFrames
    {
        public const ulong End = 0x10000;
        public List<int> BatchSizes { get; } = new();
        public Func<ulong, ulong> Flags { get; init; } = FlagsOf;

        public void Lookup(ReadOnlySpan<ulong> pfns, Span<FrameInfo> frames)
        {
            BatchSizes.Add(pfns.Length);
            for (int i = 0; i < pfns.Length; i++)
            {
                frames[i] = pfns[i] < End ? new FrameInfo { Flags = Flags(pfns[i]), Found = true } : new FrameInfo { Found = false };
            }
        }
    }

    private static PagemapChunk Chunk(MemoryMapping mapping, params ulong[] words) => new(mapping, 0, mapping.Start, words, 0, words.Length);

    private static (ulong, ulong)[] Table(FlagsTally tally, int group = 0) => tally.Groups[group].Histogram.ToSortedArray();

    [Fact]
    public void CountsPresentPagesOnlyNotSwappedGuardOrEmptyOnes()
    {
        var frames = new FakeFrames();
        var tally = new FlagsTally(frames.Lookup);
        Assert.True(tally.Add(Chunk(Anon, Present | 0x1000, 0, SwappedRoot, GuardRoot, Present | Exclusive | 0x1001, Swap | File), ""));
        tally.Flush();
        Assert.Equal(new[] { (KpfMmap | KpfAnon, 2UL) }, Table(tally));
        Assert.Equal(new[] { 2 }, frames.BatchSizes);
    }

    [Fact]
    public void CountsEveryPageOfAHugePageHeadAndTails()
    {
        var frames = new FakeFrames { Flags = pfn => KpfAnon | KpfThp | (pfn % 512 == 0 ? KpfHead : KpfTail) };
        var tally = new FlagsTally(frames.Lookup);
        ulong[] words = Enumerable.Range(0, 512).Select(i => Present | (0x2000UL + (ulong)i)).ToArray();
        Assert.True(tally.Add(Chunk(Anon, words), ""));
        tally.Flush();
        Assert.Equal(new[] { (KpfAnon | KpfHead | KpfThp, 1UL), (KpfAnon | KpfTail | KpfThp, 511UL) }, Table(tally));
    }

    [Fact]
    public void CountsASharedFrameOnceForEachPageThatMapsIt()
    {
        var tally = new FlagsTally(new FakeFrames().Lookup);
        Assert.True(tally.Add(Chunk(Anon, Present | 0x10, Present | 0x10, Present | 0x10), ""));
        tally.Flush();
        Assert.Equal(new[] { (KpfMmap | (0x10UL << 32), 3UL) }, Table(tally));
    }

    [Fact]
    public void LeavesOutFramesPastTheEndOfKpageflags()
    {
        var tally = new FlagsTally(new FakeFrames().Lookup);
        Assert.True(tally.Add(Chunk(Anon, Present | FakeFrames.End, Present | 0x3000), ""));
        tally.Flush();
        Assert.Equal(new[] { (KpfMmap | KpfAnon, 1UL) }, Table(tally));
    }

    [Fact]
    public void SaysSoWhenTheKernelHidesThePfns()
    {
        var tally = new FlagsTally(new FakeFrames().Lookup);
        Assert.False(tally.Add(Chunk(Anon, Present | Exclusive), ""));
    }

    [Fact]
    public void BatchesAcrossChunksAndFlushesWhenFull()
    {
        var frames = new FakeFrames();
        var tally = new FlagsTally(frames.Lookup, batchPages: 4);
        for (int c = 0; c < 3; c++)
        {
            Assert.True(tally.Add(Chunk(Anon, Present | 0x5000, Present | 0x5001, Present | 0x5002), ""));
        }
        tally.Flush();
        Assert.Equal(new[] { 4, 4, 1 }, frames.BatchSizes);
        Assert.Equal(new[] { (KpfMmap | KpfAnon, 9UL) }, Table(tally));
    }

    [Fact]
    public void KeepsOneHistogramPerGroupInTheOrderTheyCame()
    {
        var frames = new FakeFrames();
        var tally = new FlagsTally(frames.Lookup);
        Assert.True(tally.Add(Chunk(Heap, Present | 0x20, Present | 0x3000), Heap.Name));
        Assert.True(tally.Add(Chunk(Anon, Present | 0x3001), Anon.Name));
        Assert.True(tally.Add(Chunk(Heap, Present | 0x20), Heap.Name));
        tally.Flush();
        // One lookup for all three chunks, split back into their groups.
        Assert.Equal(new[] { 4 }, frames.BatchSizes);
        Assert.Equal(new[] { "[heap]", "[anon]" }, tally.Groups.Select(g => g.Name));
        Assert.Equal(new[] { (KpfMmap | KpfAnon, 1UL), (KpfMmap | (0x20UL << 32), 2UL) }, Table(tally, 0));
        Assert.Equal(new[] { (KpfMmap | KpfAnon, 1UL) }, Table(tally, 1));
    }

    [Fact]
    public void ClearStartsTheNextProcessEmpty()
    {
        var tally = new FlagsTally(new FakeFrames().Lookup);
        Assert.True(tally.Add(Chunk(Anon, Present | 0x3000), "a"));
        tally.Clear();
        Assert.Empty(tally.Groups);
        Assert.True(tally.Add(Chunk(Anon, Present | 0x20), "b"));
        tally.Flush();
        Assert.Equal(new[] { (KpfMmap | (0x20UL << 32), 1UL) }, Table(tally));
    }
}
