using System;
using CowPages.Decoding;

namespace CowPages.Fork;

/// <summary>The two processes' pagemap words for the same run of addresses. Valid until the next chunk is asked for.</summary>
public readonly struct ForkChunk
{
    private readonly ulong[] _reference;
    private readonly ulong[] _difference;

    internal ForkChunk(ForkSegment segment, ulong firstAddress, ulong[] reference, ulong[] difference, int count)
    {
        Segment = segment;
        FirstAddress = firstAddress;
        _reference = reference;
        _difference = difference;
        Count = count;
    }

    public ForkSegment Segment { get; }

    public ulong FirstAddress { get; }

    public int Count { get; }

    public PagemapWord Reference(int index) => new(_reference[index]);

    public PagemapWord Difference(int index) => new(_difference[index]);

    public ReadOnlySpan<ulong> ReferenceWords => _reference.AsSpan(0, Count);

    public ReadOnlySpan<ulong> DifferenceWords => _difference.AsSpan(0, Count);

    public ulong AddressOf(int index) => FirstAddress + ((ulong)index << PageGeometry.PageShift);
}
