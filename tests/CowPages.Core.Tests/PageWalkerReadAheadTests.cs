using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using CowPages.Analysis;
using CowPages.Reading;
using Xunit;

namespace CowPages.Core.Tests;

// The walker reads runs of small neighbouring mappings with one pread and hands out each mapping's words from that
// read. Checked on this process's own region of 301 written pages, split into one VMA per page by alternating
// protections, with two holes punched in it: one narrower than the merge gap, one wider.
public sealed class PageWalkerReadAheadTests : IDisposable
{
    private const ulong Page = 4096;
    private const ulong Pages = 301;
    private const int ProtRead = 1, ProtReadWrite = 3, MapPrivateAnonymous = 0x02 | 0x20;

    // Page 150 is unmapped (a hole of one page); 200..(200 + gap + 1) too (a hole wider than the merge gap).
    private static readonly ulong NarrowHole = 150;
    private static readonly ulong WideHoleFirst = 200, WideHoleCount = PageWalker.ReadMergeGap + 1;

    [DllImport("libc", EntryPoint = "mmap", SetLastError = true)]
    private static extern IntPtr MMap(IntPtr address, nuint length, int protection, int flags, int fd, nint offset);

    [DllImport("libc", EntryPoint = "mprotect", SetLastError = true)]
    private static extern int MProtect(IntPtr address, nuint length, int protection);

    [DllImport("libc", EntryPoint = "munmap")]
    private static extern int MUnmap(IntPtr address, nuint length);

    private readonly IntPtr _base;
    private readonly ulong _length;

    public PageWalkerReadAheadTests()
    {
        // Room after the region for the wide hole's far side.
        _length = (Pages + WideHoleCount) * Page;
        _base = MMap(IntPtr.Zero, (nuint)_length, ProtReadWrite, MapPrivateAnonymous, -1, 0);
        Assert.NotEqual(new IntPtr(-1), _base);
        for (ulong i = 0; i < Pages + WideHoleCount; i++)
        {
            Marshal.WriteInt64(_base + (nint)(i * Page), (long)i + 1);
        }
        for (ulong i = 1; i < Pages + WideHoleCount; i += 2)
        {
            Assert.Equal(0, MProtect(_base + (nint)(i * Page), (nuint)Page, ProtRead));
        }
        Assert.Equal(0, MUnmap(_base + (nint)(NarrowHole * Page), (nuint)Page));
        Assert.Equal(0, MUnmap(_base + (nint)(WideHoleFirst * Page), (nuint)(WideHoleCount * Page)));
    }

    public void Dispose() => MUnmap(_base, (nuint)_length);

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
        using PagemapReader direct = PagemapReader.Open(Environment.ProcessId);
        var one = new ulong[1];
        using (PageWalker walker = PageWalker.Open(Environment.ProcessId, selection, chunkPages))
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
                    Assert.Equal(1, direct.Read(chunk.AddressOf(i) / Page, one));
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
