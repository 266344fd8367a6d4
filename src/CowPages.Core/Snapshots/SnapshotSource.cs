using System;
using System.Collections.Generic;
using System.Linq;
using CowPages.Sources;

namespace CowPages.Snapshots;

/// <summary>
/// A snapshot file as a source: the analyses read its processes, pagemaps and frames exactly as they read the live
/// procfs, and so give the same objects. Frame numbers are the snapshot's opaque frame ids, never physical addresses.
/// Nothing changes under a snapshot, so no range is ever reported as changed during a walk, except the ones that
/// changed during the capture itself.
/// </summary>
public sealed class SnapshotSource : IProcfsSource
{
    private readonly Dictionary<int, ProcessImage> _processes;
    private readonly int[] _processIds;
    private Dictionary<int, int>? _parentIds;

    public SnapshotSource(string name, SnapshotImage image)
    {
        Name = name;
        Image = image;
        Kernel = new KernelInfo(image.Kernel.Release, image.Kernel.HostName);
        _processes = image.Processes.ToDictionary(p => p.ProcessId);
        _processIds = _processes.Keys.Order().ToArray();
    }

    /// <summary>Reads the snapshot at <paramref name="path"/>.</summary>
    /// <exception cref="ProcfsException">The file is missing, unreadable, damaged, truncated, or of a newer format.</exception>
    public static SnapshotSource Open(string path)
    {
        string full = System.IO.Path.GetFullPath(path);
        return new SnapshotSource(full, SnapshotReader.Read(full));
    }

    /// <summary>The snapshot file's full path.</summary>
    public string Name { get; }

    public SnapshotImage Image { get; }

    public KernelInfo Kernel { get; }

    public DateTimeOffset CapturedAt => Image.Kernel.CapturedAt;

    public bool FramesVisible => Image.Frames is not null;

    public ulong ZeroPfn => FramesVisible ? Image.Kernel.ZeroFrameId : 0;

    /// <summary>What the captured kernel reports wrongly, as probed at capture: analyses correct for it as they do live.</summary>
    public KernelQuirks Quirks => Image.Kernel.Quirks;

    public IReadOnlyList<int> ProcessIds() => _processIds;

    /// <summary>The captured processes whose captured PPid is <paramref name="processId"/>.</summary>
    public IReadOnlyList<int> ChildrenOf(int processId) =>
        ParentIds().Where(p => p.Value == processId).Select(p => p.Key).Order().ToArray();

    /// <summary>The captured PPids, parsed from the captured status files once.</summary>
    public IReadOnlyDictionary<int, int> ParentIds() => _parentIds ??= ReadParentIds();

    private Dictionary<int, int> ReadParentIds()
    {
        var parents = new Dictionary<int, int>();
        foreach (int id in _processIds)
        {
            try
            {
                parents[id] = OpenProcess(id).ReadStatus().ParentId;
            }
            catch (ProcfsException)
            {
                // A damaged status text: that process has no known parent, as a live one that cannot be read.
            }
        }
        return parents;
    }

    /// <exception cref="NotSupportedException">Always: a snapshot records no clock, so nothing can be timed in it.</exception>
    public TimeSpan ReadUptime() => throw SnapshotProcess.NoClock(Name);

    /// <exception cref="ProcfsException">The snapshot does not hold the process (NotFound, naming the file).</exception>
    public IProcessSource OpenProcess(int processId) => _processes.TryGetValue(processId, out ProcessImage? process)
        ? new SnapshotProcess(Name, process, ZeroPfn)
        : throw new ProcfsException(ProcfsErrorKind.NotFound, Name, processId, null,
            $"process {processId}: not in the snapshot {Name}, which holds {Describe(_processIds)}.");

    /// <exception cref="ProcfsException">The capture could not see frames (AccessDenied), or did not store a field asked for.</exception>
    public IFrameSource OpenFrames(FrameFields fields)
    {
        if (Image.Frames is not FrameTable table)
        {
            throw new ProcfsException(ProcfsErrorKind.AccessDenied, Name, null, null,
                $"the snapshot {Name} was taken without CAP_SYS_ADMIN, so it holds no frames and no kpage* words: " +
                "take it as root to see page flags and map counts.");
        }
        FrameFields missing = fields & ~table.Fields & ~FrameFields.Cgroup;
        if (missing != FrameFields.None)
        {
            throw new ProcfsException(ProcfsErrorKind.NotFound, Name, null, null,
                $"the snapshot {Name} holds no {missing} words for its frames.");
        }
        return new SnapshotFrames(Name, table, (fields | FrameFields.Flags) & table.Fields);
    }

    public void Dispose()
    {
    }

    private static string Describe(int[] ids) => ids.Length switch
    {
        0 => "no processes",
        <= 12 => $"process{(ids.Length > 1 ? "es" : "")} {string.Join(", ", ids)}",
        _ => $"{ids.Length} processes ({string.Join(", ", ids.Take(12))}, ...)",
    };
}
