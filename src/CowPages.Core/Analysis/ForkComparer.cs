using System;
using System.Collections.Generic;
using System.Threading;
using CowPages.Decoding;
using CowPages.Reading;

namespace CowPages.Analysis;

/// <summary>
/// Compares two processes page by page at the same virtual addresses: both pagemaps are read in lockstep, chunk by
/// chunk, over the ranges both have mapped under the same name.
/// </summary>
public sealed class ForkComparer : IDisposable
{
    /// <summary>Words per read and side: 512 KiB of pagemap each, describing 256 MiB of address space.</summary>
    public const int ChunkPages = 64 * 1024;

    private readonly ulong[] _referenceBuffer = new ulong[ChunkPages];
    private readonly ulong[] _differenceBuffer = new ulong[ChunkPages];
    private readonly ulong _zeroPfn;
    private readonly List<(ulong Start, ulong End)> _changed = new();
    private PagemapReader? _reference;
    private PagemapReader? _difference;
    private MappingProbe? _referenceProbe;
    private MappingProbe? _differenceProbe;

    private ForkComparer(int referenceId, int differenceId, List<ForkSegment> segments, PagemapReader? reference, PagemapReader? difference, CowMethod method)
    {
        ReferenceId = referenceId;
        DifferenceId = differenceId;
        Segments = segments;
        _reference = reference;
        _difference = difference;
        Method = method;
        _zeroPfn = method == CowMethod.Pfn ? ZeroPage.Pfn : 0;
        foreach (ForkSegment segment in segments)
        {
            if (segment.Side == ForkMappingSide.Both)
            {
                ComparedPages += segment.Pages;
            }
        }
    }

    public int ReferenceId { get; }

    public int DifferenceId { get; }

    public IReadOnlyList<ForkSegment> Segments { get; }

    /// <summary>Ranges left out because either side unmapped or replaced the mapping during the walk.</summary>
    public IReadOnlyList<(ulong Start, ulong End)> ChangedRanges => _changed;

    /// <summary>How many pages the comparison reads from each side.</summary>
    public ulong ComparedPages { get; }

    /// <summary>
    /// Pfn when this process may see frame numbers; ExclusiveBit otherwise. It drops to ExclusiveBit during the walk
    /// if the kernel hides PFNs after all (CAP_SYS_ADMIN in a user namespace).
    /// </summary>
    public CowMethod Method { get; private set; }

    /// <summary>Reads both maps and opens both pagemaps.</summary>
    /// <exception cref="ProcfsException">Either process is missing or unreadable; the exception names which.</exception>
    public static ForkComparer Open(int referenceId, int differenceId, PageSelection selection)
    {
        List<MemoryMapping> referenceMaps = MapsReader.Read(referenceId);
        List<MemoryMapping> differenceMaps = MapsReader.Read(differenceId);
        // A kernel thread or zombie has no user memory: there is nothing to compare, not a one-sided difference.
        List<ForkSegment> segments = referenceMaps.Count == 0 || differenceMaps.Count == 0
            ? new List<ForkSegment>()
            : ForkSegments.Build(referenceMaps, differenceMaps, selection);
        bool anyCompared = segments.Exists(s => s.Side == ForkMappingSide.Both);
        PagemapReader? reference = null, difference = null;
        try
        {
            if (anyCompared)
            {
                reference = PagemapReader.Open(referenceId);
                difference = PagemapReader.Open(differenceId);
            }
            return new ForkComparer(referenceId, differenceId, segments, reference, difference,
                Privilege.HasSysAdmin ? CowMethod.Pfn : CowMethod.ExclusiveBit)
            {
                _referenceProbe = anyCompared ? MappingProbe.Open(referenceId) : null,
                _differenceProbe = anyCompared ? MappingProbe.Open(differenceId) : null,
            };
        }
        catch
        {
            reference?.Dispose();
            difference?.Dispose();
            throw;
        }
    }

    /// <summary>Yields the pages of a compared segment, both sides side by side.</summary>
    /// <exception cref="ProcfsException">One of the processes exited during the walk.</exception>
    public IEnumerable<ForkChunk> Chunks(ForkSegment segment, CancellationToken cancel = default)
    {
        if (segment.Side != ForkMappingSide.Both)
        {
            yield break;
        }
        PagemapReader reference = _reference ?? throw new ObjectDisposedException(nameof(ForkComparer));
        PagemapReader difference = _difference ?? throw new ObjectDisposedException(nameof(ForkComparer));
        ulong page = segment.Start >> PagemapReader.PageShift;
        ulong endPage = segment.End >> PagemapReader.PageShift;
        while (page < endPage)
        {
            cancel.ThrowIfCancellationRequested();
            int want = (int)Math.Min(ChunkPages, endPage - page);
            int gotReference = reference.Read(page, _referenceBuffer.AsSpan(0, want));
            if (gotReference == 0)
            {
                throw ProcfsException.ProcessExited(ReferenceId, reference.Path);
            }
            int gotDifference = difference.Read(page, _differenceBuffer.AsSpan(0, gotReference));
            if (gotDifference == 0)
            {
                throw ProcfsException.ProcessExited(DifferenceId, difference.Path);
            }
            ulong chunkStart = page << PagemapReader.PageShift;
            ulong chunkEnd = (page + (ulong)gotDifference) << PagemapReader.PageShift;
            page += (ulong)gotDifference;
            if (!_referenceProbe!.StillMapped(segment.Reference!, chunkStart, chunkEnd)
                || !_differenceProbe!.StillMapped(segment.Difference!, chunkStart, chunkEnd))
            {
                _changed.Add((chunkStart, chunkEnd));
                continue;
            }
            yield return new ForkChunk(segment, chunkStart, _referenceBuffer, _differenceBuffer, gotDifference);
        }
    }

    /// <summary>Classifies one page of a chunk by the comparer's method.</summary>
    public ForkPageState Classify(in ForkChunk chunk, int index)
    {
        PagemapWord reference = chunk.Reference(index);
        PagemapWord difference = chunk.Difference(index);
        if (Method == CowMethod.Pfn && reference.Present && (reference.Pfn == 0 || (difference.Present && difference.Pfn == 0)))
        {
            Method = CowMethod.ExclusiveBit;
        }
        return Method == CowMethod.Pfn
            ? ForkPageClassifier.ByPfn(reference, difference, _zeroPfn, chunk.Segment.PrivateAnonymous)
            : ForkPageClassifier.ByExclusiveBit(reference, difference, chunk.Segment.PrivateAnonymous);
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

    public void Dispose()
    {
        _reference?.Dispose();
        _difference?.Dispose();
        _reference = _difference = null;
        _referenceProbe?.Dispose();
        _differenceProbe?.Dispose();
        _referenceProbe = _differenceProbe = null;
    }
}
