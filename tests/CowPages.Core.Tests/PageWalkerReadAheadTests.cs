using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using Xunit;

namespace CowPages.Core.Tests;

// The walker reads runs of small neighbouring mappings with one pread and hands out each mapping's words from that
// read. Checked on this process's own region of 301 written pages, split into one VMA per page by alternating
// protections, with two holes punched in it: one narrower than the merge gap, one wider.
public sealed class PageWalkerReadAheadTests : IDisposable
{
    private const ulong Page = OwnMemory.Page;
    private const ulong Pages = 301;

    // Page 150 is unmapped (a hole of one page); 200..(200 + gap + 1) too (a hole wider than the merge gap).
    private static readonly ulong NarrowHole = 150;
    private static readonly ulong WideHoleFirst = 200, WideHoleCount = PageWalker.ReadMergeGap + 1;

    private readonly IntPtr _base;
    private readonly ulong _length;

    public PageWalkerReadAheadTests()
    {
        // Room after the region for the wide hole's far side.
        _length = (Pages + WideHoleCount) * Page;
        _base = OwnMemory.Map(_length, OwnMemory.ProtReadWrite);
        for (ulong i = 0; i < Pages + WideHoleCount; i++)
        {
            Marshal.WriteInt64(_base + (nint)(i * Page), (long)i + 1);
        }
        for (ulong i = 1; i < Pages + WideHoleCount; i += 2)
        {
            Assert.Equal(0, OwnMemory.Protect(_base + (nint)(i * Page), (nuint)Page, OwnMemory.ProtRead));
        }
        Assert.Equal(0, OwnMemory.Unmap(_base + (nint)(NarrowHole * Page), (nuint)Page));
        Assert.Equal(0, OwnMemory.Unmap(_base + (nint)(WideHoleFirst * Page), (nuint)(WideHoleCount * Page)));
    }

    public void Dispose() => OwnMemory.Unmap(_base, (nuint)_length);

    private bool Mapped(ulong page) => page != NarrowHole && (page < WideHoleFirst || page >= WideHoleFirst + WideHoleCount);

    [Theory]
    [InlineData(true, PageWalker.DefaultChunkPages)]
    [InlineData(false, PageWalker.DefaultChunkPages)]
    [InlineData(true, 16)]
    public void YieldsEveryPageOfEveryMappingOnceWithItsOwnWord(bool skipEmpty, int chunkPages)
    {
        ulong pages = _length / Page;
        var selection = new PageSelection(null, (ulong)_base, pages);
        var seen = new HashSet<ulong>();
        using IProcessSource direct = LiveProcessTests.Open(Environment.ProcessId);
        using IProcessSource process = LiveProcessTests.Open(Environment.ProcessId);
        var one = new ulong[1];
        using (PageWalker walker = PageWalker.Open(process, selection, chunkPages))
        {
            Assert.True(walker.Ranges.Count > 200, "the protections did not split the region into VMAs");
            foreach (PagemapChunk chunk in walker.Chunks(default, skipEmpty))
            {
                Assert.True(chunk.FirstAddress >= chunk.Mapping.Start && chunk.AddressOf(chunk.Count) <= chunk.Mapping.End,
                    $"chunk at 0x{chunk.FirstAddress:x} runs outside its mapping {chunk.Mapping}");
                for (int i = 0; i < chunk.Count; i++)
                {
                    Assert.True(seen.Add(chunk.AddressOf(i)), "a page was yielded twice");
                    Assert.True(chunk[i].Present, $"page 0x{chunk.AddressOf(i):x} is written but not present");
                    Assert.Equal(1, direct.ReadPagemap(chunk.AddressOf(i) / Page, one));
                    Assert.Equal(one[0], chunk.Words[i]);
                }
            }
            Assert.Equal(walker.TotalPages, walker.PagesDone);
        }
        for (ulong page = 0; page < pages; page++)
        {
            Assert.Equal(Mapped(page), seen.Contains((ulong)_base + page * Page));
        }
    }
}
