using System;
using System.Collections.Generic;

namespace CowPages.Snapshots;

/// <summary>
/// Replaces physical frame numbers with opaque ids, 1, 2, 3 ... in the order the capture first sees them, so that no
/// physical address leaves the host (they help Rowhammer-style attacks, which is why the kernel hides them) while equal
/// frames keep equal ids across every captured process. Id 0 is never given: in a pagemap word it means "hidden".
/// The PFN-to-id map is a table of 1024-entry blocks (4 MiB of physical memory each), made as PFNs fall in them: the
/// kernel hands out frames in runs, so neighbouring pages usually have neighbouring frames, a lookup is an array
/// access, and memory follows the spread of the frames seen rather than the size of physical memory.
/// </summary>
internal sealed class FrameNumbering
{
    private const int BlockShift = 10;
    private const ulong BlockMask = (1UL << BlockShift) - 1;

    /// <summary>Blocks of PFNs below 2^34 (64 TiB of memory) are found by index; any above, through a dictionary.</summary>
    private const ulong IndexedBlocks = 1UL << 24;

    private uint[]?[] _indexed = new uint[]?[64];
    private readonly Dictionary<ulong, uint[]> _blocks = new();
    private ulong _lastKey = ulong.MaxValue;
    private uint[]? _lastBlock;

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
            block = Block(key);
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

    private uint[] Block(ulong key)
    {
        if (key < IndexedBlocks)
        {
            if (key >= (ulong)_indexed.Length)
            {
                Array.Resize(ref _indexed, (int)Math.Max(key + 1, (ulong)_indexed.Length * 2));
            }
            return _indexed[key] ??= new uint[1 << BlockShift];
        }
        if (!_blocks.TryGetValue(key, out uint[]? block))
        {
            block = new uint[1 << BlockShift];
            _blocks[key] = block;
        }
        return block;
    }
}
