using System;
using System.Collections.Generic;
using CowPages.Decoding;
using CowPages.Frames;
using CowPages.Walk;

namespace CowPages.Flags;

/// <summary>
/// Counts the flags of a process's present pages into one histogram per group (the whole process, or each mapping
/// name). The PFNs of many chunks are gathered into one batch and looked up together, so that a process of many small
/// mappings still gets large, sorted, coalesced reads of <c>/proc/kpageflags</c>.
/// Counting rule, as <c>page-types -p</c>: every present page with a frame counts once per 4 KiB page, the tail pages
/// of a huge page included; swapped pages, guard markers and empty pages do not count, nor do frames past the end of
/// <c>/proc/kpageflags</c> (device memory).
/// </summary>
public sealed class FlagsTally
{
    /// <summary>Fills frames[i] for pfns[i], as <see cref="FrameReader.Lookup(ReadOnlySpan{ulong}, Span{FrameInfo})"/> does.</summary>
    public delegate void FrameLookup(ReadOnlySpan<ulong> pfns, Span<FrameInfo> frames);

    private const ulong PresentBit = 1UL << PagemapWord.PresentBit;

    private readonly FrameLookup _lookup;
    private readonly ulong[] _pfns;
    private readonly int[] _groups;
    private readonly FrameInfo[] _frames;
    private int _pending;
    private readonly List<(string Name, FlagsHistogram Histogram)> _histograms = new();
    private readonly Dictionary<string, int> _groupIndex = new(StringComparer.Ordinal);

    public FlagsTally(FrameLookup lookup, int batchPages = PageWalker.DefaultChunkPages)
    {
        if (batchPages < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(batchPages));
        }
        _lookup = lookup;
        _pfns = new ulong[batchPages];
        _groups = new int[batchPages];
        _frames = new FrameInfo[batchPages];
    }

    /// <summary>The groups in the order their first page came, each with its histogram. Complete after <see cref="Flush"/>.</summary>
    public IReadOnlyList<(string Name, FlagsHistogram Histogram)> Groups => _histograms;

    /// <summary>
    /// Queues the present pages of <paramref name="chunk"/> under <paramref name="group"/>; a full batch is looked up
    /// at once. Returns false, having queued nothing more, when a present page has PFN 0: the kernel hides PFNs from
    /// callers without CAP_SYS_ADMIN in the initial user namespace.
    /// </summary>
    public bool Add(in PagemapChunk chunk, string group)
    {
        if (!_groupIndex.TryGetValue(group, out int index))
        {
            index = _histograms.Count;
            _groupIndex[group] = index;
            _histograms.Add((group, new FlagsHistogram()));
        }
        foreach (ulong raw in chunk.Words)
        {
            if ((raw & PresentBit) == 0)
            {
                continue;
            }
            ulong pfn = raw & PagemapWord.FrameMask;
            if (pfn == 0)
            {
                return false;
            }
            _pfns[_pending] = pfn;
            _groups[_pending] = index;
            if (++_pending == _pfns.Length)
            {
                Flush();
            }
        }
        return true;
    }

    /// <summary>Looks up the queued frames and counts them.</summary>
    public void Flush()
    {
        int n = _pending;
        if (n == 0)
        {
            return;
        }
        _pending = 0;
        _lookup(_pfns.AsSpan(0, n), _frames.AsSpan(0, n));
        if (_histograms.Count == 1)
        {
            FlagsHistogram only = _histograms[0].Histogram;
            for (int i = 0; i < n; i++)
            {
                if (_frames[i].Found)
                {
                    only.Add(_frames[i].Flags);
                }
            }
            return;
        }
        for (int i = 0; i < n; i++)
        {
            if (_frames[i].Found)
            {
                _histograms[_groups[i]].Histogram.Add(_frames[i].Flags);
            }
        }
    }

    /// <summary>Forgets every group and anything queued, keeping the buffers for the next process.</summary>
    public void Clear()
    {
        _pending = 0;
        _histograms.Clear();
        _groupIndex.Clear();
    }
}
