using System;
using System.Collections.Generic;
using CowPages.Frames;

namespace CowPages.Snapshots;

/// <summary>
/// Replaces physical frame numbers with opaque ids, 1, 2, 3 ... in the order the capture first sees them, so that no
/// physical address leaves the host (they help Rowhammer-style attacks, which is why the kernel hides them) while equal
/// frames keep equal ids across every captured process. Id 0 is never given: in a pagemap word it means "hidden".
/// The PFN-to-id map is a table of 4096-entry blocks, made as PFNs fall in them: neighbouring pages usually have
/// neighbouring frames, so a lookup is an array access, and memory follows the spread of the frames seen.
/// </summary>
internal sealed class FrameNumbering
{
    private const int BlockShift = 12;
    private const ulong BlockMask = (1UL << BlockShift) - 1;

    private readonly Dictionary<ulong, uint[]> _blocks = new();
    private ulong _lastKey = ulong.MaxValue;
    private uint[]? _lastBlock;

    private ulong[] _flags = new ulong[4096];
    private ulong[] _mapCounts = new ulong[4096];
    private ulong[] _cgroups = new ulong[4096];

    /// <summary>How many ids are given; they run from 1 to this.</summary>
    public int Count { get; private set; }

    /// <summary>The id of <paramref name="pfn"/> (not 0), given now if it has none: then <paramref name="isNew"/>.</summary>
    public uint IdOf(ulong pfn, out bool isNew)
    {
        ulong key = pfn >> BlockShift;
        uint[] block;
        if (key == _lastKey)
        {
            block = _lastBlock!;
        }
        else
        {
            if (!_blocks.TryGetValue(key, out block!))
            {
                block = new uint[1 << BlockShift];
                _blocks[key] = block;
            }
            _lastKey = key;
            _lastBlock = block;
        }
        ref uint id = ref block[pfn & BlockMask];
        isNew = id == 0;
        if (isNew)
        {
            if (Count == int.MaxValue - 1)
            {
                throw new InvalidOperationException("A snapshot holds at most 2^31 - 2 frames.");
            }
            id = (uint)++Count;
        }
        return id;
    }

    /// <summary>Records the kpage* words of frame <paramref name="id"/>.</summary>
    public void Store(uint id, in FrameInfo frame)
    {
        int index = (int)id - 1;
        if (index >= _flags.Length)
        {
            int size = Math.Max(index + 1, (int)Math.Min(Array.MaxLength, (long)_flags.Length * 2));
            Array.Resize(ref _flags, size);
            Array.Resize(ref _mapCounts, size);
            Array.Resize(ref _cgroups, size);
        }
        _flags[index] = frame.Flags;
        _mapCounts[index] = frame.MapCount;
        _cgroups[index] = frame.CgroupInode;
    }

    /// <summary>The frame table of every id given, with kpagecgroup only when the kernel has it.</summary>
    public FrameTable ToTable(bool withCgroups) => new(
        _flags.AsSpan(0, Count).ToArray(),
        _mapCounts.AsSpan(0, Count).ToArray(),
        withCgroups ? _cgroups.AsSpan(0, Count).ToArray() : null);
}
