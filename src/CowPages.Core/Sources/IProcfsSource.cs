using System;
using System.Collections.Generic;

namespace CowPages.Sources;

/// <summary>
/// Everything the core reads, from one place: the live kernel's procfs, or a snapshot file taken on some host. The
/// analyses (walks, comparisons, summaries) see only this interface, so that they give the same objects from either,
/// and can be tested on synthetic sources. Nothing outside the implementations opens a file or makes a system call.
/// </summary>
public interface IProcfsSource : IDisposable
{
    /// <summary>What errors name as the place the data came from: <c>/proc</c>, or the snapshot's path.</summary>
    string Name { get; }

    /// <summary>Facts about the kernel the data came from.</summary>
    KernelInfo Kernel { get; }

    /// <summary>
    /// True when frame numbers are visible: pagemap shows PFNs and the kpage* files can be read. Live, that needs
    /// CAP_SYS_ADMIN in the initial user namespace; a snapshot records whether its capture had it.
    /// </summary>
    bool FramesVisible { get; }

    /// <summary>The frame of the shared 4 KiB zero page, or 0 when unknown (frames hidden, or no such frame).</summary>
    ulong ZeroPfn { get; }

    /// <summary>What the kernel is known to report wrongly, found by probing it (live) or recorded with the data.</summary>
    KernelQuirks Quirks { get; }

    /// <summary>The processes the source knows, in ascending order.</summary>
    IReadOnlyList<int> ProcessIds();

    /// <summary>
    /// The processes whose parent (PPid) is <paramref name="processId"/>, in ascending order; empty when it has none
    /// or does not exist. Live, they are looked up afresh on every call, so a process forked since the last call is in.
    /// </summary>
    IReadOnlyList<int> ChildrenOf(int processId);

    /// <summary>
    /// Every process's parent (PPid), keyed by PID, read in one pass: for whole families, where asking
    /// <see cref="ChildrenOf"/> for each member would read every process once per member. A process that cannot be
    /// read, or exits meanwhile, is left out.
    /// </summary>
    IReadOnlyDictionary<int, int> ParentIds();

    /// <summary>
    /// The time since boot: now for the live kernel (CLOCK_BOOTTIME), at capture for a snapshot. Processes' start
    /// times (<see cref="IProcessSource.ReadStartTime"/>) count from the same origin.
    /// </summary>
    TimeSpan ReadUptime();

    /// <summary>Opens one process. Files are read on demand; a missing process fails on the first read.</summary>
    IProcessSource OpenProcess(int processId);

    /// <summary>Opens the kpage* files named by <paramref name="fields"/> (kpageflags always).</summary>
    /// <exception cref="ProcfsException">Frames are hidden (AccessDenied), or a required file is missing.</exception>
    IFrameSource OpenFrames(FrameFields fields);
}
