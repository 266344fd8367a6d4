using System;
using CowPages.Sources;

namespace CowPages.Snapshots;

/// <summary>The kpage* words of a snapshot, read by frame id as the live files are read by PFN.</summary>
internal sealed class SnapshotFrames : IFrameSource
{
    private readonly string _snapshot;
    private readonly FrameTable _table;

    internal SnapshotFrames(string snapshot, FrameTable table, FrameFields fields)
    {
        _snapshot = snapshot;
        _table = table;
        Fields = fields;
    }

    public FrameFields Fields { get; }

    public ulong FirstFrame => 1;

    public string PathOf(FrameFields field) => field switch
    {
        FrameFields.MapCount => $"{_snapshot}: /proc/kpagecount",
        FrameFields.Cgroup => $"{_snapshot}: /proc/kpagecgroup",
        _ => $"{_snapshot}: /proc/kpageflags",
    };

    public int Read(FrameFields field, ulong firstPfn, Span<ulong> words) =>
        (Fields & field) == 0 ? 0 : _table.Read(field, firstPfn, words);

    public void Dispose()
    {
    }
}
