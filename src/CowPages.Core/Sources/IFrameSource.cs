using System;

namespace CowPages.Sources;

/// <summary>
/// The kpage* files: one 64-bit word per frame in each of <c>/proc/kpageflags</c>, <c>/proc/kpagecount</c> and
/// <c>/proc/kpagecgroup</c>. Read by contiguous ranges; <see cref="Frames.FrameReader"/> turns scattered lookups into
/// such ranges.
/// </summary>
public interface IFrameSource : IDisposable
{
    /// <summary>The files that are open. kpagecgroup may be missing (it needs CONFIG_MEMCG).</summary>
    FrameFields Fields { get; }

    /// <summary>
    /// The first number that names a frame: PFN 0 live; 1 in a snapshot, whose id 0 stands for no frame (it reads as a
    /// hole, flags 0, as a missing PFN would), so that counting "all frames" does not count it.
    /// </summary>
    ulong FirstFrame => 0;

    /// <summary>The path errors name for <paramref name="field"/>, such as <c>/proc/kpageflags</c>.</summary>
    string PathOf(FrameFields field);

    /// <summary>
    /// Reads the words of <paramref name="field"/> (one file) for consecutive frames from <paramref name="firstPfn"/>.
    /// Returns how many exist: fewer than asked at the end of physical memory.
    /// </summary>
    int Read(FrameFields field, ulong firstPfn, Span<ulong> words);
}
