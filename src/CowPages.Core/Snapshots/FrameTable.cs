using System;
using CowPages.Sources;

namespace CowPages.Snapshots;

/// <summary>
/// The kpage* words of a snapshot's frames, indexed by frame id: id <c>i</c> (1-based) is entry <c>i - 1</c>. Id 0
/// stands for no frame (the kernel's "PFN hidden"); it reads as a frame with every word 0, as a hole in physical
/// memory reads on a live kernel.
/// </summary>
public sealed class FrameTable
{
    private readonly ulong[] _flags;
    private readonly ulong[]? _mapCounts;
    private readonly ulong[]? _cgroups;

    /// <param name="flags">kpageflags per frame; it decides how many frames there are.</param>
    /// <param name="mapCounts">kpagecount per frame, or null when it was not read.</param>
    /// <param name="cgroups">kpagecgroup per frame, or null when the kernel has none (no CONFIG_MEMCG).</param>
    public FrameTable(ulong[] flags, ulong[]? mapCounts, ulong[]? cgroups)
    {
        if ((mapCounts is not null && mapCounts.Length != flags.Length) || (cgroups is not null && cgroups.Length != flags.Length))
        {
            throw new ArgumentException("Every column of a frame table needs one word per frame.");
        }
        _flags = flags;
        _mapCounts = mapCounts;
        _cgroups = cgroups;
        Fields = FrameFields.Flags | (mapCounts is null ? 0 : FrameFields.MapCount) | (cgroups is null ? 0 : FrameFields.Cgroup);
    }

    /// <summary>How many frames there are; ids run from 1 to this.</summary>
    public int Count => _flags.Length;

    public FrameFields Fields { get; }

    internal ulong[]? Column(FrameFields field) => field switch
    {
        FrameFields.Flags => _flags,
        FrameFields.MapCount => _mapCounts,
        FrameFields.Cgroup => _cgroups,
        _ => null,
    };

    /// <summary>
    /// Reads the words of <paramref name="field"/> for consecutive ids from <paramref name="firstId"/>, as a read of a
    /// kpage* file would: fewer than asked past the last frame, and none for a field that was not stored.
    /// </summary>
    public int Read(FrameFields field, ulong firstId, Span<ulong> words)
    {
        ulong[]? column = Column(field);
        if (column is null || firstId > (ulong)column.Length)
        {
            return 0;
        }
        int count = (int)Math.Min((ulong)words.Length, (ulong)column.Length + 1 - firstId);
        int at = 0;
        if (firstId == 0 && count > 0)
        {
            words[0] = 0;
            at = 1;
        }
        column.AsSpan((int)(firstId + (ulong)at - 1), count - at).CopyTo(words[at..]);
        return count;
    }
}
