using System;
using System.Collections.Generic;
using System.Threading;
using CowPages.Decoding;
using CowPages.Sources;
using CowPages.Walk;

namespace CowPages.Fork;

/// <summary>
/// Compares two processes page by page at the same virtual addresses: both pagemaps are read in lockstep, chunk by
/// chunk, over the ranges both have mapped under the same name.
/// </summary>
public sealed class ForkComparer : IDisposable
{
    /// <summary>Words per read and side: 512 KiB of pagemap each, describing 256 MiB of address space.</summary>
    public const int ChunkPages = 64 * 1024;

    private readonly IProcfsSource _source;
    private readonly IProcessSource _reference;
    private readonly IProcessSource _difference;
    private ulong[]? _referenceBuffer = new ulong[ChunkPages];
    private ulong[]? _differenceBuffer = new ulong[ChunkPages];
    private ulong? _zeroPfn;
    private readonly List<AddressRange> _changed = new();
    // Without frames, zero pages are found per chunk with PAGEMAP_SCAN, for each side.
    private readonly ZeroPageFinder _referenceZeroPages;
    private readonly ZeroPageFinder _differenceZeroPages;
    private readonly bool[] _referenceZero = new bool[ChunkPages];
    private readonly bool[] _differenceZero = new bool[ChunkPages];
    private bool _zeroPagesFound;

    private ForkComparer(IProcfsSource source, IProcessSource reference, IProcessSource difference, List<ForkSegment> segments)
    {
        _source = source;
        _reference = reference;
        _difference = difference;
        Segments = segments;
        Method = source.FramesVisible ? CowMethod.Pfn : CowMethod.ExclusiveBit;
        _referenceZeroPages = new ZeroPageFinder(source, reference);
        _differenceZeroPages = new ZeroPageFinder(source, difference);
        foreach (ForkSegment segment in segments)
        {
            if (segment.Side == ForkMappingSide.Both)
            {
                ComparedPages += segment.Pages;
            }
        }
    }

    public int ReferenceId => _reference.ProcessId;

    public int DifferenceId => _difference.ProcessId;

    public IReadOnlyList<ForkSegment> Segments { get; }

    /// <summary>Ranges left out because either side unmapped or replaced the mapping during the walk.</summary>
    public IReadOnlyList<AddressRange> ChangedRanges => _changed;

    /// <summary>How many pages the comparison reads from each side.</summary>
    public ulong ComparedPages { get; }

    /// <summary>
    /// Pfn when the source shows frame numbers; ExclusiveBit otherwise. It drops to ExclusiveBit during the walk if the
    /// kernel hides PFNs after all (CAP_SYS_ADMIN in a user namespace).
    /// </summary>
    public CowMethod Method { get; private set; }

    /// <summary>
    /// Reads both processes' maps and lines them up. The processes stay their caller's: a caller that samples the same
    /// pair again and again opens a comparer per sample over the same open processes.
    /// </summary>
    /// <exception cref="ProcfsException">Either process is missing or unreadable; the exception names which.</exception>
    public static ForkComparer Open(IProcfsSource source, IProcessSource reference, IProcessSource difference, PageSelection selection)
    {
        IReadOnlyList<MemoryMapping> referenceMaps = reference.ReadMaps();
        IReadOnlyList<MemoryMapping> differenceMaps = difference.ReadMaps();
        // A kernel thread or zombie has no user memory: there is nothing to compare, not a one-sided difference.
        List<ForkSegment> segments = referenceMaps.Count == 0 || differenceMaps.Count == 0
            ? new List<ForkSegment>()
            : ForkSegments.Build(referenceMaps, differenceMaps, selection);
        return new ForkComparer(source, reference, difference, segments);
    }

    /// <summary>Yields the pages of a compared segment, both sides side by side.</summary>
    /// <exception cref="ProcfsException">One of the processes exited during the walk.</exception>
    public IEnumerable<ForkChunk> Chunks(ForkSegment segment, CancellationToken cancel = default)
    {
        if (segment.Side != ForkMappingSide.Both)
        {
            yield break;
        }
        ulong[] referenceBuffer = _referenceBuffer ?? throw new ObjectDisposedException(nameof(ForkComparer));
        ulong[] differenceBuffer = _differenceBuffer!;
        ulong page = PageGeometry.PageOf(segment.Start);
        ulong endPage = PageGeometry.PageOf(segment.End);
        while (page < endPage)
        {
            cancel.ThrowIfCancellationRequested();
            int want = (int)Math.Min(ChunkPages, endPage - page);
            int gotReference = _reference.ReadPagemap(page, referenceBuffer.AsSpan(0, want));
            if (gotReference == 0)
            {
                throw ProcfsException.ProcessExited(ReferenceId, _reference.PagemapPath);
            }
            int gotDifference = _difference.ReadPagemap(page, differenceBuffer.AsSpan(0, gotReference));
            if (gotDifference == 0)
            {
                throw ProcfsException.ProcessExited(DifferenceId, _difference.PagemapPath);
            }
            ulong chunkStart = PageGeometry.AddressOf(page);
            ulong chunkEnd = PageGeometry.AddressOf(page + (ulong)gotDifference);
            page += (ulong)gotDifference;
            if (!_reference.StillMapped(segment.Reference!, chunkStart, chunkEnd)
                || !_difference.StillMapped(segment.Difference!, chunkStart, chunkEnd))
            {
                _changed.Add(new AddressRange(chunkStart, chunkEnd));
                continue;
            }
            _zeroPagesFound = Method == CowMethod.ExclusiveBit && segment.PrivateAnonymous
                && _referenceZeroPages.Find(segment.Reference!, chunkStart, referenceBuffer.AsSpan(0, gotDifference), _referenceZero)
                && _differenceZeroPages.Find(segment.Difference!, chunkStart, differenceBuffer.AsSpan(0, gotDifference), _differenceZero);
            yield return new ForkChunk(segment, chunkStart, referenceBuffer, differenceBuffer, gotDifference);
        }
    }

    /// <summary>Classifies one page of a chunk by the comparer's method.</summary>
    public ForkPageState Classify(in ForkChunk chunk, int index)
    {
        PagemapWord reference = chunk.Reference(index);
        PagemapWord difference = chunk.Difference(index);
        if (Method == CowMethod.Pfn && (reference.FrameHidden || difference.FrameHidden))
        {
            Method = CowMethod.ExclusiveBit;
        }
        if (Method == CowMethod.ExclusiveBit)
        {
            return _zeroPagesFound
                ? ForkPageClassifier.ByExclusiveBit(reference, difference, chunk.Segment.PrivateAnonymous, _referenceZero[index], _differenceZero[index])
                : ForkPageClassifier.ByExclusiveBit(reference, difference, chunk.Segment.PrivateAnonymous);
        }
        _zeroPfn ??= _source.ZeroPfn;
        return ForkPageClassifier.ByPfn(reference, difference, _zeroPfn.Value, chunk.Segment.PrivateAnonymous);
    }

    /// <summary>Counts the states of every page of a segment; all zero for a one-sided segment.</summary>
    public ForkStateCounts CountSegment(ForkSegment segment, CancellationToken cancel = default)
    {
        var counts = new ForkStateCounts();
        foreach (ForkChunk chunk in Chunks(segment, cancel))
        {
            for (int i = 0; i < chunk.Count; i++)
            {
                counts.Add(Classify(chunk, i));
            }
        }
        return counts;
    }

    /// <summary>Lets go of the buffers; the processes stay open for their owner.</summary>
    public void Dispose() => _referenceBuffer = _differenceBuffer = null;
}
