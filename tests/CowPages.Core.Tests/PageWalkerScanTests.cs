using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using Xunit;

namespace CowPages.Core.Tests;

// The walker's skipEmpty path (PAGEMAP_SCAN, Linux 6.7+) must yield exactly the present and swapped pages that a plain
// walk yields, at the same addresses with the same words. Checked on this test process's own sparse mapping: 256 MiB
// reserved PROT_NONE, with a few runs made read-write and written, some of them closer together than the merge gap.
public sealed class PageWalkerScanTests : IDisposable
{
    private const ulong Page = OwnMemory.Page;
    private const ulong ReservedPages = 64 * 1024;

    // (first page, page count) of the runs to touch: far apart, adjacent to the reservation's end, and 10 pages apart.
    private static readonly (ulong First, ulong Count)[] Runs = { (100, 3), (5000, 600), (5610, 2), (40000, 1), (ReservedPages - 4, 4) };

    private readonly IntPtr _base;

    public PageWalkerScanTests()
    {
        _base = OwnMemory.Map(ReservedPages * Page, OwnMemory.ProtNone, OwnMemory.MapNoReserve);
        foreach ((ulong first, ulong count) in Runs)
        {
            IntPtr at = _base + (nint)(first * Page);
            Assert.Equal(0, OwnMemory.Protect(at, (nuint)(count * Page), OwnMemory.ProtReadWrite));
            for (ulong i = 0; i < count; i++)
            {
                Marshal.WriteInt64(at + (nint)(i * Page), (long)(first + i + 1));
            }
        }
    }

    public void Dispose() => OwnMemory.Unmap(_base, (nuint)(ReservedPages * Page));

    private Dictionary<ulong, ulong> NonEmptyPages(bool skipEmpty, int chunkPages)
    {
        var selection = new PageSelection(null, (ulong)_base, ReservedPages);
        using IProcessSource process = LiveProcessTests.Open(Environment.ProcessId);
        using PageWalker walker = PageWalker.Open(process, selection, chunkPages);
        var pages = new Dictionary<ulong, ulong>();
        foreach (PagemapChunk chunk in walker.Chunks(default, skipEmpty))
        {
            Assert.True(chunk.FirstAddress >= (ulong)_base && chunk.AddressOf(chunk.Count - 1) < (ulong)_base + ReservedPages * Page);
            for (int i = 0; i < chunk.Count; i++)
            {
                if (!chunk[i].Empty)
                {
                    Assert.True(pages.TryAdd(chunk.AddressOf(i), chunk.Words[i]), "a page was yielded twice");
                }
            }
        }
        Assert.Equal(walker.TotalPages, walker.PagesDone);
        return pages;
    }

    [Theory]
    [InlineData(PageWalker.DefaultChunkPages)]
    [InlineData(256)]
    public void SkippingEmptyRangesYieldsTheSamePagesAsAPlainWalk(int chunkPages)
    {
        Dictionary<ulong, ulong> plain = NonEmptyPages(skipEmpty: false, chunkPages);
        Dictionary<ulong, ulong> skipped = NonEmptyPages(skipEmpty: true, chunkPages);

        ulong touched = 0;
        foreach ((_, ulong count) in Runs)
        {
            touched += count;
        }
        Assert.Equal((int)touched, plain.Count);
        Assert.Equal(plain, skipped);
    }
}
