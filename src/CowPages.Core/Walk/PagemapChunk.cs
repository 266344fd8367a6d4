using System;
using CowPages.Decoding;

namespace CowPages.Walk;

/// <summary>
/// A run of consecutive pagemap words inside one mapping. The words live in the walker's reusable buffer:
/// use them before asking for the next chunk.
/// </summary>
public readonly struct PagemapChunk
{
    private readonly ulong[] _buffer;
    private readonly int _offset;

    internal PagemapChunk(MemoryMapping mapping, int mappingIndex, ulong firstAddress, ulong[] buffer, int offset, int count)
    {
        Mapping = mapping;
        MappingIndex = mappingIndex;
        FirstAddress = firstAddress;
        _buffer = buffer;
        _offset = offset;
        Count = count;
    }

    public MemoryMapping Mapping { get; }

    /// <summary>The index of <see cref="Mapping"/> among the walk's selected mappings, for progress.</summary>
    public int MappingIndex { get; }

    public ulong FirstAddress { get; }

    public int Count { get; }

    public ReadOnlySpan<ulong> Words => _buffer.AsSpan(_offset, Count);

    public PagemapWord this[int index] => new(_buffer[_offset + index]);

    public ulong AddressOf(int index) => FirstAddress + ((ulong)index << PageGeometry.PageShift);
}
