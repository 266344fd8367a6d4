using System;
using CowPages.Sources;

namespace CowPages.Core.Benchmarks;

/// <summary>
/// A kpageflags that lives in memory: every frame exists and is an LRU page. Reading a window is one vectorised fill,
/// about what copying it out of the kernel's buffer costs, so that FrameReader.Lookup over it measures the reader's
/// own sort, merge and scatter rather than the kernel.
/// </summary>
internal sealed class SyntheticFrames : IFrameSource
{
    private const ulong LruPage = (ulong)PageFlags.Lru;

    public FrameFields Fields => FrameFields.Flags;

    public string PathOf(FrameFields field) => "synthetic kpageflags";

    public int Read(FrameFields field, ulong firstPfn, Span<ulong> words)
    {
        words.Fill(LruPage);
        return words.Length;
    }

    public void Dispose()
    {
    }
}
